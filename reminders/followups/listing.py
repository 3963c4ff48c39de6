"""The follow-up list: which follow-ups each choice of "Show" means, and the filter form.

Every choice is a row of SHOWS (a label, a filter, an order), so a new one is
added in one place. The pending buckets are the dashboard's own
(board.bucket_filters), so "See all 40 overdue" opens exactly those 40.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from reminders.models import FollowUp

from .board import bucket_filters


@dataclass(frozen=True)
class Show:
    label: str
    bucket: str = ""  # one of board.bucket_filters, within the pending ones
    statuses: tuple = FollowUp.PENDING
    order: tuple = ("due_at", "id")


SHOWS = {
    "pending": Show("Still to do"),
    "overdue": Show("Overdue", bucket="overdue"),
    "due_today": Show("Due today", bucket="due_today"),
    "coming_up": Show("Coming up", bucket="coming_up"),
    # Done ones read best the latest first: what was sent lately.
    "done": Show("Done", statuses=(FollowUp.Status.DONE,), order=("-done_at", "-id")),
    "closed": Show(
        "Skipped or cancelled",
        statuses=(FollowUp.Status.SKIPPED, FollowUp.Status.CANCELLED),
        order=("-due_at", "-id"),
    ),
}
DEFAULT_SHOW = "pending"


class FollowUpFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[(key, show.label) for key, show in SHOWS.items()],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        choices=[("", "Every kind"), *FollowUp.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def chosen(self):
        """(show key, kind) as chosen; the default for a field that did not validate
        (its error is shown beside it), the other field still applies."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("show") or DEFAULT_SHOW, data.get("kind") or ""


def followups_listed(*, candidate, now, show, kind="", application=None):
    """The candidate's follow-ups for one choice of SHOWS, ordered, for a paginator."""
    rule = SHOWS[show]
    rows = FollowUp.objects.filter(candidate=candidate, status__in=rule.statuses)
    if rule.bucket:
        rows = rows.filter(bucket_filters(candidate=candidate, now=now)[rule.bucket])
    if kind:
        rows = rows.filter(kind=kind)
    if application is not None:
        rows = rows.filter(application=application)
    return rows.select_related("application", "interview", "contact").order_by(*rule.order)
