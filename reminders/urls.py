from django.urls import path

from . import health, link_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
    # Signed links from reminder emails (reminders/links.py).
    path("r/<str:token>/done/", link_views.link_done, name="link_done"),
    path("r/<str:token>/snooze/", link_views.link_snooze, name="link_snooze"),
    path("r/<str:token>/card/", link_views.link_card, name="link_card"),
    path("r/<str:token>/unsubscribe/", link_views.link_unsubscribe, name="link_unsubscribe"),
    # No trailing slash: monitors and SECURE_REDIRECT_EXEMPT use these exact paths.
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
]
