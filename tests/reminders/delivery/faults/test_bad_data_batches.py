"""One candidate's broken data, in the middle of the first batch, stops no one after it.

tests/reminders/delivery/test_sweep_bad_data.py covers three candidates; this
covers many, claimed in several batches, with the broken one third in the
first: a time zone no longer known (time arithmetic) or a follow-up of a
kind this version no longer has (rendering).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from interviews.models import Candidate
from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp, SendFailure
from tests.reminders.followup_factory import followup_ids_in

from .conftest import owed

pytestmark = pytest.mark.django_db

# 11:00 in Berlin, a Monday: outside everyone's quiet hours.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))

BATCH = 5
CANDIDATES = 4 * BATCH + 2  # five batches, the last one short
PER_CANDIDATE = 2
BAD = 2  # the third candidate of the first batch


def break_zone(items):
    Candidate.objects.filter(pk=items[BAD * PER_CANDIDATE].candidate_id).update(
        time_zone="Mars/Olympus_Mons"
    )
    return set()


def break_rendering(items):
    broken = items[BAD * PER_CANDIDATE]
    FollowUp.objects.filter(pk=broken.pk).update(kind="retired_kind")
    # Its sibling still goes: only the broken follow-up is set aside.
    return {items[BAD * PER_CANDIDATE + 1].pk}


@pytest.mark.parametrize("breaking", [break_zone, break_rendering], ids=["zone", "rendering"])
def test_the_candidates_after_a_broken_one_all_get_their_reminders(settings, breaking):
    settings.REMINDER_SEND_BATCH = BATCH
    items = owed(
        candidates=CANDIDATES, per_candidate=PER_CANDIDATE, remind_at=NOW, zone="Europe/Berlin"
    )
    bad_candidate = items[BAD * PER_CANDIDATE].candidate_id
    still_sent = breaking(items)

    reminders_sweep(now=NOW)

    sent = [pk for message in mail.outbox for pk in followup_ids_in(message)]
    expected = {item.pk for item in items if item.candidate_id != bad_candidate} | still_sent
    assert sorted(sent) == sorted(expected), "everyone else, once each"
    assert len(mail.outbox) == CANDIDATES - 1 + bool(still_sent)
    (failure,) = SendFailure.objects.all()
    assert failure.candidate_id == bad_candidate
    owed_after = FollowUp.objects.filter(remind_at__isnull=False, claimed_at__isnull=True)
    if still_sent:
        assert not owed_after.exists(), "the broken follow-up is set aside, not retried"
    else:
        # The candidate's reminders wait, unclaimed, for the zone to be repaired.
        assert set(owed_after.values_list("candidate_id", flat=True)) == {bad_candidate}
    assert not FollowUp.objects.filter(claimed_at__isnull=False, remind_at__isnull=False).exists()
