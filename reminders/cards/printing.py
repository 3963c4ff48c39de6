"""Thank-you follow-ups printed as cards: from FollowUp rows to a PDF download.

``reminders.cards`` knows nothing about the database; this module turns a
candidate's thank-you follow-ups into ``Card`` data, validates the print
options against the fixed lists there, and serves the PDF. One public entry
point for views: ``card_pdf_response``.

An unchanged card is served from Django's cache (Redis when REDIS_URL is set,
so every web process shares it), keyed on a hash of everything that shapes
the PDF: the cards, the options and the renderer's own files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from interviews.models import Candidate
from reminders.cards.renderer import Card, CardRequestInvalid, CardTooLong
from reminders.followups.drafts import letter_parts
from reminders.models import FollowUp

from . import renderer

logger = logging.getLogger(__name__)

DEFAULT_FORMAT_BY_PAPER = {
    Candidate.PaperSize.A4: "folded-a4",
    Candidate.PaperSize.LETTER: "folded-letter",
}
# A card that is not edited is downloaded again and again (the email link,
# the follow-up page, the panel); a week keeps it warm through the window.
CACHE_SECONDS = 7 * 24 * 3600
CACHE_PREFIX = "cards:pdf:v1:"
# Files whose content shapes the PDF: a new font, stylesheet or template must
# never be answered with a PDF cached before it.
RENDERER_FILES = (
    "static/fonts/" + renderer.FONT_FILE,
    "static/cards/cards.css",
    "templates/cards/cards.html",
    "templates/cards/_sheets.html",
    "reminders/cards/renderer.py",
    "reminders/cards/fetcher.py",
)


@dataclass(frozen=True)
class CardOptions:
    card_format: str
    ink: str = "blue"
    paper: str = "cream"
    ruled: bool = False
    envelopes: bool = False

    def as_query(self) -> dict[str, str]:
        query = {"format": self.card_format, "ink": self.ink, "paper": self.paper}
        query.update({name: "on" for name in ("ruled", "envelopes") if getattr(self, name)})
        return query


def card_options_default(candidate: Candidate) -> CardOptions:
    """The candidate's paper size decides the default: a folded card on one sheet."""
    return CardOptions(card_format=DEFAULT_FORMAT_BY_PAPER.get(candidate.paper_size, "folded-a4"))


def card_options_from(data: Mapping, *, candidate: Candidate) -> CardOptions:
    """Options from a query string; missing ones take the candidate's defaults.

    Raises CardRequestInvalid for a value outside the fixed lists in renderer.py:
    the options pick from those lists and never reach the CSS as text. Parsing
    is CardOptionsForm's, so the preview and the PDF read a query alike.
    """
    # Imported here: forms.py imports CardOptions from this module.
    from reminders.cards.forms import CardOptionsForm

    form = CardOptionsForm(data, default=card_options_default(candidate))
    if form.is_bound and not form.is_valid():
        raise CardRequestInvalid(form.problem())
    return form.options()


# ---------------------------------------------------------------- cards


def thank_you_cards_for(interview):
    """The thank-yous of an interview that make a card: one per interviewer,
    pending or already done (a candidate may print again after sending)."""
    return (
        interview.followups.filter(
            kind=FollowUp.Kind.THANK_YOU,
            status__in=(*FollowUp.PENDING, FollowUp.Status.DONE),
            contact__isnull=False,
        )
        .select_related("contact", "candidate", "application")
        .order_by("contact__name", "pk")
    )


def card_for(followup: FollowUp, *, envelopes: bool = True) -> Card:
    greeting, message, sign_off, signature = letter_parts(followup.draft)
    candidate, contact = followup.candidate, followup.contact
    if sign_off and not signature:
        # A card always carries the candidate's name under the sign-off.
        signature = candidate.card_signature
    return Card(
        recipient_name=contact.name,
        greeting=greeting,
        body=message,
        sign_off=sign_off,
        signature=signature,
        envelope_to=_envelope_to(followup) if envelopes else "",
        return_address=_return_address(candidate) if envelopes else "",
    )


def _envelope_to(followup: FollowUp) -> str:
    contact, application = followup.contact, followup.application
    if contact.postal_address.strip():
        return _address(contact.name, contact.postal_address)
    if application.company_address.strip():
        company = _address(application.company, application.company_address)
        return _address(contact.name, company)
    return ""


def _return_address(candidate: Candidate) -> str:
    if not candidate.return_address.strip():
        return ""
    return _address(candidate.full_name, candidate.return_address)


def _address(name: str, address: str) -> str:
    """Name on top of an address, unless the address already starts with it."""
    lines = [line.strip() for line in address.strip().splitlines() if line.strip()]
    if name.strip() and (not lines or lines[0].casefold() != name.strip().casefold()):
        lines.insert(0, name.strip())
    return "\n".join(lines)


# How a candidate names each address field when told to shorten it.
ADDRESS_NAMES = {"envelope_to": "envelope", "return_address": "return"}


def cards_check(card_list: list[Card]) -> None:
    """Turn limits the candidate can fix into messages that say how.

    The limits are checked by renderer.card_check alone; this only rewords.
    """
    for index, card in enumerate(card_list):
        try:
            renderer.card_check(index, card)
        except renderer.CardFieldTooLong as error:
            raise _fixable(error, index, card) from error


def _fixable(error: renderer.CardFieldTooLong, index: int, card: Card) -> Exception:
    if error.field == "body":
        return _too_long(index, card)
    if error.field in ADDRESS_NAMES:
        return CardRequestInvalid(
            f"The {ADDRESS_NAMES[error.field]} address on the card for {card.recipient_name} "
            f"is too long to print: keep it to {renderer.MAX_ADDRESS_LINES} lines and "
            f"{renderer.MAX_ADDRESS_CHARS} characters."
        )
    return error


def _too_long(index: int, card: Card) -> CardTooLong:
    # Past the renderer's input cap, ask the renderer how much of the capped
    # text would not fit (an estimate, no layout) and add what was cut.
    capped = dataclasses.replace(card, body=card.body[: renderer.MAX_BODY_CHARS])
    try:
        renderer.cards_render(cards=[capped], as_html=True)
        excess = len(card.body) - renderer.MAX_BODY_CHARS
    except CardTooLong as error:
        excess = error.excess_chars + len(card.body) - renderer.MAX_BODY_CHARS
    excess = -(-excess // 10) * 10
    return CardTooLong(
        card_index=index,
        recipient_name=card.recipient_name,
        excess_chars=excess,
        what="message on the card",
    )


# ---------------------------------------------------------------- PDF


def cards_pdf(
    *, card_list: list[Card], options: CardOptions, owner_id: int | None = None
) -> bytes:
    """The PDF for these cards, from the cache when nothing changed.

    ``owner_id`` (the candidate's pk) files the cached PDF under its owner,
    so that ``cards_cache_forget`` can delete it when the account goes.
    """
    cards_check(card_list)
    key = cache_key(card_list, options)
    pdf = _cache_get(key)
    if pdf is None:
        pdf = renderer.cards_render(cards=card_list, **dataclasses.asdict(options))
        _cache_set(key, pdf)
        if owner_id is not None:
            _cache_file_under(owner_id, key)
    return pdf


def cache_key(card_list: list[Card], options: CardOptions) -> str:
    payload = json.dumps(
        {
            "cards": [dataclasses.asdict(card) for card in card_list],
            "options": dataclasses.asdict(options),
            "renderer": _renderer_version(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return CACHE_PREFIX + hashlib.sha256(payload.encode()).hexdigest()


@cache
def _renderer_version() -> str:
    """A hash of the font, stylesheet, templates and renderer: read once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for name in RENDERER_FILES:
        digest.update(name.encode())
        digest.update((base / name).read_bytes())
    return digest.hexdigest()[:16]


def _cache_get(key: str) -> bytes | None:
    # A cache outage must cost a render, never the card.
    try:
        return django_cache.get(key)
    except Exception:  # noqa: BLE001 - any backend error (Redis down) means "miss"
        logger.warning("Card cache unavailable on read", exc_info=True)
        return None


def _cache_set(key: str, pdf: bytes) -> None:
    try:
        django_cache.set(key, pdf, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("Card cache unavailable on write", exc_info=True)


# A candidate's cached PDFs, so that leaving deletes them: the keys are
# content hashes, which no scan of the cache could tie to a person. Each key
# takes a numbered slot from an atomic counter (incr), so two renders at once
# never overwrite each other's entry the way a read-modify-write list would.
OWNER_PREFIX = "cards:owner:v1:"


def _cache_file_under(owner_id: int, key: str) -> None:
    counter = f"{OWNER_PREFIX}{owner_id}"
    try:
        django_cache.add(counter, 0, CACHE_SECONDS)
        slot = django_cache.incr(counter)
        # The counter must outlive every slot it numbers, or a fresh count
        # would hide the PDFs cached under the old one.
        django_cache.touch(counter, CACHE_SECONDS)
        django_cache.set(f"{counter}:{slot}", key, CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - the card is served whatever the cache does
        logger.warning("Card cache unavailable on filing", exc_info=True)


def cards_cache_forget(*, owner_id: int) -> int:
    """Delete every PDF cached for this candidate; returns how many were still cached."""
    counter = f"{OWNER_PREFIX}{owner_id}"
    slots = [f"{counter}:{n}" for n in range(1, (django_cache.get(counter) or 0) + 1)]
    keys = list(django_cache.get_many(slots).values())
    still_cached = len(django_cache.get_many(keys))
    django_cache.delete_many([*keys, *slots, counter])
    return still_cached


def card_filename(followups: list[FollowUp]) -> str:
    if len(followups) == 1:
        name = slugify(followups[0].contact.name) or "card"
        return f"thank-you-card-{name}.pdf"
    company = slugify(followups[0].application.company) or "interview"
    return f"thank-you-cards-{company}.pdf"


def card_pdf_response(*, followups, options=None, request=None) -> HttpResponse:
    """One PDF with a card per thank-you follow-up, as a download.

    ``followups`` are thank-you FollowUps the caller has already scoped to
    the candidate; ``options`` is a CardOptions, a query-string mapping, or
    None for the candidate's defaults. A card too long to fit, or a bad
    option, answers with a page that says what to change (422 / 400).
    """
    followups = list(followups)
    if not followups or any(f.kind != FollowUp.Kind.THANK_YOU for f in followups):
        return _problem(request, 404, "No thank-you card here", "Only thank-you notes print.")
    candidate = followups[0].candidate
    try:
        if not isinstance(options, CardOptions):
            options = card_options_from(options or {}, candidate=candidate)
        card_list = [card_for(f, envelopes=options.envelopes) for f in followups]
        pdf = cards_pdf(card_list=card_list, options=options, owner_id=candidate.pk)
    except CardTooLong as error:
        return _problem(
            request, 422, "This card is too long", str(error), too_long(error, followups)
        )
    except CardRequestInvalid as error:
        return _problem(request, 400, "This card cannot be printed", str(error))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{card_filename(followups)}"'
    # The card is personal: no shared cache (a proxy) may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def too_long(error: CardTooLong, followups: list[FollowUp]) -> dict:
    """What the candidate needs to fix a card: whose, by how much, and where."""
    followup = followups[error.card_index]
    return {
        "name": error.recipient_name,
        "excess_chars": error.excess_chars,
        "edit_url": reverse("followup_detail", args=[followup.pk]),
    }


def _problem(request, status: int, title: str, message: str, fix: dict | None = None):
    context = {"title": title, "message": message, "fix": fix}
    html = render_to_string("reminders/card_problem.html", context, request=request)
    return HttpResponse(html, status=status)
