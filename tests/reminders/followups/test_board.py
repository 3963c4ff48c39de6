"""The dashboard's figures: what is due, overdue and coming, and how the habit holds."""

from datetime import timedelta

import pytest
import time_machine

from interviews.models import Contact
from reminders.followups import services
from reminders.followups.board import board_for, habit_for
from tests import factories

from ..helpers import berlin, of_kind, plan

BEFORE = berlin(2026, 3, 1, 9, 0)
END = berlin(2026, 3, 2, 11, 0)  # the default interview ends


@pytest.fixture
def app(owner):
    with time_machine.travel(BEFORE, tick=False):
        app = factories.application(candidate=owner)
        interview = factories.interview(application=app)
        for name in ("Dana Whitfield", "Lee Park", "Ana Ruiz", "Kim Lo"):
            contact = factories.contact(candidate=owner, name=name)
            factories.participant(interview=interview, contact=contact)
        plan(app, BEFORE)
        yield app


def thank_you(app, name):
    return of_kind(app, "thank_you", contact__name=name)[0]


def test_the_on_time_share_counts_settled_thank_yous_only(app):
    services.followup_mark_done(
        followup=thank_you(app, "Dana Whitfield"), channel="card", now=END + timedelta(hours=3)
    )
    services.followup_mark_done(
        followup=thank_you(app, "Lee Park"), channel="email", now=END + timedelta(hours=30)
    )
    services.followup_skip(followup=thank_you(app, "Ana Ruiz"), now=END + timedelta(hours=4))
    # Kim leaves the interview: a cancelled thank-you is nobody's missed note.
    app.interviews.get().participants.filter(contact__name="Kim Lo").delete()
    plan(app, END + timedelta(hours=5))

    habit = habit_for(candidate=app.candidate, now=END + timedelta(hours=31))
    # Done in 3 h (on time), done in 30 h (late), skipped (not sent): one in three.
    assert (habit.thank_yous_settled, habit.thank_yous_on_time) == (3, 1)
    assert habit.on_time_share == 33


def test_an_open_thank_you_counts_only_once_its_day_has_passed(app):
    Contact.objects.exclude(name="Dana Whitfield").delete()
    plan(app, END)
    assert habit_for(candidate=app.candidate, now=END + timedelta(hours=23)).on_time_share is None
    late = habit_for(candidate=app.candidate, now=END + timedelta(hours=25))
    assert (late.thank_yous_settled, late.on_time_share) == (1, 0)


def test_on_time_follows_the_candidates_own_thank_you_window(app, owner):
    # A candidate who gives themselves two days: a note done after 30 h is on time.
    owner.thank_you_due_hours = 48
    owner.save()
    Contact.objects.exclude(name__in=("Dana Whitfield", "Lee Park")).delete()
    plan(app, END)
    services.followup_mark_done(
        followup=thank_you(app, "Dana Whitfield"), channel="card", now=END + timedelta(hours=30)
    )
    early = habit_for(candidate=owner, now=END + timedelta(hours=31))
    # Lee's note is open and not yet due: not counted either way.
    assert (early.thank_yous_settled, early.thank_yous_on_time) == (1, 1)
    late = habit_for(candidate=owner, now=END + timedelta(hours=49))
    assert (late.thank_yous_settled, late.thank_yous_on_time) == (2, 1)


def test_the_board_buckets_by_the_candidates_own_calendar_day(app, owner):
    owner.time_zone = "America/Los_Angeles"
    owner.save()
    # 23:30 in Berlin on 2 March is 14:30 in Los Angeles: the thank-yous (due
    # 11:00 Berlin on 3 March, 02:00 in Los Angeles) are due "tomorrow" there.
    board = board_for(candidate=owner, now=berlin(2026, 3, 2, 23, 30))
    assert {f.kind for f in board.overdue} == {"notes"}
    assert board.due_today == []
    assert {f.kind for f in board.coming_up} == {"thank_you", "check_in"}
    assert board.coming_up_count == 5
