"""What went wrong in delivery, recorded as SendFailure rows for operators and /healthz."""

import logging
from datetime import timedelta

from django.utils import timezone

from reminders.models import SendFailure

logger = logging.getLogger(__name__)

# A candidate whose settings cannot be used is recorded at most this often,
# not at every sweep, until someone repairs the row.
BROKEN_RECORD_EVERY = timedelta(hours=1)


def failure_record(candidate, followups, error, *, kind=SendFailure.Kind.TRANSIENT):
    failure = SendFailure.objects.create(
        candidate=candidate, occurred_at=timezone.now(), error=error[:2000], kind=kind
    )
    failure.followups.set(followups)
    return failure


def candidate_data_broken(candidate, exc):
    """Log and record a candidate whose stored settings stop their reminders.

    The sweep skips them and goes on with everyone else.
    """
    logger.error("Candidate %s skipped: %s: %s", candidate.pk, type(exc).__name__, exc)
    error = f"Candidate settings unusable, reminders held: {type(exc).__name__}: {exc}"[:2000]
    recent = SendFailure.objects.filter(
        candidate=candidate, error=error, occurred_at__gt=timezone.now() - BROKEN_RECORD_EVERY
    )
    if not recent.exists():
        failure_record(candidate, [], error, kind=SendFailure.Kind.DATA)
