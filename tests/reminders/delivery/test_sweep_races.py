"""The sweep's race guards, made deterministic (as healthchecks' test_sendalerts does).

A sender claims a batch of candidates in one UPDATE, renders each email, sends
it and marks its rows. Here the rendering is wrapped so that, while a claimed
email is on its way, another actor changes a row: the candidate snoozes it or
marks it done (through the real services), or a whole other sender runs. The
sender must leave the row as the other actor left it, send everything else
once, and the other sender must take none of a claimed candidate's rows.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from reminders.delivery import sending, sweep
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
def while_sending(monkeypatch):
    """Run `action` once, after the sender claimed `target` and just before its email goes."""
    actions = []
    real_rendered = sending._rendered

    def rendered(batch, *, tally):
        message = real_rendered(batch, tally=tally)
        for action in [a for a in actions if a.target.pk in {f.pk for f in batch.followups}]:
            actions.remove(action)
            assert fresh(action.target).claim is not None, "the row is claimed before it is sent"
            action()
        return message

    monkeypatch.setattr(sending, "_rendered", rendered)

    def register(target, action):
        action.target = target
        actions.append(action)

    yield register
    assert not actions, "the race never ran: the sender did not reach the send"


def test_a_snooze_while_the_email_is_on_its_way_keeps_the_new_reminder(owed, while_sending):
    raced = owed["raced"]
    until = NOW + timedelta(days=1)
    while_sending(raced, lambda: followup_snooze(followup=fresh(raced), until=until, now=NOW))

    result = sweep_at(NOW)

    # The email was already written with it, so it went; the snooze stays.
    assert sent_ids() == sorted(item.pk for item in owed.values())
    assert (result.reminders_sent, result.emails_sent) == (3, 2)
    raced = fresh(raced)
    assert (raced.snoozed_until, raced.remind_at) == (until, until)
    assert (raced.claim, raced.claimed_at, raced.reminded_at) == (None, None, NOW)
    assert raced.undo_state["action"] == "snooze"

    # The snooze decides: one reminder when it ends, and one only.
    mail.outbox.clear()
    sweep_at(until - timedelta(minutes=1))
    assert mail.outbox == []
    sweep_at(until)
    sweep_at(until + timedelta(minutes=1))
    assert sent_ids() == [raced.pk]


def test_marking_done_while_the_email_is_on_its_way_stays_done(owed, while_sending):
    raced = owed["raced"]
    while_sending(
        raced,
        lambda: followup_mark_done(followup=fresh(raced), channel=FollowUp.Channel.CARD, now=NOW),
    )

    sweep_at(NOW)

    raced = fresh(raced)
    assert raced.status == FollowUp.Status.DONE
    assert (raced.done_at, raced.done_channel) == (NOW, FollowUp.Channel.CARD)
    assert (raced.remind_at, raced.claim, raced.claimed_at) == (None, None, None)
    mail.outbox.clear()
    sweep_at(NOW + timedelta(minutes=1))
    assert mail.outbox == []


def test_another_sender_takes_none_of_a_claimed_candidates_rows(owed, while_sending, settings):
    # One candidate per batch, so the first sender holds the owner alone
    # while a whole other sender runs in the middle of its send.
    settings.REMINDER_SEND_BATCH = 1
    nested = {}

    def another_sender():
        nested["tally"] = sending.Sender(now=NOW, tally=sending.Tally()).run()

    while_sending(owed["raced"], another_sender)

    result = sweep_at(NOW)

    # The other sender found the owner claimed and took the stranger only;
    # the owner's two reminders went together, in the first sender's email.
    assert nested["tally"].reminders_sent == 1
    assert result.reminders_sent == 2
    assert sent_ids() == sorted(item.pk for item in owed.values())
    assert len(mail.outbox) == 2
    for item in owed.values():
        item = fresh(item)
        assert (item.remind_at, item.reminded_at, item.claimed_at) == (None, NOW, None)


def test_a_live_claim_of_another_sender_is_left_alone(owed):
    theirs = timezone.now()
    FollowUp.objects.filter(pk=owed["raced"].pk).update(claimed_at=theirs)

    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        result = sweep.reminders_sweep(now=NOW)

    assert sent_ids() == sorted([owed["sibling"].pk, owed["other"].pk])
    assert result.reminders_sent == 2
    raced = fresh(owed["raced"])
    # Still the other sender's: its claim, its remind_at to clear when it has sent.
    assert (raced.claimed_at, raced.remind_at, raced.reminded_at) == (theirs, NOW, None)


def test_a_row_closed_with_remind_at_left_set_is_never_claimed(owed):
    # Closed by something that leaves remind_at alone (an admin edit, a bulk
    # update): the status in the claim's condition alone must stop it.
    raced = owed["raced"]
    FollowUp.objects.filter(pk=raced.pk).update(status=FollowUp.Status.DONE, done_at=NOW)

    sweep_at(NOW)

    assert sent_ids() == sorted([owed["sibling"].pk, owed["other"].pk])
    raced = fresh(raced)
    assert (raced.status, raced.remind_at, raced.claim) == (FollowUp.Status.DONE, NOW, None)
    assert raced.reminded_at is None


def test_without_a_race_all_three_go(owed, while_sending):
    # The wrapper itself changes nothing: the same sweep with a no-op race.
    while_sending(owed["raced"], lambda: None)

    result = sweep_at(NOW)

    assert sent_ids() == sorted(item.pk for item in owed.values())
    assert (result.reminders_sent, result.emails_sent) == (3, 2)
