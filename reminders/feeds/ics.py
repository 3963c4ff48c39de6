"""iCalendar events for follow-ups and interviews (RFC 5545, through ``icalendar``).

Times are written in UTC, so no VTIMEZONE is needed and every calendar app
shows them in its own zone. UIDs come from the row's id and the site's host,
so a refreshed feed updates the events it sent before instead of adding
copies.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone

PRODID = "-//Follow-up//Follow-ups and interviews//EN"
# Calendar apps may poll more slowly, but never need to poll faster.
REFRESH = timedelta(hours=1)
# A follow-up is a task, not a meeting: a short block at its window that
# does not mark the candidate busy.
FOLLOWUP_BLOCK = timedelta(minutes=30)
INTERVIEW_ALARM = timedelta(hours=1)
# Interviews stay in the feed this long after they end, so this week's view
# does not lose the interview that happened yesterday.
INTERVIEWS_KEPT = timedelta(days=30)
# SEQUENCE counts edits; the seconds since this instant always grow with them.
_SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


def _uid(kind, pk):
    return f"{kind}-{pk}@{urlsplit(settings.SITE_URL).hostname}"


def _sequence(moment):
    return max(0, int((moment - _SEQUENCE_EPOCH).total_seconds()))


def _local(moment, tz):
    return dateformat.format(timezone.localtime(moment, tz), "l j F, H:i")


def _base(event, *, uid, updated_at, summary, url):
    event.add("uid", uid)
    event.add("dtstamp", updated_at.astimezone(UTC))
    event.add("last-modified", updated_at.astimezone(UTC))
    event.add("sequence", _sequence(updated_at))
    event.add("summary", summary)
    event.add("url", url)


def _alarm(summary, trigger):
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", trigger)
    return alarm


def followup_starts(followup):
    """When the follow-up asks for attention: its window, or the end of a snooze."""
    if followup.snoozed_until and followup.snoozed_until > followup.opens_at:
        return followup.snoozed_until
    return followup.opens_at


def followup_event(followup, *, tz, alarm=False):
    """One planned or open follow-up; needs its application and contact loaded."""
    event = icalendar.Event()
    url = _absolute(reverse("followup_detail", args=[followup.pk]))
    summary = f"{followup.heading} ({followup.application.company})"
    _base(
        event,
        uid=_uid("followup", followup.pk),
        updated_at=followup.updated_at,
        summary=summary,
        url=url,
    )
    starts = followup_starts(followup)
    event.add("dtstart", starts.astimezone(UTC))
    event.add("dtend", (starts + FOLLOWUP_BLOCK).astimezone(UTC))
    event.add("transp", "TRANSPARENT")
    lines = [f"Due by {_local(followup.due_at, tz)} ({tz.key})."]
    if followup.draft_first_line:
        lines.append(f"Draft: {followup.draft_first_line}")
    lines.append(f"Open it: {url}")
    event.add("description", "\n\n".join(lines))
    event.add("categories", [followup.get_kind_display()])
    if alarm:
        event.add_component(_alarm(summary, timedelta(0)))
    return event


def interview_event(interview, *, tz, alarm=False):
    """One interview; needs its application and participants' contacts loaded."""
    event = icalendar.Event()
    application = interview.application
    url = _absolute(reverse("interview_detail", args=[interview.pk]))
    summary = f"{interview.get_round_display()}: {application.role} at {application.company}"
    _base(
        event,
        uid=_uid("interview", interview.pk),
        updated_at=interview.updated_at,
        summary=summary,
        url=url,
    )
    event.add("dtstart", interview.starts_at.astimezone(UTC))
    event.add("dtend", interview.ends_at.astimezone(UTC))
    if interview.location:
        event.add("location", interview.location)
    names = [p.contact.name for p in interview.participants.all()]
    lines = [f"{interview.get_format_display()}, {_local(interview.starts_at, tz)} ({tz.key})."]
    if names:
        lines.append("With " + ", ".join(names) + ".")
    lines.append(f"Right after, write your notes: {url}")
    event.add("description", "\n\n".join(lines))
    if alarm:
        event.add_component(_alarm(summary, -INTERVIEW_ALARM))
    return event


def calendar_for(*, name, events):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", "Your follow-ups and interviews, from Follow-up.")
    # RFC 7986's hint, and the older one Outlook and Apple read.
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for event in events:
        calendar.add_component(event)
    return calendar
