"""Benchmark the habit page at 1,000 interviews: its figures stay database work.

Run from the project root (`make bench` runs it after bench/run.py):

    DEBUG=on .venv/bin/python bench/habits.py

Builds a throwaway test database (SQLite, or PostgreSQL when DATABASE_URL
names one; the real database is never touched) with one candidate and

(a) 10 interviews, then
(b) 1,000 interviews over two years: about 400 applications, two people met
    each time, every thank-you, LinkedIn request and check-in in a settled state,

and times the whole habit page (GET /habits/, templates included) for the
default six months and for a two-year range. Prints the query counts, which
must be the same at both sizes, and PASS/FAIL against the targets; exits 0.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup_site.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from interviews.models import Application, Contact, Interview  # noqa: E402
from reminders.models import FollowUp  # noqa: E402
from tests.reminders.followup_factory import quick_candidate  # noqa: E402

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ITERATIONS = 7
# A page a person waits for: well under half a second at 1,000 interviews,
# and no more than a few times the cost of an almost empty one.
TARGETS = {"page_ms": 400.0, "large_vs_small": 6.0}
Kind, Status, Channel = FollowUp.Kind, FollowUp.Status, FollowUp.Channel


def _followup(rows, candidate, interview, kind, contact=None, sequence=0, due=None, **fields):
    rows.append(
        FollowUp(
            candidate=candidate,
            application=interview.application,
            interview=interview,
            contact=contact,
            kind=kind,
            sequence=sequence,
            opens_at=interview.ends_at,
            due_at=due,
            channel=Channel.EMAIL,
            **fields,
        )
    )


def build(candidate, *, interviews, seed):
    rng = random.Random(seed)
    start = NOW - timedelta(days=730)
    applications = Application.objects.bulk_create(
        Application(
            candidate=candidate,
            company=f"Company {i}",
            role="Data Engineer",
            status=rng.choice(["active"] * 5 + ["offer", "rejected", "withdrawn"]),
            employer_replied_at=(start + timedelta(days=i * 730 / max(interviews, 1) + 9))
            if rng.random() < 0.4
            else None,
        )
        for i in range(max(1, interviews * 2 // 5))
    )
    rows, followups = [], []
    for i in range(interviews):
        ends = start + timedelta(hours=i * 730 * 24 / interviews)
        rows.append(
            Interview(
                application=applications[i % len(applications)],
                starts_at=ends - timedelta(hours=1),
                ends_at=ends,
            )
        )
    rows = Interview.objects.bulk_create(rows)
    contacts = Contact.objects.bulk_create(
        Contact(candidate=candidate, company="Co", name=f"Person {i}")
        for i in range(2 * interviews)
    )
    for i, interview in enumerate(rows):
        ends = interview.ends_at

        add = partial(_followup, followups, candidate, interview)
        for contact in contacts[2 * i : 2 * i + 2]:
            late = rng.random() < 0.2
            done = ends + timedelta(hours=rng.randint(26, 60) if late else rng.randint(1, 20))
            add(
                Kind.THANK_YOU,
                contact,
                due=ends + timedelta(hours=24),
                status=Status.DONE,
                done_at=done,
                done_channel=rng.choice([Channel.CARD, Channel.EMAIL]),
            )
            add(
                Kind.LINKEDIN,
                contact,
                due=ends + timedelta(days=2),
                status=Status.DONE,
                done_at=ends + timedelta(days=1),
                done_channel=Channel.LINKEDIN,
            )
        if i % len(applications) == i:  # the application's first interview: one chain
            add(
                Kind.CHECK_IN,
                sequence=1,
                due=ends + timedelta(days=17),
                status=Status.DONE,
                done_at=ends + timedelta(days=rng.randint(14, 19)),
                done_channel=Channel.PHONE,
            )
    FollowUp.objects.bulk_create(followups)
    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum keeps them in a running site;
        # right after a bulk insert PostgreSQL would plan for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(followups)


def measure(client, query):
    with CaptureQueriesContext(connection) as context:
        assert client.get("/habits/", query).status_code == 200
    # Counted now: with DEBUG on the query log is a ring that later requests move.
    queries = len(context.captured_queries)
    times = []
    for _ in range(ITERATIONS):
        started = time.perf_counter()
        client.get("/habits/", query)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), queries


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        import time_machine

        with time_machine.travel(NOW, tick=False):
            return run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run():
    ranges = {"six months": {}, "two years": {"from": "2024-06-02", "to": "2026-06-01"}}
    results = {}
    for size in (10, 1000):
        candidate = quick_candidate(
            email=f"bench{size}@example.com",
            time_zone="America/Los_Angeles",
            weekly_goal="thank_yous_on_time",
        )
        count = build(candidate, interviews=size, seed=size)
        client = Client()
        client.force_login(candidate.user)
        for name, query in ranges.items():
            results[size, name] = measure(client, query)
        print(
            f"{size:>5} interviews, {count:>5} follow-ups: "
            + ", ".join(
                f"{name} {ms:.0f} ms in {queries} queries"
                for name, (ms, queries) in ((n, results[size, n]) for n in ranges)
            )
        )
    ok = True
    for name in ranges:
        (small_ms, small_q), (large_ms, large_q) = results[10, name], results[1000, name]
        ratio = large_ms / small_ms
        checks = [
            ("queries equal", large_q == small_q, f"{small_q} → {large_q}"),
            (
                "page_ms",
                large_ms <= TARGETS["page_ms"],
                f"{large_ms:.0f} ms ≤ {TARGETS['page_ms']:.0f}",
            ),
            (
                "large_vs_small",
                ratio <= TARGETS["large_vs_small"],
                f"{ratio:.1f}× ≤ {TARGETS['large_vs_small']}×",
            ),
        ]
        for label, passed, detail in checks:
            ok &= passed
            print(f"  {'PASS' if passed else 'FAIL'} {name}: {label} ({detail})")
    print("PASS" if ok else "FAIL", f"habit page at 1,000 interviews ({connection.vendor})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
