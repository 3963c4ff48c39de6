"""The database connection cut in the middle of a sweep.

The SMTP server's hook, on the third message, terminates the sweep's own
backend from a second connection (pg_terminate_backend, as a failover or an
idle-connection reaper does); the sweep's next query fails. The sweep dies
with a database error, leaves its claims to expire and its Sweep row
unfinished; the next sweep marks that row abandoned, sends what was left
(the message in flight at most twice) and /healthz says what happened in
between. PostgreSQL only: SQLite has no backend to terminate.
"""

import time
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import DatabaseError, connection

from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp, Sweep
from tests.conftest import service_unavailable
from tests.reminders.smtp_server import SMTPServer

from .conftest import daytime_zone, ids_in_raw, owed, reminded, smtp_mailer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CANDIDATES = 6
CUT_AT = 3
EXPIRY = 2


def own_backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid):
    """From a second connection of the test's own: end that one backend, nothing else."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


def test_a_sweep_whose_connection_is_cut_dies_cleanly_and_the_next_one_finishes(
    settings, health_detail
):
    if connection.vendor != "postgresql":
        service_unavailable("terminating the sweep's backend needs PostgreSQL")
    settings.REMINDER_CLAIM_EXPIRY_SECONDS = EXPIRY
    settings.REMINDER_CLAIM_HEARTBEAT_SECONDS = 1
    now = datetime.now(UTC)
    items = owed(candidates=CANDIDATES, per_candidate=2, remind_at=now, zone=daytime_zone())
    pks = {item.pk for item in items}
    cut = {}

    def cut_the_connection(raw):
        if len(server.messages) == CUT_AT and "pid" not in cut:
            cut["pid"] = pid
            cut["in_flight"] = ids_in_raw(raw)
            terminate(pid)

    with SMTPServer(on_message=cut_the_connection) as server:
        settings.MAILERS = smtp_mailer(server.port)
        pid = own_backend_pid()
        with pytest.raises(DatabaseError):
            reminders_sweep(now=now)
        assert cut["pid"] == pid
        # Django reconnects on the next query once the dead connection is closed.
        connection.close()
        assert own_backend_pid() != pid

        (dead,) = Sweep.objects.all()
        assert dead.finished_at is None
        unsent = FollowUp.objects.filter(remind_at__isnull=False)
        assert set(cut["in_flight"]) <= set(unsent.values_list("pk", flat=True))
        status, body = health_detail()
        assert status == 503, body
        assert body["sweep"]["ok"] is False

        # Released or expired: a sweep after the expiry finds every claim free.
        time.sleep(EXPIRY + 0.5)
        result = reminders_sweep(now=now)
        counts = reminded(server)

    dead.refresh_from_db()
    assert dead.finished_at is None and dead.abandoned, "marked abandoned by the next sweep"
    assert Sweep.objects.filter(finished_at__isnull=False).count() == 1
    assert result.reminders_sent == len(pks) - 2 * (CUT_AT - 1)
    assert set(counts) == pks, "nothing lost"
    doubled = {pk for pk, n in counts.items() if n > 1}
    assert doubled <= set(cut["in_flight"]), "only the message in flight goes twice"
    assert not FollowUp.objects.filter(remind_at__isnull=False).exists()
    assert not FollowUp.objects.filter(claimed_at__isnull=False).exists()
    status, body = health_detail()
    assert status == 200, body
    assert body["sweep"]["ok"] is True
