"""Failed sign-ins are limited per (account, address) and, more loosely, per account."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as site_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("UTC"))
GUESSER = "203.0.113.5"
OWNER_HOME = "198.51.100.7"


def sign_in(email, password="wrong-password", address=GUESSER, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/accounts/login/", {"login": email, "password": password}, **headers)


def signed_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def fail(email, times, **where):
    for _ in range(times):
        response = sign_in(email, **where)
        assert response.status_code == 200
        assert "too many" not in response.content.decode().lower()


def test_five_failures_at_one_address_refuse_even_the_right_password_and_say_when(owner):
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        fail(email, 5)
        response = sign_in(email, factories.PASSWORD)

    page = response.content.decode()
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in page
    # What was typed stays in the form.
    assert f'value="{email}"' in page


def test_the_message_counts_down_to_the_oldest_failure_expiring(owner):
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        fail(email, 5)
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        page = sign_in(email, factories.PASSWORD).content.decode()
    assert "Try again in 4 minutes." in page


def test_the_cool_off_expires(owner):
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        fail(email, 5)
        assert not signed_in(sign_in(email, factories.PASSWORD))
    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        assert signed_in(sign_in(email, factories.PASSWORD))


def test_a_strangers_failures_do_not_lock_the_owner_out_at_their_own_address(owner):
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        fail(email, 5, address=GUESSER)
        assert signed_in(sign_in(email, factories.PASSWORD, address=OWNER_HOME))


def test_guesses_spread_over_many_addresses_run_out_for_an_hour(owner):
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            fail(email, 1, address=f"192.0.2.{n + 1}")
        response = sign_in(email, factories.PASSWORD, address=OWNER_HOME)
    assert not response.wsgi_request.user.is_authenticated
    assert "Try again in 60 minutes." in response.content.decode()
    with time_machine.travel(NOW + timedelta(hours=1, seconds=1), tick=False):
        assert signed_in(sign_in(email, factories.PASSWORD, address=OWNER_HOME))


def test_a_right_password_does_not_count_as_a_failure(owner):
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        for _ in range(8):
            assert signed_in(sign_in(email, factories.PASSWORD))


def test_behind_one_proxy_the_forwarded_address_is_the_client(settings, owner):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    email = owner.user.email
    proxy = "10.0.0.2"
    with time_machine.travel(NOW, tick=False):
        for _ in range(10):
            sign_in(email, address=proxy, forwarded=GUESSER)
        assert not signed_in(sign_in(email, factories.PASSWORD, address=proxy, forwarded=GUESSER))
        assert signed_in(sign_in(email, factories.PASSWORD, address=proxy, forwarded=OWNER_HOME))


def test_without_a_proxy_a_forged_forwarded_address_does_not_dodge_the_limit(settings, owner):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    email = owner.user.email
    with time_machine.travel(NOW, tick=False):
        for n in range(5):
            fail(email, 1, address=GUESSER, forwarded=f"192.0.2.{n + 1}")
        response = sign_in(email, factories.PASSWORD, address=GUESSER, forwarded="192.0.2.99")
    assert not response.wsgi_request.user.is_authenticated


def test_the_proxy_count_comes_from_the_environment_and_defaults_to_none():
    assert site_settings.TRUSTED_PROXY_COUNT == 0
    assert site_settings.ALLAUTH_TRUSTED_PROXY_COUNT == site_settings.TRUSTED_PROXY_COUNT


@pytest.fixture
def staff(db):
    candidate = factories.candidate(email="admin@example.com")
    get_user_model().objects.filter(pk=candidate.user.pk).update(is_staff=True, is_superuser=True)
    return candidate.user


def test_the_admin_login_form_checks_no_password_and_sends_to_the_account_login(staff):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/interviews/",
        {"username": staff.username, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Finterviews%2F"
    assert client.get("/admin/").status_code == 302


def test_failed_admin_sign_ins_are_limited_like_any_other(staff):
    client = Client()
    location = client.get("/admin/", follow=True).redirect_chain[-1][0]
    assert location == "/accounts/login/?next=%2Fadmin%2F"
    with time_machine.travel(NOW, tick=False):
        fail(staff.email, 5, address="127.0.0.1")
        refused = client.post(location, {"login": staff.email, "password": factories.PASSWORD})
    assert "Too many failed sign-in attempts" in refused.content.decode()
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        response = client.post(location, {"login": staff.email, "password": factories.PASSWORD})
        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_signed_in_candidate_without_staff_rights_gets_403_not_a_loop(owner_client):
    assert owner_client.get("/admin/login/?next=/admin/").status_code == 403


def test_an_admin_made_with_createsuperuser_confirms_the_address_then_reaches_the_admin():
    get_user_model().objects.create_superuser("root", "root@example.com", factories.PASSWORD)
    client = Client()
    credentials = {"login": "root@example.com", "password": factories.PASSWORD}

    first = client.post("/accounts/login/?next=/admin/", credentials)
    assert not first.wsgi_request.user.is_authenticated
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    client.post(link)

    response = client.post("/accounts/login/?next=/admin/", credentials)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_completed_password_reset_lifts_the_owners_lock_at_once(owner):
    email = owner.user.email
    new_password = "a-reset-long-password-63"
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            fail(email, 1, address=f"192.0.2.{n + 1}")
        assert not signed_in(sign_in(email, factories.PASSWORD, address=OWNER_HOME))

        client = Client(REMOTE_ADDR=OWNER_HOME)
        client.post("/accounts/password/reset/", {"email": email})
        link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
        form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
        client.post(form_url, {"password1": new_password, "password2": new_password})

        assert signed_in(sign_in(email, new_password, address=OWNER_HOME))
