"""Dates as people write them in spreadsheets: ISO, German, American and British.

A date with slashes is ambiguous (03/04/2026); the candidate says which way
round their file writes them, and a value such as 31/12 that can only be read
one way suggests the answer.
"""

import re
from datetime import date, time

from .text import simplified

DATE_STYLES = {"dmy": "31/12/2026 (day first)", "mdy": "12/31/2026 (month first)"}

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "januar"), ("feb", "februar"), ("mar", "marz", "maerz"), ("apr", "april"),
         ("may", "mai"), ("jun", "juni"), ("jul", "juli"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "okt", "oktober", "october"),
         ("nov", "november"), ("dec", "dez", "dezember", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


def date_style_guess(values, *, default):
    """Day or month first, from dates such as 31/12 that can only be read one way."""
    for value in values:
        match = re.match(r"\s*(\d{1,2})/(\d{1,2})/\d{2,4}", value)
        if match:
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                return "dmy"
            if second > 12 >= first:
                return "mdy"
    return default


_TIME = r"(?:[ ,t]+(\d{1,2})[:.](\d{2})(?::\d{2}(?:\.\d+)?)?\s*([ap]\.?m\.?)?)?\s*(?:uhr)?\s*$"


def _clock(hours, minutes, meridiem):
    if hours is None:
        return None
    hour, minute = int(hours), int(minutes)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    return time(hour, minute)


def _year(text):
    year = int(text)
    return year + 2000 if year < 100 else year


def moment_parse(value, *, date_style):
    """(date, time or None) from the common ways of writing them, or ValueError."""
    text = value.strip().lower()
    if match := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME, text):
        y, m, d = int(match[1]), int(match[2]), int(match[3])
    elif match := re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})" + _TIME, text):
        d, m, y = int(match[1]), int(match[2]), _year(match[3])
    elif match := re.match(r"(\d{1,2})/(\d{1,2})/(\d{2,4})" + _TIME, text):
        first, second, y = int(match[1]), int(match[2]), _year(match[3])
        d, m = (first, second) if date_style == "dmy" else (second, first)
    elif match := re.match(r"(\d{1,2})\.?\s+([a-zä]+)\.?,?\s+(\d{4})" + _TIME, text):
        d, m, y = int(match[1]), MONTHS.get(simplified(match[2])), int(match[3])
    elif match := re.match(r"([a-zä]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME, text):
        m, d, y = MONTHS.get(simplified(match[1])), int(match[2]), int(match[3])
    else:
        raise ValueError(value)
    if m is None:
        raise ValueError(value)
    return date(y, m, d), _clock(match[4], match[5], match[6])
