"""The pages behind the signed links in reminder emails.

A GET only shows what the link would do: mail scanners and link previews
fetch every URL in an email, and must change nothing. One POST from the
page's button acts. The signature is the only credential, so these pages work
logged out; see reminders/links.py for what a token is bound to.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from interviews.models import Candidate
from reminders.delivery.links import LinkError, link_check
from reminders.followups import services
from reminders.models import FollowUp

from . import links


def _act_done(followup, now):
    services.followup_mark_done(followup=followup, channel=followup.channel, now=now)


def _act_snooze(followup, now):
    until = services.snooze_until(candidate=followup.candidate, choice="day", now=now)
    services.followup_snooze(followup=followup, until=until, now=now)


def _act_unsubscribe(followup, now):
    Candidate.objects.filter(pk=followup.candidate_id).update(reminders_paused=True)


@dataclass(frozen=True)
class Action:
    title: str
    explanation: str
    button: str
    done_title: str
    done_message: str
    act: object


ACTIONS = {
    links.DONE: Action(
        title="Mark this follow-up done?",
        explanation="Do this once you have sent it. It will drop off your list and "
        "no more reminders come for it.",
        button="Yes, mark it done",
        done_title="Marked done",
        done_message="Well done. Nothing more is owed for this one.",
        act=_act_done,
    ),
    links.SNOOZE: Action(
        title="Snooze this follow-up for a day?",
        explanation="You will get one more reminder at this time tomorrow. "
        "Its due date stays where it is.",
        button="Snooze for a day",
        done_title="Snoozed",
        done_message="It will ask for your attention again tomorrow.",
        act=_act_snooze,
    ),
    links.UNSUBSCRIBE: Action(
        title="Pause reminder emails?",
        explanation="No more reminder emails will come until you resume them in "
        "Settings. Your follow-ups stay on your dashboard.",
        button="Pause reminder emails",
        done_title="Reminders paused",
        done_message="You will get no more reminder emails. Resume them any time in Settings.",
        act=_act_unsubscribe,
    ),
}


# --- Views ---------------------------------------------------------------------


def _problem(request, error):
    return render(
        request,
        "reminders/link_result.html",
        {"title": error.title, "message": error.message, "failed": True},
        status=error.status,
    )


def _page_context(followup, action):
    return {
        "followup": followup,
        "action": action,
        "tz": followup.candidate.tz,
        "open_path": links.followup_path(followup),
    }


def _confirm_then_act(request, token, purpose):
    action = ACTIONS[purpose]
    try:
        target = link_check(token, purpose=purpose, user=request.user)
    except LinkError as error:
        return _problem(request, error)
    if request.method != "POST":
        return render(
            request, "reminders/link_confirm.html", _page_context(target.followup, action)
        )

    now = timezone.now()
    try:
        with transaction.atomic():
            # Lock the row and check the token again under the lock: of two
            # clicks at once, the second sees the first one's change and stops.
            FollowUp.objects.select_for_update().filter(pk=target.followup.pk).first()
            target = link_check(token, purpose=purpose, user=request.user)
            action.act(target.followup, now)
    except LinkError as error:
        return _problem(request, error)
    except ValidationError as error:
        return _problem(
            request, LinkError(409, "That could not be done", " ".join(error.messages))
        )
    context = _page_context(target.followup, action)
    context.update(title=action.done_title, message=action.done_message, failed=False)
    if purpose == links.UNSUBSCRIBE:
        context["settings_path"] = reverse("settings")
    return render(request, "reminders/link_result.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_done(request, token):
    return _confirm_then_act(request, token, links.DONE)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_snooze(request, token):
    return _confirm_then_act(request, token, links.SNOOZE)


# One-click unsubscribe (RFC 8058): the mail provider POSTs
# "List-Unsubscribe=One-Click" with no cookies and no form, so there is no
# CSRF token to check. The signed token in the URL is the credential, and
# pausing reminders is all it can do.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_unsubscribe(request, token):
    return _confirm_then_act(request, token, links.UNSUBSCRIBE)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def link_card(request, token):
    """Download the thank-you card: reading changes nothing, so no POST step."""
    try:
        target = link_check(token, purpose=links.CARD, user=request.user)
    except LinkError as error:
        return _problem(request, error)
    if target.followup.kind != FollowUp.Kind.THANK_YOU:
        return _problem(
            request,
            LinkError(404, "No card for this follow-up", "Only thank-you notes become cards."),
        )
    # Imported here: printing pulls in WeasyPrint, which the rest of the links
    # do not need.
    from reminders.cards.printing import card_pdf_response

    return card_pdf_response(followups=[target.followup], request=request)
