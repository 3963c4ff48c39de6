"""The broker dies and comes back: worker and beat recover by themselves, nothing is lost.

A real celery worker and a real celery beat run against a redis-server of
the test's own, which is killed for a while (SIGKILL, no persistence, so
whatever was queued is gone) and started again on the same port. Reminders
owed meanwhile live in the database, so the first sweeps after the broker
returns send them, once each.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest

from reminders.models import FollowUp, Sweep
from tests.reminders.smtp_server import SMTPServer

from .conftest import daytime_zone, owed, reminded, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DOWN_FOR = 8  # seconds the broker stays dead


def all_sent(server, items):
    return set(reminded(server)) >= {item.pk for item in items}


def test_worker_and_beat_recover_from_a_dead_broker_and_send_each_reminder_once(
    redis_server, processes
):
    zone = daytime_zone()
    now = datetime.now(UTC)
    before = owed(candidates=5, per_candidate=2, remind_at=now, zone=zone, prefix="a")

    with SMTPServer() as server:
        env = processes.env(
            smtp_port=server.port, broker=redis_server.url, REMINDER_SWEEP_SECONDS=1
        )
        worker = processes.worker("worker", env)
        beat = processes.beat("beat", env)
        assert wait_for(lambda: all_sent(server, before), seconds=60), processes.logs()

        # Owed while the broker is dead: due a moment after it dies.
        down_at = datetime.now(UTC)
        during = owed(
            candidates=5,
            per_candidate=2,
            remind_at=lambda n: down_at + timedelta(seconds=1 + n),
            zone=zone,
            prefix="b",
        )
        redis_server.kill()
        time.sleep(DOWN_FOR)
        sent_while_down = len(server.messages)
        redis_server.start()
        back_at = datetime.now(UTC)
        after = owed(candidates=5, per_candidate=2, remind_at=back_at, zone=zone, prefix="c")

        everything = before + during + after
        assert wait_for(lambda: all_sent(server, everything), seconds=60), processes.logs()
        # A few more sweeps: nothing already sent goes again.
        last = Sweep.objects.filter(finished_at__isnull=False).latest().finished_at
        assert wait_for(
            lambda: Sweep.objects.filter(finished_at__gt=last + timedelta(seconds=2)).exists(),
            seconds=30,
        ), processes.logs()
        counts = reminded(server)

    assert worker.poll() is None and beat.poll() is None, "both kept running on their own"
    assert set(counts) == {item.pk for item in everything}
    assert set(counts.values()) == {1}, f"sent more than once: {counts.most_common(3)}"
    assert len(server.messages) == 15  # one email per candidate
    assert not FollowUp.objects.filter(remind_at__isnull=False).exists()
    # Sweeps ran again once the broker was back, and sent what came due meanwhile.
    assert Sweep.objects.filter(started_at__gt=back_at, reminders_sent__gt=0).exists()
    assert sent_while_down == 5, "the first five candidates' only"
    print(
        f"broker dead {DOWN_FOR} s; {len(everything)} reminders in {len(server.messages)} "
        f"emails, {sent_while_down} of them before it came back"
    )
