"""Benchmark a card downloaded again: served from the cache, not rendered.

Run from the project root with settings chosen by the caller (bench/run.py
sets them):

    DJANGO_SETTINGS_MODULE=followup_site.settings .venv/bin/python bench/bench_card_cache.py

Everything goes through reminders.printing.card_pdf_response, the function
the views and the signed email link call, side by side in one process:

(a) a fresh download: its cache entry deleted first, so the card is rendered;
(b) the same card again, unchanged: served from Django's cache;
(c) for reference, a bare cache.get of the same PDF bytes (the part of (b)
    no code of ours can make faster).

The cache is whatever the settings choose: Redis when REDIS_URL is set, else
local memory. The follow-up rows are built in memory (no database writes):
card_pdf_response reads only their fields. Prints PASS/FAIL; always exits 0.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402

from interviews.models import Application, Candidate, Contact, Interview  # noqa: E402
from reminders.cards import printing  # noqa: E402
from reminders.models import FollowUp  # noqa: E402

WARMUPS = 3
ITERATIONS = 30
# "A few milliseconds": an unchanged card costs at most a tenth of rendering
# it (the floor it avoids, measured in the same run) and under 5 ms.
TARGETS = {"cached_vs_fresh": 0.10, "cached_ms": 5.0}

DRAFT = (
    "Dear Dana,\n\n"
    "Thank you for meeting me on Tuesday to talk about the product designer role. "
    "I enjoyed hearing how your team turns customer interviews into the roadmap.\n\n"
    "My years of user research and design systems match what you described, and I "
    "would love to help Northwind make logistics humane.\n\n"
    "With thanks,\nSam"
)


def followups() -> list[FollowUp]:
    candidate = Candidate(full_name="Sam Okafor", signing_name="Sam", paper_size="a4")
    application = Application(candidate=candidate, company="Northwind", role="Designer")
    interview = Interview(application=application)
    contact = Contact(candidate=candidate, name="Dana Whitfield", company="Northwind")
    followup = FollowUp(
        pk=1,
        candidate=candidate,
        application=application,
        interview=interview,
        contact=contact,
        kind=FollowUp.Kind.THANK_YOU,
        draft=DRAFT,
    )
    return [followup]


def timings_ms(call, before=None) -> list[float]:
    samples = []
    for run in range(WARMUPS + ITERATIONS):
        if before:
            before()
        start = time.perf_counter()
        call()
        if run >= WARMUPS:
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def download(rows):
    response = printing.card_pdf_response(followups=rows)
    if response.status_code != 200:
        raise RuntimeError(f"card download failed: {response.status_code}")
    return response


def main() -> int:
    rows = followups()
    options = printing.card_options_default(rows[0].candidate)
    key = printing.cache_key([printing.card_for(rows[0], envelopes=False)], options)
    # Delete only this key: with Redis the cache database may be shared
    # (Celery's broker uses REDIS_URL too), so never clear it.
    fresh = timings_ms(lambda: download(rows), before=lambda: cache.delete(key))
    cached = timings_ms(lambda: download(rows))
    if cache.get(key) is None:
        raise RuntimeError("the card was not cached under its content key")
    floor = timings_ms(lambda: cache.get(key))

    fresh_ms, cached_ms = statistics.median(fresh), statistics.median(cached)
    floor_ms = statistics.median(floor)
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"Card cache benchmark ({backend}): {WARMUPS} warm-ups, {ITERATIONS} runs (median)")
    print(f"  {'fresh download (rendered)':<34} {fresh_ms:>8.2f} ms")
    print(f"  {'unchanged download (cached)':<34} {cached_ms:>8.2f} ms")
    print(f"  {'reference: bare cache.get of it':<34} {floor_ms:>8.2f} ms")
    print()
    for name, value, target, unit in (
        ("cached / fresh", cached_ms / fresh_ms, TARGETS["cached_vs_fresh"], "×"),
        ("cached download", cached_ms, TARGETS["cached_ms"], " ms"),
    ):
        verdict = "PASS" if value <= target else "FAIL"
        print(f"  {name:<34} {value:>8.4f}{unit:<3} target <= {target}{unit}  {verdict}")
    print(f"  (an unchanged card is {fresh_ms / cached_ms:.0f}× faster than rendering it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
