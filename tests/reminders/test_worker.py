"""The sweep under real concurrency, and a real Celery worker on the real Redis."""

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from followup_site.celery import app as celery_app
from reminders.models import FollowUp, Sweep
from reminders.sweep import reminders_sweep
from reminders.tasks import sweep_reminders
from tests.conftest import service_unavailable
from tests.reminders.followup_factory import (
    due_followups,
    followup,
    followup_ids_in,
    quick_candidate,
)

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
    start = threading.Barrier(SWEEPERS)
    results, errors = [], []

    def sweeper():
        # Each thread has its own database connection, like separate workers.
        try:
            start.wait()
            results.append(reminders_sweep(now=DUE))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(SWEEPERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

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


def _test_database_url():
    """The URL another process opens to reach this test run's database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            service_unavailable("a worker process cannot open an in-memory SQLite database")
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _own_redis_db(url, number=5):
    return urlsplit(url)._replace(path=f"/{number}").geturl()


@pytest.fixture
def celery_worker_process(redis_url, tmp_path):
    """A real `celery worker` subprocess on its own queue, sending mail to files."""
    database_url = _test_database_url()
    broker = _own_redis_db(redis_url)
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": broker,
        "EMAIL_URL": f"file://{mail_dir}",
        "SECRET_KEY": "worker-test-only",
        "DEBUG": "off",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "followup_site", "worker"]
        + ["--pool", "solo", "--queues", queue, "--hostname", f"{queue}@%h"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield {"broker": broker, "queue": queue, "mail_dir": mail_dir, "process": worker}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


def _wait_until(check, *, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        if worker.poll() is not None:
            return False
        time.sleep(0.2)
    return False


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
    assert _wait_until(reminded, worker=worker["process"]), log.read_text()[-3000:]
    assert item.remind_at is None
    assert item.reminded_at == DUE
    assert item.status == FollowUp.Status.OPEN
    (written,) = worker["mail_dir"].iterdir()
    text = written.read_text()
    assert "To: worker@example.com" in text
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
    sweep = Sweep.objects.get()
    assert (sweep.as_of, sweep.reminders_sent, sweep.emails_sent) == (DUE, 1, 1)
