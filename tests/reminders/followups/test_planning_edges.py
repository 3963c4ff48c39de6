"""Planning under the edits and timings a real candidate produces.

test_planning.py holds one test per row and rule of DOMAIN.md; these follow a
rule through the untidy sequences of real use: notes written during a break,
an interview entered hours late, a move to another time zone, a snooze past the
due time, a cap lowered mid-chain, two saves at once.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from interviews.models import Contact
from interviews.services import application_status_record
from reminders.delivery.sweep import reminders_sweep
from reminders.followups import services
from reminders.followups.board import board_for
from reminders.followups.planning import followups_plan
from reminders.models import FollowUp
from tests import factories
from tests.concurrency import run_at_once
from tests.reminders.followup_factory import followup_ids_in

from ..helpers import add_interview, berlin, check_ins, of_kind, plan, state

NEW_YORK = ZoneInfo("America/New_York")
BEFORE = berlin(2026, 3, 1, 9, 0)  # the day before the default interview
END = berlin(2026, 3, 2, 11, 0)  # when it ends


@pytest.fixture
def app(owner):
    with time_machine.travel(BEFORE, tick=False):
        yield factories.application(candidate=owner)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return reminders_sweep(now=moment)


def reminded(application):
    """The follow-ups of `application` that some reminder email carried so far."""
    ids = {pk for message in mail.outbox for pk in followup_ids_in(message)}
    return {f.kind for f in FollowUp.objects.filter(application=application, pk__in=ids)}


# Notes ------------------------------------------------------------------------------


def test_notes_saved_during_the_interview_complete_the_planned_notes_without_a_reminder(app):
    interview = add_interview(app)
    plan(app, BEFORE)  # entered ahead, as usual: the notes follow-up is planned
    saved = END - timedelta(minutes=15)
    interview.notes_saved_at = saved
    interview.save()
    plan(app, saved)

    [notes] = of_kind(app, "notes")
    assert (notes.status, notes.done_at, notes.remind_at) == ("done", saved, None)
    sweep_at(END)
    assert "notes" not in reminded(app)


def test_moving_the_interview_after_the_notes_keeps_them_done(app):
    interview = add_interview(app)
    plan(app, BEFORE)
    interview.notes_saved_at = END + timedelta(hours=1)
    interview.save()
    plan(app, END + timedelta(hours=1))
    interview.starts_at += timedelta(hours=2)
    interview.ends_at += timedelta(hours=2)
    interview.save()
    plan(app, END + timedelta(hours=1))

    [notes] = of_kind(app, "notes")
    assert (notes.status, notes.done_at) == ("done", END + timedelta(hours=1))
    assert of_kind(app, "thank_you")[0].opens_at == END + timedelta(hours=2)


# People removed and added back ------------------------------------------------------------


def test_a_person_removed_and_added_back_keeps_their_one_done_thank_you(app):
    interview = add_interview(app, people=("Dana Whitfield", "Lee Park"))
    plan(app, BEFORE)
    lee = Contact.objects.get(name="Lee Park")
    services.followup_mark_done(
        followup=of_kind(app, "thank_you", contact=lee)[0], channel="card", now=END
    )
    interview.participants.filter(contact=lee).delete()
    plan(app, END + timedelta(hours=1))
    factories.participant(interview=interview, contact=lee)
    plan(app, END + timedelta(hours=2))

    assert [(f.status, f.done_at) for f in of_kind(app, "thank_you", contact=lee)] == [
        ("done", END)
    ]


# Entered after the fact --------------------------------------------------------------


def test_an_interview_entered_hours_late_reminds_only_of_windows_still_open(app):
    add_interview(app)
    entered = END + timedelta(hours=5)  # the notes were due at 14:00, the thank-you tomorrow
    plan(app, entered)
    sweep_at(entered)

    assert reminded(app) == {"thank_you"}
    [notes] = of_kind(app, "notes")
    assert notes.status == "open" and notes.due_at < entered and notes.remind_at is None
    assert [f.kind for f in board_for(candidate=app.candidate, now=entered).overdue] == ["notes"]


# Time zones and settings ---------------------------------------------------------------


def test_moving_to_another_time_zone_re_plans_the_check_in_at_eight_there(app, owner):
    from interviews.forms import ProfileForm
    from interviews.services import candidate_profile_save

    add_interview(app)
    plan(app, BEFORE)
    data = {name: getattr(owner, name) for name in ProfileForm.Meta.fields}
    form = ProfileForm({**data, "time_zone": "America/New_York"}, instance=owner)
    assert form.is_valid(), form.errors
    candidate_profile_save(form=form, now=BEFORE)

    [check_in] = check_ins(app)
    # 14 days after Monday 2 March, 08:00 in New York (already on summer time).
    assert check_in.opens_at == datetime(2026, 3, 16, 8, 0, tzinfo=NEW_YORK)
    assert check_in.remind_at == check_in.opens_at


@pytest.mark.parametrize(
    ("promised", "opens", "due"),
    [
        # New York springs forward on Sunday 8 March 2026 …
        (date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 11)),
        # … and falls back on Sunday 1 November 2026.
        (date(2026, 10, 25), date(2026, 11, 1), date(2026, 11, 4)),
    ],
)
def test_new_york_check_ins_open_at_eight_local_in_the_daylight_saving_weeks(
    owner, promised, opens, due
):
    owner.time_zone = "America/New_York"
    owner.save()
    app = factories.application(candidate=owner)
    interview = factories.interview(
        application=app,
        starts_at=datetime(2026, 2, 20, 10, tzinfo=NEW_YORK),
        decision_promised_on=promised,
    )
    factories.participant(interview=interview, contact=factories.contact(candidate=owner))
    plan(app, datetime(2026, 2, 19, 9, tzinfo=NEW_YORK))

    [check_in] = check_ins(app)
    assert check_in.opens_at == datetime.combine(opens, time(8), tzinfo=NEW_YORK)
    assert check_in.due_at == datetime.combine(due, time(8), tzinfo=NEW_YORK)


def test_a_further_check_in_opens_at_eight_across_the_spring_change(app):
    add_interview(app, decision_promised_on=date(2026, 3, 15))
    plan(app, BEFORE)
    services.followup_mark_done(
        followup=check_ins(app)[0], channel="email", now=berlin(2026, 3, 23, 17, 0)
    )
    further = check_ins(app)[1]
    # Done on Monday 23 March; seven days later is after Berlin's change on the 29th.
    assert further.opens_at == berlin(2026, 3, 30, 8, 0)
    assert further.opens_at.astimezone(UTC).hour == 6  # summer time, UTC+2


# Snooze past the due time ---------------------------------------------------------------


def test_a_snooze_past_the_due_time_keeps_it_due_shows_it_overdue_and_reminds_once_more(app):
    add_interview(app)
    plan(app, BEFORE)
    sweep_at(END)  # the window opens: the first reminder
    thank_you = of_kind(app, "thank_you")[0]
    until = END + timedelta(days=2)  # past the 24 hours
    services.followup_snooze(followup=thank_you, until=until, now=END + timedelta(hours=1))
    plan(app, END + timedelta(hours=2))  # a re-plan keeps the snooze

    thank_you.refresh_from_db()
    assert (thank_you.due_at, thank_you.remind_at) == (END + timedelta(hours=24), until)
    overdue = board_for(candidate=app.candidate, now=until - timedelta(hours=1)).overdue
    assert thank_you in overdue
    sweep_at(until - timedelta(minutes=1))
    sent_before = len(mail.outbox)
    sweep_at(until)
    sweep_at(until + timedelta(hours=1))
    assert len(mail.outbox) == sent_before + 1
    assert followup_ids_in(mail.outbox[-1]) == [thank_you.pk]


# Outcomes ---------------------------------------------------------------------------------


def test_an_offer_keeps_the_open_thank_you_and_its_reminder(app):
    add_interview(app)
    plan(app, BEFORE)
    application_status_record(application=app, status="offer", now=END + timedelta(hours=1))
    [thank_you] = of_kind(app, "thank_you")
    assert (thank_you.status, thank_you.remind_at) == ("open", END)
    assert [f.status for f in check_ins(app)] == ["cancelled"]


def test_undoing_a_rejection_after_the_reply_was_sent_keeps_the_reply_done(app):
    add_interview(app)
    plan(app, BEFORE)
    application_status_record(application=app, status="rejected", now=berlin(2026, 3, 10, 9))
    [reply] = of_kind(app, "rejection_reply")
    services.followup_mark_done(followup=reply, channel="email", now=berlin(2026, 3, 10, 10))
    application_status_record(application=app, status="active", now=berlin(2026, 3, 10, 11))

    assert [(f.status, f.done_channel) for f in of_kind(app, "rejection_reply")] == [
        ("done", "email")
    ]
    assert [f.status for f in check_ins(app)] == ["planned"]


# The chain of check-ins --------------------------------------------------------------------


def test_lowering_the_cap_cancels_the_pending_further_check_in_and_keeps_done_ones(app, owner):
    owner.further_check_ins = 3
    owner.save()
    add_interview(app)
    plan(app, BEFORE)
    day = berlin(2026, 3, 17, 10, 0)
    for _ in range(2):
        services.followup_mark_done(followup=check_ins(app)[-1], channel="email", now=day)
        day += timedelta(days=7)
    owner.further_check_ins = 0
    owner.save()
    plan(app, day)

    chain = [(f.sequence, f.status, f.status_reason) for f in check_ins(app)]
    assert chain == [
        (1, "done", ""),
        (2, "done", ""),
        (3, "cancelled", "Beyond your limit of further check-ins."),
    ]


def test_never_more_than_five_touches_for_one_interviewer(app, owner):
    owner.further_check_ins = 3
    owner.save()
    add_interview(app)
    plan(app, BEFORE)
    services.followup_mark_done(followup=of_kind(app, "thank_you")[0], channel="card", now=END)
    day = berlin(2026, 3, 17, 10, 0)
    while pending := [f for f in check_ins(app) if f.is_pending]:
        services.followup_mark_done(followup=pending[0], channel="email", now=day)
        day += timedelta(days=7)

    touches = FollowUp.objects.filter(application=app, status="done").exclude(kind="notes")
    assert touches.count() == 5


# Concurrency -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_plans_of_one_application_create_each_follow_up_once(owner):
    app = factories.application(candidate=owner)
    interview = add_interview(app, people=("Dana Whitfield", "Lee Park", "Ana Ruiz"))
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/someone")
    planners = 4
    # Like several requests saving the same application at once.
    _, errors = run_at_once(lambda: followups_plan(application=app, now=BEFORE), count=planners)

    assert errors == []
    rows = FollowUp.objects.filter(application=app)
    # Notes, three thank-yous, three LinkedIn requests and one check-in.
    assert rows.count() == 8
    assert len({(f.kind, f.contact_id) for f in rows}) == 8
    assert of_kind(app, "notes")[0].interview == interview
    settled = state(app)
    followups_plan(application=app, now=BEFORE)
    assert state(app) == settled


# A window moved after its reminder ----------------------------------------------------------


def test_a_check_in_pushed_back_after_its_reminder_reminds_again_when_it_reopens(app):
    interview = add_interview(app)
    plan(app, BEFORE)
    sweep_at(END)  # the thank-you and the notes
    mail.outbox.clear()
    sweep_at(berlin(2026, 3, 16, 8, 0))
    assert reminded(app) == {"check_in"}
    # The next day the employer says the decision will take until the end of the month.
    interview.decision_promised_on = date(2026, 3, 31)
    interview.save()
    plan(app, berlin(2026, 3, 17, 9, 0))

    [check_in] = check_ins(app)
    reopens = berlin(2026, 4, 7, 8, 0)
    assert (check_in.status, check_in.opens_at, check_in.remind_at) == (
        "planned",
        reopens,
        reopens,
    )
    mail.outbox.clear()
    sweep_at(reopens)
    assert reminded(app) == {"check_in"}


@pytest.mark.parametrize(
    ("snoozed_until", "reminds_at"),
    [
        (berlin(2026, 3, 20, 8, 0), berlin(2026, 4, 7, 8, 0)),  # the new opening is later
        (berlin(2026, 4, 10, 8, 0), berlin(2026, 4, 10, 8, 0)),  # the snooze is later
    ],
)
def test_a_snoozed_check_in_pushed_back_reminds_at_the_later_of_opening_and_snooze(
    app, snoozed_until, reminds_at
):
    interview = add_interview(app)
    plan(app, BEFORE)
    sweep_at(berlin(2026, 3, 16, 8, 0))
    services.followup_snooze(
        followup=check_ins(app)[0], until=snoozed_until, now=berlin(2026, 3, 16, 9, 0)
    )
    interview.decision_promised_on = date(2026, 3, 31)
    interview.save()
    plan(app, berlin(2026, 3, 17, 9, 0))

    assert check_ins(app)[0].remind_at == reminds_at
