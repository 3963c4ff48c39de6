"""What the candidate does with a follow-up: done, snooze, skip, reply, edit, undo.

Each action stores what it changed in `undo_state`, so "undo the last action"
restores the previous state exactly, and re-plans the application where the
action changes what comes next (a done check-in leads to the next one, a
skipped one ends the chain).

Each action first locks and re-reads its row: the page the candidate acted on
may be minutes old, and a second tab, an email link or the planner may have
changed the follow-up since. Acting on what the candidate no longer sees is
refused, so two actions at the same moment end in one consistent state.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from interviews.services import application_reply_record
from reminders.followups.guardrails import guardrails_check, normalise
from reminders.followups.planning import followups_plan
from reminders.followups.rules import CHECK_IN_KINDS, add_days, at_local
from reminders.models import FollowUp

# Every field an action may change; undo restores them from undo_state.
DATETIME_FIELDS = {"done_at", "snoozed_until", "remind_at"}

SNOOZE_DAYS = {"day": 1, "three_days": 3}

# A done date in the past has no time of day; noon keeps it on that day in
# any zone and away from the quiet hours.
DONE_ON_CLOCK = time(12, 0)


def _lock(followup):
    """Lock the row and check it is still what the candidate acted on."""
    fresh = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if (fresh.status, fresh.updated_at) != (followup.status, followup.updated_at):
        raise ValidationError(
            "This follow-up changed while you were looking at it "
            f"(it is {fresh.get_status_display().lower()} now); check it again and retry."
        )
    # Work on the locked copy from here on, and hand its state back to the caller.
    followup.__dict__.update(
        {f.attname: getattr(fresh, f.attname) for f in FollowUp._meta.concrete_fields}
    )
    return followup


def _require_pending(followup):
    if not followup.is_pending:
        raise ValidationError(
            f"This follow-up is {followup.get_status_display().lower()} already; undo first."
        )


def _snapshot(followup, action, fields, **extra):
    state = {}
    for name in fields:
        value = getattr(followup, name)
        state[name] = value.isoformat() if isinstance(value, datetime) else value
    return {"action": action, "fields": state, **extra}


def _record(followup, action, changes, **extra):
    """Apply `changes` to the follow-up, remembering the old values for undo."""
    followup.undo_state = _snapshot(followup, action, changes, **extra)
    for name, value in changes.items():
        setattr(followup, name, value)
    followup.save(update_fields=[*changes, "undo_state", "updated_at"])


def _replan(followup, now):
    followups_plan(application=followup.application, now=now)
    followup.refresh_from_db()
    return followup


@transaction.atomic
def followup_mark_done(*, followup, channel, done_on=None, now=None):
    now = now or timezone.now()
    _lock(followup)
    _require_pending(followup)
    if channel not in FollowUp.Channel.values:
        raise ValidationError("Choose how you sent it.")
    today = timezone.localtime(now, followup.candidate.tz).date()
    if done_on is not None and done_on > today:
        raise ValidationError("A follow-up cannot be done on a future date.")
    done_at = (
        now
        if done_on in (None, today)
        else at_local(done_on, DONE_ON_CLOCK, followup.candidate.tz)
    )
    _record(
        followup,
        "done",
        {
            "status": FollowUp.Status.DONE,
            "status_reason": "",
            "done_at": done_at,
            "done_channel": channel,
            "remind_at": None,
        },
    )
    return _replan(followup, now)


def snooze_until(*, candidate, choice, day: date | None = None, now=None):
    """When a snooze of `choice` ("day", "three_days" or "date") ends.

    A day is a calendar day at the same wall-clock time; a chosen date wakes
    the follow-up at the candidate's check-in time that morning.
    """
    now = now or timezone.now()
    if choice in SNOOZE_DAYS:
        return add_days(now, SNOOZE_DAYS[choice], candidate.tz)
    if choice == "date" and day is not None:
        return at_local(day, candidate.check_in_time, candidate.tz)
    raise ValidationError("Choose how long to snooze.")


@transaction.atomic
def followup_snooze(*, followup, until, now=None):
    """Move when it next asks for attention; its due time stays where it is."""
    now = now or timezone.now()
    _lock(followup)
    _require_pending(followup)
    if until <= now:
        raise ValidationError("Snooze until a moment in the future.")
    _record(followup, "snooze", {"snoozed_until": until, "remind_at": until})
    return followup


@transaction.atomic
def followup_skip(*, followup, now=None):
    now = now or timezone.now()
    _lock(followup)
    _require_pending(followup)
    _record(
        followup,
        "skip",
        {"status": FollowUp.Status.SKIPPED, "status_reason": "Skipped by you.", "remind_at": None},
    )
    return _replan(followup, now)


@transaction.atomic
def followup_reply_record(*, followup, now=None):
    """Record that the employer replied, from the follow-up page; undo takes it back."""
    now = now or timezone.now()
    _lock(followup)
    previous = application_reply_record(application=followup.application, replied=True, now=now)
    followup.undo_state = {
        "action": "reply",
        "fields": {},
        "replied_at": previous.isoformat() if previous else None,
    }
    followup.save(update_fields=["undo_state", "updated_at"])
    followup.refresh_from_db()
    return followup


@transaction.atomic
def followup_draft_save(*, followup, subject, draft, now=None):
    """Save the candidate's own wording. Returns the soft warnings; a hard limit refuses."""
    _lock(followup)
    draft = normalise(draft)
    report = guardrails_check(
        kind=followup.kind, text=draft, linkedin_limit=followup.candidate.linkedin_note_limit
    )
    if report.errors:
        raise ValidationError(report.errors)
    subject = " ".join(subject.split())[:200]
    if (subject, draft) != (followup.subject, followup.draft):
        _record(followup, "draft", {"subject": subject, "draft": draft, "draft_edited": True})
    return report.warnings


@transaction.atomic
def followup_draft_reset(*, followup, now=None):
    """Go back to the suggested draft: planning writes it afresh from the notes."""
    now = now or timezone.now()
    _lock(followup)
    # Planning only rewrites pending drafts; a closed one would be left empty.
    _require_pending(followup)
    _record(followup, "draft", {"draft_edited": False, "subject": followup.subject, "draft": ""})
    return _replan(followup, now)


@transaction.atomic
def followup_undo(*, followup, now=None):
    """Restore what the last action changed, then re-plan what follows from it."""
    now = now or timezone.now()
    _lock(followup)
    state = followup.undo_state
    if not state:
        raise ValidationError("There is nothing to undo.")
    if state["action"] in ("done", "skip") and _acted_on_after(followup):
        raise ValidationError(
            "A later check-in has been done or skipped since; undo that one first."
        )
    fields = {
        name: _parse(value) if name in DATETIME_FIELDS else value
        for name, value in state.get("fields", {}).items()
    }
    if fields.get("status", followup.status) not in FollowUp.PENDING and "remind_at" in fields:
        # Planning closed it since (an offer, a new round): a closed follow-up
        # owes no reminder, whatever the undone snooze had set.
        fields["remind_at"] = None
    for name, value in fields.items():
        setattr(followup, name, value)
    followup.undo_state = None
    followup.save(update_fields=[*fields, "undo_state", "updated_at"])
    if state["action"] == "reply":
        # A reply already on record before this one stays; otherwise take it back.
        application_reply_record(
            application=followup.application, replied=bool(state.get("replied_at")), now=now
        )
    return _replan(followup, now)


def _acted_on_after(followup):
    """Whether a later check-in of the same chain was done or skipped: undoing this
    one would leave a chain whose later link is settled and its earlier one open."""
    if followup.kind not in CHECK_IN_KINDS:
        return False
    return FollowUp.objects.filter(
        application_id=followup.application_id,
        interview_id=followup.interview_id,
        kind__in=CHECK_IN_KINDS,
        sequence__gt=followup.sequence,
        status__in=(FollowUp.Status.DONE, FollowUp.Status.SKIPPED),
    ).exists()


def _parse(value):
    if value is None:
        return None
    moment = parse_datetime(value)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
