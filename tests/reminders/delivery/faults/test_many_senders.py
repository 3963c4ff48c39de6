"""Two beats and four workers over a compressed stretch of sweeps: each reminder once.

Running two beats is a mistake operators make (a second deploy, a forgotten
container); workers come in fours. With a sweep every second and reminders
coming due all through the run, every sweep races the others for the same
rows, and the messages the SMTP server received show whether any reminder
went twice or not at all.
"""

from datetime import UTC, datetime, timedelta

import pytest

from reminders.models import FollowUp, Sweep
from tests.reminders.smtp_server import SMTPServer

from .conftest import daytime_zone, owed, reminded, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CANDIDATES = 60
PER_CANDIDATE = 3
STRETCH = 15  # seconds over which the reminders come due


def test_two_beats_and_four_workers_send_every_reminder_exactly_once(redis_server, processes):
    zone = daytime_zone()
    with SMTPServer() as server:
        env = processes.env(
            smtp_port=server.port, broker=redis_server.url, REMINDER_SWEEP_SECONDS=1
        )
        workers = [processes.worker(f"worker{n}", env) for n in range(4)]
        beats = [processes.beat(f"beat{n}", env) for n in range(2)]
        # The stretch starts once all six are up, so every reminder comes
        # due while they race.
        assert processes.wait_ready(seconds=120), processes.logs()
        start = datetime.now(UTC) + timedelta(seconds=3)
        items = owed(
            candidates=CANDIDATES,
            per_candidate=PER_CANDIDATE,
            remind_at=lambda n: start + timedelta(seconds=STRETCH * n / CANDIDATES),
            zone=zone,
        )
        pks = {item.pk for item in items}
        assert wait_for(lambda: set(reminded(server)) >= pks, seconds=90), processes.logs()
        # Two more seconds of sweeps from both beats: nothing goes again.
        last = Sweep.objects.filter(finished_at__isnull=False).latest().finished_at
        assert wait_for(
            lambda: Sweep.objects.filter(started_at__gt=last + timedelta(seconds=2)).exists(),
            seconds=30,
        ), processes.logs()
        counts = reminded(server)

    assert all(p.poll() is None for p in workers + beats), processes.logs()
    assert set(counts) == pks, "nothing missing"
    assert set(counts.values()) == {1}, f"sent twice: {counts.most_common(3)}"
    # A candidate's reminders are claimed together, so one email carries them all.
    assert len(server.messages) == CANDIDATES
    assert not FollowUp.objects.filter(remind_at__isnull=False).exists()
    sweeps = Sweep.objects.filter(finished_at__isnull=False)
    print(
        f"{len(pks)} reminders due over {STRETCH} s to {CANDIDATES} candidates: "
        f"{len(server.messages)} emails, {sweeps.count()} sweeps finished, "
        f"{sweeps.filter(reminders_sent__gt=0).count()} of them sent something"
    )
