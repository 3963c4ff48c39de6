"""The private calendar feed and the one-event downloads, read back with icalendar."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Contact, Interview, Participant
from reminders.models import FollowUp
from tests import factories
from tests.reminders.followup_factory import followup as make_followup

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tokyo(db):
    return factories.candidate(
        email="kenji@example.com", full_name="Kenji Sato", time_zone="Asia/Tokyo"
    )


@pytest.fixture
def schedule(tokyo):
    """An upcoming interview with two people, and two pending follow-ups and a done one."""
    application = factories.application(candidate=tokyo, company="Northwind", role="Data Engineer")
    interview = factories.interview(
        application=application,
        starts_at=datetime(2026, 12, 10, 10, 0, tzinfo=TOKYO),
        location="https://meet.google.com/abc-defg-hij",
    )
    dana = factories.contact(candidate=tokyo, name="Dana Whitfield")
    factories.participant(interview=interview, contact=dana)
    factories.participant(
        interview=interview, contact=factories.contact(candidate=tokyo, name="Lee Park")
    )
    thank = make_followup(
        candidate=tokyo,
        application=application,
        contact=dana,
        interview=interview,
        opens_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        due_in=timedelta(hours=24),
        draft="Dear Dana,\n\nThank you for the conversation about the data platform.\n\nKenji",
    )
    check_in = make_followup(
        candidate=tokyo,
        application=application,
        kind=FollowUp.Kind.CHECK_IN,
        opens_at=datetime(2026, 12, 20, 23, 0, tzinfo=UTC),
        status=FollowUp.Status.PLANNED,
    )
    done = make_followup(
        candidate=tokyo,
        application=application,
        kind=FollowUp.Kind.LINKEDIN,
        contact=dana,
        interview=interview,
        opens_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        status=FollowUp.Status.DONE,
    )
    return {"interview": interview, "thank": thank, "check_in": check_in, "done": done}


def feed_url(candidate):
    return reverse("calendar_feed", args=[candidate.calendar_token])


def fetch(candidate, client=None, **headers):
    return (client or Client()).get(feed_url(candidate), headers=headers)


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}, calendar


def test_the_feed_lists_pending_follow_ups_and_upcoming_interviews_in_utc(tokyo, schedule):
    response = fetch(tokyo)  # no login: calendar apps cannot sign in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found, calendar = events(response)
    thank, check_in, interview = schedule["thank"], schedule["check_in"], schedule["interview"]
    assert set(found) == {
        f"followup-{thank.pk}@127.0.0.1",
        f"followup-{check_in.pk}@127.0.0.1",
        f"interview-{interview.pk}@127.0.0.1",
    }
    assert str(calendar["X-WR-CALNAME"]) == "Follow-ups – Kenji Sato"
    assert "REFRESH-INTERVAL" in calendar and "X-PUBLISHED-TTL" in calendar
    event = found[f"followup-{thank.pk}@127.0.0.1"]
    assert event["DTSTART"].dt == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert "DTSTART:20261202T090000Z" in response.content.decode()  # UTC, no TZID
    assert str(event["SUMMARY"]) == "Thank Dana Whitfield (Northwind)"
    description = str(event["DESCRIPTION"])
    # Due 24 hours after 09:00 UTC: 18:00 the next day in Tokyo (UTC+9).
    assert "Due by Thursday 3 December, 18:00 (Asia/Tokyo)." in description
    assert "Draft: Thank you for the conversation about the data platform." in description
    assert f"http://127.0.0.1:8000/followups/{thank.pk}/" in description
    assert str(event["URL"]) == f"http://127.0.0.1:8000/followups/{thank.pk}/"
    meeting = found[f"interview-{interview.pk}@127.0.0.1"]
    assert meeting["DTSTART"].dt == datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # 10:00 Tokyo
    assert meeting["DTEND"].dt == datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    assert str(meeting["LOCATION"]) == "https://meet.google.com/abc-defg-hij"
    assert "With Dana Whitfield, Lee Park." in str(meeting["DESCRIPTION"])
    assert "VALARM" not in response.content.decode()


def test_times_follow_the_candidates_zone_when_it_changes(tokyo, schedule):
    tokyo.time_zone = "America/New_York"
    tokyo.save()
    found, _ = events(fetch(tokyo))
    event = found[f"followup-{schedule['thank'].pk}@127.0.0.1"]
    assert event["DTSTART"].dt == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # an instant, unmoved
    # 09:00 UTC the next day is 04:00 in New York (UTC-5 in December).
    assert "Due by Thursday 3 December, 04:00 (America/New_York)." in str(event["DESCRIPTION"])


def test_uids_are_stable_and_closed_follow_ups_leave_the_feed(tokyo, schedule):
    first, _ = events(fetch(tokyo))
    again, _ = events(fetch(tokyo))
    assert set(first) == set(again)
    thank = schedule["thank"]
    thank.status = FollowUp.Status.DONE
    thank.save()
    skipped = schedule["check_in"]
    skipped.status = FollowUp.Status.SKIPPED
    skipped.save()
    after, _ = events(fetch(tokyo))
    assert set(after) == {f"interview-{schedule['interview'].pk}@127.0.0.1"}


def test_a_snoozed_follow_up_shows_when_the_snooze_ends(tokyo, schedule):
    thank = schedule["thank"]
    thank.snoozed_until = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    thank.save()
    found, _ = events(fetch(tokyo))
    assert found[f"followup-{thank.pk}@127.0.0.1"]["DTSTART"].dt == thank.snoozed_until


def test_past_interviews_leave_after_thirty_days(tokyo, schedule):
    with time_machine.travel(datetime(2027, 1, 11, tzinfo=UTC), tick=False):
        found, _ = events(fetch(tokyo))
    assert f"interview-{schedule['interview'].pk}@127.0.0.1" not in found


def test_a_conditional_request_gets_304_until_something_changes(tokyo, schedule):
    response = fetch(tokyo)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert response["Cache-Control"] == "private, max-age=900"
    assert fetch(tokyo, If_None_Match=etag).status_code == 304
    assert fetch(tokyo, If_Modified_Since=modified).status_code == 304
    # A renamed person is quoted in the feed: the tag must move.
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        dana = Contact.objects.get(name="Dana Whitfield")
        dana.name = "Dana Whitfield-Ng"
        dana.save()
        renamed = fetch(tokyo, If_None_Match=etag)
    assert renamed.status_code == 200 and "Dana Whitfield-Ng" in renamed.content.decode()
    etag = renamed["ETag"]
    schedule["check_in"].delete()  # a row leaving changes the count
    assert fetch(tokyo, If_None_Match=etag).status_code == 200


def test_a_new_link_revokes_the_old_one_at_once(tokyo, schedule):
    old = feed_url(tokyo)
    client = Client()
    client.force_login(tokyo.user)
    page = client.get(reverse("profile")).content.decode()
    assert f"http://127.0.0.1:8000{old}" in page
    response = client.post(reverse("calendar_link_renew"))
    assert response.status_code == 302
    tokyo.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert fetch(tokyo).status_code == 200
    assert feed_url(tokyo) != old


def test_another_candidates_token_never_gives_a_row_of_the_first(tokyo, schedule):
    other = factories.candidate(email="other@example.com", full_name="Other Person")
    factories.interview(
        application=factories.application(candidate=other, company="Elsewhere"),
        starts_at=datetime(2026, 12, 11, 9, 0, tzinfo=UTC),
    )
    found, calendar = events(fetch(other))
    assert len(found) == 1
    body = fetch(other).content.decode()
    assert "Northwind" not in body and "Dana" not in body and "Kenji" not in body
    assert Client().get(reverse("calendar_feed", args=["x" * 43])).status_code == 404


def _grow(candidate, interviews):
    application = factories.application(candidate=candidate, company="Bulk Co")
    contact = factories.contact(candidate=candidate, company="Bulk Co", name="Pat Bulk")
    start = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    rows = Interview.objects.bulk_create(
        Interview(
            application=application,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=45),
        )
        for i in range(interviews)
    )
    Participant.objects.bulk_create(Participant(interview=row, contact=contact) for row in rows)
    FollowUp.objects.bulk_create(
        FollowUp(
            candidate=candidate,
            application=application,
            interview=row,
            contact=contact,
            kind=FollowUp.Kind.THANK_YOU,
            opens_at=row.ends_at,
            due_at=row.ends_at + timedelta(hours=24),
            channel=FollowUp.Channel.EMAIL,
            draft="Dear Pat,\n\nThank you.",
        )
        for row in rows
    )


def _queries(candidate, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = fetch(candidate, **headers)
    return response, len(queries)


def test_the_feed_costs_the_same_queries_at_ten_and_a_thousand_interviews(tokyo):
    _grow(tokyo, 10)
    small, small_count = _queries(tokyo)
    _grow(tokyo, 990)
    large, large_count = _queries(tokyo)
    assert len(events(large)[0]) == 2000
    # The candidate, two aggregates for the ETag, follow-ups, interviews, their people.
    assert small_count == large_count == 6
    not_modified, count = _queries(tokyo, If_None_Match=large["ETag"])
    assert not_modified.status_code == 304 and count == 3


def test_the_follow_up_download_has_an_alarm_at_its_window(tokyo, schedule):
    client = Client()
    client.force_login(tokyo.user)
    thank = schedule["thank"]
    response = client.get(reverse("followup_ics", args=[thank.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="thank-dana-whitfield.ics"'
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == f"followup-{thank.pk}@127.0.0.1"  # the feed's UID
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(0)
    done = client.get(reverse("followup_ics", args=[schedule["done"].pk]))
    assert done.status_code == 404


def test_the_interview_download_reminds_an_hour_before(tokyo, schedule):
    client = Client()
    client.force_login(tokyo.user)
    response = client.get(reverse("interview_ics", args=[schedule["interview"].pk]))
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(hours=1)
    assert event["DTSTART"].dt == datetime(2026, 12, 10, 1, 0, tzinfo=UTC)


def test_downloads_are_404_for_another_candidate(tokyo, schedule, stranger_client):
    for name, pk in (
        ("followup_ics", schedule["thank"].pk),
        ("interview_ics", schedule["interview"].pk),
    ):
        assert stranger_client.get(reverse(name, args=[pk])).status_code == 404
