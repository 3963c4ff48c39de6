"""Benchmark a 5,000-row spreadsheet: its preview and its import.

Run from the project root (bench/run.py sets the settings):

    DJANGO_SETTINGS_MODULE=followup_site.settings \
        .venv/bin/python bench/bench_spreadsheet_import.py

Two files of 5,000 applications: one as LinkedIn's export or a plain list
of applications gives (no interviews), and one where one application in ten
has an interview and the person met there, so 500 applications are planned.
Each goes through the functions the pages call, in a throwaway test database:

(a) preview: table_read, upload_rows and preview_build, as the preview page;
(b) import: spreadsheet_import, as the confirm button, in one transaction.

Each is shown against a floor measured in the same run on the same machine:
for (a) Python's csv module reading the same bytes, for (b) one bulk INSERT
of 5,000 bare applications. Prints PASS/FAIL; always exits 0.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from interviews.models import Application, Candidate  # noqa: E402
from reminders.models import SpreadsheetImport  # noqa: E402
from reminders.portability.spreadsheet_import import (  # noqa: E402
    preview_build,
    spreadsheet_import,
    upload_rows,
    upload_store,
)
from reminders.portability.spreadsheets import table_read  # noqa: E402

ROWS = 5000
REPEATS = 3
# "Previews and imports in under a few seconds here."
TARGETS = {"preview_s": 2.0, "import_s": 5.0}
MAPPING = {
    "company": 0,
    "role": 1,
    "applied_on": 2,
    "status": 3,
    "contact_name": 4,
    "interview_at": 5,
}


def spreadsheet(*, interview_every) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Company", "Role", "Applied on", "Status", "Contact name", "Interview"])
    start = date(2025, 1, 1)
    for n in range(ROWS):
        applied = start + timedelta(days=n % 600)
        with_interview = bool(interview_every) and n % interview_every == 0
        writer.writerow(
            [
                f"Company {n}",
                f"Role {n % 40}",
                applied.strftime("%d.%m.%Y"),
                ("Applied", "Rejected", "Interviewing")[n % 3],
                f"Person {n}" if with_interview else "",
                f"{applied + timedelta(days=9):%Y-%m-%d} 10:00" if with_interview else "",
            ]
        )
    return out.getvalue().encode()


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def candidate_new(name):
    user = get_user_model().objects.create(username=name, email=f"{name}@example.com")
    return Candidate.objects.create(user=user, full_name="Sam Okafor", time_zone="Europe/Berlin")


def floors(data):
    candidate = candidate_new("floor")
    csv_floor = min(
        timed(lambda: list(csv.reader(io.StringIO(data.decode()))))[0] for _ in range(REPEATS)
    )

    def bulk_floor():
        with transaction.atomic():
            Application.objects.bulk_create(
                Application(candidate=candidate, company=f"C {n}", role="R") for n in range(ROWS)
            )
            transaction.set_rollback(True)

    return csv_floor, min(timed(bulk_floor)[0] for _ in range(REPEATS))


def case(name, data, csv_floor, insert_floor):
    candidate = candidate_new(name)

    def preview():
        table = table_read(data, "search.csv")
        upload = SpreadsheetImport(
            candidate=candidate, header=table.header, rows=table.rows, mapping=MAPPING
        )
        return preview_build(candidate=candidate, rows=upload_rows(upload, candidate=candidate))

    preview_s = statistics.median(timed(preview)[0] for _ in range(REPEATS))
    table = table_read(data, "search.csv")
    upload, _ = upload_store(candidate=candidate, filename="search.csv", table=table)
    upload.mapping, upload.date_style = MAPPING, "dmy"
    upload.save()
    import_s, result = timed(lambda: spreadsheet_import(upload=upload))
    print(
        f"| {name}: preview | {preview_s:.2f} s | csv.reader {csv_floor:.3f} s "
        f"| {preview_s / csv_floor:.0f}× | < {TARGETS['preview_s']} s |"
    )
    print(
        f"| {name}: import ({result['applications']:,} applications, "
        f"{result['interviews']} interviews planned) | {import_s:.2f} s | bulk INSERT "
        f"{insert_floor:.3f} s | {import_s / insert_floor:.0f}× | < {TARGETS['import_s']} s |"
    )
    return preview_s < TARGETS["preview_s"] and import_s < TARGETS["import_s"], import_s, result


def run() -> None:
    plain = spreadsheet(interview_every=0)
    csv_floor, insert_floor = floors(plain)
    print(f"{ROWS:,} rows ({len(plain) / 1024:.0f} KB); database: {connection.vendor}")
    print("| measure | result | floor | ratio | target |")
    print("|---|---|---|---|---|")
    ok, _, _ = case("applications only", plain, csv_floor, insert_floor)
    _, with_s, result = case(
        "one in ten with an interview", spreadsheet(interview_every=10), csv_floor, insert_floor
    )
    plain_ok = "PASS" if ok else "FAIL"
    print(f"{plain_ok} 5,000 applications preview and import within the targets")
    print(
        f"INFO with interviews: {with_s / result['interviews'] * 1000:.1f} ms per planned "
        "application (the planner runs once for each, as for a form save)"
    )


if __name__ == "__main__":
    main()
