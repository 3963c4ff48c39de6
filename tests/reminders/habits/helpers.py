"""Follow-ups in a settled state, built directly, for figures computed by hand."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reminders.models import FollowUp
from tests import factories
from tests.reminders.followup_factory import followup

LA = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")


def la(*args):
    return datetime(*args, tzinfo=LA)


def touch(candidate, *, due, done=None, status=None, kind=FollowUp.Kind.THANK_YOU, **fields):
    """A follow-up due at `due`; done at `done` when given (status done)."""
    if status is None:
        status = FollowUp.Status.DONE if done else FollowUp.Status.OPEN
    if done is not None:
        fields.setdefault("done_channel", FollowUp.Channel.CARD)
    return followup(
        candidate=candidate,
        opens_at=due - timedelta(hours=24),
        due_in=timedelta(hours=24),
        kind=kind,
        status=status,
        done_at=done,
        remind_at=None,
        **fields,
    )


def interview_ending(application, ends_at):
    return factories.interview(application=application, starts_at=ends_at - timedelta(hours=1))
