"""The sweep benchmark's instruments: what they count is what the sweep did."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from bench.mail_sink import EmailBackend
from bench.sweep_rounds import QueryCount, floor
from bench.sweep_workers import received
from reminders.delivery import emails
from reminders.delivery.sending import Sender, Tally
from tests.reminders.followup_factory import due_followups, quick_candidate

pytestmark = pytest.mark.django_db

# 11:00 in Berlin, outside the candidates' quiet hours.
DUE = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SINK = {"default": {"BACKEND": "bench.mail_sink.EmailBackend"}}


@pytest.fixture
def owed():
    """Five candidates with two, three, two, three and two reminders owed."""
    rows = []
    for n, count in enumerate((2, 3, 2, 3, 2)):
        candidate = quick_candidate(email=f"sweep{n}@example.com")
        rows += due_followups(candidate=candidate, count=count, remind_at=DUE)
    return rows


@pytest.fixture
def sink():
    EmailBackend.sent = EmailBackend.sent_bytes = 0
    with override_settings(MAILERS=SINK):
        yield EmailBackend


def test_the_mail_sink_serialises_every_message_it_drops(owed, sink):
    candidate = owed[0].candidate
    message = emails.reminder(to="sweep0@example.com", candidate=candidate, followups=owed[:2])

    assert mail.mailers.default.send_messages([message, message]) == 2

    assert sink.sent == 2
    # Each serialisation has its own Date and Message-ID, a few bytes apart.
    size = len(message.message().as_bytes())
    assert size > 5000
    assert abs(sink.sent_bytes - 2 * size) < 200


def test_the_query_count_tells_each_emails_mark_and_each_batchs_release(owed, sink):
    count = QueryCount()
    with connection.execute_wrapper(count):
        tally = Sender(now=DUE, tally=Tally()).run(batch_size=2)

    assert tally.emails_sent == 5
    assert count.marks == 5
    # Five candidates two at a time: three batches, each given back once.
    assert count.releases == 3
    assert count.total > count.marks + count.releases


def test_the_floor_sends_what_the_sweep_would_and_changes_nothing(owed, sink):
    assert floor(DUE) == 5
    assert sink.sent == 5

    tally = Sender(now=DUE, tally=Tally()).run()
    assert tally.emails_sent == 5


def test_duplicates_are_counted_per_followup_from_the_messages_received(owed):
    first, second = owed[0].candidate, owed[5].candidate
    one = emails.reminder(to="a@example.com", candidate=first, followups=owed[:2])
    other = emails.reminder(to="b@example.com", candidate=second, followups=owed[5:7])
    raw = [m.message().as_bytes() for m in (one, other, one)]

    reminded = received(raw)

    assert reminded == {owed[0].pk: 2, owed[1].pk: 2, owed[5].pk: 1, owed[6].pk: 1}
