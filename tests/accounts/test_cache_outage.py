"""A stopped Redis must not stop anyone signing in."""

import socket
import subprocess
import time

import pytest
import redis
from django.test import Client

from followup_site.cache import redis_cache
from tests import factories

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, never the machine's shared one."""
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield process, client, url
    process.kill()
    process.wait(timeout=10)


def sign_in(password):
    return Client().post("/accounts/login/", {"login": "owner@example.com", "password": password})


def test_sign_in_works_and_is_still_limited_after_redis_stops(settings, own_redis, owner):
    process, client, url = own_redis
    settings.CACHES = {"default": redis_cache(url)}

    assert sign_in("wrong-password").status_code == 200
    # The failure was counted in Redis, as in production.
    assert any(b"login_failed" in key for key in client.keys("*"))

    process.terminate()
    process.wait(timeout=10)

    started = time.monotonic()
    response = sign_in(factories.PASSWORD)
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated
    assert time.monotonic() - started < 5
    # The limits hold in this process's memory meanwhile.
    for _ in range(5):
        assert sign_in("wrong-password").status_code == 200
    refused = sign_in(factories.PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed sign-in attempts" in refused.content.decode()
