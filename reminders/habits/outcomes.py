"""Applications: how they ended, which went quiet, and how long the employer took."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from interviews.models import Application, Interview
from reminders.models import FollowUp

from .rules import CHECK_INS, Status, duration_text


@dataclass
class Outcomes:
    offers: int = 0
    rejections: int = 0
    withdrawn: int = 0
    went_quiet: int = 0
    active: int = 0
    responded: int = 0
    response_time: timedelta | None = None

    @property
    def still_waiting(self):
        return self.active - self.went_quiet

    @property
    def total(self):
        return self.offers + self.rejections + self.withdrawn + self.active

    @property
    def response_text(self):
        return duration_text(self.response_time)


def went_quiet(*, candidate, now):
    """Active, no reply, and no answer a check-in gap after the last check-in done.

    The chain has ended (no check-in planned or open): the cap was reached or
    the candidate skipped the next one. The wait is the candidate's own gap
    between check-ins, the time they would have waited before the next one.
    """
    check_ins = FollowUp.objects.filter(application=OuterRef("pk"), kind__in=CHECK_INS)
    done = check_ins.filter(status=Status.DONE)
    quiet_since = now - timedelta(days=candidate.further_check_in_gap_days)
    # Correlated EXISTS, not NOT IN: PostgreSQL turns these into (anti-)joins.
    return (
        Q(status=Application.Status.ACTIVE, employer_replied_at__isnull=True)
        & Exists(done)
        & ~Exists(check_ins.filter(status__in=FollowUp.PENDING))
        & ~Exists(done.filter(done_at__gt=quiet_since))
    )


def _applications(candidate, span):
    """Applications with an interview that ended within the span."""
    in_span = Interview.objects.filter(
        application__candidate=candidate, ends_at__gte=span.start, ends_at__lt=span.end
    )
    return Application.objects.filter(candidate=candidate, pk__in=in_span.values("application_id"))


def outcomes(*, candidate, span, now):
    Status_ = Application.Status
    # A decision is the employer's answer too when no reply was recorded first.
    response_at = Coalesce(
        "employer_replied_at",
        Case(When(status__in=(Status_.OFFER, Status_.REJECTED), then=F("status_changed_at"))),
    )
    # From the interview the answer followed: the latest one that had ended by then.
    interview_before = (
        Interview.objects.filter(application=OuterRef("pk"), ends_at__lte=OuterRef("response_at"))
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    wait = ExpressionWrapper(
        F("response_at") - F("answered_interview"), output_field=DurationField()
    )
    applications = _applications(candidate, span)
    counts = applications.aggregate(
        offers=Count("pk", filter=Q(status=Status_.OFFER)),
        rejections=Count("pk", filter=Q(status=Status_.REJECTED)),
        withdrawn=Count("pk", filter=Q(status=Status_.WITHDRAWN)),
        active=Count("pk", filter=Q(status=Status_.ACTIVE)),
        went_quiet=Count("pk", filter=went_quiet(candidate=candidate, now=now)),
    )
    # A query of its own: an aggregate over the subquery annotation is wrapped
    # in an outer query, where the EXISTS above would lose its outer row.
    waits = (
        applications.annotate(response_at=response_at)
        .annotate(answered_interview=Subquery(interview_before))
        .aggregate(
            responded=Count("pk", filter=Q(answered_interview__isnull=False)),
            response_time=Avg(wait, filter=Q(answered_interview__isnull=False)),
        )
    )
    return Outcomes(**counts, **waits)


def quiet_applications(*, candidate, span, now):
    return list(
        _applications(candidate, span)
        .filter(went_quiet(candidate=candidate, now=now))
        .order_by("company", "role")
    )
