"""The reminder sweep: every owed reminder goes out, at a humane hour.

The database is the source of truth. A follow-up owes a reminder while its
remind_at is set and has passed; a sweep opens the windows that are due,
sends what is owed (sending.py: claimed a batch of candidates at a time, one
email per candidate, outside any transaction) and the morning digests.
Nothing lives only in the broker, so a sweep after hours of downtime sends
everything that came due meanwhile.

The guarantee is at least once: a sender killed between the mail server's
acceptance and its mark repeats that one email when its claim lapses. Every
other reminder goes exactly once (docs/reliability.md).

Two clocks are in play. `now` (the "as of" time) decides what is owed and is
stored in remind_at and reminded_at, so operators and tests can sweep as of
any moment. Claims, Sweep rows and SendFailure rows use the wall clock: they
record what this process did, and claim expiry must compare real times, or a
sweep run "as of" last week would see a live claim as long dead.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from reminders.models import FollowUp, Sweep

from .digest import DigestResult, digests_send
from .sending import Batch, Sender, Tally, claim_expiry, owed_listed

__all__ = ["Batch", "SweepResult", "reminders_sweep", "sweep_started", "sweep_finished"]

logger = logging.getLogger(__name__)

# Beat sweeps every minute, half a million rows a year; a week of history is
# plenty for the health endpoint and an operator looking back.
SWEEP_HISTORY = timedelta(days=7)


@dataclass
class SweepResult(Tally):
    as_of: datetime | None = None
    dry_run: bool = False
    opened: int = 0
    sweep_id: int | None = None
    digests: DigestResult = field(default_factory=DigestResult)


def followups_open_due(*, now):
    """Planned follow-ups whose window has opened become open."""
    return FollowUp.objects.filter(status=FollowUp.Status.PLANNED, opens_at__lte=now).update(
        status=FollowUp.Status.OPEN
    )


def sweep_started(*, now):
    """A Sweep row for this run; earlier runs silent for longer than a claim lasts are abandoned.

    A sweep killed, or whose database connection was cut, never finishes its
    row; without this it would look as if it were running still.
    """
    wall = timezone.now()
    silent_since = wall - claim_expiry()
    Sweep.objects.filter(
        finished_at__isnull=True, abandoned=False, started_at__lt=silent_since
    ).exclude(alive_at__gte=silent_since).update(abandoned=True)
    return Sweep.objects.create(as_of=now, started_at=wall, alive_at=wall)


def sweep_finished(sweep, result):
    finished_at = timezone.now()
    Sweep.objects.filter(pk=sweep.pk).update(
        finished_at=finished_at,
        alive_at=finished_at,
        digests_sent=result.digests.sent,
    )
    if result.digests.failures:
        Sweep.objects.filter(pk=sweep.pk).update(failures=F("failures") + result.digests.failures)
    Sweep.objects.filter(started_at__lt=finished_at - SWEEP_HISTORY).delete()


def reminders_sweep(*, now, dry_run=False, send=True):
    """Send every reminder owed at `now`; with dry_run, only say what would go.

    With send=False the reminders are left to senders started elsewhere (the
    Celery beat task fans them out to the workers); windows still open and
    digests still go.
    """
    result = SweepResult(as_of=now, dry_run=dry_run)
    if dry_run:
        owed_listed(now=now, tally=result)
        result.digests = digests_send(now=now, dry_run=True)
        return result

    sweep = sweep_started(now=now)
    result.sweep_id = sweep.pk
    result.opened = followups_open_due(now=now)
    if send:
        Sender(now=now, tally=result, sweep_id=sweep.pk).run()
    result.digests = digests_send(now=now)
    sweep_finished(sweep, result)
    logger.info(
        "Sweep as of %s: %d reminders in %d emails, %d digests, %d failed, "
        "%d held for quiet hours%s",
        now.isoformat(),
        result.reminders_sent,
        result.emails_sent,
        result.digests.sent,
        result.failures + result.digests.failures,
        result.held + result.digests.held,
        ", stopped early: the mail server is failing" if result.stopped_early else "",
    )
    return result
