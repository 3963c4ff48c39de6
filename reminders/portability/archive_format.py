"""The export file's format: its version and what each part of it holds.

The file holds the profile and settings, then one list per kind of row
(contacts, applications, interviews, participants, follow-ups), each row
with the id it had in the exporting account. Those ids only tie the rows of
the file together: restoring creates new rows and remaps every reference.

What stays out: the password (never leaves the account), the calendar
feed's token (a secret; a restored account gets its own), the reminder
sweep's claim on a row (it belongs to a process of the old site), and the
delivery records (digests sent, send failures, spreadsheet uploads under
way), which say what the server did, not what the candidate recorded.
"""

from dataclasses import dataclass, field

from django.db import models

from interviews.models import Application, Contact, Interview, Participant
from reminders.models import FollowUp

FORMAT = "follow-up-export"
# Raise it when a field changes meaning or a required key is added; a file
# of another version is refused rather than half understood.
FORMAT_VERSION = 1
# A year of a busy search (hundreds of applications, thousands of follow-ups
# with their drafts) is a few megabytes; ten leave room without letting an
# upload tie up a worker's memory.
MAX_BYTES = 10 * 1024 * 1024


class ArchiveInvalid(Exception):
    """The file cannot be restored; the message says why, for the candidate."""


@dataclass(frozen=True)
class Part:
    """One list of the file: its model, its fields, and what its references point at."""

    model: type[models.Model]
    fields: tuple[str, ...]
    # Foreign key → the part of the file its ids name.
    refs: dict[str, str] = field(default_factory=dict)


PROFILE_FIELDS = (
    "full_name",
    "signing_name",
    "qualifications",
    "fit_phrase",
    "linkedin_url",
    "time_zone",
    "paper_size",
    "return_address",
    "thank_you_channel",
    "thank_you_due_hours",
    "linkedin_due_days",
    "check_in_days_after_decision",
    "check_in_days_without_decision",
    "check_in_time",
    "check_in_due_days",
    "further_check_in_gap_days",
    "further_check_ins",
    "quiet_hours_start",
    "quiet_hours_end",
    "linkedin_note_limit",
    "reminders_paused",
    "reminder_mode",
    "digest_time",
    "weekly_goal",
)

# In the order they are restored: a part only refers to parts above it.
PARTS = {
    "contacts": Part(
        Contact,
        (
            "company",
            "name",
            "title",
            "email",
            "phone",
            "linkedin_url",
            "postal_address",
            "preferred_channel",
            "created_at",
            "updated_at",
        ),
    ),
    "applications": Part(
        Application,
        (
            "company",
            "role",
            "posting_url",
            "company_address",
            "applied_on",
            "applied_via",
            "notes",
            "status",
            "status_changed_at",
            "employer_replied_at",
            "created_at",
            "updated_at",
        ),
        {"main_contact": "contacts"},
    ),
    "interviews": Part(
        Interview,
        (
            "round",
            "starts_at",
            "ends_at",
            "format",
            "location",
            "decision_promised_on",
            "summary",
            "qualifications_matched",
            "fit",
            "correction",
            "contact_preferences",
            "notes_saved_at",
            "calendar_uid",
            "calendar_sequence",
            "created_at",
            "updated_at",
        ),
        {"application": "applications"},
    ),
    "participants": Part(
        Participant,
        ("discussed", "common_ground", "correction"),
        {"interview": "interviews", "contact": "contacts"},
    ),
    "followups": Part(
        FollowUp,
        (
            "kind",
            "sequence",
            "opens_at",
            "due_at",
            "channel",
            "status",
            "status_reason",
            "snoozed_until",
            "subject",
            "draft",
            "draft_edited",
            "done_at",
            "done_channel",
            "undo_state",
            "remind_at",
            "reminded_at",
            "send_attempts",
            "created_at",
            "updated_at",
        ),
        {"application": "applications", "interview": "interviews", "contact": "contacts"},
    ),
}
TIMESTAMPS = ("created_at", "updated_at")
