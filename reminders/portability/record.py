"""The record of applications made, for a job agency (a German Jobcenter's
*Bewerbungsnachweis*, for one): the candidate's applications in a period,
one row each, as a printable PDF or as CSV.

``record_build`` reads the rows in one query; ``record_pdf`` and
``record_csv`` write them out. Both formats print the same rows.

Safety: every value reaches the PDF template as autoescaped text, and
WeasyPrint fetches through ``RecordAssetFetcher``, which serves the record's
one stylesheet and refuses every other URL (the card renderer's sandbox,
narrowed further), so nothing a candidate types or imports can make the
renderer read a file or call the network. The fonts are the site's own
stack, found by the system's font configuration, not fetched.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import weasyprint
from django.db.models import Count, Max
from django.db.models.functions import Coalesce, TruncDate
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint.urls import FatalURLFetchingError

from interviews.models import Application, Candidate
from reminders.cards.fetcher import AssetRefused, CardAssetFetcher

ASSET_ORIGIN = "https://record-assets.invalid/"  # never resolves; served by the fetcher
CSS_URL = ASSET_ORIGIN + "static/record/record.css"

# 500 rows with addresses and contacts take about 13 s to lay out here, well
# inside gunicorn's 30 s timeout (gunicorn.conf.py); 1,500 would not be. Past
# this the candidate is asked for a shorter period (the CSV has no limit).
MAX_PDF_ROWS = 500

NOT_RECORDED = "Not recorded"

# What each status means on a record for an agency: the application's outcome.
OUTCOMES = {
    Application.Status.ACTIVE: "Open",
    Application.Status.OFFER: "Offer",
    Application.Status.REJECTED: "Rejected",
    Application.Status.WITHDRAWN: "Withdrawn",
}

CSV_HEADER = (
    "Date applied",
    "Employer",
    "Employer address",
    "Role",
    "How applied",
    "Job posting URL",
    "Contact",
    "Contact email",
    "Contact phone",
    "Status",
    "Status changed on",
    "Interviews",
    "Last interview on",
)


class RecordTooLong(ValueError):
    """More rows than one PDF should hold; the candidate picks a shorter period."""


@dataclass(frozen=True)
class RecordRow:
    applied_on: date
    employer: str
    employer_address: list[str]  # one line each
    role: str
    how_applied: str
    posting_url: str
    contact: str
    contact_title: str
    contact_email: str
    contact_phone: str
    status: str  # the outcome, in OUTCOMES' words
    status_changed_on: date | None  # None while the application is open
    interviews: int
    last_interview_on: date | None


@dataclass(frozen=True)
class Record:
    candidate_name: str
    candidate_address: list[str]
    start: date
    end: date
    made_on: date
    paper: str  # Candidate.PaperSize: the candidate's own paper
    rows: list[RecordRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    def outcome_counts(self) -> list[tuple[str, int]]:
        """(outcome, how many) for the outcomes present, in OUTCOMES' order."""
        counts = Counter(row.status for row in self.rows)
        return [(label, counts[label]) for label in OUTCOMES.values() if counts[label]]


# ---------------------------------------------------------------- the rows


def applied_on_expression(tz):
    """The one rule for an application's "date applied", as a database expression.

    The date the candidate recorded, else the day the application was entered
    here, in the candidate's zone: an entry at 23:30 in Los Angeles counts on
    that Los Angeles day although UTC has reached the next. (Application.applied_date
    says the same for one row; the record filters and sorts on it in the query.)
    """
    return Coalesce("applied_on", TruncDate("created_at", tzinfo=tz))


def record_applications(*, candidate: Candidate, start: date, end: date):
    """The candidate's applications whose date applied falls in [start, end], oldest first.

    One query: the main contact is joined and the interviews aggregated.
    """
    return (
        Application.objects.filter(candidate=candidate)
        .annotate(
            applied_on_date=applied_on_expression(candidate.tz),
            interview_count=Count("interviews"),
            last_interview_at=Max("interviews__starts_at"),
        )
        .filter(applied_on_date__gte=start, applied_on_date__lte=end)
        .select_related("main_contact")
        .order_by("applied_on_date", "created_at", "pk")
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def how_applied(application: Application) -> str:
    """How the application was made: as the candidate recorded it, else from
    its posting URL (made online through that posting, whose site is named),
    else the record says it is not known."""
    if application.applied_via.strip():
        return application.applied_via.strip()
    if not application.posting_url:
        return NOT_RECORDED
    host = (urlsplit(application.posting_url).hostname or "").removeprefix("www.")
    return f"Online ({host})" if host else "Online (job posting)"


def _local_date(moment, tz) -> date | None:
    return moment.astimezone(tz).date() if moment else None


def _row(application: Application, tz) -> RecordRow:
    contact = application.main_contact
    is_open = application.status == Application.Status.ACTIVE
    return RecordRow(
        applied_on=application.applied_on_date,
        employer=application.company,
        employer_address=_lines(application.company_address),
        role=application.role,
        how_applied=how_applied(application),
        posting_url=application.posting_url,
        contact=contact.name if contact else "",
        contact_title=contact.title if contact else "",
        contact_email=contact.email if contact else "",
        contact_phone=contact.phone if contact else "",
        status=OUTCOMES[application.status],
        status_changed_on=None if is_open else _local_date(application.status_changed_at, tz),
        interviews=application.interview_count,
        last_interview_on=_local_date(application.last_interview_at, tz),
    )


def record_build(*, candidate: Candidate, start: date, end: date) -> Record:
    """The record for [start, end], both days included, in the candidate's own calendar."""
    tz = candidate.tz
    applications = record_applications(candidate=candidate, start=start, end=end)
    return Record(
        candidate_name=candidate.display_name,
        candidate_address=_lines(candidate.return_address),
        start=start,
        end=end,
        made_on=timezone.localdate(timezone=tz),
        paper=candidate.paper_size,
        rows=[_row(application, tz) for application in applications],
    )


# ---------------------------------------------------------------- the PDF


class RecordAssetFetcher(CardAssetFetcher):
    """The card fetcher's sandbox, narrowed to exactly one URL: record.css."""

    def asset_path(self, url: str):
        if url != CSS_URL:
            raise AssetRefused(f"Refused URL outside the record's assets: {url[:200]}")
        return (self.static_root / "record" / "record.css").resolve(strict=True)


def record_pdf(*, record: Record) -> bytes:
    if record.total > MAX_PDF_ROWS:
        raise RecordTooLong(
            f"{record.total} applications are more than one record holds "
            f"({MAX_PDF_ROWS}): choose a shorter period, or download the CSV."
        )
    html = render_to_string(
        "reminders/portability/record_pdf.html", {"record": record, "css_url": CSS_URL}
    )
    try:
        document = weasyprint.HTML(
            string=html, base_url=ASSET_ORIGIN, url_fetcher=RecordAssetFetcher()
        )
        return document.write_pdf()
    except FatalURLFetchingError as error:
        # A BaseException upstream; turn it into an ordinary error for views.
        raise RuntimeError(f"The record was refused an asset: {error}") from error


# ---------------------------------------------------------------- the CSV

# A spreadsheet runs a cell that starts with one of these as a formula, and
# imported rows (a company name from someone else's file) can start with any.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def record_csv(*, record: Record) -> str:
    """The record's rows as CSV text, a header first; dates in ISO format."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in record.rows:
        values = (
            row.applied_on,
            row.employer,
            ", ".join(row.employer_address),
            row.role,
            row.how_applied,
            row.posting_url,
            row.contact,
            row.contact_email,
            row.contact_phone,
            row.status,
            row.status_changed_on,
            row.interviews,
            row.last_interview_on,
        )
        writer.writerow([_cell(value) for value in values])
    return out.getvalue()
