"""Sessions last two weeks; a new password ends every session but the one that set it."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-password-91"


def signed_in_client(email, **remember):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": email, "password": factories.PASSWORD, **remember}
    )
    assert response.status_code == 302
    return client


def test_sessions_last_two_weeks():
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600


def test_remember_me_keeps_the_session_two_weeks_and_without_it_until_the_browser_closes(owner):
    remembered = signed_in_client(owner.user.email, remember="on")
    assert remembered.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 14 * 24 * 3600

    forgotten = signed_in_client(owner.user.email)
    assert forgotten.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    assert forgotten.session.get_expire_at_browser_close()
    # Even a browser left open loses it on the server after two weeks.
    assert forgotten.session.get_expiry_age() == 14 * 24 * 3600


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(owner):
    laptop = signed_in_client(owner.user.email)
    phone = signed_in_client(owner.user.email)
    assert phone.get("/").status_code == 200

    response = laptop.post(
        "/accounts/password/change/",
        {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert laptop.get("/").status_code == 200
    gone = phone.get("/")
    assert gone.status_code == 302
    assert gone["Location"].startswith("/accounts/login/")
