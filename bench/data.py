"""What the benchmarks under bench/ share: their own databases, their data, their verdicts.

Each benchmark that needs a real PostgreSQL database makes one of its own on
the local server (dropped first, so no earlier run's rows flatter or slow
it) and drops it at the end. Its rows come from a template database that
`manage.py bench_data` fills with one candidate per size: building 1,000
interviews through the services takes minutes, copying the template a
second. The template is built again whenever the code it was built from
changes (a fingerprint of the models, migrations, services and planning), on a new
day (overdue and coming depend on today), or when a size is missing.

Figures are reported as a value, the floor it is divided by (measured in
the same run), the ratio, the target and whether it holds.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The local server, as the tests use it; BENCH_POSTGRES names another.
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")


TEMPLATE = "followup_bench_template"
EMAIL = "bench{size}@example.com"
# What the data depends on: the models and migrations, the services and
# forms that save, planning and its drafts, bench_data itself. Pages, the
# sweep, cards and the other packages read the data but never shape it.
FINGERPRINTED = ("interviews", "reminders")
NOT_FINGERPRINTED = ("views.py", "urls.py", "admin.py", "templatetags", "delivery", "cards")
NOT_FINGERPRINTED += ("feeds", "habits", "portability", "board.py", "listing.py")


def database_url(name):
    return f"{SERVER}/{name}"


def database_recreate(name):
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def database_drop(name):
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _fingerprint():
    digest = hashlib.sha256()
    for folder in FINGERPRINTED:
        for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
            parts = path.relative_to(PROJECT_DIR).parts
            if any(part in NOT_FINGERPRINTED or part.endswith("_views.py") for part in parts):
                continue
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _template_state(admin):
    row = admin.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [TEMPLATE],
    ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def database_from_template(name, sizes):
    """`name` made afresh as a copy of the template holding a candidate per size."""
    import datetime

    import psycopg

    wanted = {"code": _fingerprint(), "day": datetime.date.today().isoformat()}
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        state = _template_state(admin)
    fresh = state and {k: state.get(k) for k in wanted} == wanted
    # BENCH_TEMPLATE=reuse keeps a template built from other code, for a change
    # known not to touch the rows (each copy is migrated before it is used).
    fresh = fresh or (state and os.environ.get("BENCH_TEMPLATE") == "reuse")
    if not (fresh and set(sizes) <= set(state.get("sizes", []))):
        started = time.perf_counter()
        database_recreate(TEMPLATE)
        env = {**os.environ, "DATABASE_URL": database_url(TEMPLATE)}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
        )
        candidates_build(sizes, email=EMAIL, env=env)
        with psycopg.connect(database_url(TEMPLATE), autocommit=True) as template:
            template.execute("ANALYZE")
        comment = json.dumps({**wanted, "sizes": sorted(sizes)})
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f"COMMENT ON DATABASE {TEMPLATE} IS '{comment}'")
        print(f"   template database built in {time.perf_counter() - started:.0f} s")
    else:
        print(f"   template database reused ({state['day']}, {state['sizes']})")
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")


def candidates_build(sizes, *, email, env=None):
    """One candidate per size through `manage.py bench_data`, side by side.

    Each build waits mostly on the database, one round trip per query, so
    running them at once takes about as long as the largest alone.
    `email` is a pattern with {size}; `env` names the database in DATABASE_URL.
    """
    runs = {
        size: subprocess.Popen(
            [sys.executable, "manage.py", "bench_data", f"--candidate-interviews={size}"]
            + [f"--email={email.format(size=size)}"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for size in sizes
    }
    for size, run in runs.items():
        out, _ = run.communicate()
        print("   " + out.strip().replace("\n", "\n   "), flush=True)
        if run.returncode:
            raise SystemExit(f"bench_data --candidate-interviews={size} failed")


def percentile(samples, share):
    """Nearest-rank percentile: a value that was measured, never an interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def check(name, value, target, *, floor=None, unit="×", below=False):
    """One verdict: value / floor against target (or the value itself without a floor)."""
    figure = value / floor if floor else value
    holds = figure < target if below else figure <= target
    sign = "<" if below else "≤"
    if floor:
        text = f"{value:.2f} / {floor:.2f} = {figure:.2f}{unit} (target {sign} {target}{unit})"
    else:
        text = f"{figure:.1f} {unit} (target {sign} {target} {unit})"
    return {
        "name": name,
        "value": round(value, 3),
        "floor": round(floor, 3) if floor else None,
        "ratio": round(figure, 3) if floor else None,
        "target": target,
        "unit": unit,
        "holds": holds,
        "text": text,
    }


def print_checks(checks):
    for item in checks:
        print(f"   {'PASS' if item['holds'] else 'FAIL'} {item['name']}: {item['text']}")
