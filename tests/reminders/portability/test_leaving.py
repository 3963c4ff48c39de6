"""Leaving: the password deletes every row of the candidate's in every table, their
sessions, their calendar link and their cached cards, and nobody else's."""

import uuid

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmation
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from interviews.models import Application, Candidate
from reminders.cards import printing
from reminders.models import Digest, FollowUp, SendFailure, SpreadsheetImport
from tests import factories
from tests.reminders.portability.archive_rows import NOW, search

PASSWORD = factories.PASSWORD


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def every_model():
    # Auto-created ones too: the tables behind many-to-many fields.
    return apps.get_models(include_auto_created=True)


def personal_models():
    """Every model whose rows belong to a user: a foreign key to the user, or to a
    row that belongs to one, however far down. Sessions hold the user in their data."""
    personal = {get_user_model()}
    grew = True
    while grew:
        grew = False
        for model in every_model():
            if model not in personal and any(
                field.is_relation and field.related_model in personal
                for field in model._meta.concrete_fields
            ):
                personal.add(model)
                grew = True
    return personal | {Session}


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in every_model()}


def table_contents():
    return {
        model._meta.label: sorted(model._base_manager.values_list(), key=repr)
        for model in every_model()
    }


def signed_in(candidate):
    """A browser signed in with the password: a real session row."""
    client = Client()
    assert client.login(username=candidate.user.username, password=PASSWORD)
    return client


def everything_of(candidate, *, company, people):
    """A row in every table a candidate's data can reach, and two signed-in browsers."""
    search(candidate, company=company, people=people)
    user = candidate.user
    followup = FollowUp.objects.filter(candidate=candidate).first()
    Digest.objects.create(
        candidate=candidate,
        local_date=NOW.date(),
        claim=uuid.uuid4(),
        as_of=NOW,
        covers_until=NOW,
        claimed_at=NOW,
    )
    failure = SendFailure.objects.create(candidate=candidate, occurred_at=NOW, error="refused")
    failure.followups.add(followup)
    SpreadsheetImport.objects.create(candidate=candidate, filename="search.csv", header=["a"])
    EmailConfirmation.objects.create(
        email_address=EmailAddress.objects.get(user=user), key=uuid.uuid4().hex
    )
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Application),
        object_id="1",
        object_repr="an application",
        action_flag=ADDITION,
    )
    user.groups.add(Group.objects.get(name="testers"))
    user.user_permissions.add(Permission.objects.order_by("pk").first())
    thank_you = FollowUp.objects.filter(
        candidate=candidate, kind=FollowUp.Kind.THANK_YOU, status="open"
    ).select_related("candidate", "contact", "application")[:1]
    assert printing.card_pdf_response(followups=thank_you).status_code == 200
    return signed_in(candidate), signed_in(candidate)


@pytest.fixture
def two_accounts(db):
    Group.objects.create(name="testers")
    stranger = factories.candidate(email="stranger@example.com", full_name="Other Person")
    stranger_browser, _ = everything_of(stranger, company="Globex", people=("Rita Secret",))
    before_owner = (row_counts(), table_contents())
    owner = factories.candidate(email="owner@example.com")
    browser, other_device = everything_of(owner, company="Northwind", people=("Dana", "Lee"))
    return owner, browser, other_device, stranger_browser, before_owner


def test_leaving_deletes_every_row_of_theirs_in_every_table_and_nobody_elses(two_accounts):
    owner, browser, other_device, stranger_browser, (counts_without, contents_without) = (
        two_accounts
    )
    counts_with = row_counts()
    grown = {label for label in counts_with if counts_with[label] > counts_without[label]}
    # Every table of a candidate's has a row of theirs here, or the test proves
    # nothing about it: a new model of theirs is added to everything_of().
    assert {model._meta.label for model in personal_models()} <= grown
    assert {"account.EmailAddress", "sessions.Session", "interviews.Candidate"} <= grown

    response = browser.post(reverse("leaving"), {"password": PASSWORD})

    assert response.status_code == 200
    assert row_counts() == counts_without
    assert table_contents() == contents_without  # the stranger's rows, exactly as they were
    deleted = response.context["deleted"]
    assert deleted.sessions == 2
    assert deleted.cached_cards == 1
    gone = {label: counts_with[label] - counts_without[label] for label in grown}
    del gone["sessions.Session"]
    meta = {label: apps.get_model(label)._meta for label in gone}
    expected = {
        str(meta[label].verbose_name if n == 1 else meta[label].verbose_name_plural): n
        for label, n in gone.items()
    }
    assert deleted.rows == expected
    assert expected["follow ups"] == 10 and expected["email address"] == 1


def test_what_was_deleted_is_said_and_every_device_is_signed_out(two_accounts):
    owner, browser, other_device, stranger_browser, _ = two_accounts
    page = browser.post(reverse("leaving"), {"password": PASSWORD}).content.decode()
    assert "Your account is deleted" in page
    assert "10 follow ups" in page and "2 sign-in sessions" in page
    assert "1 cached card PDF" in page
    for client in (browser, other_device):
        assert client.get(reverse("dashboard"))["Location"].startswith("/accounts/login/")
    assert stranger_browser.get(reverse("dashboard")).status_code == 200


def test_the_calendar_link_and_the_cached_cards_are_gone(two_accounts):
    owner, browser, *_ = two_accounts
    feed = reverse("calendar_feed", args=[owner.calendar_token])
    assert Client().get(feed).status_code == 200
    counter = f"{printing.OWNER_PREFIX}{owner.pk}"
    card_key = cache.get(f"{counter}:1")
    assert cache.get(card_key) is not None

    browser.post(reverse("leaving"), {"password": PASSWORD})

    assert Client().get(feed).status_code == 404
    assert cache.get(card_key) is None
    assert cache.get(counter) is None


def test_the_wrong_password_deletes_nothing(two_accounts):
    owner, browser, *_ = two_accounts
    before = table_contents()
    response = browser.post(reverse("leaving"), {"password": "not-the-password"})
    assert response.status_code == 200
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert table_contents() == before
    assert Candidate.objects.filter(pk=owner.pk).exists()


def test_the_page_says_what_will_go_before_asking_for_the_password(two_accounts):
    owner, browser, *_ = two_accounts
    page = browser.get(reverse("leaving")).content.decode()
    assert "2 applications, 2 people and 10 follow-ups" in page
    assert reverse("archive_export") in page
    assert 'type="password"' in page


def test_cards_cached_under_another_candidate_stay_cached(two_accounts):
    owner, browser, other_device, stranger_browser, _ = two_accounts
    stranger = Candidate.objects.get(user__email="stranger@example.com")
    key = cache.get(f"{printing.OWNER_PREFIX}{stranger.pk}:1")
    browser.post(reverse("leaving"), {"password": PASSWORD})
    assert cache.get(key) is not None
