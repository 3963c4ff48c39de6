"""Quiet hours in the candidate's own zone, with the sweep called as production calls it.

The Celery task passes a UTC `now` (timezone.now()). Every instant below is
chosen so that judging quiet hours in UTC, or in the server's TIME_ZONE (set
to Berlin here so it differs from UTC), gives the opposite answer for at
least one of the two candidates.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp
from tests import factories
from tests.reminders.followup_factory import followup, followup_ids_in

pytestmark = pytest.mark.django_db

TOKYO_ADDRESS = "tokyo@example.com"
NEW_YORK_ADDRESS = "newyork@example.com"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def sweep_at(moment):
    assert moment.tzinfo is UTC
    with time_machine.travel(moment, tick=False):
        return reminders_sweep(now=moment)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture(autouse=True)
def _server_zone_is_neither_utc_nor_the_candidates(settings):
    # A sweep that judged quiet hours in the server's zone would use Berlin.
    settings.TIME_ZONE = "Europe/Berlin"


@pytest.fixture
def tokyo(db):
    return factories.candidate(email=TOKYO_ADDRESS, time_zone="Asia/Tokyo")


@pytest.fixture
def new_york(db):
    return factories.candidate(email=NEW_YORK_ADDRESS, time_zone="America/New_York")


# In January New York is UTC-5 and Tokyo UTC+9 (Tokyo has no daylight saving).
# Quiet hours are the default 21:00-08:00 in each candidate's own zone.
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Tokyo 21:00 (held), New York 07:00 (held); UTC 12:00 and Berlin 13:00 would send.
        (utc(2026, 1, 13, 12, 0), []),
        # Tokyo 22:00 (held), New York 08:00 (sent); UTC 13:00 would send to both.
        (utc(2026, 1, 13, 13, 0), [NEW_YORK_ADDRESS]),
        # Tokyo 07:00 (held), New York 17:00 (sent); UTC 22:00 would hold both.
        (utc(2026, 1, 13, 22, 0), [NEW_YORK_ADDRESS]),
        # Tokyo 08:30 (sent), New York 18:30 (sent); UTC 23:30 would hold both.
        (utc(2026, 1, 13, 23, 30), [NEW_YORK_ADDRESS, TOKYO_ADDRESS]),
        # Tokyo 11:00 (sent), New York 21:00 (held); UTC 02:00 would hold both.
        (utc(2026, 1, 14, 2, 0), [TOKYO_ADDRESS]),
        # Tokyo 19:00 (sent), New York 05:00 (held); UTC 10:00 would send to both.
        (utc(2026, 1, 14, 10, 0), [TOKYO_ADDRESS]),
    ],
    ids=lambda value: value.strftime("%d %H:%M UTC") if isinstance(value, datetime) else None,
)
def test_a_utc_sweep_holds_or_sends_by_each_candidates_local_clock(tokyo, new_york, now, expected):
    opened = utc(2026, 1, 13, 11, 0)
    items = {
        TOKYO_ADDRESS: followup(candidate=tokyo, opens_at=opened),
        NEW_YORK_ADDRESS: followup(candidate=new_york, opens_at=opened),
    }

    result = sweep_at(now)

    assert recipients() == expected
    assert result.held == 2 - len(expected)
    for address, item in items.items():
        item.refresh_from_db()
        if address in expected:
            assert (item.remind_at, item.reminded_at) == (None, now)
        else:
            # Held: still owed, exactly as it was.
            assert (item.remind_at, item.reminded_at, item.claimed_at) == (opened, None, None)


def test_held_reminders_go_out_when_eight_oclock_arrives_in_each_zone(tokyo, new_york):
    # Both open at 21:00 local, the start of quiet hours.
    tokyo_item = followup(candidate=tokyo, opens_at=utc(2026, 1, 13, 12, 0))
    new_york_item = followup(candidate=new_york, opens_at=utc(2026, 1, 14, 2, 0))

    timeline = [
        (utc(2026, 1, 13, 12, 0), []),  # Tokyo 21:00
        (utc(2026, 1, 13, 22, 59), []),  # Tokyo 07:59
        (utc(2026, 1, 13, 23, 0), [tokyo_item.pk]),  # Tokyo 08:00
        (utc(2026, 1, 13, 23, 1), []),
        (utc(2026, 1, 14, 2, 0), []),  # New York 21:00
        (utc(2026, 1, 14, 12, 59), []),  # New York 07:59
        (utc(2026, 1, 14, 13, 0), [new_york_item.pk]),  # New York 08:00
        (utc(2026, 1, 14, 13, 1), []),
    ]
    for now, sent in timeline:
        before = len(mail.outbox)
        sweep_at(now)
        assert [pk for message in mail.outbox[before:] for pk in followup_ids_in(message)] == (
            sent
        ), now

    tokyo_item.refresh_from_db()
    new_york_item.refresh_from_db()
    assert tokyo_item.reminded_at == utc(2026, 1, 13, 23, 0)
    assert new_york_item.reminded_at == utc(2026, 1, 14, 13, 0)
    assert [m.to for m in mail.outbox] == [[TOKYO_ADDRESS], [NEW_YORK_ADDRESS]]


def test_on_new_yorks_spring_change_the_hold_ends_at_eight_local_not_a_fixed_offset(new_york):
    # 8 March 2026: New York moves from UTC-5 to UTC-4, so 08:00 local is 12:00 UTC
    # that morning, though the follow-up opened at 21:00 EST (02:00 UTC).
    item = followup(candidate=new_york, opens_at=utc(2026, 3, 8, 2, 0))

    sweep_at(utc(2026, 3, 8, 2, 0))
    sweep_at(utc(2026, 3, 8, 11, 59))
    assert mail.outbox == []

    sweep_at(utc(2026, 3, 8, 12, 0))

    assert recipients() == [NEW_YORK_ADDRESS]
    item.refresh_from_db()
    assert item.reminded_at == utc(2026, 3, 8, 12, 0)


def test_a_tokyo_candidates_own_quiet_hours_are_read_in_tokyo_time(tokyo):
    # Quiet 13:00-15:00 Tokyo time is 04:00-06:00 UTC.
    tokyo.quiet_hours_start = datetime(2026, 1, 1, 13, 0).time()
    tokyo.quiet_hours_end = datetime(2026, 1, 1, 15, 0).time()
    tokyo.save()
    followup(candidate=tokyo, opens_at=utc(2026, 1, 13, 3, 0), status=FollowUp.Status.OPEN)

    assert sweep_at(utc(2026, 1, 13, 4, 0)).held == 1
    assert sweep_at(utc(2026, 1, 13, 5, 59)).held == 1
    assert mail.outbox == []
    sweep_at(utc(2026, 1, 13, 6, 0))
    assert recipients() == [TOKYO_ADDRESS]


def test_a_held_reminder_keeps_its_place_across_many_utc_sweeps(tokyo):
    # A sweep every 30 minutes through the Tokyo night: nothing, then one email at 08:00.
    item = followup(candidate=tokyo, opens_at=utc(2026, 1, 13, 12, 0))
    moment = utc(2026, 1, 13, 12, 0)
    while moment < utc(2026, 1, 13, 23, 0):
        sweep_at(moment)
        moment += timedelta(minutes=30)
    assert mail.outbox == []

    sweep_at(utc(2026, 1, 13, 23, 0))
    sweep_at(utc(2026, 1, 13, 23, 30))

    assert followup_ids_in(mail.outbox[0]) == [item.pk]
    assert len(mail.outbox) == 1
