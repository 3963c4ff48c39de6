"""Small helpers shared by the planning, services and view tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from interviews.models import Contact
from reminders.followups.planning import followups_plan
from reminders.models import FollowUp
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def plan(application, now):
    followups_plan(application=application, now=now)
    return list(FollowUp.objects.filter(application=application).order_by("id"))


def of_kind(application, kind, **filters):
    return list(
        FollowUp.objects.filter(application=application, kind=kind, **filters).order_by(
            "sequence", "id"
        )
    )


def check_ins(application):
    return list(
        FollowUp.objects.filter(
            application=application, kind__in=["check_in", "further_check_in"]
        ).order_by("sequence", "id")
    )


def state(application):
    """Everything planning may write, to compare two runs."""
    return [
        (
            f.pk,
            f.kind,
            f.contact_id,
            f.sequence,
            f.status,
            f.opens_at,
            f.due_at,
            f.remind_at,
            f.channel,
            f.subject,
            f.draft,
            f.updated_at,
        )
        for f in FollowUp.objects.filter(application=application).order_by("id")
    ]


def add_interview(app, people=("Dana Whitfield",), **fields):
    """An interview of `app` with the named people, reusing contacts by name."""
    interview = factories.interview(application=app, **fields)
    for name in people:
        contact = Contact.objects.filter(candidate=app.candidate, name=name).first()
        contact = contact or factories.contact(candidate=app.candidate, name=name)
        factories.participant(interview=interview, contact=contact)
    return interview
