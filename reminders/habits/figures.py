"""The habit page's figures, each a database aggregate over the candidate's rows.

Weeks and months are the candidate's own (TruncWeek/TruncMonth in their zone):
a thank-you done at 23:30 on a Sunday in Los Angeles belongs to that week,
though it is Monday in UTC. The number of queries is fixed, whatever the
number of follow-ups; Python only walks the aggregated rows (one per period
or per kind), never the follow-ups themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncWeek

from reminders.models import FollowUp

from .outcomes import Outcomes, outcomes, quiet_applications
from .rules import (
    FIGURES,
    ON_TIME,
    REPLY_KINDS,
    SETTLED_AT,
    SKIPPED,
    TOUCH_KINDS,
    Kind,
    Status,
    duration_text,
    late,
    replied_after,
    settled,
)
from .streaks import GoalStanding, goal_standing, thank_you_streak

# The range of local days the page covers --------------------------------------------


@dataclass(frozen=True)
class Span:
    """Local days `first` to `last`, both included, in zone `tz`."""

    first: date
    last: date
    tz: object

    @property
    def start(self):
        return datetime.combine(self.first, time(0), tzinfo=self.tz)

    @property
    def end(self):
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=self.tz)

    def query(self, **extra):
        """The GET parameters that select this span (and `extra`), for links."""
        return urlencode({"from": self.first.isoformat(), "to": self.last.isoformat(), **extra})

    def weeks(self):
        monday = self.first - timedelta(days=self.first.weekday())
        while monday <= self.last:
            yield monday
            monday += timedelta(days=7)

    def months(self):
        month = self.first.replace(day=1)
        while month <= self.last:
            yield month
            month = (month + timedelta(days=32)).replace(day=1)

    def clip(self, first, last):
        """The part of this span from `first` to `last`."""
        return Span(max(first, self.first), min(last, self.last), self.tz)


def default_span(*, tz, now):
    """Six calendar months up to today: enough weeks to see a habit form."""
    today = now.astimezone(tz).date()
    month = today.replace(day=1)
    for _ in range(5):
        month = (month - timedelta(days=1)).replace(day=1)
    return Span(month, today, tz)


# Figures per period -----------------------------------------------------------------


@dataclass
class Period:
    """The figures of one week, month or the whole span."""

    span: Span
    thank_yous_on_time: int = 0
    thank_yous_late: int = 0
    thank_yous_skipped: int = 0
    linkedin_sent: int = 0
    check_ins_on_time: int = 0
    check_ins_late: int = 0
    messages_done: int = 0
    replied: int = 0
    thank_you_delay: timedelta | None = None

    @property
    def first(self):
        return self.span.first

    @property
    def thank_yous(self):
        return self.thank_yous_on_time + self.thank_yous_late + self.thank_yous_skipped

    @property
    def on_time_share(self):
        """Percent of the thank-yous settled in the period that went out on time.

        Skipped ones are in the total as "not sent", as on the dashboard, but
        never among the late ones.
        """
        return percent(self.thank_yous_on_time, self.thank_yous)

    @property
    def reply_rate(self):
        return percent(self.replied, self.messages_done)

    @property
    def delay_text(self):
        return duration_text(self.thank_you_delay)

    @property
    def is_empty(self):
        return not (self.thank_yous or self.linkedin_sent or self.messages_done)

    @property
    def thank_you_cells(self):
        """(count, drill-down query) for the table's thank-you columns, in order."""
        return self._cells("thank_yous_on_time", "thank_yous_late", "thank_yous_skipped")

    @property
    def other_cells(self):
        return self._cells("linkedin_sent", "check_ins_on_time", "check_ins_late")

    def _cells(self, *names):
        return [(getattr(self, name), self.span.query(figure=name)) for name in names]

    @property
    def links(self):
        """The drill-down query of each figure in this period, for the page's links."""
        return {name: self.span.query(figure=name) for name in COUNTED}


COUNTED = [f.name for f in fields(Period) if f.name in FIGURES]


def percent(part, whole):
    return round(100 * part / whole) if whole else None


def _settled_rows(candidate, span, now):
    """The candidate's messages to employers that settled within the span."""
    return (
        FollowUp.objects.filter(candidate=candidate, kind__in=TOUCH_KINDS)
        .exclude(status=Status.CANCELLED)
        .annotate(settled_at=SETTLED_AT)
        .filter(settled_at__gte=span.start, settled_at__lt=span.end)
        .filter(settled(now))
    )


def _period_aggregates(now):
    aggregates = {name: Count("pk", filter=FIGURES[name].q(now)) for name in COUNTED}
    delay = ExpressionWrapper(F("done_at") - F("interview__ends_at"), output_field=DurationField())
    aggregates["thank_you_delay"] = Avg(
        delay, filter=Q(kind=Kind.THANK_YOU, status=Status.DONE, interview__isnull=False)
    )
    return aggregates


def _week_end(monday):
    return monday + timedelta(days=6)


def _month_end(first):
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


SCALES = {
    "week": (TruncWeek, Span.weeks, _week_end),
    "month": (TruncMonth, Span.months, _month_end),
}


def periods(*, candidate, span, now, scale):
    """One Period per week or month of the span (empty ones included), oldest first."""
    trunc, starts, end_of = SCALES[scale]
    rows = (
        _settled_rows(candidate, span, now)
        .annotate(period=trunc("settled_at", tzinfo=span.tz))
        .values("period")
        .annotate(**_period_aggregates(now))
        .order_by("period")
    )
    # The database answers in UTC or in the zone; the local date names the period.
    found = {row.pop("period").astimezone(span.tz).date(): row for row in rows}
    return [
        Period(span=span.clip(first, end_of(first)), **found.get(first, {}))
        for first in starts(span)
    ]


def overall(*, candidate, span, now):
    return Period(
        span=span, **_settled_rows(candidate, span, now).aggregate(**_period_aggregates(now))
    )


# Reply rates per kind and per channel ---------------------------------------------


@dataclass
class ReplyRate:
    label: str
    done: int = 0
    replied: int = 0
    # The GET query of the drill-down to the messages a reply followed.
    drill_query: str = ""

    @property
    def rate(self):
        return percent(self.replied, self.done)


CHANNELS = [
    FollowUp.Channel.CARD,
    FollowUp.Channel.EMAIL,
    FollowUp.Channel.LINKEDIN,
    FollowUp.Channel.PHONE,
]


def _kind_label(kind, sequence):
    if kind == Kind.THANK_YOU:
        return "Thank-you"
    if kind == Kind.LINKEDIN:
        return "LinkedIn request"
    return "First check-in" if sequence == 1 else f"Check-in {sequence}"


def reply_rates(*, candidate, span, now):
    """(per kind, per channel) reply rates of the messages done in the span."""
    rows = (
        _settled_rows(candidate, span, now)
        .filter(kind__in=REPLY_KINDS, status=Status.DONE)
        .values("kind", "sequence", "done_channel")
        .annotate(done=Count("pk"), replied=Count("pk", filter=replied_after()))
        .order_by()
    )

    def replied(**filters):
        return span.query(figure="replied", **filters)

    by_kind = {}
    by_channel = {c: ReplyRate(c.label, drill_query=replied(channel=c)) for c in CHANNELS}
    for row in rows:
        kind, sequence = row["kind"], row["sequence"]
        # Thank-yous, then LinkedIn requests (both stage 0), then each check-in.
        order = (sequence, kind == Kind.LINKEDIN)
        label = _kind_label(kind, sequence)
        rate = by_kind.setdefault(
            order, ReplyRate(label, drill_query=replied(kind=kind, sequence=sequence))
        )
        channel = FollowUp.Channel(row["done_channel"] or FollowUp.Channel.IN_APP)
        per_channel = by_channel.setdefault(
            channel, ReplyRate(channel.label, drill_query=replied(channel=channel))
        )
        for target in (rate, per_channel):
            target.done += row["done"]
            target.replied += row["replied"]
    return [by_kind[k] for k in sorted(by_kind)], list(by_channel.values())


# The page -----------------------------------------------------------------------------


@dataclass
class HabitReport:
    span: Span
    weeks: list
    months: list
    overall: Period
    reply_by_kind: list
    reply_by_channel: list
    outcomes: Outcomes
    quiet: list
    streak: int
    goal: GoalStanding | None


def habit_report(*, candidate, span, now):
    """Every figure of the habit page: a fixed nine queries."""
    by_kind, by_channel = reply_rates(candidate=candidate, span=span, now=now)
    return HabitReport(
        span=span,
        weeks=periods(candidate=candidate, span=span, now=now, scale="week"),
        months=periods(candidate=candidate, span=span, now=now, scale="month"),
        overall=overall(candidate=candidate, span=span, now=now),
        reply_by_kind=by_kind,
        reply_by_channel=by_channel,
        outcomes=outcomes(candidate=candidate, span=span, now=now),
        quiet=quiet_applications(candidate=candidate, span=span, now=now),
        streak=thank_you_streak(candidate=candidate, now=now),
        goal=goal_standing(candidate=candidate, now=now),
    )


def followups_behind(
    *, candidate, figure, span, now, application=None, kind=None, sequence=None, channel=None
):
    """The follow-ups a figure counted: the drill-down list, by the same rules."""
    rows = _settled_rows(candidate, span, now)
    if figure is not None:
        rows = rows.filter(figure.q(now))
    if application is not None:
        rows = rows.filter(application=application)
    if kind:
        rows = rows.filter(kind=kind)
    if sequence is not None:
        rows = rows.filter(sequence=sequence)
    if channel:
        rows = rows.filter(done_channel=channel)
    # How each row was judged, by the same rules as the figures.
    verdict = Case(
        When(ON_TIME, then=Value("on time")),
        When(late(now), then=Value("late")),
        When(SKIPPED, then=Value("skipped")),
        default=Value(""),
    )
    return (
        rows.annotate(verdict=verdict)
        .select_related("application", "contact", "interview")
        .order_by("application__company", "application_id", "settled_at", "id")
    )
