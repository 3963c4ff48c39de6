"""The habit page's date range: a GET form that keeps what was typed when it is wrong."""

from datetime import timedelta

from django import forms

from interviews.form_kit import EARLIEST_DATE, DateInput, PlainHelperMixin, latest_date
from reminders.models import FollowUp

from .figures import Span, default_span
from .rules import FIGURES

# Past two years a weekly chart is a blur of bars; monthly figures still fit.
LONGEST_SPAN_DAYS = 2 * 366


class SpanForm(PlainHelperMixin, forms.Form):
    # The URL says ?from=…&to=… (add_prefix below); "from" cannot name a field here.
    first = forms.DateField(label="From", required=False, widget=DateInput())
    last = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, data=None, *, candidate, now):
        super().__init__(data)
        self.default = default_span(tz=candidate.tz, now=now)
        self.today = now.astimezone(candidate.tz).date()
        # An unfiltered page shows the days it covers, ready to change.
        self.fields["first"].initial = self.default.first
        self.fields["last"].initial = self.default.last
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control"
            if self.is_bound and self.errors.get(name):
                field.widget.attrs.update(
                    {"class": "form-control is-invalid", "aria-describedby": f"{name}-error"}
                )

    def add_prefix(self, field_name):
        return {"first": "from", "last": "to"}.get(field_name, field_name)

    def clean_first(self):
        return self._plausible(self.cleaned_data.get("first"), "the first day")

    def clean_last(self):
        return self._plausible(self.cleaned_data.get("last"), "the last day")

    def _plausible(self, day, what):
        if day is not None and not EARLIEST_DATE <= day <= latest_date():
            raise forms.ValidationError(
                f"Check the year of {what}: between {EARLIEST_DATE.year} and {latest_date().year}."
            )
        return day

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if self.errors:
            return cleaned
        first = first or (last - timedelta(days=182) if last else self.default.first)
        last = last or max(first, self.today)
        if first > last:
            self.add_error("last", "The last day comes before the first. Swap them?")
        elif (last - first).days > LONGEST_SPAN_DAYS:
            self.add_error("last", "Pick at most two years, so the weeks stay readable.")
        cleaned["span"] = Span(first, last, self.default.tz)
        return cleaned

    def span(self):
        """The chosen days, or the default six months when nothing (valid) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["span"]
        return self.default


class DrillForm(forms.Form):
    """Which figure's follow-ups to list; the page's own links are always valid."""

    figure = forms.ChoiceField(choices=[("", "all"), *((k, f.label) for k, f in FIGURES.items())])
    kind = forms.ChoiceField(choices=[("", "any"), *FollowUp.Kind.choices])
    sequence = forms.IntegerField(min_value=0, max_value=10)
    channel = forms.ChoiceField(choices=[("", "any"), *FollowUp.Channel.choices])

    def __init__(self, data):
        super().__init__(data)
        for field in self.fields.values():
            field.required = False

    def filters(self):
        return {name: self.cleaned_data[name] for name in ("kind", "sequence", "channel")}

    def query(self):
        """The figure and filters again, for links (paging, a single application)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
