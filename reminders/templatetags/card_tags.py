from django import template

from reminders.cards.printing import thank_you_cards_for

register = template.Library()


@register.filter
def has_thank_you_cards(interview) -> bool:
    """Whether the interview has a thank-you that prints as a card."""
    return thank_you_cards_for(interview).exists()
