"""/healthz says whether reminders go out; /livez only that the web process answers."""

import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reminders.models import SendFailure, Sweep

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def live_broker(settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url


@pytest.fixture
def closed_port():
    # Bind and close: nothing listens there for the rest of the test.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sweep_finished(at):
    return Sweep.objects.create(as_of=at, started_at=at, finished_at=at)


def healthz(client):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz")
    return response, response.json()


def test_healthy_when_database_broker_and_a_recent_sweep_are_fine(client, live_broker, owner):
    sweep_finished(NOW - timedelta(minutes=1))
    SendFailure.objects.create(candidate=owner, occurred_at=NOW - timedelta(hours=2), error="x")
    SendFailure.objects.create(candidate=owner, occurred_at=NOW - timedelta(days=3), error="y")

    response, body = healthz(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": True, "transport": "redis"}
    assert body["sweep"]["ok"] is True
    assert body["sweep"]["last_finished_at"] == (NOW - timedelta(minutes=1)).isoformat()
    assert body["sweep"]["age_seconds"] == 60
    assert body["send_failures"] == {"last_24h": 1, "total": 2}


def test_no_login_is_needed_and_no_https_redirect(client, settings, live_broker):
    settings.SECURE_SSL_REDIRECT = True
    sweep_finished(NOW)

    response, _ = healthz(client)
    livez = client.get("/livez")

    assert response.status_code == 200
    assert livez.status_code == 200
    # Any other page would be redirected to https (and then to the login).
    assert client.get("/settings/").status_code == 301


def test_a_stale_sweep_fails_the_check(client, live_broker):
    # The scheduler stopped six minutes ago.
    sweep_finished(NOW - timedelta(minutes=6))

    response, body = healthz(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["sweep"]["ok"] is False
    assert body["sweep"]["age_seconds"] == 360


def test_a_sweep_that_never_finished_does_not_count(client, live_broker):
    # A sweep that crashed half way leaves finished_at empty.
    Sweep.objects.create(as_of=NOW, started_at=NOW)

    response, body = healthz(client)

    assert response.status_code == 503
    assert body["sweep"]["last_finished_at"] is None


def test_a_broker_that_is_down_fails_the_check(client, settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    sweep_finished(NOW)

    response, body = healthz(client)

    assert response.status_code == 503
    assert body["broker"] == {"ok": False, "transport": "redis"}
    assert body["sweep"]["ok"] is True


def test_the_filesystem_broker_is_up_when_its_folders_exist(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
    }
    sweep_finished(NOW)

    assert healthz(client)[0].status_code == 200

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    assert healthz(client)[0].status_code == 503


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_answers_leak_no_secret_address_or_email(client, settings, closed_port, owner):
    settings.SECRET_KEY = "a-distinct-secret-key-for-this-test-0123456789"
    settings.CELERY_BROKER_URL = f"redis://:broker-s3cret@127.0.0.1:{closed_port}/0"
    SendFailure.objects.create(candidate=owner, occurred_at=NOW, error="SMTP said no to x@y.z")
    for url in ("/healthz", "/livez"):
        with time_machine.travel(NOW, tick=False):
            body = client.get(url).content.decode()
        for secret in (
            settings.SECRET_KEY,
            "broker-s3cret",
            "127.0.0.1",
            owner.user.email,
            "x@y.z",
            "SMTP said no",
        ):
            assert secret not in body, f"{url} shows {secret!r}"
