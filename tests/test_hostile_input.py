"""Whatever is typed or pasted, a page answers with a message or a success.

Arbitrary text (unicode, NUL bytes, right-to-left marks, emoji, markup, a
megabyte) goes into every free-text field of every form, the card renderer
and the invitation reader. Never a server error, never markup that the page
would run, and the card renderer never fetches anything but its own assets.
"""

from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from interviews.invitations.reading import InvitationError, invitation_read
from interviews.models import Interview
from reminders.cards import fetcher as card_fetcher
from reminders.cards.renderer import (
    MAX_CARDS,
    Card,
    CardRequestInvalid,
    CardTooLong,
    cards_render,
)
from reminders.models import FollowUp
from tests import factories
from tests.reminders.helpers import berlin, of_kind, plan

# Markup that must reach the page escaped; long enough never to occur by chance.
PAYLOADS = (
    "<script>alert('followup-xss')</script>",
    "<img src=http://example.invalid/x.png onerror=alert(1)>",
    '"><svg onload=alert("followup")>',
)
ODD = ("\x00", "\u202e", "\u200f", "👩🏽‍💼", "Zoë Ø'Brien", "\r\n", "\ufeff", "𝔘𝔫𝔦")
MEGABYTE = "ä" * 500_000 + "<script>alert('followup-xss')</script>"

hostile = st.builds(
    lambda before, odd, payload, after: before + odd + payload + after,
    st.text(max_size=40),
    st.sampled_from(("", *ODD)),
    st.sampled_from(("", *PAYLOADS)),
    st.text(max_size=40),
)


def assert_answered(response, text):
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 200:
        content = response.content.decode()
        for payload in PAYLOADS:
            if payload in text:
                assert payload not in content, "markup reached the page unescaped"


@pytest.fixture
def world(owner):
    app = factories.application(candidate=owner)
    interview = factories.interview(application=app, starts_at=berlin(2026, 3, 2, 10, 0))
    dana = factories.contact(candidate=owner, name="Dana Whitfield")
    factories.participant(interview=interview, contact=dana)
    plan(app, berlin(2026, 3, 2, 12, 0))
    return {
        "app": app,
        "interview": interview,
        "contact": dana,
        "thank_you": of_kind(app, FollowUp.Kind.THANK_YOU)[0],
    }


@given(text=hostile)
@example(text=MEGABYTE)
def test_the_application_form(owner_client, world, text):
    # A non-empty name, so that some posts save and the saved page is checked too.
    data = {"company": "Co " + text, "role": "R " + text, "notes": text}
    data |= {"company_address": text, "applied_via": text}
    assert_answered(owner_client.post("/applications/new/", data, follow=True), text)
    assert_answered(
        owner_client.post(f"/applications/{world['app'].pk}/edit/", data, follow=True), text
    )


@given(text=hostile)
@example(text=MEGABYTE)
def test_the_contact_form(owner_client, world, text):
    data = {"name": "N " + text, "company": "Co " + text, "title": text, "phone": text}
    data |= {"postal_address": text, "preferred_channel": "email"}
    assert_answered(owner_client.post("/people/new/", data, follow=True), text)


@given(text=hostile)
@example(text=MEGABYTE)
def test_the_profile_form(owner_client, world, text):
    data = {"full_name": text, "signing_name": text, "qualifications": text}
    data |= {"fit_phrase": text, "linkedin_url": text, "time_zone": "Europe/Berlin"}
    data |= {"paper_size": "a4", "return_address": text, "thank_you_channel": "card"}
    assert_answered(owner_client.post("/profile/", data, follow=True), text)


@given(text=hostile)
def test_the_settings_form(owner_client, world, text):
    data = {"thank_you_due_hours": text, "check_in_time": text, "digest_time": text}
    data |= {"reminder_mode": text, "linkedin_note_limit": text}
    assert_answered(owner_client.post("/settings/", data, follow=True), text)


@given(text=hostile)
@example(text=MEGABYTE)
def test_the_interview_form(owner_client, world, text):
    data = {"round": "first", "starts_at": "2026-03-02T10:00", "duration_minutes": "60"}
    data |= {"format": "video", "location": text, "decision_promised_on": text}
    data |= {"people-TOTAL_FORMS": "1", "people-INITIAL_FORMS": "0", "people-0-name": text}
    url = f"/applications/{world['app'].pk}/interviews/new/"
    assert_answered(owner_client.post(url, data, follow=True), text)


@given(text=hostile)
@example(text=MEGABYTE)
def test_the_notes_form(owner_client, world, text):
    interview = world["interview"]
    data = {"summary": text, "qualifications_matched": text, "fit": text}
    data |= {"correction": text, "contact_preferences": text}
    data |= {"people-TOTAL_FORMS": "1", "people-INITIAL_FORMS": "1"}
    data |= {"people-0-contact": str(world["contact"].pk), "people-0-discussed": text}
    data |= {"people-0-common_ground": text, "people-0-correction": text}
    data |= {"people-0-title": text, "people-0-name": text}
    response = owner_client.post(f"/interviews/{interview.pk}/notes/", data, follow=True)
    assert_answered(response, text)


def test_the_notes_form_names_the_cap_on_people(owner_client, world):
    data = {"people-TOTAL_FORMS": "13", "people-INITIAL_FORMS": "0"}
    data |= {f"people-{i}-name": f"Person {i}" for i in range(13)}
    response = owner_client.post(f"/interviews/{world['interview'].pk}/notes/", data, follow=True)
    assert response.status_code == 200
    assert "List at most 12 people." in response.content.decode()


@given(text=hostile)
@example(text=MEGABYTE)
def test_the_draft_editor(owner_client, world, text):
    followup = world["thank_you"]
    response = owner_client.post(
        f"/followups/{followup.pk}/draft/", {"subject": text, "draft": text}
    )
    assert_answered(response, text)
    page = owner_client.get(f"/followups/{followup.pk}/")
    assert_answered(page, text)


@given(text=hostile)
@example(text=MEGABYTE)
@example(text="BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:<script>alert('followup-xss')</script>")
def test_the_invitation_paste(owner_client, world, text):
    assert_answered(owner_client.post("/interviews/import/", {"text": text}, follow=True), text)


def _calendar(summary, name):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1@x\r\n"
        "DTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\n"
        f"SUMMARY:{summary}\r\nATTENDEE;CN={name}:mailto:a@example.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode("utf-8", "surrogatepass")


@given(data=st.one_of(st.binary(max_size=300), hostile.map(lambda t: _calendar(t, t))))
@example(data=b"\x00" * 1_000_000)
def test_the_invitation_reader_reads_or_says_why(data):
    try:
        invitation_read(data, tz=UTC, now=datetime(2026, 3, 1, tzinfo=UTC))
    except InvitationError as error:
        assert str(error)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the card renderer asks its sandbox for."""
    urls = []
    original = card_fetcher.CardAssetFetcher.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(card_fetcher.CardAssetFetcher, "fetch", recording)
    return urls


short_hostile = hostile.map(lambda t: t[:150])


@given(name=short_hostile, body=hostile)
@example(
    name="<img src=http://example.invalid/x.png>", body=PAYLOADS[1] + " @import url(http://x)"
)
@example(name="Zoë 👩🏽‍💼", body=MEGABYTE)
def test_the_card_renderer_fetches_only_its_own_assets(fetched, name, body):
    card = Card(
        recipient_name=name,
        greeting=f"Dear {name},",
        body=body,
        sign_off="Thanks,",
        signature=name,
        envelope_to=f"{name}\n{body[:100]}",
    )
    try:
        html = cards_render(cards=[card], as_html=True)
        pdf = cards_render(cards=[card], envelopes=True)
    except (CardRequestInvalid, CardTooLong) as error:
        assert str(error)
    else:
        assert pdf.startswith(b"%PDF")
        for payload in PAYLOADS:
            assert payload not in html
    outside = [u for u in fetched if not u.startswith(card_fetcher.ASSET_ORIGIN + "static/")]
    assert outside == []


# Limits, each with a message that names it -------------------------------------------


def test_a_card_request_names_its_cap():
    card = Card(
        recipient_name="Dana",
        greeting="Dear Dana,",
        body="Thanks.",
        sign_off="Best,",
        signature="Sam",
    )
    with pytest.raises(CardRequestInvalid, match=f"{MAX_CARDS} cards"):
        cards_render(cards=[card] * (MAX_CARDS + 1), as_html=True)


@pytest.mark.parametrize("field", ["summary", "fit", "correction", "contact_preferences"])
def test_a_notes_field_over_its_limit_says_the_limit(owner_client, world, field):
    limit = Interview._meta.get_field(field).max_length
    data = {"people-TOTAL_FORMS": "0", "people-INITIAL_FORMS": "0", field: "x" * (limit + 1)}
    response = owner_client.post(f"/interviews/{world['interview'].pk}/notes/", data)
    assert response.status_code == 200
    assert f"at most {limit} characters" in response.content.decode()
