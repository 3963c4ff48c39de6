"""What static/js/keep-typing.js needs from the server, in one JSON block on every page.

The script keeps a copy of a long form in the browser until the server has saved
it, so a session that expires while the candidate writes costs them nothing.
Its words, its timings and whose copies it may read all come from here.
"""

from django import template
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import json_script

register = template.Library()

# A copy nobody came back to is dropped after a week: long enough to outlast a
# session that expired over a weekend, short enough that a shared computer
# does not hold on to someone's notes for good.
KEEP_DAYS = 7

# Typing is written to the browser's storage this long after the last key, so
# a fast typist does not rewrite it on every key press.
SAVE_DELAY_MS = 400

TEXTS = {
    "restored": "Restored what you typed on {time}; it is not saved yet.",
    "discard": "Discard",
    "discarded": "Discarded: the form shows what was saved.",
}

# The site writes times as "Thu 3 Dec, 14:05"; this locale gives the browser the same.
LOCALE = "en-GB"


def keeper_for(user):
    """The prefix of this user's copies in the browser.

    One person's text must never appear for another on a shared computer, so
    copies are filed per user. A keyed hash rather than the user id: the id
    is nobody's business, and nobody can make up another person's prefix.
    """
    return salted_hmac("keep-typing", str(user.pk), algorithm="sha256").hexdigest()[:20]


@register.simple_tag(takes_context=True)
def keep_typing_settings(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    data = {"user": None}
    if user is not None and user.is_authenticated:
        data = {
            "user": keeper_for(user),
            "zone": timezone.get_current_timezone_name(),
            "locale": LOCALE,
            "days": KEEP_DAYS,
            "delay_ms": SAVE_DELAY_MS,
            "texts": TEXTS,
        }
    return json_script(data, "keep-typing")
