"""Bringing spreadsheet rows into the candidate's search: preview, then one transaction.

An import is history, not new activity. Applied dates and statuses are kept
as given; interviews are planned like any other, and every window already
closed is either marked done ("I already followed up on these") or left on
the dashboard as overdue. A closed window owes no reminder, so an import
never sets off a burst of emails; one still open is reminded as usual.

Matching makes a re-import create nothing twice: an application is the same
when company, role and applied date agree (without case or spacing), an
interview when its application and start agree, a person when their email,
or else their name at that company, does.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from interviews.models import Application, Candidate, Contact, Interview, Participant
from interviews.services import followups_plan
from reminders.models import FollowUp, SpreadsheetImport

from .dates import date_style_guess
from .spreadsheets import mapping_guess, rows_read
from .text import simplified

# A spreadsheet has no end time; an hour is what most first interviews take.
INTERVIEW_LENGTH = timedelta(hours=1)
# The rounds of one application's imported interviews, in order of the file.
ROUNDS = (Interview.Round.FIRST, Interview.Round.SECOND, Interview.Round.OTHER)
IMPORTED_DONE = "Marked done on import: you had already followed up."


class ImportRefused(Exception):
    """Confirming is not possible as things stand; the message says why."""


def _application_key(company, role, applied_on):
    return simplified(company), simplified(role), applied_on


def _person_keys(company, name, email):
    keys = []
    if email:
        keys.append(("email", email.strip().lower()))
    if name:
        keys.append(("name", simplified(company), simplified(name)))
    return keys


@dataclass
class Preview:
    """What confirming would do, row by row; computed again inside the transaction."""

    rows: list
    problems: list = field(default_factory=list)
    new_applications: list = field(default_factory=list)
    # Rows adding an interview, to a new application or one already here.
    new_interviews: list = field(default_factory=list)
    new_people: int = 0
    already_here: list = field(default_factory=list)
    # Row number → the application already here it matches.
    matches: dict = field(default_factory=dict)

    @property
    def good_rows(self):
        return [row for row in self.rows if not row.problems]

    @property
    def has_changes(self):
        return bool(self.new_applications or self.new_interviews)


def _existing(candidate):
    """What the candidate already has, keyed the way rows are matched: three queries."""
    applications = {}
    for app in Application.objects.filter(candidate=candidate).only(
        "pk", "company", "role", "applied_on"
    ):
        applications.setdefault(_application_key(app.company, app.role, app.applied_on), app)
    interviews = set(
        Interview.objects.filter(application__candidate=candidate).values_list(
            "application_id", "starts_at"
        )
    )
    people = {}
    for contact in Contact.objects.filter(candidate=candidate):
        for key in _person_keys(contact.company, contact.name, contact.email):
            people.setdefault(key, contact)
    return applications, interviews, people


def preview_build(*, candidate, rows):
    preview = Preview(rows=rows)
    applications, interviews, people = _existing(candidate)
    seen_applications, seen_interviews, seen_people = set(), set(), set()
    for row in rows:
        if row.problems:
            preview.problems += row.problems
            continue
        key = _application_key(row.company, row.role, row.applied_on)
        existing = applications.get(key)
        if existing:
            preview.matches[row.number] = existing
        creates_application = not existing and key not in seen_applications
        seen_applications.add(key)
        adds_interview = False
        if row.interview_at:
            interview_key = (existing.pk if existing else key, row.interview_at)
            known = existing is not None and (existing.pk, row.interview_at) in interviews
            adds_interview = not known and interview_key not in seen_interviews
            seen_interviews.add(interview_key)
        if creates_application:
            preview.new_applications.append(row)
        if adds_interview:
            preview.new_interviews.append(row)
        if not creates_application and not adds_interview:
            preview.already_here.append(row)
        person = _person_keys(row.company, row.contact_name, row.contact_email)
        if row.contact_name and not any(k in people or k in seen_people for k in person):
            preview.new_people += 1
        seen_people.update(person)
    return preview


def upload_rows(upload, *, candidate, today=None):
    today = today or timezone.localdate(timezone=candidate.tz)
    return rows_read(
        upload.rows,
        header=upload.header,
        mapping=upload.mapping,
        date_style=upload.date_style,
        tz=candidate.tz,
        today=today,
        source=upload.source,
    )


class _Builder:
    """Creates the rows of one confirmed import in bulk, reusing what is already there."""

    def __init__(self, candidate, preview, now):
        self.candidate = candidate
        self.preview = preview
        self.now = now
        self.applications, _, self.people = _existing(candidate)

    def contacts(self):
        new = {}
        for row in self.preview.good_rows:
            if not row.contact_name:
                continue
            keys = _person_keys(row.company, row.contact_name, row.contact_email)
            if any(key in self.people for key in keys):
                continue
            contact = Contact(
                candidate=self.candidate,
                company=row.company,
                name=row.contact_name,
                email=row.contact_email,
            )
            new[row.number] = contact
            for key in keys:
                self.people[key] = contact
        Contact.objects.bulk_create(new.values())

    def contact_for(self, row):
        for key in _person_keys(row.company, row.contact_name, row.contact_email):
            if key in self.people:
                return self.people[key]
        return None

    def _status_moment(self, row):
        # When the outcome was recorded is unknown; the latest date the row
        # gives is the earliest it can have been, and keeps it in the past.
        if row.status == Application.Status.ACTIVE:
            return None
        moments = [row.interview_at + INTERVIEW_LENGTH] if row.interview_at else []
        if row.applied_on:
            moments.append(datetime.combine(row.applied_on, time(0), tzinfo=self.candidate.tz))
        return min(max(moments), self.now) if moments else self.now

    def applications_create(self):
        created = []
        for row in self.preview.new_applications:
            application = Application(
                candidate=self.candidate,
                company=row.company,
                role=row.role,
                posting_url=row.job_url,
                applied_on=row.applied_on,
                applied_via=row.applied_via,
                notes=row.notes,
                status=row.status,
                status_changed_at=self._status_moment(row),
                main_contact=self.contact_for(row),
            )
            created.append(application)
            self.applications[_application_key(row.company, row.role, row.applied_on)] = (
                application
            )
        Application.objects.bulk_create(created)
        return created

    def interviews_create(self):
        interviews, participants = [], []
        rounds = Counter()
        for row in self.preview.new_interviews:
            key = _application_key(row.company, row.role, row.applied_on)
            application = self.applications[key]
            rounds[application.pk] += 1
            interview = Interview(
                application=application,
                round=ROUNDS[min(rounds[application.pk], len(ROUNDS)) - 1],
                starts_at=row.interview_at,
                ends_at=row.interview_at + INTERVIEW_LENGTH,
            )
            interviews.append(interview)
            contact = self.contact_for(row)
            if contact:
                participants.append(Participant(interview=interview, contact=contact))
        Interview.objects.bulk_create(interviews)
        Participant.objects.bulk_create(participants)
        return interviews


def _history_settled(application_ids, *, now, already_followed_up):
    """With "I already followed up", every window already closed is marked done.

    Closed windows owe no reminder either way: the planner gives a window
    that closed before it was entered none. Windows still open keep theirs,
    so yesterday's interview still gets its thank-you reminder.
    """
    if not already_followed_up:
        return 0
    return FollowUp.objects.filter(
        application_id__in=application_ids, status__in=FollowUp.PENDING, due_at__lt=now
    ).update(status=FollowUp.Status.DONE, done_at=F("due_at"), status_reason=IMPORTED_DONE)


def spreadsheet_import(**options):
    """Import a previewed upload in one transaction; returns the summary it stores."""
    steps = spreadsheet_import_steps(**options)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value


def spreadsheet_import_steps(*, upload, already_followed_up=False, skip_problems=False, now=None):
    """The import as a generator: yields (planned, to plan) as planning goes on, returns
    the summary. The transaction stays open across the yields, so a reader who
    stops listening half-way (the generator is closed) leaves nothing behind."""
    now = now or timezone.now()
    with transaction.atomic():
        # One import at a time per candidate: a second confirm waits, then
        # finds the upload imported and the rows already there.
        candidate = Candidate.objects.select_for_update().get(pk=upload.candidate_id)
        upload = SpreadsheetImport.objects.select_for_update().get(pk=upload.pk)
        if upload.imported_at:
            return upload.summary
        yield 0, 0
        preview = preview_build(candidate=candidate, rows=upload_rows(upload, candidate=candidate))
        if preview.problems and not skip_problems:
            raise ImportRefused(
                f"{len(preview.problems)} problem(s) in the file. Correct them and upload it "
                "again, or choose to leave those rows out."
            )
        builder = _Builder(candidate, preview, now)
        builder.contacts()
        applications = builder.applications_create()
        interviews = builder.interviews_create()

        # Only interviews bring follow-ups. A rejection in the file without an
        # interview behind it is history: nobody to thank, nobody to reply to.
        to_plan = {interview.application_id: interview.application for interview in interviews}
        for done, application in enumerate(to_plan.values(), start=1):
            followups_plan(application=application, now=now)
            if done % PROGRESS_EVERY == 0:
                yield done, len(to_plan)
        marked_done = _history_settled(
            list(to_plan), now=now, already_followed_up=already_followed_up
        )
        summary = {
            "applications": len(applications),
            "interviews": len(interviews),
            "people": preview.new_people,
            "already_here": len(preview.already_here),
            "left_out": len({problem.row for problem in preview.problems}),
            "marked_done": marked_done,
        }
        SpreadsheetImport.objects.filter(pk=upload.pk).update(
            rows=[], imported_at=now, summary=summary
        )
        return summary


# How often a streamed import says how far it is, in applications planned.
PROGRESS_EVERY = 25
# An upload nobody confirmed is dropped after a day: it holds personal data.
UNCONFIRMED_KEPT = timedelta(days=1)
# US users write the month first; everyone else the day.
MONTH_FIRST_ZONES = ("America/", "US/", "Pacific/Honolulu")


def _remembered(candidate, header):
    wanted = [simplified(cell) for cell in header]
    for earlier in SpreadsheetImport.objects.filter(
        candidate=candidate, imported_at__isnull=False
    ).only("header", "mapping", "date_style")[:20]:
        if [simplified(cell) for cell in earlier.header] == wanted:
            return earlier
    return None


def upload_store(*, candidate, filename, table, now=None):
    """Keep an uploaded table until it is confirmed; returns (upload, mapping remembered)."""
    now = now or timezone.now()
    SpreadsheetImport.objects.filter(
        candidate=candidate, imported_at__isnull=True, created_at__lt=now - UNCONFIRMED_KEPT
    ).delete()
    remembered = _remembered(candidate, table.header)
    if remembered:
        mapping, date_style = remembered.mapping, remembered.date_style
    else:
        mapping = mapping_guess(table.header)
        month_first = table.is_linkedin or candidate.time_zone.startswith(MONTH_FIRST_ZONES)
        dates = [
            row[index]
            for key in ("applied_on", "interview_at")
            if (index := mapping.get(key)) is not None
            for row in table.rows[:500]
        ]
        date_style = date_style_guess(dates, default="mdy" if month_first else "dmy")
    upload = SpreadsheetImport.objects.create(
        candidate=candidate,
        filename=filename[:255],
        header=table.header,
        rows=table.rows,
        mapping=mapping,
        date_style=date_style,
        source=table.source,
    )
    return upload, remembered is not None
