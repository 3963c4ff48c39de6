"""Planning every follow-up of an application from the rules in reminders/rules.py.

`followups_plan` is the one entry point. It works out what the application
should have now (the "specs"), then brings the stored rows in line:

- a spec with no row yet is created;
- a pending row is moved to the spec's times, its draft refreshed unless the
  candidate edited it;
- a cancelled row whose reason is gone (an outcome undone, a person re-added)
  is revived rather than duplicated;
- a done or skipped row is never touched: nothing the candidate did is lost;
- a pending row that no longer applies is cancelled, with the reason.

Run twice with the same facts, it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from interviews.models import Application, Participant
from reminders.followups.drafts import DraftContext
from reminders.followups.rules import CHECK_IN_KINDS, RULES
from reminders.models import FollowUp

Kind, Status = FollowUp.Kind, FollowUp.Status

OUTCOME_REASONS = {
    Application.Status.OFFER: "An offer was recorded.",
    Application.Status.WITHDRAWN: "You withdrew from this application.",
    Application.Status.REJECTED: "A rejection was recorded.",
}
REPLIED = "The employer replied."
NOT_LISTED = "No longer listed for this interview."
NO_PROFILE = "No LinkedIn profile is known for this person."
LATER_ROUND = "A later round took over the check-ins."
OVER_CAP = "Beyond your limit of further check-ins."
AFTER_SKIP = "The check-in before it was skipped."
WAITING = "Waits until the check-in before it is done."
NOT_REJECTED = "The rejection was taken back."
NO_LONGER = "No longer applies."


@dataclass
class Spec:
    """One follow-up as the rules want it now."""

    key: tuple
    kind: str
    interview: object = None
    contact: object = None
    participant: object = None
    anchor: object = None
    position: int = 0
    # Set when the follow-up must not be pending now: the reason it is cancelled.
    blocked: str = ""
    # Set when the facts already complete it (notes saved).
    done_at: object = None


class Situation:
    """Everything planning reads about one application, loaded once."""

    def __init__(self, application, now):
        self.application = application
        self.candidate = application.candidate
        self.now = now
        participants = Participant.objects.select_related("contact").order_by("id")
        self.interviews = list(
            application.interviews.prefetch_related(
                Prefetch("participants", queryset=participants)
            ).order_by("starts_at", "id")
        )
        self.latest = self.interviews[-1] if self.interviews else None
        self.rows = list(application.followups.select_related("contact").order_by("id"))

    def chain_rows(self, interview_id):
        """An interview's check-ins in chain order: the first, then the further ones."""
        rows = [
            r for r in self.rows if r.kind in CHECK_IN_KINDS and r.interview_id == interview_id
        ]
        return sorted(rows, key=lambda r: (r.kind != Kind.CHECK_IN, r.sequence, r.id))

    def check_in_recipient(self):
        """The main contact, else the latest round's only (or first) interviewer."""
        if self.application.main_contact_id:
            return self.application.main_contact
        people = list(self.latest.participants.all()) if self.latest else []
        return people[0].contact if people else None

    def outcome_reason(self):
        return OUTCOME_REASONS.get(self.application.status, "")

    def chain_block(self):
        """Why no check-in may be pending at all, or ''."""
        if self.application.status != Application.Status.ACTIVE:
            return self.outcome_reason()
        replied = self.application.employer_replied_at
        # A reply from before the latest round led to that round; only a later
        # one answers the check-ins.
        if replied and self.latest and replied >= self.latest.starts_at:
            return REPLIED
        return ""

    def outcome_at(self):
        return self.application.status_changed_at or self.now


def row_key(row):
    if row.kind == Kind.NOTES:
        return (Kind.NOTES, row.interview_id)
    if row.kind in (Kind.THANK_YOU, Kind.LINKEDIN):
        return (row.kind, row.interview_id, row.contact_id)
    if row.kind == Kind.REJECTION_REPLY:
        return (Kind.REJECTION_REPLY,)
    return None  # check-ins are keyed by their place in a chain, see chain_keys


def chain_keys(situation):
    keys = {}
    for interview in situation.interviews:
        for position, row in enumerate(situation.chain_rows(interview.pk)):
            keys[row.pk] = ("chain", interview.pk, position)
    return keys


# What the rules want ---------------------------------------------------------------


def interview_specs(situation, interview):
    saved = interview.notes_saved_at
    # Notes written before the interview even ended leave nothing to remind of:
    # no notes follow-up at all, or (if one was planned already) a done one.
    written_early = saved is not None and saved < interview.ends_at
    planned_already = any(row_key(r) == (Kind.NOTES, interview.pk) for r in situation.rows)
    if not written_early or planned_already:
        yield Spec(
            key=(Kind.NOTES, interview.pk),
            kind=Kind.NOTES,
            interview=interview,
            anchor=interview,
            done_at=saved,
        )
    for participant in interview.participants.all():
        contact = participant.contact
        for kind in (Kind.THANK_YOU, Kind.LINKEDIN):
            yield Spec(
                key=(kind, interview.pk, contact.pk),
                kind=kind,
                interview=interview,
                contact=contact,
                participant=participant,
                anchor=interview,
                blocked=NO_PROFILE if kind == Kind.LINKEDIN and not contact.linkedin_url else "",
            )


def chain_specs(situation):
    """The latest round's check-in, then one further check-in per done one, up to the cap."""
    latest = situation.latest
    if latest is None:
        return
    rows = situation.chain_rows(latest.pk)
    contact = situation.check_in_recipient()
    cap = situation.candidate.further_check_ins
    position = 0
    while position <= cap:
        previous = None
        if position:
            # A further check-in follows only a done one; a skipped one ends the chain.
            if len(rows) < position or rows[position - 1].status != Status.DONE:
                break
            previous = rows[position - 1]
        yield Spec(
            key=("chain", latest.pk, position),
            kind=Kind.FURTHER_CHECK_IN if position else Kind.CHECK_IN,
            interview=latest,
            contact=contact,
            anchor=previous or latest,
            position=position,
        )
        position += 1
    # Rows further down the chain than the rules now allow.
    for extra in range(position, len(rows)):
        previous = rows[extra - 1]
        if extra > cap:
            reason = OVER_CAP
        else:
            reason = AFTER_SKIP if previous.status == Status.SKIPPED else WAITING
        yield Spec(key=("chain", latest.pk, extra), kind=rows[extra].kind, blocked=reason)


def rejection_specs(situation):
    if situation.application.status == Application.Status.REJECTED:
        yield Spec(
            key=(Kind.REJECTION_REPLY,),
            kind=Kind.REJECTION_REPLY,
            interview=situation.latest,
            contact=situation.check_in_recipient(),
            anchor=situation.application,
        )


def outcome_block(situation, spec):
    """Offers and withdrawals stop all but the thank-yous already open when recorded;
    a rejection or a reply stops the check-ins."""
    status = situation.application.status
    if status in (Application.Status.OFFER, Application.Status.WITHDRAWN):
        if spec.kind == Kind.THANK_YOU and spec.interview.ends_at <= situation.outcome_at():
            return ""
        return situation.outcome_reason()
    if spec.kind in CHECK_IN_KINDS:
        return situation.chain_block()
    return ""


def specs_for(situation):
    specs = []
    for interview in situation.interviews:
        specs += interview_specs(situation, interview)
    specs += chain_specs(situation)
    specs += rejection_specs(situation)
    for spec in specs:
        if spec.done_at is None:
            spec.blocked = spec.blocked or outcome_block(situation, spec)
    return specs


# Bringing the rows in line ----------------------------------------------------------


def _wanted_fields(situation, spec):
    """The fields a pending row of `spec` should have now (drafts included)."""
    rule = RULES[spec.kind]
    candidate, application = situation.candidate, situation.application
    opens_at, due_at = rule.window(candidate, spec.anchor)
    channel = rule.channel(candidate, application, spec.contact)
    context = DraftContext(
        candidate=candidate,
        application=application,
        interview=spec.interview,
        contact=spec.contact,
        participant=spec.participant,
        channel=channel,
        position=spec.position,
    )
    draft = rule.draft(context)
    return {
        "kind": spec.kind,
        "interview": spec.interview,
        "contact": spec.contact,
        "opens_at": opens_at,
        "due_at": due_at,
        "channel": channel,
        "status": Status.OPEN if opens_at <= situation.now else Status.PLANNED,
        "status_reason": "",
        "subject": draft.subject[:200],
        "draft": draft.body,
    }


def _first_reminder(opens_at, due_at, now):
    """An interview entered after the fact owes no reminder for a window already closed."""
    return opens_at if due_at > now else None


def _apply(row, fields):
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, fields[name])
    return changed


def _save(row, changed):
    if changed:
        row.save(update_fields=sorted({*changed, "updated_at"}))


def _cancel(row, reason):
    fields = {"status": Status.CANCELLED, "status_reason": reason, "remind_at": None}
    _save(row, _apply(row, fields))


def _complete(row, done_at):
    fields = {"status": Status.DONE, "done_at": done_at, "done_channel": FollowUp.Channel.IN_APP}
    _save(row, _apply(row, {**fields, "status_reason": "Notes saved.", "remind_at": None}))


def _refresh(situation, row, spec):
    """Move a pending row, or revive a cancelled one, to what `spec` wants now."""
    fields = _wanted_fields(situation, spec)
    if row.draft_edited:
        del fields["subject"], fields["draft"]
    reviving = row.status == Status.CANCELLED
    if reviving:
        fields["snoozed_until"] = None
    if reviving or fields["opens_at"] != row.opens_at:
        fields["remind_at"] = _reminder_after_move(
            row,
            opens_at=fields["opens_at"],
            due_at=fields["due_at"],
            snoozed_until=fields.get("snoozed_until", row.snoozed_until),
            now=situation.now,
        )
    return _apply(row, fields)


def _reminder_after_move(row, *, opens_at, due_at, snoozed_until, now):
    """When a follow-up whose window moved (or that came back) next asks for attention."""
    if opens_at > now:
        # The window opens (again) later, so that opening owes a reminder even
        # if the old one was reminded: a check-in pushed back by a later
        # decision date would otherwise fall due weeks on without a word. A
        # snooze that ends later still has the last say.
        return max(opens_at, snoozed_until or opens_at)
    if snoozed_until is not None:
        return row.remind_at  # the snooze decides, as the candidate asked
    if row.reminded_at is None:
        return _first_reminder(opens_at, due_at, now)
    return None  # this window has had its reminder


def _create(situation, spec, sequence):
    fields = _wanted_fields(situation, spec)
    row = FollowUp(
        candidate=situation.candidate,
        application=situation.application,
        sequence=sequence,
        remind_at=_first_reminder(fields["opens_at"], fields["due_at"], situation.now),
        **fields,
    )
    if spec.done_at is not None:
        row.status, row.done_at, row.remind_at = Status.DONE, spec.done_at, None
        row.done_channel, row.status_reason = FollowUp.Channel.IN_APP, "Notes saved."
    row.save()
    situation.rows.append(row)
    return row


def _unplanned_reason(situation, row):
    if row.kind in CHECK_IN_KINDS:
        return LATER_ROUND
    if row.kind == Kind.REJECTION_REPLY:
        return NOT_REJECTED
    if row.kind in (Kind.THANK_YOU, Kind.LINKEDIN):
        return NOT_LISTED
    return NO_LONGER


@transaction.atomic
def followups_plan(*, application, now=None):
    """Bring the application's follow-ups in line with what is known now (idempotent).

    Returns the application's follow-ups after planning.
    """
    now = now or timezone.now()
    # One planner per application at a time: the row lock makes a second
    # caller wait, so two saves cannot both create the same follow-up.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate", "main_contact")
        .get(pk=application.pk)
    )
    situation = Situation(application, now)
    specs = specs_for(situation)
    chains = chain_keys(situation)
    rows_by_key = {chains.get(r.pk) or row_key(r): r for r in situation.rows}
    wanted = {spec.key for spec in specs}

    # Cancel first: a check-in's sequence number is free again once cancelled.
    for row in situation.rows:
        key = chains.get(row.pk) or row_key(row)
        if row.is_pending and key not in wanted:
            _cancel(row, _unplanned_reason(situation, row))
    for spec in specs:
        row = rows_by_key.get(spec.key)
        if spec.blocked and row is not None and row.is_pending:
            _cancel(row, spec.blocked)

    for spec in specs:
        if spec.blocked:
            continue
        row = rows_by_key.get(spec.key)
        if spec.done_at is not None:
            if row is None:
                _create(situation, spec, sequence=0)
            elif row.status in (*FollowUp.PENDING, Status.CANCELLED):
                _complete(row, spec.done_at)
        elif row is None:
            _create(situation, spec, sequence=_next_sequence(situation, spec))
        elif row.status not in (Status.DONE, Status.SKIPPED):
            changed = _refresh(situation, row, spec)
            if spec.kind in CHECK_IN_KINDS and _sequence_taken(situation, row):
                row.sequence = _next_sequence(situation, spec)
                changed.append("sequence")
            _save(row, changed)
    return application.followups.all()


def _next_sequence(situation, spec):
    if spec.kind not in CHECK_IN_KINDS:
        return 0
    taken = [
        r.sequence
        for r in situation.rows
        if r.kind in CHECK_IN_KINDS and r.status != Status.CANCELLED
    ]
    return max(taken, default=0) + 1


def _sequence_taken(situation, row):
    """Whether a revived check-in's number now belongs to another live check-in."""
    return any(
        other.pk != row.pk
        and other.kind in CHECK_IN_KINDS
        and other.status != Status.CANCELLED
        and other.sequence == row.sequence
        for other in situation.rows
    )
