"""Planning: every row and rule of DOMAIN.md, with time frozen in Europe/Berlin.

The default interview (tests/factories.py) is Monday 2 March 2026, 10:00–11:00
Berlin time (CET, UTC+1).
"""

from datetime import UTC, date, timedelta

import pytest
import time_machine

from interviews.models import Application, Contact
from interviews.services import (
    application_reply_record,
    application_status_record,
    candidate_profile_save,
)
from reminders.followups import services
from reminders.models import FollowUp
from tests import factories

from ..helpers import BERLIN, add_interview, berlin, check_ins, of_kind, plan, state

BEFORE = berlin(2026, 3, 1, 9, 0)  # the day before the interview
END = berlin(2026, 3, 2, 11, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app(owner, frozen):
    return factories.application(candidate=owner)


def done(followup, on, channel="email"):
    return services.followup_mark_done(
        followup=followup, channel=channel, done_on=on.date(), now=on
    )


# The rows of the table -------------------------------------------------------------


def test_a_panel_of_three_gives_three_thank_yous(app):
    add_interview(app, people=("Dana Whitfield", "Lee Park", "Ana Ruiz"), round="panel")
    plan(app, BEFORE)
    thank_yous = of_kind(app, "thank_you")
    assert sorted(f.contact.name for f in thank_yous) == ["Ana Ruiz", "Dana Whitfield", "Lee Park"]
    assert {f.opens_at for f in thank_yous} == {END}
    assert {f.due_at for f in thank_yous} == {END + timedelta(hours=24)}


def test_the_notes_follow_up_opens_at_the_end_and_is_due_three_hours_later(app):
    add_interview(app)
    plan(app, BEFORE)
    [notes] = of_kind(app, "notes")
    assert (notes.opens_at, notes.due_at) == (END, END + timedelta(hours=3))
    assert notes.remind_at == END


def test_the_first_notes_save_after_the_interview_completes_the_notes_follow_up(app):
    interview = add_interview(app)
    plan(app, BEFORE)
    interview.notes_saved_at = END + timedelta(hours=1)
    interview.save()
    plan(app, END + timedelta(hours=1))
    [notes] = of_kind(app, "notes")
    assert (notes.status, notes.done_at, notes.remind_at) == (
        "done",
        END + timedelta(hours=1),
        None,
    )


def test_notes_saved_before_the_interview_ended_leave_no_notes_follow_up(app):
    interview = add_interview(app)
    interview.notes_saved_at = END - timedelta(minutes=10)
    interview.save()
    plan(app, END - timedelta(minutes=10))
    assert of_kind(app, "notes") == []


def test_a_linkedin_request_is_planned_for_each_interviewer_with_a_profile(app):
    interview = add_interview(app, people=("Dana Whitfield", "Lee Park"))
    Contact.objects.filter(name="Dana Whitfield").update(
        linkedin_url="https://www.linkedin.com/in/dana"
    )
    plan(app, BEFORE)
    [request] = of_kind(app, "linkedin")
    assert request.contact.name == "Dana Whitfield"
    assert request.interview == interview
    # Two calendar days at the same wall-clock time.
    assert (request.opens_at, request.due_at) == (END, berlin(2026, 3, 4, 11, 0))
    assert request.channel == "linkedin"


def test_the_thank_you_is_a_card_when_an_address_is_known_and_the_candidate_likes_cards(app):
    add_interview(app, people=("Dana Whitfield", "Lee Park"))
    Contact.objects.filter(name="Dana Whitfield").update(postal_address="1 Harbour Road, Kiel")
    plan(app, BEFORE)
    channels = {f.contact.name: f.channel for f in of_kind(app, "thank_you")}
    assert channels == {"Dana Whitfield": "card", "Lee Park": "email"}


def test_the_thank_you_is_an_email_when_the_candidate_prefers_email(app, owner):
    add_interview(app)
    Contact.objects.update(postal_address="1 Harbour Road, Kiel")
    owner.thank_you_channel = "email"
    owner.save()
    plan(app, BEFORE)
    assert of_kind(app, "thank_you")[0].channel == "email"


def test_a_promised_decision_gives_a_check_in_at_eight_on_the_seventh_day_after_it(app):
    add_interview(app, decision_promised_on=date(2026, 3, 9))
    plan(app, BEFORE)
    [check_in] = check_ins(app)
    assert check_in.kind == "check_in"
    assert check_in.sequence == 1
    assert check_in.opens_at == berlin(2026, 3, 16, 8, 0)
    assert check_in.due_at == berlin(2026, 3, 19, 8, 0)


def test_with_no_decision_promised_the_check_in_opens_on_the_fourteenth_day_after(app):
    add_interview(app)
    plan(app, BEFORE)
    [check_in] = check_ins(app)
    assert check_in.opens_at == berlin(2026, 3, 16, 8, 0)


def test_the_check_in_goes_to_the_main_contact(app):
    add_interview(app, people=("Dana Whitfield", "Lee Park"))
    app.main_contact = Contact.objects.get(name="Lee Park")
    app.save()
    plan(app, BEFORE)
    assert check_ins(app)[0].contact.name == "Lee Park"


def test_without_a_main_contact_the_check_in_goes_to_the_only_interviewer(app):
    add_interview(app, people=("Dana Whitfield",))
    plan(app, BEFORE)
    assert check_ins(app)[0].contact.name == "Dana Whitfield"


@pytest.mark.parametrize(
    ("preferred", "channel", "opening"),
    [
        ("email", "email", "Dear Dana,"),
        ("phone", "phone", "- Introduce yourself"),
        ("linkedin", "linkedin", "Dear Dana,"),
        ("unknown", "email", "Dear Dana,"),
    ],
)
def test_the_check_in_goes_through_the_contacts_preferred_channel(
    app, preferred, channel, opening
):
    add_interview(app)
    Contact.objects.update(preferred_channel=preferred)
    plan(app, BEFORE)
    [check_in] = check_ins(app)
    assert check_in.channel == channel
    assert check_in.draft.startswith(opening)


# Further check-ins -----------------------------------------------------------------


def test_one_further_check_in_by_default_seven_days_after_the_check_in_was_done(app):
    add_interview(app)
    plan(app, BEFORE)
    done(check_ins(app)[0], on=berlin(2026, 3, 17, 15, 30))
    first, further = check_ins(app)
    assert (further.kind, further.sequence) == ("further_check_in", 2)
    assert further.opens_at == berlin(2026, 3, 24, 8, 0)
    assert further.due_at == berlin(2026, 3, 27, 8, 0)
    done(further, on=berlin(2026, 3, 24, 9, 0))
    assert len(check_ins(app)) == 2  # the default cap is one further check-in


def test_further_check_ins_go_up_to_the_cap_and_no_further(app, owner):
    owner.further_check_ins = 3
    owner.save()
    add_interview(app)
    plan(app, BEFORE)
    day = berlin(2026, 3, 17, 10, 0)
    for _ in range(4):
        done(check_ins(app)[-1], on=day)
        day += timedelta(days=7)
    chain = check_ins(app)
    assert [f.sequence for f in chain] == [1, 2, 3, 4]
    assert [f.status for f in chain] == ["done"] * 4


def test_a_cap_of_zero_means_no_further_check_in(app, owner):
    owner.further_check_ins = 0
    owner.save()
    add_interview(app)
    plan(app, BEFORE)
    done(check_ins(app)[0], on=berlin(2026, 3, 17, 10, 0))
    assert len(check_ins(app)) == 1


def test_a_skipped_check_in_ends_the_chain(app):
    add_interview(app)
    plan(app, BEFORE)
    services.followup_skip(followup=check_ins(app)[0], now=berlin(2026, 3, 17, 10, 0))
    plan(app, berlin(2026, 4, 30, 10, 0))
    assert [f.status for f in check_ins(app)] == ["skipped"]


# Outcomes and replies ----------------------------------------------------------------


def test_a_rejection_cancels_pending_check_ins_and_plans_the_reply(app):
    add_interview(app)
    app.main_contact = Contact.objects.get()
    app.save()
    plan(app, BEFORE)
    recorded = berlin(2026, 3, 10, 14, 0)
    application_status_record(application=app, status="rejected", now=recorded)
    [check_in] = check_ins(app)
    assert (check_in.status, check_in.status_reason) == ("cancelled", "A rejection was recorded.")
    assert check_in.remind_at is None
    [reply] = of_kind(app, "rejection_reply")
    assert reply.contact == app.main_contact
    assert (reply.opens_at, reply.due_at) == (recorded, berlin(2026, 3, 12, 14, 0))
    assert reply.status == "open"
    # The thank-yous are not the rejection's business.
    assert of_kind(app, "thank_you")[0].is_pending


@pytest.mark.parametrize("outcome", ["offer", "withdrawn"])
def test_an_offer_or_withdrawal_cancels_everything_pending_but_open_thank_yous(app, outcome):
    first = add_interview(app, people=("Dana Whitfield",))
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/dana")
    later = add_interview(
        app, people=("Lee Park",), round="final", starts_at=berlin(2026, 3, 20, 10, 0)
    )
    plan(app, BEFORE)
    application_status_record(application=app, status=outcome, now=berlin(2026, 3, 5, 9, 0))
    statuses = {
        (f.kind, f.interview_id): f.status for f in FollowUp.objects.filter(application=app)
    }
    assert statuses[("thank_you", first.pk)] == "open"
    assert statuses[("thank_you", later.pk)] == "cancelled"
    assert statuses[("linkedin", first.pk)] == "cancelled"
    assert statuses[("notes", first.pk)] == "cancelled"
    assert statuses[("check_in", later.pk)] == "cancelled"


def test_undoing_a_rejection_revives_the_check_ins_and_cancels_the_reply(app):
    add_interview(app)
    plan(app, BEFORE)
    original = check_ins(app)[0]
    application_status_record(application=app, status="rejected", now=berlin(2026, 3, 5, 9))
    application_status_record(application=app, status="active", now=berlin(2026, 3, 5, 9, 5))
    [check_in] = check_ins(app)
    assert check_in.pk == original.pk  # revived, not duplicated
    assert check_in.status == "planned"
    assert check_in.remind_at == check_in.opens_at
    [reply] = of_kind(app, "rejection_reply")
    assert (reply.status, reply.status_reason) == ("cancelled", "The rejection was taken back.")


def test_undoing_an_offer_revives_what_it_cancelled(app):
    add_interview(app)
    plan(app, BEFORE)
    application_status_record(application=app, status="offer", now=berlin(2026, 3, 1, 12))
    assert all(f.status == "cancelled" for f in FollowUp.objects.filter(application=app))
    application_status_record(application=app, status="active", now=berlin(2026, 3, 1, 13))
    assert all(f.status == "planned" for f in FollowUp.objects.filter(application=app))


def test_a_reply_from_the_employer_stops_the_check_ins(app):
    add_interview(app)
    plan(app, BEFORE)
    application_reply_record(application=app, replied=True, now=berlin(2026, 3, 10, 9))
    [check_in] = check_ins(app)
    assert (check_in.status, check_in.status_reason) == ("cancelled", "The employer replied.")


def test_taking_back_a_reply_re_plans_the_check_ins(app):
    add_interview(app)
    plan(app, BEFORE)
    application_reply_record(application=app, replied=True, now=berlin(2026, 3, 10, 9))
    application_reply_record(application=app, replied=False, now=berlin(2026, 3, 10, 9, 1))
    assert [f.status for f in check_ins(app)] == ["planned"]


def test_a_reply_before_the_latest_round_does_not_stop_its_check_ins(app):
    add_interview(app)
    app.employer_replied_at = berlin(2026, 2, 25, 9)  # the invitation to this interview
    app.save()
    plan(app, BEFORE)
    assert [f.status for f in check_ins(app)] == ["planned"]


# Edits to interviews and people ------------------------------------------------------


def test_editing_the_interview_moves_pending_items_keeps_done_ones_and_edited_drafts(app):
    interview = add_interview(app, people=("Dana Whitfield", "Lee Park"))
    plan(app, BEFORE)
    dana, lee = of_kind(app, "thank_you")
    done(dana, on=BEFORE)
    services.followup_draft_save(followup=lee, subject="Thanks", draft="Dear Lee,\n\nMy words.")
    notes = of_kind(app, "notes")[0]

    interview.starts_at = berlin(2026, 3, 3, 14, 0)
    interview.ends_at = berlin(2026, 3, 3, 15, 0)
    interview.save()
    plan(app, BEFORE)

    dana, lee = of_kind(app, "thank_you")
    assert dana.status == "done" and dana.due_at == END + timedelta(hours=24)
    assert lee.due_at == berlin(2026, 3, 4, 15, 0)
    assert lee.draft == "Dear Lee,\n\nMy words."
    notes.refresh_from_db()
    assert (notes.opens_at, notes.remind_at) == (
        berlin(2026, 3, 3, 15, 0),
        berlin(2026, 3, 3, 15, 0),
    )
    assert len(of_kind(app, "thank_you")) == 2


def test_drafts_the_candidate_did_not_edit_are_refreshed_from_the_notes(app):
    interview = add_interview(app)
    plan(app, BEFORE)
    interview.fit = "your focus on open data"
    interview.save()
    plan(app, BEFORE)
    assert "your focus on open data" in of_kind(app, "thank_you")[0].draft


def test_removing_a_person_cancels_their_pending_items(app):
    interview = add_interview(app, people=("Dana Whitfield", "Lee Park"))
    plan(app, BEFORE)
    interview.participants.filter(contact__name="Lee Park").delete()
    plan(app, BEFORE)
    lee = of_kind(app, "thank_you", contact__name="Lee Park")[0]
    assert (lee.status, lee.status_reason) == ("cancelled", "No longer listed for this interview.")


def test_adding_a_removed_person_back_revives_their_thank_you(app):
    interview = add_interview(app, people=("Dana Whitfield", "Lee Park"))
    plan(app, BEFORE)
    lee = Contact.objects.get(name="Lee Park")
    interview.participants.filter(contact=lee).delete()
    plan(app, BEFORE)
    factories.participant(interview=interview, contact=lee)
    plan(app, BEFORE)
    [thank_you] = of_kind(app, "thank_you", contact=lee)
    assert thank_you.status == "planned"


def test_a_second_round_takes_over_the_check_ins(app):
    first = add_interview(app)
    plan(app, BEFORE)
    second = add_interview(
        app, round="second", starts_at=berlin(2026, 3, 12, 10, 0), people=("Lee Park",)
    )
    plan(app, berlin(2026, 3, 12, 12, 0))
    old, new = check_ins(app)
    assert (old.interview, old.status, old.status_reason) == (
        first,
        "cancelled",
        "A later round took over the check-ins.",
    )
    assert (new.interview, new.status, new.sequence) == (second, "planned", 1)
    assert new.opens_at == berlin(2026, 3, 26, 8, 0)
    # Later rounds get their own thank-yous.
    assert [f.interview for f in of_kind(app, "thank_you")] == [first, second]


def test_deleting_the_later_round_hands_the_check_ins_back(app):
    add_interview(app)
    plan(app, BEFORE)
    second = add_interview(app, round="second", starts_at=berlin(2026, 3, 12, 10, 0))
    plan(app, BEFORE)
    second.delete()
    plan(app, BEFORE)
    assert [f.status for f in check_ins(app)] == ["planned"]


def test_a_done_check_in_of_an_earlier_round_is_kept_when_a_new_round_takes_over(app):
    add_interview(app)
    plan(app, BEFORE)
    done(check_ins(app)[0], on=berlin(2026, 3, 17, 10, 0))
    add_interview(app, round="final", starts_at=berlin(2026, 3, 20, 10, 0))
    plan(app, berlin(2026, 3, 20, 12, 0))
    statuses = [(f.kind, f.sequence, f.status) for f in check_ins(app)]
    assert statuses == [
        ("check_in", 1, "done"),
        ("further_check_in", 2, "cancelled"),
        # A cancelled check-in frees its number for the new round's.
        ("check_in", 2, "planned"),
    ]


# Time ----------------------------------------------------------------------------------


def test_an_interview_entered_late_shows_overdue_items_and_owes_no_reminder(app):
    add_interview(app)
    entered = berlin(2026, 3, 5, 18, 0)
    with time_machine.travel(entered, tick=False):
        plan(app, entered)
        thank_you = of_kind(app, "thank_you")[0]
        notes = of_kind(app, "notes")[0]
        assert thank_you.is_overdue and notes.is_overdue
        assert (thank_you.status, thank_you.remind_at) == ("open", None)
        assert notes.remind_at is None
        # The check-in's window is still ahead: it gets its reminder.
        assert check_ins(app)[0].remind_at == berlin(2026, 3, 16, 8, 0)


def test_a_check_in_stays_at_eight_local_across_the_spring_change(app):
    # Berlin moves to summer time on Sunday 29 March 2026.
    add_interview(app, starts_at=berlin(2026, 3, 20, 10, 0))
    plan(app, BEFORE)
    [check_in] = check_ins(app)
    assert check_in.opens_at == berlin(2026, 4, 3, 8, 0)
    assert check_in.opens_at.astimezone(BERLIN).hour == 8
    assert check_in.opens_at.astimezone(UTC).hour == 6  # summer time, UTC+2


def test_a_check_in_stays_at_eight_local_across_the_autumn_change(app):
    # Berlin returns to winter time on Sunday 25 October 2026.
    add_interview(
        app, starts_at=berlin(2026, 10, 19, 10, 0), decision_promised_on=date(2026, 10, 21)
    )
    plan(app, BEFORE)
    [check_in] = check_ins(app)
    assert check_in.opens_at == berlin(2026, 10, 28, 8, 0)
    assert check_in.opens_at.astimezone(BERLIN).hour == 8
    assert check_in.opens_at.astimezone(UTC).hour == 7  # winter time, UTC+1
    # Three calendar days to do it, not 72 hours.
    assert check_in.due_at == berlin(2026, 10, 31, 8, 0)


def test_a_linkedin_request_due_across_the_change_keeps_its_wall_clock_time(app):
    add_interview(app, starts_at=berlin(2026, 3, 28, 10, 0))
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/dana")
    plan(app, BEFORE)
    [request] = of_kind(app, "linkedin")
    assert request.due_at == berlin(2026, 3, 30, 11, 0)
    assert request.due_at - request.opens_at == timedelta(hours=47)


def test_the_thank_you_counts_elapsed_hours_across_the_change(app):
    add_interview(app, starts_at=berlin(2026, 3, 28, 20, 0))
    plan(app, BEFORE)
    [thank_you] = of_kind(app, "thank_you")
    assert thank_you.due_at - thank_you.opens_at == timedelta(hours=24)
    assert thank_you.due_at == berlin(2026, 3, 29, 22, 0)


# Idempotence and remind_at -------------------------------------------------------------


def test_planning_twice_changes_nothing(app):
    add_interview(
        app, people=("Dana Whitfield", "Lee Park"), decision_promised_on=date(2026, 3, 9)
    )
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/someone")
    plan(app, BEFORE)
    done(check_ins(app)[0], on=berlin(2026, 3, 17, 10))
    application_status_record(application=app, status="rejected", now=berlin(2026, 3, 20, 9))
    before = state(app)
    plan(app, berlin(2026, 3, 20, 9))
    plan(app, berlin(2026, 3, 20, 9))
    assert state(app) == before


def test_a_snoozed_follow_up_keeps_its_snooze_when_re_planned(app):
    add_interview(app)
    plan(app, BEFORE)
    thank_you = of_kind(app, "thank_you")[0]
    until = berlin(2026, 3, 3, 9, 0)
    services.followup_snooze(followup=thank_you, until=until, now=END)
    plan(app, END)
    thank_you.refresh_from_db()
    assert (thank_you.remind_at, thank_you.due_at) == (until, END + timedelta(hours=24))


def test_a_reminded_follow_up_whose_window_is_open_is_not_reminded_again_when_re_planned(app):
    interview = add_interview(app)
    plan(app, BEFORE)
    FollowUp.objects.filter(kind="thank_you").update(remind_at=None, reminded_at=END)
    # The end time corrected after the reminder: the window moved, but it is open.
    interview.ends_at -= timedelta(minutes=30)
    interview.save()
    plan(app, END + timedelta(minutes=5))
    thank_you = of_kind(app, "thank_you")[0]
    assert thank_you.opens_at == END - timedelta(minutes=30)
    assert thank_you.remind_at is None


def test_saving_settings_re_plans_every_application(app, owner):
    from reminders.followups.forms import FollowUpSettingsForm

    add_interview(app)
    plan(app, BEFORE)
    data = {
        **{name: getattr(owner, name) for name in FollowUpSettingsForm.Meta.fields},
        "check_in_days_without_decision": 10,
        "check_in_time": "09:30",
    }
    form = FollowUpSettingsForm(data, instance=owner)
    assert form.is_valid(), form.errors
    candidate_profile_save(form=form, now=BEFORE)
    assert check_ins(app)[0].opens_at == berlin(2026, 3, 12, 9, 30)


def test_an_application_without_interviews_has_nothing_planned(app):
    assert plan(app, BEFORE) == []
    assert Application.objects.get(pk=app.pk).followups.count() == 0
