"""What each habit figure counts, written once.

The habit page's aggregates, its drill-down lists and the dashboard all
filter with these, so "on time" or "went quiet" means the same everywhere.

A follow-up counts in the period it was **settled**: when it was done, or,
when it was not done, when it fell due (an overdue one is late from that
moment). Cancelled follow-ups count nowhere: the plan changed, nobody missed
them. Skipped ones are never late: they count as "not sent" and break no
streak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from interviews.models import Candidate
from reminders.models import FollowUp

Kind, Status = FollowUp.Kind, FollowUp.Status

CHECK_INS = (Kind.CHECK_IN, Kind.FURTHER_CHECK_IN)
# The messages to an employer a reply can follow.
REPLY_KINDS = (Kind.THANK_YOU, Kind.LINKEDIN, *CHECK_INS)
# Every message to an employer (the reply to a rejection comes after the decision).
TOUCH_KINDS = (*REPLY_KINDS, Kind.REJECTION_REPLY)

# The moment a follow-up counts at: done, or else due.
SETTLED_AT = Coalesce("done_at", "due_at")

DONE = Q(status=Status.DONE)
ON_TIME = Q(status=Status.DONE, done_at__lte=F("due_at"))
SKIPPED = Q(status=Status.SKIPPED)


def late(now: datetime) -> Q:
    """Done after its own due time, or still pending past it."""
    return Q(status=Status.DONE, done_at__gt=F("due_at")) | Q(
        status__in=FollowUp.PENDING, due_at__lt=now
    )


def settled(now: datetime) -> Q:
    """Done, skipped, or past due: a follow-up that can be judged."""
    return Q(status__in=(Status.DONE, Status.SKIPPED)) | Q(
        status__in=FollowUp.PENDING, due_at__lt=now
    )


def replied_after() -> Q:
    """A done message the employer's reply came after, before the next stage of touches.

    Stages are the follow-up's sequence: thank-yous and LinkedIn requests are
    0, check-ins 1, 2, 3 … A reply after the second check-in is that
    check-in's, not the thank-you's; the thank-yous of a panel, done together,
    all share a reply that came before the first check-in.
    """
    next_stage_first = FollowUp.objects.filter(
        application=OuterRef("application"),
        kind__in=REPLY_KINDS,
        status=Status.DONE,
        sequence__gt=OuterRef("sequence"),
        done_at__gt=OuterRef("done_at"),
        done_at__lte=OuterRef("application__employer_replied_at"),
    )
    return Q(status=Status.DONE, application__employer_replied_at__gte=F("done_at")) & ~Exists(
        next_stage_first
    )


@dataclass(frozen=True)
class Figure:
    """One countable figure: which kinds, and which of their follow-ups, as of `now`."""

    label: str
    kinds: tuple
    rule: Callable[[datetime], Q]

    def q(self, now: datetime) -> Q:
        return Q(kind__in=self.kinds) & self.rule(now)


def _always(q):
    return lambda now: q


# The figures a number on the page can drill into; the key is in the URL.
FIGURES = {
    "thank_yous_on_time": Figure("Thank-yous sent on time", (Kind.THANK_YOU,), _always(ON_TIME)),
    "thank_yous_late": Figure("Thank-yous sent late or overdue", (Kind.THANK_YOU,), late),
    "thank_yous_skipped": Figure("Thank-yous skipped", (Kind.THANK_YOU,), _always(SKIPPED)),
    "linkedin_sent": Figure("LinkedIn requests sent", (Kind.LINKEDIN,), _always(DONE)),
    "check_ins_on_time": Figure("Check-ins done on time", CHECK_INS, _always(ON_TIME)),
    "check_ins_late": Figure("Check-ins done late or overdue", CHECK_INS, late),
    "messages_done": Figure("Messages sent to employers", REPLY_KINDS, _always(DONE)),
    "replied": Figure("Messages an employer replied to", REPLY_KINDS, lambda now: replied_after()),
}

# What each weekly goal covers: a week meets it when at least one of these
# was done on time in it and none was late.
GOAL_KINDS = {
    Candidate.WeeklyGoal.THANK_YOUS_ON_TIME: (Kind.THANK_YOU,),
    Candidate.WeeklyGoal.ALL_ON_TIME: TOUCH_KINDS,
}


def duration_text(delay):
    """A wait in the unit a person thinks in: minutes, hours, then days."""
    if delay is None:
        return "–"
    hours = delay.total_seconds() / 3600
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h".replace(".0 h", " h")
    return f"{hours / 24:.1f} days".replace(".0 days", " days")
