"""The morning digest (DOMAIN: reminders; issue: one calm email a day, sent once).

Every sweep here gets a UTC `now`, as beat gives it, and the candidates live
in zones far from UTC, so a test that confused the two would fail.
"""

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.models import Candidate
from reminders.delivery import digest as digest_module
from reminders.delivery.sweep import reminders_sweep
from reminders.models import Digest, FollowUp, SendFailure, Sweep
from tests import factories
from tests.reminders.followup_factory import followup, followup_ids_in, quick_candidate
from tests.reminders.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

# Thursday 3 December 2026 in Berlin.
DAY = datetime(2026, 12, 3, tzinfo=BERLIN)


def at(zone, *args):
    """A local wall-clock time, as the UTC instant beat would pass."""
    return datetime(*args, tzinfo=zone).astimezone(UTC)


def sweep(now):
    assert now.tzinfo == UTC
    with time_machine.travel(now, tick=False):
        return reminders_sweep(now=now)


def sweep_every(start, end, step=timedelta(minutes=5)):
    moment = start
    while moment <= end:
        sweep(moment)
        moment += step


def digests():
    return [m for m in mail.outbox if m.subject.startswith("Your follow-ups for")]


def digest_candidate(email="digest@example.com", time_zone="Europe/Berlin", **fields):
    fields.setdefault("reminder_mode", Candidate.ReminderMode.DIGEST)
    return quick_candidate(email=email, time_zone=time_zone, **fields)


@pytest.fixture
def berlin():
    return digest_candidate()


@pytest.fixture
def day_items(berlin):
    """One follow-up in each place a digest can list it, and some it must leave out."""
    morning = at(BERLIN, 2026, 12, 3, 0, 0)
    northwind = factories.application(candidate=berlin, company="Northwind", role="Analyst")
    contoso = factories.application(candidate=berlin, company="Contoso", role="Engineer")
    return {
        "overdue": followup(
            candidate=berlin,
            application=contoso,
            opens_at=morning - timedelta(days=2),
            due_in=timedelta(hours=30),
            draft="Dear Ann,\nThank you for walking me through the data platform.",
        ),
        "due_today": followup(
            candidate=berlin,
            application=northwind,
            opens_at=morning - timedelta(hours=20),
            due_in=timedelta(hours=36),  # 16:00 today
        ),
        "opens_later": followup(
            candidate=berlin,
            application=northwind,
            kind=FollowUp.Kind.LINKEDIN,
            opens_at=morning + timedelta(hours=15),
            due_in=timedelta(days=3),
        ),
        # Opened three days ago, due next week: it was new in an earlier digest.
        "old_news": followup(
            candidate=berlin,
            application=northwind,
            kind=FollowUp.Kind.CHECK_IN,
            opens_at=morning - timedelta(days=3),
            due_in=timedelta(days=10),
            remind_at=None,
        ),
        "snoozed": followup(
            candidate=berlin,
            application=contoso,
            opens_at=morning - timedelta(days=2),
            snoozed_until=morning + timedelta(days=2),
        ),
        "done": followup(
            candidate=berlin,
            application=contoso,
            opens_at=morning - timedelta(days=2),
            status=FollowUp.Status.DONE,
            remind_at=None,
        ),
    }


def test_the_digest_goes_at_the_digest_time_in_the_candidates_zone(berlin, day_items):
    sweep(at(BERLIN, 2026, 12, 3, 7, 59))
    assert digests() == []

    sweep(at(BERLIN, 2026, 12, 3, 8, 0))

    (message,) = digests()
    assert message.to == ["digest@example.com"]
    listed = set(followup_ids_in(message))
    expected = {day_items[name].pk for name in ("overdue", "due_today", "opens_later")}
    assert listed == expected


def test_it_is_sent_once_a_day_however_often_the_sweep_runs(berlin, day_items):
    sweep_every(
        at(BERLIN, 2026, 12, 3, 7, 0), at(BERLIN, 2026, 12, 3, 23, 55), timedelta(minutes=10)
    )
    sweep(at(BERLIN, 2026, 12, 3, 12, 0))  # a rerun as of an hour already swept

    assert len(digests()) == 1
    assert Digest.objects.get().state == Digest.State.SENT
    assert Sweep.objects.filter(digests_sent=1).count() == 1


def test_the_next_morning_sends_the_next_digest(berlin, day_items):
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))
    sweep(at(BERLIN, 2026, 12, 4, 8, 0))

    first, second = digests()
    # Yesterday's "opens later" is new no longer: it is not yet due.
    assert day_items["opens_later"].pk not in followup_ids_in(second)
    assert day_items["overdue"].pk in followup_ids_in(second)
    assert list(Digest.objects.order_by("local_date").values_list("local_date", flat=True)) == [
        DAY.date(),
        DAY.date() + timedelta(days=1),
    ]


def test_items_are_grouped_by_application_most_urgent_first(berlin, day_items):
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))

    (message,) = digests()
    body = message.body
    assert body.index("== Engineer at Contoso ==") < body.index("== Analyst at Northwind ==")
    assert "Overdue since Wed 2 Dec, 06:00" in body
    assert "Due today at 16:00" in body
    assert "Opens today at 15:00, due Sun 6 Dec" in body
    assert message.subject == "Your follow-ups for Thu 3 Dec: 1 overdue, 1 due today, 1 new"


def test_each_item_carries_the_drafts_first_line_and_every_signed_link(berlin, day_items):
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))

    (message,) = digests()
    assert 'Draft: "Thank you for walking me through the data platform."' in message.body
    assert "Dear Ann" not in message.body
    for action in ("done", "snooze"):
        assert len(re.findall(rf"https?://\S+/r/[^/\s]+/{action}/", message.body)) == 3
    # The thank-yous are cards (the factory's channel): they offer the download.
    assert len(re.findall(r"https?://\S+/r/[^/\s]+/card/", message.body)) == 2
    assert f"/followups/{day_items['overdue'].pk}/" in message.body
    html = message.alternatives[0].content
    assert "Thank you for walking me through the data platform." in html
    assert html.count("Mark done") == 3


def test_the_digest_says_how_to_change_the_setting_and_unsubscribes_in_one_click(
    berlin, day_items, client
):
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))

    (message,) = digests()
    assert "One digest a morning at 08:00. To get an email as each window opens" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"][1:-1]
    response = client.post(urlsplit(url).path)

    assert response.status_code == 200
    berlin.refresh_from_db()
    assert berlin.reminders_paused
    sweep(at(BERLIN, 2026, 12, 4, 8, 0))
    assert len(digests()) == 1


def test_nothing_to_list_sends_nothing(berlin):
    followup(
        candidate=berlin,
        opens_at=at(BERLIN, 2026, 11, 30, 9, 0),
        due_in=timedelta(days=10),
        remind_at=None,
    )
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))

    assert mail.outbox == []
    assert Digest.objects.get().state == Digest.State.EMPTY


def test_per_window_reminders_wait_for_the_digest_but_the_notes_nudge_does_not(berlin):
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))  # this morning's digest had nothing to say
    after_interview = at(BERLIN, 2026, 12, 3, 15, 0)
    notes = followup(
        candidate=berlin,
        kind=FollowUp.Kind.NOTES,
        opens_at=after_interview,
        remind_at=after_interview,
    )
    thanks = followup(candidate=berlin, opens_at=after_interview)

    result = sweep(after_interview)

    assert result.reminders_sent == 1
    (message,) = mail.outbox
    assert followup_ids_in(message) == [notes.pk]
    assert FollowUp.objects.get(pk=thanks.pk).remind_at == after_interview


def test_a_paused_candidate_gets_no_digest(day_items, berlin):
    Candidate.objects.filter(pk=berlin.pk).update(reminders_paused=True)
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))
    assert mail.outbox == []


def test_quiet_hours_hold_the_digest_until_they_end(day_items, berlin):
    Candidate.objects.filter(pk=berlin.pk).update(quiet_hours_end=time(9, 30))

    sweep_every(at(BERLIN, 2026, 12, 3, 8, 0), at(BERLIN, 2026, 12, 3, 9, 25))
    assert digests() == []
    sweep(at(BERLIN, 2026, 12, 3, 9, 30))
    assert len(digests()) == 1


@pytest.mark.parametrize(
    ("zone", "day", "description"),
    [
        (BERLIN, (2026, 3, 29), "02:30 does not exist"),
        (BERLIN, (2026, 10, 25), "02:30 comes twice"),
        (NEW_YORK, (2026, 3, 8), "02:30 does not exist"),
        (NEW_YORK, (2026, 11, 1), "01:30 comes twice"),
    ],
)
def test_a_digest_time_in_the_daylight_saving_hour_sends_exactly_one(zone, day, description):
    digest_time = time(1, 30) if "01:30" in description else time(2, 30)
    candidate = digest_candidate(
        time_zone=str(zone),
        digest_time=digest_time,
        quiet_hours_start=time(23, 0),
        quiet_hours_end=time(0, 30),
    )
    followup(candidate=candidate, opens_at=at(zone, *day, 0, 0) - timedelta(days=2))

    # Every five minutes in UTC, through the whole local night: a repeated hour
    # is swept twice, a skipped one never.
    sweep_every(at(zone, *day, 0, 0), at(zone, *day, 6, 0))

    (message,) = digests()
    (row,) = Digest.objects.all()
    sent_local = row.as_of.astimezone(zone)
    assert row.local_date == datetime(*day).date()
    if "does not exist" in description:
        # The first sweep once the clock has jumped past the digest time.
        assert (sent_local.hour, sent_local.minute) == (3, 0)
    else:
        # The first of the two, not the repeat an hour later.
        assert sent_local.time() == digest_time and sent_local.fold == 0
        assert row.as_of == at(zone, *day, digest_time.hour, digest_time.minute)


@pytest.mark.parametrize(
    ("before", "after"),
    [(TOKYO, LOS_ANGELES), (LOS_ANGELES, TOKYO), (BERLIN, NEW_YORK), (NEW_YORK, BERLIN)],
)
def test_changing_zone_mid_day_never_gives_two_digests_in_a_day(before, after):
    candidate = digest_candidate(time_zone=str(before))
    start = at(before, 2026, 12, 3, 7, 0)
    followup(candidate=candidate, opens_at=start - timedelta(days=2), due_in=timedelta(days=1))

    sweep_every(start, start + timedelta(hours=3), timedelta(minutes=15))
    assert len(digests()) == 1
    Candidate.objects.filter(pk=candidate.pk).update(time_zone=str(after))
    sweep_every(start + timedelta(hours=3), start + timedelta(hours=60), timedelta(minutes=15))

    rows = list(Digest.objects.order_by("as_of"))
    assert len(digests()) == len(rows)
    dates = [row.local_date for row in rows]
    assert len(dates) == len(set(dates)), "two digests for one local date"
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert later.as_of - earlier.as_of >= digest_module.MIN_GAP
    # The new zone's mornings are served from the day after the move.
    assert rows[-1].as_of.astimezone(after).time() >= time(8, 0)
    assert len(rows) >= 2


def test_switching_mode_mid_day_gives_one_digest_and_no_repeats(berlin):
    Candidate.objects.filter(pk=berlin.pk).update(reminder_mode=Candidate.ReminderMode.EACH)
    morning = at(BERLIN, 2026, 12, 3, 9, 0)
    early = followup(candidate=berlin, opens_at=morning)
    sweep(morning)
    assert followup_ids_in(mail.outbox[-1]) == [early.pk]

    # Past the digest time, the switch brings today's digest at the next sweep.
    later = followup(candidate=berlin, opens_at=at(BERLIN, 2026, 12, 3, 10, 0))
    Candidate.objects.filter(pk=berlin.pk).update(reminder_mode=Candidate.ReminderMode.DIGEST)
    sweep(at(BERLIN, 2026, 12, 3, 10, 5))
    assert len(digests()) == 1
    assert set(followup_ids_in(digests()[0])) == {early.pk, later.pk}

    # Back and forth again: no second digest, and what it carried is not re-sent.
    Candidate.objects.filter(pk=berlin.pk).update(reminder_mode=Candidate.ReminderMode.EACH)
    sweep(at(BERLIN, 2026, 12, 3, 11, 0))
    Candidate.objects.filter(pk=berlin.pk).update(reminder_mode=Candidate.ReminderMode.DIGEST)
    sweep(at(BERLIN, 2026, 12, 3, 12, 0))
    assert len(mail.outbox) == 2
    assert len(digests()) == 1


def test_a_digest_missed_while_down_goes_when_the_service_returns_that_day(berlin, day_items):
    sweep(at(BERLIN, 2026, 12, 3, 7, 0))  # the last sweep before the outage
    sweep(at(BERLIN, 2026, 12, 3, 20, 40))  # back in the evening

    (message,) = digests()
    assert Digest.objects.get().local_date == DAY.date()


def test_a_day_missed_entirely_is_covered_by_the_next_morning(berlin, day_items):
    sweep(at(BERLIN, 2026, 12, 2, 8, 0))  # Wednesday's digest
    sweep(at(BERLIN, 2026, 12, 3, 7, 0))
    sweep(at(BERLIN, 2026, 12, 4, 1, 0))  # back after midnight: Thursday is gone
    assert len(digests()) == 1

    sweep(at(BERLIN, 2026, 12, 4, 8, 0))
    message = digests()[-1]
    listed = set(followup_ids_in(message))
    # Yesterday's due item is now overdue, and yesterday's new one is still new.
    assert {day_items["overdue"].pk, day_items["due_today"].pk} <= listed
    assert day_items["opens_later"].pk in listed
    dates = Digest.objects.order_by("local_date").values_list("local_date", flat=True)
    assert list(dates) == [DAY.date() - timedelta(days=1), DAY.date() + timedelta(days=1)]


def test_a_refused_send_is_retried_the_same_day_and_sent_once(berlin, day_items, settings):
    with SMTPServer(refuse=1) as server:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        eight = at(BERLIN, 2026, 12, 3, 8, 0)
        failed = sweep(eight)
        row = Digest.objects.get()
        assert failed.digests.failures == 1
        assert (row.state, row.attempts, row.retry_at) == (
            Digest.State.FAILED,
            1,
            eight + timedelta(minutes=5),
        )
        sweep(eight + timedelta(minutes=1))  # backing off
        sweep(eight + timedelta(minutes=5))
        sweep(eight + timedelta(minutes=6))

    assert server.attempts == 2
    assert len(server.messages) == 1
    assert Digest.objects.get().state == Digest.State.SENT
    failure = SendFailure.objects.get()
    assert "451" in failure.error
    assert failure.followups.count() == 3


def test_the_digest_carries_the_reminders_it_lists(berlin, day_items):
    eight = at(BERLIN, 2026, 12, 3, 8, 0)
    sweep(eight)

    carried = FollowUp.objects.get(pk=day_items["overdue"].pk)
    assert (carried.remind_at, carried.reminded_at) == (None, eight)
    # Opening at 15:00, it keeps its own reminder for a switch back to per-window emails.
    later = FollowUp.objects.get(pk=day_items["opens_later"].pk)
    assert later.remind_at == day_items["opens_later"].opens_at


def test_another_candidates_follow_ups_never_reach_a_digest(berlin, day_items):
    other = digest_candidate(email="other@example.com")
    theirs = followup(candidate=other, opens_at=at(BERLIN, 2026, 12, 2, 9, 0))
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))

    by_address = {m.to[0]: set(followup_ids_in(m)) for m in digests()}
    assert by_address["other@example.com"] == {theirs.pk}
    assert theirs.pk not in by_address["digest@example.com"]


def test_an_unverified_address_gets_nothing(day_items):
    candidate = digest_candidate(email="unverified@example.com", verified=False)
    followup(candidate=candidate, opens_at=at(BERLIN, 2026, 12, 2, 9, 0))
    sweep(at(BERLIN, 2026, 12, 3, 8, 0))
    assert [m.to for m in digests()] == [["digest@example.com"]]


def test_dry_run_lists_the_digests_and_claims_nothing(berlin, day_items):
    now = at(BERLIN, 2026, 12, 3, 8, 0)
    result = reminders_sweep(now=now, dry_run=True)

    assert [plan.candidate.pk for plan in result.digests.plans] == [berlin.pk]
    assert mail.outbox == []
    assert not Digest.objects.exists()


def _queries_for(count, *, batch_size):
    for n in range(count):
        candidate = digest_candidate(email=f"q{count}-{n}@example.com")
        followup(candidate=candidate, opens_at=at(BERLIN, 2026, 12, 2, 9, 0))
    now = at(BERLIN, 2026, 12, 3, 8, 0)
    with time_machine.travel(now, tick=False), CaptureQueriesContext(connection) as queries:
        result = digest_module.digests_send(now=now, batch_size=batch_size)
    assert result.sent == count
    return len(queries)


def test_the_digest_sweep_costs_the_same_queries_per_batch_at_any_size():
    one_batch = _queries_for(5, batch_size=5)
    Candidate.objects.update(reminders_paused=True)
    four_batches = _queries_for(20, batch_size=5)

    # A batch costs the same whether it is the only one or one of four; the
    # last, empty read ends the loop.
    per_batch = one_batch - 1
    assert four_batches == 4 * per_batch + 1
    assert per_batch == 6
