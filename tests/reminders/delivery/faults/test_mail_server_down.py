"""A mail server that refuses, resets, says 421 and 451, then accepts.

Each failure is the kind a mail server gives before it has taken the
message, so trying again later is safe: the reminder backs off (remind_at
pushed by reminders.delivery.backoff), the failure is recorded for the
operator, and when the server accepts, the reminder goes out once.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.delivery.backoff import backoff
from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp, SendFailure
from tests.reminders.smtp_server import DROP, SHUTTING_DOWN, TRY_LATER, SMTPServer

from .conftest import free_port, owed, reminded, smtp_mailer

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# 11:00 in Berlin, a Monday: outside the candidates' quiet hours.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_refused_reset_421_and_451_back_off_then_the_reminders_go_once(
    settings, admin_client, health_detail
):
    items = owed(candidates=1, per_candidate=2, remind_at=NOW, zone="Europe/Berlin")
    pks = {item.pk for item in items}

    def remind_at():
        return set(FollowUp.objects.filter(pk__in=pks).values_list("remind_at", flat=True))

    # Nothing listens on the port yet: the connection is refused.
    settings.MAILERS = smtp_mailer(free_port())
    at = NOW
    result = reminders_sweep(now=at)
    assert (result.emails_sent, result.failures) == (0, 1)
    assert remind_at() == {at + backoff(0)}

    plan = [("greeting", DROP), ("greeting", SHUTTING_DOWN), ("mail", TRY_LATER)]
    with SMTPServer(plan=plan) as server:
        settings.MAILERS = smtp_mailer(server.port)
        for attempts in (1, 2, 3):
            # Just before the backoff ends: not tried, not even a connection.
            tried = len(server.events)
            early = at + backoff(attempts - 1) - timedelta(minutes=1)
            assert reminders_sweep(now=early).failures == 0
            assert len(server.events) == tried
            at += backoff(attempts - 1)
            result = reminders_sweep(now=at)
            assert (result.emails_sent, result.failures) == (0, 1)
            assert remind_at() == {at + backoff(attempts)}
        assert server.messages == []
        # Four failures and no success since: /healthz turns red and says why.
        status, body = health_detail()
        assert status == 503, body
        assert any(reason.startswith("sending failing since") for reason in body["reasons"])
        at += backoff(3)
        result = reminders_sweep(now=at)
        assert (result.emails_sent, result.reminders_sent) == (1, 2)
        # Later sweeps find nothing owed.
        reminders_sweep(now=at + timedelta(hours=6))
        counts = reminded(server)

    assert server.events == plan
    assert counts == {pk: 1 for pk in pks}, "each reminder once, none lost"
    assert remind_at() == {None}
    assert set(FollowUp.objects.values_list("send_attempts", flat=True)) == {0}

    failures = list(SendFailure.objects.order_by("occurred_at"))
    assert len(failures) == 4
    for failure in failures:
        assert {f.pk for f in failure.followups.all()} == pks
    assert "Connection refused" in failures[0].error
    assert "421" in failures[2].error and "451" in failures[3].error

    page = admin_client.get("/admin/reminders/sendfailure/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 send failures" in text
    assert "Service shutting down" in text and "Try again later" in text

    assert {failure.kind for failure in failures} == {SendFailure.Kind.TRANSIENT}
    status, body = health_detail()
    assert status == 200, body
    assert body["sending"]["failures_last_24h"] == 4
    assert body["sending"]["failures_since_last_sent"] == 0
