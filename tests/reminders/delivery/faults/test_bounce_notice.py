"""A reminder given up after 550s tells the candidate their address bounces."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.delivery.backoff import backoff
from reminders.delivery.sending import PERMANENT_FAILURE_LIMIT
from reminders.delivery.sweep import reminders_sweep
from tests.reminders.smtp_server import NO_MAILBOX, SMTPServer

from .conftest import owed, smtp_mailer

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# 11:00 in Berlin, a Monday: outside the candidate's quiet hours.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_the_dashboard_says_the_address_cannot_take_mail_once_the_reminder_is_dropped(
    settings, client
):
    (item,) = owed(candidates=1, per_candidate=1, remind_at=NOW, zone="Europe/Berlin")
    client.force_login(item.candidate.user)
    assert "cannot take mail" not in client.get("/").content.decode()
    with SMTPServer(plan=[("rcpt", NO_MAILBOX)] * PERMANENT_FAILURE_LIMIT) as server:
        settings.MAILERS = smtp_mailer(server.port)
        for n in range(PERMANENT_FAILURE_LIMIT):
            reminders_sweep(now=NOW + n * backoff(10) + timedelta(minutes=n))

    assert "cannot take mail" in client.get("/").content.decode()
