"""Follow-ups: every planned action after an interview, and the reminder sweep's records."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from interviews.models import Application, Candidate, Contact, Interview, OwnedQuerySet


class FollowUpQuerySet(OwnedQuerySet):
    def pending(self):
        return self.filter(status__in=FollowUp.PENDING)


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        NOTES = "notes", "Interview notes"
        THANK_YOU = "thank_you", "Thank-you"
        LINKEDIN = "linkedin", "LinkedIn request"
        CHECK_IN = "check_in", "Check-in"
        FURTHER_CHECK_IN = "further_check_in", "Further check-in"
        REJECTION_REPLY = "rejection_reply", "Reply to a rejection"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        CANCELLED = "cancelled", "Cancelled"

    class Channel(models.TextChoices):
        CARD = "card", "Printed card"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        LINKEDIN = "linkedin", "LinkedIn"
        IN_APP = "in_app", "In this app"

    PENDING = (Status.PLANNED, Status.OPEN)
    CLOSED = (Status.DONE, Status.SKIPPED, Status.CANCELLED)

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="followups")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="followups"
    )
    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    # Check-ins count 1, 2, 3 … within an application; 0 for everything else.
    sequence = models.PositiveSmallIntegerField(default=0)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel)
    status = models.CharField(max_length=10, choices=Status, default=Status.PLANNED)
    status_reason = models.CharField(max_length=200, blank=True)
    # Snoozing moves when it next asks for attention, never its due time.
    snoozed_until = models.DateTimeField(null=True, blank=True)

    subject = models.CharField(max_length=200, blank=True)
    draft = models.TextField(max_length=4000, blank=True)
    draft_edited = models.BooleanField(default=False)

    done_at = models.DateTimeField(null=True, blank=True)
    done_channel = models.CharField(max_length=10, choices=Channel, blank=True)
    # What the last candidate action changed, so it can be undone.
    undo_state = models.JSONField(null=True, blank=True)

    # Reminder bookkeeping. remind_at is when the next reminder email is owed
    # (the window opening, or a snooze ending); empty when none is owed.
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # A sender's claim: its id, and when it last said it was alive. Rows are
    # claimed a candidate at a time, so one email carries all they owe.
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "contact", "kind"],
                condition=Q(kind__in=["thank_you", "linkedin"]),
                name="followup_one_per_person_per_interview",
            ),
            models.UniqueConstraint(
                fields=["interview"],
                condition=Q(kind="notes"),
                name="followup_one_notes_per_interview",
            ),
            # A new round cancels the earlier round's check-ins and plans its
            # own with the same numbers, so cancelled ones do not count.
            models.UniqueConstraint(
                fields=["application", "sequence"],
                condition=Q(kind__in=["check_in", "further_check_in"]) & ~Q(status="cancelled"),
                name="followup_one_check_in_per_sequence",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="rejection_reply"),
                name="followup_one_rejection_reply",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("opens_at")), name="followup_due_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["check_in", "further_check_in"], sequence__gte=1)
                | (~Q(kind__in=["check_in", "further_check_in"]) & Q(sequence=0)),
                name="followup_sequence_only_for_check_ins",
            ),
        ]
        indexes = [
            # The reminder sweep: remind_at <= now and not claimed, oldest first.
            models.Index(
                fields=["remind_at"],
                condition=Q(remind_at__isnull=False),
                name="followup_reminder_owed",
            ),
            # The dashboard: a candidate's pending follow-ups by due time.
            models.Index(fields=["candidate", "status", "due_at"], name="followup_by_due"),
            # A sender finds, marks and releases the rows of its own claim.
            models.Index(
                fields=["claim"], condition=Q(claim__isnull=False), name="followup_by_claim"
            ),
        ]

    def __str__(self):
        who = f" – {self.contact.name}" if self.contact_id else ""
        return f"{self.get_kind_display()}{who} ({self.application})"

    @property
    def is_pending(self):
        return self.status in self.PENDING

    @property
    def heading(self):
        """What it asks of the candidate, in a few words ("Thank Dana Whitfield")."""
        company = self.application.company
        who = self.contact.name if self.contact_id else company
        return HEADINGS[self.kind].format(who=who, company=company)

    @property
    def draft_first_line(self):
        """The draft's first line past the greeting: a reminder of what it says."""
        lines = [line.strip() for line in self.draft.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].endswith(",") and len(lines[0]) <= 60:
            lines = lines[1:]
        return lines[0] if lines else ""

    @property
    def is_overdue(self):
        """Pending past its due time; overdue items show on the dashboard, never email."""
        return self.is_pending and self.due_at < timezone.now()


# What each kind asks of the candidate, as a heading in emails and calendars:
# {who} is the person (or the company when no one is named).
HEADINGS = {
    FollowUp.Kind.NOTES: "Write down your notes on the {company} interview",
    FollowUp.Kind.THANK_YOU: "Thank {who}",
    FollowUp.Kind.LINKEDIN: "Connect with {who} on LinkedIn",
    FollowUp.Kind.CHECK_IN: "Check in with {who}",
    FollowUp.Kind.FURTHER_CHECK_IN: "Check in again with {who}",
    FollowUp.Kind.REJECTION_REPLY: "Reply to {who} about the decision",
}


class Sweep(models.Model):
    """One run of the reminder sweep, for the health endpoint and operators."""

    as_of = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    emails_sent = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    digests_sent = models.PositiveIntegerField(default=0)
    # A running sweep says it is alive as it goes; one silent for longer than
    # a claim lasts died (killed, or its database connection cut) and the next
    # sweep marks it abandoned, so it never looks like it is still running.
    alive_at = models.DateTimeField(null=True, blank=True)
    abandoned = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"Sweep as of {self.as_of:%Y-%m-%d %H:%M}"


class Digest(models.Model):
    """A candidate's morning digest for one local day, claimed before it is sent.

    The unique (candidate, local_date) row is the guarantee: whichever sweep
    inserts it sends, and every other sweep, worker or beat meets the conflict
    and sends nothing. A row left "sending" belongs to a sender that died with
    the message in flight; it is never retried, because the mail server may
    already have it, and the next morning's digest lists whatever is still
    open. Only a send that failed for certain (the server refused it) is
    retried the same day.
    """

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, to be retried"
        EMPTY = "empty", "Nothing to send"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="digests")
    local_date = models.DateField()
    state = models.CharField(max_length=10, choices=State, default=State.SENDING)
    # Which sweep holds the row, so it can tell its claims from another's.
    claim = models.UUIDField()
    # The sweep's "as of" time: what the digest was built for.
    as_of = models.DateTimeField()
    # The end of the local day it covered: the next digest's "new" items start here.
    covers_until = models.DateTimeField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "local_date"], name="digest_once_per_local_day"
            )
        ]
        indexes = [
            models.Index(fields=["claim"], name="digest_by_claim"),
            models.Index(fields=["candidate", "-as_of"], name="digest_latest"),
        ]

    def __str__(self):
        return f"Digest for {self.candidate} on {self.local_date} ({self.get_state_display()})"


class SendFailure(models.Model):
    """A reminder email that could not be sent, and what that means for its follow-ups."""

    class Kind(models.TextChoices):
        # The server said "later" (4xx) or could not be reached: retried with backoff.
        TRANSIENT = "transient", "Temporary: retried later"
        # The server refused for good (5xx, e.g. the mailbox does not exist):
        # retried a few times in case it was wrong, then given up.
        PERMANENT = "permanent", "Refused: the address bounces"
        # The connection broke after the message was handed over: it may have
        # arrived, so it is not sent again.
        UNCERTAIN = "uncertain", "May have been delivered"
        # The candidate's stored data cannot be rendered or used.
        DATA = "data", "Stored data unusable"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TRANSIENT)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="send_failures"
    )
    occurred_at = models.DateTimeField()
    error = models.TextField()
    followups = models.ManyToManyField(FollowUp, related_name="send_failures")

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M}: {self.error[:60]}"


class SpreadsheetImport(models.Model):
    """An uploaded spreadsheet between upload and confirm, then the record of its import.

    The rows wait here while the candidate checks the columns and the preview;
    confirming empties them, keeping the header and mapping so the next file
    with the same columns is mapped the same way.
    """

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="spreadsheet_imports"
    )
    filename = models.CharField(max_length=255)
    header = models.JSONField()
    rows = models.JSONField(default=list)
    # {field: column index}; see reminders.portability.spreadsheets.FIELDS.
    mapping = models.JSONField(default=dict)
    date_style = models.CharField(max_length=3, default="dmy")
    source = models.CharField(max_length=20, default="spreadsheet")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"
