"""The dashboard's figures: what is due, overdue and coming, and how the habit holds.

A fixed number of queries whatever the number of follow-ups: one for the
pending follow-ups (bucketed here, in the candidate's own day), and one
aggregate each for the habit figures (the streak and the weekly goal are the
habit page's, from reminders/habits).
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

COMING_UP_SHOWN = 12


@dataclass
class Board:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    coming_up: list = field(default_factory=list)
    coming_up_count: int = 0


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


def board_for(*, candidate, now):
    """The candidate's pending follow-ups, bucketed by their own calendar day."""
    tz = candidate.tz
    local_today = now.astimezone(tz).date()
    end_of_today = datetime.combine(local_today + timedelta(days=1), time(0), tzinfo=tz)
    pending = (
        FollowUp.objects.filter(candidate=candidate)
        .pending()
        .select_related("application", "interview", "contact")
        .order_by("due_at", "id")
    )
    board = Board()
    for followup in pending:
        if followup.due_at < now:
            board.overdue.append(followup)
        elif followup.due_at < end_of_today:
            board.due_today.append(followup)
        else:
            board.coming_up_count += 1
            if len(board.coming_up) < COMING_UP_SHOWN:
                board.coming_up.append(followup)
    return board


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
