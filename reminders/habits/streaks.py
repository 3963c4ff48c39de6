"""The streak and the weekly goal: the habit as a run, shown on the dashboard too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncWeek

from reminders.models import FollowUp

from .rules import GOAL_KINDS, ON_TIME, SETTLED_AT, Kind, Status, late, settled

# Before any job search the product can hold (see interviews.form_kit.EARLIEST_DATE).
LONG_AGO = datetime(1990, 1, 1, tzinfo=UTC)


def thank_you_streak(*, candidate, now):
    """Thank-yous sent on time in a row, counting back from the latest one settled.

    One late (or overdue) thank-you ends it; skipped ones neither end nor extend it.
    """
    rows = (
        FollowUp.objects.filter(candidate=candidate, kind=Kind.THANK_YOU)
        .exclude(status=Status.CANCELLED)
        .annotate(settled_at=SETTLED_AT)
    )
    last_miss = rows.filter(late(now)).order_by("-settled_at").values("settled_at")[:1]
    since = Coalesce(Subquery(last_miss), Value(LONG_AGO))
    return rows.aggregate(n=Count("pk", filter=ON_TIME & Q(settled_at__gt=since)))["n"]


@dataclass
class GoalStanding:
    goal: str
    label: str
    this_week_on_time: int = 0
    this_week_late: int = 0
    weeks_in_a_row: int = 0

    @property
    def met_this_week(self):
        return self.this_week_on_time > 0 and self.this_week_late == 0


def goal_standing(*, candidate, now):
    """This week's standing on the candidate's weekly goal, or None without one.

    A week meets the goal when at least one covered follow-up was done on time
    in it and none was late. Weeks with nothing to do neither break nor extend
    the run: a job search has quiet weeks. This week counts once it is met.
    """
    goal = candidate.weekly_goal
    if goal not in GOAL_KINDS:
        return None
    tz = candidate.tz
    weeks = (
        FollowUp.objects.filter(candidate=candidate, kind__in=GOAL_KINDS[goal])
        .exclude(status=Status.CANCELLED)
        .annotate(settled_at=SETTLED_AT)
        .filter(settled(now), settled_at__lt=now)
        .annotate(week=TruncWeek("settled_at", tzinfo=tz))
        .values("week")
        .annotate(on_time=Count("pk", filter=ON_TIME), late=Count("pk", filter=late(now)))
        .order_by("-week")
    )
    today = now.astimezone(tz).date()
    this_monday = today - timedelta(days=today.weekday())
    standing = GoalStanding(goal=goal, label=candidate.get_weekly_goal_display())
    for row in weeks:
        is_this_week = row["week"].astimezone(tz).date() == this_monday
        if is_this_week:
            standing.this_week_on_time, standing.this_week_late = row["on_time"], row["late"]
        if row["late"]:
            break
        if row["on_time"]:
            standing.weeks_in_a_row += 1
    return standing
