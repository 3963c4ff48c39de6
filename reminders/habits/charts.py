"""Charts drawn on the server as inline SVG: no script, no style attribute.

The Content Security Policy allows styles from our own files only, so every
colour is a class (static/css/site.css, "Habit page"); text and axes take
`currentColor`, so they follow the page's text colour in a light or dark
theme and in print. Each chart names the table beside it (aria-describedby):
the table holds the same figures for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from django.utils.html import format_html, format_html_join

BAR, GAP = 22, 8
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 12, 34
PLOT_HEIGHT = 150


@dataclass
class Series:
    name: str
    css: str  # one of the chart-* classes in site.css
    values: list
    links: list | None = None


def _scale_top(largest):
    """A round top for the axis with four even steps: 4, 8, 12, 20, 40 …"""
    step = max(1, ceil(largest / 4))
    return step * 4, step


def stacked_bars(*, chart_id, title, labels, series, table_id):
    """Bars per period, each stacked from its series; a bar links to its follow-ups."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top, step = _scale_top(max(totals, default=0))
    # Half a year of weeks still fits a column at full size: narrower bars, not smaller text.
    bar, gap = (BAR, GAP) if len(labels) <= 12 else (BAR * 2 // 3, GAP * 2 // 3)
    width = LEFT + len(labels) * (bar + gap) + RIGHT
    height = TOP + PLOT_HEIGHT + BOTTOM

    def y(value):
        return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top

    parts = []
    for tick in range(0, top + 1, step):
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                width - RIGHT,
                f"{y(tick):.1f}",
                f"{y(tick):.1f}",
                LEFT - 4,
                f"{y(tick) + 4:.1f}",
                tick,
            )
        )
    # Label every bar when they fit, else every few, so the names never overlap.
    every = max(1, ceil(len(labels) / 9))
    for index, label in enumerate(labels):
        x = LEFT + index * (bar + gap) + gap / 2
        base = 0
        for s in series:
            value = s.values[index]
            if not value:
                continue
            rect = format_html(
                '<rect class="chart-bar {}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {} {}</title></rect>",
                s.css,
                f"{x:.1f}",
                f"{y(base + value):.1f}",
                bar,
                f"{y(base) - y(base + value):.1f}",
                label,
                value,
                s.name.lower(),
            )
            link = s.links[index] if s.links else None
            parts.append(format_html('<a href="{}">{}</a>', link, rect) if link else rect)
            base += value
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar / 2:.1f}",
                    TOP + PLOT_HEIGHT + 16,
                    label,
                )
            )
    return _svg(chart_id, title, table_id, width, height, parts, empty=not any(totals))


ROW, LABEL_WIDTH, TRACK = 26, 116, 150


def percent_bars(*, chart_id, title, rows, table_id):
    """One bar per row on a 0–100 % track; `rows` are (label, percent or None, note, link)."""
    width = LABEL_WIDTH + TRACK + 96
    height = TOP + ROW * max(len(rows), 1) + 6
    parts = []
    for index, (label, value, note, link) in enumerate(rows):
        y = TOP + index * ROW
        bar = ""
        if value:
            bar = format_html(
                '<rect class="chart-bar chart-rate" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>",
                LABEL_WIDTH,
                y + 4,
                f"{TRACK * value / 100:.1f}",
                ROW - 10,
                label,
                note,
            )
            if link:
                bar = format_html('<a href="{}">{}</a>', link, bar)
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="chart-track" x="{}" y="{}" width="{}" height="{}"></rect>{}'
                '<text class="chart-label" x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 6,
                y + ROW / 2 + 4,
                label,
                LABEL_WIDTH,
                y + 4,
                TRACK,
                ROW - 10,
                bar,
                LABEL_WIDTH + TRACK + 6,
                y + ROW / 2 + 4,
                note,
            )
        )
    return _svg(chart_id, title, table_id, width, height, parts, empty=not rows)


def _svg(chart_id, title, table_id, width, height, parts, *, empty):
    if empty:
        parts = [
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                width / 2,
                height / 2,
                "Nothing in this range yet",
            )
        ]
    return format_html(
        '<svg class="habit-chart" id="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title" aria-describedby="{}">'
        '<title id="{}-title">{}</title>{}</svg>',
        chart_id,
        f"{width:.0f}",
        height,
        f"{width:.0f}",
        height,
        chart_id,
        table_id,
        chart_id,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def legend(series):
    """The key, as HTML beside the chart (a class gives each swatch its colour)."""
    return format_html(
        '<ul class="chart-legend list-inline small mb-1">{}</ul>',
        format_html_join(
            "",
            '<li class="list-inline-item"><span class="chart-swatch {}" aria-hidden="true">'
            "</span>{}</li>",
            ((s.css, s.name) for s in series),
        ),
    )


# The habit page's charts ------------------------------------------------------------

THANK_YOU_SERIES = [
    ("On time", "chart-on-time", "thank_yous_on_time"),
    ("Late or overdue", "chart-late", "thank_yous_late"),
    ("Skipped", "chart-skipped", "thank_yous_skipped"),
]


def _period_label(period, scale):
    # Months by name only: the table beside the chart gives the year.
    return f"{period.first:%-d %b}" if scale == "week" else f"{period.first:%b}"


def thank_you_chart(*, periods, scale, drill_url):
    """Thank-yous per week or month, stacked by how they went."""
    series = [
        Series(
            name,
            css,
            [getattr(p, figure) for p in periods],
            [f"{drill_url}?{p.links[figure]}" for p in periods],
        )
        for name, css, figure in THANK_YOU_SERIES
    ]
    chart = stacked_bars(
        chart_id=f"thank-yous-by-{scale}",
        title=f"Thank-yous per {scale}: on time, late or overdue, skipped",
        labels=[_period_label(p, scale) for p in periods],
        series=series,
        table_id=f"table-by-{scale}",
    )
    return {"svg": chart, "legend": legend(series)}


def reply_chart(*, chart_id, title, rates, drill_url):
    rows = [
        (
            rate.label,
            rate.rate,
            f"{rate.rate}% ({rate.replied} of {rate.done})" if rate.done else "none sent",
            f"{drill_url}?{rate.drill_query}",
        )
        for rate in rates
    ]
    return percent_bars(chart_id=chart_id, title=title, rows=rows, table_id=f"{chart_id}-table")


OUTCOME_ROWS = [
    ("Offers", "offers"),
    ("Rejections", "rejections"),
    ("Withdrawn", "withdrawn"),
    ("Still waiting", "still_waiting"),
    ("Went quiet", "went_quiet"),
]


def outcome_chart(*, outcomes):
    total = outcomes.total
    rows = []
    for label, name in OUTCOME_ROWS:
        count = getattr(outcomes, name)
        share = round(100 * count / total) if total else None
        rows.append((label, share, f"{count} of {total}" if total else "–", None))
    return percent_bars(
        chart_id="outcomes",
        title="How the applications interviewed for in this range stand",
        rows=rows if total else [],
        table_id="outcomes-table",
    )
