"""The sweep's throughput on real Celery workers (bench/sweep.py starts it).

    .venv/bin/python bench/sweep_workers.py OUT.json FOLLOWUPS 1 2 4

DATABASE_URL names a migrated database of its own, empty; BENCH_BROKER the
Redis database the workers and this process share. `manage.py bench_data
--sweep-followups FOLLOWUPS` fills it. An SMTP server in this process takes
the mail, answering each message 20 ms after it arrived, as a relay does.
For each number of workers: that many `celery worker --pool solo`
processes on a queue of this run's own, REMINDER_SEND_TASKS set to match;
once all are ready, one beat run (sweep_reminders as of the build's time)
goes to the queue, and the clock runs until no follow-up owes a reminder.
The messages the server received are then read back through their signed
done links: every follow-up must be in exactly one. The rows are then made
owing again (one UPDATE) for the next number of workers.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import PROJECT_DIR  # noqa: E402
from bench.sweep_rounds import build, owed_again  # noqa: E402

RELAY_DELAY = 0.02
READY_SECONDS, SWEEP_SECONDS = 120, 900
SENDER_RECEIVED = re.compile(r"Task reminders\.tasks\.send_owed\[[^\]]+\] received")
DONE_LINK = re.compile(r"/r/([^/\s\"<>]+)/done/")


def followup_ids_in(raw):
    """The follow-ups one received message reminds of, from its signed done links."""
    from django.core import signing

    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return [signing.loads(t, salt="reminders.links.done")["f"] for t in DONE_LINK.findall(text)]


def received(messages):
    """How many times each follow-up was reminded, across the messages received."""
    return Counter(pk for raw in messages for pk in followup_ids_in(raw))


def workers_start(count, *, queue, env, logs):
    workers = []
    for n in range(count):
        log = logs / f"worker-{count}-{n}.log"
        workers.append(
            (
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "followup_site", "worker"]
                    + ["--pool", "solo", "--concurrency", "1", "-Q", queue]
                    + ["--hostname", f"bench{n}-{queue}@%h", "-l", "INFO"]
                    + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                    cwd=PROJECT_DIR,
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
    deadline = time.monotonic() + READY_SECONDS
    for process, log in workers:
        while " ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                workers_stop(workers)
                raise SystemExit(f"a worker did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
    return workers


def workers_stop(workers):
    for process, _ in workers:
        process.terminate()
    for process, _ in workers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def one_run(count, *, now, server, broker, env, logs):
    from followup_site.celery import app
    from reminders.delivery.tasks import sweep_reminders
    from reminders.models import FollowUp

    queue = f"bench-sweep-{uuid.uuid4().hex[:10]}"
    workers = workers_start(
        count, queue=queue, env={**env, "REMINDER_SEND_TASKS": str(count)}, logs=logs
    )
    try:
        owed = set(FollowUp.objects.filter(remind_at__lte=now).values_list("pk", flat=True))
        server.messages.clear()
        started = time.perf_counter()
        with app.connection_for_write(broker) as connection:
            sweep_reminders.apply_async(
                kwargs={"as_of": now.isoformat()}, queue=queue, connection=connection
            )
        while FollowUp.objects.filter(remind_at__lte=now).exists():
            if time.perf_counter() - started > SWEEP_SECONDS:
                raise SystemExit(f"{count} worker(s) left reminders owed after {SWEEP_SECONDS} s")
            if any(process.poll() is not None for process, _ in workers):
                raise SystemExit(f"a worker died: see {logs}")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        workers_stop(workers)
    reminded = received(list(server.messages))
    senders = sum(len(SENDER_RECEIVED.findall(log.read_text())) for _, log in workers)
    return {
        "workers": count,
        "seconds": round(seconds, 2),
        "emails": len(server.messages),
        "reminders": sum(reminded.values()),
        "emails_per_s": round(len(server.messages) / seconds, 1),
        "duplicates": sum(n - 1 for n in reminded.values() if n > 1),
        "duplicated_followups": sum(1 for n in reminded.values() if n > 1),
        "missed": len(owed - set(reminded)),
        # The send_owed tasks the workers ran (the beat run queues one per
        # batch of owed candidates, up to REMINDER_SEND_TASKS).
        "senders": senders,
    }


def measure(followups, counts, *, logs):
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from tests.reminders.smtp_server import SMTPServer

    broker = os.environ["BENCH_BROKER"]
    build(followups)
    now = timezone.now()
    rows = []
    with SMTPServer(delay=RELAY_DELAY) as server:
        env = {
            **os.environ,
            "REDIS_URL": broker,
            "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
            # The same key as this process, so the links they sign are read here.
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "off",
        }
        for n, count in enumerate(counts):
            if n:
                owed_again(now)
            rows.append(one_run(count, now=now, server=server, broker=broker, env=env, logs=logs))
            print(
                f"   {count} worker(s): {rows[-1]['emails']} emails in {rows[-1]['seconds']} s",
                flush=True,
            )
    return rows


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out, followups, counts = Path(argv[0]), int(argv[1]), [int(n) for n in argv[2:]]
    logs = out.parent / f"{out.stem}-logs"
    logs.mkdir(exist_ok=True)
    rows = measure(followups, counts, logs=logs)
    out.write_text(json.dumps({"followups": followups, "rows": rows}, indent=2) + "\n")
    with contextlib.suppress(OSError):
        for log in logs.iterdir():
            log.unlink()
        logs.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
