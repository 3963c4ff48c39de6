"""Health answers for monitors and container orchestrators.

/livez says the web process answers (no database, no broker): a container
health check that restarts the web server must not restart it because
PostgreSQL is down. /healthz says whether reminders are actually going out.
The most common failure of a reminder app is a scheduler nobody started, so a
sweep that has not finished recently makes /healthz fail.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from reminders.models import SendFailure, Sweep

logger = logging.getLogger(__name__)

# Beat sweeps every minute by default; five quiet minutes means it stopped.
# A longer configured interval stretches the allowance with it.
STALE_AFTER = max(timedelta(minutes=5), timedelta(seconds=3 * settings.REMINDER_SWEEP_SECONDS))
# A monitor polls /healthz; it must answer fast even when the broker hangs.
BROKER_TIMEOUT = 2


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health check: database unreachable", exc_info=True)
        return False


def _broker_ok():
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        # The filesystem transport has nothing to connect to: it works when
        # its folders exist.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folders = [options.get("data_folder_in"), options.get("data_folder_out")]
        return all(folder and Path(folder).is_dir() for folder in folders)
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT
            )
        return True
    except Exception:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return False


def _broker_transport():
    return settings.CELERY_BROKER_URL.split("://", 1)[0]


def _sweep_report(now):
    last = Sweep.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    report = {
        "ok": False,
        "last_finished_at": None,
        "age_seconds": None,
        "stale_after_seconds": int(STALE_AFTER.total_seconds()),
    }
    if last is not None:
        age = now - last.finished_at
        report.update(
            ok=age <= STALE_AFTER,
            last_finished_at=last.finished_at.isoformat(),
            age_seconds=int(age.total_seconds()),
        )
    return report


def _failure_report(now):
    failures = SendFailure.objects.all()
    return {
        "last_24h": failures.filter(occurred_at__gte=now - timedelta(hours=24)).count(),
        "total": failures.count(),
    }


@login_not_required
@never_cache
@require_GET
def livez(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    now = timezone.now()
    database = _database_ok()
    broker = _broker_ok()
    body = {
        "database": {"ok": database},
        "broker": {"ok": broker, "transport": _broker_transport()},
        "sweep": None,
        "send_failures": None,
    }
    if database:
        body["sweep"] = _sweep_report(now)
        body["send_failures"] = _failure_report(now)
    healthy = database and broker and body["sweep"]["ok"]
    body = {"status": "ok" if healthy else "failing", **body}
    return JsonResponse(body, status=200 if healthy else 503)
