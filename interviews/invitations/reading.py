"""Read a calendar invitation into the events it holds (RFC 5545, through ``icalendar``).

Invitations arrive in every shape calendar servers produce: CRLF or bare LF,
folded lines, Windows zone names ("Pacific Standard Time") or a VTIMEZONE of
their own, floating and UTC times, DURATION instead of DTEND, recurring
series, several events in one file, and e-mails with the calendar as one
part of a multipart message. Everything that cannot become an interview is
refused with a sentence the candidate can act on (InvitationError).
"""

import email
import email.policy
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

import icalendar
from dateutil.rrule import rrulestr
from icalendar.error import BrokenCalendarProperty

# Invitations are a few kilobytes; a megabyte leaves room for a long agenda
# and an embedded logo while refusing what is plainly not an invitation.
MAX_BYTES = 1_000_000
# Without DTEND or DURATION an event has no length; an hour is the usual slot.
DEFAULT_LENGTH = timedelta(hours=1)

VIDEO_HOSTS = (
    "zoom.us",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "whereby.com",
    "meet.jit.si",
    "chime.aws",
    "gotomeeting.com",
    "bluejeans.com",
)
_VIDEO_LINK = re.compile(
    r"https?://(?:[\w-]+\.)*(?:" + "|".join(re.escape(h) for h in VIDEO_HOSTS) + r")/[^\s<>\"']*",
    re.IGNORECASE,
)
# Properties some servers use for the meeting link instead of LOCATION or URL.
_LINK_PROPERTIES = ("URL", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL")
_CALENDAR_TYPES = ("text/calendar", "application/ics", "application/x-ics")


class InvitationError(Exception):
    """Why this input gives no interview, in words for the upload page."""


@dataclass
class Person:
    name: str
    email: str
    organizer: bool = False
    # RFC 5545 CUTYPE: INDIVIDUAL, GROUP, RESOURCE, ROOM or UNKNOWN.
    kind: str = "INDIVIDUAL"


@dataclass
class Event:
    uid: str
    sequence: int
    cancelled: bool
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    video_link: str
    description: str
    people: list[Person] = field(default_factory=list)
    recurring: bool = False
    # Floating times carry no zone; they were read in the candidate's.
    floating: bool = False

    @property
    def organizer(self):
        return next((p for p in self.people if p.organizer), None)

    def to_data(self):
        data = asdict(self)
        data["starts_at"] = self.starts_at.isoformat()
        data["ends_at"] = self.ends_at.isoformat()
        return data

    @classmethod
    def from_data(cls, data):
        people = [Person(**person) for person in data.pop("people")]
        starts_at = datetime.fromisoformat(data.pop("starts_at"))
        ends_at = datetime.fromisoformat(data.pop("ends_at"))
        return cls(**data, starts_at=starts_at, ends_at=ends_at, people=people)


def invitation_read(data, *, tz, now):
    """The timed events in `data` (bytes of an .ics, an .eml or pasted text).

    `tz` reads floating times (the candidate's zone); `now` picks the next
    occurrence of a recurring event. Raises InvitationError.
    """
    if len(data) > MAX_BYTES:
        raise InvitationError(
            f"This file is {len(data) / 1_000_000:.1f} MB; an invitation is at most "
            f"{MAX_BYTES // 1_000_000} MB. Upload the invitation itself (.ics or .eml)."
        )
    calendar = _parse(_calendar_text(data))
    cancelled_calendar = str(calendar.get("METHOD", "")).upper() == "CANCEL"
    events, all_day = [], 0
    for component in calendar.walk("VEVENT"):
        if _is_all_day(component):
            all_day += 1
            continue
        events.append(_event(component, tz=tz, now=now, cancelled=cancelled_calendar))
    if not events:
        if all_day:
            raise InvitationError(
                "This is an all-day event, and an interview has a start time. "
                "Add the interview by hand, or upload the invitation with its time."
            )
        raise InvitationError(
            "This calendar has no event in it. Upload the invitation for the interview itself."
        )
    return events


def _calendar_text(data):
    """The iCalendar text inside raw .ics bytes, pasted text or a whole e-mail."""
    text = _decode(data, "The file")
    start = text.find("BEGIN:VCALENDAR")
    if start != -1:
        end = text.rfind("END:VCALENDAR")
        return text[start : end + len("END:VCALENDAR")] if end > start else text[start:]
    if re.match(r"(?:[\w-]+:.*\r?\n)+", text) and re.search(r"(?im)^content-type:", text):
        return _calendar_in_message(data)
    raise InvitationError(
        "This is not a calendar invitation: it has no BEGIN:VCALENDAR. Upload the .ics "
        "file, the invitation e-mail saved as .eml, or paste the invitation's text."
    )


def _decode(data, what):
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # RFC 5545 calendars are UTF-8; guessing another encoding would turn
        # interviewers' names into mojibake on a card.
        raise InvitationError(
            f"{what} is not valid UTF-8 text (a broken byte at position {error.start}), so "
            "names in it would come out garbled. Export the invitation again, or paste it."
        ) from None


def _calendar_in_message(data):
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() in _CALENDAR_TYPES or filename.endswith(".ics"):
            try:
                content = part.get_content()
            except (LookupError, UnicodeDecodeError, ValueError):
                raise InvitationError(
                    "The calendar part of this e-mail is not readable text (its encoding is "
                    "broken). Save the invitation's .ics attachment and upload that instead."
                ) from None
            text = _decode(content, "The calendar part of this e-mail")
            if "BEGIN:VCALENDAR" in text:
                return text[text.find("BEGIN:VCALENDAR") :]
    raise InvitationError(
        "This e-mail has no calendar invitation in it (no text/calendar part). "
        "Open the invitation itself and save it, or upload its .ics attachment."
    )


def _parse(text):
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        raise InvitationError(
            f"This calendar could not be read: {_short(error)}. Export the invitation again."
        ) from None
    if isinstance(calendar, list):  # several VCALENDARs: read them as one
        merged = icalendar.Calendar()
        for each in calendar:
            for component in each.subcomponents:
                merged.add_component(component)
            if "METHOD" in each:
                merged["METHOD"] = each["METHOD"]
        calendar = merged
    return calendar


def _short(error):
    return str(error).split(":")[0][:120]


def _value(prop):
    """A date, datetime or duration property's value; None when absent or unreadable."""
    try:
        return getattr(prop, "dt", None)
    except BrokenCalendarProperty:
        return None


def _is_all_day(component):
    value = _value(component.get("DTSTART"))
    return isinstance(value, date) and not isinstance(value, datetime)


def _when(component, name, *, tz):
    prop = component.get(name)
    value = _value(prop)
    if value is None:
        if prop is not None:
            what = "start" if name == "DTSTART" else "end"
            raise InvitationError(
                f"The event's {what} time could not be read (“{str(prop)[:40]}”). "
                "Export the invitation again, or add the interview by hand."
            )
        return None, False
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        return value.replace(tzinfo=tz), True
    return value, False


def _event(component, *, tz, now, cancelled):
    starts_at, floating = _when(component, "DTSTART", tz=tz)
    if starts_at is None:
        raise InvitationError("The event has no start time (DTSTART).")
    ends_at, _ = _when(component, "DTEND", tz=tz)
    if ends_at is None:
        duration = _value(component.get("DURATION"))
        ends_at = starts_at + (duration if isinstance(duration, timedelta) else DEFAULT_LENGTH)
    length = ends_at - starts_at
    recurring = "RRULE" in component
    if recurring:
        starts_at = _next_occurrence(component, starts_at, now=now)
        ends_at = starts_at + length
    description = str(component.get("DESCRIPTION", "")).strip()
    location = str(component.get("LOCATION", "")).strip()
    status = str(component.get("STATUS", "")).upper()
    return Event(
        uid=str(component.get("UID", "")).strip()[:255],
        sequence=_sequence(component),
        cancelled=cancelled or status == "CANCELLED",
        summary=str(component.get("SUMMARY", "")).strip()[:300],
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        location=location[:500],
        video_link=_video_link(component, location, description),
        description=description[:2000],
        people=_people(component),
        recurring=recurring,
        floating=floating,
    )


def _sequence(component):
    try:
        return max(0, int(str(component.get("SEQUENCE", 0))))
    except ValueError:
        return 0


def _next_occurrence(component, starts_at, *, now):
    """The series' first occurrence that has not ended yet (or its last one)."""
    rule = component["RRULE"]
    rules = rule if isinstance(rule, list) else [rule]
    text = "\n".join("RRULE:" + r.to_ical().decode() for r in rules)
    try:
        series = rrulestr(text, dtstart=starts_at, forceset=True)
    except (ValueError, TypeError):
        return starts_at
    for exdate in _exdates(component):
        series.exdate(exdate)
    upcoming = series.after(now.astimezone(starts_at.tzinfo), inc=True)
    return upcoming or series.before(now.astimezone(starts_at.tzinfo)) or starts_at


def _exdates(component):
    value = component.get("EXDATE")
    for entry in value if isinstance(value, list) else [value] if value else []:
        for item in getattr(entry, "dts", []):
            if isinstance(item.dt, datetime):
                yield item.dt


def _video_link(component, location, description):
    for name in _LINK_PROPERTIES:
        value = str(component.get(name, "")).strip()
        if value.startswith(("https://", "http://")):
            return value[:500]
    for text in (location, description):
        if match := _VIDEO_LINK.search(text):
            return match[0].rstrip(".,;)>")[:500]
    return ""


def _people(component):
    """ORGANIZER and each ATTENDEE, once per address, organiser first."""
    found = {}
    entries = [("ORGANIZER", component.get("ORGANIZER"))]
    attendees = component.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    entries += [("ATTENDEE", attendee) for attendee in attendees]
    for role, address in entries:
        if address is None:
            continue
        mail = re.sub(r"(?i)^mailto:", "", str(address)).strip().lower()
        params = getattr(address, "params", {})
        name = display_name(str(params.get("CN", "")), mail)
        if not mail and not name:
            continue
        key = mail or name.lower()
        if key in found:
            found[key].organizer |= role == "ORGANIZER"
            continue
        found[key] = Person(
            name=name,
            email=mail if "@" in mail else "",
            organizer=role == "ORGANIZER",
            kind=str(params.get("CUTYPE", "INDIVIDUAL")).upper(),
        )
    return list(found.values())


def display_name(common_name, mail):
    """A name as a card addresses them: "Lee, Ann" → "Ann Lee"; none given → from the address."""
    name = " ".join(common_name.strip().strip('"').split())
    if name.lower() == mail.lower():
        name = ""
    if re.fullmatch(r"[^,@]+,\s*[^,@]+", name):
        last, first = (part.strip() for part in name.split(","))
        if " " not in last:
            name = f"{first} {last}"
    if not name and "@" in mail:
        local = mail.split("@")[0].split("+")[0]
        parts = [p for p in re.split(r"[._-]+", local) if p.isalpha()]
        name = " ".join(p.capitalize() for p in parts) if len(parts) > 1 else ""
    return name[:150]
