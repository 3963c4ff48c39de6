"""Health answers for monitors and container orchestrators.

/livez says the web process answers (no database, no broker): a container
health check that restarts the web server must not restart it because
PostgreSQL is down. /healthz says whether reminders are actually going out.
The most common failure of a reminder app is a scheduler nobody started, so a
sweep that has not finished recently makes /healthz fail; the next most
common is a mail server that refuses everything, so failed sends with no
successful one since fail it too.

Anyone may ask /healthz for ok or failing (200 or 503) and nothing more. The
detail (the broker's kind, sweep times, failure counts) is for the monitor
holding HEALTHZ_TOKEN and for staff signed in to the site.
"""

import hmac
import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
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
# One refused address is not an outage; this many failures in a row is.
FAILURES_IN_A_ROW = 3


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
        "unfinished": None,
    }
    if last is not None:
        age = now - last.finished_at
        report.update(
            ok=age <= STALE_AFTER,
            last_finished_at=last.finished_at.isoformat(),
            age_seconds=int(age.total_seconds()),
        )
    # A sweep killed half way never sets finished_at. It never counts as
    # recent; once it has been running longer than a sweep may, it is shown.
    stuck = Sweep.objects.filter(finished_at__isnull=True, started_at__lt=now - STALE_AFTER)
    if last is not None:
        stuck = stuck.filter(started_at__gt=last.started_at)
    stuck = stuck.order_by("-started_at").first()
    if stuck is not None:
        report["unfinished"] = {
            "started_at": stuck.started_at.isoformat(),
            "age_seconds": int((now - stuck.started_at).total_seconds()),
        }
    return report


def _sending_report(now):
    """Failed sends since the last sweep that sent anything."""
    last_sent = (
        Sweep.objects.filter(finished_at__isnull=False)
        .filter(Q(emails_sent__gt=0) | Q(digests_sent__gt=0))
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    since_sent = SendFailure.objects.all()
    if last_sent is not None:
        since_sent = since_sent.filter(occurred_at__gt=last_sent)
    failures = SendFailure.objects.all()
    figures = since_sent.aggregate(count=Count("id"), first=Min("occurred_at"))
    failing = figures["count"] >= FAILURES_IN_A_ROW
    return {
        "ok": not failing,
        "reason": f"sending failing since {figures['first'].isoformat()}" if failing else None,
        "last_sent_at": last_sent.isoformat() if last_sent else None,
        "failures_since_last_sent": figures["count"],
        "failures_last_24h": failures.filter(occurred_at__gte=now - timedelta(hours=24)).count(),
        "failures_total": failures.count(),
    }


def _may_see_detail(request):
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    # Constant time, so the answer's timing does not spell out the token.
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(offered.strip().encode(), token.encode())
    )


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
        "sending": None,
    }
    if database:
        body["sweep"] = _sweep_report(now)
        body["sending"] = _sending_report(now)
    healthy = database and broker and body["sweep"]["ok"] and body["sending"]["ok"]
    status = 200 if healthy else 503
    if not _may_see_detail(request):
        return JsonResponse({"status": "ok" if healthy else "failing"}, status=status)
    reasons = [
        *([] if database else ["database unreachable"]),
        *([] if broker else ["broker unreachable"]),
        *([] if not database or body["sweep"]["ok"] else ["no recent sweep"]),
        *([] if not database or body["sending"]["ok"] else [body["sending"]["reason"]]),
    ]
    body = {"status": "ok" if healthy else "failing", "reasons": reasons, **body}
    return JsonResponse(body, status=status)
