"""One candidate's broken data never stops the sweep for everyone else.

The rows are broken the way a database can hold them and a form never
writes them: a time zone no longer known (tzdata dropped or renamed it), a
follow-up of a kind this version no longer has.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from interviews.models import Candidate
from reminders.delivery.sweep import reminders_sweep
from reminders.models import Digest, FollowUp, SendFailure
from tests.reminders.followup_factory import followup, followup_ids_in, quick_candidate

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
# 11:00 in Berlin, a Monday: outside everyone's quiet hours.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


def sweep(now=NOW):
    with time_machine.travel(now, tick=False):
        return reminders_sweep(now=now)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def three():
    """Three candidates with a reminder owed each; the middle one will be broken."""
    candidates = [quick_candidate(email=f"c{n}@example.com") for n in range(3)]
    items = [followup(candidate=c, opens_at=NOW) for c in candidates]
    return candidates, items


def test_an_unknown_time_zone_skips_that_candidate_and_no_one_else(three):
    candidates, items = three
    Candidate.objects.filter(pk=candidates[1].pk).update(time_zone="Mars/Olympus_Mons")

    result = sweep()

    assert recipients() == ["c0@example.com", "c2@example.com"]
    assert result.skipped == 1
    (failure,) = SendFailure.objects.all()
    assert failure.candidate_id == candidates[1].pk
    assert "Mars/Olympus_Mons" in failure.error
    # Still owed: repairing the zone sends it at the next sweep.
    assert FollowUp.objects.get(pk=items[1].pk).remind_at == NOW
    # Recorded once an hour, not at every sweep.
    sweep(NOW.replace(minute=1))
    assert SendFailure.objects.count() == 1
    Candidate.objects.filter(pk=candidates[1].pk).update(time_zone="Europe/Berlin")
    sweep(NOW.replace(minute=2))
    assert recipients() == ["c0@example.com", "c1@example.com", "c2@example.com"]


def test_a_follow_up_that_cannot_be_rendered_is_set_aside_and_the_rest_go(three):
    candidates, items = three
    sibling = followup(candidate=candidates[1], opens_at=NOW)
    FollowUp.objects.filter(pk=items[1].pk).update(kind="retired_kind")

    result = sweep()

    assert recipients() == ["c0@example.com", "c1@example.com", "c2@example.com"]
    (to_c1,) = [m for m in mail.outbox if m.to == ["c1@example.com"]]
    assert followup_ids_in(to_c1) == [sibling.pk]
    assert result.set_aside == 1
    broken = FollowUp.objects.get(pk=items[1].pk)
    assert (broken.remind_at, broken.claimed_at) == (None, None)
    assert broken.is_pending, "it stays on the dashboard"
    (failure,) = SendFailure.objects.all()
    assert failure.error.startswith("Could not be rendered: KeyError")
    assert list(failure.followups.all()) == [broken]
    # Not retried as if the mail server were down.
    sweep(NOW.replace(minute=30))
    assert len(mail.outbox) == 3


def test_a_digest_candidate_with_an_unknown_zone_does_not_stop_the_digests(three):
    candidates, _ = three
    Candidate.objects.update(reminder_mode=Candidate.ReminderMode.DIGEST)
    Candidate.objects.filter(pk=candidates[0].pk).update(time_zone="Atlantis/Capital")

    result = sweep()

    assert recipients() == ["c1@example.com", "c2@example.com"]
    assert result.digests.skipped == 1
    assert Digest.objects.filter(state=Digest.State.SENT).count() == 2
