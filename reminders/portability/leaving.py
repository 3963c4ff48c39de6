"""Leaving: the account and everything of the candidate's, deleted for good.

Deleting the user cascades through every row that belongs to them (the
profile with its calendar token, applications, interviews, people,
follow-ups, digests, email addresses). Two things the cascade cannot reach
are removed here: their sessions on other devices, and the card PDFs cached
for them.
"""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction

from reminders.cards.printing import cards_cache_forget

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deleted:
    """What leaving removed: rows by model (its verbose name), sessions, cached cards."""

    rows: dict
    sessions: int
    cached_cards: int

    @property
    def total_rows(self):
        return sum(self.rows.values())


def account_delete(*, user):
    """Delete the user's account and everything in it; returns what was deleted."""
    candidate_id = getattr(getattr(user, "candidate", None), "pk", None)
    with transaction.atomic():
        sessions = Session.objects.filter(session_key__in=_session_keys(user)).delete()[0]
        _, by_label = user.delete()
    cards = _forget_cards(candidate_id) if candidate_id else 0
    return Deleted(rows=_named(by_label), sessions=sessions, cached_cards=cards)


def _session_keys(user):
    # Database sessions are not indexed by user, so every one is read to find
    # theirs: a scan, on a page each account uses once. Expired ones count too:
    # they hold the user's id until the next clearsessions.
    user_id = str(user.pk)
    return [
        session.session_key
        for session in Session.objects.iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]


def _forget_cards(candidate_id):
    # After the commit: a failed delete must not have thrown the cards away,
    # and the cache cannot roll back.
    try:
        return cards_cache_forget(owner_id=candidate_id)
    except Exception:  # noqa: BLE001 - the account is gone; cached cards expire within a week
        logger.warning("Could not delete the cached cards of a deleted account", exc_info=True)
        return 0


def _named(by_label):
    """Django's {"app.Model": count} as {"contacts": 3}, in words a candidate reads."""
    named = {}
    for label, count in by_label.items():
        if count:
            meta = apps.get_model(label)._meta
            named[str(meta.verbose_name if count == 1 else meta.verbose_name_plural)] = count
    return named
