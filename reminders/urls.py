from django.urls import path

from . import card_views, health, link_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
    # Printable thank-you cards: the preview, the panel PDF, one card.
    path("interviews/<int:pk>/cards/", card_views.interview_cards, name="interview_cards"),
    path(
        "interviews/<int:pk>/cards.pdf", card_views.interview_cards_pdf, name="interview_cards_pdf"
    ),
    path("followups/<int:pk>/card.pdf", card_views.followup_card_pdf, name="followup_card_pdf"),
    # Signed links from reminder emails (reminders/links.py).
    path("r/<str:token>/done/", link_views.link_done, name="link_done"),
    path("r/<str:token>/snooze/", link_views.link_snooze, name="link_snooze"),
    path("r/<str:token>/card/", link_views.link_card, name="link_card"),
    path("r/<str:token>/unsubscribe/", link_views.link_unsubscribe, name="link_unsubscribe"),
    # No trailing slash: monitors and SECURE_REDIRECT_EXEMPT use these exact paths.
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
]
