"""Applications and follow-ups as CSV files, for a spreadsheet.

Each table is a list of (heading, value) columns: what a row shows is read
from one list, not from a loop of special cases. Times are written in the
candidate's own zone, as the site shows them; one query per table.
"""

import csv
import io

from django.db.models import Count, Max
from django.utils import timezone

from interviews.models import Application
from reminders.models import FollowUp

# A spreadsheet runs a cell that starts with one of these as a formula: a
# company name like "=HYPERLINK(...)" in a shared sheet is an attack, so
# such cells get a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(moment, tz):
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _day(value):
    return value.isoformat() if value else ""


APPLICATION_COLUMNS = [
    ("Company", lambda a, tz: a.company),
    ("Role", lambda a, tz: a.role),
    ("Applied on", lambda a, tz: _day(a.applied_date)),
    ("How applied", lambda a, tz: a.applied_via),
    ("Status", lambda a, tz: a.get_status_display()),
    ("Status since", lambda a, tz: _local(a.status_changed_at, tz)),
    ("Main contact", lambda a, tz: a.main_contact.name if a.main_contact else ""),
    ("Main contact email", lambda a, tz: a.main_contact.email if a.main_contact else ""),
    ("Interviews", lambda a, tz: a.interview_count),
    ("Latest interview", lambda a, tz: _local(a.latest_interview_at, tz)),
    ("Employer replied", lambda a, tz: _local(a.employer_replied_at, tz)),
    ("Job posting", lambda a, tz: a.posting_url),
    ("Company address", lambda a, tz: a.company_address),
    ("Notes", lambda a, tz: a.notes),
    ("Added", lambda a, tz: _local(a.created_at, tz)),
]

FOLLOWUP_COLUMNS = [
    ("Company", lambda f, tz: f.application.company),
    ("Role", lambda f, tz: f.application.role),
    ("Follow-up", lambda f, tz: f.get_kind_display()),
    ("Person", lambda f, tz: f.contact.name if f.contact else ""),
    ("Interview", lambda f, tz: _local(f.interview.starts_at, tz) if f.interview else ""),
    ("Status", lambda f, tz: f.get_status_display()),
    ("Why", lambda f, tz: f.status_reason),
    ("Opens", lambda f, tz: _local(f.opens_at, tz)),
    ("Due", lambda f, tz: _local(f.due_at, tz)),
    ("Snoozed until", lambda f, tz: _local(f.snoozed_until, tz)),
    ("Planned channel", lambda f, tz: f.get_channel_display()),
    ("Done", lambda f, tz: _local(f.done_at, tz)),
    ("Done by", lambda f, tz: f.get_done_channel_display() if f.done_channel else ""),
    ("Subject", lambda f, tz: f.subject),
    ("Draft", lambda f, tz: f.draft),
]


def applications_rows(*, candidate):
    return (
        Application.objects.for_user(candidate.user)
        .select_related("main_contact", "candidate")
        .annotate(
            interview_count=Count("interviews"), latest_interview_at=Max("interviews__starts_at")
        )
        .order_by("created_at", "pk")
    )


def followups_rows(*, candidate):
    return (
        FollowUp.objects.for_user(candidate.user)
        .select_related("application", "contact", "interview")
        .order_by("due_at", "pk")
    )


def table_csv(*, columns, rows, tz):
    """The CSV text: a header row, then one row per item."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for heading, _ in columns])
    for row in rows:
        writer.writerow([_cell(value(row, tz)) for _, value in columns])
    return out.getvalue()


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# What each download holds, by its name in the URL.
TABLES = {
    "applications": (APPLICATION_COLUMNS, applications_rows),
    "followups": (FOLLOWUP_COLUMNS, followups_rows),
}


def table_for(*, name, candidate):
    columns, rows = TABLES[name]
    return table_csv(columns=columns, rows=rows(candidate=candidate), tz=candidate.tz)
