"""Claiming and sending owed reminders, a batch of candidates at a time.

One UPDATE claims a whole batch: the owed rows of the next candidates that no
other sender holds (on PostgreSQL the candidate rows are picked FOR UPDATE
SKIP LOCKED, so concurrent senders take different candidates instead of
queueing behind each other; SQLite runs one writer at a time, and the UPDATE's
own conditions keep two claims apart). A candidate's owed rows are claimed
together, so one sender wins the whole candidate and they get one email.

Each candidate's rows are marked the moment the mail server accepts their
email, never at the end of the batch: a sender killed mid-batch can repeat at
most the one email in flight (accepted, not yet marked). Its other claims
lapse after REMINDER_CLAIM_EXPIRY_SECONDS; a live sender renews its claims
every REMINDER_CLAIM_HEARTBEAT_SECONDS, so the expiry can be short.
"""

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from interviews.models import Candidate
from reminders.models import FollowUp, SendFailure, Sweep

from . import emails
from .backoff import BACKOFF_CAP, backoff
from .records import candidate_data_broken, failure_record
from .smtp import failure_kind

logger = logging.getLogger(__name__)
Kind = SendFailure.Kind

# A mail server that failed this many sends in a row is down: the sender
# stops for this run instead of waiting out a timeout per candidate; the
# next run tries again.
STOP_AFTER_FAILURES = 3
# A permanent refusal (5xx) is retried this many times in all, in case the
# server was wrong, and then the reminder is given up and the bounce shown.
PERMANENT_FAILURE_LIMIT = 3


def claim_expiry():
    return timedelta(seconds=settings.REMINDER_CLAIM_EXPIRY_SECONDS)


@dataclass
class Batch:
    """The reminders one email carries to one candidate."""

    candidate: object
    address: str
    followups: list


@dataclass
class Tally:
    """What one sender did; a sweep adds up its senders'."""

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
    # Emails whose connection broke after the message was handed over.
    uncertain: int = 0
    # Reminders given up because the address keeps bouncing.
    bounced: int = 0
    stopped_early: bool = False
    batches: list[Batch] = field(default_factory=list)


def _reachable():
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("user_id"), primary=True, verified=True
    )
    return Candidate.objects.filter(reminders_paused=False).filter(Exists(verified))


def owed(*, now):
    """Follow-ups owing a reminder at `now`, free to claim, to a reachable candidate.

    Every condition is on the follow-up's own columns (the candidate's through
    subqueries, not a join), so that when two senders race for a row,
    PostgreSQL re-checks the claim on the row as the other left it.
    """
    each = Candidate.objects.filter(reminder_mode=Candidate.ReminderMode.EACH)
    return (
        FollowUp.objects.filter(remind_at__lte=now, status__in=FollowUp.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=timezone.now() - claim_expiry()))
        .filter(candidate__in=_reachable().values("pk"))
        # A digest candidate's reminders wait for their morning email, all
        # but the notes nudge: by the next morning the details have faded.
        .filter(Q(kind=FollowUp.Kind.NOTES) | Q(candidate__in=each.values("pk")))
    )


def _claim(*, now, after, size, token):
    """Claim the owed rows of the next `size` candidates after `after`; how many rows."""
    owed_rows = owed(now=now)
    picked = (
        Candidate.objects.filter(pk__gt=after)
        .filter(Exists(owed_rows.filter(candidate=OuterRef("pk"))))
        .order_by("pk")
        .values("pk")[:size]
    )
    if connection.features.has_select_for_update_skip_locked:
        picked = picked.select_for_update(skip_locked=True)
    # FOR UPDATE needs a transaction; it lasts this one statement.
    with transaction.atomic(savepoint=False):
        return owed_rows.filter(candidate__in=picked).update(
            claim=token, claimed_at=timezone.now()
        )


def _same_reminder(followups, then):
    """`then` for each row still owing the reminder it was claimed for, else unchanged.

    A row the candidate snoozed while its email was on the way has a new
    remind_at: a fresh reminder owed, which must stay.
    """
    return Case(
        *[When(pk=f.pk, remind_at=f.remind_at, then=then(f)) for f in followups],
        default=F("remind_at"),
    )


class Sender:
    """Claims and sends batch after batch until nothing is owed, or the mail server is down."""

    def __init__(self, *, now, tally, sweep_id=None):
        self.now = now
        self.tally = tally
        self.sweep_id = sweep_id
        self.backend = mail.mailers.default
        self.failures_in_a_row = 0
        self.backoffs_reset = False
        self.beat_at = time.monotonic()

    @property
    def stopped(self):
        return self.failures_in_a_row >= STOP_AFTER_FAILURES

    def run(self, *, batch_size=None):
        size = batch_size or settings.REMINDER_SEND_BATCH
        after = 0
        try:
            while not self.stopped:
                token = uuid.uuid4()
                if not _claim(now=self.now, after=after, size=size, token=token):
                    break
                before = (self.tally.reminders_sent, self.tally.emails_sent, self.tally.failures)
                after = self._batch(token)
                # Whatever is still claimed (quiet hours, no address, the
                # server down) is given back as it was, owed as before.
                FollowUp.objects.filter(claim=token).update(claim=None, claimed_at=None)
                self._count_into_sweep(before)
        finally:
            self.backend.close()
        self.tally.stopped_early = self.stopped
        return self.tally

    def _batch(self, token):
        rows = (
            FollowUp.objects.filter(claim=token)
            .select_related("candidate__user", "application", "interview", "contact")
            .order_by("candidate_id", "remind_at", "id")
        )
        by_candidate = [(pk, list(group)) for pk, group in groupby(rows, lambda f: f.candidate_id)]
        addresses = dict(
            EmailAddress.objects.filter(
                user__candidate__in=[pk for pk, _ in by_candidate], primary=True, verified=True
            ).values_list("user__candidate", "email")
        )
        for candidate_id, followups in by_candidate:
            candidate = followups[0].candidate
            # Quiet hours are checked in the candidate's own zone at `now`; a
            # held reminder keeps its remind_at and the first sweep after the
            # quiet hours end (08:00 local by default) sends it.
            try:
                quiet = candidate.in_quiet_hours(self.now)
            except Exception as exc:
                candidate_data_broken(candidate, exc)
                self.tally.skipped += 1
                continue
            if quiet:
                self.tally.held += len(followups)
            elif candidate_id in addresses and not self.stopped:
                self._deliver(Batch(candidate, addresses[candidate_id], followups), token)
            self._heartbeat(token)
        return by_candidate[-1][0]

    def _deliver(self, batch, token):
        message = _rendered(batch, tally=self.tally)
        if message is None:
            return
        # No transaction is open here: a send inside one would be repeated if
        # the transaction rolled back after the mail server had accepted it.
        try:
            self.backend.open()
            self.backend.send_messages([message])
        except Exception as exc:
            self._failed(batch, token, exc)
            return
        # Marked at once: the duplicate window is this one email.
        self._mark_sent(batch.followups, token)
        if batch.candidate.reminders_bounced_at:
            # The address takes mail again: the dashboard's warning goes.
            Candidate.objects.filter(pk=batch.candidate.pk).update(reminders_bounced_at=None)
        self.failures_in_a_row = 0
        self.tally.reminders_sent += len(batch.followups)
        self.tally.emails_sent += 1
        self._reset_backoffs()

    def _mark_sent(self, followups, token):
        # Claimed rows owed their reminder at `now`; one the candidate snoozed
        # (or re-planned) while the email was on its way owes a later one,
        # which stays. A fixed expression, not one per row: this UPDATE runs
        # once per email.
        FollowUp.objects.filter(candidate_id=followups[0].candidate_id, claim=token).update(
            remind_at=Case(
                When(remind_at__lte=self.now, then=Value(None)), default=F("remind_at")
            ),
            reminded_at=self.now,
            claim=None,
            claimed_at=None,
            send_attempts=0,
            status=Case(
                When(status=FollowUp.Status.PLANNED, then=Value(FollowUp.Status.OPEN)),
                default=F("status"),
            ),
        )

    def _failed(self, batch, token, exc):
        kind = failure_kind(exc, backend=self.backend)
        logger.warning("Reminder email to candidate %s failed (%s)", batch.candidate.pk, kind)
        # The connection may be half-way through a dialogue: start afresh.
        try:
            self.backend.close()
        except Exception:
            self.backend.connection = None
        failure_record(batch.candidate, batch.followups, f"{type(exc).__name__}: {exc}", kind=kind)
        self.tally.failures += 1
        if kind == Kind.UNCERTAIN:
            # It may have arrived: recorded for the operator, never sent again.
            self._mark_sent(batch.followups, token)
            self.tally.uncertain += 1
            return
        if kind == Kind.TRANSIENT:
            self.failures_in_a_row += 1
        if kind == Kind.PERMANENT:
            # Shown on the candidate's dashboard at once: only they can fix it.
            Candidate.objects.filter(pk=batch.candidate.pk).update(
                reminders_bounced_at=timezone.now()
            )

        def retry_at(followup):
            if kind == Kind.PERMANENT and followup.send_attempts + 1 >= PERMANENT_FAILURE_LIMIT:
                self.tally.bounced += 1
                return Value(None)
            return Value(self.now + backoff(followup.send_attempts))

        FollowUp.objects.filter(pk__in=[f.pk for f in batch.followups], claim=token).update(
            remind_at=_same_reminder(batch.followups, retry_at),
            send_attempts=F("send_attempts") + 1,
            claim=None,
            claimed_at=None,
        )

    def _reset_backoffs(self):
        """Once mail goes again, reminders waiting out an earlier failure's backoff go now.

        Without this, after an outage they would wait up to BACKOFF_CAP with
        the server long back. Snoozed rows keep their snooze.
        """
        if self.backoffs_reset:
            return
        self.backoffs_reset = True
        recent = SendFailure.objects.filter(
            kind=Kind.TRANSIENT, occurred_at__gt=timezone.now() - 2 * BACKOFF_CAP
        )
        if recent.exists():
            FollowUp.objects.filter(
                remind_at__gt=self.now,
                send_attempts__gt=0,
                status__in=FollowUp.PENDING,
                opens_at__lte=self.now,
                claimed_at__isnull=True,
            ).exclude(remind_at=F("snoozed_until")).update(remind_at=self.now)

    def _heartbeat(self, token):
        if time.monotonic() - self.beat_at < settings.REMINDER_CLAIM_HEARTBEAT_SECONDS:
            return
        self.beat_at = time.monotonic()
        wall = timezone.now()
        FollowUp.objects.filter(claim=token).update(claimed_at=wall)
        if self.sweep_id:
            Sweep.objects.filter(pk=self.sweep_id).update(alive_at=wall)

    def _count_into_sweep(self, before):
        if not self.sweep_id:
            return
        sent, emails_sent, failures = before
        Sweep.objects.filter(pk=self.sweep_id).update(
            reminders_sent=F("reminders_sent") + self.tally.reminders_sent - sent,
            emails_sent=F("emails_sent") + self.tally.emails_sent - emails_sent,
            failures=F("failures") + self.tally.failures - failures,
            alive_at=timezone.now(),
        )


def _rendered(batch, *, tally):
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
    # Retrying would fail the same way every sweep, so their reminder is
    # dropped (remind_at cleared); they stay on the dashboard.
    FollowUp.objects.filter(pk__in=[f.pk for f in bad]).update(
        remind_at=None, claim=None, claimed_at=None
    )
    exc = broken[0][1]
    failure_record(
        batch.candidate,
        bad,
        f"Could not be rendered: {type(exc).__name__}: {exc}",
        kind=Kind.DATA,
    )
    tally.set_aside += len(bad)
    batch.followups = good
    return message(good) if good else None


def owed_listed(*, now, tally):
    """What a sweep at `now` would send, claiming and changing nothing (a dry run)."""
    rows = (
        owed(now=now)
        .select_related("candidate__user", "application", "interview", "contact")
        .order_by("candidate_id", "remind_at", "id")
    )
    addresses = dict(
        EmailAddress.objects.filter(
            user__candidate__in=rows.values("candidate_id"), primary=True, verified=True
        ).values_list("user__candidate", "email")
    )
    for candidate_id, group in groupby(rows.iterator(), lambda f: f.candidate_id):
        followups = list(group)
        try:
            quiet = followups[0].candidate.in_quiet_hours(now)
        except Exception:
            tally.skipped += 1
            continue
        if quiet:
            tally.held += len(followups)
        elif candidate_id in addresses:
            tally.batches.append(Batch(followups[0].candidate, addresses[candidate_id], followups))
    return tally


def owed_senders_needed(*, now, most):
    """How many senders the owed backlog keeps busy, up to `most` (0 when nothing is owed)."""
    size = settings.REMINDER_SEND_BATCH
    owed_rows = owed(now=now).values("candidate_id").distinct()[: most * size].count()
    return -(-owed_rows // size)
