"""Thank-you FollowUp rows for the card tests, built directly (not by the planner)."""

from datetime import timedelta

from reminders.models import FollowUp
from tests import factories


def thank_you_draft(first_name, *, message=None, signature="Sam"):
    message = message or (
        "Thank you for meeting me on Monday about the data engineer role. "
        "My pipelines work and small-team leadership fit what you described."
    )
    return f"Dear {first_name},\n\n{message}\n\nWith thanks,\n{signature}"


def thank_you(*, interview, contact, status=FollowUp.Status.OPEN, draft=None, **fields):
    fields.setdefault("kind", FollowUp.Kind.THANK_YOU)
    return FollowUp.objects.create(
        candidate=interview.application.candidate,
        application=interview.application,
        interview=interview,
        contact=contact,
        opens_at=interview.ends_at,
        due_at=interview.ends_at + timedelta(hours=24),
        channel=FollowUp.Channel.CARD,
        status=status,
        draft=draft if draft is not None else thank_you_draft(contact.first_name),
        **fields,
    )


def panel_with_thank_yous(*, candidate, names=("Dana Whitfield", "Lee Park")):
    """An interview with one open thank-you per interviewer."""
    interview = factories.panel(candidate=candidate, names=names)
    followups = [
        thank_you(interview=interview, contact=participant.contact)
        for participant in interview.participants.select_related("contact")
    ]
    return interview, followups
