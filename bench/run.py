"""Run every benchmark in turn and write bench/results.json: `make bench`.

    .venv/bin/python bench/run.py [--quick] [--only pages,planning]

Each benchmark is its own process (a fresh interpreter, so one benchmark's
warm caches never flatter the next), in this order: the cards, the card
cache, the pages under gunicorn, the reminder sweep, re-planning, the
spreadsheet import and the habit page. Every figure is a ratio against a
floor measured in the same run, because the machines are shared and noisy;
bench/results.json keeps each with its floor, target and verdict, beside the
machine it ran on. --quick runs the smaller sizes and fewer rounds where a
benchmark offers it: a smoke run of minutes.

The scripts print their own tables and PASS/FAIL lines; they are reports.
This runner exits non-zero only when a script crashed or ran out of time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"
# (name, script, takes --json and --quick): the order they run in.
BENCHMARKS = (
    ("cards", "bench_cards.py", False),
    ("card cache", "bench_card_cache.py", False),
    ("pages", "pages.py", True),
    ("sweep", "sweep.py", True),
    ("planning", "planning.py", True),
    ("spreadsheet", "bench_spreadsheet_import.py", False),
    ("habits", "habits.py", False),
)
# A whole run stays bounded: a script past its share is stopped and reported.
MINUTES, QUICK_MINUTES = 25, 8
# Longer shares, (full, quick): at its largest size the sweep sends 40,000
# emails twice (the sweep and its floor), then 12,000 more on the workers.
OWN_MINUTES = {"sweep": (50, 12)}
# The older scripts print verdicts as text, PASS or FAIL anywhere on the line.
VERDICT = re.compile(r"\b(PASS|FAIL)\b:?")


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory = re.search(r"MemTotal:\s+(\d+) kB", _read("/proc/meminfo"))
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": _postgres_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _postgres_version():
    sys.path.insert(0, str(PROJECT_DIR))
    try:
        import psycopg

        from bench.data import database_url

        with psycopg.connect(database_url("postgres"), connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # a report, not a failure: the benchmarks will say more
        return f"unavailable ({exc.__class__.__name__})"


def flags_for(script, takes_flags, *, quick, json_path):
    if takes_flags is None:  # ask the script what it offers
        offered = subprocess.run(
            [sys.executable, str(script), "--help"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        return [
            *(["--quick"] if quick and "--quick" in offered else []),
            *(["--json", str(json_path)] if "--json" in offered else []),
        ]
    if takes_flags:
        return [*(["--quick"] if quick else []), "--json", str(json_path)]
    return []


def run_one(name, script, takes_flags, *, quick, minutes):
    json_path = Path(tempfile.mkstemp(prefix=f"bench-{script.stem}-", suffix=".json")[1])
    command = [
        sys.executable,
        str(script),
        *flags_for(script, takes_flags, quick=quick, json_path=json_path),
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "followup_site.settings"}
    print(f"== {script.relative_to(PROJECT_DIR)} {' '.join(command[2:])}", flush=True)
    started = time.perf_counter()
    lines, status = [], None
    # A session of its own, so that stopping it stops what it started too
    # (gunicorn, the data builds).
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
        start_new_session=True,
    )

    def stop():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    # A script past its share of the run is stopped, whatever it is doing.
    timer = threading.Timer(minutes * 60, stop)
    timer.start()
    try:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
        status = process.wait()
    except KeyboardInterrupt:
        stop()
        timer.cancel()
        raise
    if not timer.is_alive():
        status = "timed out"
    timer.cancel()
    seconds = time.perf_counter() - started
    print(f"   ({seconds:.1f} s, exit {status})\n", flush=True)
    result = {"name": name, "script": script.name, "seconds": round(seconds, 1), "exit": status}
    figures = json.loads(json_path.read_text()) if json_path.stat().st_size else None
    json_path.unlink()
    if figures:
        result.update({k: v for k, v in figures.items() if k != "benchmark"})
    else:
        # The script reports in text only: its verdict lines are its figures.
        result["checks"] = [
            {"name": " ".join(VERDICT.sub("", line).split()), "holds": m.group(1) == "PASS"}
            for line in lines
            if (m := VERDICT.search(line))
        ]
    return result


def table(results):
    print(f"{'benchmark':<13}{'figure':<44}{'ratio or value':>16}{'target':>10}  holds")
    for result in results:
        if result["exit"] != 0:
            print(f"{result['name']:<13}{'did not finish: exit ' + str(result['exit']):<44}")
        for item in result.get("checks", []):
            holds = "yes" if item["holds"] else "NO"
            if "ratio" not in item:  # a verdict line of an older script, figures and all
                print(f"{result['name']:<13}{item['name']}  {holds}")
                continue
            value = item["ratio"] if item["ratio"] is not None else item["value"]
            unit = item.get("unit", "")
            shown = f"{value:.2f}{unit}" if unit == "×" else f"{value:.1f} {unit}"
            target = f"{item['target']}{unit}" if unit == "×" else f"{item['target']} {unit}"
            print(f"{result['name']:<13}{item['name'][:43]:<44}{shown:>16}{target:>10}  {holds}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--only", help="comma-separated names, e.g. pages,planning")
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",")} if args.only else None
    results = []
    for name, script_name, takes_flags in BENCHMARKS:
        script = BENCH_DIR / script_name
        if (only and name not in only) or not script.exists():
            continue
        share = OWN_MINUTES.get(name, (MINUTES, QUICK_MINUTES))[args.quick]
        results.append(run_one(name, script, takes_flags, quick=args.quick, minutes=share))
    if only and RESULTS.exists():
        # A partial run replaces its own benchmarks and keeps the others' figures.
        ran = {r["name"] for r in results}
        kept = json.loads(RESULTS.read_text()).get("benchmarks", [])
        results = [r for r in kept if r["name"] not in ran] + results
        results.sort(key=lambda r: [b[0] for b in BENCHMARKS].index(r["name"]))
    report = {"machine": machine(), "quick": args.quick, "benchmarks": results}
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table(results)
    crashed = [r["name"] for r in results if r["exit"] != 0]
    print(f"\n{len(results)} benchmark(s) ran; figures in {RESULTS.relative_to(PROJECT_DIR)}.")
    if crashed:
        print(f"Benchmarks that crashed or ran out of time: {', '.join(crashed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
