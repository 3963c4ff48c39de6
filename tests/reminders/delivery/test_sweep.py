"""The reminder sweep: each rule of DOMAIN.md "Reminders", with frozen time."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command

from reminders.delivery.backoff import backoff
from reminders.delivery.sending import claim_expiry
from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp, SendFailure, Sweep
from tests import factories
from tests.reminders.followup_factory import followup, followup_ids_in
from tests.reminders.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
# An interview that ended at 11:00 on a Monday, Berlin time.
ENDED = datetime(2026, 3, 2, 11, 0, tzinfo=BERLIN)


def sweep_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return reminders_sweep(now=moment, **kwargs)


def refreshed(row):
    row.refresh_from_db()
    return row


# --- The window opening --------------------------------------------------------


def test_nothing_goes_before_the_window_opens(owner):
    item = followup(candidate=owner, opens_at=ENDED)

    result = sweep_at(ENDED - timedelta(minutes=1))

    assert result.reminders_sent == 0
    assert mail.outbox == []
    assert refreshed(item).status == FollowUp.Status.PLANNED


def test_one_email_goes_when_the_window_opens(owner):
    item = followup(candidate=owner, opens_at=ENDED)

    result = sweep_at(ENDED)

    assert (result.reminders_sent, result.emails_sent) == (1, 1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    item = refreshed(item)
    assert item.status == FollowUp.Status.OPEN
    assert item.remind_at is None
    assert item.reminded_at == ENDED
    assert item.claimed_at is None


def test_a_later_sweep_does_not_remind_again(owner):
    followup(candidate=owner, opens_at=ENDED)
    sweep_at(ENDED)

    result = sweep_at(ENDED + timedelta(minutes=1))

    assert result.reminders_sent == 0
    assert len(mail.outbox) == 1


def test_a_sweep_after_downtime_sends_what_opened_meanwhile_once(owner):
    # Beat or Redis down for six hours: the first sweep afterwards catches up.
    followup(candidate=owner, opens_at=ENDED)
    followup(candidate=owner, opens_at=ENDED + timedelta(hours=3))

    sweep_at(ENDED + timedelta(hours=6))
    sweep_at(ENDED + timedelta(hours=6, minutes=1))

    assert len(mail.outbox) == 1
    assert len(followup_ids_in(mail.outbox[0])) == 2


def test_it_opens_planned_followups_whose_window_opened_even_without_a_reminder(owner):
    # Entered after the fact: no reminder is owed, but the item is open.
    late = followup(candidate=owner, opens_at=ENDED, remind_at=None)
    future = followup(candidate=owner, opens_at=ENDED + timedelta(days=2), remind_at=None)

    result = sweep_at(ENDED + timedelta(hours=1))

    assert result.opened == 1
    assert refreshed(late).status == FollowUp.Status.OPEN
    assert refreshed(future).status == FollowUp.Status.PLANNED
    assert mail.outbox == []


# --- Quiet hours ----------------------------------------------------------------


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Europe/Berlin"])
def test_quiet_hours_hold_a_reminder_until_eight_in_the_candidates_zone(zone):
    tz = ZoneInfo(zone)
    candidate = factories.candidate(email="night@example.com", time_zone=zone)
    opens = datetime(2026, 5, 12, 22, 30, tzinfo=tz)
    item = followup(candidate=candidate, opens_at=opens)

    held = sweep_at(opens)
    at_dawn = sweep_at(datetime(2026, 5, 13, 7, 59, tzinfo=tz))
    assert mail.outbox == []
    assert (held.held, at_dawn.held) == (1, 1)
    assert refreshed(item).remind_at == opens

    sweep_at(datetime(2026, 5, 13, 8, 0, tzinfo=tz))

    assert len(mail.outbox) == 1
    assert refreshed(item).reminded_at == datetime(2026, 5, 13, 8, 0, tzinfo=tz)


def test_quiet_hours_follow_the_candidates_own_settings(owner):
    owner.quiet_hours_start = datetime(2026, 1, 1, 18, 0).time()
    owner.quiet_hours_end = datetime(2026, 1, 1, 9, 30).time()
    owner.save()
    followup(candidate=owner, opens_at=datetime(2026, 3, 2, 19, 0, tzinfo=BERLIN))

    sweep_at(datetime(2026, 3, 3, 9, 0, tzinfo=BERLIN))
    assert mail.outbox == []
    sweep_at(datetime(2026, 3, 3, 9, 30, tzinfo=BERLIN))
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("local_time", "held"),
    [("12:59", False), ("13:00", True), ("14:59", True), ("15:00", False)],
)
def test_quiet_hours_within_one_day_hold_only_inside_them(owner, local_time, held):
    # A candidate who naps after lunch: 13:00–15:00, not spanning midnight.
    owner.quiet_hours_start = datetime(2026, 1, 1, 13, 0).time()
    owner.quiet_hours_end = datetime(2026, 1, 1, 15, 0).time()
    owner.save()
    followup(candidate=owner, opens_at=ENDED)
    hour, minute = map(int, local_time.split(":"))

    result = sweep_at(datetime(2026, 3, 2, hour, minute, tzinfo=BERLIN))

    assert (result.held, len(mail.outbox)) == ((1, 0) if held else (0, 1))


def test_quiet_hours_starting_and_ending_at_the_same_time_hold_nothing(owner):
    owner.quiet_hours_start = owner.quiet_hours_end = datetime(2026, 1, 1, 8, 0).time()
    owner.save()
    followup(candidate=owner, opens_at=datetime(2026, 3, 2, 3, 0, tzinfo=BERLIN))

    sweep_at(datetime(2026, 3, 2, 3, 0, tzinfo=BERLIN))

    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("zone", "night"),
    [
        # Clocks jump 02:00 → 03:00: 08:00 local is one hour earlier in UTC
        # than it was the day before.
        ("Europe/Berlin", datetime(2026, 3, 29)),
        ("America/New_York", datetime(2026, 3, 8)),
    ],
)
def test_on_the_daylight_saving_night_the_hold_ends_at_eight_local(zone, night):
    tz = ZoneInfo(zone)
    candidate = factories.candidate(email="dst@example.com", time_zone=zone)
    item = followup(candidate=candidate, opens_at=night.replace(hour=1, minute=30, tzinfo=tz))
    eight = night.replace(hour=8, tzinfo=tz)
    # A fixed offset taken from the evening before would put 08:00 an hour late.
    evening_offset = night.replace(hour=0, tzinfo=tz).utcoffset()
    assert eight.utcoffset() != evening_offset

    sweep_at(eight - timedelta(minutes=1))
    assert mail.outbox == []
    sweep_at(eight)

    assert len(mail.outbox) == 1
    assert refreshed(item).reminded_at.astimezone(tz).hour == 8


# --- Snooze, overdue, paused, unverified, closed ----------------------------------


def test_a_snooze_ending_sends_exactly_one_more_reminder(owner):
    item = followup(candidate=owner, opens_at=ENDED)
    sweep_at(ENDED)
    # What snoozing does (the contract): snoozed_until and remind_at move together.
    until = ENDED + timedelta(days=1)
    FollowUp.objects.filter(pk=item.pk).update(snoozed_until=until, remind_at=until)

    sweep_at(until - timedelta(minutes=1))
    assert len(mail.outbox) == 1
    sweep_at(until)
    sweep_at(until + timedelta(minutes=1))

    assert len(mail.outbox) == 2
    assert followup_ids_in(mail.outbox[1]) == [item.pk]


def test_merely_overdue_items_get_no_reminder(owner):
    followup(
        candidate=owner,
        opens_at=ENDED - timedelta(days=3),
        remind_at=None,
        status=FollowUp.Status.OPEN,
    )

    result = sweep_at(ENDED)

    assert result.reminders_sent == 0
    assert mail.outbox == []


@pytest.mark.parametrize("status", FollowUp.CLOSED)
def test_closed_followups_get_no_reminder(owner, status):
    followup(candidate=owner, opens_at=ENDED, status=status)

    sweep_at(ENDED)

    assert mail.outbox == []


def test_paused_reminders_send_nothing_and_resume_where_they_were(owner):
    item = followup(candidate=owner, opens_at=ENDED)
    owner.reminders_paused = True
    owner.save()

    sweep_at(ENDED)
    assert mail.outbox == []
    assert refreshed(item).remind_at == ENDED

    owner.reminders_paused = False
    owner.save()
    sweep_at(ENDED + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_an_unverified_email_gets_nothing(owner):
    EmailAddress.objects.filter(user=owner.user).update(verified=False)
    followup(candidate=owner, opens_at=ENDED)

    sweep_at(ENDED)

    assert mail.outbox == []


def test_it_writes_to_the_primary_verified_address(owner):
    EmailAddress.objects.filter(user=owner.user).update(primary=False)
    EmailAddress.objects.create(
        user=owner.user, email="sam@new.example", primary=True, verified=True
    )
    followup(candidate=owner, opens_at=ENDED)

    sweep_at(ENDED)

    assert mail.outbox[0].to == ["sam@new.example"]


# --- Grouping -----------------------------------------------------------------------


def test_several_due_reminders_of_one_candidate_go_in_one_email(owner, stranger):
    panel = factories.panel(candidate=owner, names=("Dana Whitfield", "Lee Park", "Ana Ruiz"))
    mine = [
        followup(
            candidate=owner,
            opens_at=ENDED,
            application=panel.application,
            interview=panel,
            contact=person,
        )
        for person in panel.people.all()
    ]
    theirs = followup(candidate=stranger, opens_at=ENDED)

    result = sweep_at(ENDED)

    assert (result.reminders_sent, result.emails_sent) == (4, 2)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(followup_ids_in(by_address["owner@example.com"])) == [f.pk for f in mine]
    assert followup_ids_in(by_address["stranger@example.com"]) == [theirs.pk]
    assert "3 follow-ups are ready" in by_address["owner@example.com"].subject


# --- Claims ---------------------------------------------------------------------------


def test_a_live_claim_is_left_alone(owner):
    # Another sweep claimed it a minute ago and is sending right now.
    followup(candidate=owner, opens_at=ENDED, claimed_at=ENDED - timedelta(minutes=1))

    sweep_at(ENDED)

    assert mail.outbox == []


def test_an_expired_claim_is_retried(owner):
    # A worker claimed it and died before sending.
    item = followup(
        candidate=owner,
        opens_at=ENDED - claim_expiry(),
        claimed_at=ENDED - claim_expiry() - timedelta(seconds=1),
    )

    sweep_at(ENDED)

    assert followup_ids_in(mail.outbox[0]) == [item.pk]
    assert refreshed(item).claimed_at is None


def test_a_sweep_is_recorded(owner):
    followup(candidate=owner, opens_at=ENDED)

    sweep_at(ENDED)

    sweep = Sweep.objects.get()
    assert (sweep.as_of, sweep.started_at, sweep.finished_at) == (ENDED, ENDED, ENDED)
    assert (sweep.reminders_sent, sweep.emails_sent, sweep.failures) == (1, 1, 0)


def test_sweep_history_older_than_a_week_is_pruned():
    old = Sweep.objects.create(
        as_of=ENDED - timedelta(days=8), started_at=ENDED - timedelta(days=8)
    )
    recent = Sweep.objects.create(
        as_of=ENDED - timedelta(days=6), started_at=ENDED - timedelta(days=6)
    )

    sweep_at(ENDED)

    assert not Sweep.objects.filter(pk=old.pk).exists()
    assert Sweep.objects.filter(pk=recent.pk).exists()
    assert Sweep.objects.count() == 2


def test_a_dry_run_lists_what_would_go_and_changes_nothing(owner):
    item = followup(candidate=owner, opens_at=ENDED)

    result = sweep_at(ENDED, dry_run=True)

    assert [f.pk for batch in result.batches for f in batch.followups] == [item.pk]
    assert mail.outbox == []
    assert not Sweep.objects.exists()
    item = refreshed(item)
    assert (item.status, item.remind_at, item.claimed_at) == ("planned", ENDED, None)


# --- Failures -----------------------------------------------------------------------


def test_backoff_doubles_from_five_minutes_up_to_four_hours():
    assert [backoff(n) for n in range(4)] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert backoff(6) == timedelta(hours=4)
    assert backoff(500) == timedelta(hours=4)


def test_smtp_failing_then_succeeding_sends_exactly_one_email(owner, settings):
    item = followup(candidate=owner, opens_at=ENDED)
    with SMTPServer(refuse=1) as server:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        failed = sweep_at(ENDED)
        item = refreshed(item)
        assert failed.failures == 1
        assert (item.remind_at, item.send_attempts, item.claimed_at) == (
            ENDED + timedelta(minutes=5),
            1,
            None,
        )
        assert item.reminded_at is None

        # Backing off: the next minute's sweep leaves it alone.
        sweep_at(ENDED + timedelta(minutes=1))
        sent = sweep_at(ENDED + timedelta(minutes=5))
        sweep_at(ENDED + timedelta(minutes=10))

    assert sent.reminders_sent == 1
    assert server.attempts == 2
    assert len(server.messages) == 1
    assert b"owner@example.com" in server.messages[0]
    failure = SendFailure.objects.get()
    assert "451" in failure.error
    assert list(failure.followups.all()) == [item]
    item = refreshed(item)
    assert (item.remind_at, item.reminded_at, item.send_attempts) == (
        None,
        ENDED + timedelta(minutes=5),
        0,
    )
    assert Sweep.objects.filter(failures=1).count() == 1


# --- The management command -----------------------------------------------------------


def test_send_reminders_runs_one_sweep_and_reports_it(owner):
    followup(candidate=owner, opens_at=ENDED)
    followup(candidate=owner, opens_at=ENDED)
    out = StringIO()

    with time_machine.travel(ENDED, tick=False):
        call_command("send_reminders", stdout=out)

    assert "Sent 2 reminders in 1 email" in out.getvalue()
    assert len(mail.outbox) == 1


def test_send_reminders_dry_run_lists_without_claiming(owner):
    item = followup(candidate=owner, opens_at=ENDED)
    out = StringIO()

    call_command("send_reminders", "--dry-run", "--as-of", ENDED.isoformat(), stdout=out)

    assert "would send 1 reminder in 1 email" in out.getvalue()
    assert f"#{item.pk} " in out.getvalue()
    assert "owner@example.com" in out.getvalue()
    assert mail.outbox == []
    assert refreshed(item).claimed_at is None


def test_send_reminders_as_of_a_time(owner):
    followup(candidate=owner, opens_at=ENDED)
    out = StringIO()

    call_command("send_reminders", "--as-of", "2026-03-02T10:00:00Z", stdout=out)

    assert "Sent 1 reminder in 1 email" in out.getvalue()
