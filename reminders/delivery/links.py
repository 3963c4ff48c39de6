"""Signed links in reminder emails: one purpose, one follow-up, one user, 14 days.

A link authenticates exactly one action on one follow-up, so it works when the
candidate is logged out. Each purpose has its own salt: a "snooze" link can
never be replayed as "done", and a token for user A never reaches user B's rows
because the follow-up is looked up through the user id inside the signature.

The one-shot actions (done, snooze) also sign a fingerprint of the state they
change. After the action the state differs, so the same link presented again
(a replay, a second click, a forwarded email) no longer matches and acts on
nothing.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from reminders.models import FollowUp

MAX_AGE = timedelta(days=14)

DONE = "done"
SNOOZE = "snooze"
CARD = "card"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (DONE, SNOOZE, CARD, UNSUBSCRIBE)
ONE_SHOT = (DONE, SNOOZE)

_URL_NAMES = {
    DONE: "link_done",
    SNOOZE: "link_snooze",
    CARD: "link_card",
    UNSUBSCRIBE: "link_unsubscribe",
}


class LinkError(Exception):
    """A link that must not act; `status` is the HTTP answer that fits."""

    def __init__(self, status, title, message):
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


@dataclass(frozen=True)
class LinkTarget:
    purpose: str
    followup: FollowUp


def _salt(purpose):
    return f"reminders.links.{purpose}"


def followup_state(followup):
    """A short fingerprint of what done and snooze change.

    planned and open count as one state: the sweep opens a follow-up around
    the time it signs the email, and that must not spoil the links in it.
    """
    status = "pending" if followup.is_pending else followup.status
    raw = f"{status}|{followup.snoozed_until}|{followup.done_at}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def link_token(*, purpose, followup):
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    payload = {"f": followup.pk, "u": followup.candidate.user_id}
    if purpose in ONE_SHOT:
        payload["s"] = followup_state(followup)
    return signing.dumps(payload, salt=_salt(purpose))


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def link_url(*, purpose, followup):
    token = link_token(purpose=purpose, followup=followup)
    return absolute(reverse(_URL_NAMES[purpose], args=[token]))


def followup_path(followup):
    """The follow-up's own page."""
    return reverse("followup_detail", args=[followup.pk])


def followup_url(followup):
    """The follow-up's own page, absolute for an email."""
    return absolute(followup_path(followup))


def link_check(token, *, purpose, user=None):
    """The follow-up this token may act on, or a LinkError saying why not.

    `user` is the signed-in user, if any: someone signed in as another
    account is refused rather than acting on a row that is not theirs.
    """
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkError(
            410,
            "This link has expired",
            "Links in reminder emails work for 14 days. Sign in to find the follow-up.",
        ) from exc
    except signing.BadSignature as exc:
        raise LinkError(
            400,
            "This link is not valid",
            "It may have been cut short or changed when it was copied. "
            "Open the follow-up from the app instead.",
        ) from exc
    if not isinstance(payload, dict) or not {"f", "u"} <= payload.keys():
        raise LinkError(400, "This link is not valid", "It does not name a follow-up.")

    followup = (
        FollowUp.objects.filter(pk=payload["f"], candidate__user_id=payload["u"])
        .select_related("candidate__user", "application", "interview", "contact")
        .first()
    )
    if followup is None:
        raise LinkError(
            404, "Follow-up not found", "It may have been deleted along with its interview."
        )
    if user is not None and user.is_authenticated and user.pk != followup.candidate.user_id:
        raise LinkError(
            403,
            "This link belongs to another account",
            "You are signed in as someone else. Sign out and open the link again.",
        )
    if purpose in ONE_SHOT and payload.get("s") != followup_state(followup):
        raise LinkError(
            410,
            "This link has already been used",
            "The follow-up changed since the email was sent. Open it in the app to see "
            "where it stands.",
        )
    return LinkTarget(purpose=purpose, followup=followup)
