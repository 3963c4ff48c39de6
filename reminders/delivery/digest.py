"""The morning digest: one email a day, in the candidate's own morning, sent once.

A candidate in digest mode gets, on each local day, one email at the first
sweep at or after their digest time, listing what is overdue, what is due
today and what has opened since the last digest (today's later openings
included). The notes nudge is not held for it: the per-window sweep still
sends that one at once.

Once a day rests on one database row per candidate and local date
(`Digest`, unique on both). The sweep inserts those rows for a whole batch
with ON CONFLICT DO NOTHING, reads back which rows carry its own claim, and
sends only those. Two sweeps, two beats or a rerun therefore never send the
same day twice. If the process dies after the mail server accepted the
message but before the row says "sent", the row stays "sending" and is not
retried: at most once, never twice. Such a digest may be lost, and the next
morning's lists everything still open, overdue items first.

Daylight saving needs no special case: the due test is "the local date has
no row yet and the local clock has reached the digest time", so a digest time
that falls in the skipped hour goes at the first sweep after it, and one in
the repeated hour goes the first time and finds its row the second.

Cost: each batch of candidates takes the same few queries whatever its size
(read the batch, read their follow-ups, claim, read back the claims, mark
them sent, clear the reminders they carried); only failed sends add queries.
"""

import logging
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Subquery
from django.utils import dateformat, timezone

from interviews.models import Candidate
from reminders.models import Digest, FollowUp

from . import emails
from .backoff import backoff
from .records import candidate_data_broken, failure_record

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

# A change of zone can start a new local date only hours after the last
# digest (flying east). Within this gap a new day's digest waits, so nobody
# gets two in one waking day; from one morning to the next is 23 to 25 hours.
MIN_GAP = timedelta(hours=12)

# "New since the last digest" never reaches further back than this: after a
# long pause or a switch from per-window emails, a week of openings is plenty,
# and everything older that matters is overdue or due and listed anyway.
NEW_LOOKBACK = timedelta(days=7)


class Section:
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    NEW = "new"

    ORDER = (OVERDUE, DUE_TODAY, NEW)


SECTION_WORDS = {Section.OVERDUE: "overdue", Section.DUE_TODAY: "due today", Section.NEW: "new"}


@dataclass
class Day:
    """One candidate's local day as the digest sees it at `now`."""

    local_date: date
    start: datetime
    end: datetime
    # Where "new since the last digest" starts.
    new_since: datetime

    @classmethod
    def of(cls, candidate, now, *, last_covers_until=None):
        tz = candidate.tz
        local_date = now.astimezone(tz).date()
        start = datetime.combine(local_date, time(0), tzinfo=tz)
        end = datetime.combine(local_date + timedelta(days=1), time(0), tzinfo=tz)
        new_since = max(last_covers_until or start, start - NEW_LOOKBACK)
        return cls(local_date=local_date, start=start, end=end, new_since=min(new_since, start))

    def section(self, followup, now):
        """Which part of the digest lists `followup`, or None when it has no place today."""
        if followup.snoozed_until and followup.snoozed_until >= self.end:
            return None
        if followup.due_at < now:
            return Section.OVERDUE
        if followup.due_at < self.end:
            return Section.DUE_TODAY
        if self.new_since <= followup.opens_at < self.end:
            return Section.NEW
        return None


@dataclass
class Entry:
    followup: FollowUp
    section: str

    def when(self, day, tz):
        """Where the item stands today, in a few words ("Overdue since Mon 30 Nov")."""
        due = timezone.localtime(self.followup.due_at, tz)
        if self.section == Section.OVERDUE:
            return f"Overdue since {dateformat.format(due, 'D j M, H:i')}"
        if self.section == Section.DUE_TODAY:
            return f"Due today at {dateformat.format(due, 'H:i')}"
        opens = timezone.localtime(self.followup.opens_at, tz)
        due_on = dateformat.format(due, "D j M")
        if opens.date() == day.local_date and self.followup.opens_at > day.start:
            return f"Opens today at {dateformat.format(opens, 'H:i')}, due {due_on}"
        return f"Ready now, due {due_on}"


@dataclass
class Plan:
    """A candidate whose digest is owed at this sweep, and what it would list."""

    candidate: Candidate
    address: str
    day: Day
    entries: list = field(default_factory=list)
    # The failed row for today this sweep may retry; None for a first try.
    retry_pk: int | None = None

    def groups(self):
        """The entries by application, the most urgent application first."""
        rank = {section: n for n, section in enumerate(Section.ORDER)}
        by_application = defaultdict(list)
        for entry in self.entries:
            by_application[entry.followup.application].append(entry)
        for entries in by_application.values():
            entries.sort(key=lambda e: (rank[e.section], e.followup.due_at, e.followup.pk))
        return sorted(
            by_application.items(),
            key=lambda pair: (rank[pair[1][0].section], pair[1][0].followup.due_at),
        )

    def summary(self):
        """ "2 overdue, 1 due today, 3 new": the counts that are not zero."""
        counts = Counter(entry.section for entry in self.entries)
        return ", ".join(
            f"{counts[section]} {SECTION_WORDS[section]}"
            for section in Section.ORDER
            if counts[section]
        )


@dataclass
class DigestResult:
    sent: int = 0
    empty: int = 0
    failures: int = 0
    held: int = 0
    skipped: int = 0
    # What went out, or with dry_run what would go.
    plans: list[Plan] = field(default_factory=list)


def _latest(column):
    return Subquery(
        Digest.objects.filter(candidate=OuterRef("pk")).order_by("-as_of").values(column)[:1]
    )


def digest_candidates(*, now):
    """Candidates in digest mode who may be owed one at `now`, with their last digest.

    Everyone with a digest in the last MIN_GAP is left out here, in SQL, so
    after the morning the per-minute scan reads almost nobody; a failed send
    waiting for its retry time stays in.
    """
    address = EmailAddress.objects.filter(
        user_id=OuterRef("user_id"), primary=True, verified=True
    ).values("email")[:1]
    recent = Digest.objects.filter(candidate=OuterRef("pk"), as_of__gt=now - MIN_GAP).exclude(
        state=Digest.State.FAILED, retry_at__lte=now
    )
    return (
        Candidate.objects.filter(
            reminder_mode=Candidate.ReminderMode.DIGEST, reminders_paused=False
        )
        .exclude(Exists(recent))
        .annotate(
            address=Subquery(address),
            last_pk=_latest("pk"),
            last_date=_latest("local_date"),
            last_state=_latest("state"),
            last_retry_at=_latest("retry_at"),
            last_covers_until=_latest("covers_until"),
        )
        .filter(address__isnull=False)
        .select_related("user")
        .order_by("pk")
    )


def _owed(candidate, now, result):
    """A Plan when this candidate's digest is owed at `now`, else None."""
    day = Day.of(candidate, now, last_covers_until=candidate.last_covers_until)
    if now.astimezone(candidate.tz).time() < candidate.digest_time:
        return None
    if candidate.last_date is not None:
        if candidate.last_date > day.local_date:
            return None  # moved west into a day that has had its digest
        if candidate.last_date == day.local_date:
            retry = candidate.last_state == Digest.State.FAILED and (
                candidate.last_retry_at is not None and candidate.last_retry_at <= now
            )
            if not retry:
                return None
            if candidate.in_quiet_hours(now):
                result.held += 1
                return None
            return Plan(candidate, candidate.address, day, retry_pk=candidate.last_pk)
    if candidate.in_quiet_hours(now):
        result.held += 1
        return None
    return Plan(candidate, candidate.address, day)


def _with_entries(plans, now):
    """Fill each plan with its follow-ups: one query for the whole batch."""
    by_candidate = {plan.candidate.pk: plan for plan in plans}
    if not by_candidate:
        return
    latest_end = max(plan.day.end for plan in plans)
    followups = (
        FollowUp.objects.filter(
            candidate_id__in=list(by_candidate),
            status__in=FollowUp.PENDING,
            opens_at__lt=latest_end,
        )
        .select_related("application", "interview", "contact")
        .order_by("due_at", "id")
    )
    for followup in followups:
        plan = by_candidate[followup.candidate_id]
        section = plan.day.section(followup, now)
        if section:
            followup.candidate = plan.candidate  # links sign with its user id
            plan.entries.append(Entry(followup, section))


def _claim(plans, *, now, claim):
    """The plans this sweep won: a row per candidate and day, inserted once."""
    claimed_at = timezone.now()
    fresh = [plan for plan in plans if plan.retry_pk is None]
    Digest.objects.bulk_create(
        [
            Digest(
                candidate=plan.candidate,
                local_date=plan.day.local_date,
                state=Digest.State.SENDING if plan.entries else Digest.State.EMPTY,
                claim=claim,
                as_of=now,
                covers_until=plan.day.end,
                claimed_at=claimed_at,
                items=len(plan.entries),
            )
            for plan in fresh
        ],
        ignore_conflicts=True,
    )
    retries = [plan.retry_pk for plan in plans if plan.retry_pk is not None]
    if retries:
        # Only a row still failed and past its retry time matches, so of two
        # sweeps retrying together one wins (the other's UPDATE re-reads the
        # row after the first commits and no longer matches).
        Digest.objects.filter(pk__in=retries, state=Digest.State.FAILED, retry_at__lte=now).update(
            state=Digest.State.SENDING, claim=claim, claimed_at=claimed_at, retry_at=None
        )
    won = dict(Digest.objects.filter(claim=claim).values_list("candidate_id", "pk"))
    return [(plan, won[plan.candidate.pk]) for plan in plans if plan.candidate.pk in won]


def _fail(plan, digest_pk, exc):
    logger.exception("Digest email to candidate %s failed", plan.candidate.pk)
    digest = Digest.objects.get(pk=digest_pk)
    Digest.objects.filter(pk=digest_pk).update(
        state=Digest.State.FAILED,
        attempts=digest.attempts + 1,
        retry_at=digest.as_of + backoff(digest.attempts),
    )
    failure_record(
        plan.candidate, [entry.followup for entry in plan.entries], f"{type(exc).__name__}: {exc}"
    )


def _owed_or_skipped(candidate, now, result):
    try:
        return _owed(candidate, now, result)
    except Exception as exc:  # an unknown time zone stored for this candidate
        candidate_data_broken(candidate, exc)
        result.skipped += 1
        return None


def _give_up(plan, digest_pk, exc):
    logger.exception("Digest for candidate %s could not be rendered", plan.candidate.pk)
    Digest.objects.filter(pk=digest_pk).update(state=Digest.State.FAILED, retry_at=None)
    failure_record(
        plan.candidate,
        [entry.followup for entry in plan.entries],
        f"Digest could not be rendered: {type(exc).__name__}: {exc}",
    )


def _batch(candidates, *, now, claim, result, dry_run):
    plans = [plan for c in candidates if (plan := _owed_or_skipped(c, now, result))]
    _with_entries(plans, now)
    if dry_run:
        result.plans += [plan for plan in plans if plan.entries]
        return
    sent_rows, carried = [], []
    for plan, digest_pk in _claim(plans, now=now, claim=claim):
        if not plan.entries:
            result.empty += 1
            continue
        # No transaction is open: a send inside one would be repeated if it
        # rolled back after the mail server had the message.
        try:
            message = emails.digest(to=plan.address, candidate=plan.candidate, plan=plan)
        except Exception as exc:
            # It would fail the same way at every retry: given up for the day.
            _give_up(plan, digest_pk, exc)
            result.failures += 1
            continue
        try:
            message.send()
        except Exception as exc:
            _fail(plan, digest_pk, exc)
            result.failures += 1
            continue
        sent_rows.append(digest_pk)
        carried += [entry.followup.pk for entry in plan.entries]
        result.sent += 1
        result.plans.append(plan)
    if sent_rows:
        Digest.objects.filter(pk__in=sent_rows).update(
            state=Digest.State.SENT, sent_at=timezone.now()
        )
        # The digest was these follow-ups' reminder: switching back to
        # per-window emails later must not send them a second time.
        FollowUp.objects.filter(
            pk__in=carried, remind_at__lte=now, claimed_at__isnull=True
        ).update(remind_at=None, reminded_at=now)


def digests_send(*, now, dry_run=False, batch_size=BATCH_SIZE):
    """Send every digest owed at `now`, once; with dry_run, only say what would go."""
    result = DigestResult()
    claim = uuid.uuid4()
    after = 0
    while True:
        candidates = list(digest_candidates(now=now).filter(pk__gt=after)[:batch_size])
        if not candidates:
            break
        _batch(candidates, now=now, claim=claim, result=result, dry_run=dry_run)
        after = candidates[-1].pk
    if result.sent or result.failures:
        logger.info(
            "Digests as of %s: %d sent, %d failed, %d held for quiet hours",
            now.isoformat(),
            result.sent,
            result.failures,
            result.held,
        )
    return result
