"""Reading spreadsheets: encodings, separators, .xlsx, LinkedIn's export, dates and rows."""

import io
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from reminders.portability.dates import date_style_guess, moment_parse
from reminders.portability.spreadsheets import (
    FIELDS,
    MAX_BYTES,
    TableError,
    mapping_guess,
    rows_read,
    table_read,
    template_csv,
)

FILES = Path(__file__).parent / "spreadsheets"
BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 12, 3)


def read(name):
    return table_read((FILES / name).read_bytes(), name)


def rows_of(table, *, date_style="dmy", mapping=None):
    return rows_read(
        table.rows,
        header=table.header,
        mapping=mapping or mapping_guess(table.header),
        date_style=date_style,
        tz=BERLIN,
        today=TODAY,
        source=table.source,
    )


def test_the_template_layout_maps_every_column_from_its_header():
    table = read("template_layout.csv")

    assert mapping_guess(table.header) == {f.key: n for n, f in enumerate(FIELDS)}
    northwind, contoso, fabrikam = rows_of(table)
    assert (northwind.company, northwind.role, northwind.applied_on) == (
        "Northwind",
        "Data Engineer",
        date(2026, 10, 2),
    )
    assert northwind.interview_at == datetime(2026, 10, 20, 14, 0, tzinfo=BERLIN)
    assert (northwind.contact_name, northwind.contact_email) == (
        "Dana Whitfield",
        "dana@northwind.example",
    )
    assert northwind.job_url == "https://northwind.example/jobs/42"
    assert northwind.applied_via == "Company website"
    assert (contoso.status, fabrikam.status) == ("rejected", "active")
    assert fabrikam.notes == "Sent portfolio, waiting"
    assert [row.problems for row in (northwind, contoso, fabrikam)] == [[], [], []]


def test_a_german_excel_csv_in_windows_1252_with_semicolons():
    table = read("german_excel.csv")

    assert table.header[0] == "Firma"
    assert table.rows[0][0] == "Müller & Söhne GmbH"
    assert set(mapping_guess(table.header)) == {
        "company",
        "role",
        "applied_on",
        "status",
        "contact_name",
        "interview_at",
        "notes",
    }
    mueller, baeckerei, strassenbau = rows_of(table)
    assert mueller.applied_on == date(2026, 11, 3)
    assert mueller.interview_at == datetime(2026, 11, 17, 10, 30, tzinfo=BERLIN)
    assert strassenbau.interview_at == datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN)
    assert (mueller.status, baeckerei.status, strassenbau.status) == (
        "active",
        "rejected",
        "offer",
    )


def test_tabs_with_a_byte_order_mark_and_us_dates():
    table = read("tabs_bom_us.tsv")

    assert table.header[0] == "company"
    mapping = mapping_guess(table.header)
    assert date_style_guess([row[mapping["applied_on"]] for row in table.rows], default="dmy") == (
        "mdy"
    )
    globex, initech = rows_of(table, date_style="mdy")
    assert globex.applied_on == date(2026, 10, 15)
    assert globex.interview_at == datetime(2026, 10, 28, 14, 30, tzinfo=BERLIN)
    assert (globex.status, initech.applied_on) == ("active", date(2026, 11, 2))


def test_linkedins_export_is_recognised_and_its_own_contact_columns_left_out():
    table = read("Job Applications.csv")

    assert table.is_linkedin and table.source == "linkedin"
    tailspin, wide_world = rows_of(table, date_style="mdy")
    assert (tailspin.company, tailspin.role, tailspin.applied_on) == (
        "Tailspin Toys",
        "Frontend Engineer",
        date(2026, 10, 6),
    )
    assert tailspin.job_url == "http://www.linkedin.com/jobs/view/4000000001"
    assert wide_world.applied_on == date(2026, 11, 24)
    # "Contact Email" is the applicant's own address, not someone to thank.
    assert (tailspin.contact_email, tailspin.contact_name) == ("", "")
    assert tailspin.applied_via == "LinkedIn"


def test_an_xlsx_workbook_with_real_date_cells():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Company", "Role", "Applied on", "Interview"])
    sheet.append(["Northwind", "Data Engineer", date(2026, 10, 2), datetime(2026, 10, 20, 14, 0)])
    sheet.append(["Contoso", "Analyst", "05.10.2026", None])
    sheet.append([None, None, None, None])  # a blank row Excel leaves behind
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = table_read(buffer.getvalue(), "search.xlsx")

    northwind, contoso = rows_of(table)
    assert northwind.applied_on == date(2026, 10, 2)
    assert northwind.interview_at == datetime(2026, 10, 20, 14, 0, tzinfo=BERLIN)
    assert contoso.applied_on == date(2026, 10, 5)


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("2026-12-31", "dmy", (date(2026, 12, 31), None)),
        ("2026-12-31T14:05:00", "dmy", (date(2026, 12, 31), time(14, 5))),
        ("31.12.2026", "mdy", (date(2026, 12, 31), None)),
        ("31.12.26 18:45", "dmy", (date(2026, 12, 31), time(18, 45))),
        ("12/31/2026", "mdy", (date(2026, 12, 31), None)),
        ("31/12/2026", "dmy", (date(2026, 12, 31), None)),
        ("03/04/2026", "dmy", (date(2026, 4, 3), None)),
        ("03/04/2026", "mdy", (date(2026, 3, 4), None)),
        ("7/6/23, 2:20 PM", "mdy", (date(2023, 7, 6), time(14, 20))),
        ("7/6/23, 12:05 am", "mdy", (date(2023, 7, 6), time(0, 5))),
        ("31 Dec 2026", "mdy", (date(2026, 12, 31), None)),
        ("Dec 31, 2026", "dmy", (date(2026, 12, 31), None)),
        ("31. Dezember 2026 10.30", "dmy", (date(2026, 12, 31), time(10, 30))),
        ("3. März 2026", "dmy", (date(2026, 3, 3), None)),
    ],
)
def test_dates_in_the_common_formats(text, style, expected):
    assert moment_parse(text, date_style=style) == expected


@pytest.mark.parametrize("text", ["31/31/2026", "2026-02-30", "yesterday", "13:00", "1 Foo 2026"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError):
        moment_parse(text, date_style="dmy")


def test_each_problem_names_its_row_column_and_what_is_wrong():
    table = read("with_problems.csv")

    problems = [(p.row, p.column, p.message) for row in rows_of(table) for p in row.problems]

    assert problems == [
        (3, "Company", "Company is empty."),
        (4, "Applied on", "“31/31/2026” is not a date this import can read."),
        (5, "Status", "“Maybe” is not a status this import knows."),
        (6, "Contact email", "“not-an-email” is not an email address."),
    ]


def test_dates_out_of_reach_and_interviews_without_a_time_are_problems():
    header = ["Company", "Role", "Applied on", "Interview"]
    cells = [
        ["A", "R", "2026-12-25", ""],
        ["B", "R", "1999-05-01", ""],
        ["C", "R", "2026-11-01", "2026-11-10"],
    ]
    rows = rows_read(
        cells,
        header=header,
        mapping=mapping_guess(header),
        date_style="dmy",
        tz=BERLIN,
        today=TODAY,
    )
    assert [[p.message for p in row.problems] for row in rows] == [
        ["“2026-12-25” is in the future."],
        ["Check the year of “1999-05-01”."],
        ["“2026-11-10” has no time of day; add one, e.g. 14:00."],
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        (b"Company,Role\n", "a.csv", "The file has a header but no rows below it."),
        (b"\n\n ,\n", "a.csv", "The file has no rows."),
        (b"\x00\x01binary\x00", "a.csv", "This file is not a CSV or .xlsx spreadsheet."),
        (b"\xd0\xcf\x11\xe0old excel", "a.xls", "Save the spreadsheet as .xlsx or CSV first."),
        (b"PK\x03\x04broken", "a.xlsx", "This .xlsx file could not be opened."),
        (b"x" * (MAX_BYTES + 1), "a.csv", "The file is larger than 5 MB."),
    ],
)
def test_files_that_are_not_a_table_say_why(data, name, message):
    with pytest.raises(TableError) as raised:
        table_read(data, name)
    assert str(raised.value).startswith(message)


def test_the_template_csv_has_the_documented_columns_and_its_example_reads_cleanly():
    table = table_read(template_csv().encode(), "applications-template.csv")

    assert table.header == [f.label for f in FIELDS]
    (example,) = rows_of(table)
    assert example.problems == []
    assert example.interview_at == datetime(2026, 11, 20, 14, 0, tzinfo=BERLIN)
