"""Reading the sample invitations: each shaped like one calendar server's output."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interviews.invitations import people as who
from interviews.invitations.reading import MAX_BYTES, InvitationError, Person, invitation_read

SAMPLES = Path(__file__).parent / "invitations"
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def read(name, *, tz=BERLIN, now=NOW):
    return invitation_read((SAMPLES / name).read_bytes(), tz=tz, now=now)


def only(name, **kwargs):
    (event,) = read(name, **kwargs)
    return event


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_google_invitation_in_utc_with_its_meet_link_and_everyone_named():
    event = only("google-meet.ics")
    assert event.uid == "4hq0v2c1l8mkf3p9s7tq1b2e6u@google.com"
    assert (event.starts_at, event.ends_at) == (utc(2026, 12, 10, 15), utc(2026, 12, 10, 16))
    assert event.summary == "Interview: Data Engineer at Northwind"
    assert event.video_link == "https://meet.google.com/abc-defg-hij"
    assert "Looking forward to talking about the Data Engineer role." in event.description
    assert [(p.name, p.email, p.organizer, p.kind) for p in event.people] == [
        ("Dana Whitfield", "dana.whitfield@northwind.test", True, "INDIVIDUAL"),
        # Google repeats the address as CN; a one-word local part gives no name.
        ("", "sam@example.com", False, "INDIVIDUAL"),
        ("Lee Park", "lee.park@northwind.test", False, "INDIVIDUAL"),
        ("NYC-5-Boardroom (8)", "c_188a2b3c4d@resource.calendar.google.com", False, "RESOURCE"),
    ]


def test_outlook_windows_zone_name_and_teams_link():
    event = only("outlook-teams.ics")
    # 10:00 "Pacific Standard Time" in December is 18:00 UTC (PST, UTC-8).
    assert (event.starts_at, event.ends_at) == (utc(2026, 12, 11, 18), utc(2026, 12, 11, 19, 15))
    assert event.video_link.startswith("https://teams.microsoft.com/l/meetup-join/19%3ameeting_")
    assert event.location == "Microsoft Teams Meeting"
    assert event.uid.startswith("040000008200E00074C5B7101A82E008") and event.uid.endswith("9D8E")
    names = [p.name for p in event.people]
    # "Park, Lee" is how Exchange writes a name; a card says "Lee Park".
    assert names == ["Lee Park", "Sam Okafor", "Kim Lee", "Maria Alvarez", "Conf Room Rainier"]
    assert event.people[-1].kind == "ROOM"


def test_outlook_update_and_cancellation_keep_the_uid():
    first, update, cancel = (
        only(n)
        for n in ("outlook-teams.ics", "outlook-teams-update.ics", "outlook-teams-cancel.ics")
    )
    assert first.uid == update.uid == cancel.uid
    assert (first.sequence, update.sequence, cancel.sequence) == (0, 1, 2)
    assert update.starts_at == utc(2026, 12, 14, 21, 30)
    assert not first.cancelled and not update.cancelled and cancel.cancelled


def test_apple_floating_times_are_read_in_the_candidates_zone_with_bare_lf_and_folds():
    in_berlin = only("apple-floating.ics")
    in_tokyo = only("apple-floating.ics", tz=TOKYO)
    assert in_berlin.floating
    assert in_berlin.starts_at == utc(2026, 12, 9, 13)  # 14:00 in Berlin
    assert in_tokyo.starts_at == utc(2026, 12, 9, 5)  # 14:00 in Tokyo
    assert in_berlin.location == "Fabrikam HQ, 1 Harbour Road, Bristol"
    assert in_berlin.video_link == ""
    assert [p.name for p in in_berlin.people] == ["Jordan Reyes", "Priya Natarajan"]
    # The organiser is also listed as an attendee: one row, marked organiser.
    assert [p.organizer for p in in_berlin.people] == [True, False]


def test_booking_tool_with_duration_and_zoom_in_location():
    event = only("calendly-zoom.ics")
    assert (event.starts_at, event.ends_at) == (utc(2026, 12, 8, 17), utc(2026, 12, 8, 17, 30))
    assert event.video_link == "https://tailspin.zoom.us/j/81234567890?pwd=abcDEF"


def test_no_end_and_no_duration_lasts_an_hour_and_windows_zone_without_vtimezone():
    event = only("ats-noreply.ics")
    # 09:30 "W. Europe Standard Time" is 08:30 UTC in December (CET).
    assert (event.starts_at, event.ends_at) == (utc(2026, 12, 15, 8, 30), utc(2026, 12, 15, 9, 30))
    assert event.sequence == 3


def test_eml_with_calendar_part_base64_and_non_ascii_names():
    event = only("google-invitation.eml")
    assert event.uid == "7kq2m9x4p1@google.com"
    assert event.starts_at == utc(2026, 12, 11, 13, 30)  # 14:30 in Berlin
    assert event.people[0].name == "Zoë Müller"
    assert event.location == "Proseware GmbH, Torstraße 5, Berlin"


def test_several_events_all_day_holds_left_out():
    events = read("panel-day.ics")
    assert [e.uid for e in events] == ["litware-1@litware.test", "litware-2@litware.test"]
    assert events[1].starts_at == utc(2026, 12, 16, 11)  # London is on GMT in December


def test_recurring_event_gives_its_next_occurrence_skipping_exdates():
    event = only("recurring.ics")
    # Weekly from 4 November at 11:00 New York; 2 December is excluded.
    assert event.recurring
    assert (event.starts_at, event.ends_at) == (utc(2026, 12, 9, 16), utc(2026, 12, 9, 16, 45))
    later = only("recurring.ics", now=utc(2027, 3, 1))
    # After the series ended: its last occurrence (23 December).
    assert later.starts_at == utc(2026, 12, 23, 16)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("all-day.ics", "all-day event"),
        ("no-event.ics", "no event"),
        ("not-a-calendar.txt", "not a calendar invitation"),
        ("broken-encoding.ics", "not valid UTF-8"),
        ("no-calendar.eml", "no calendar invitation in it"),
    ],
)
def test_bad_input_is_refused_with_a_reason(name, words):
    with pytest.raises(InvitationError, match=words):
        read(name)


def test_a_five_megabyte_file_is_refused_before_parsing():
    sample = (SAMPLES / "google-meet.ics").read_bytes()
    data = (sample * (5_000_000 // len(sample) + 1))[:5_000_000]
    assert len(data) > MAX_BYTES
    with pytest.raises(InvitationError, match=r"is 5\.0 MB; an invitation is at most 1 MB"):
        invitation_read(data, tz=BERLIN, now=NOW)


def test_a_start_time_that_cannot_be_read_is_refused():
    text = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n"
    with pytest.raises(InvitationError, match="start time could not be read"):
        invitation_read(text, tz=BERLIN, now=NOW)


def test_pasted_text_with_mail_quoting_around_it():
    text = "Forwarded:\n\n" + (SAMPLES / "calendly-zoom.ics").read_text() + "\n-- \nSam"
    (event,) = invitation_read(text.encode(), tz=BERLIN, now=NOW)
    assert event.summary == "Phone screen: Product Designer (Tailspin)"


# Whom to thank by default -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (
            "google-meet.ics",
            ["", who.REASON_YOU, "", who.REASON_ROOM],
        ),
        (
            "outlook-teams.ics",
            ["", who.REASON_YOU, "", "", who.REASON_ROOM],
        ),
        ("calendly-zoom.ics", [who.REASON_AUTOMATIC, "", who.REASON_YOU]),
        (
            "ats-noreply.ics",
            [who.REASON_AUTOMATIC, "", "", who.REASON_GROUP, who.REASON_YOU],
        ),
    ],
)
def test_rooms_the_candidate_and_automatic_senders_are_unticked(sample, expected):
    event = only(sample)
    reasons = [who.left_out_reason(p, own_addresses={"sam@example.com"}) for p in event.people]
    assert reasons == expected


def test_a_booking_tools_organiser_with_a_personal_looking_address_is_still_a_scheduler():
    person = Person(name="Tailspin Hiring", email="hiring@tailspin.lever.co")
    assert who.left_out_reason(person, own_addresses=set()) == who.REASON_SCHEDULER


@pytest.mark.parametrize(
    ("mail", "company"),
    [
        ("dana@northwind.test", "Northwind"),
        ("talent@northwind-traders.co.uk", "Northwind Traders"),
        ("jo@mail.fabrikam.com", "Fabrikam"),
        ("friend@gmail.com", ""),
        ("notifications@calendly.com", ""),
    ],
)
def test_company_from_the_organisers_domain(mail, company):
    assert who.company_from_domain(mail) == company


@pytest.mark.parametrize(
    ("summary", "role", "company"),
    [
        ("Interview: Data Engineer at Northwind", "Data Engineer", "Northwind"),
        ("Phone screen: Product Designer (Tailspin)", "Product Designer", ""),
        ("Panel interview – Backend Engineer at Woodgrove", "Backend Engineer", "Woodgrove"),
        ("Interview with Sam Okafor", "", "Sam Okafor"),
        ("Coffee", "", ""),
    ],
)
def test_role_and_company_from_the_summary(summary, role, company):
    assert who.role_from_summary(summary) == role
    assert who.company_from_summary(summary) == company
