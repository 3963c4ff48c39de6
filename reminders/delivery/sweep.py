"""The reminder sweep: every owed reminder goes out once, at a humane hour.

The database is the source of truth. A follow-up owes a reminder while its
remind_at is set and has passed; the sweep finds those, claims each with a
conditional UPDATE, sends one email per candidate outside any transaction,
and then clears remind_at. Nothing lives only in the broker, so a sweep after
hours of downtime sends everything that came due meanwhile, once.

Two clocks are in play. `now` (the "as of" time) decides what is owed and is
stored in remind_at and reminded_at, so operators and tests can sweep as of
any moment. Claims, Sweep rows and SendFailure rows use the wall clock: they
record what this process did, and claim expiry must compare real times, or a
sweep run "as of" last week would see a live claim as long dead.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from interviews.models import Candidate
from reminders.models import FollowUp, Sweep

from . import emails
from .backoff import backoff
from .digest import DigestResult, digests_send
from .records import candidate_data_broken, failure_record

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died between claiming and
# finishing; the reminder is owed again. It is far longer than a send can take
# (the SMTP timeout is 20 s), so a live sender never loses its claim.
CLAIM_EXPIRY = timedelta(minutes=10)

# Beat sweeps every minute, half a million rows a year; a week of history is
# plenty for the health endpoint and an operator looking back.
SWEEP_HISTORY = timedelta(days=7)


@dataclass
class Batch:
    """The reminders one email carries to one candidate."""

    candidate: object
    address: str
    followups: list


@dataclass
class SweepResult:
    as_of: datetime
    dry_run: bool = False
    opened: int = 0
    reminders_sent: int = 0
    emails_sent: int = 0
    failures: int = 0
    # Owed, but the candidate is inside their quiet hours: a later sweep sends.
    held: int = 0
    # Follow-ups whose stored data cannot be rendered: recorded, not reminded.
    set_aside: int = 0
    # Candidates whose stored settings cannot be used (an unknown time zone):
    # skipped and recorded, while everyone else's reminders go.
    skipped: int = 0
    # What went out, or with dry_run what would go.
    batches: list[Batch] = field(default_factory=list)
    digests: DigestResult = field(default_factory=DigestResult)


def followups_open_due(*, now):
    """Planned follow-ups whose window has opened become open."""
    return FollowUp.objects.filter(status=FollowUp.Status.PLANNED, opens_at__lte=now).update(
        status=FollowUp.Status.OPEN
    )


def reminders_owed(*, now):
    """Follow-ups owing a reminder at `now`, claimable, to a reachable candidate."""
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("candidate__user_id"), primary=True, verified=True
    )
    claim_expired = timezone.now() - CLAIM_EXPIRY
    return (
        FollowUp.objects.filter(
            remind_at__lte=now,
            status__in=FollowUp.PENDING,
            candidate__reminders_paused=False,
        )
        # A digest candidate's reminders wait for their morning email, all
        # but the notes nudge: by the next morning the details have faded.
        .filter(
            Q(candidate__reminder_mode=Candidate.ReminderMode.EACH) | Q(kind=FollowUp.Kind.NOTES)
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=claim_expired))
        .filter(Exists(verified))
        .select_related("candidate__user", "application", "interview", "contact")
        .order_by("candidate_id", "remind_at", "id")
    )


def _batches(*, now, result):
    """Owed reminders grouped per candidate, leaving out those in quiet hours."""
    by_candidate = defaultdict(list)
    for followup in reminders_owed(now=now):
        by_candidate[followup.candidate_id].append(followup)
    addresses = dict(
        EmailAddress.objects.filter(
            user__candidate__in=list(by_candidate), primary=True, verified=True
        ).values_list("user__candidate", "email")
    )
    for candidate_id, followups in by_candidate.items():
        candidate = followups[0].candidate
        # Quiet hours are checked in the candidate's own zone at `now`; a held
        # reminder keeps its remind_at and the first sweep after the quiet
        # hours end (08:00 local by default) sends it.
        try:
            quiet = candidate.in_quiet_hours(now)
        except Exception as exc:
            candidate_data_broken(candidate, exc)
            result.skipped += 1
            continue
        if quiet:
            result.held += len(followups)
            continue
        if candidate_id in addresses:  # else the address was unverified a moment ago
            yield Batch(candidate=candidate, address=addresses[candidate_id], followups=followups)


def _claim(followups):
    """The follow-ups this sweep won; a concurrent sweep gets none of them.

    Each UPDATE only matches the row as it was read (same claim, same
    remind_at), so of two sweeps that read the same row exactly one changes
    it. remind_at in the condition also stops a late claimer from reclaiming
    a row another sweep has already finished or pushed back.
    """
    won = []
    for followup in followups:
        claimed_at = timezone.now()
        claimed = FollowUp.objects.filter(
            pk=followup.pk,
            claimed_at=followup.claimed_at,
            remind_at=followup.remind_at,
            status__in=FollowUp.PENDING,
        ).update(claimed_at=claimed_at)
        if claimed == 1:
            followup.claimed_at = claimed_at
            won.append(followup)
    return won


def _complete(followups, *, now):
    for followup in followups:
        mine = FollowUp.objects.filter(pk=followup.pk, claimed_at=followup.claimed_at)
        # If the candidate snoozed it while the email was on its way, the new
        # remind_at is a fresh reminder owed: keep it.
        if not mine.filter(remind_at=followup.remind_at).update(
            remind_at=None, reminded_at=now, claimed_at=None, send_attempts=0
        ):
            mine.update(reminded_at=now, claimed_at=None)
    FollowUp.objects.filter(
        pk__in=[followup.pk for followup in followups], status=FollowUp.Status.PLANNED
    ).update(status=FollowUp.Status.OPEN)


def _release(followups, *, now):
    """Give the claims back with the reminders still owed, a little later."""
    for followup in followups:
        mine = FollowUp.objects.filter(pk=followup.pk, claimed_at=followup.claimed_at)
        if not mine.filter(remind_at=followup.remind_at).update(
            claimed_at=None,
            remind_at=now + backoff(followup.send_attempts),
            send_attempts=F("send_attempts") + 1,
        ):
            mine.update(claimed_at=None)


def _set_aside(followups):
    """Follow-ups whose stored data cannot be rendered: no reminder, kept on the dashboard.

    Retrying would fail the same way every sweep, so their reminder is dropped
    (remind_at cleared) and the reason recorded for the operator.
    """
    for followup in followups:
        FollowUp.objects.filter(pk=followup.pk, claimed_at=followup.claimed_at).update(
            remind_at=None, claimed_at=None
        )


def _rendered(batch, *, result):
    """The batch's email, leaving out any follow-up that cannot be rendered; None if none can.

    Rendering comes before sending and apart from it, so a broken row is not
    mistaken for a mail server that is down, and never holds back the
    candidate's other reminders.
    """

    def message(followups):
        return emails.reminder(to=batch.address, candidate=batch.candidate, followups=followups)

    try:
        return message(batch.followups)
    except Exception:
        logger.exception("Reminder to candidate %s could not be rendered", batch.candidate.pk)
    good, broken = [], []
    for followup in batch.followups:
        try:
            message([followup])
        except Exception as exc:
            broken.append((followup, exc))
        else:
            good.append(followup)
    bad = [followup for followup, _ in broken]
    _set_aside(bad)
    exc = broken[0][1]
    failure_record(batch.candidate, bad, f"Could not be rendered: {type(exc).__name__}: {exc}")
    result.set_aside += len(bad)
    batch.followups = good
    return message(good) if good else None


def _deliver(batch, *, now, result):
    message = _rendered(batch, result=result)
    if message is None:
        return
    # No transaction is open here: a send inside one would be repeated if the
    # transaction rolled back after the mail server had accepted it.
    try:
        message.send()
    except Exception as exc:
        logger.exception("Reminder email to candidate %s failed", batch.candidate.pk)
        _release(batch.followups, now=now)
        failure_record(batch.candidate, batch.followups, f"{type(exc).__name__}: {exc}")
        result.failures += 1
        return
    _complete(batch.followups, now=now)
    result.reminders_sent += len(batch.followups)
    result.emails_sent += 1
    result.batches.append(batch)


def reminders_sweep(*, now, dry_run=False):
    """Send every reminder owed at `now`; with dry_run, only say what would go."""
    result = SweepResult(as_of=now, dry_run=dry_run)
    if dry_run:
        result.batches = list(_batches(now=now, result=result))
        result.digests = digests_send(now=now, dry_run=True)
        return result

    sweep = Sweep.objects.create(as_of=now, started_at=timezone.now())
    result.opened = followups_open_due(now=now)
    for batch in _batches(now=now, result=result):
        batch.followups = _claim(batch.followups)
        if batch.followups:
            _deliver(batch, now=now, result=result)
    result.digests = digests_send(now=now)

    finished_at = timezone.now()
    Sweep.objects.filter(pk=sweep.pk).update(
        finished_at=finished_at,
        reminders_sent=result.reminders_sent,
        emails_sent=result.emails_sent,
        failures=result.failures + result.digests.failures,
        digests_sent=result.digests.sent,
    )
    Sweep.objects.filter(started_at__lt=finished_at - SWEEP_HISTORY).delete()
    logger.info(
        "Sweep as of %s: %d reminders in %d emails, %d digests, %d failed, "
        "%d held for quiet hours",
        now.isoformat(),
        result.reminders_sent,
        result.emails_sent,
        result.digests.sent,
        result.failures + result.digests.failures,
        result.held + result.digests.held,
    )
    return result
