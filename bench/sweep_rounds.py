"""One size of the sweep benchmark, in a process of its own (bench/sweep.py starts it).

    .venv/bin/python bench/sweep_rounds.py OUT.json SIZE ROUNDS [--profile]

DATABASE_URL names a migrated database of its own, empty. `manage.py
bench_data --sweep-followups SIZE` fills it in another process, so that the
peak memory read here is the sweep's and not the build's. Then, ROUNDS times:
the floor (reads the owed rows, renders and "sends" each candidate's email,
changes nothing), then the full sweep, then one UPDATE that makes every row
owe its reminder again. Mail goes to bench/mail_sink.py: each message is
serialised to bytes and dropped.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import time
from itertools import groupby
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import PROJECT_DIR  # noqa: E402

PROFILE_LINES = 25
# The claim and its release, told apart by the claim's value (None: released).
RELEASE = 'UPDATE "reminders_followup" SET "claim" = %s, "claimed_at" = %s'


def memory_kb(field):
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_peak_reset():
    # Writing 5 to clear_refs sets VmHWM back to the current RSS (Linux 4.0+).
    Path("/proc/self/clear_refs").write_text("5")


class QueryCount:
    """Counts statements by what they do, without keeping them (100,000 rows' worth)."""

    def __init__(self):
        self.total = self.marks = self.releases = 0

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        if sql.startswith('UPDATE "reminders_followup" SET "remind_at" = CASE'):
            self.marks += 1  # one per email, right after the server accepted it
        elif sql.startswith(RELEASE) and params[0] is None:
            self.releases += 1  # one per batch: what is left of its claim is given back
        return execute(sql, params, many, context)


def floor(now):
    """The bare loop: the owed rows in the sweep's order, each candidate's email
    rendered and handed to the same backend. No claim, no mark."""
    from django.core import mail

    from reminders.delivery import emails
    from reminders.models import FollowUp

    rows = (
        FollowUp.objects.filter(remind_at__lte=now, status__in=FollowUp.PENDING)
        .select_related("candidate__user", "application", "interview", "contact")
        .order_by("candidate_id", "remind_at", "id")
    )
    backend = mail.mailers.default
    sent = 0
    for _, group in groupby(rows.iterator(chunk_size=2000), lambda f: f.candidate_id):
        followups = list(group)
        candidate = followups[0].candidate
        to = candidate.user.email
        message = emails.reminder(to=to, candidate=candidate, followups=followups)
        sent += backend.send_messages([message])
    backend.close()
    return sent


def sweep(now):
    from reminders.delivery.sweep import reminders_sweep

    return reminders_sweep(now=now)


def owed_again(now):
    """Every row owes its reminder again, as it did when built: one UPDATE."""
    from django.db import connection
    from django.db.models import F

    from reminders.models import FollowUp, Sweep

    FollowUp.objects.update(
        remind_at=F("opens_at"), reminded_at=None, claim=None, claimed_at=None, send_attempts=0
    )
    Sweep.objects.all().delete()
    # A round rewrites every row twice (claim, mark); autovacuum would keep up
    # on a live site, here it is done at once so no round reads the last one's dead rows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_followup")


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def build(size):
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "bench_data", f"--sweep-followups={size}"],
        cwd=PROJECT_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def profiled(now):
    profile = cProfile.Profile()
    profile.enable()
    sweep(now)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(PROFILE_LINES)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return [line.rstrip() for line in lines[start:] if line.strip()]


def measure(size, rounds, *, profile):
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from bench.mail_sink import EmailBackend
    from interviews.models import Candidate
    from reminders.models import FollowUp

    built_s = build(size)
    settings.MAILERS = {"default": {"BACKEND": "bench.mail_sink.EmailBackend"}}
    # The sweep is "as of" one moment: the zones the build chose are in daytime then.
    now = timezone.now()
    candidates = Candidate.objects.count()
    floors, sweeps, memory, queries = [], [], None, None
    for n in range(rounds):
        if n:
            owed_again(now)
        floor_s, floor_emails = timed(floor, now)
        floors.append(floor_s)
        mailed = EmailBackend.sent
        count = QueryCount()
        if memory is None:
            rss_before = memory_kb("VmRSS")
            memory_peak_reset()
        with connection.execute_wrapper(count):
            sweep_s, result = timed(sweep, now)
        if memory is None:
            memory = {"rss_before_mb": rss_before / 1024, "peak_mb": memory_kb("VmHWM") / 1024}
            memory["growth_mb"] = memory["peak_mb"] - memory["rss_before_mb"]
        sweeps.append(sweep_s)
        if result.reminders_sent != size or EmailBackend.sent - mailed != floor_emails:
            raise SystemExit(
                f"the sweep sent {result.reminders_sent} of {size} reminders in "
                f"{EmailBackend.sent - mailed} emails; the floor sent {floor_emails}"
            )
        if FollowUp.objects.filter(remind_at__isnull=False).exists():
            raise SystemExit("a follow-up still owes a reminder after the sweep")
        queries = {"total": count.total, "marks": count.marks, "batches": count.releases}
    emails = result.emails_sent
    row = {
        "followups": size,
        "candidates": candidates,
        "emails": emails,
        "rounds": rounds,
        "built_s": round(built_s, 1),
        "sweep_s": round(statistics.median(sweeps), 3),
        "floor_s": round(statistics.median(floors), 3),
        "sweep_rounds_s": [round(s, 3) for s in sweeps],
        "floor_rounds_s": [round(s, 3) for s in floors],
        "queries": queries["total"],
        "queries_per_reminder": round(queries["total"] / size, 3),
        "marks_per_email": round(queries["marks"] / emails, 3),
        "batches": queries["batches"],
        "queries_per_batch_besides_marks": round(
            (queries["total"] - queries["marks"]) / max(queries["batches"], 1), 1
        ),
        "bytes_per_email": round(EmailBackend.sent_bytes / EmailBackend.sent),
        **{key: round(value, 1) for key, value in memory.items()},
    }
    if profile:
        owed_again(now)
        row["profile"] = profiled(now)
    return row


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out, size, rounds = Path(argv[0]), int(argv[1]), int(argv[2])
    row = measure(size, rounds, profile="--profile" in argv)
    out.write_text(json.dumps(row, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
