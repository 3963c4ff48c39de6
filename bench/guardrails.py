"""Benchmark the guardrail check on drafts of 1k, 10k and 100k characters.

Run from the project root (`make bench` runs it):

    DEBUG=on .venv/bin/python bench/guardrails.py

The check reads at most a draft's maximum length, and counts sentences in one
pass over it, so a pasted page costs what a full draft costs. Prints the best
(CPU time) of several runs at each size and its ratio to the 1k figure, for the whole
check (capped: the ratio settles once the text passes the cap) and for the
sentence count alone on uncapped text (linear: about 10× per 10× of text).
Exits 1 when the sentence count grows faster than 15× per 10× of text.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup_site.settings")
django.setup()

from reminders.followups.guardrails import (  # noqa: E402
    MAX_DRAFT_CHARS,
    count_sentences,
    guardrails_check,
)

SIZES = (1_000, 10_000, 100_000)
# Titles, initials and full stops at every few words: the worst case for the
# look-back that tells "Dr. Smith" from the end of a sentence.
PHRASE = "Dear Dr. A. Smith, thank you. We met on Monday e.g. about data! Really? Yes. "
# A linear count grows about 10× per 10× of text; quadratic would be 100×.
MAX_RATIO_PER_TENFOLD = 15


def text_of(size):
    return (PHRASE * (size // len(PHRASE) + 1))[:size]


def best_of(runs, work):
    """The least CPU time of `runs` runs: on a shared machine the wall clock
    measures the neighbours, and collections of garbage measure the heap."""
    gc.collect()
    gc.disable()
    try:
        best = float("inf")
        for _ in range(runs):
            started = time.thread_time()
            work()
            best = min(best, time.thread_time() - started)
        return best
    finally:
        gc.enable()


def main():
    print(f"Guardrail check (reads at most {MAX_DRAFT_CHARS:,} characters of a draft)")
    rows = []
    for size in SIZES:
        text = text_of(size)
        check = best_of(
            7, lambda t=text: guardrails_check(kind="thank_you", text=t, linkedin_limit=200)
        )
        count = best_of(7, lambda t=text: count_sentences(t))
        rows.append((size, check, count))
    base_check, base_count = rows[0][1], rows[0][2]
    print(f"{'characters':>12} {'check ms':>10} {'× 1k':>7} {'count ms':>10} {'× 1k':>7}")
    for size, check, count in rows:
        print(
            f"{size:>12,} {check * 1000:>10.2f} {check / base_check:>7.1f}"
            f" {count * 1000:>10.2f} {count / base_count:>7.1f}"
        )
    worst = max(rows[i + 1][2] / rows[i][2] for i in range(len(rows) - 1))
    verdict = "PASS" if worst <= MAX_RATIO_PER_TENFOLD else "FAIL"
    print(
        f"{verdict}: the sentence count grows at most {worst:.1f}× per 10× of text "
        f"(target ≤ {MAX_RATIO_PER_TENFOLD}×)"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
