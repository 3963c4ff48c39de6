"""From thank-you follow-ups to a card PDF: the cards, the options, the cache."""

import io
import re

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from reminders.cards import printing, renderer
from reminders.cards.printing import CardOptions, card_for, card_options_from, card_pdf_response
from reminders.cards.renderer import CardRequestInvalid
from reminders.models import FollowUp
from tests import factories
from tests.reminders.card_rows import panel_with_thank_yous, thank_you, thank_you_draft

MM = 72 / 25.4


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders (PDF, not the HTML estimate) behind card_pdf_response."""
    calls = []
    real = renderer.cards_render

    def counting(**kwargs):
        if not kwargs.get("as_html"):
            calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(renderer, "cards_render", counting)
    return calls


def _reader(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))


def _text(reader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _base_fonts(page) -> set[str]:
    fonts = page["/Resources"].get_object().get("/Font", {})
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}


# ---------------------------------------------------------------- cards


def test_a_card_takes_the_parts_of_the_edited_draft(owner):
    interview, (followup, _) = panel_with_thank_yous(candidate=owner)
    followup.draft = "Hi Dana,\n\nThanks so much for Monday.\nI loved the tour.\n\nBest,\nSam O."

    card = card_for(followup)

    assert card.recipient_name == "Dana Whitfield"
    assert card.greeting == "Hi Dana,"
    assert card.body == "Thanks so much for Monday.\nI loved the tour."
    assert (card.sign_off, card.signature) == ("Best,", "Sam O.")


def test_a_sign_off_without_a_name_is_signed_with_the_signing_name(owner):
    interview, (followup, _) = panel_with_thank_yous(candidate=owner)
    followup.draft = "Dear Dana,\n\nThank you for Monday.\n\nWith thanks,"

    assert card_for(followup).signature == "Sam"


def test_the_envelope_goes_to_the_persons_address_when_known(owner):
    owner.return_address = "3 Elm Row\nLeeds LS2 9JT"
    owner.save()
    interview, (followup, _) = panel_with_thank_yous(candidate=owner)
    followup.contact.postal_address = "12 Harbour Street\nBristol BS1 4QA"
    followup.application.company_address = "1 Company Way\nLondon"

    card = card_for(followup)

    assert card.envelope_to == "Dana Whitfield\n12 Harbour Street\nBristol BS1 4QA"
    assert card.return_address == "Sam Okafor\n3 Elm Row\nLeeds LS2 9JT"


def test_the_envelope_falls_back_to_the_company_address(owner):
    interview, (followup, _) = panel_with_thank_yous(candidate=owner)
    followup.application.company_address = "1 Company Way\nLondon E1 6AN"

    card = card_for(followup)

    assert card.envelope_to == "Dana Whitfield\nNorthwind\n1 Company Way\nLondon E1 6AN"
    assert card.return_address == ""  # none given: the envelope has no sender block


def test_without_envelopes_the_card_carries_no_addresses(owner):
    interview, (followup, _) = panel_with_thank_yous(candidate=owner)
    followup.contact.postal_address = "12 Harbour Street"

    card = card_for(followup, envelopes=False)

    assert (card.envelope_to, card.return_address) == ("", "")


# ---------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("paper_size", "card_format"), [("a4", "folded-a4"), ("letter", "folded-letter")]
)
def test_the_default_format_follows_the_candidates_paper_size(owner, paper_size, card_format):
    owner.paper_size = paper_size

    assert card_options_from({}, candidate=owner) == CardOptions(card_format=card_format)


def test_options_are_read_from_the_query_string(owner):
    query = {"format": "4x6", "ink": "black", "paper": "white", "ruled": "on", "envelopes": "1"}

    options = card_options_from(query, candidate=owner)

    assert options == CardOptions("4x6", "black", "white", ruled=True, envelopes=True)


@pytest.mark.parametrize(
    "query",
    [{"format": "a3"}, {"ink": "red; background:url(x)"}, {"paper": "pink"}, {"ruled": "maybe"}],
)
def test_options_outside_the_fixed_lists_are_refused(owner, query):
    with pytest.raises(CardRequestInvalid):
        card_options_from(query, candidate=owner)


# ---------------------------------------------------------------- the PDF


def test_a_panel_prints_one_page_per_interviewer_in_the_handwriting_font(owner):
    interview, followups = panel_with_thank_yous(candidate=owner)

    response = card_pdf_response(followups=followups)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="thank-you-cards-northwind.pdf"'
    )
    reader = _reader(response)
    assert len(reader.pages) == 2
    text = _text(reader)
    assert "Dear Dana," in text and "Dear Lee," in text
    assert text.count("Sam") >= 2
    for page in reader.pages:
        assert any("Card-Hand" in font for font in _base_fonts(page))


@pytest.mark.parametrize(
    ("card_format", "size_pt"),
    [
        ("a6", (105 * MM, 148 * MM)),
        ("4x6", (288, 432)),
        ("folded-a4", (210 * MM, 297 * MM)),
        ("folded-letter", (612, 792)),
    ],
)
def test_each_format_prints_at_its_page_size(owner, card_format, size_pt):
    interview, followups = panel_with_thank_yous(candidate=owner, names=("Dana Whitfield",))

    response = card_pdf_response(followups=followups, options={"format": card_format})

    page = _reader(response).pages[0]
    assert float(page.mediabox.width) == pytest.approx(size_pt[0], abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(size_pt[1], abs=0.5)


def test_envelopes_add_an_addressed_page_after_each_card(owner):
    interview, followups = panel_with_thank_yous(candidate=owner)
    followups[0].contact.postal_address = "12 Harbour Street\nBristol"
    followups[0].contact.save()

    response = card_pdf_response(followups=followups, options={"envelopes": "on"})

    reader = _reader(response)
    assert len(reader.pages) == 4
    assert "12 Harbour Street" in _text(reader)


def test_one_cards_file_is_named_after_the_person(owner):
    interview, followups = panel_with_thank_yous(candidate=owner)

    response = card_pdf_response(followups=followups[:1])

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="thank-you-card-dana-whitfield.pdf"'
    )
    assert len(_reader(response).pages) == 1


def test_markup_in_a_draft_prints_as_literal_text(owner):
    interview, followups = panel_with_thank_yous(candidate=owner, names=("Dana Whitfield",))
    hostile = '<img src="file:///etc/passwd"> </p><style>body{color:red}</style>'
    followups[0].draft = thank_you_draft("Dana", message=f"Thank you. {hostile}")
    followups[0].save()

    response = card_pdf_response(followups=followups)

    text = re.sub(r"\s+", "", _text(_reader(response)))
    assert re.sub(r"\s+", "", hostile) in text
    assert b"root:" not in response.content


@pytest.mark.parametrize("words", [260, 600])
def test_a_draft_too_long_for_the_card_says_whose_and_by_how_much(owner, words):
    interview, followups = panel_with_thank_yous(candidate=owner)
    lee = followups[1]
    lee.draft = thank_you_draft("Lee", message=" ".join(["wonderful"] * words))
    lee.save()

    response = card_pdf_response(followups=followups)

    assert response.status_code == 422
    page = response.content.decode()
    assert "Lee Park" in page
    match = re.search(r"shorten it by about (\d+) characters", page)
    assert match and int(match.group(1)) > 0
    assert f'href="/followups/{lee.pk}/"' in page


def test_a_bad_option_is_a_clear_400(owner):
    interview, followups = panel_with_thank_yous(candidate=owner)

    response = card_pdf_response(followups=followups, options={"format": "poster"})

    assert response.status_code == 400
    assert "Unknown card format" in response.content.decode()


def test_only_thank_yous_print(owner):
    interview, followups = panel_with_thank_yous(candidate=owner)
    followups[0].kind = FollowUp.Kind.LINKEDIN

    assert card_pdf_response(followups=followups[:1]).status_code == 404


# ---------------------------------------------------------------- the cache


def test_an_unchanged_card_is_served_from_the_cache(owner, renders):
    interview, followups = panel_with_thank_yous(candidate=owner)

    first = card_pdf_response(followups=followups)
    again = card_pdf_response(followups=followups)

    assert len(renders) == 1
    assert again.content == first.content
    options = printing.card_options_default(owner)
    card_list = [card_for(f, envelopes=False) for f in followups]
    assert cache.get(printing.cache_key(card_list, options)) == first.content


def test_an_edited_draft_renders_a_new_pdf(owner, renders):
    interview, followups = panel_with_thank_yous(candidate=owner, names=("Dana Whitfield",))
    first = card_pdf_response(followups=followups)

    followups[0].draft = thank_you_draft("Dana", message="Thank you for the warm welcome.")
    followups[0].save()
    second = card_pdf_response(followups=followups)

    assert len(renders) == 2
    assert second.content != first.content
    assert "warm welcome" in _text(_reader(second))


def test_other_options_are_a_different_card(owner, renders):
    interview, followups = panel_with_thank_yous(candidate=owner, names=("Dana Whitfield",))

    card_pdf_response(followups=followups)
    card_pdf_response(followups=followups, options={"ink": "black"})

    assert len(renders) == 2


def test_a_cache_outage_still_serves_the_card(owner, renders, monkeypatch):
    class DownCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(printing, "django_cache", DownCache())
    interview, followups = panel_with_thank_yous(candidate=owner, names=("Dana Whitfield",))

    response = card_pdf_response(followups=followups)

    assert response.status_code == 200
    assert len(renders) == 1


def test_a_done_thank_you_still_prints_but_a_cancelled_one_does_not(owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield", "Lee Park", "Kim Ode"))
    people = [p.contact for p in interview.participants.select_related("contact")]
    statuses = [FollowUp.Status.DONE, FollowUp.Status.PLANNED, FollowUp.Status.CANCELLED]
    for contact, status in zip(people, statuses, strict=True):
        thank_you(interview=interview, contact=contact, status=status)

    names = [f.contact.name for f in printing.thank_you_cards_for(interview)]

    assert names == ["Dana Whitfield", "Lee Park"]
