from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import TemplateView

from reminders.cards.printing import CACHE_SECONDS as CARD_CACHE_SECONDS

DAY = 24 * 3600


@login_not_required
def admin_login(request):
    """The admin signs in through the site's own sign-in page.

    Django's admin login form has no limit on failed attempts; the account
    login counts them (ACCOUNT_RATE_LIMITS). So the admin form never checks
    a password: it sends the browser to the account login, which returns to
    the admin afterwards.
    """
    if request.user.is_authenticated:
        # Signed in without staff rights: the account login would only send
        # them back here.
        raise PermissionDenied("This account has no access to the admin.")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target or '/admin/'})}")


# What is kept and who sees it; its figures come from where they are set.
privacy = login_not_required(
    TemplateView.as_view(
        template_name="privacy.html",
        extra_context={
            "session_days": settings.SESSION_COOKIE_AGE // DAY,
            "card_cache_days": CARD_CACHE_SECONDS // DAY,
        },
    )
)

urlpatterns = [
    path("privacy/", privacy, name="privacy"),
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("interviews.urls")),
    path("", include("reminders.urls")),
]
