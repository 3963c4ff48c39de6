"""Senders: batches of candidates, failures told apart, claims that lapse and renew."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders.delivery import sending
from reminders.delivery.sending import PERMANENT_FAILURE_LIMIT, STOP_AFTER_FAILURES, Sender, Tally
from reminders.delivery.sweep import reminders_sweep, sweep_started
from reminders.models import FollowUp, SendFailure, Sweep
from tests.reminders.followup_factory import (
    due_followups,
    followup,
    followup_ids_in,
    quick_candidate,
)
from tests.reminders.smtp_server import DROP, HANG, NO_MAILBOX, TRY_LATER, SMTPServer

pytestmark = pytest.mark.django_db

# 11:00 in Berlin on a Monday, outside anyone's quiet hours, as a UTC now.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(ZoneInfo("UTC"))


def sweep_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return reminders_sweep(now=moment, **kwargs)


def fresh(row):
    return FollowUp.objects.get(pk=row.pk)


def candidates_owing(count, per_candidate=2, prefix="c"):
    rows = []
    for n in range(count):
        candidate = quick_candidate(email=f"{prefix}{n}@example.com")
        rows += due_followups(candidate=candidate, count=per_candidate, remind_at=NOW)
    return rows


@pytest.fixture
def smtp(settings):
    """Point the default mailer at a test SMTP server, through the project's backend."""

    def serve(**kwargs):
        server = SMTPServer(**kwargs)
        settings.MAILERS = {
            "default": {
                "BACKEND": "reminders.delivery.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 1},
            }
        }
        return server

    return serve


# --- Batches ------------------------------------------------------------------------


def _queries_for(candidates, settings):
    candidates_owing(candidates, prefix=f"q{candidates}-")
    settings.REMINDER_SEND_BATCH = 10
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        tally = Sender(now=NOW, tally=Tally()).run()
    FollowUp.objects.all().delete()
    assert tally.emails_sent == candidates
    return len(queries)


def test_queries_are_a_few_per_batch_and_one_per_email(settings):
    # Per batch: claim, read, addresses, give back what is left; per email:
    # its mark, made the moment it was accepted. Then one claim finds nothing.
    ten, forty = _queries_for(10, settings), _queries_for(40, settings)

    per_email = 1
    per_batch = (forty - ten - 30 * per_email) / 3
    assert per_batch == 4
    assert ten == 4 + 10 * per_email + 1 + 1  # one batch, the empty claim, the backoff check


@pytest.mark.django_db(transaction=True)
def test_each_candidates_rows_are_marked_as_soon_as_their_email_is_accepted(settings, smtp):
    settings.REMINDER_SEND_BATCH = 50
    rows = candidates_owing(3)
    marked_when_second_arrives = []

    def on_message(raw):
        if len(server.messages) == 2:  # the second email has arrived, unanswered
            marked_when_second_arrives.append(
                FollowUp.objects.filter(reminded_at__isnull=False).count()
            )
            connection.close()  # this thread's own, opened by the count

    server = smtp(on_message=on_message)
    with server:
        sweep_at(NOW)

    # The first candidate's two were marked before the second email was sent,
    # not at the end of the batch: a crash then repeats one email at most.
    assert marked_when_second_arrives == [2]
    assert len(server.messages) == 3
    assert all(fresh(row).reminded_at == NOW for row in rows)


def test_a_candidates_reminders_go_in_one_email_even_across_batches(settings):
    settings.REMINDER_SEND_BATCH = 1
    rows = candidates_owing(3, per_candidate=4)

    result = sweep_at(NOW)

    assert (result.reminders_sent, result.emails_sent) == (12, 3)
    assert sorted(len(followup_ids_in(message)) for message in mail.outbox) == [4, 4, 4]
    assert not FollowUp.objects.filter(claim__isnull=False).exists()
    assert {fresh(row).reminded_at for row in rows} == {NOW}


# --- Failures told apart ----------------------------------------------------------------


def test_a_permanent_refusal_is_retried_a_bounded_number_of_times_then_given_up(smtp):
    owner = quick_candidate(email="gone@example.com")
    item = followup(candidate=owner, opens_at=NOW)
    server = smtp(plan=[("rcpt", NO_MAILBOX)] * 10)
    moments = [NOW]
    with server:
        for _ in range(PERMANENT_FAILURE_LIMIT + 2):
            result = sweep_at(moments[-1])
            moments.append(moments[-1] + timedelta(hours=1))

    assert server.messages == []
    failures = SendFailure.objects.filter(candidate=owner)
    assert failures.count() == PERMANENT_FAILURE_LIMIT
    assert {f.kind for f in failures} == {SendFailure.Kind.PERMANENT}
    assert "550" in failures.first().error
    item = fresh(item)
    assert (item.remind_at, item.reminded_at, item.claim) == (None, None, None)
    assert item.send_attempts == PERMANENT_FAILURE_LIMIT
    assert result.failures == 0  # given up: later sweeps no longer try


def test_a_timeout_after_the_message_was_handed_over_is_not_sent_again(smtp):
    owner = quick_candidate(email="owner@example.com")
    item = followup(candidate=owner, opens_at=NOW)
    server = smtp(plan=[("data", HANG)])
    with server:
        first = sweep_at(NOW)
        again = sweep_at(NOW + timedelta(hours=1))

    # The server has the message; the sender never heard back.
    assert len(server.messages) == 1
    assert (first.uncertain, first.failures, again.emails_sent) == (1, 1, 0)
    failure = SendFailure.objects.get()
    assert failure.kind == SendFailure.Kind.UNCERTAIN
    assert list(failure.followups.all()) == [item]
    assert (fresh(item).remind_at, fresh(item).reminded_at) == (None, NOW)


def test_a_connection_dropped_before_the_message_is_retried(smtp):
    owner = quick_candidate(email="owner@example.com")
    item = followup(candidate=owner, opens_at=NOW)
    server = smtp(plan=[("mail", DROP)])
    with server:
        first = sweep_at(NOW)
        retried = sweep_at(NOW + timedelta(minutes=5))

    assert SendFailure.objects.get().kind == SendFailure.Kind.TRANSIENT
    assert (first.failures, retried.reminders_sent) == (1, 1)
    assert len(server.messages) == 1
    assert fresh(item).reminded_at == NOW + timedelta(minutes=5)


def test_a_failing_server_stops_the_sweep_early_and_touches_no_one_else(settings, smtp):
    settings.REMINDER_SEND_BATCH = 50
    rows = candidates_owing(8, per_candidate=1)
    server = smtp(plan=[("greeting", "421 4.3.2 Shutting down")] * 50)
    with server:
        result = sweep_at(NOW)

    assert result.failures == STOP_AFTER_FAILURES
    assert result.stopped_early
    tried = [row for row in map(fresh, rows) if row.send_attempts]
    untouched = [row for row in map(fresh, rows) if not row.send_attempts]
    assert len(tried) == STOP_AFTER_FAILURES
    # The others were not tried: still owed as before, nobody's claim left.
    assert {(row.remind_at, row.claim) for row in untouched} == {(NOW, None)}
    assert len(untouched) == 8 - STOP_AFTER_FAILURES


def test_the_first_success_after_an_outage_ends_everyone_elses_backoff(smtp):
    first = quick_candidate(email="first@example.com")
    second = quick_candidate(email="second@example.com")
    early = followup(candidate=first, opens_at=NOW)
    with smtp(plan=[("mail", TRY_LATER)]):
        sweep_at(NOW)
    assert fresh(early).remind_at == NOW + timedelta(minutes=5)

    # Mail works again a minute later, for someone whose window just opened.
    later = NOW + timedelta(minutes=1)
    snoozed = followup(candidate=first, opens_at=NOW)
    FollowUp.objects.filter(pk=snoozed.pk).update(
        remind_at=NOW + timedelta(days=1), snoozed_until=NOW + timedelta(days=1), send_attempts=1
    )
    followup(candidate=second, opens_at=later)
    with smtp() as server:
        sweep_at(later)
        sweep_at(later + timedelta(minutes=1))

    assert len(server.messages) == 2
    assert fresh(early).reminded_at == later + timedelta(minutes=1)  # not at NOW + 5 minutes
    assert fresh(snoozed).remind_at == NOW + timedelta(days=1)  # the snooze still decides


# --- Claims that lapse, renew, and sweeps that die ------------------------------------


def test_a_live_sender_renews_its_claims(settings, monkeypatch):
    settings.REMINDER_CLAIM_HEARTBEAT_SECONDS = 1
    settings.REMINDER_SEND_BATCH = 10
    candidates_owing(3, per_candidate=1)
    clock = iter(range(0, 1000, 5))
    monkeypatch.setattr(sending.time, "monotonic", lambda: next(clock))
    renewed = []
    real = sending.Sender._heartbeat

    def heartbeat(self, token):
        before = set(FollowUp.objects.filter(claim=token).values_list("claimed_at", flat=True))
        real(self, token)
        after = set(FollowUp.objects.filter(claim=token).values_list("claimed_at", flat=True))
        renewed.append((before, after))

    monkeypatch.setattr(sending.Sender, "_heartbeat", heartbeat)
    start = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(start, tick=True):
        Sender(now=NOW, tally=Tally()).run()

    # After the first email, the two still claimed were renewed to a later time.
    before, after = renewed[0]
    assert len(before) == 1 and len(after) == 1 and after != before


def test_a_lapsed_claim_is_sent_again_and_a_live_one_is_not(settings):
    settings.REMINDER_CLAIM_EXPIRY_SECONDS = 60
    owner = quick_candidate(email="owner@example.com")
    lapsed = followup(candidate=owner, opens_at=NOW)
    live = followup(candidate=quick_candidate(email="live@example.com"), opens_at=NOW)
    FollowUp.objects.filter(pk=lapsed.pk).update(
        claim=uuid.uuid4(), claimed_at=NOW - timedelta(seconds=61)
    )
    FollowUp.objects.filter(pk=live.pk).update(
        claim=uuid.uuid4(), claimed_at=NOW - timedelta(seconds=59)
    )

    result = sweep_at(NOW)

    assert result.reminders_sent == 1
    assert followup_ids_in(mail.outbox[0]) == [lapsed.pk]


def test_a_sweep_silent_longer_than_a_claim_lasts_is_marked_abandoned(settings):
    settings.REMINDER_CLAIM_EXPIRY_SECONDS = 60
    dead = Sweep.objects.create(
        as_of=NOW, started_at=NOW - timedelta(minutes=5), alive_at=NOW - timedelta(seconds=61)
    )
    alive = Sweep.objects.create(
        as_of=NOW, started_at=NOW - timedelta(minutes=5), alive_at=NOW - timedelta(seconds=30)
    )

    with time_machine.travel(NOW, tick=False):
        sweep_started(now=NOW)

    assert Sweep.objects.get(pk=dead.pk).abandoned
    assert not Sweep.objects.get(pk=alive.pk).abandoned


# --- The candidate sees a bouncing address ------------------------------------------


def test_a_bouncing_address_is_shown_to_the_candidate_until_mail_goes_again(smtp, client):
    owner = quick_candidate(email="gone@example.com")
    followup(candidate=owner, opens_at=NOW)
    client.force_login(owner.user)
    with smtp(plan=[("rcpt", NO_MAILBOX)]):
        sweep_at(NOW)

    page = client.get("/")
    assert "Reminder emails to gone@example.com are being refused" in page.text
    assert "are being refused" in client.get("/settings/").text

    # The next try goes through: the warning goes with it.
    with smtp():
        sweep_at(NOW + timedelta(minutes=5))
    assert "are being refused" not in client.get("/").text


def test_changing_the_address_ends_the_warning(client):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_changed

    owner = quick_candidate(email="gone@example.com")
    owner.reminders_bounced_at = NOW
    owner.save()
    new = EmailAddress.objects.create(user=owner.user, email="new@example.com", verified=True)

    email_changed.send(
        sender=EmailAddress,
        request=None,
        user=owner.user,
        from_email_address=EmailAddress.objects.get(email="gone@example.com"),
        to_email_address=new,
    )

    owner.refresh_from_db()
    assert owner.reminders_bounced_at is None
