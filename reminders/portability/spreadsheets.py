"""Reading a job search kept in a spreadsheet: the file, its columns, its rows.

A CSV (comma, semicolon or tab; UTF-8 with or without a BOM, or
Windows-1252) or an .xlsx becomes a Table of strings. The columns are mapped
onto FIELDS, guessed from the header and corrected by the candidate; LinkedIn's
"Job Applications.csv" is known by its header and mapped without asking. Each
row then becomes a Row of clean values or a list of Problems naming the row,
the column and what is wrong. Nothing here touches the database.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from interviews.form_kit import EARLIEST_DATE
from interviews.models import Application

from .dates import moment_parse
from .text import simplified

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_CELL = 4000


class TableError(Exception):
    """A file that cannot be read as a table; the message is for the candidate."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    # Header words that name this column, compared without case, spaces or punctuation.
    names: tuple
    required: bool = False
    max_length: int = 200


FIELDS = (
    Field(
        "company",
        "Company",
        (
            "company",
            "companyname",
            "employer",
            "firma",
            "unternehmen",
            "arbeitgeber",
            "organisation",
            "organization",
        ),
        required=True,
    ),
    Field(
        "role",
        "Role",
        ("role", "jobtitle", "title", "position", "job", "stelle", "stellenbezeichnung", "rolle"),
        required=True,
    ),
    Field(
        "applied_on",
        "Applied on",
        (
            "appliedon",
            "applied",
            "applicationdate",
            "dateapplied",
            "date",
            "datum",
            "beworbenam",
            "bewerbungsdatum",
        ),
    ),
    Field("status", "Status", ("status", "stage", "state", "outcome", "ergebnis", "stand")),
    Field(
        "contact_name",
        "Contact name",
        ("contact", "contactname", "recruiter", "hiringmanager", "ansprechpartner", "kontakt"),
        max_length=150,
    ),
    Field(
        "contact_email",
        "Contact email",
        ("contactemail", "recruiteremail", "email", "emailaddress", "kontaktemail"),
    ),
    Field(
        "interview_at",
        "Interview date and time",
        (
            "interview",
            "interviewdate",
            "interviewat",
            "interviewtime",
            "vorstellungsgesprach",
            "gesprach",
        ),
    ),
    Field(
        "notes",
        "Notes",
        ("notes", "note", "comments", "comment", "notizen", "bemerkungen"),
        max_length=4000,
    ),
    Field(
        "job_url",
        "Job URL",
        (
            "joburl",
            "url",
            "link",
            "posting",
            "jobposting",
            "postingurl",
            "joblink",
            "stellenanzeige",
        ),
        max_length=500,
    ),
    Field(
        "applied_via",
        "How you applied",
        ("appliedvia", "howapplied", "source", "channel", "via", "quelle", "bewerbungsweg"),
        max_length=100,
    ),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

# LinkedIn's export names the applicant's own email and phone "Contact": they
# are not a person to follow up with, so they are left unmapped.
LINKEDIN_HEADER = (
    "Application Date", "Contact Email", "Contact Phone Number", "Company Name",
    "Job Title", "Job Url", "Resume Name", "Question And Answers",
)  # fmt: skip
LINKEDIN_MAPPING = {"applied_on": 0, "company": 3, "role": 4, "job_url": 5}
LINKEDIN_VIA = "LinkedIn"

# What people write in a status column, in English and German.
STATUS_WORDS = {
    Application.Status.ACTIVE: ("", "active", "applied", "open", "pending", "waiting",
                                "inprogress", "interview", "interviewing", "screening",
                                "submitted", "beworben", "offen", "laufend", "inbearbeitung",
                                "eingeladen"),
    Application.Status.OFFER: ("offer", "offered", "accepted", "hired", "angebot", "zusage",
                               "eingestellt"),
    Application.Status.REJECTED: ("rejected", "rejection", "declined", "notselected", "no",
                                  "absage", "abgelehnt"),
    Application.Status.WITHDRAWN: ("withdrawn", "withdrew", "cancelled", "canceled",
                                   "zuruckgezogen", "zurueckgezogen"),
}  # fmt: skip
STATUS_BY_WORD = {word: status for status, words in STATUS_WORDS.items() for word in words}

# Reading the file -----------------------------------------------------------------


@dataclass
class Table:
    header: list
    rows: list  # lists of strings, as long as the header
    source: str = "spreadsheet"

    @property
    def is_linkedin(self):
        return tuple(cell.strip() for cell in self.header) == LINKEDIN_HEADER


def _decoded(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252", errors="replace")


def _delimiter(text):
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return max(",;\t", key=first.count)


def _csv_rows(data):
    text = _decoded(data)
    if "\x00" in text:
        raise TableError("This file is not a CSV or .xlsx spreadsheet.")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data):
    import openpyxl  # only spreadsheets pay for loading it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError("This .xlsx file could not be opened. Save it again and retry.") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values[:MAX_COLUMNS]])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def table_read(data, filename=""):
    """The file as a Table, or a TableError saying what is wrong with it."""
    if not data:
        raise TableError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise TableError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    is_zip = data[:4] == b"PK\x03\x04"
    if filename.lower().endswith((".xls", ".ods", ".numbers")) and not is_zip:
        raise TableError("Save the spreadsheet as .xlsx or CSV first.")
    rows = _xlsx_rows(data) if is_zip else _csv_rows(data)
    rows = [[cell.strip()[:MAX_CELL] for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise TableError("The file has no rows.")
    header, body = rows[0], rows[1:]
    if len(header) > MAX_COLUMNS:
        raise TableError(f"The file has more than {MAX_COLUMNS} columns.")
    if not body:
        raise TableError("The file has a header but no rows below it.")
    if len(body) > MAX_ROWS:
        raise TableError(f"The file has more than {MAX_ROWS:,} rows; split it in two.")
    width = len(header)
    body = [(row + [""] * width)[:width] for row in body]
    table = Table(header=header, rows=body)
    if table.is_linkedin:
        table.source = "linkedin"
    return table


# Mapping the columns --------------------------------------------------------------


def mapping_guess(header):
    """{field key: column index} from the header's words; each column used once."""
    if tuple(cell.strip() for cell in header) == LINKEDIN_HEADER:
        return dict(LINKEDIN_MAPPING)
    simple = [simplified(cell) for cell in header]
    mapping, used = {}, set()
    for wanted in FIELDS:
        names = (*wanted.names, simplified(wanted.label))
        for index, name in enumerate(simple):
            if index not in used and name in names:
                mapping[wanted.key] = index
                used.add(index)
                break
    return mapping


# Reading the values ---------------------------------------------------------------


def _url_valid(value):
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _email_valid(value):
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Row:
    number: int
    company: str = ""
    role: str = ""
    applied_on: date | None = None
    status: str = Application.Status.ACTIVE
    contact_name: str = ""
    contact_email: str = ""
    interview_at: datetime | None = None
    notes: str = ""
    job_url: str = ""
    applied_via: str = ""
    problems: list = field(default_factory=list)


def row_read(cells, *, number, mapping, header, date_style, tz, today):
    """One spreadsheet row as a Row; what cannot be read goes into row.problems."""
    row = Row(number=number)

    def problem(key, message):
        index = mapping.get(key)
        column = header[index] if index is not None and header[index] else FIELDS_BY_KEY[key].label
        row.problems.append(Problem(number, column, message))

    for wanted in FIELDS:
        index = mapping.get(wanted.key)
        value = cells[index].strip() if index is not None and index < len(cells) else ""
        if wanted.required and not value:
            problem(wanted.key, f"{wanted.label} is empty.")
            continue
        if len(value) > wanted.max_length:
            problem(wanted.key, f"Longer than {wanted.max_length} characters.")
            continue
        if not value:
            continue
        if wanted.key in ("applied_on", "interview_at"):
            try:
                day, clock = moment_parse(value, date_style=date_style)
            except ValueError:
                problem(wanted.key, f"“{value}” is not a date this import can read.")
                continue
            if not EARLIEST_DATE <= day <= today + timedelta(days=366 * 3):
                problem(wanted.key, f"Check the year of “{value}”.")
                continue
            if wanted.key == "applied_on":
                if day > today + timedelta(days=1):
                    problem(wanted.key, f"“{value}” is in the future.")
                    continue
                row.applied_on = day
            elif clock is None:
                problem(wanted.key, f"“{value}” has no time of day; add one, e.g. 14:00.")
            else:
                row.interview_at = datetime.combine(day, clock, tzinfo=tz)
        elif wanted.key == "status":
            status = STATUS_BY_WORD.get(simplified(value))
            if status is None:
                problem("status", f"“{value}” is not a status this import knows.")
            else:
                row.status = status
        elif wanted.key == "contact_email" and not _email_valid(value):
            problem("contact_email", f"“{value}” is not an email address.")
        elif wanted.key == "job_url" and not _url_valid(value):
            problem("job_url", f"“{value}” is not a web address (http:// or https://).")
        else:
            setattr(row, wanted.key, value)
    return row


def rows_read(table_rows, *, header, mapping, date_style, tz, today, source="spreadsheet"):
    """Every row of the table as a Row, numbered as the spreadsheet shows them."""
    rows = []
    for offset, cells in enumerate(table_rows):
        row = row_read(
            cells,
            number=offset + 2,
            mapping=mapping,
            header=header,
            date_style=date_style,
            tz=tz,
            today=today,
        )
        if source == "linkedin" and not row.applied_via:
            row.applied_via = LINKEDIN_VIA
        rows.append(row)
    return rows


def template_csv():
    """The documented columns and one example row, for a spreadsheet to start from."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.label for f in FIELDS])
    writer.writerow(
        [
            "Northwind",
            "Data Engineer",
            "2026-11-02",
            "Interviewing",
            "Dana Whitfield",
            "dana.whitfield@northwind.example",
            "2026-11-20 14:00",
            "Referred by Lee",
            "https://northwind.example/jobs/42",
            "Company website",
        ]
    )
    return out.getvalue()
