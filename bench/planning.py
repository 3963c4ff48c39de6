"""Benchmark re-planning one application after an edit, at every size of job search.

Run from the project root (`make bench` runs it through bench/run.py):

    .venv/bin/python bench/planning.py [--quick] [--json PATH]

In a PostgreSQL database of its own (followup_bench_planning, dropped and
made again each run), `manage.py bench_data` builds one candidate each with
10, 100 and 1,000 interviews (10 and 100 with --quick). Each then gets one
more application whose interview has five interviewers: five thank-yous, the
LinkedIn requests and a check-in to keep in line.

The edit is what the interview form's save does: interview_save with the
start moved by half an hour (back and forth), which re-plans every pending
follow-up of that application in one transaction. It is timed REPEATS times
per size (median), and its queries are counted once.

The floor, measured in the same run between the sizes: a transaction with a
single-row UPDATE of the candidate, the cheapest write the site makes. The
ratios are what hold from one machine to the next: the edit against the
floor, and the edit at the largest size against the smallest (re-planning
one application must not depend on how many others the candidate has).
Prints a table and PASS/FAIL per target; exits 0 unless something crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import (  # noqa: E402
    EMAIL,
    check,
    database_drop,
    database_from_template,
    database_url,
    print_checks,
)

DB_NAME = "followup_bench_planning"
SIZES, QUICK_SIZES = (10, 100, 1000), (10, 100)
REPEATS, QUICK_REPEATS = 21, 7
FLOOR_REPEATS = 200
PANEL = ("Dana Whitfield", "Lee Park", "José Ortega", "Zoë Lambert", "Priya Raman")
# A save the candidate waits for: at most forty single-row writes' worth of
# work (about 15 on a busy machine, where each commit is slow), and no slower
# for a candidate with 1,000 interviews than with 10, in as many queries.
TARGETS = {"vs_floor": 40.0, "growth": 1.5}


def panel_interview(candidate):
    """An application whose interview met five people, planned through the services."""
    from django.utils import timezone

    from interviews.models import Application, Interview
    from interviews.services import interview_save
    from reminders.management.commands.bench_data import interview_form, person_row

    application = Application.objects.create(
        candidate=candidate, company="Panel Systems", role="Data Engineer"
    )
    starts_at = (timezone.now() - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    people = [
        person_row(random.Random(n), name=name, company="Panel Systems", index=n)
        for n, name in enumerate(PANEL)
    ]
    with timezone.override(candidate.tz):
        form = interview_form(
            candidate=candidate,
            starts_at=starts_at,
            round_=Interview.Round.PANEL,
            decision=None,
            instance=Interview(application=application),
        )
        return interview_save(form=form, application=application, people=people)


def edit(interview, shift):
    """The interview form's save: the start moved, everything pending re-planned."""
    from django.utils import timezone

    from interviews.models import Interview
    from interviews.services import interview_save
    from reminders.management.commands.bench_data import interview_form

    candidate = interview.application.candidate
    with timezone.override(candidate.tz):
        form = interview_form(
            candidate=candidate,
            starts_at=interview.starts_at + shift,
            round_=Interview.Round.PANEL,
            decision=None,
            instance=interview,
        )
        return interview_save(form=form, application=interview.application)


def floor_ms(candidate):
    from django.db import transaction

    from interviews.models import Candidate

    samples = []
    for n in range(FLOOR_REPEATS):
        started = time.perf_counter()
        with transaction.atomic():
            Candidate.objects.filter(pk=candidate.pk).update(signing_name=f"Sam {n % 2}")
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(interview, repeats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reminders.models import FollowUp

    # Warm: the first save compiles the draft templates.
    interview = edit(interview, timedelta(minutes=30))
    with CaptureQueriesContext(connection) as context:
        interview = edit(interview, timedelta(minutes=-30))
    samples = []
    for n in range(repeats):
        started = time.perf_counter()
        interview = edit(interview, timedelta(minutes=30 if n % 2 == 0 else -30))
        samples.append((time.perf_counter() - started) * 1000)
    pending = FollowUp.objects.filter(application=interview.application).pending().count()
    return statistics.median(samples), len(context.captured_queries), pending


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="10 and 100 interviews")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else SIZES
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "followup_site.settings",
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url(DB_NAME),
        }
    )
    database_from_template(DB_NAME, sizes)
    try:
        results = run(sizes, QUICK_REPEATS if args.quick else REPEATS)
    finally:
        from django.db import connections

        connections.close_all()
        database_drop(DB_NAME)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def run(sizes, repeats):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from interviews.models import Candidate

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows, floors = [], []
    print(f"\n   {'interviews':>10}{'edit ms':>10}{'floor ms':>10}{'ratio':>9}{'queries':>9}")
    for size in sizes:
        candidate = Candidate.objects.get(user__email=EMAIL.format(size=size))
        interview = panel_interview(candidate)
        floors.append(floor_ms(candidate))
        edit_ms, queries, pending = measure(interview, repeats)
        floors.append(floor_ms(candidate))
        floor = statistics.median(floors[-2:])
        rows.append(
            {
                "interviews": size,
                "edit_ms": round(edit_ms, 2),
                "floor_ms": round(floor, 3),
                "ratio": round(edit_ms / floor, 1),
                "queries": queries,
                "pending_followups": pending,
            }
        )
        print(
            f"   {size:>10}{edit_ms:>10.1f}{floor:>10.2f}{edit_ms / floor:>8.1f}×{queries:>9}"
            f"   ({pending} pending follow-ups re-planned)"
        )
    small, large = rows[0], rows[-1]
    checks = [
        check(
            f"edit at {row['interviews']} vs one-row UPDATE (ms)",
            row["edit_ms"],
            TARGETS["vs_floor"],
            floor=row["floor_ms"],
        )
        for row in rows
    ] + [
        check(
            f"edit at {large['interviews']} vs at {small['interviews']} (ms)",
            large["edit_ms"],
            TARGETS["growth"],
            floor=small["edit_ms"],
        ),
        check(
            f"queries at {large['interviews']} vs at {small['interviews']}",
            large["queries"],
            1.0,
            floor=small["queries"],
        ),
    ]
    print()
    print_checks(checks)
    return {"benchmark": "planning", "repeats": repeats, "rows": rows, "checks": checks}


if __name__ == "__main__":
    sys.exit(main())
