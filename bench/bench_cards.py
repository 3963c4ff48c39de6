"""Benchmark the printable thank-you cards against a system-font floor.

Run from the project root with settings chosen by the caller:

    DJANGO_SETTINGS_MODULE=followup_site.settings .venv/bin/python bench/bench_cards.py

Everything is measured side by side in one process, so the figures are
ratios against a floor rather than machine-dependent milliseconds:

(a) one A6 card with the handwriting font (cards_render, warm);
(b) the floor: the very same call, but the stylesheet served without the
    @font-face rule, so the text is laid out in DejaVu Sans;
(c) the PDF size of one card;
(d) a 20-card panel against one card.

It prints a table and PASS/FAIL per target, and always exits 0: it is a report.
"""

from __future__ import annotations

import logging
import re
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()
# WeasyPrint's progress logging would swamp the report (and the timings).
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from weasyprint.text import ffi as weasy_ffi  # noqa: E402

from reminders.cards import fetcher, renderer  # noqa: E402

WARMUPS = 3
ITERATIONS = 30
TARGETS = {"font_ratio": 1.2, "pdf_kb": 20.0, "panel_ratio": 8.0}

CARD = renderer.Card(
    recipient_name="Dana Whitfield",
    greeting="Dear Dana,",
    body=(
        "Thank you for meeting me on Tuesday to talk about the product designer role. "
        "I enjoyed hearing how your team turns customer interviews into the roadmap.\n\n"
        "My years of user research and design systems match what you described, and I "
        "would love to help Northwind make logistics humane."
    ),
    sign_off="With thanks,",
    signature="Sam Okafor",
)
PANEL = [CARD] * 20


class SystemFontFetcher(renderer.CardAssetFetcher):
    """Serves cards.css without @font-face: the same page in DejaVu Sans."""

    def fetch(self, url, headers=None):
        response = super().fetch(url, headers)
        if not url.endswith(".css"):
            return response
        css = response.read().decode()
        css = re.sub(r"@font-face\s*{[^}]*}", "", css)
        css = css.replace('"Card Hand", ', "")
        return fetcher.URLFetcherResponse(url, body=css, headers={"Content-Type": "text/css"})


def timings_ms(call) -> list[float]:
    for _ in range(WARMUPS):
        call()
    samples = []
    for _ in range(ITERATIONS):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def render_with(fetcher_class, card_list):
    original_fetcher, original_check = renderer.CardAssetFetcher, renderer._overflowing_cards
    renderer.CardAssetFetcher = fetcher_class
    if fetcher_class is SystemFontFetcher:
        # DejaVu is wider than Caveat, so the fit check would step the floor
        # down and lay it out twice; the floor is one layout, check included.
        renderer._overflowing_cards = lambda document, fmt: original_check(document, fmt) and set()
    try:
        return renderer.cards_render(cards=card_list)
    finally:
        renderer.CardAssetFetcher, renderer._overflowing_cards = original_fetcher, original_check


def harfbuzz_subsetting() -> str:
    # WeasyPrint 70 subsets embedded fonts with HarfBuzz when it could load
    # libharfbuzz-subset (>= 4.1), and falls back to fontTools otherwise.
    if weasy_ffi.harfbuzz_subset is None:
        return "no (libharfbuzz-subset not found: fontTools fallback)"
    if not weasy_ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        return "no (HarfBuzz older than 4.1: fontTools fallback)"
    return "yes (libharfbuzz-subset loaded, HarfBuzz >= 4.1)"


def main() -> int:
    hand = timings_ms(lambda: render_with(renderer.CardAssetFetcher, [CARD]))
    floor = timings_ms(lambda: render_with(SystemFontFetcher, [CARD]))
    panel = timings_ms(lambda: render_with(renderer.CardAssetFetcher, PANEL))
    pdf_kb = len(render_with(renderer.CardAssetFetcher, [CARD])) / 1024

    hand_median, floor_median = statistics.median(hand), statistics.median(floor)
    panel_median = statistics.median(panel)
    results = [
        ("one A6 card, handwriting font", f"{hand_median:.1f} ms", f"p95 {p95(hand):.1f} ms"),
        ("one A6 card, system font (floor)", f"{floor_median:.1f} ms", f"p95 {p95(floor):.1f} ms"),
        ("20-card panel", f"{panel_median:.1f} ms", f"p95 {p95(panel):.1f} ms"),
    ]
    checks = [
        ("font / floor", hand_median / floor_median, TARGETS["font_ratio"], "×"),
        ("one-card PDF size", pdf_kb, TARGETS["pdf_kb"], " KB"),
        ("20 cards / one card", panel_median / hand_median, TARGETS["panel_ratio"], "×"),
    ]

    print(f"Card benchmark: {WARMUPS} warm-ups, {ITERATIONS} runs each (median, p95)")
    for name, median, tail in results:
        print(f"  {name:<34} {median:>10}  {tail}")
    print()
    for name, value, target, unit in checks:
        verdict = "PASS" if value <= target else "FAIL"
        print(f"  {name:<34} {value:>7.2f}{unit:<3} target <= {target}{unit}  {verdict}")
    print()
    print(f"  HarfBuzz font subsetting: {harfbuzz_subsetting()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
