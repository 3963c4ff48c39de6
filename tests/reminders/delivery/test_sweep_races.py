"""The sweep's race guards, made deterministic (as healthchecks' test_sendalerts does).

The sweep reads the owed follow-ups, then claims each with a conditional
UPDATE. Here `_claim` is wrapped so that, between that read and that UPDATE,
another actor changes one row: the candidate snoozes it or marks it done
(through the real services), or another sweep claims or even finishes it.
The sweep must back off from that row, leave it as the other actor left it,
and still send everything else.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from reminders.delivery import sweep
from reminders.followups.services import followup_mark_done, followup_snooze
from reminders.models import FollowUp
from tests.reminders.followup_factory import followup, followup_ids_in

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
# Monday 2 March 2026, 11:00 in Berlin, outside quiet hours; swept with a UTC now.
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=BERLIN).astimezone(UTC)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sweep.reminders_sweep(now=moment)


def sent_ids():
    return sorted(pk for message in mail.outbox for pk in followup_ids_in(message))


def fresh(item):
    return FollowUp.objects.get(pk=item.pk)


@pytest.fixture
def owed(owner, stranger):
    """Three reminders owed at NOW: two of the owner's (one email), one of the stranger's.

    The owner's two hang on different applications: marking one done re-plans
    its application, which would cancel a factory-made sibling there (it has
    no interview behind it) and so hide whether the sweep sent it.
    """
    return {
        "raced": followup(candidate=owner, opens_at=NOW),
        "sibling": followup(candidate=owner, opens_at=NOW),
        "other": followup(candidate=stranger, opens_at=NOW),
    }


@pytest.fixture
def between_read_and_claim(monkeypatch):
    """Run `action` once, after the sweep has read the rows and just before it claims."""
    actions = []
    real_claim = sweep._claim

    def claim(followups):
        read = {f.pk: (f.claimed_at, f.remind_at, f.status) for f in followups}
        while actions:
            action = actions.pop(0)
            assert action.target.pk in read, "the sweep read the row before the race"
            action()
        return real_claim(followups)

    monkeypatch.setattr(sweep, "_claim", claim)

    def register(target, action):
        action.target = target
        actions.append(action)

    yield register
    assert not actions, "the race never ran: the sweep did not reach its claim"


def test_a_snooze_between_read_and_claim_wins_and_the_sweep_backs_off(
    owed, between_read_and_claim
):
    raced = owed["raced"]
    until = NOW + timedelta(days=1)
    between_read_and_claim(
        raced, lambda: followup_snooze(followup=fresh(raced), until=until, now=NOW)
    )

    result = sweep_at(NOW)

    assert sent_ids() == sorted([owed["sibling"].pk, owed["other"].pk])
    assert (result.reminders_sent, result.emails_sent) == (2, 2)
    raced = fresh(raced)
    assert raced.status == FollowUp.Status.OPEN  # the sweep opened it before reading
    assert (raced.snoozed_until, raced.remind_at) == (until, until)
    assert (raced.claimed_at, raced.reminded_at, raced.send_attempts) == (None, None, 0)
    assert raced.undo_state["action"] == "snooze"

    # The snooze, not this sweep, decides: one reminder when it ends, and one only.
    mail.outbox.clear()
    sweep_at(until - timedelta(minutes=1))
    assert mail.outbox == []
    sweep_at(until)
    sweep_at(until + timedelta(minutes=1))
    assert sent_ids() == [raced.pk]


def test_a_claim_by_another_sweep_between_read_and_claim_is_left_alone(
    owed, between_read_and_claim
):
    raced = owed["raced"]
    theirs = {}

    def other_sweep_claims():
        theirs["claimed_at"] = timezone.now()
        FollowUp.objects.filter(pk=raced.pk).update(claimed_at=theirs["claimed_at"])

    between_read_and_claim(raced, other_sweep_claims)

    result = sweep_at(NOW)

    assert sent_ids() == sorted([owed["sibling"].pk, owed["other"].pk])
    assert result.reminders_sent == 2
    raced = fresh(raced)
    # Still the other sweep's: its claim, its remind_at to clear when it has sent.
    assert raced.claimed_at == theirs["claimed_at"]
    assert (raced.remind_at, raced.reminded_at) == (NOW, None)

    # The sibling's completion did not touch the raced row either.
    mail.outbox.clear()
    sweep_at(NOW + timedelta(minutes=1))
    assert mail.outbox == []  # a live claim is not retried


def test_another_sweep_finishing_between_read_and_claim_means_each_reminder_goes_once(
    owed, between_read_and_claim
):
    raced = owed["raced"]
    nested = {}

    def a_whole_other_sweep():
        # The other sweep reads after this one did, claims first and sends.
        nested["result"] = sweep.reminders_sweep(now=NOW)

    between_read_and_claim(raced, a_whole_other_sweep)

    result = sweep_at(NOW)

    # The other sweep ran inside this one's first claim, so it sent everything;
    # this sweep won no row and sent nothing.
    assert nested["result"].reminders_sent == 3
    assert result.reminders_sent == 0
    assert sent_ids() == sorted(item.pk for item in owed.values())
    assert len(mail.outbox) == 2
    for item in owed.values():
        item = fresh(item)
        assert (item.remind_at, item.reminded_at, item.claimed_at) == (None, NOW, None)


def test_marking_done_between_read_and_claim_wins_and_the_sweep_backs_off(
    owed, between_read_and_claim
):
    raced = owed["raced"]
    between_read_and_claim(
        raced,
        lambda: followup_mark_done(followup=fresh(raced), channel=FollowUp.Channel.CARD, now=NOW),
    )

    result = sweep_at(NOW)

    assert sent_ids() == sorted([owed["sibling"].pk, owed["other"].pk])
    assert result.reminders_sent == 2
    raced = fresh(raced)
    assert raced.status == FollowUp.Status.DONE
    assert (raced.done_at, raced.done_channel) == (NOW, FollowUp.Channel.CARD)
    assert (raced.remind_at, raced.reminded_at, raced.claimed_at) == (None, None, None)


def test_done_without_remind_at_cleared_still_stops_the_claim(owed, between_read_and_claim):
    # Closed by something that leaves remind_at alone (an admin edit, a bulk
    # update): the status in the claim's condition alone must stop it.
    raced = owed["raced"]
    between_read_and_claim(
        raced,
        lambda: FollowUp.objects.filter(pk=raced.pk).update(
            status=FollowUp.Status.DONE, done_at=NOW
        ),
    )

    sweep_at(NOW)

    assert sent_ids() == sorted([owed["sibling"].pk, owed["other"].pk])
    raced = fresh(raced)
    assert (raced.status, raced.remind_at, raced.claimed_at) == (FollowUp.Status.DONE, NOW, None)
    assert raced.reminded_at is None


def test_without_a_race_all_three_go(owed, between_read_and_claim):
    # The wrapper itself changes nothing: the same sweep with a no-op race.
    between_read_and_claim(owed["raced"], lambda: None)

    result = sweep_at(NOW)

    assert sent_ids() == sorted(item.pk for item in owed.values())
    assert (result.reminders_sent, result.emails_sent) == (3, 2)
