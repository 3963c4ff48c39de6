"""The sweep under real concurrency, and a real Celery worker on the real Redis."""

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from followup_site.celery import app as celery_app
from reminders.delivery.sweep import reminders_sweep
from reminders.delivery.tasks import sweep_reminders
from reminders.models import FollowUp, Sweep
from tests.concurrency import run_at_once
from tests.reminders.followup_factory import (
    due_followups,
    followup,
    followup_ids_in,
    quick_candidate,
)
from tests.worker import wait_until

# 11:00 in Berlin, outside anyone's quiet hours in these tests.
DUE = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))

CANDIDATES = 30
PER_CANDIDATE = 10
SWEEPERS = 4


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_reminder_exactly_once():
    owed = []
    for n in range(CANDIDATES):
        candidate = quick_candidate(email=f"c{n}@example.com")
        owed += due_followups(candidate=candidate, count=PER_CANDIDATE, remind_at=DUE)
    results, errors = run_at_once(lambda: reminders_sweep(now=DUE), count=SWEEPERS)

    assert errors == []
    reminded = Counter(pk for message in mail.outbox for pk in followup_ids_in(message))
    assert set(reminded) == {f.pk for f in owed}
    assert set(reminded.values()) == {1}, "some follow-up was reminded more than once"
    assert sum(r.reminders_sent for r in results) == len(owed)
    assert sum(r.emails_sent for r in results) == len(mail.outbox)
    assert not FollowUp.objects.filter(remind_at__isnull=False).exists()
    assert not FollowUp.objects.filter(claimed_at__isnull=False).exists()
    assert Sweep.objects.filter(finished_at__isnull=False).count() == SWEEPERS
    print(
        f"{len(owed)} follow-ups, {SWEEPERS} sweeps: reminders won per sweep "
        f"{sorted(r.reminders_sent for r in results)}, {len(mail.outbox)} emails"
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_beat_task_end_to_end(celery_worker_process, tmp_path):
    candidate = quick_candidate(email="worker@example.com")
    item = followup(candidate=candidate, opens_at=DUE)
    worker = celery_worker_process

    # Frozen time does not reach another process, so the time travels in the
    # message, as an operator would pass it.
    with celery_app.connection_for_write(worker["broker"]) as broker:
        sweep_reminders.apply_async(
            kwargs={"as_of": DUE.isoformat()}, queue=worker["queue"], connection=broker
        )

    def reminded():
        item.refresh_from_db()
        return item.reminded_at is not None and any(worker["mail_dir"].iterdir())

    log = Path(tmp_path / "worker.log")
    assert wait_until(reminded, worker=worker["process"]), log.read_text()[-3000:]
    assert item.remind_at is None
    assert item.reminded_at == DUE
    assert item.status == FollowUp.Status.OPEN
    (written,) = worker["mail_dir"].iterdir()
    text = written.read_text()
    assert "To: worker@example.com" in text
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text

    # The beat task fanned the sending out to a send_owed task on the same
    # queue, which adds what it sent to the sweep's row.
    def counted():
        sweep = Sweep.objects.get()
        return (sweep.as_of, sweep.reminders_sent, sweep.emails_sent) == (DUE, 1, 1)

    assert wait_until(counted, worker=worker["process"], seconds=10)
    assert "reminders.tasks.send_owed" in log.read_text()
