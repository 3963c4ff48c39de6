"""Run every benchmark under bench/ in turn: `make bench`.

Each bench/bench_*.py is its own process (a fresh interpreter, so one
benchmark's warm caches never flatter the next), with the project's settings.
The scripts print their own tables and PASS/FAIL lines; they are reports and
exit 0. This runner exits non-zero only when a script crashed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "followup_site.settings"}
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    crashed = []
    for script in scripts:
        print(f"== {script.relative_to(PROJECT_DIR)}", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=PROJECT_DIR, env=env)
        print(f"   ({time.perf_counter() - start:.1f} s, exit {result.returncode})\n", flush=True)
        if result.returncode != 0:
            crashed.append(script.name)
    if crashed:
        print(f"Benchmarks that crashed: {', '.join(crashed)}")
        return 1
    print(f"{len(scripts)} benchmark script(s) ran.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
