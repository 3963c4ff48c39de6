"""The digest's once-a-day guarantee across real processes and a real SMTP server.

Each sweep here is `manage.py send_reminders`, the command cron users run
and the code beat runs, in a process of its own on this run's database.
The messages are counted where they arrive: a local SMTP server of the
test's own, not an in-memory outbox.
"""

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model

from interviews.models import Application, Candidate
from reminders.delivery.sweep import reminders_sweep
from reminders.models import Digest, FollowUp
from tests.reminders.smtp_server import SMTPServer
from tests.worker import _test_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

UTC = ZoneInfo("UTC")
# 08:00 on Thursday 3 December 2026 in Berlin, as beat passes it.
MORNING = datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)

CANDIDATES = 1000
PROCESSES = 4


def digest_candidates(count):
    """`count` digest-mode candidates, each with one overdue follow-up, in bulk."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"d{n}@example.com", email=f"d{n}@example.com")
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    candidates = Candidate.objects.bulk_create(
        Candidate(
            user=user,
            full_name=f"Candidate {n}",
            time_zone="Europe/Berlin",
            reminder_mode=Candidate.ReminderMode.DIGEST,
        )
        for n, user in enumerate(users)
    )
    applications = Application.objects.bulk_create(
        Application(candidate=candidate, company=f"Company {n}", role="Analyst")
        for n, candidate in enumerate(candidates)
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            candidate=application.candidate,
            application=application,
            kind=FollowUp.Kind.CHECK_IN,
            sequence=1,
            channel=FollowUp.Channel.EMAIL,
            status=FollowUp.Status.OPEN,
            opens_at=MORNING - timedelta(days=3),
            due_at=MORNING - timedelta(days=1),
            draft="Hello,\nI wanted to ask where the decision stands.",
        )
        for application in applications
    )
    return candidates


def sweep_command(smtp_port):
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "off",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders", "--as-of", MORNING.isoformat()],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def recipients(server):
    return Counter(
        re.search(rb"^To: (\S+)", message, re.MULTILINE).group(1).decode()
        for message in server.messages
    )


def test_four_processes_at_once_send_exactly_one_digest_per_candidate():
    candidates = digest_candidates(CANDIDATES)

    with SMTPServer() as server:
        sweeps = [sweep_command(server.port) for _ in range(PROCESSES)]
        outputs = [sweep.communicate(timeout=600)[0] for sweep in sweeps]

    assert [sweep.returncode for sweep in sweeps] == [0] * PROCESSES, outputs
    received = recipients(server)
    assert set(received) == {candidate.user.email for candidate in candidates}
    assert set(received.values()) == {1}, "a candidate got more than one digest"
    assert Digest.objects.filter(state=Digest.State.SENT).count() == CANDIDATES
    won = sorted(int(re.search(r"and (\d+) morning digest", out).group(1)) for out in outputs)
    assert sum(won) == CANDIDATES
    print(f"{CANDIDATES} candidates, {PROCESSES} processes: digests sent per process {won}")


def test_a_sender_killed_after_the_server_accepted_the_digest_never_sends_it_again(settings):
    (candidate,) = digest_candidates(1)
    sender = {}

    def kill_the_sender():
        # The message is accepted; the sender waits for QUIT's answer and has
        # not yet marked the row sent.
        sender["process"].kill()
        sender["process"].wait()

    with SMTPServer(on_quit=kill_the_sender) as server:
        sender["process"] = sweep_command(server.port)
        sender["process"].communicate(timeout=120)
        server.on_quit = None
        # Every sweep for the rest of the day, in this process, on the same server.
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        for minutes in (1, 11, 60, 600):
            r = reminders_sweep(now=MORNING + timedelta(minutes=minutes))
            print("SWEEP", r.digests, list(Digest.objects.values()))

    assert sender["process"].returncode == -9
    assert recipients(server) == Counter({candidate.user.email: 1})
    row = Digest.objects.get()
    assert row.state == Digest.State.SENDING
    assert row.sent_at is None
