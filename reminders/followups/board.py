"""The dashboard's figures: what is due, overdue and coming, and how the habit holds.

A fixed number of queries whatever the number of follow-ups: one aggregate
counts every bucket, one short query per bucket fetches the few it lists (the
full lists are the follow-up list's, paginated), and one aggregate each for
the habit figures (the streak and the weekly goal are the habit page's, from
reminders/habits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Q

from interviews.models import Application
from reminders.habits import rules
from reminders.habits.streaks import GoalStanding, goal_standing, thank_you_streak
from reminders.models import FollowUp

Kind, Status = FollowUp.Kind, FollowUp.Status

# How many of each bucket the dashboard lists; the counts cover them all, and
# "See all" opens the rest in the follow-up list. Bounded so the page stays
# small however long a job search grows.
SHOWN = {"overdue": 8, "due_today": 10, "coming_up": 12, "awaiting_notes": 8}
COMING_UP_SHOWN = SHOWN["coming_up"]


def end_of_today(*, candidate, now):
    """Midnight ending the candidate's own calendar day, in their zone."""
    tz = candidate.tz
    local_today = now.astimezone(tz).date()
    return datetime.combine(local_today + timedelta(days=1), time(0), tzinfo=tz)


def bucket_filters(*, candidate, now):
    """Each bucket as a filter over pending follow-ups, keyed as in SHOWN.

    Overdue is past its due time, due today is before the end of the
    candidate's own day, coming up is later. The dashboard and the follow-up
    list both read these, so their counts always agree.
    """
    midnight = end_of_today(candidate=candidate, now=now)
    return {
        "overdue": Q(due_at__lt=now),
        "due_today": Q(due_at__gte=now, due_at__lt=midnight),
        "coming_up": Q(due_at__gte=midnight),
    }


@dataclass
class Board:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    coming_up: list = field(default_factory=list)
    overdue_count: int = 0
    due_today_count: int = 0
    coming_up_count: int = 0


def board_for(*, candidate, now):
    """The candidate's pending follow-ups, bucketed by their own calendar day.

    The counts are over the whole set; each list holds the most urgent few
    (earliest due first), at most SHOWN of them.
    """
    pending = FollowUp.objects.filter(candidate=candidate).pending()
    buckets = bucket_filters(candidate=candidate, now=now)
    counts = pending.aggregate(**{name: Count("pk", filter=q) for name, q in buckets.items()})
    board = Board(**{f"{name}_count": counts[name] for name in buckets})
    rows = pending.select_related("application", "interview", "contact").order_by("due_at", "id")
    for name, q in buckets.items():
        setattr(board, name, list(rows.filter(q)[: SHOWN[name]]))
    return board


@dataclass
class Habit:
    thank_yous_settled: int
    thank_yous_on_time: int
    applications: int
    replies: int
    followups_done: int
    # From the habit page's own rules, so both pages tell the same story.
    streak: int = 0
    goal: GoalStanding | None = None

    @property
    def on_time_share(self):
        """Percent of thank-yous done by their due time, or None before there are any."""
        if not self.thank_yous_settled:
            return None
        return round(100 * self.thank_yous_on_time / self.thank_yous_settled)

    @property
    def per_application(self):
        if not self.applications:
            return None
        return round(self.followups_done / self.applications, 1)


def habit_for(*, candidate, now):
    thank_you = Q(kind=Kind.THANK_YOU) & ~Q(status=Status.CANCELLED)
    # A thank-you is counted once it is settled: done, skipped, or past its due
    # time. "On time" is its own due time, which follows the candidate's setting.
    settled = thank_you & rules.settled(now)
    on_time = thank_you & rules.ON_TIME
    figures = FollowUp.objects.filter(candidate=candidate).aggregate(
        settled=Count("pk", filter=settled),
        on_time=Count("pk", filter=on_time),
        done=Count("pk", filter=Q(status=Status.DONE) & ~Q(kind=Kind.NOTES)),
    )
    applications = Application.objects.filter(candidate=candidate).aggregate(
        total=Count("pk"), replied=Count("pk", filter=Q(employer_replied_at__isnull=False))
    )
    return Habit(
        thank_yous_settled=figures["settled"],
        thank_yous_on_time=figures["on_time"],
        applications=applications["total"],
        replies=applications["replied"],
        followups_done=figures["done"],
        streak=thank_you_streak(candidate=candidate, now=now),
        goal=goal_standing(candidate=candidate, now=now),
    )
