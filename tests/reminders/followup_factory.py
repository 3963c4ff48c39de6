"""FollowUp rows for the reminder tests, built directly (not through the planner).

The sweep only reads the remind_at contract, so these tests state remind_at
themselves instead of depending on how planning computes it.
"""

import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing

from interviews.models import Candidate, Contact
from reminders.models import FollowUp
from tests import factories


def followup(
    *,
    candidate,
    opens_at,
    kind=FollowUp.Kind.THANK_YOU,
    application=None,
    contact=None,
    due_in=timedelta(hours=24),
    remind_at="opens",
    **fields,
):
    """A pending follow-up; remind_at defaults to opens_at, as planning sets it."""
    if application is None:
        application = factories.application(candidate=candidate)
    needs_person = kind in (FollowUp.Kind.THANK_YOU, FollowUp.Kind.LINKEDIN)
    if contact is None and needs_person:
        contact = factories.contact(candidate=candidate, company=application.company)
    fields.setdefault("channel", FollowUp.Channel.CARD)
    if kind in (FollowUp.Kind.CHECK_IN, FollowUp.Kind.FURTHER_CHECK_IN):
        fields.setdefault("sequence", 1)
    return FollowUp.objects.create(
        candidate=candidate,
        application=application,
        contact=contact,
        kind=kind,
        opens_at=opens_at,
        due_at=opens_at + due_in,
        remind_at=opens_at if remind_at == "opens" else remind_at,
        **fields,
    )


def quick_candidate(*, email, time_zone="Europe/Berlin", verified=True, **fields):
    """A candidate without password hashing, for tests that need hundreds."""
    user = get_user_model().objects.create(username=email, email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    fields.setdefault("full_name", "Sam Okafor")
    return Candidate.objects.create(user=user, time_zone=time_zone, **fields)


def due_followups(*, candidate, count, remind_at):
    """`count` open thank-you follow-ups owing a reminder at remind_at, in bulk."""
    application = factories.application(candidate=candidate)
    contacts = Contact.objects.bulk_create(
        Contact(candidate=candidate, name=f"Person {i}", company=application.company)
        for i in range(count)
    )
    return FollowUp.objects.bulk_create(
        FollowUp(
            candidate=candidate,
            application=application,
            contact=contact,
            kind=FollowUp.Kind.THANK_YOU,
            channel=FollowUp.Channel.EMAIL,
            status=FollowUp.Status.OPEN,
            opens_at=remind_at,
            due_at=remind_at + timedelta(hours=24),
            remind_at=remind_at,
            subject=f"Thank you {i}",
            draft=f"Dear {contact.name}, thank you.",
        )
        for i, contact in enumerate(contacts)
    )


def followup_ids_in(message):
    """The follow-ups a reminder email carries, read from its signed done links."""
    tokens = re.findall(r"/r/([^/\s]+)/done/", message.body)
    return [signing.loads(token, salt="reminders.links.done")["f"] for token in tokens]
