"""The habit page and its drill-down lists; rows come through the owner's candidate."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from interviews.access import get_owned_or_404
from interviews.models import Application

from . import charts
from .figures import followups_behind, habit_report
from .forms import DrillForm, SpanForm
from .rules import FIGURES

FOLLOWUPS_PER_PAGE = 50


def habit_page(request):
    now = timezone.now()
    form = SpanForm(request.GET or None, candidate=request.candidate, now=now)
    report = habit_report(candidate=request.candidate, span=form.span(), now=now)
    drill_url = reverse("habit_followups")
    return render(
        request,
        "reminders/habits/page.html",
        {
            "form": form,
            "report": report,
            "drill_url": drill_url,
            "weekly_chart": charts.thank_you_chart(
                periods=report.weeks, scale="week", drill_url=drill_url
            ),
            "monthly_chart": charts.thank_you_chart(
                periods=report.months, scale="month", drill_url=drill_url
            ),
            "kind_chart": charts.reply_chart(
                chart_id="replies-by-kind",
                title="Reply rate after each kind of message",
                rates=report.reply_by_kind,
                drill_url=drill_url,
            ),
            "channel_chart": charts.reply_chart(
                chart_id="replies-by-channel",
                title="Reply rate by how the message went",
                rates=report.reply_by_channel,
                drill_url=drill_url,
            ),
            "outcome_chart": charts.outcome_chart(outcomes=report.outcomes),
        },
    )


def habit_followups(request, pk=None):
    """The follow-ups behind one figure, optionally of one application."""
    application = None
    if pk is not None:
        application = get_owned_or_404(Application, request.user, pk=pk)
    drill = DrillForm(request.GET)
    if not drill.is_valid():
        # A link the page never makes: say so rather than list something else.
        raise Http404("No such figure.")
    now = timezone.now()
    form = SpanForm(request.GET or None, candidate=request.candidate, now=now)
    span = form.span()
    figure_key = drill.cleaned_data["figure"]
    rows = followups_behind(
        candidate=request.candidate,
        figure=FIGURES.get(figure_key),
        span=span,
        now=now,
        application=application,
        **drill.filters(),
    )
    page = Paginator(rows, FOLLOWUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/habits/followups.html",
        {
            "form": form,
            "span": span,
            "figure": FIGURES.get(figure_key),
            "application": application,
            "page": page,
            "drill_params": drill.query(),
            "query": span.query(**drill.query()),
        },
    )
