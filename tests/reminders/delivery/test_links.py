"""Signed links from reminder emails: a GET never acts, one POST does, and nothing else."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from interviews.models import Candidate
from reminders.delivery import links
from reminders.models import FollowUp
from tests.reminders.followup_factory import followup

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SENT = datetime(2026, 3, 2, 11, 0, tzinfo=BERLIN)
CLICKED = SENT + timedelta(hours=2)


@pytest.fixture
def item(owner):
    return followup(
        candidate=owner,
        opens_at=SENT,
        status=FollowUp.Status.OPEN,
        draft="Dear Dana Whitfield,\n\nThank you for Monday.\n\nBest regards,\nSam",
    )


def url_for(purpose, followup, *, at=SENT):
    with time_machine.travel(at, tick=False):
        return links.link_url(purpose=purpose, followup=followup).removeprefix(links.absolute(""))


def at(moment, call, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return call(*args, **kwargs)


def unchanged(followup):
    before = FollowUp.objects.values().get(pk=followup.pk)
    return lambda: FollowUp.objects.values().get(pk=followup.pk) == before


def forged(purpose, **payload):
    return signing.dumps(payload, salt=f"reminders.links.{purpose}")


# --- A GET shows, a POST acts -----------------------------------------------------------


@pytest.mark.parametrize("purpose", [links.DONE, links.SNOOZE, links.UNSUBSCRIBE])
def test_a_get_shows_a_confirmation_and_changes_nothing(client, item, purpose):
    same = unchanged(item)
    url = url_for(purpose, item)

    response = at(CLICKED, client.get, url)
    head = at(CLICKED, client.head, url)

    assert response.status_code == 200
    assert head.status_code == 200
    assert b'<form method="post"' in response.content
    assert same()
    assert Candidate.objects.get(pk=item.candidate_id).reminders_paused is False


def test_done_acts_on_one_post_while_logged_out(item):
    # A real browser: the confirmation page sets the CSRF cookie the POST needs.
    browser = Client(enforce_csrf_checks=True)
    url = url_for(links.DONE, item)
    page = at(CLICKED, browser.get, url)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)[1]

    response = at(CLICKED, browser.post, url, {"csrfmiddlewaretoken": token.decode()})

    assert response.status_code == 200
    assert b"Marked done" in response.content
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DONE
    assert item.done_at == CLICKED
    assert item.done_channel == item.channel
    assert item.remind_at is None


def test_snooze_moves_the_next_reminder_to_the_same_time_tomorrow(client, item):
    # The night of 28 to 29 March has only 23 hours in Berlin; the snooze still
    # ends at 09:30 local.
    evening = datetime(2026, 3, 28, 9, 30, tzinfo=BERLIN)
    url = url_for(links.SNOOZE, item, at=evening)

    response = at(evening, client.post, url)

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.snoozed_until == datetime(2026, 3, 29, 9, 30, tzinfo=BERLIN)
    assert item.snoozed_until - evening == timedelta(hours=23)
    assert item.remind_at == item.snoozed_until
    assert item.status == FollowUp.Status.OPEN


def test_unsubscribe_pauses_reminders_with_a_one_click_post(item):
    # RFC 8058: the mail provider POSTs this body, with no cookies, no form.
    provider = Client(enforce_csrf_checks=True)
    url = url_for(links.UNSUBSCRIBE, item)

    response = at(
        CLICKED,
        provider.post,
        url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Candidate.objects.get(pk=item.candidate_id).reminders_paused is True


def test_the_owner_signed_in_can_use_the_link_too(owner_client, item):
    response = at(CLICKED, owner_client.post, url_for(links.DONE, item))

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DONE


# --- None of these act ------------------------------------------------------------------


@pytest.mark.parametrize("purpose", [links.DONE, links.SNOOZE])
def test_an_expired_link_does_nothing(client, item, purpose):
    same = unchanged(item)
    url = url_for(purpose, item)
    late = SENT + timedelta(days=14, seconds=1)

    assert at(late, client.get, url).status_code == 410
    response = at(late, client.post, url)

    assert response.status_code == 410
    assert b"expired" in response.content
    assert same()


def test_a_link_still_works_on_its_fourteenth_day(client, item):
    url = url_for(links.DONE, item)

    at(SENT + timedelta(days=13, hours=23), client.post, url)

    item.refresh_from_db()
    assert item.status == FollowUp.Status.DONE


def test_a_tampered_link_does_nothing(client, item, stranger):
    same = unchanged(item)
    url = url_for(links.DONE, item)
    token = url.split("/")[2]
    payload, stamp, signature = token.split(":")
    broken_signature = (
        f"{payload}:{stamp}:{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    )
    # Another follow-up's id pasted into a valid token: the signature no longer fits.
    other = followup(candidate=stranger, opens_at=SENT)
    swapped_payload = signing.b64_encode(
        f'{{"f":{other.pk},"u":{stranger.user_id}}}'.encode()
    ).decode()

    for bad in (broken_signature, f"{swapped_payload}:{stamp}:{signature}", "nonsense"):
        response = at(CLICKED, client.post, reverse("link_done", args=[bad]))
        assert response.status_code == 400, bad
        assert b"not valid" in response.content
    assert same()


def test_a_link_for_one_purpose_does_not_do_another(client, item):
    same = unchanged(item)
    snooze_token = url_for(links.SNOOZE, item).split("/")[2]

    response = at(CLICKED, client.post, reverse("link_done", args=[snooze_token]))

    assert response.status_code == 400
    assert same()


def test_a_token_for_one_user_never_reaches_another_users_follow_up(client, item, stranger):
    # Signed correctly, but naming the stranger as the user of the owner's row.
    same = unchanged(item)
    token = at(SENT, forged, links.DONE, f=item.pk, u=stranger.user_id, s="x")

    response = at(CLICKED, client.post, reverse("link_done", args=[token]))

    assert response.status_code == 404
    assert same()


def test_someone_signed_in_as_another_account_cannot_use_the_link(stranger_client, item):
    same = unchanged(item)
    url = url_for(links.DONE, item)

    assert at(CLICKED, stranger_client.get, url).status_code == 403
    response = at(CLICKED, stranger_client.post, url)

    assert response.status_code == 403
    assert b"another account" in response.content
    assert same()


@pytest.mark.parametrize("purpose", [links.DONE, links.SNOOZE])
def test_a_link_replayed_after_use_does_nothing(client, item, purpose):
    url = url_for(purpose, item)
    assert at(CLICKED, client.post, url).status_code == 200
    same = unchanged(item)

    replay = at(CLICKED + timedelta(hours=1), client.post, url)

    assert replay.status_code == 410
    assert b"already been used" in replay.content
    assert same()


def test_a_done_link_does_nothing_once_the_follow_up_was_closed_elsewhere(client, item):
    url = url_for(links.DONE, item)
    FollowUp.objects.filter(pk=item.pk).update(status=FollowUp.Status.CANCELLED)

    response = at(CLICKED, client.post, url)

    assert response.status_code == 410
    item.refresh_from_db()
    assert item.status == FollowUp.Status.CANCELLED


def test_a_deleted_follow_up_gives_a_clear_not_found(client, item):
    url = url_for(links.DONE, item)
    item.delete()

    response = at(CLICKED, client.get, url)

    assert response.status_code == 404
    assert b"Follow-up not found" in response.content


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, item, method):
    same = unchanged(item)

    response = at(CLICKED, getattr(client, method), url_for(links.DONE, item))

    assert response.status_code == 405
    assert same()


# --- The card download -------------------------------------------------------------------


def test_the_card_link_downloads_the_pdf_on_a_get(client, item):
    same = unchanged(item)

    response = at(CLICKED, client.get, url_for(links.CARD, item))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert same()


def test_a_bad_card_link_downloads_nothing(client, item, stranger):
    good = url_for(links.CARD, item).split("/")[2]
    done_token = url_for(links.DONE, item).split("/")[2]
    foreign = at(SENT, forged, links.CARD, f=item.pk, u=stranger.user_id)
    cases = {
        f"{good[:-3]}xyz": 400,
        done_token: 400,
        foreign: 404,
    }
    for token, status in cases.items():
        response = at(CLICKED, client.get, reverse("link_card", args=[token]))
        assert response.status_code == status
        assert not response.content.startswith(b"%PDF")

    expired = at(SENT + timedelta(days=15), client.get, reverse("link_card", args=[good]))
    assert expired.status_code == 410
    assert not expired.content.startswith(b"%PDF")


def test_only_a_thank_you_has_a_card(client, owner):
    notes = followup(candidate=owner, opens_at=SENT, kind=FollowUp.Kind.NOTES)

    response = at(CLICKED, client.get, url_for(links.CARD, notes))

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")


@pytest.mark.parametrize("purpose", [links.DONE, links.SNOOZE])
def test_done_and_snooze_need_the_pages_csrf_token(item, purpose):
    # Only the one-click unsubscribe is CSRF-exempt (mail providers post it
    # without cookies); a forged cross-site POST must not complete the others.
    same = unchanged(item)
    browser = Client(enforce_csrf_checks=True)
    response = at(CLICKED, browser.post, url_for(purpose, item))
    assert response.status_code == 403
    assert same()


def test_a_link_page_never_shows_the_candidates_email_or_other_follow_ups(client, item, owner):
    page = at(CLICKED, client.get, url_for(links.DONE, item)).content.decode()
    assert owner.user.email not in page
    assert "csrfmiddlewaretoken" in page and 'name="robots" content="noindex"' in page
