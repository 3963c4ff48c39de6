"""/healthz says whether reminders go out; /livez only that the web process answers.

Anyone gets ok or failing; the monitor's token or a staff login gets the detail.
"""

import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reminders.models import SendFailure, Sweep

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("UTC"))
TOKEN = "monitor-token-for-the-health-tests-0123456789"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


@pytest.fixture
def live_broker(settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url


@pytest.fixture
def closed_port():
    # Bind and close: nothing listens there for the rest of the test.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sweep_finished(at, **counts):
    return Sweep.objects.create(as_of=at, started_at=at, finished_at=at, **counts)


def healthz(client, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz", headers=headers)
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
    assert body["sending"]["failures_last_24h"] == 1
    assert body["sending"]["failures_total"] == 2
    assert body["reasons"] == []


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


def test_without_the_token_anyone_gets_ok_or_failing_and_nothing_else(client, live_broker, owner):
    sweep_finished(NOW)
    SendFailure.objects.create(candidate=owner, occurred_at=NOW, error="x")

    for token in (None, "a-wrong-token", TOKEN[:-1]):
        response, body = healthz(client, token=token)
        assert response.status_code == 200
        assert body == {"status": "ok"}

    sweep_finished(NOW - timedelta(hours=1))
    Sweep.objects.filter(finished_at=NOW).delete()
    response, body = healthz(client, token=None)
    assert response.status_code == 503
    assert body == {"status": "failing"}


def test_no_token_configured_means_no_detail_for_any_bearer(client, settings, live_broker):
    settings.HEALTHZ_TOKEN = ""
    sweep_finished(NOW)
    assert healthz(client, token="")[1] == {"status": "ok"}
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz", headers={"Authorization": "Bearer "})
    assert response.json() == {"status": "ok"}


def test_staff_signed_in_see_the_detail(client, live_broker, owner):
    sweep_finished(NOW)
    user = owner.user
    user.is_staff = True
    user.save()
    client.force_login(user)

    response, body = healthz(client, token=None)

    assert body["status"] == "ok"
    assert body["broker"]["transport"] == "redis"


def test_failed_sends_with_none_sent_since_turn_it_red(client, live_broker, owner):
    # The mail server went down at 11:00: every send since has failed.
    sweep_finished(NOW - timedelta(hours=2), emails_sent=3)
    first = NOW - timedelta(hours=1)
    for n in range(40):
        SendFailure.objects.create(
            candidate=owner, occurred_at=first + timedelta(minutes=n), error="refused"
        )
    sweep_finished(NOW - timedelta(minutes=1), failures=1)

    response, body = healthz(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["reasons"] == [f"sending failing since {first.isoformat()}"]
    assert body["sending"]["failures_since_last_sent"] == 40
    assert body["sending"]["last_sent_at"] == (NOW - timedelta(hours=2)).isoformat()
    assert healthz(client, token=None)[1] == {"status": "failing"}


def test_a_successful_send_after_the_failures_turns_it_green(client, live_broker, owner):
    for n in range(5):
        SendFailure.objects.create(
            candidate=owner, occurred_at=NOW - timedelta(minutes=30 - n), error="refused"
        )
    sweep_finished(NOW - timedelta(minutes=1), emails_sent=1)

    response, body = healthz(client)

    assert response.status_code == 200
    assert body["sending"]["failures_since_last_sent"] == 0


def test_one_refused_address_is_not_an_outage(client, live_broker, owner):
    sweep_finished(NOW - timedelta(hours=1), emails_sent=2)
    SendFailure.objects.create(candidate=owner, occurred_at=NOW - timedelta(minutes=5), error="x")
    sweep_finished(NOW - timedelta(minutes=1))

    assert healthz(client)[0].status_code == 200


def test_a_sweep_killed_half_way_is_shown_unfinished_and_not_as_recent(client, live_broker):
    sweep_finished(NOW - timedelta(minutes=20))
    killed = NOW - timedelta(minutes=10)
    Sweep.objects.create(as_of=killed, started_at=killed)

    response, body = healthz(client)

    assert response.status_code == 503
    assert body["sweep"]["unfinished"] == {"started_at": killed.isoformat(), "age_seconds": 600}
    assert body["reasons"] == ["no recent sweep"]


def test_a_sweep_still_running_is_not_called_unfinished(client, live_broker):
    sweep_finished(NOW - timedelta(minutes=2))
    Sweep.objects.create(as_of=NOW, started_at=NOW - timedelta(seconds=30))

    response, body = healthz(client)

    assert response.status_code == 200
    assert body["sweep"]["unfinished"] is None
