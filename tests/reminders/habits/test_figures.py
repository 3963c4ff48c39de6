"""Each habit figure against data whose answer is worked out by hand.

The candidate lives in Los Angeles (UTC-7 in March), so a figure bucketed in
UTC instead of their own zone lands in the wrong week or month and fails.
"""

from datetime import date, timedelta

import pytest

from interviews.models import Application, Candidate
from reminders.habits.figures import (
    Span,
    overall,
    periods,
    reply_rates,
)
from reminders.habits.outcomes import outcomes, quiet_applications
from reminders.habits.streaks import goal_standing, thank_you_streak
from reminders.models import FollowUp
from tests import factories

from .helpers import LA, interview_ending, la, touch

Kind, Status, Channel = FollowUp.Kind, FollowUp.Status, FollowUp.Channel
NOW = la(2026, 4, 8, 12, 0)  # a Wednesday
MARCH_AND_APRIL = Span(date(2026, 3, 1), date(2026, 4, 8), LA)


@pytest.fixture
def sam(owner):
    owner.time_zone = "America/Los_Angeles"
    owner.save()
    return owner


def week_of(span_periods, monday):
    return next(p for p in span_periods if p.first == monday or p.span.first == monday)


def test_an_empty_span_has_every_week_and_month_with_nothing_in_them(sam):
    weeks = periods(candidate=sam, span=MARCH_AND_APRIL, now=NOW, scale="week")
    months = periods(candidate=sam, span=MARCH_AND_APRIL, now=NOW, scale="month")
    # 1 March is a Sunday: its week starts on 23 February but the span clips it.
    assert [w.first for w in weeks][:3] == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 9)]
    assert weeks[-1].first == date(2026, 4, 6) and weeks[-1].span.last == date(2026, 4, 8)
    assert len(weeks) == 7
    assert [(m.span.first, m.span.last) for m in months] == [
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 8)),
    ]
    assert all(p.is_empty and p.on_time_share is None for p in weeks + months)
    total = overall(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert (total.thank_yous, total.on_time_share, total.thank_you_delay) == (0, None, None)
    assert thank_you_streak(candidate=sam, now=NOW) == 0


def test_a_thank_you_done_at_2330_local_counts_for_that_local_day(sam):
    # Sunday 15 March 23:30 in Los Angeles is Monday 06:30 UTC: the week of 9 March.
    touch(sam, done=la(2026, 3, 15, 23, 30), due=la(2026, 3, 16, 9, 0))
    # Tuesday 31 March 23:30 is 1 April in UTC: still March.
    touch(sam, done=la(2026, 3, 31, 23, 30), due=la(2026, 4, 1, 9, 0))

    weeks = periods(candidate=sam, span=MARCH_AND_APRIL, now=NOW, scale="week")
    on_time = {w.first: w.thank_yous_on_time for w in weeks if w.thank_yous_on_time}
    assert on_time == {date(2026, 3, 9): 1, date(2026, 3, 30): 1}
    months = periods(candidate=sam, span=MARCH_AND_APRIL, now=NOW, scale="month")
    assert [m.thank_yous_on_time for m in months] == [2, 0]


def test_the_span_ends_at_local_midnight(sam):
    touch(sam, done=la(2026, 4, 8, 23, 30), due=la(2026, 4, 9, 9, 0))
    touch(sam, done=la(2026, 4, 9, 0, 30), due=la(2026, 4, 9, 9, 0))
    later = NOW + timedelta(days=2)
    assert overall(candidate=sam, span=MARCH_AND_APRIL, now=later).thank_yous_on_time == 1


def test_on_time_is_judged_by_each_thank_yous_own_due_time(sam):
    # Due 24 h after the interview, done after 30 h: late. Then the candidate
    # gives themselves 48 h; the next one, also done after 30 h, is on time,
    # and the first stays late.
    first = factories.application(candidate=sam, company="Northwind")
    touch(sam, application=first, due=la(2026, 3, 3, 11, 0), done=la(2026, 3, 3, 17, 0))
    sam.thank_you_due_hours = 48
    sam.save()
    second = factories.application(candidate=sam, company="Contoso")
    touch(sam, application=second, due=la(2026, 3, 12, 11, 0), done=la(2026, 3, 11, 17, 0))

    total = overall(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert (total.thank_yous_on_time, total.thank_yous_late, total.on_time_share) == (1, 1, 50)


def test_cancelled_and_skipped_follow_ups_are_never_late(sam):
    past = la(2026, 3, 10, 9, 0)
    touch(sam, due=past, status=Status.CANCELLED)
    touch(sam, due=past, status=Status.SKIPPED)
    touch(sam, due=past, kind=Kind.CHECK_IN, status=Status.CANCELLED)
    touch(sam, due=past, kind=Kind.CHECK_IN, status=Status.SKIPPED)
    touch(sam, due=past, done=past - timedelta(hours=2))

    total = overall(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert (total.thank_yous_late, total.check_ins_late, total.check_ins_on_time) == (0, 0, 0)
    # A skipped thank-you is a note not sent: in the share's total, never late.
    assert (total.thank_yous_on_time, total.thank_yous_skipped, total.on_time_share) == (1, 1, 50)
    assert thank_you_streak(candidate=sam, now=NOW) == 1


def test_an_open_follow_up_is_late_only_once_its_due_time_has_passed(sam):
    due = la(2026, 4, 8, 15, 0)
    touch(sam, due=due)
    touch(sam, due=due, kind=Kind.CHECK_IN)
    span = Span(date(2026, 4, 1), date(2026, 4, 30), LA)
    before = overall(candidate=sam, span=span, now=due - timedelta(minutes=1))
    after = overall(candidate=sam, span=span, now=due + timedelta(minutes=1))
    assert (before.thank_yous_late, before.check_ins_late) == (0, 0)
    assert (after.thank_yous_late, after.check_ins_late) == (1, 1)


def test_linkedin_requests_sent_and_check_ins_on_time_per_week(sam):
    monday = la(2026, 3, 16, 10, 0)
    touch(sam, kind=Kind.LINKEDIN, due=monday + timedelta(days=2), done=monday)
    touch(sam, kind=Kind.LINKEDIN, due=monday + timedelta(days=2), done=monday)
    touch(sam, kind=Kind.LINKEDIN, due=monday + timedelta(days=2), status=Status.SKIPPED)
    touch(sam, kind=Kind.CHECK_IN, due=monday, done=monday - timedelta(hours=1))
    touch(sam, kind=Kind.CHECK_IN, due=monday, done=monday + timedelta(days=1))
    touch(
        sam,
        kind=Kind.FURTHER_CHECK_IN,
        sequence=2,
        due=monday + timedelta(days=3),
        done=monday + timedelta(days=2),
    )

    week = week_of(
        periods(candidate=sam, span=MARCH_AND_APRIL, now=NOW, scale="week"), date(2026, 3, 16)
    )
    assert (week.linkedin_sent, week.check_ins_on_time, week.check_ins_late) == (2, 2, 1)
    assert week.thank_yous == 0


def test_the_average_delay_runs_from_the_interview_end_to_the_thank_you(sam):
    app = factories.application(candidate=sam)
    ends = la(2026, 3, 2, 11, 0)
    interview = interview_ending(app, ends)
    for hours in (2, 4):
        touch(
            sam,
            application=app,
            interview=interview,
            due=ends + timedelta(hours=24),
            done=ends + timedelta(hours=hours),
        )
    # An interview entered after the fact, its note done on a past date (noon).
    late_entry = interview_ending(app, la(2026, 3, 9, 11, 0))
    touch(
        sam,
        application=app,
        interview=late_entry,
        due=la(2026, 3, 10, 11, 0),
        done=la(2026, 3, 11, 12, 0),
    )
    weeks = periods(candidate=sam, span=MARCH_AND_APRIL, now=NOW, scale="week")
    assert week_of(weeks, date(2026, 3, 2)).thank_you_delay == timedelta(hours=3)
    assert week_of(weeks, date(2026, 3, 9)).thank_you_delay == timedelta(hours=49)
    total = overall(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert total.thank_you_delay == timedelta(hours=(2 + 4 + 49) / 3)
    assert (total.thank_yous_on_time, total.thank_yous_late) == (2, 1)


def test_a_reply_counts_for_the_last_stage_of_messages_before_it(sam):
    day = la(2026, 3, 3, 10, 0)
    # A panel: two thank-yous done together (card, email), then a reply.
    panel = factories.application(
        candidate=sam, company="Panel", employer_replied_at=day + timedelta(days=3)
    )
    touch(sam, application=panel, due=day, done=day, done_channel=Channel.CARD)
    touch(sam, application=panel, due=day, done=day, done_channel=Channel.EMAIL)
    touch(
        sam,
        application=panel,
        kind=Kind.LINKEDIN,
        due=day,
        done=day,
        done_channel=Channel.LINKEDIN,
    )
    # A thank-you, then a check-in by phone, then a reply: the check-in's.
    checked = factories.application(
        candidate=sam, company="Checked", employer_replied_at=day + timedelta(days=20)
    )
    touch(sam, application=checked, due=day, done=day, done_channel=Channel.EMAIL)
    touch(
        sam,
        application=checked,
        kind=Kind.CHECK_IN,
        due=day + timedelta(days=15),
        done=day + timedelta(days=14),
        done_channel=Channel.PHONE,
    )
    # No reply at all.
    silent = factories.application(candidate=sam, company="Silent")
    touch(sam, application=silent, due=day, done=day, done_channel=Channel.EMAIL)
    # A reply before the thank-you was sent is not the thank-you's.
    early = factories.application(
        candidate=sam, company="Early", employer_replied_at=day - timedelta(hours=1)
    )
    touch(sam, application=early, due=day, done=day, done_channel=Channel.CARD)

    by_kind, by_channel = reply_rates(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert [(r.label, r.done, r.replied, r.rate) for r in by_kind] == [
        ("Thank-you", 5, 2, 40),
        ("LinkedIn request", 1, 1, 100),
        ("First check-in", 1, 1, 100),
    ]
    assert [(r.label, r.done, r.replied) for r in by_channel] == [
        ("Printed card", 2, 1),
        ("Email", 3, 1),
        ("LinkedIn", 1, 1),
        ("Phone call", 1, 1),
    ]
    total = overall(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert (total.messages_done, total.replied, total.reply_rate) == (7, 4, 57)


def application_with_interview(candidate, company, ends, **fields):
    app = factories.application(candidate=candidate, company=company, **fields)
    interview_ending(app, ends)
    return app


def test_outcomes_and_the_time_to_the_employers_answer(sam):
    ends = la(2026, 3, 9, 11, 0)  # after the change to summer time: days are 24 h
    days = timedelta(days=1)
    # An offer with no reply recorded first: the decision is the answer (10 days).
    application_with_interview(
        sam, "Offer", ends, status=Application.Status.OFFER, status_changed_at=ends + 10 * days
    )
    # A reply after 2 days, then a rejection: the reply is the answer.
    application_with_interview(
        sam,
        "Rejected",
        ends,
        status=Application.Status.REJECTED,
        status_changed_at=ends + 9 * days,
        employer_replied_at=ends + 2 * days,
    )
    application_with_interview(sam, "Withdrawn", ends, status=Application.Status.WITHDRAWN)
    # Active and answered after 3 days: still waiting for the decision.
    application_with_interview(sam, "Answered", ends, employer_replied_at=ends + 3 * days)
    # The last check-in done 8 days ago, none planned, no answer: went quiet.
    quiet = application_with_interview(sam, "Quiet", ends)
    touch(sam, application=quiet, kind=Kind.CHECK_IN, due=NOW - 8 * days, done=NOW - 8 * days)
    # The last check-in only 3 days ago: still waiting (the gap is 7 days).
    recent = application_with_interview(sam, "Recent", ends)
    touch(sam, application=recent, kind=Kind.CHECK_IN, due=NOW - 3 * days, done=NOW - 3 * days)
    # Another check-in planned: still waiting.
    chain = application_with_interview(sam, "Chain", ends)
    touch(sam, application=chain, kind=Kind.CHECK_IN, due=NOW - 9 * days, done=NOW - 9 * days)
    touch(sam, application=chain, kind=Kind.FURTHER_CHECK_IN, sequence=2, due=NOW + 2 * days)
    # Interviewed before the span: not counted.
    application_with_interview(
        sam, "Older", la(2026, 2, 2, 11, 0), status=Application.Status.OFFER
    )

    result = outcomes(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    assert (result.offers, result.rejections, result.withdrawn) == (1, 1, 1)
    assert (result.went_quiet, result.still_waiting, result.total) == (1, 3, 7)
    assert result.responded == 3
    assert result.response_time == timedelta(days=5)  # (10 + 2 + 3) / 3
    assert [
        a.company for a in quiet_applications(candidate=sam, span=MARCH_AND_APRIL, now=NOW)
    ] == ["Quiet"]


def test_the_answer_is_timed_from_the_interview_it_followed(sam):
    app = application_with_interview(
        sam, "Two rounds", la(2026, 3, 2, 11, 0), employer_replied_at=la(2026, 3, 12, 11, 0)
    )
    interview_ending(app, la(2026, 3, 10, 11, 0))
    interview_ending(app, la(2026, 3, 20, 11, 0))  # after the answer: not the one it followed
    assert outcomes(candidate=sam, span=MARCH_AND_APRIL, now=NOW).response_time == timedelta(
        days=2
    )


def test_the_streak_counts_on_time_thank_yous_since_the_last_late_one(sam):
    day = la(2026, 3, 2, 10, 0)
    hour = timedelta(hours=1)
    touch(sam, due=day, done=day - hour)  # on time, but before the late one
    touch(sam, due=day + 1 * hour * 24, done=day + 30 * hour)  # late
    touch(sam, due=day + 72 * hour, done=day + 70 * hour)
    touch(sam, due=day + 96 * hour, status=Status.SKIPPED)  # neither breaks nor counts
    touch(sam, due=day + 120 * hour, done=day + 119 * hour)
    touch(sam, due=day + 120 * hour, status=Status.CANCELLED)
    assert thank_you_streak(candidate=sam, now=NOW) == 2

    touch(sam, due=NOW - hour)  # overdue now: the streak is broken
    assert thank_you_streak(candidate=sam, now=NOW) == 0


def set_goal(candidate, goal):
    Candidate.objects.filter(pk=candidate.pk).update(weekly_goal=goal)
    candidate.refresh_from_db()


def test_no_goal_has_no_standing(sam):
    assert goal_standing(candidate=sam, now=NOW) is None


def test_the_weekly_goal_counts_weeks_in_a_row_and_skips_quiet_weeks(sam):
    set_goal(sam, Candidate.WeeklyGoal.THANK_YOUS_ON_TIME)
    # Weeks of 16 March (late), 23 March (on time), 30 March (nothing), 6 April (this week).
    touch(sam, due=la(2026, 3, 17, 9, 0), done=la(2026, 3, 18, 9, 0))
    touch(sam, due=la(2026, 3, 24, 9, 0), done=la(2026, 3, 23, 23, 30))
    touch(sam, due=la(2026, 3, 25, 9, 0), done=la(2026, 3, 25, 8, 0))
    # A late check-in does not touch a thank-you goal.
    touch(sam, kind=Kind.CHECK_IN, due=la(2026, 3, 24, 9, 0), done=la(2026, 3, 28, 9, 0))
    standing = goal_standing(candidate=sam, now=NOW)
    assert (standing.weeks_in_a_row, standing.met_this_week) == (1, False)

    touch(sam, due=la(2026, 4, 7, 9, 0), done=la(2026, 4, 6, 0, 15))
    standing = goal_standing(candidate=sam, now=NOW)
    assert (standing.this_week_on_time, standing.this_week_late) == (1, 0)
    assert (standing.weeks_in_a_row, standing.met_this_week) == (2, True)

    # Every follow-up on time: the late check-in of 28 March ends the run there.
    set_goal(sam, Candidate.WeeklyGoal.ALL_ON_TIME)
    assert goal_standing(candidate=sam, now=NOW).weeks_in_a_row == 1


def test_a_late_follow_up_this_week_ends_the_run_at_once(sam):
    set_goal(sam, Candidate.WeeklyGoal.THANK_YOUS_ON_TIME)
    touch(sam, due=la(2026, 3, 31, 9, 0), done=la(2026, 3, 31, 8, 0))
    touch(sam, due=la(2026, 4, 7, 9, 0))  # overdue since yesterday
    standing = goal_standing(candidate=sam, now=NOW)
    assert (standing.weeks_in_a_row, standing.this_week_late, standing.met_this_week) == (
        0,
        1,
        False,
    )


def test_another_candidates_follow_ups_count_nowhere(sam, stranger):
    touch(stranger, done=la(2026, 3, 3, 9, 0), due=la(2026, 3, 4, 9, 0))
    touch(stranger, due=la(2026, 3, 4, 9, 0))
    assert overall(candidate=sam, span=MARCH_AND_APRIL, now=NOW).is_empty
    assert thank_you_streak(candidate=sam, now=NOW) == 0
