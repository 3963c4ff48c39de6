"""Plain functions that build rows for tests, with sensible defaults."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from interviews.models import Application, Candidate, Contact, Interview, Participant

PASSWORD = "a-long-test-password-42"


def candidate(*, email, full_name="Sam Okafor", time_zone="Europe/Berlin", **fields):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    defaults = {
        "full_name": full_name,
        "signing_name": full_name.split()[0],
        "time_zone": time_zone,
        "qualifications": "building data pipelines\nleading small teams\nclear writing",
        "fit_phrase": "a habit of making data useful to people who are not analysts",
    }
    defaults.update(fields)
    return Candidate.objects.create(user=user, **defaults)


def application(*, candidate, company="Northwind", role="Data Engineer", **fields):
    return Application.objects.create(candidate=candidate, company=company, role=role, **fields)


def interview(*, application, starts_at=None, minutes=60, **fields):
    if starts_at is None:
        starts_at = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo(application.candidate.time_zone))
    return Interview.objects.create(
        application=application,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )


def contact(*, candidate, name="Dana Whitfield", company="Northwind", **fields):
    return Contact.objects.create(candidate=candidate, name=name, company=company, **fields)


def participant(*, interview, contact, **fields):
    return Participant.objects.create(interview=interview, contact=contact, **fields)


def panel(*, candidate, names=("Dana Whitfield", "Lee Park"), **interview_fields):
    """An application with one interview and the named people in it."""
    app = application(candidate=candidate)
    iv = interview(application=app, **interview_fields)
    for name in names:
        participant(
            interview=iv, contact=contact(candidate=candidate, name=name, company=app.company)
        )
    return iv
