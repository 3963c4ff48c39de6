"""Drafts: the thank-you formula, later rounds, LinkedIn notes, check-ins, the rejection
reply and the notes nudge, with full notes and with nothing at all."""

import re

import pytest

from reminders.followups import drafts
from reminders.followups.drafts import DraftContext, fit_to_limit, letter_parts
from reminders.followups.guardrails import guardrails_check
from tests import factories

from ..helpers import berlin


@pytest.fixture
def setting(owner):
    app = factories.application(candidate=owner)
    interview = factories.interview(application=app, starts_at=berlin(2026, 3, 2, 10, 0))
    dana = factories.contact(candidate=owner, name="Dana Whitfield")
    person = factories.participant(interview=interview, contact=dana)
    return app, interview, person


def context(setting, **overrides):
    app, interview, person = setting
    values = {
        "candidate": app.candidate,
        "application": app,
        "interview": interview,
        "contact": person.contact,
        "participant": person,
    }
    return DraftContext(**{**values, **overrides})


def empty_profile(candidate):
    candidate.full_name = candidate.signing_name = ""
    candidate.qualifications = candidate.fit_phrase = ""
    candidate.save()


def assert_reads_well(text):
    """No empty placeholder, dangling 'and', 'Dear ,' or doubled punctuation."""
    assert "Dear ," not in text and "Hi ," not in text
    assert "{" not in text and "None" not in text
    assert not re.search(r"\band\s*[.,;:]", text)
    assert not re.search(r"\s[.,;:]", text)
    assert ".." not in text and "  " not in text


# The thank-you formula ---------------------------------------------------------------


def test_a_thank_you_follows_the_formula(setting):
    app, interview, person = setting
    interview.qualifications_matched = "SQL\nAirflow\nmentoring analysts\nextra"
    interview.fit = "your focus on open data"
    interview.save()
    person.correction = "The migration I mentioned took two months, not two weeks."
    draft = drafts.thank_you(context(setting))
    greeting, message, sign_off, signature = letter_parts(draft.body)
    assert greeting == "Dear Dana,"
    assert "Monday 2 March" in message and "Data Engineer role at Northwind" in message
    assert "SQL, Airflow and mentoring analysts" in message and "extra" not in message
    assert "your focus on open data" in message
    assert message.endswith("two months, not two weeks.")
    assert (sign_off, signature) == ("Kind regards,", "Sam")
    assert_reads_well(draft.body)
    assert guardrails_check(kind="thank_you", text=draft.body, linkedin_limit=200).warnings == []


def test_a_thank_you_falls_back_to_the_profile_qualifications(setting):
    draft = drafts.thank_you(context(setting))
    assert "building data pipelines, leading small teams and clear writing" in draft.body
    assert "making data useful to people who are not analysts" in draft.body


def test_the_interview_wide_correction_applies_unless_the_person_has_their_own(setting):
    app, interview, person = setting
    interview.correction = "I meant Python 3.12, not 3.2."
    assert "I meant Python 3.12, not 3.2." in drafts.thank_you(context(setting)).body
    person.correction = "Our Q3 figure was 12%, not 20%"
    body = drafts.thank_you(context(setting)).body
    assert "Our Q3 figure was 12%, not 20%." in body and "3.2" not in body


def test_a_thank_you_with_empty_notes_and_profile_still_reads_well(setting):
    app, interview, person = setting
    empty_profile(app.candidate)
    body = drafts.thank_you(context(setting)).body
    greeting, message, sign_off, signature = letter_parts(body)
    assert greeting == "Dear Dana,"
    assert message.count(".") >= 2  # a thanks and a warm closing sentence, no gaps
    assert (sign_off, signature) == ("Kind regards,", "")
    assert_reads_well(body)


def test_a_thank_you_without_a_name_greets_without_a_gap(setting):
    body = drafts.thank_you(context(setting, contact=None, participant=None)).body
    assert body.startswith("Hello,")
    assert_reads_well(body)


def test_later_rounds_get_a_shorter_thank_you(setting):
    app, interview, person = setting
    interview.qualifications_matched = "SQL\nAirflow\nmentoring"
    interview.fit = "your focus on open data"
    first = drafts.thank_you(context(setting)).body
    interview.round = "final"
    final = drafts.thank_you(context(setting)).body
    assert len(final.split()) < len(first.split())
    assert "final round" in final and "SQL and Airflow" in final
    assert_reads_well(final)


def test_what_was_discussed_with_that_person_varies_the_thanks(setting):
    app, interview, person = setting
    person.discussed = "The new streaming platform."
    body = drafts.thank_you(context(setting)).body
    assert "our talk about the new streaming platform." in body


# letter_parts ---------------------------------------------------------------------------


def test_letter_parts_splits_a_thank_you_for_the_card():
    text = "Dear Dana,\n\nThank you.\n\nIt was great.\n\nBest wishes,\nSam Okafor\n"
    assert letter_parts(text) == (
        "Dear Dana,",
        "Thank you.\n\nIt was great.",
        "Best wishes,",
        "Sam Okafor",
    )


def test_letter_parts_keeps_unrecognised_lines_in_the_message():
    text = "Dana – thanks so much for Monday.\nTalk soon\nSam"
    assert letter_parts(text) == ("", text, "", "")


def test_letter_parts_takes_a_lone_sign_off_with_no_signature():
    assert letter_parts("Hi Dana,\r\nThanks again.\r\nWarm regards,") == (
        "Hi Dana,",
        "Thanks again.",
        "Warm regards,",
        "",
    )


def test_letter_parts_of_an_empty_text_is_empty():
    assert letter_parts("") == ("", "", "", "")


# LinkedIn -------------------------------------------------------------------------------


def test_a_linkedin_note_names_the_common_ground_within_the_limit(setting):
    app, interview, person = setting
    person.common_ground = "We both play ice hockey."
    note = drafts.linkedin_note(context(setting)).body
    assert note.startswith("Hi Dana,")
    assert "I enjoyed finding out that we both play ice hockey." in note
    assert len(note) <= 200


def test_a_long_linkedin_note_drops_the_least_personal_parts_first(setting):
    app, interview, person = setting
    app.role = "Senior Staff Data Platform Engineer, Streaming and Batch Infrastructure"
    person.common_ground = "a shared love of knitting complicated fair-isle sweaters in winter"
    note = drafts.linkedin_note(context(setting)).body
    assert len(note) <= 200
    assert "fair-isle sweaters in winter." in note
    assert_reads_well(note)


def test_a_linkedin_note_respects_the_premium_limit(setting):
    app, interview, person = setting
    app.candidate.linkedin_note_limit = 300
    person.common_ground = "a shared love of knitting complicated fair-isle sweaters in winter"
    note = drafts.linkedin_note(context(setting)).body
    assert 200 < len(note) <= 300 or "stay connected" in note


def test_fit_to_limit_cuts_at_a_phrase_boundary():
    text = "I enjoyed our chat about hockey, knitting, sourdough baking and long-distance cycling"
    cut = fit_to_limit(text, 50)
    assert len(cut) <= 50 and cut.endswith("…") and not cut.endswith(",…")
    assert cut == "I enjoyed our chat about hockey, knitting…"


# Words that leave a cut phrase hanging: "… on the Baltic coast and…".
DANGLING = {"and", "or", "but", "the", "a", "an", "of", "on", "in", "at", "to", "for", "with"}


@pytest.mark.parametrize("limit", range(60, 140))
def test_a_cut_note_never_ends_on_a_dangling_and_or_the(limit):
    text = (
        "Hi Dana, I enjoyed finding out that we both restore old wooden boats on the Baltic "
        "coast and sail them in the autumn with our families and a dog"
    )
    cut = fit_to_limit(text, limit)
    assert len(cut) <= limit
    last_word = cut.rstrip("…").split()[-1].strip(",;:").lower()
    assert last_word not in DANGLING, cut


@pytest.mark.parametrize("limit", [200, 300])
def test_a_long_name_and_the_longest_common_ground_still_fit_the_limit(setting, limit):
    app, interview, person = setting
    app.candidate.linkedin_note_limit = limit
    person.contact.name = "Bartholomew-Maximilian Featherstonehaugh-Ravensworth"
    ground = "we both spend our weekends restoring old wooden sailing boats on the Baltic coast"
    person.common_ground = (ground + " and ") * 3
    person.common_ground = person.common_ground[:200].rsplit(" ", 1)[0]
    note = drafts.linkedin_note(context(setting)).body
    assert len(note) <= limit
    assert note.startswith("Hi Bartholomew-Maximilian,")
    assert_reads_well(note)
    assert note.rstrip("…").split()[-1].strip(".,").lower() not in DANGLING


def test_fit_to_limit_prefers_a_whole_sentence():
    text = "Thank you for Monday. I enjoyed our chat about hockey and knitting very much."
    assert fit_to_limit(text, 40) == "Thank you for Monday."


# Check-ins, rejection reply, notes -------------------------------------------------------


def test_a_check_in_says_still_interested_offers_help_and_demands_nothing(setting):
    body = drafts.check_in(context(setting, participant=None)).body
    assert "still very interested" in body or "interest in the Data Engineer role" in body
    assert "happy to answer" in body
    assert "no need to reply" in body.lower()
    assert "?" not in body  # no question that asks for a decision
    assert_reads_well(body)


def test_further_check_ins_are_shorter_still(setting):
    first = drafts.check_in(context(setting, participant=None)).body
    second = drafts.check_in(context(setting, participant=None, position=1)).body
    third = drafts.check_in(context(setting, participant=None, position=2)).body
    assert len(second) < len(first) and len(third) < len(first)
    assert second != third


def test_phone_check_ins_are_talking_points(setting):
    draft = drafts.check_in(context(setting, participant=None, channel="phone"))
    lines = draft.body.splitlines()
    assert 3 <= len(lines) <= 6 and all(line.startswith("- ") for line in lines)
    assert "Sam Okafor" in draft.body and "do not press for a decision" in draft.body


def test_a_check_in_with_an_empty_profile_still_reads_well(setting):
    empty_profile(setting[0].candidate)
    for channel in ("email", "phone"):
        body = drafts.check_in(context(setting, channel=channel, participant=None)).body
        assert_reads_well(body)


def test_the_rejection_reply_thanks_keeps_the_resume_on_file_and_never_asks_why(setting):
    body = drafts.rejection_reply(context(setting, participant=None)).body
    assert body.startswith("Dear Dana,")
    assert "Thank you" in body and "résumé on file" in body and "advice" in body
    assert "why" not in body.lower() and "disagree" not in body.lower()
    assert_reads_well(body)


def test_the_notes_nudge_is_a_checklist_naming_the_people_met(setting):
    draft = drafts.notes_nudge(context(setting, contact=None, participant=None))
    items = [line for line in draft.body.splitlines() if line.startswith("- ")]
    assert len(items) == 6
    assert "Dana Whitfield" in items[0]
    assert any("decide" in item for item in items)
