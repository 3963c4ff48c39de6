"""Celery tasks. Beat runs sweep_reminders every REMINDER_SWEEP_SECONDS.

The task carries no state of its own: a lost or repeated run is harmless,
because the sweep finds what is owed in the database and claims each row once.
That is also why nothing is scheduled with an ETA or countdown.
"""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reminders.delivery.sweep import reminders_sweep


def parse_as_of(value):
    """An ISO 8601 time; one without an offset is read as UTC."""
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"not an ISO 8601 date and time: {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.UTC)
    return moment


@shared_task(name="reminders.tasks.sweep_reminders")
def sweep_reminders(as_of=None):
    now = parse_as_of(as_of) if as_of else timezone.now()
    result = reminders_sweep(now=now)
    return {
        "as_of": now.isoformat(),
        "reminders_sent": result.reminders_sent,
        "emails_sent": result.emails_sent,
        "failures": result.failures,
        "held": result.held,
    }
