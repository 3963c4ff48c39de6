"""Print options and card limits: one parser, one checker, whoever calls."""

import re
from dataclasses import replace

import pytest

from reminders.cards import renderer
from reminders.cards.forms import CardOptionsForm
from reminders.cards.printing import CardOptions, card_options_from, cards_check
from reminders.cards.renderer import Card, CardRequestInvalid, CardTooLong

DEFAULT = CardOptions(card_format="folded-a4")
CARD = Card(
    recipient_name="Dana Whitfield",
    greeting="Dear Dana,",
    body="Thank you for your time today.",
    sign_off="Best,",
    signature="Sam",
)


@pytest.mark.parametrize(
    "query",
    [{"format": "a3"}, {"ink": "red"}, {"paper": "pink"}, {"ruled": "maybe"}, {"envelopes": "x"}],
)
def test_the_preview_form_and_the_pdf_refuse_the_same_options(owner, query):
    form = CardOptionsForm(query, default=DEFAULT)

    assert not form.is_valid() and form.options() == DEFAULT
    with pytest.raises(CardRequestInvalid, match=re.escape(form.problem())):
        card_options_from(query, candidate=owner)


def test_empty_choices_keep_the_defaults_and_off_means_off(owner):
    query = {"format": "", "ink": "black", "ruled": "off", "envelopes": "on"}

    options = card_options_from(query, candidate=owner)

    assert options == CardOptions("folded-a4", "black", "cream", ruled=False, envelopes=True)
    assert CardOptionsForm(query, default=DEFAULT).options() == options


def test_a_body_past_the_renderers_cap_is_a_card_too_long():
    card = replace(CARD, body="word " * (renderer.MAX_BODY_CHARS // 5 + 40))

    with pytest.raises(CardTooLong) as raised:
        cards_check([card])

    assert raised.value.excess_chars >= 200 and raised.value.excess_chars % 10 == 0


@pytest.mark.parametrize(
    ("field", "value", "what"),
    [
        ("envelope_to", "line\n" * (renderer.MAX_ADDRESS_LINES + 1), "envelope"),
        ("return_address", "x" * (renderer.MAX_ADDRESS_CHARS + 1), "return"),
    ],
)
def test_an_address_past_the_renderers_limits_says_how_to_fix_it(field, value, what):
    card = replace(CARD, **{field: value})

    with pytest.raises(CardRequestInvalid, match=f"The {what} address on the card for Dana"):
        cards_check([card])
    with pytest.raises(renderer.CardFieldTooLong):
        renderer.card_check(0, card)
