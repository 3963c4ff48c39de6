"""Changes that span several models. Each one re-plans the application's follow-ups.

Planning is called here, in the services that make a change, and not from
signals or save(): a reader of a service sees everything it does. The planner
itself belongs to ``reminders``, which builds on these records; this app names
it through the ``FOLLOWUPS_PLANNER`` setting instead of importing it, so that
imports between the two apps only ever point from ``reminders`` to here.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .invitations.people import known_contact
from .models import (
    Application,
    Candidate,
    Contact,
    Interview,
    Participant,
    new_calendar_token,
)


@cache
def _planner():
    return import_string(settings.FOLLOWUPS_PLANNER)


def followups_plan(*, application, now=None):
    """Bring the application's follow-ups in line with its records."""
    return _planner()(application=application, now=now)


def _contact_from_row(*, application, row):
    contact = row.get("contact")
    if contact is None:
        contact = Contact.objects.filter(candidate=application.candidate).at_company(
            application.company
        ).filter(name__iexact=row["name"].strip()).first() or Contact(
            candidate=application.candidate, company=application.company, name=row["name"].strip()
        )
    # What the candidate types on the notes form is the freshest knowledge.
    for field in ("title", "email", "linkedin_url"):
        if row.get(field):
            setattr(contact, field, row[field])
    # "Not known yet" is the row's default, not news: it never erases a
    # preference learned earlier (that would turn a phone check-in into email).
    if row.get("preferred_channel") not in (None, "", Contact.Channel.UNKNOWN):
        contact.preferred_channel = row["preferred_channel"]
    contact.save()
    return contact


def interview_people_set(*, interview, rows):
    """Make the interview's people exactly `rows`, adding new contacts as needed."""
    kept = []
    for row in rows:
        contact = _contact_from_row(application=interview.application, row=row)
        participant, _ = Participant.objects.get_or_create(interview=interview, contact=contact)
        for field in ("discussed", "common_ground", "correction"):
            if field in row:
                setattr(participant, field, row[field])
        participant.save()
        kept.append(participant.pk)
    interview.participants.exclude(pk__in=kept).delete()


def _invitation_rows(*, application, rows):
    """Rows of invitation people, each tied to the person already known, if any."""
    return [
        {
            **row,
            "contact": known_contact(
                candidate=application.candidate,
                company=application.company,
                name=row["name"],
                email=row["email"],
            ),
        }
        for row in rows
    ]


@transaction.atomic
def interview_from_invitation(*, candidate, form, people, now=None):
    """Add the interview an invitation describes, in the application picked (or a new
    one), with the people ticked; planning runs as for any interview."""
    # Two confirms of one invitation (a double click, two tabs) queue here,
    # so the second sees the first's interview and refuses.
    Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
    uid = form.instance.calendar_uid
    if uid and interview_for_invitation(candidate=candidate, uid=uid):
        raise ValidationError("This invitation was added already; upload it again to update it.")
    application = form.cleaned_data.get("application")
    if application is None:
        application = Application.objects.create(
            candidate=candidate,
            company=form.cleaned_data["new_company"].strip(),
            role=form.cleaned_data["new_role"].strip(),
        )
    rows = _invitation_rows(application=application, rows=people)
    return interview_save(form=form, application=application, people=rows, now=now)


@transaction.atomic
def interview_invitation_update(*, form, people, now=None):
    """Move an imported interview to its invitation's newer version and re-plan.

    The people ticked are added; nobody already on the interview is removed:
    an organiser dropping someone from an update does not undo the meeting.
    """
    interview = form.save()
    for row in _invitation_rows(application=interview.application, rows=people):
        contact = _contact_from_row(application=interview.application, row=row)
        Participant.objects.get_or_create(interview=interview, contact=contact)
    followups_plan(application=interview.application, now=now)
    return interview


def interview_for_invitation(*, candidate, uid):
    """The candidate's interview imported from the invitation with this UID, if any."""
    return (
        Interview.objects.filter(application__candidate=candidate, calendar_uid=uid)
        .select_related("application")
        .first()
    )


@transaction.atomic
def candidate_calendar_link_renew(*, candidate):
    """A new private feed URL; the old one stops answering at once."""
    candidate.calendar_token = new_calendar_token()
    candidate.save(update_fields=["calendar_token"])
    return candidate


def candidate_replan(*, candidate, now=None):
    """Re-plan every application of the candidate (after new timings or wording)."""
    for application in candidate.applications.all():
        followups_plan(application=application, now=now)


@transaction.atomic
def candidate_profile_save(*, form, now=None):
    """Save the profile or the follow-up settings: what is pending moves to the new
    timings, and drafts the candidate has not edited pick up the new wording."""
    candidate = form.save()
    candidate_replan(candidate=candidate, now=now)
    return candidate


@transaction.atomic
def application_create(*, candidate, form):
    application = form.save(commit=False)
    application.candidate = candidate
    application.save()
    return application


@transaction.atomic
def application_update(*, form, now=None):
    application = form.save()
    followups_plan(application=application, now=now)
    return application


@transaction.atomic
def interview_save(*, form, application, people=None, now=None):
    """Create or edit an interview (and, when given, who sits in it), then re-plan."""
    interview = form.save(commit=False)
    interview.application = application
    interview.save()
    if people is not None:
        interview_people_set(interview=interview, rows=people)
    followups_plan(application=application, now=now)
    return interview


@transaction.atomic
def interview_notes_save(*, form, people, now=None):
    """Save the post-interview notes; the first valid save completes the notes follow-up."""
    now = now or timezone.now()
    interview = form.save(commit=False)
    if interview.notes_saved_at is None:
        interview.notes_saved_at = now
    interview.save()
    interview_people_set(interview=interview, rows=people)
    followups_plan(application=interview.application, now=now)
    return interview


@transaction.atomic
def interview_delete(*, interview, now=None):
    application = interview.application
    interview.delete()
    followups_plan(application=application, now=now)


@transaction.atomic
def application_status_record(*, application, status, now=None):
    """Record an offer, a rejection or a withdrawal (or back to active to undo one)."""
    now = now or timezone.now()
    if status not in Application.Status.values:
        raise ValueError(f"unknown status {status!r}")
    application.status = status
    application.status_changed_at = now
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    followups_plan(application=application, now=now)
    return application


@transaction.atomic
def application_reply_record(*, application, replied, now=None):
    """Record (or take back) that the employer replied; a reply stops further check-ins.

    The first reply's time is kept when another is recorded: check-ins count
    from it. Returns the reply time on record before, so a caller can undo.
    """
    now = now or timezone.now()
    previous = application.employer_replied_at
    application.employer_replied_at = (previous or now) if replied else None
    application.save(update_fields=["employer_replied_at", "updated_at"])
    followups_plan(application=application, now=now)
    return previous


def _applications_with(contact):
    return Application.objects.filter(
        Q(interviews__participants__contact=contact) | Q(main_contact=contact)
    ).distinct()


@transaction.atomic
def contact_update(*, form, now=None):
    """Save a person. A new LinkedIn URL, postal address or preferred channel
    changes what is planned for them (a request, a card, the check-in's channel)."""
    contact = form.save()
    for application in _applications_with(contact):
        followups_plan(application=application, now=now)
    return contact


@transaction.atomic
def contact_delete(*, contact, now=None):
    """Delete a person; the applications they sat in are re-planned without them."""
    applications = list(_applications_with(contact))
    contact.delete()
    for application in applications:
        followups_plan(application=application, now=now)
