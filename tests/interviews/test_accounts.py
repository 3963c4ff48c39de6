"""Sign-up, log-in, log-out, password reset and the profile, all in the browser's forms."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from interviews.models import Candidate
from reminders.followups.planning import followups_plan
from reminders.models import FollowUp
from tests import factories


@pytest.mark.django_db
def test_sign_up_creates_a_candidate_in_the_chosen_time_zone_and_sends_a_verification(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
            "full_name": "Ana Lima",
            "time_zone": "America/Sao_Paulo",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(user__email="new@example.com")
    assert candidate.time_zone == "America/Sao_Paulo"
    assert candidate.full_name == "Ana Lima"
    assert not EmailAddress.objects.get(email="new@example.com").verified
    assert len(mail.outbox) == 1
    assert "new@example.com" in mail.outbox[0].to


@pytest.mark.django_db
def test_the_sign_up_page_asks_the_browser_for_its_time_zone(client):
    page = client.get("/accounts/signup/").content.decode()
    assert "data-browser-time-zone" in page
    assert 'value="Europe/Berlin"' in page


@pytest.mark.django_db
def test_sign_up_refuses_a_made_up_time_zone_and_keeps_the_email(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "typed@example.com",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
            "time_zone": "Mars/Olympus_Mons",
        },
    )
    assert response.status_code == 200
    assert "typed@example.com" in response.content.decode()
    assert not get_user_model().objects.filter(email="typed@example.com").exists()


def test_log_in_with_email_and_password_then_log_out_by_post(client, owner):
    response = client.post(
        "/accounts/login/", {"login": owner.user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # A GET only asks for confirmation; the POST logs out.
    assert client.get("/accounts/logout/").status_code == 200
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client, owner):
    known = client.post("/accounts/password/reset/", {"email": owner.user.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The known address gets a reset link; the unknown one a note that it has no account.
    to_owner = [m for m in mail.outbox if owner.user.email in m.to]
    assert to_owner and re.search(r"/accounts/password/reset/key/", to_owner[0].body)


def test_changing_the_email_address_needs_verification(owner_client, owner):
    response = owner_client.post(
        "/accounts/email/", {"action_add": "", "email": "moved@example.com"}
    )
    assert response.status_code in (200, 302)
    address = EmailAddress.objects.get(email="moved@example.com")
    assert not address.verified
    assert any("moved@example.com" in m.to for m in mail.outbox)


def test_every_page_but_the_account_pages_needs_a_login(client, db):
    for url in ["/", "/applications/", "/people/", "/settings/", "/profile/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_the_profile_is_edited_in_the_browser(owner_client, owner):
    response = owner_client.post(
        "/profile/",
        {
            "full_name": "Sam Okafor",
            "signing_name": "Sam",
            "qualifications": "pipelines\nteams",
            "fit_phrase": "care for analysts",
            "linkedin_url": "https://www.linkedin.com/in/sam",
            "time_zone": "Asia/Tokyo",
            "paper_size": "letter",
            "return_address": "1 Main St",
            "thank_you_channel": "email",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.time_zone == "Asia/Tokyo"
    assert owner.paper_size == "letter"
    assert owner.qualification_list() == ["pipelines", "teams"]


def test_a_bad_profile_keeps_what_was_typed(owner_client, owner):
    response = owner_client.post(
        "/profile/",
        {
            "full_name": "Typed Name",
            "linkedin_url": "not a url",
            "time_zone": "Europe/Berlin",
            "paper_size": "a4",
            "thank_you_channel": "card",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid URL." in page
    assert "Typed Name" in page
    owner.refresh_from_db()
    assert owner.full_name == "Sam Okafor"


def test_saving_the_profile_refreshes_drafts_not_yet_edited(owner_client, owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield",))
    followups_plan(application=interview.application)
    thank_you = FollowUp.objects.get(kind=FollowUp.Kind.THANK_YOU)
    assert thank_you.draft.rstrip().endswith("Sam")
    owner_client.post(
        "/profile/",
        {
            "full_name": "Samira Okafor",
            "signing_name": "Samira",
            "time_zone": "Europe/Berlin",
            "paper_size": "a4",
            "thank_you_channel": "card",
        },
    )
    thank_you.refresh_from_db()
    assert thank_you.draft.rstrip().endswith("Samira")
