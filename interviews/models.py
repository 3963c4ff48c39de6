"""Candidates, the companies' people they meet, applications and interviews."""

import secrets
import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Limits a reader can see in the forms; the notes form states them too.
SHORT_TEXT = 300
NOTE_TEXT = 2000


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone name. Use an IANA name such as Europe/Berlin.",
            params={"value": value},
        )


def new_calendar_token():
    # 32 random bytes: the feed URL is the only secret between a calendar app
    # and the candidate's schedule, so it must not be guessable.
    return secrets.token_urlsafe(32)


class CandidateQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class Candidate(models.Model):
    """The job seeker's profile and their follow-up settings (one per user)."""

    class PaperSize(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", "US Letter"

    class ReminderMode(models.TextChoices):
        EACH = "each", "As each window opens"
        DIGEST = "digest", "One morning digest"

    class ThankYouChannel(models.TextChoices):
        CARD = "card", "A printed card when a postal address is known"
        EMAIL = "email", "Always an email"

    class WeeklyGoal(models.TextChoices):
        # What each goal covers is in reminders/habits/rules.py (GOAL_KINDS).
        NONE = "", "No weekly goal"
        THANK_YOUS_ON_TIME = "thank_yous_on_time", "Every thank-you sent on time"
        ALL_ON_TIME = "all_on_time", "Every follow-up to an employer done on time"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate"
    )
    full_name = models.CharField(max_length=150, blank=True)
    signing_name = models.CharField(
        max_length=100, blank=True, help_text="How you sign a card, e.g. “Sam” or “Sam Okafor”."
    )
    qualifications = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Your key qualifications, one per line (the drafts pick two or three).",
    )
    fit_phrase = models.CharField(
        max_length=SHORT_TEXT,
        blank=True,
        help_text="What you bring to a company's culture, goals or industry.",
    )
    linkedin_url = models.URLField("LinkedIn profile URL", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    paper_size = models.CharField(max_length=10, choices=PaperSize, default=PaperSize.A4)
    return_address = models.TextField(
        max_length=400, blank=True, help_text="Printed on envelopes as the sender's address."
    )

    # Follow-up settings. The defaults are the table in reminders/rules.py.
    thank_you_channel = models.CharField(
        max_length=10, choices=ThankYouChannel, default=ThankYouChannel.CARD
    )
    thank_you_due_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(72)]
    )
    linkedin_due_days = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    check_in_days_after_decision = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    check_in_days_without_decision = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    check_in_time = models.TimeField(default=time(8, 0))
    check_in_due_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    further_check_in_gap_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(3), MaxValueValidator(30)]
    )
    # Never more than five touches in all: thank-you, check-in, three more.
    further_check_ins = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(0), MaxValueValidator(3)]
    )
    quiet_hours_start = models.TimeField(default=time(21, 0))
    quiet_hours_end = models.TimeField(default=time(8, 0))
    # LinkedIn allows 200 characters in a connection note on free accounts
    # and 300 on Premium.
    linkedin_note_limit = models.PositiveSmallIntegerField(
        default=200, choices=[(200, "200 (free account)"), (300, "300 (Premium)")]
    )
    reminders_paused = models.BooleanField(default=False)
    # Set when the mail server refused a reminder to this address for good
    # (5xx); the dashboard says so until an email goes through again or the
    # address changes.
    reminders_bounced_at = models.DateTimeField(null=True, blank=True)
    reminder_mode = models.CharField(
        "Reminder emails", max_length=10, choices=ReminderMode, default=ReminderMode.EACH
    )
    # Local wall-clock time in time_zone; the digest goes at the first sweep
    # at or after it on each local day.
    digest_time = models.TimeField("Digest time", default=time(8, 0))
    # Optional; the habit page and the dashboard show the weeks in a row it was met.
    weekly_goal = models.CharField(
        "Weekly goal", max_length=20, choices=WeeklyGoal, default=WeeklyGoal.NONE, blank=True
    )

    # The private calendar feed's URL token; a new one revokes the old URL.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(further_check_ins__lte=3), name="candidate_further_check_ins_cap"
            ),
            models.CheckConstraint(
                condition=Q(linkedin_note_limit__in=[200, 300]), name="candidate_linkedin_limit"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.full_name or self.user.email

    @property
    def card_signature(self):
        return self.signing_name or self.full_name

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def qualification_list(self):
        return [
            line.strip(" -•\t") for line in self.qualifications.splitlines() if line.strip(" -•\t")
        ]

    def in_quiet_hours(self, moment):
        """Whether `moment` falls in this candidate's quiet hours, in their own zone."""
        return self.in_quiet_hours_at(moment.astimezone(self.tz).time())

    def in_quiet_hours_at(self, local):
        """Whether the local wall-clock time `local` is inside the quiet hours."""
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end


class OwnedQuerySet(models.QuerySet):
    """Rows reached through a candidate; `candidate_path` names the lookup."""

    candidate_path = "candidate"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(**{f"{self.candidate_path}__user": user})


class ContactQuerySet(OwnedQuerySet):
    def at_company(self, company):
        return self.filter(company__iexact=company.strip())

    def matching(self, text):
        """People whose name or company contains `text` (any case); everyone when empty."""
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(company__icontains=text))


class Contact(models.Model):
    """Someone at a company the candidate met or corresponds with."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        LINKEDIN = "linkedin", "LinkedIn"
        UNKNOWN = "unknown", "Not known yet"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="contacts")
    company = models.CharField(max_length=200)
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    postal_address = models.TextField(
        max_length=400, blank=True, help_text="For mailing a printed card."
    )
    preferred_channel = models.CharField(max_length=10, choices=Channel, default=Channel.UNKNOWN)
    created_at = models.DateTimeField(auto_now_add=True)
    # The calendar feed quotes names: an edit here must change its ETag.
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["company", "name"]

    def __str__(self):
        return f"{self.name} ({self.company})" if self.company else self.name

    def get_absolute_url(self):
        return reverse("contact_detail", args=[self.pk])

    @property
    def first_name(self):
        return self.name.split()[0] if self.name.strip() else self.name


class ApplicationQuerySet(OwnedQuerySet):
    def active(self):
        return self.filter(status=Application.Status.ACTIVE)


class Application(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        OFFER = "offer", "Offer"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    company = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    posting_url = models.URLField("Job posting URL", blank=True, max_length=500)
    company_address = models.TextField(
        max_length=400, blank=True, help_text="Used on envelopes when a person's own is unknown."
    )
    # When the candidate applied, as they recorded it; empty means the day
    # the application was added here (see applied_date).
    applied_on = models.DateField("Applied on", null=True, blank=True)
    applied_via = models.CharField(
        "How you applied",
        max_length=100,
        blank=True,
        help_text="For example LinkedIn, the company's website, by email or a referral.",
    )
    notes = models.TextField(max_length=4000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    main_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A reply from the employer stops further check-ins.
    employer_replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["candidate", "status"], name="application_by_status")]

    def __str__(self):
        return f"{self.role} at {self.company}"

    def get_absolute_url(self):
        return reverse("application_detail", args=[self.pk])

    @property
    def applied_date(self):
        """The day the candidate applied: as recorded, else the day it was added here."""
        if self.applied_on:
            return self.applied_on
        return timezone.localtime(self.created_at, self.candidate.tz).date()


class InterviewQuerySet(OwnedQuerySet):
    candidate_path = "application__candidate"

    def upcoming(self, now):
        return self.filter(starts_at__gte=now).order_by("starts_at")

    def awaiting_notes(self, now):
        """Interviews that have ended and whose notes are not saved yet."""
        return self.filter(ends_at__lte=now, notes_saved_at__isnull=True).order_by("-ends_at")


class Interview(models.Model):
    class Round(models.TextChoices):
        FIRST = "first", "First round"
        SECOND = "second", "Second round"
        FINAL = "final", "Final round"
        PANEL = "panel", "Panel"
        OTHER = "other", "Other"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    round = models.CharField(max_length=10, choices=Round, default=Round.FIRST)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=10, choices=Format, default=Format.IN_PERSON)
    location = models.CharField("Location or link", max_length=500, blank=True)
    decision_promised_on = models.DateField("Decision promised by", null=True, blank=True)
    people = models.ManyToManyField(Contact, through="Participant", related_name="interviews")

    # The post-interview notes.
    summary = models.TextField("What was discussed", max_length=NOTE_TEXT, blank=True)
    qualifications_matched = models.TextField(
        "Qualifications that matched",
        max_length=SHORT_TEXT * 2,
        blank=True,
        help_text="One per line: what they asked for that you have.",
    )
    fit = models.CharField(
        "Why you fit the company",
        max_length=SHORT_TEXT,
        blank=True,
        help_text="Culture, goals or industry, in a phrase.",
    )
    correction = models.TextField(
        "Anything to correct (for everyone)",
        max_length=500,
        blank=True,
        help_text="One to three sentences. Small slips (a spilled glass) need no mention.",
    )
    contact_preferences = models.CharField(
        "How they want to be contacted", max_length=SHORT_TEXT, blank=True
    )
    notes_saved_at = models.DateTimeField(null=True, blank=True)
    # From an imported invitation: its UID finds the interview again when the
    # organiser sends an update, and SEQUENCE says which version is newer.
    calendar_uid = models.CharField(max_length=255, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="interview_ends_after_start"
            ),
        ]
        indexes = [
            # Re-importing an invitation: the candidate's interview with this UID.
            models.Index(
                fields=["calendar_uid"],
                condition=~Q(calendar_uid=""),
                name="interview_by_calendar_uid",
            ),
        ]

    def __str__(self):
        return f"{self.get_round_display()} – {self.application}"

    def get_absolute_url(self):
        return reverse("interview_detail", args=[self.pk])

    @property
    def is_later_round(self):
        return self.round in {self.Round.SECOND, self.Round.FINAL, self.Round.PANEL}

    def qualification_matches(self):
        return [
            line.strip(" -•\t")
            for line in self.qualifications_matched.splitlines()
            if line.strip(" -•\t")
        ]


class ParticipantQuerySet(OwnedQuerySet):
    candidate_path = "interview__application__candidate"


class Participant(models.Model):
    """One person met at one interview, with the candidate's notes on them."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="participants")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="participations")
    discussed = models.CharField("What you discussed", max_length=SHORT_TEXT, blank=True)
    common_ground = models.CharField(
        max_length=200, blank=True, help_text="A shared interest, e.g. “we both play hockey”."
    )
    correction = models.TextField("Anything to correct with them", max_length=500, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "contact"], name="participant_once_per_interview"
            ),
        ]

    def __str__(self):
        return f"{self.contact.name} at {self.interview}"

    @property
    def effective_correction(self):
        return self.correction or self.interview.correction
