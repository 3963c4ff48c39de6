"""The record of applications made: the page that picks the period, and its
PDF and CSV downloads.

Every row comes from record.record_build for the signed-in candidate, so no
query string can reach another candidate's applications.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interviews.form_kit import DateInput, check_plausible

from . import record

PAGE = "reminders/portability/record_form.html"


def last_full_month(today):
    """(first day, last day) of the calendar month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class RecordPeriodForm(forms.Form):
    """The period, both days included, as `from` and `to` in the query string."""

    def __init__(self, data, *, today):
        start, end = last_full_month(today)
        super().__init__(data or None, initial={"from": start, "to": end})
        # "from" is a Python keyword, so these fields cannot be class attributes.
        for name, label in (("from", "From"), ("to", "To")):
            widget = DateInput(attrs={"class": "form-control"})
            self.fields[name] = forms.DateField(label=label, widget=widget)

    def clean_from(self):
        day = self.cleaned_data["from"]
        check_plausible(day, "the first day")
        return day

    def clean_to(self):
        day = self.cleaned_data["to"]
        check_plausible(day, "the last day")
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            raise ValidationError(
                "The period ends before it starts: put the earlier date in “From”."
            )
        return data

    def period(self):
        """(start, end) of a valid form, else of its defaults."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["from"], self.cleaned_data["to"]
        return self.initial["from"], self.initial["to"]


def _period_form(request):
    today = timezone.localdate(timezone=request.candidate.tz)
    return RecordPeriodForm(request.GET, today=today)


def _page(request, form, *, status=200, problem=""):
    context = {"form": form, "problem": problem}
    if not form.is_bound or form.is_valid():
        start, end = form.period()
        context["record"] = record.record_build(candidate=request.candidate, start=start, end=end)
        context["query"] = f"from={start.isoformat()}&to={end.isoformat()}"
    return render(request, PAGE, context, status=status)


def _filename(rec, extension):
    return f"applications-{rec.start.isoformat()}-to-{rec.end.isoformat()}.{extension}"


def _download(content, *, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The record is personal: no shared cache (a proxy) may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def record_page(request):
    """Pick the period; with one chosen, see its rows before downloading."""
    return _page(request, _period_form(request))


@require_GET
def record_pdf(request):
    form = _period_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    start, end = form.period()
    rec = record.record_build(candidate=request.candidate, start=start, end=end)
    try:
        pdf = record.record_pdf(record=rec)
    except record.RecordTooLong as error:
        return _page(request, form, status=422, problem=str(error))
    return _download(pdf, content_type="application/pdf", filename=_filename(rec, "pdf"))


@require_GET
def record_csv(request):
    form = _period_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    start, end = form.period()
    rec = record.record_build(candidate=request.candidate, start=start, end=end)
    # With a byte-order mark, spreadsheets open the file as UTF-8 (umlauts intact).
    content = "\ufeff" + record.record_csv(record=rec)
    return _download(
        content, content_type="text/csv; charset=utf-8", filename=_filename(rec, "csv")
    )
