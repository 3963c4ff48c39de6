"""The card pages: the preview, the panel PDF, one card, and who may see them."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reminders.cards import renderer
from reminders.models import FollowUp
from tests import factories
from tests.reminders.card_rows import panel_with_thank_yous, thank_you, thank_you_draft


@pytest.fixture
def panel(owner):
    return panel_with_thank_yous(candidate=owner)


def _preview(client, interview, **query):
    return client.get(reverse("interview_cards", args=[interview.pk]), query)


def test_the_preview_shows_every_card_with_the_card_stylesheet(owner_client, panel):
    interview, followups = panel
    followups[0].draft = thank_you_draft("Dana", message="Loved the <b>demo</b> & the tour.")
    followups[0].save()

    response = _preview(owner_client, interview)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<link rel="stylesheet" href="/static/cards/cards.css">' in page
    assert "Dear Dana," in page and "Dear Lee," in page
    assert "Loved the &lt;b&gt;demo&lt;/b&gt; &amp; the tour." in page
    # Defaults follow the candidate's paper size (A4): the folded A4 card.
    assert 'class="cards format-folded-a4 folded ink-blue paper-cream"' in page
    download = reverse("interview_cards_pdf", args=[interview.pk])
    assert f'href="{download}?format=folded-a4&amp;ink=blue&amp;paper=cream"' in page


def test_the_preview_meets_the_content_security_policy(owner_client, panel):
    page = _preview(owner_client, panel[0], ruled="on", envelopes="on").content.decode()

    assert "style=" not in page
    assert "<style" not in page
    # Scripts come from files; a JSON data block never runs, so the policy allows it.
    assert not re.search(r'<script(?![^>]*\b(src=|type="application/json"))', page)


def test_the_stylesheet_loads_the_handwriting_font_by_font_face():
    css = (renderer._base_dir() / "static/cards/cards.css").read_text()

    assert re.search(r'@font-face\s*{[^}]*url\("../fonts/Caveat-Handwriting.ttf"\)', css)


def test_the_preview_options_carry_into_the_download_link(owner_client, panel):
    response = _preview(
        owner_client, panel[0], format="a6", ink="black", paper="white", ruled="on"
    )

    page = response.content.decode()
    assert 'class="cards format-a6 flat ruled ink-black paper-white"' in page
    assert "?format=a6&amp;ink=black&amp;paper=white&amp;ruled=on" in page


def test_unknown_preview_options_fall_back_to_the_defaults(owner_client, panel):
    response = _preview(owner_client, panel[0], format="poster")

    assert response.status_code == 200
    assert "format-folded-a4" in response.content.decode()
    assert "Those options are not available" in response.content.decode()


def test_the_preview_says_which_card_is_too_long_and_links_to_its_draft(owner_client, panel):
    interview, followups = panel
    followups[1].draft = thank_you_draft("Lee", message=" ".join(["wonderful"] * 300))
    followups[1].save()

    page = _preview(owner_client, interview).content.decode()

    assert re.search(r"Lee Park</strong> is too long.*shorten it by about \d+ characters", page)
    assert f'href="/followups/{followups[1].pk}/"' in page
    assert "Dear Dana," in page  # the card that fits is still previewed


def test_the_preview_warns_about_characters_outside_the_handwriting_font(owner_client, panel):
    interview, followups = panel
    followups[0].draft = thank_you_draft("Dana", message="Thank you! 谢谢")
    followups[0].save()

    page = _preview(owner_client, interview).content.decode()

    assert "will print in a plain font" in page
    assert "谢" in page


def test_the_panel_pdf_has_a_card_per_interviewer(owner_client, panel):
    interview, _ = panel

    response = owner_client.get(reverse("interview_cards_pdf", args=[interview.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Dear Dana," in text and "Dear Lee," in text


def test_one_follow_ups_card_downloads_with_its_options(owner_client, panel):
    _, followups = panel

    response = owner_client.get(
        reverse("followup_card_pdf", args=[followups[0].pk]), {"format": "4x6"}
    )

    assert response.status_code == 200
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (288, 432)


def test_a_too_long_card_download_is_a_message_not_an_error(owner_client, panel):
    interview, followups = panel
    followups[0].draft = thank_you_draft("Dana", message="word " * 700)
    followups[0].save()

    response = owner_client.get(reverse("interview_cards_pdf", args=[interview.pk]))

    assert response.status_code == 422
    assert "Dana Whitfield" in response.content.decode()


def test_a_bad_option_in_the_download_is_a_400(owner_client, panel):
    response = owner_client.get(
        reverse("interview_cards_pdf", args=[panel[0].pk]), {"ink": "url(x)"}
    )

    assert response.status_code == 400


def test_a_follow_up_that_is_not_a_thank_you_has_no_card(owner_client, owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield",))
    contact = interview.participants.get().contact
    linkedin = thank_you(interview=interview, contact=contact, kind=FollowUp.Kind.LINKEDIN)

    response = owner_client.get(reverse("followup_card_pdf", args=[linkedin.pk]))

    assert response.status_code == 404


def test_an_interview_without_thank_yous_has_nothing_to_download(owner_client, owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield",))

    assert owner_client.get(reverse("interview_cards_pdf", args=[interview.pk])).status_code == 404
    page = _preview(owner_client, interview).content.decode()
    assert "No thank-you notes for this interview yet" in page


@pytest.mark.parametrize("name", ["interview_cards", "interview_cards_pdf"])
def test_another_candidates_interview_cards_are_not_found(stranger_client, panel, name):
    interview, _ = panel

    assert stranger_client.get(reverse(name, args=[interview.pk])).status_code == 404


def test_another_candidates_card_is_not_found(stranger_client, panel):
    _, followups = panel

    response = stranger_client.get(reverse("followup_card_pdf", args=[followups[0].pk]))

    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, panel):
    response = client.get(reverse("interview_cards", args=[panel[0].pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_interview_page_links_to_the_cards_when_there_are_thank_yous(owner_client, panel):
    interview, _ = panel
    url = reverse("interview_cards", args=[interview.pk])

    assert url in owner_client.get(interview.get_absolute_url()).content.decode()
    FollowUp.objects.update(status=FollowUp.Status.CANCELLED)
    assert url not in owner_client.get(interview.get_absolute_url()).content.decode()


def test_the_card_actions_offer_the_preview_and_the_download(panel):
    from django.template.loader import render_to_string

    interview, followups = panel

    html = render_to_string("reminders/_card_actions.html", {"followup": followups[0]})

    assert reverse("interview_cards", args=[interview.pk]) in html
    assert reverse("followup_card_pdf", args=[followups[0].pk]) in html
    followups[0].kind = FollowUp.Kind.LINKEDIN
    assert (
        "card"
        not in render_to_string("reminders/_card_actions.html", {"followup": followups[0]}).split(
            "#}"
        )[-1]
    )


def test_the_preview_says_when_an_envelope_has_no_address(owner_client, panel):
    interview, followups = panel
    followups[0].contact.postal_address = "12 Harbour Street\nBristol"
    followups[0].contact.save()

    page = _preview(owner_client, interview, envelopes="on").content.decode()

    assert "No postal address for <strong>Lee Park</strong>" in page
    assert "No postal address for <strong>Dana Whitfield</strong>" not in page
    assert "12 Harbour Street" in page
    # Options the link did not carry keep the candidate's defaults.
    assert "?format=folded-a4&amp;ink=blue&amp;paper=cream&amp;envelopes=on" in page
