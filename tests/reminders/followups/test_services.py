"""The candidate's actions on a follow-up: done, snooze, skip, reply, drafts, undo."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reminders.followups import services
from reminders.followups.guardrails import count_sentences, guardrails_check
from tests import factories

from ..helpers import berlin, check_ins, of_kind, plan

NOW = berlin(2026, 3, 2, 12, 0)  # an hour after the default interview ended


@pytest.fixture
def app(owner):
    with time_machine.travel(NOW, tick=False):
        app = factories.application(candidate=owner)
        interview = factories.interview(application=app)
        dana = factories.contact(
            candidate=owner, name="Dana Whitfield", linkedin_url="https://www.linkedin.com/in/d"
        )
        factories.participant(interview=interview, contact=dana)
        plan(app, NOW)
        yield app


def test_marking_done_records_date_and_channel_and_owes_no_reminder(app):
    thank_you = of_kind(app, "thank_you")[0]
    services.followup_mark_done(followup=thank_you, channel="card", now=NOW)
    thank_you.refresh_from_db()
    assert (thank_you.status, thank_you.done_at, thank_you.done_channel) == ("done", NOW, "card")
    assert thank_you.remind_at is None


def test_marking_done_on_an_earlier_day_keeps_that_day(app):
    check_in = check_ins(app)[0]
    later = berlin(2026, 3, 20, 9, 0)
    services.followup_mark_done(
        followup=check_in, channel="email", done_on=date(2026, 3, 17), now=later
    )
    further = check_ins(app)[1]
    assert further.opens_at == berlin(2026, 3, 24, 8, 0)


def test_a_done_date_in_the_future_is_refused(app):
    with pytest.raises(ValidationError):
        services.followup_mark_done(
            followup=of_kind(app, "thank_you")[0],
            channel="email",
            done_on=date(2026, 3, 9),
            now=NOW,
        )


def test_a_closed_follow_up_cannot_be_acted_on_again(app):
    thank_you = of_kind(app, "thank_you")[0]
    services.followup_skip(followup=thank_you, now=NOW)
    for action in (
        lambda: services.followup_skip(followup=thank_you, now=NOW),
        lambda: services.followup_mark_done(followup=thank_you, channel="email", now=NOW),
        lambda: services.followup_snooze(followup=thank_you, until=NOW + timedelta(1), now=NOW),
    ):
        with pytest.raises(ValidationError):
            action()


def test_snoozing_moves_the_next_reminder_but_never_the_due_time(app):
    thank_you = of_kind(app, "thank_you")[0]
    due = thank_you.due_at
    until = services.snooze_until(candidate=app.candidate, choice="day", now=NOW)
    assert until == berlin(2026, 3, 3, 12, 0)
    services.followup_snooze(followup=thank_you, until=until, now=NOW)
    thank_you.refresh_from_db()
    assert (thank_you.snoozed_until, thank_you.remind_at, thank_you.due_at) == (until, until, due)


def test_snooze_choices_are_calendar_days_or_a_chosen_morning(app):
    candidate = app.candidate
    three = services.snooze_until(candidate=candidate, choice="three_days", now=NOW)
    chosen = services.snooze_until(candidate=candidate, choice="date", day=date(2026, 4, 1))
    assert three == berlin(2026, 3, 5, 12, 0)
    assert chosen == berlin(2026, 4, 1, 8, 0)
    with pytest.raises(ValidationError):
        services.followup_snooze(followup=of_kind(app, "notes")[0], until=NOW, now=NOW)


def test_undo_restores_a_done_check_in_and_cancels_the_one_it_planned(app):
    check_in = check_ins(app)[0]
    services.followup_mark_done(followup=check_in, channel="email", now=berlin(2026, 3, 17, 9))
    assert len(check_ins(app)) == 2
    services.followup_undo(followup=check_ins(app)[0], now=berlin(2026, 3, 17, 9, 1))
    first, further = check_ins(app)
    assert (first.status, first.done_at, first.remind_at) == ("open", None, first.opens_at)
    assert (further.status, further.status_reason) == (
        "cancelled",
        "Waits until the check-in before it is done.",
    )
    assert first.undo_state is None


def test_undoing_a_skip_revives_the_chain(app):
    check_in = check_ins(app)[0]
    services.followup_skip(followup=check_in, now=NOW)
    services.followup_undo(followup=check_in, now=NOW)
    assert [f.status for f in check_ins(app)] == ["planned"]


def test_undoing_a_snooze_restores_the_reminder(app):
    thank_you = of_kind(app, "thank_you")[0]
    before = thank_you.remind_at
    services.followup_snooze(followup=thank_you, until=NOW + timedelta(days=1), now=NOW)
    services.followup_undo(followup=thank_you, now=NOW)
    thank_you.refresh_from_db()
    assert (thank_you.snoozed_until, thank_you.remind_at) == (None, before)


def test_they_replied_stops_check_ins_and_undo_takes_it_back(app):
    check_in = check_ins(app)[0]
    services.followup_reply_record(followup=check_in, now=NOW)
    app.refresh_from_db()
    assert app.employer_replied_at == NOW
    assert check_ins(app)[0].status == "cancelled"
    services.followup_undo(followup=check_ins(app)[0], now=NOW)
    app.refresh_from_db()
    assert app.employer_replied_at is None
    assert check_ins(app)[0].status == "planned"


def test_nothing_to_undo_says_so(app):
    with pytest.raises(ValidationError, match="nothing to undo"):
        services.followup_undo(followup=of_kind(app, "thank_you")[0], now=NOW)


# Drafts and guardrails --------------------------------------------------------------------


def test_an_edited_draft_is_kept_and_an_undo_restores_the_suggestion(app):
    thank_you = of_kind(app, "thank_you")[0]
    suggestion = thank_you.draft
    warnings = services.followup_draft_save(
        followup=thank_you, subject="Thanks", draft="Dear Dana,\r\n\r\nThank you!\r\n"
    )
    assert warnings == []
    thank_you.refresh_from_db()
    assert (thank_you.draft, thank_you.draft_edited) == ("Dear Dana,\n\nThank you!", True)
    services.followup_undo(followup=thank_you, now=NOW)
    thank_you.refresh_from_db()
    assert (thank_you.draft, thank_you.draft_edited) == (suggestion, False)


def test_resetting_a_draft_writes_the_suggestion_afresh(app):
    thank_you = of_kind(app, "thank_you")[0]
    suggestion = thank_you.draft
    services.followup_draft_save(followup=thank_you, subject="x", draft="Mine.")
    services.followup_draft_reset(followup=thank_you, now=NOW)
    thank_you.refresh_from_db()
    assert (thank_you.draft, thank_you.draft_edited) == (suggestion, False)


def test_the_linkedin_hard_limit_refuses_the_save(app):
    request = of_kind(app, "linkedin")[0]
    with pytest.raises(ValidationError, match="LinkedIn allows 200 characters"):
        services.followup_draft_save(followup=request, subject="", draft="x" * 201)
    request.refresh_from_db()
    assert not request.draft_edited
    services.followup_draft_save(followup=request, subject="", draft="x" * 200)


def test_the_premium_limit_allows_three_hundred_characters(app):
    app.candidate.linkedin_note_limit = 300
    app.candidate.save()
    request = of_kind(app, "linkedin")[0]
    request.candidate.refresh_from_db()
    services.followup_draft_save(followup=request, subject="", draft="x" * 300)


def test_a_long_thank_you_saves_with_a_warning(app):
    thank_you = of_kind(app, "thank_you")[0]
    long_text = "Dear Dana,\n\n" + "It was a great talk. " * 6 + "\n\nKind regards,\nSam"
    warnings = services.followup_draft_save(followup=thank_you, subject="", draft=long_text)
    assert len(warnings) == 1 and "6 sentences" in warnings[0]


def test_guardrails_count_the_message_of_a_thank_you_only():
    report = guardrails_check(
        kind="thank_you",
        text="Dear Dana,\n\nThank you for Monday. It was great!\n\nKind regards,\nSam",
        linkedin_limit=200,
    )
    assert (report.sentences, report.words) == (2, 7)
    assert count_sentences("One. Two? Three") == 3


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("I am so sorry I spilled the water.", "apologises"),
        ("Please forgive my nerves.", "apologises"),
        ("First we talked about SQL, then you asked about Spark.", "step by step"),
        ("In my previous role I led a team of five.", "work history"),
    ],
)
def test_guardrails_hint_at_apologies_play_by_play_and_work_history(text, hint):
    report = guardrails_check(kind="thank_you", text=text, linkedin_limit=200)
    assert report.errors == []
    assert any(hint in warning for warning in report.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "My apologies for the mix-up: the project ran for two years.",
        "I apologise for rambling about the budget.",
        "Please excuse my confusion over the team size.",
    ],
)
def test_every_form_of_apology_in_a_correction_gets_the_hint(text):
    report = guardrails_check(kind="thank_you", text=text, linkedin_limit=200)
    assert any("apologises" in warning for warning in report.warnings)


def test_titles_and_abbreviations_do_not_count_as_sentence_ends():
    message = (
        "Thank you, Dr. Smith, for Monday. I enjoyed meeting Ms. Lee and J. Ortega too. "
        "Your tools, e.g. the lineage graph, impressed me. I fit the team well. Thanks again."
    )
    assert count_sentences(message) == 5
    report = guardrails_check(
        kind="thank_you",
        text=f"Dear Dr. Smith,\n\n{message}\n\nKind regards,\nSam",
        linkedin_limit=200,
    )
    assert report.warnings == []


@pytest.mark.parametrize(("words", "warned"), [(90, False), (91, True)])
def test_a_thank_you_warns_past_ninety_words(words, warned):
    message = " ".join(["word"] * (words - 1)) + " end."
    report = guardrails_check(
        kind="thank_you", text=f"Dear Dana,\n\n{message}\n\nKind regards,\nSam", linkedin_limit=200
    )
    assert bool(report.warnings) is warned
    if warned:
        assert report.warnings[0].startswith(f"This runs to 1 sentence and {words} words.")


def test_a_done_check_in_cannot_be_undone_once_the_next_one_is_done(app):
    services.followup_mark_done(
        followup=check_ins(app)[0], channel="email", now=berlin(2026, 3, 17, 9)
    )
    services.followup_mark_done(
        followup=check_ins(app)[1], channel="email", now=berlin(2026, 3, 24, 9)
    )
    with pytest.raises(ValidationError, match="undo that one first"):
        services.followup_undo(followup=check_ins(app)[0], now=berlin(2026, 3, 25, 9))
    assert [f.status for f in check_ins(app)] == ["done", "done"]


def test_undoing_a_snooze_on_a_follow_up_cancelled_since_owes_no_reminder(app):
    from interviews.services import application_status_record

    check_in = check_ins(app)[0]
    services.followup_snooze(followup=check_in, until=berlin(2026, 3, 20, 8), now=NOW)
    application_status_record(application=app, status="offer", now=NOW)
    check_in.refresh_from_db()
    services.followup_undo(followup=check_in, now=NOW)
    check_in.refresh_from_db()
    assert (check_in.status, check_in.remind_at) == ("cancelled", None)
