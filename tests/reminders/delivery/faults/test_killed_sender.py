"""A sender SIGKILLed in the middle of a batch, then started again.

`manage.py send_reminders` (the code beat's tasks run) sends to a slowed SMTP
server and is killed the moment its 30th message has arrived, before the
server answers: the message is in the mailbox and the sender never marked
it, the worst moment to die. Its claims outlive it until they expire
(REMINDER_CLAIM_EXPIRY_SECONDS, short here); a sender started at once sends
what nobody claimed and leaves the dead sender's claims alone; once they
expire the rest goes. The bound: at most the one message in flight twice.
"""

import signal
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from reminders.models import FollowUp
from tests.reminders.smtp_server import SMTPServer

from .conftest import daytime_zone, ids_in_raw, owed, reminded, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CANDIDATES = 100
PER_CANDIDATE = 3
BATCH = 25
KILL_AT = 30  # the fifth message of the second batch
EXPIRY = 6
HEARTBEAT = 2
# The expiry, the restarted sender's 70 messages at 0.2 s and a few process
# starts on a busy machine; the expiry this replaced was ten minutes.
COME_BACK_WITHIN = 90


def test_a_sender_killed_mid_batch_loses_nothing_and_doubles_at_most_the_message_in_flight(
    processes,
):
    items = owed(
        candidates=CANDIDATES,
        per_candidate=PER_CANDIDATE,
        remind_at=datetime.now(UTC),
        zone=daytime_zone(),
    )
    pks = {item.pk for item in items}
    killed = {}

    def kill_the_sender(raw):
        if len(server.messages) == KILL_AT and "at" not in killed:
            killed["process"].send_signal(signal.SIGKILL)
            killed["process"].wait()
            killed["at"] = time.monotonic()
            killed["in_flight"] = ids_in_raw(raw)

    with SMTPServer(delay=0.2, on_message=kill_the_sender) as server:
        env = processes.env(
            smtp_port=server.port,
            REMINDER_SEND_BATCH=BATCH,
            REMINDER_CLAIM_EXPIRY_SECONDS=EXPIRY,
            REMINDER_CLAIM_HEARTBEAT_SECONDS=HEARTBEAT,
        )
        killed["process"] = processes.send_reminders("sender", env)
        assert wait_for(lambda: "at" in killed, seconds=120), processes.logs()
        assert killed["process"].returncode == -signal.SIGKILL

        # The dead sender's claims: the rest of its batch, the message in flight among them.
        dead_claims = set(
            FollowUp.objects.filter(claimed_at__isnull=False, remind_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
        assert set(killed["in_flight"]) <= dead_claims
        assert len(dead_claims) > len(killed["in_flight"]), "the kill landed mid-batch"

        # Started again at once, as a supervisor restarts it.
        restarted = processes.send_reminders("restarted", env)
        restarted.wait(timeout=120)
        assert restarted.returncode == 0, processes.logs()
        if time.monotonic() - killed["at"] < EXPIRY - 1:
            # While the claims live nobody else sends them.
            still = FollowUp.objects.filter(pk__in=dead_claims, remind_at__isnull=False)
            assert still.count() == len(dead_claims), "a live claim was taken over"

        # Once they expire the next run sends them.
        def all_sent():
            run = processes.send_reminders("after-expiry", env)
            run.wait(timeout=120)
            return set(reminded(server)) >= pks

        assert wait_for(all_sent, seconds=COME_BACK_WITHIN, every=1), processes.logs()
        back_after = time.monotonic() - killed["at"]
        counts = reminded(server)

    assert set(counts) == pks, "nothing lost"
    doubled = {pk for pk, n in counts.items() if n > 1}
    assert set(counts.values()) <= {1, 2}
    assert doubled <= set(killed["in_flight"]), "only the message in flight goes twice"
    emails = Counter(tuple(sorted(ids_in_raw(raw))) for raw in server.messages)
    assert len(server.messages) <= CANDIDATES + 1
    assert sum(n - 1 for n in emails.values()) <= 1
    assert not FollowUp.objects.filter(remind_at__isnull=False).exists()
    assert back_after < COME_BACK_WITHIN, "back after the short expiry, not ten minutes"
    print(
        f"killed at message {KILL_AT} of {CANDIDATES}; {len(dead_claims)} reminders held by "
        f"its claims, all sent {back_after:.1f} s after the kill; "
        f"{len(server.messages)} emails, {len(doubled)} reminders sent twice"
    )
