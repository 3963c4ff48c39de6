"""Emails to the candidate, each rendered from a template trio.

templates/emails/<name>-subject.txt, <name>-body-text.txt and
<name>-body-html.html. Each email is built here and sent by the caller, so
a message that cannot be rendered is told apart from one the server refused.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from reminders.models import FollowUp

from . import links


def _render(name, context):
    # A subject is one line; a template's trailing newline or wrapped text
    # must not turn into a header continuation.
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return subject, text, html


def _message(name, to, context, headers=None):
    subject, text, html = _render(name, context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def _for_whom(followup):
    if not followup.contact_id:
        return ""
    contact = followup.contact
    return f"{contact.name}, {contact.title}" if contact.title else contact.name


def _when(moment, tz):
    return dateformat.format(timezone.localtime(moment, tz), "D j M, H:i T")


def _item(followup, tz):
    has_card = (
        followup.kind == FollowUp.Kind.THANK_YOU and followup.channel == FollowUp.Channel.CARD
    )
    return {
        "followup": followup,
        "heading": followup.heading,
        "kind": followup.get_kind_display(),
        "for_whom": _for_whom(followup),
        "application": followup.application,
        "channel": followup.get_channel_display(),
        "due": _when(followup.due_at, tz),
        "subject": followup.subject,
        "draft": followup.draft,
        "open_url": links.followup_url(followup),
        "done_url": links.link_url(purpose=links.DONE, followup=followup),
        "snooze_url": links.link_url(purpose=links.SNOOZE, followup=followup),
        "card_url": links.link_url(purpose=links.CARD, followup=followup) if has_card else "",
    }


def reminder_context(*, candidate, followups):
    items = [_item(followup, candidate.tz) for followup in followups]
    unsubscribe_url = links.link_url(purpose=links.UNSUBSCRIBE, followup=followups[0])
    return {
        "candidate": candidate,
        "greeting_name": _greeting_name(candidate),
        "items": items,
        "first": items[0],
        "more": len(items) - 1,
        "time_zone": candidate.time_zone,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": links.absolute(reverse("settings")),
        "dashboard_url": links.absolute(reverse("dashboard")),
    }


def _unsubscribe_headers(url):
    # RFC 8058 one-click unsubscribe: mail providers POST to this URL without
    # cookies or a form; the signed token alone pauses reminders.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _greeting_name(candidate):
    return candidate.signing_name or (candidate.full_name.split() or ["there"])[0]


def digest_context(*, candidate, plan):
    tz = candidate.tz
    groups = []
    for application, entries in plan.groups():
        items = []
        for entry in entries:
            item = _item(entry.followup, tz)
            item["section"] = entry.section
            item["when"] = entry.when(plan.day, tz)
            item["first_line"] = entry.followup.draft_first_line
            items.append(item)
        groups.append({"application": application, "items": items})
    return {
        "candidate": candidate,
        "greeting_name": _greeting_name(candidate),
        "groups": groups,
        "total": len(plan.entries),
        "summary": plan.summary(),
        "day": dateformat.format(plan.day.start, "l j F"),
        "day_short": dateformat.format(plan.day.start, "D j M"),
        "digest_time": f"{candidate.digest_time:%H:%M}",
        "time_zone": candidate.time_zone,
        "unsubscribe_url": links.link_url(
            purpose=links.UNSUBSCRIBE, followup=plan.entries[0].followup
        ),
        "settings_url": links.absolute(reverse("settings")),
        "dashboard_url": links.absolute(reverse("dashboard")),
    }


def digest(*, to, candidate, plan):
    """The morning digest, rendered and ready to send: everything that needs the
    candidate today, in one email."""
    context = digest_context(candidate=candidate, plan=plan)
    return _message("digest", to, context, _unsubscribe_headers(context["unsubscribe_url"]))


def reminder(*, to, candidate, followups):
    """One email, rendered and ready to send, for every follow-up of this candidate
    that needs attention now."""
    context = reminder_context(candidate=candidate, followups=followups)
    return _message("reminder", to, context, _unsubscribe_headers(context["unsubscribe_url"]))
