"""The post-interview notes form: saving, validation that keeps what was typed, no half saves."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from interviews.models import Contact, Participant
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def interview(owner):
    app = factories.application(candidate=owner, company="Northwind")
    return factories.interview(
        application=app, starts_at=datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
    )


def notes_data(**overrides):
    data = {
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "12",
        "people-0-name": "Dana Whitfield",
        "people-0-email": "dana@northwind.example",
        "people-0-preferred_channel": "email",
        "people-0-common_ground": "we both coach youth hockey",
        "people-1-name": "Lee Park",
        "people-1-preferred_channel": "phone",
        "people-1-correction": "I meant to say the migration cut run time by 40%.",
        "summary": "Their data platform and on-call.",
        "qualifications_matched": "building data pipelines\nleading small teams",
        "fit": "their focus on tools analysts enjoy",
        "correction": "",
        "decision_promised_on": "2026-03-09",
        "contact_preferences": "Dana prefers email",
    }
    data.update(overrides)
    return data


def post_notes(client, interview, **overrides):
    return client.post(f"/interviews/{interview.pk}/notes/", notes_data(**overrides))


def test_it_saves_notes_people_and_marks_the_notes_done(owner_client, interview):
    response = post_notes(owner_client, interview)
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.notes_saved_at is not None
    assert interview.decision_promised_on.isoformat() == "2026-03-09"
    people = {p.contact.name: p for p in interview.participants.select_related("contact")}
    assert set(people) == {"Dana Whitfield", "Lee Park"}
    assert people["Dana Whitfield"].common_ground == "we both coach youth hockey"
    assert people["Dana Whitfield"].contact.preferred_channel == "email"
    assert people["Lee Park"].contact.preferred_channel == "phone"
    assert people["Dana Whitfield"].contact.company == "Northwind"


def test_it_reuses_a_known_contact_picked_from_the_list(owner, owner_client, interview):
    dana = factories.contact(candidate=owner, name="Dana Whitfield", company="Northwind")
    post_notes(
        owner_client,
        interview,
        **{"people-0-name": "", "people-0-contact": str(dana.pk)},
    )
    assert Contact.objects.filter(candidate=owner, name="Dana Whitfield").count() == 1
    assert interview.participants.filter(contact=dana).exists()


def test_picking_a_known_person_keeps_how_they_like_to_be_reached(owner, owner_client, interview):
    lee = factories.contact(
        candidate=owner, name="Lee Park", company="Northwind", preferred_channel="phone"
    )
    # The row's channel select arrives at its default, "not known yet".
    post_notes(
        owner_client,
        interview,
        **{
            "people-1-name": "",
            "people-1-contact": str(lee.pk),
            "people-1-preferred_channel": "unknown",
        },
    )
    lee.refresh_from_db()
    assert interview.participants.filter(contact=lee).exists()
    assert lee.preferred_channel == "phone"


def test_the_first_save_time_is_kept_on_later_edits(owner_client, interview):
    post_notes(owner_client, interview)
    interview.refresh_from_db()
    first = interview.notes_saved_at
    post_notes(owner_client, interview, summary="Edited later")
    interview.refresh_from_db()
    assert interview.notes_saved_at == first
    assert interview.summary == "Edited later"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decision_promised_on": "2026-03-01"}, "cannot be before the interview"),
        ({"people-0-email": "not-an-email"}, "Enter a valid email address."),
        ({"people-0-linkedin_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"fit": "x" * 301}, "Ensure this value has at most 300 characters"),
        ({"people-1-name": "dana  whitfield"}, "The same person is listed twice."),
        ({"decision_promised_on": "next tuesday"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    owner_client, interview, overrides, message
):
    response = post_notes(owner_client, interview, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    # What the candidate typed is still in the form.
    assert "we both coach youth hockey" in response.content.decode()
    interview.refresh_from_db()
    assert interview.notes_saved_at is None
    assert interview.summary == ""
    assert not Participant.objects.filter(interview=interview).exists()
    assert not Contact.objects.filter(name="Lee Park").exists()


def test_a_known_contact_listed_again_by_name_is_the_same_person(owner, owner_client, interview):
    dana = factories.contact(candidate=owner, name="Dana Whitfield", company="Northwind")
    response = post_notes(
        owner_client,
        interview,
        **{"people-1-name": "", "people-1-contact": str(dana.pk)},
    )
    assert "The same person is listed twice." in response.content.decode()


def test_removing_a_person_on_the_form_drops_them_from_the_interview(owner_client, interview):
    post_notes(owner_client, interview)
    kept = interview.participants.get(contact__name="Dana Whitfield")
    gone = interview.participants.get(contact__name="Lee Park")
    data = notes_data(
        **{
            "people-TOTAL_FORMS": "2",
            "people-INITIAL_FORMS": "2",
            "people-0-name": "",
            "people-0-contact": str(kept.contact_id),
            "people-1-name": "",
            "people-1-contact": str(gone.contact_id),
            "people-1-DELETE": "on",
        }
    )
    owner_client.post(f"/interviews/{interview.pk}/notes/", data)
    assert list(interview.participants.values_list("contact__name", flat=True)) == [
        "Dana Whitfield"
    ]


def test_markup_in_notes_is_shown_as_text(owner_client, interview):
    post_notes(owner_client, interview, summary="<script>alert('x')</script>")
    page = owner_client.get(f"/interviews/{interview.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_the_form_is_reached_from_the_dashboard_when_notes_are_waiting(owner_client, interview):
    page = owner_client.get("/").content.decode()
    assert f"/interviews/{interview.pk}/notes/" in page


def test_saving_the_notes_again_unchanged_keeps_everyone(owner_client, interview):
    post_notes(owner_client, interview)
    page = owner_client.get(f"/interviews/{interview.pk}/notes/")
    # Post back exactly what the page shows for the people already listed.
    form = page.context["people"]
    data = notes_data()
    data["people-TOTAL_FORMS"] = str(len(form.forms))
    data["people-INITIAL_FORMS"] = str(form.initial_form_count())
    for key in [k for k in data if k.startswith("people-") and k[7].isdigit()]:
        del data[key]
    for index, person in enumerate(form.forms):
        for name in person.fields:
            value = person[name].value()
            if value not in (None, "") and name != "DELETE":
                data[f"people-{index}-{name}"] = getattr(value, "pk", value)
    response = owner_client.post(f"/interviews/{interview.pk}/notes/", data)
    assert response.status_code == 302
    assert sorted(interview.participants.values_list("contact__name", flat=True)) == [
        "Dana Whitfield",
        "Lee Park",
    ]


def test_a_form_claiming_thousands_of_people_builds_only_the_allowed_rows(owner_client, interview):
    # A forged management form must not make the server build and render
    # a thousand rows: the formset stops at its stated maximum.
    response = post_notes(owner_client, interview, **{"people-TOTAL_FORMS": "100000"})
    assert response.status_code == 200
    assert len(response.context["people"].forms) <= 12
    assert "List at most 12 people." in response.content.decode()
    assert not Participant.objects.filter(interview=interview).exists()


def test_a_form_without_its_management_fields_is_refused_with_a_message(owner_client, interview):
    data = {k: v for k, v in notes_data().items() if not k.endswith("_FORMS")}
    response = owner_client.post(f"/interviews/{interview.pk}/notes/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was saved" in page and "arrived incomplete" in page
    interview.refresh_from_db()
    assert interview.notes_saved_at is None and interview.summary == ""


@pytest.mark.parametrize("decision", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_an_impossible_decision_date_is_refused_and_nothing_is_saved(
    owner_client, interview, decision
):
    response = post_notes(owner_client, interview, decision_promised_on=decision)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was saved" in page
    assert f'value="{decision}"' in page  # what was typed stays in the field
    interview.refresh_from_db()
    assert interview.notes_saved_at is None and interview.decision_promised_on is None
    assert not Participant.objects.filter(interview=interview).exists()
