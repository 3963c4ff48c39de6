"""Printable thank-you cards: layout, fitting, limits and safe rendering.

Only Django's template engine is needed (no database). PDFs are read back with
pypdf so the tests check what a printer would get.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from reminders.cards import renderer
from reminders.cards.renderer import (
    Card,
    CardAssetFetcher,
    CardRequestInvalid,
    CardTooLong,
    cards_render,
    missing_glyphs,
)

MESSAGE = (
    "Thank you for meeting me on Tuesday to talk about the product designer role.\n\n"
    "My years of user research and design systems match what your team needs, and "
    "I would love to help Northwind make logistics humane."
)
CARD = Card(
    recipient_name="Dana Whitfield",
    greeting="Dear Dana,",
    body=MESSAGE,
    sign_off="With thanks,",
    signature="Sam Okafor",
    envelope_to="Dana Whitfield\nNorthwind Traders\n12 Harbour Street\nBristol BS1 4QA",
    return_address="Sam Okafor\n3 Elm Row\nLeeds LS2 9JT",
)
MM = 72 / 25.4
PAGE_SIZES_PT = {
    "a6": (105 * MM, 148 * MM),  # 297.6 x 419.5
    "4x6": (288, 432),
    "folded-a4": (210 * MM, 297 * MM),
    "folded-letter": (612, 792),
}
ENVELOPE_SIZES_PT = {
    "a6": (162 * MM, 114 * MM),  # C6, landscape
    "4x6": (162 * MM, 114 * MM),
    "folded-a4": (162 * MM, 114 * MM),
    "folded-letter": (5.75 * 72, 4.375 * 72),  # A2 envelope
}


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    # The PDF text layer breaks lines where the card does; compare word runs.
    raw = "\n".join(page.extract_text() for page in _reader(pdf).pages)
    return re.sub(r"\s+", " ", raw)


def _size(page) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def _base_fonts(page) -> set[str]:
    fonts = page["/Resources"].get_object().get("/Font", {})
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}


def _font_sizes(html: str) -> list[float]:
    return [
        float(size) for size in re.findall(r'class="message size-(\d+)" data-card="\d+"', html)
    ]


def _words(count: int) -> str:
    """A realistic message of ``count`` words (average English word length)."""
    vocabulary = MESSAGE.split()
    return " ".join(vocabulary[n % len(vocabulary)] for n in range(count))


def _compact(text: str) -> str:
    # Line wrapping may split a long token ("file:///etc/ passwd") in the
    # text layer; whitespace-free comparison still proves the literal text.
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("card_format", sorted(PAGE_SIZES_PT))
def test_it_prints_one_page_per_card_at_the_format_size(card_format):
    pdf = cards_render(cards=[CARD, CARD, CARD], card_format=card_format)

    pages = _reader(pdf).pages
    assert len(pages) == 3
    for page in pages:
        assert _size(page) == pytest.approx(PAGE_SIZES_PT[card_format], abs=1)


@pytest.mark.parametrize("card_format", sorted(ENVELOPE_SIZES_PT))
def test_it_adds_an_envelope_page_after_each_card(card_format):
    pdf = cards_render(cards=[CARD, CARD], card_format=card_format, envelopes=True)

    pages = _reader(pdf).pages
    assert len(pages) == 4
    assert _size(pages[0]) == pytest.approx(PAGE_SIZES_PT[card_format], abs=1)
    assert _size(pages[1]) == pytest.approx(ENVELOPE_SIZES_PT[card_format], abs=1)
    envelope_text = re.sub(r"\s+", " ", pages[1].extract_text())
    assert "Northwind Traders" in envelope_text
    assert "Leeds LS2 9JT" in envelope_text


def test_an_envelope_without_an_address_carries_the_recipients_name():
    card = replace(CARD, envelope_to="", return_address="")

    pdf = cards_render(cards=[card], envelopes=True)

    assert "Dana Whitfield" in _reader(pdf).pages[1].extract_text()


def test_the_card_holds_greeting_message_sign_off_and_signature():
    text = _text(cards_render(cards=[CARD]))

    assert "Dear Dana," in text
    assert "Thank you for meeting me on Tuesday" in text
    assert "Northwind make logistics humane." in text
    assert "With thanks," in text
    assert "Sam Okafor" in text


@pytest.mark.parametrize("card_format", ["folded-a4", "folded-letter"])
def test_a_folded_card_has_a_front_and_a_print_at_actual_size_hint(card_format):
    text = _text(cards_render(cards=[CARD], card_format=card_format))

    assert "Thank you" in text
    assert "Print at 100 % (actual size)" in text
    assert "Dear Dana," in text


def test_it_embeds_the_handwriting_font_for_names_with_accents():
    card = replace(CARD, greeting="Dear Łukasz,", signature="José, Zoë and Søren")

    pdf = cards_render(cards=[card])

    # One font only: no fallback was needed for Ł, é, ë or ø.
    (font,) = _base_fonts(_reader(pdf).pages[0])
    assert "Card-Hand" in font or "Caveat" in font
    assert "Dear Łukasz," in _text(pdf)
    assert "José, Zoë and Søren" in _text(pdf)


def test_characters_outside_the_handwriting_font_are_reported():
    assert missing_glyphs("Dear 東京 office, Łukasz José 🙂\n") == {"東", "京", "🙂"}
    assert missing_glyphs("Zoë Søren Łódź, “thanks” – 100 %") == set()


def test_characters_outside_the_font_still_print_with_a_fallback_font():
    # Greek is not in Caveat's Latin subsets; DejaVu Sans draws it. (CJK needs
    # a CJK system font such as fonts-noto-cjk on the server.)
    assert missing_glyphs("Σοφία") == set("Σοφία")

    pdf = cards_render(cards=[replace(CARD, greeting="Dear Σοφία,")])

    fonts = _base_fonts(_reader(pdf).pages[0])
    assert len(fonts) == 2
    assert any("DejaVu" in font for font in fonts)
    assert "Dear Σοφία," in _text(pdf)


def test_twenty_cards_make_twenty_pages():
    panel = [replace(CARD, recipient_name=f"Person {n}") for n in range(20)]

    pdf = cards_render(cards=panel, card_format="folded-letter", ink="black", paper="white")

    assert len(_reader(pdf).pages) == 20


def test_the_preview_is_the_printed_markup_without_inline_styles():
    html = cards_render(cards=[CARD], as_html=True, ruled=True, ink="black", paper="white")

    assert "card-assets.invalid" not in html
    assert "Dear Dana," in html
    assert 'class="cards format-a6 flat ruled ink-black paper-white"' in html
    # The site's Content Security Policy blocks inline styles in the preview.
    assert "style=" not in html
    assert "<style" not in html


def _css_rules() -> dict[str, str]:
    css = (Path(renderer.__file__).resolve().parents[2] / "static/cards/cards.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {
        " ".join(selector.split()): body.strip()
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    }


@pytest.mark.parametrize("card_format", sorted(renderer.FORMATS))
def test_the_stylesheet_matches_each_format(card_format):
    fmt, rules = renderer.FORMATS[card_format], _css_rules()
    width, height = (f"{value:g}mm" for value in fmt.page_mm)
    env_width, env_height = (f"{value:g}mm" for value in fmt.envelope_mm)
    envelope_page = f"envelope-{fmt.envelope_label.lower()}"

    assert rules[f"@page card-{card_format}"] == f"size: {width} {height};"
    sheet = rules[f".format-{card_format} .sheet"]
    assert f"page: card-{card_format}; width: {width}; height: {height};" == sheet
    margin = " ".join(f"{value:g}mm" for value in fmt.margin_mm)
    assert rules[f".format-{card_format}"] == f"--panel-margin: {margin};"
    assert rules[f"@page {envelope_page}"] == f"size: {env_width} {env_height};"
    envelope = rules.get(f".format-{card_format} .envelope", rules[".envelope"])
    assert envelope == f"page: {envelope_page}; width: {env_width}; height: {env_height};"


def test_the_stylesheet_has_every_ink_paper_and_size():
    rules = _css_rules()
    for name, colour in renderer.INKS.items():
        assert rules[f".ink-{name}"] == f"--ink: {colour};"
    for name, colour in renderer.PAPERS.items():
        assert rules[f".paper-{name}"] == f"--paper: {colour};"
    sizes = {
        *renderer.MESSAGE_SIZES_PT,
        *renderer.ADDRESS_SIZES_PT,
        *renderer.RETURN_ADDRESS_SIZES_PT,
    }
    for size in sizes:
        assert rules[f".size-{size}"] == f"font-size: {size}pt;"
    assert rules[".message, .envelope address"] == f"line-height: {renderer.LINE_HEIGHT:g};"
    gap = renderer.LINE_HEIGHT * renderer.PARAGRAPH_GAP_LINES
    assert rules[".message .paragraph"] == f"margin-top: {gap:g}em;"
    sign_off_gap = renderer.LINE_HEIGHT * renderer.SIGN_OFF_GAP_LINES
    assert rules[".message .sign-off"] == f"margin-top: {sign_off_gap:g}em;"


# ---------------------------------------------------------------- fitting


def test_a_short_message_is_written_at_the_largest_size():
    card = replace(CARD, body="Thank you for meeting me on Tuesday.")

    assert _font_sizes(cards_render(cards=[card], as_html=True)) == [20.0]


def test_a_long_message_shrinks_but_stays_on_one_page():
    long_card = replace(CARD, body=_words(120))

    html = cards_render(cards=[CARD, long_card], as_html=True)
    pdf = cards_render(cards=[CARD, long_card])

    short_size, long_size = _font_sizes(html)
    assert 12 <= long_size < short_size
    assert len(_reader(pdf).pages) == 2


@pytest.mark.parametrize("words", [0, 20, 60, 100, 120])
@pytest.mark.parametrize("card_format", sorted(PAGE_SIZES_PT))
def test_page_count_equals_card_count_whatever_the_length(card_format, words):
    card = replace(CARD, body=_words(words))

    pdf = cards_render(cards=[card, CARD], card_format=card_format, envelopes=True)

    assert len(_reader(pdf).pages) == 4


def test_an_absurdly_long_message_asks_to_shorten_it():
    card = replace(CARD, body=" ".join(["appreciated"] * 124))  # 1,487 characters

    with pytest.raises(CardTooLong) as error:
        cards_render(cards=[CARD, card])

    assert error.value.card_index == 1
    assert error.value.excess_chars > 100
    assert "Dana Whitfield (card 2)" in str(error.value)
    assert "shorten it by about" in str(error.value)


def test_the_real_layout_overrules_an_optimistic_estimate(monkeypatch):
    # Pretend the estimate says everything fits at the largest size.
    monkeypatch.setattr(renderer, "_size_fit", lambda blocks, box, sizes: (sizes[0], 0))
    renders = []
    real_document = renderer._document
    monkeypatch.setattr(
        renderer, "_document", lambda html: renders.append(1) or real_document(html)
    )

    pdf = cards_render(cards=[replace(CARD, body=_words(70))])

    assert len(renders) > 1
    assert len(_reader(pdf).pages) == 1


def test_an_address_too_long_for_the_envelope_asks_to_shorten_it():
    # Within the caps (8 lines, 300 characters) but too wide: each line wraps.
    address = "\n".join(["東京都千代田区丸の内一丁目" * 2 + "東京都千代"] * 8)

    with pytest.raises(CardTooLong, match="envelope address"):
        cards_render(cards=[replace(CARD, envelope_to=address)], envelopes=True)


# ---------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cards": [CARD] * 21}, "between 1 and 20"),
        ({"cards": []}, "between 1 and 20"),
        ({"cards": [replace(CARD, body="x" * 1501)]}, "body has 1501 characters"),
        ({"cards": [replace(CARD, recipient_name="x" * 201)]}, "recipient_name"),
        ({"cards": [replace(CARD, signature="x" * 201)]}, "signature"),
        ({"cards": [replace(CARD, envelope_to="line\n" * 9)]}, "more than 8 lines"),
        ({"cards": [CARD], "card_format": "a5"}, "Unknown card_format"),
        ({"cards": [CARD], "ink": "red; background: url(x)"}, "Unknown ink"),
        ({"cards": [CARD], "paper": "pink"}, "Unknown paper"),
        ({"cards": ["Dear Dana"]}, "is not a Card"),
    ],
)
def test_it_refuses_requests_out_of_bounds(kwargs, message):
    with pytest.raises(CardRequestInvalid, match=re.escape(message)):
        cards_render(**kwargs)


# ---------------------------------------------------------------- safety

HOSTILE = (
    '<img src="file:///etc/passwd"> '
    '<link rel="attachment" href="file:///etc/passwd"> '
    "@import url(file:///etc/hostname); "
    '<img src="http://169.254.169.254/latest"> '
    "</p><style>body{color:red}</style>"
)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the card fetcher for."""
    urls: list[str] = []

    class SpyFetcher(CardAssetFetcher):
        def fetch(self, url, headers=None):
            urls.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(renderer, "CardAssetFetcher", SpyFetcher)
    return urls


def test_markup_in_card_text_prints_as_literal_text_and_fetches_nothing(fetched):
    card = replace(
        CARD,
        greeting=HOSTILE[:60],
        body=HOSTILE,
        signature="</p><style>body{color:red}</style>",
        envelope_to=HOSTILE[:150],
    )

    pdf = cards_render(cards=[card], envelopes=True)

    text = _compact(_text(pdf))
    for literal in [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        "@import url(file:///etc/hostname);",
        '<img src="http://169.254.169.254/latest">',
        "</p><style>body{color:red}</style>",
    ]:
        assert _compact(literal) in text
    assert set(fetched) == {
        "https://card-assets.invalid/static/cards/cards.css",
        "https://card-assets.invalid/static/fonts/Caveat-Handwriting.ttf",
    }
    assert b"/EmbeddedFile" not in pdf
    assert b"root:x:0:0" not in pdf


def test_a_refused_fetch_stops_the_render_instead_of_printing_without_it():
    # Card text cannot create elements (see above); this is the renderer's
    # behaviour should a template ever reference anything else.
    with pytest.raises(RuntimeError, match="refused"):
        renderer._document('<img src="file:///etc/passwd">')


def test_markup_in_card_text_is_escaped_in_the_preview():
    html = cards_render(cards=[replace(CARD, body=HOSTILE)], as_html=True)

    assert "<img" not in html
    assert "<style>body{color:red}" not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "data:text/css,body{color:red}",
        "https://example.com/static/fonts/Caveat-Handwriting.ttf",
        "https://card-assets.invalid/static/fonts/../../followup_site/settings.py",
        "https://card-assets.invalid/static/fonts/%2e%2e/%2e%2e/followup_site/settings.py",
        "https://card-assets.invalid/static/fonts/README.md",
        "https://card-assets.invalid/static/fonts/Caveat-Handwriting.ttf?x=1",
        "https://card-assets.invalid/etc/passwd",
        "https://card-assets.invalid/static/../../../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_card_assets(url):
    with pytest.raises(renderer.AssetRefused):
        CardAssetFetcher().fetch(url)


def test_the_fetcher_serves_the_font_and_the_stylesheet():
    fetcher = CardAssetFetcher()

    font = fetcher.fetch("https://card-assets.invalid/static/fonts/Caveat-Handwriting.ttf")
    css = fetcher.fetch("https://card-assets.invalid/static/cards/cards.css")

    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()


def test_the_fetcher_refuses_a_symlink_that_points_outside(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    fonts = tmp_path / "static" / "fonts"
    fonts.mkdir(parents=True)
    (tmp_path / "static" / "cards").mkdir()
    (fonts / "inside.ttf").write_bytes(b"\x00\x01\x00\x00")
    (fonts / "escape.css").symlink_to(secret)
    fetcher = CardAssetFetcher(static_root=tmp_path / "static")

    assert fetcher.fetch("https://card-assets.invalid/static/fonts/inside.ttf").read() == (
        b"\x00\x01\x00\x00"
    )
    with pytest.raises(renderer.AssetRefused):
        fetcher.fetch("https://card-assets.invalid/static/fonts/escape.css")
