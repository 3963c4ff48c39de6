"""Thank-you cards in the browser: the preview with print options, and the PDFs.

Every row is fetched through get_owned_or_404, so another candidate's
interview or follow-up is a 404 whatever the URL says.
"""

import dataclasses
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from interviews.access import get_owned_or_404
from interviews.models import Interview
from reminders.cards.forms import CardOptionsForm
from reminders.models import FollowUp

from . import printing, renderer


def interview_cards(request, pk):
    """Preview every interviewer's card as it will print, before downloading."""
    interview = get_owned_or_404(Interview, request.user, pk=pk)
    followups = list(printing.thank_you_cards_for(interview))
    form = CardOptionsForm(request.GET, default=printing.card_options_default(request.candidate))
    options = form.options()
    fmt = renderer.FORMATS[options.card_format]
    preview = _preview(followups, options) if followups else {}
    query = urlencode(options.as_query())
    return render(
        request,
        "reminders/cards_preview.html",
        {
            "interview": interview,
            "application": interview.application,
            "followups": followups,
            "form": form,
            "options": options,
            "format_label": fmt.label,
            "envelope_label": fmt.envelope_label,
            "folded": fmt.folded,
            "download_url": f"{reverse('interview_cards_pdf', args=[pk])}?{query}",
            **preview,
        },
    )


def _preview(followups, options):
    """The cards that fit, as HTML, and what the candidate should know about the rest."""
    fitting, too_long, invalid, fallback, unaddressed = [], [], [], [], []
    render_options = dataclasses.asdict(options)
    for followup in followups:
        card = printing.card_for(followup, envelopes=options.envelopes)
        try:
            # Each card alone first: one too long must not hide the others.
            printing.cards_check([card])
            renderer.cards_render(cards=[card], as_html=True, **render_options)
        except renderer.CardTooLong as error:
            too_long.append(printing.too_long(error, [followup]))
            continue
        except renderer.CardRequestInvalid as error:
            invalid.append(str(error))
            continue
        fitting.append(card)
        if options.envelopes and not card.envelope_to:
            contact = followup.contact
            unaddressed.append({"name": contact.name, "url": contact.get_absolute_url()})
        missing = renderer.missing_glyphs(_printed_text(card, options))
        if missing:
            fallback.append({"name": card.recipient_name, "chars": " ".join(sorted(missing))})
    html = renderer.cards_render(cards=fitting, as_html=True, **render_options) if fitting else ""
    return {
        "cards_html": html,
        "cards_count": len(fitting),
        "too_long": too_long,
        "invalid": invalid,
        "fallback": fallback,
        "unaddressed": unaddressed,
    }


def _printed_text(card, options) -> str:
    parts = [card.greeting, card.body, card.sign_off, card.signature]
    if options.envelopes:
        parts += [card.envelope_to or card.recipient_name, card.return_address]
    return "\n".join(parts)


def interview_cards_pdf(request, pk):
    """One PDF with a card for each interviewer who has a thank-you."""
    interview = get_owned_or_404(Interview, request.user, pk=pk)
    followups = list(printing.thank_you_cards_for(interview))
    if not followups:
        raise Http404("No thank-you notes to print for this interview.")
    return printing.card_pdf_response(followups=followups, options=request.GET, request=request)


def followup_card_pdf(request, pk):
    """One thank-you's card; any other kind of follow-up has no card."""
    followup = get_owned_or_404(
        FollowUp, request.user, pk=pk, kind=FollowUp.Kind.THANK_YOU, contact__isnull=False
    )
    return printing.card_pdf_response(followups=[followup], options=request.GET, request=request)
