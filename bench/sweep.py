"""Benchmark the reminder sweep: a full sweep against its floor, its queries, memory, workers.

Run from the project root (`make bench` runs it through bench/run.py):

    .venv/bin/python bench/sweep.py [--quick] [--json PATH]

Each size (1,000, 10,000 and 100,000 follow-ups owing a reminder now; 1,000
and 10,000 with --quick) runs in a process of its own (bench/sweep_rounds.py),
so that its peak memory is its own, in a PostgreSQL database of its own
(followup_bench_sweep, a copy of one migrated at the start, dropped at the
end), filled by `manage.py bench_data --sweep-followups N`: N / 2.5
candidates, each with two or three follow-ups. Mail goes to
bench/mail_sink.py, which serialises each message and drops it.

1. The full sweep (reminders_sweep, one process) against the floor measured
   on the same rows in the same process just before: the rows read in the
   sweep's order, each candidate's email rendered and handed to the same
   backend, with no claim and no mark. Medians of the rounds.
2. Queries per reminder, per email (the mark) and per batch, counted with an
   execute wrapper (nothing kept).
3. Memory: peak RSS during the first sweep (VmHWM, reset before it) minus
   the RSS before it.
4. Throughput on 1, 2 and 4 real Celery workers sending to a local SMTP
   server that answers each message after 20 ms (bench/sweep_workers.py),
   and every follow-up reminded exactly once, read back from what the
   server received.

Prints tables and PASS/FAIL per target; exits 0 unless something crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import (  # noqa: E402
    PROJECT_DIR,
    check,
    database_drop,
    database_recreate,
    database_url,
    print_checks,
)

DB_NAME = "followup_bench_sweep"
# Migrated once per run; each size's database is a copy, made in a second.
BASE_DB = "followup_bench_sweep_base"
BENCH_DIR = Path(__file__).resolve().parent
# Follow-ups owing a reminder, and how many rounds each is swept.
ROUNDS = {1_000: 3, 10_000: 1, 100_000: 1}
QUICK_ROUNDS = {1_000: 3, 10_000: 1}
PROFILED = 10_000
WORKER_FOLLOWUPS, QUICK_WORKER_FOLLOWUPS = 10_000, 2_000
WORKERS = (1, 2, 4)
# The machine's Redis, on a database number no one else here uses.
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/11")
# The sweep costs at most twice the rendering and serialising it cannot
# avoid; the issue asked for at most one query per ten reminders; memory
# must not grow with the backlog (a batch at a time); four workers must
# send at least three times what one does, since they mostly wait on the
# relay; and no follow-up is ever reminded twice.
TARGETS = {
    "vs_floor": 2.0,
    "queries_per_reminder": 0.1,
    "memory_growth": 2.0,
    "workers_4_vs_1": 3.0,
    "duplicates": 0,
}
QUERIES_WHY = (
    "missed by design: each email's rows are marked with one UPDATE the moment the "
    "server accepts it, so a sender killed mid-batch repeats at most one email; "
    "with 2.5 follow-ups per candidate that alone is 0.4 per reminder"
)


def at_least(name, value, target, *, floor):
    """A verdict for a figure that must reach `target` (check() is for ceilings)."""
    figure = value / floor
    return {
        "name": name,
        "value": round(value, 3),
        "floor": round(floor, 3),
        "ratio": round(figure, 3),
        "target": target,
        "unit": "×",
        "holds": figure >= target,
        "text": f"{value:.2f} / {floor:.2f} = {figure:.2f}× (target ≥ {target}×)",
    }


def child(script, *args):
    """Run one part in a fresh process; its figures come back as JSON."""
    out = Path(tempfile.mkstemp(prefix="bench-sweep-", suffix=".json")[1])
    try:
        subprocess.run(
            [sys.executable, str(BENCH_DIR / script), str(out), *map(str, args)],
            cwd=PROJECT_DIR,
            check=True,
        )
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def fresh_database():
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME} TEMPLATE {BASE_DB}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000; 2,000 on workers")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    rounds = QUICK_ROUNDS if args.quick else ROUNDS
    worker_followups = QUICK_WORKER_FOLLOWUPS if args.quick else WORKER_FOLLOWUPS
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "followup_site.settings",
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url(DB_NAME),
            "BENCH_BROKER": BROKER,
        }
    )
    # The sizes' processes use the local-memory cache; only the workers need Redis.
    os.environ.pop("REDIS_URL", None)
    database_recreate(BASE_DB)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=PROJECT_DIR,
            env={**os.environ, "DATABASE_URL": database_url(BASE_DB)},
            check=True,
        )
        rows = []
        for size, repeats in rounds.items():
            fresh_database()
            profile = ["--profile"] if size == PROFILED else []
            rows.append(child("sweep_rounds.py", size, repeats, *profile))
            print_row(rows[-1])
        fresh_database()
        workers = child("sweep_workers.py", worker_followups, *WORKERS)
    finally:
        database_drop(DB_NAME)
        database_drop(BASE_DB)
    results = report(rows, workers)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


HEADER = (
    f"   {'follow-ups':>10}{'emails':>7}{'sweep s':>9}{'floor s':>9}{'ratio':>7}"
    f"{'queries':>9}{'/reminder':>10}{'/email':>7}{'/batch':>7}{'MB before':>10}{'+MB':>6}"
)


def print_row(row):
    if row["followups"] == min(ROUNDS):
        print(HEADER)
    print(
        f"   {row['followups']:>10,}{row['emails']:>7,}"
        f"{row['sweep_s']:>9.1f}{row['floor_s']:>9.1f}"
        f"{row['sweep_s'] / row['floor_s']:>6.2f}×{row['queries']:>9,}"
        f"{row['queries_per_reminder']:>10.3f}{row['marks_per_email']:>7.1f}"
        f"{row['queries_per_batch_besides_marks']:>7.1f}{row['rss_before_mb']:>10.0f}"
        f"{row['growth_mb']:>6.1f}",
        flush=True,
    )


def report(rows, workers):
    by_count = {row["workers"]: row for row in workers["rows"]}
    print(f"\n   {workers['followups']:,} follow-ups on Celery workers, a 20 ms relay:")
    print(f"   {'workers':>8}{'s':>8}{'emails':>8}{'emails/s':>10}{'duplicates':>12}{'missed':>8}")
    for row in workers["rows"]:
        print(
            f"   {row['workers']:>8}{row['seconds']:>8.1f}{row['emails']:>8,}"
            f"{row['emails_per_s']:>10.1f}{row['duplicates']:>12}{row['missed']:>8}"
        )
    small, large = rows[0], rows[-1]
    checks = [
        check(
            f"sweep of {row['followups']:,} vs render-and-send loop (s)",
            row["sweep_s"],
            TARGETS["vs_floor"],
            floor=row["floor_s"],
        )
        for row in rows
    ]
    for row in rows:
        item = check(
            f"queries per reminder at {row['followups']:,}",
            row["queries_per_reminder"],
            TARGETS["queries_per_reminder"],
            unit="queries",
        )
        if not item["holds"]:
            item["why"] = QUERIES_WHY
        checks.append(item)
    checks.append(
        check(
            f"memory growth at {large['followups']:,} vs at {small['followups']:,} (MB)",
            large["growth_mb"],
            TARGETS["memory_growth"],
            floor=max(small["growth_mb"], 0.1),
        )
    )
    one, four = by_count[1], by_count[max(by_count)]
    checks.append(
        at_least(
            f"emails/s on {four['workers']} workers vs on 1",
            four["emails_per_s"],
            TARGETS["workers_4_vs_1"],
            floor=one["emails_per_s"],
        )
    )
    for row in workers["rows"]:
        checks.append(
            check(
                f"reminders repeated or missed on {row['workers']} worker(s)",
                row["duplicates"] + row["missed"],
                TARGETS["duplicates"],
                unit="reminders",
            )
        )
    print()
    print_checks(checks)
    for item in checks:
        if "why" in item:
            print(f"      ({item['name']}: {item['why']})")
            break
    profile = next((row.pop("profile") for row in rows if "profile" in row), None)
    if profile:
        print(f"\n   The sweep of {PROFILED:,} follow-ups under cProfile, by cumulative time:")
        print("\n".join("   " + line for line in profile))
    return {
        "benchmark": "sweep",
        "rows": rows,
        "workers": workers,
        "checks": checks,
        "profile": profile,
    }


if __name__ == "__main__":
    sys.exit(main())
