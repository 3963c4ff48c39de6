"""The follow-up timings of DOMAIN.md as one table, with the candidate's settings on top.

Each row says, for one kind of follow-up: who it is for, when its window opens,
when it is due, which channel it goes through, how its draft is written, and
the checklist shown beside it. Planning (reminders/planning.py) walks the
table; nothing else in the code knows a timing.

Time arithmetic: hours are elapsed time; days are calendar days in the
candidate's own zone at the same wall-clock time, so a daylight-saving change
never shifts a reminder by an hour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from interviews.models import Candidate, Contact
from reminders.models import FollowUp

from . import drafts

Kind = FollowUp.Kind
Channel = FollowUp.Channel

# Check-ins after the first come in a chain; the candidate caps it (0–3) so
# that there are never more than five touches in all.
CHECK_IN_KINDS = (Kind.CHECK_IN, Kind.FURTHER_CHECK_IN)


# Time arithmetic ---------------------------------------------------------------


def at_local(day: date, clock: time, tz) -> datetime:
    """`clock` on `day` in zone `tz`, as an aware datetime.

    A wall-clock time that does not exist (skipped by a spring-forward change)
    is normalised through UTC to the real instant just after the gap.
    """
    naive = datetime.combine(day, clock)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def add_days(moment: datetime, days: int, tz) -> datetime:
    """`days` calendar days later, at the same wall-clock time in zone `tz`."""
    local = moment.astimezone(tz)
    return at_local(local.date() + timedelta(days=days), local.time(), tz)


@dataclass(frozen=True)
class Hours:
    """Elapsed hours: a fixed number, or the name of a Candidate setting."""

    amount: int | str

    def after(self, moment: datetime, candidate: Candidate) -> datetime:
        return moment + timedelta(hours=_setting(candidate, self.amount))


@dataclass(frozen=True)
class Days:
    """Calendar days at the same wall-clock time, in the candidate's zone."""

    amount: int | str

    def after(self, moment: datetime, candidate: Candidate) -> datetime:
        return add_days(moment, _setting(candidate, self.amount), candidate.tz)


def _setting(candidate, amount):
    return getattr(candidate, amount) if isinstance(amount, str) else amount


# When windows open. Each takes the candidate and the thing the row hangs on. ----


def opens_at_interview_end(candidate, interview):
    return interview.ends_at


def opens_for_check_in(candidate, interview):
    """The check-in time on the Nth day after the promised decision date, or,
    with no date promised, after the (latest) interview."""
    tz = candidate.tz
    if interview.decision_promised_on:
        day = interview.decision_promised_on + timedelta(
            days=candidate.check_in_days_after_decision
        )
    else:
        day = interview.ends_at.astimezone(tz).date() + timedelta(
            days=candidate.check_in_days_without_decision
        )
    return at_local(day, candidate.check_in_time, tz)


def opens_after_previous_check_in(candidate, previous):
    """The gap counts from the day the previous check-in was done."""
    day = previous.done_at.astimezone(candidate.tz).date()
    return at_local(
        day + timedelta(days=candidate.further_check_in_gap_days),
        candidate.check_in_time,
        candidate.tz,
    )


def opens_when_rejection_recorded(candidate, application):
    return application.status_changed_at


# Channels ----------------------------------------------------------------------


def channel_in_app(candidate, application, contact):
    return Channel.IN_APP


def channel_linkedin(candidate, application, contact):
    return Channel.LINKEDIN


def channel_for_thank_you(candidate, application, contact):
    """A printed card when there is somewhere to mail it and the candidate likes cards."""
    has_address = bool(contact and contact.postal_address.strip()) or bool(
        application.company_address.strip()
    )
    if has_address and candidate.thank_you_channel == Candidate.ThankYouChannel.CARD:
        return Channel.CARD
    return Channel.EMAIL


# How each contact likes to be reached, as the channel a check-in goes through.
# Not known yet: an email draft, and the page prompts the candidate to find out.
PREFERRED_CHANNELS = {
    Contact.Channel.EMAIL: Channel.EMAIL,
    Contact.Channel.PHONE: Channel.PHONE,
    Contact.Channel.LINKEDIN: Channel.LINKEDIN,
    Contact.Channel.UNKNOWN: Channel.EMAIL,
}


def channel_preferred(candidate, application, contact):
    if contact is None:
        return Channel.EMAIL
    return PREFERRED_CHANNELS.get(contact.preferred_channel, Channel.EMAIL)


def channel_written(candidate, application, contact):
    """A reply to a rejection is written, never a phone call."""
    channel = channel_preferred(candidate, application, contact)
    return Channel.EMAIL if channel == Channel.PHONE else channel


# The table ---------------------------------------------------------------------


class For:
    """Who a row of the table is for."""

    INTERVIEW = "interview"
    EACH_INTERVIEWER = "each interviewer"
    EACH_INTERVIEWER_ON_LINKEDIN = "each interviewer with a LinkedIn profile"
    MAIN_CONTACT = "the main contact, else the latest round's only interviewer"


@dataclass(frozen=True)
class Rule:
    kind: str
    recipient: str
    opens: Callable
    due: Hours | Days
    channel: Callable
    draft: Callable
    checklist: tuple[str, ...] = field(default=())

    def window(self, candidate, anchor):
        """(opens_at, due_at) for this rule, hung on `anchor`."""
        opens_at = self.opens(candidate, anchor)
        return opens_at, max(opens_at, self.due.after(opens_at, candidate))


RULES = {
    Kind.NOTES: Rule(
        kind=Kind.NOTES,
        recipient=For.INTERVIEW,
        opens=opens_at_interview_end,
        due=Hours(3),
        channel=channel_in_app,
        draft=drafts.notes_nudge,
    ),
    Kind.THANK_YOU: Rule(
        kind=Kind.THANK_YOU,
        recipient=For.EACH_INTERVIEWER,
        opens=opens_at_interview_end,
        due=Hours("thank_you_due_hours"),
        channel=channel_for_thank_you,
        draft=drafts.thank_you,
        checklist=(
            "A couple of sentences, not a page.",
            "No play-by-play of the interview and no work history.",
        ),
    ),
    Kind.LINKEDIN: Rule(
        kind=Kind.LINKEDIN,
        recipient=For.EACH_INTERVIEWER_ON_LINKEDIN,
        opens=opens_at_interview_end,
        due=Days("linkedin_due_days"),
        channel=channel_linkedin,
        draft=drafts.linkedin_note,
        checklist=(
            "Your own profile is complete and up to date.",
            "Your profile has a clear, friendly photo.",
            "The note names something from your conversation.",
        ),
    ),
    Kind.CHECK_IN: Rule(
        kind=Kind.CHECK_IN,
        recipient=For.MAIN_CONTACT,
        opens=opens_for_check_in,
        due=Days("check_in_due_days"),
        channel=channel_preferred,
        draft=drafts.check_in,
        checklist=("Keep it short and friendly; do not ask for a decision.",),
    ),
    Kind.FURTHER_CHECK_IN: Rule(
        kind=Kind.FURTHER_CHECK_IN,
        recipient=For.MAIN_CONTACT,
        opens=opens_after_previous_check_in,
        due=Days("check_in_due_days"),
        channel=channel_preferred,
        draft=drafts.check_in,
        checklist=("Shorter than the last one; still no demand for an answer.",),
    ),
    Kind.REJECTION_REPLY: Rule(
        kind=Kind.REJECTION_REPLY,
        recipient=For.MAIN_CONTACT,
        opens=opens_when_rejection_recorded,
        due=Days(2),
        channel=channel_written,
        draft=drafts.rejection_reply,
        checklist=(
            "Thank them and ask them to keep your résumé on file.",
            "Never argue with the decision or ask why.",
        ),
    ),
}


def rule_for(kind) -> Rule:
    return RULES[kind]


# Prompts: what the candidate should sort out before sending ------------------------


def prompts_for(followup):
    """Short to-dos shown beside a draft: a recipient to choose, a channel to find out."""
    prompts = []
    contact = followup.contact
    addressed = followup.kind in (*CHECK_IN_KINDS, Kind.REJECTION_REPLY)
    if addressed and not followup.application.main_contact_id:
        people = followup.interview.participants.count() if followup.interview else 0
        if contact is None:
            prompts.append(
                "No one to send this to yet: choose a main contact for the application."
            )
        elif people > 1:
            prompts.append(
                f"Several people interviewed you, so this goes to {contact.name} for now. "
                "Choose a main contact on the application to decide who hears from you."
            )
    if addressed and contact and contact.preferred_channel == Contact.Channel.UNKNOWN:
        prompts.append(
            f"You do not know yet how {contact.first_name} likes to be reached. This is an "
            "email draft meanwhile; ask, or look for a hint in your notes."
        )
    if followup.channel == Channel.EMAIL and contact and not contact.email:
        prompts.append(f"No email address for {contact.name} yet: add it on their page.")
    if (
        followup.kind == Kind.THANK_YOU
        and followup.channel == Channel.EMAIL
        and followup.candidate.thank_you_channel == Candidate.ThankYouChannel.CARD
    ):
        prompts.append(
            "You prefer printed cards: add a postal address for this person (or the "
            "company's) and this becomes a card."
        )
    return prompts
