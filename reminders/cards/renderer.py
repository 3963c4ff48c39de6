"""Printable, handwritten-style thank-you cards (PDF via WeasyPrint).

One public function, ``cards_render``, takes plain data (``Card``) and returns
PDF bytes, or the same page as HTML for a browser preview. ``missing_glyphs``
tells the candidate which characters the handwriting font cannot draw.

Safety: card text only ever reaches the template as autoescaped text, and
WeasyPrint fetches through ``CardAssetFetcher`` (fetcher.py), which serves the card's own
CSS and font from disk and refuses every other URL, so nothing a candidate
types can make the renderer read a file or call the network.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import weasyprint
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from weasyprint.urls import FatalURLFetchingError

# _document looks CardAssetFetcher up on this module at call time, so tests and
# the bench can swap it here; AssetRefused stays reachable where it always was.
from reminders.cards.fetcher import ASSET_ORIGIN, CardAssetFetcher
from reminders.cards.fetcher import AssetRefused as AssetRefused
from reminders.cards.fetcher import base_dir as _base_dir

__all__ = [
    "FORMATS",
    "INKS",
    "PAPERS",
    "Card",
    "CardRequestInvalid",
    "CardFieldTooLong",
    "CardTooLong",
    "card_check",
    "cards_render",
    "missing_glyphs",
]


@dataclass(frozen=True)
class Card:
    recipient_name: str
    greeting: str
    body: str  # plain text; a blank line starts a new paragraph
    sign_off: str
    signature: str
    envelope_to: str = ""  # name and postal address, one line each
    return_address: str = ""


class CardRequestInvalid(ValueError):
    """The request itself is out of bounds (too many cards, unknown option)."""


class CardFieldTooLong(CardRequestInvalid):
    """One field of a card is past its limit; callers may reword it by field."""

    def __init__(self, message: str, *, card_index: int, field: str):
        super().__init__(message)
        self.card_index = card_index
        self.field = field


class CardTooLong(ValueError):
    """A card's text does not fit its panel even at the smallest readable size."""

    def __init__(self, *, card_index: int, recipient_name: str, excess_chars: int, what: str):
        self.card_index = card_index
        self.recipient_name = recipient_name
        self.excess_chars = excess_chars
        super().__init__(
            f"The {what} for {recipient_name} (card {card_index + 1}) does not fit even "
            f"in the smallest handwriting size: shorten it by about {excess_chars} "
            f"characters (roughly {max(1, round(excess_chars / 6))} words)."
        )


@dataclass(frozen=True)
class CardFormat:
    label: str
    page_mm: tuple[float, float]  # width, height of the printed sheet
    folded: bool  # quarter-fold sheet: four panels, the message on one
    margin_mm: tuple[float, float]  # top/bottom, left/right inside a panel
    envelope_mm: tuple[float, float]  # landscape, as one addresses it
    envelope_label: str

    @property
    def panel_mm(self) -> tuple[float, float]:
        """Size of the card face that holds the message (a quarter if folded)."""
        width, height = self.page_mm
        if self.folded:
            width, height = width / 2, height / 2
        return width, height

    @property
    def text_box_mm(self) -> tuple[float, float]:
        width, height = self.panel_mm
        return width - 2 * self.margin_mm[1], height - 2 * self.margin_mm[0]


# A quarter of A4 is A6-sized and slips into a C6 envelope; a quarter of US
# Letter (4.25 x 5.5 in) is what an A2 envelope (4.375 x 5.75 in) is made for.
FORMATS: dict[str, CardFormat] = {
    "a6": CardFormat("A6 note card", (105, 148), False, (14, 12), (162, 114), "C6"),
    "4x6": CardFormat("4×6 in note card", (101.6, 152.4), False, (14, 12), (162, 114), "C6"),
    "folded-a4": CardFormat("folded A4 card", (210, 297), True, (15, 12), (162, 114), "C6"),
    "folded-letter": CardFormat(
        "folded US Letter card", (215.9, 279.4), True, (14, 12), (146.05, 111.125), "A2"
    ),
}
INKS = {"blue": "#1d3f8f", "black": "#1b1b1b"}
PAPERS = {"white": "#ffffff", "cream": "#fbf4e2", "ivory": "#fcf9ee"}

# Limits on a request: a panel interview rarely has more than a handful of
# people; a thank-you is "a couple of sentences", so 1,500 characters is
# already three times what any card can hold.
MAX_CARDS = 20
MAX_BODY_CHARS = 1500
MAX_LINE_FIELD_CHARS = 200  # names, greeting, sign-off
MAX_ADDRESS_CHARS = 300
MAX_ADDRESS_LINES = 8

# Font sizes tried in order; Caveat has a small x-height, so 12 pt is the
# smallest size that still reads comfortably on paper.
MESSAGE_SIZES_PT = (20, 18, 16, 14, 12)
ADDRESS_SIZES_PT = (18, 16, 14, 12)
RETURN_ADDRESS_SIZES_PT = (11, 10, 9)
# Share of the envelope each address block may fill (matches cards.css).
ADDRESS_BOX = (0.50, 0.45)
RETURN_ADDRESS_BOX = (0.45, 0.32)
LINE_HEIGHT = 1.3  # in em; the template receives it in pt, so CSS and estimate agree
PARAGRAPH_GAP_LINES = 0.5  # ruled cards use 0 and indent, so text stays on the rules
SIGN_OFF_GAP_LINES = 1.0
# The estimate ignores kerning and contextual alternates: keep a margin.
WIDTH_SAFETY = 0.94
HEIGHT_SAFETY = 0.96
FALLBACK_ADVANCE_EM = 1.0  # a glyph from the fallback font: assume full width

FONT_FILE = "Caveat-Handwriting.ttf"
PT_PER_MM = 72 / 25.4


@cache
def _font_metrics() -> tuple[dict[int, float], float]:
    """Advance widths in em per code point, and the space's; read once per process."""
    font = TTFont(_base_dir() / "static" / "fonts" / FONT_FILE, lazy=True)
    units = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    advances = {code: hmtx[name][0] / units for code, name in font.getBestCmap().items()}
    return advances, advances[ord(" ")]


def missing_glyphs(text: str) -> set[str]:
    """Characters the handwriting font lacks (drawn with a fallback font)."""
    advances, _ = _font_metrics()
    return {char for char in text if char.isprintable() and ord(char) not in advances}


# ---------------------------------------------------------------- validation


def _request_check(cards, card_format: str, ink: str, paper: str) -> list[Card]:
    for name, value, allowed in (
        ("card_format", card_format, FORMATS),
        ("ink", ink, INKS),
        ("paper", paper, PAPERS),
    ):
        if value not in allowed:
            raise CardRequestInvalid(
                f"Unknown {name} {value!r}: choose from {', '.join(allowed)}."
            )
    cards = list(cards)
    if not 1 <= len(cards) <= MAX_CARDS:
        raise CardRequestInvalid(f"Print between 1 and {MAX_CARDS} cards at a time.")
    for index, card in enumerate(cards):
        card_check(index, card)
    return cards


def card_check(index: int, card: Card) -> None:
    """The one check of a card's field lengths and address lines."""
    if not isinstance(card, Card):
        raise CardRequestInvalid(f"Card {index + 1} is not a Card.")
    limits = {
        "recipient_name": MAX_LINE_FIELD_CHARS,
        "greeting": MAX_LINE_FIELD_CHARS,
        "sign_off": MAX_LINE_FIELD_CHARS,
        "signature": MAX_LINE_FIELD_CHARS,
        "body": MAX_BODY_CHARS,
        "envelope_to": MAX_ADDRESS_CHARS,
        "return_address": MAX_ADDRESS_CHARS,
    }
    for field, limit in limits.items():
        value = getattr(card, field)
        if not isinstance(value, str):
            raise CardRequestInvalid(f"Card {index + 1}: {field} must be text.")
        if len(value) > limit:
            raise CardFieldTooLong(
                f"Card {index + 1}: {field} has {len(value)} characters, the limit is {limit}.",
                card_index=index,
                field=field,
            )
    for field in ("envelope_to", "return_address"):
        if len(_lines(getattr(card, field))) > MAX_ADDRESS_LINES:
            raise CardFieldTooLong(
                f"Card {index + 1}: {field} has more than {MAX_ADDRESS_LINES} lines.",
                card_index=index,
                field=field,
            )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _paragraphs(body: str) -> list[str]:
    text = body.replace("\r\n", "\n").strip()
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


# ---------------------------------------------------------------- fitting


def _text_width_em(text: str) -> float:
    advances, _ = _font_metrics()
    return sum(advances.get(ord(char), FALLBACK_ADVANCE_EM) for char in text)


def _wrapped_lines(text: str, width_em: float) -> int:
    """Lines a greedy line breaker needs; single newlines are kept (pre-line)."""
    _, space = _font_metrics()
    count = 0
    for line in text.split("\n"):
        count += 1
        used = 0.0
        for word in line.split():
            word_em = _text_width_em(word)
            if used and used + space + word_em <= width_em:
                used += space + word_em
                continue
            if used:
                count += 1
            # overflow-wrap: anywhere breaks a word longer than the line.
            extra = max(0, math.ceil(word_em / width_em) - 1)
            count += extra
            used = word_em - extra * width_em
    return count


def _blocks_height_em(blocks: list[tuple[str, float]], width_em: float) -> float:
    """Height in em of text blocks, each given as (text, gap before in lines)."""
    lines = sum(_wrapped_lines(text, width_em) + gap for text, gap in blocks)
    return lines * LINE_HEIGHT


def _size_fit(blocks, box_mm, sizes) -> tuple[int | None, int]:
    """Largest size whose estimated height fits; else (None, excess characters)."""
    width_pt = box_mm[0] * PT_PER_MM * WIDTH_SAFETY
    height_pt = box_mm[1] * PT_PER_MM * HEIGHT_SAFETY
    for size in sizes:
        if _blocks_height_em(blocks, width_pt / size) * size <= height_pt:
            return size, 0
    smallest = sizes[-1]
    overflow_lines = _blocks_height_em(blocks, width_pt / smallest) - height_pt / smallest
    chars_per_line = (width_pt / smallest) / _text_width_em("etaoin shrdlu") * 13
    excess = math.ceil(overflow_lines / LINE_HEIGHT * chars_per_line / 10) * 10
    return None, max(10, excess)


def _message_blocks(card: Card, ruled: bool) -> list[tuple[str, float]]:
    gap = 0.0 if ruled else PARAGRAPH_GAP_LINES
    blocks = [(card.greeting, 0.0)]
    blocks += [(paragraph, gap) for paragraph in _paragraphs(card.body)]
    blocks += [(card.sign_off, SIGN_OFF_GAP_LINES), (card.signature, 0.0)]
    return [(text, gap) for text, gap in blocks if text.strip()]


def _message_size(index: int, card: Card, fmt: CardFormat, ruled: bool, sizes) -> int:
    size, excess = _size_fit(_message_blocks(card, ruled), fmt.text_box_mm, sizes)
    if size is None:
        raise CardTooLong(
            card_index=index,
            recipient_name=card.recipient_name,
            excess_chars=excess,
            what=f"message on the {fmt.label}",
        )
    return size


def _address_size(index: int, card: Card, text: str, box_mm, sizes, what: str) -> int:
    size, excess = _size_fit([(line, 0.0) for line in _lines(text)], box_mm, sizes)
    if size is None:
        raise CardTooLong(
            card_index=index, recipient_name=card.recipient_name, excess_chars=excess, what=what
        )
    return size


def _envelope_to(card: Card) -> str:
    return card.envelope_to.strip() or card.recipient_name


# ---------------------------------------------------------------- template
# The template carries no inline styles (the site's CSP forbids them in the
# preview): sizes, colours and pages are classes in static/cards/cards.css.


def _card_context(card: Card, size: int) -> dict:
    return {"card": card, "paragraphs": _paragraphs(card.body), "size": size}


def _envelope_context(index: int, card: Card, fmt: CardFormat) -> dict:
    width, height = fmt.envelope_mm
    to_text, from_text = _envelope_to(card), card.return_address
    to_box = (width * ADDRESS_BOX[0], height * ADDRESS_BOX[1])
    from_box = (width * RETURN_ADDRESS_BOX[0], height * RETURN_ADDRESS_BOX[1])
    to_size = _address_size(index, card, to_text, to_box, ADDRESS_SIZES_PT, "envelope address")
    from_size = _address_size(
        index, card, from_text, from_box, RETURN_ADDRESS_SIZES_PT, "return address"
    )
    return {
        "to_lines": _lines(to_text),
        "from_lines": _lines(from_text),
        "size": to_size,
        "from_size": from_size,
    }


def _sheets_html(cards, sizes, fmt, key, ink, paper, ruled, envelopes) -> str:
    entries = []
    for index, card in enumerate(cards):
        entry = {"index": index, **_card_context(card, sizes[index])}
        if envelopes:
            entry["envelope"] = _envelope_context(index, card, fmt)
        entries.append(entry)
    context = {
        "format_key": key,
        "folded": fmt.folded,
        "ink": ink,
        "paper": paper,
        "ruled": ruled,
        "cards": entries,
    }
    return render_to_string("cards/_sheets.html", context)


def _document_html(sheets: str) -> str:
    css_url = ASSET_ORIGIN + "static/cards/cards.css"
    return render_to_string("cards/cards.html", {"sheets": sheets, "css_url": css_url})


# ---------------------------------------------------------------- rendering


def _overflowing_cards(document, fmt: CardFormat) -> set[int]:
    """Cards whose message grew taller than its panel in the real layout.

    The panel has a fixed size, so overflow would not add a page: it would
    spill over the fold. Box heights are CSS px (1/96 in).
    """
    limit_px = fmt.text_box_mm[1] / 25.4 * 96
    overflowing = set()
    for page in document.pages:
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "element", None)
            if element is None or not hasattr(box, "margin_height"):
                continue
            index = element.get("data-card")
            if index is not None and box.margin_height() > limit_px + 0.5:
                overflowing.add(int(index))
    return overflowing


def _size_step_down(index: int, card: Card, size: int, fmt: CardFormat) -> int:
    smaller = [option for option in MESSAGE_SIZES_PT if option < size]
    if not smaller:
        raise CardTooLong(
            card_index=index,
            recipient_name=card.recipient_name,
            excess_chars=max(10, round(len(card.body) / 100) * 10),
            what=f"message on the {fmt.label}",
        )
    return smaller[0]


def _document(html: str):
    fetcher = CardAssetFetcher()
    try:
        return weasyprint.HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=fetcher).render()
    except FatalURLFetchingError as error:
        # A BaseException upstream; turn it into an ordinary error for views.
        raise RuntimeError(f"Card rendering was refused an asset: {error}") from error


def cards_render(
    *,
    cards,
    card_format: str = "a6",
    ink: str = "blue",
    paper: str = "cream",
    ruled: bool = False,
    envelopes: bool = False,
    as_html: bool = False,
) -> bytes | str:
    """PDF bytes for the cards, one page (or folded sheet) each, plus an
    envelope page after each card if asked.

    ``as_html`` returns the same cards as an HTML fragment for a browser
    preview instead; the page showing it links ``cards/cards.css``."""
    cards = _request_check(cards, card_format, ink, paper)
    fmt = FORMATS[card_format]
    sizes = [_message_size(i, card, fmt, ruled, MESSAGE_SIZES_PT) for i, card in enumerate(cards)]
    page_args = (fmt, card_format, ink, paper, ruled, envelopes)
    if as_html:
        return _sheets_html(cards, sizes, *page_args)

    document = _document(_document_html(_sheets_html(cards, sizes, *page_args)))
    # The estimate keeps a safety margin, but the real layout has the last
    # word: step an overflowing card down once more and lay out again.
    while overflowing := _overflowing_cards(document, fmt):
        for index in overflowing:
            sizes[index] = _size_step_down(index, cards[index], sizes[index], fmt)
        document = _document(_document_html(_sheets_html(cards, sizes, *page_args)))
    return document.write_pdf()
