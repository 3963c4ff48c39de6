"""What a mail server's answer means for the reminder: try later, give up, or never again.

A 5xx (550, the mailbox does not exist) is permanent: tried a bounded number
of times in case the server was wrong, then dropped and the candidate told
their address bounces. A connection that breaks after the message was handed
over (a timeout after DATA) is uncertain: the message may be in the mailbox,
so it is recorded and never sent again by a later sweep. A server down for
everyone stops the sweep after three failures in a row, and a success
brings forward the reminders backing off from earlier failures.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.delivery.backoff import backoff
from reminders.delivery.sending import PERMANENT_FAILURE_LIMIT
from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp, SendFailure
from tests.reminders.smtp_server import HANG, NO_MAILBOX, SHUTTING_DOWN, SMTPServer

from .conftest import owed, reminded, smtp_mailer

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# 11:00 in Berlin, a Monday: outside the candidates' quiet hours.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))
Kind = SendFailure.Kind


def kinds():
    return list(SendFailure.objects.order_by("occurred_at", "pk").values_list("kind", flat=True))


def test_a_550_is_tried_the_bounded_number_of_times_then_dropped_as_permanent(settings, client):
    (item,) = owed(candidates=1, per_candidate=1, remind_at=NOW, zone="Europe/Berlin")
    with SMTPServer(plan=[("rcpt", NO_MAILBOX)] * 10) as server:
        settings.MAILERS = smtp_mailer(server.port)
        at = NOW
        for _ in range(PERMANENT_FAILURE_LIMIT + 2):
            reminders_sweep(now=at)
            at += backoff(10)  # past any backoff
        tried = len(server.events)

    assert tried == PERMANENT_FAILURE_LIMIT, "bounded, then no more attempts"
    assert server.messages == []
    assert kinds() == [Kind.PERMANENT] * PERMANENT_FAILURE_LIMIT
    item.refresh_from_db()
    assert item.remind_at is None and item.claimed_at is None, "dropped"
    assert item.is_pending, "still on the dashboard"


def test_a_timeout_after_data_is_recorded_as_uncertain_and_never_sent_again(settings):
    (item,) = owed(candidates=1, per_candidate=1, remind_at=NOW, zone="Europe/Berlin")
    with SMTPServer(plan=[("data", HANG)]) as server:
        settings.MAILERS = smtp_mailer(server.port, timeout=1)
        result = reminders_sweep(now=NOW)
        for later in (timedelta(minutes=5), timedelta(hours=1), timedelta(days=1)):
            reminders_sweep(now=NOW + later)
        counts = reminded(server)

    assert result.failures == 1
    assert counts == {item.pk: 1}, "the server has it once; no sweep sends it again"
    assert kinds() == [Kind.UNCERTAIN]
    (failure,) = SendFailure.objects.all()
    assert list(failure.followups.all()) == [FollowUp.objects.get(pk=item.pk)]


def test_three_transient_failures_in_a_row_stop_the_sweep_until_the_next_run(
    settings, health_detail
):
    items = owed(candidates=6, per_candidate=1, remind_at=NOW, zone="Europe/Berlin")
    with SMTPServer(plan=[("greeting", SHUTTING_DOWN)] * 6) as server:
        settings.MAILERS = smtp_mailer(server.port)
        result = reminders_sweep(now=NOW)
        tried = len(server.events)
        status, body = health_detail()

    assert tried == 3, "no fourth connection to a server that is down"
    assert result.failures == 3
    assert kinds() == [Kind.TRANSIENT] * 3
    rows = FollowUp.objects.filter(pk__in=[i.pk for i in items]).order_by("candidate_id")
    attempts = [row.send_attempts for row in rows]
    assert attempts == [1, 1, 1, 0, 0, 0], "the rest released without counting an attempt"
    assert [row.remind_at for row in rows][3:] == [NOW] * 3
    assert not rows.filter(claimed_at__isnull=False).exists()
    assert status == 503, "sends fail with no success since"


def test_a_success_brings_forward_the_reminders_backing_off_from_earlier_failures(settings):
    first, second = (
        owed(candidates=1, per_candidate=1, remind_at=NOW, zone="Europe/Berlin", prefix=p)[0]
        for p in ("a", "b")
    )
    with SMTPServer(plan=[("greeting", SHUTTING_DOWN)]) as server:
        settings.MAILERS = smtp_mailer(server.port)
        reminders_sweep(now=NOW)
        # The first candidate's send failed; the second's went.
        assert set(reminded(server)) == {second.pk}
        reminders_sweep(now=NOW + timedelta(minutes=1))
        counts = reminded(server)

    assert counts == {first.pk: 1, second.pk: 1}, "the next sweep, not five minutes later"
