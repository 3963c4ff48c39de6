"""Building blocks for every form of the site: crispy without its own <form>
tag, date inputs that round-trip the browser's format, and the range of dates
a job search can plausibly have.

Both apps' forms use these; ``reminders`` may import from ``interviews``, never
the reverse, so they live here.
"""

from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class PlainHelperMixin:
    """Crispy renders fields only; templates own the <form> tag and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if isinstance(value, str) or value is None:
            return value
        # The form field has already turned it into naive local time.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str) or value is None:
            return value
        return value.isoformat()


# The dates a job search has. Anything outside is a typo (2062 for 2026),
# and the planner adds weeks to these dates: year 9999 would overflow it.
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 3


def latest_date():
    return timezone.localdate() + timedelta(days=366 * YEARS_AHEAD)


def check_plausible(day, what):
    latest = latest_date()
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            f"Check the year: {what} between {EARLIEST_DATE.year} and {latest.year}."
        )
