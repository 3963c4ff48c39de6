"""Celery tasks. Beat runs sweep_reminders every REMINDER_SWEEP_SECONDS.

sweep_reminders opens the windows that are due, sends the morning digests and
fans the owed reminders out: it queues as many send_owed tasks as the backlog
keeps busy (up to REMINDER_SEND_TASKS), on the queue it came from, so four
workers send about four times what one does. Each send_owed claims and sends
batch after batch until nothing is owed.

No task carries state of its own: a lost or repeated run is harmless, because
senders find what is owed in the database and claim each candidate once. The
claims are made by the sender that sends, when it runs, never ahead in a
queue: a worker that dies leaves claims that lapse within minutes. That is
also why nothing is scheduled with an ETA or countdown.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reminders.delivery.sending import Sender, Tally, owed_senders_needed
from reminders.delivery.sweep import reminders_sweep


def parse_as_of(value):
    """An ISO 8601 time; one without an offset is read as UTC."""
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"not an ISO 8601 date and time: {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.UTC)
    return moment


@shared_task(name="reminders.tasks.sweep_reminders", bind=True)
def sweep_reminders(self, as_of=None):
    now = parse_as_of(as_of) if as_of else timezone.now()
    result = reminders_sweep(now=now, send=False)
    senders = owed_senders_needed(now=now, most=settings.REMINDER_SEND_TASKS)
    queue = (self.request.delivery_info or {}).get("routing_key")
    for _ in range(senders):
        send_owed.apply_async(
            kwargs={"as_of": now.isoformat(), "sweep_id": result.sweep_id}, queue=queue
        )
    return {
        "as_of": now.isoformat(),
        "senders": senders,
        "digests_sent": result.digests.sent,
        "opened": result.opened,
    }


@shared_task(name="reminders.tasks.send_owed")
def send_owed(as_of, sweep_id=None):
    now = parse_as_of(as_of)
    tally = Sender(now=now, tally=Tally(), sweep_id=sweep_id).run()
    return {
        "as_of": now.isoformat(),
        "reminders_sent": tally.reminders_sent,
        "emails_sent": tally.emails_sent,
        "failures": tally.failures,
        "held": tally.held,
    }
