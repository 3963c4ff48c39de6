"""Shared fixtures: personas (an owner and a stranger who must see nothing of theirs)."""

import os
import tempfile
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# In CI a missing PostgreSQL or Redis is a failure, never a skip.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false")

# Property tests: few examples, no deadline (a shared machine's pauses are not
# failures), and in CI the same examples every run, so a failure reproduces.
# Examples run inside the test's transaction and must not lean on each other.
_IN_CI = REQUIRE_SERVICES or bool(os.environ.get("CI"))
hypothesis_settings.register_profile(
    "site",
    max_examples=30,
    deadline=None,
    derandomize=_IN_CI,
    database=None if _IN_CI else hypothesis_settings.default.database,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
hypothesis_settings.load_profile("site")


def service_unavailable(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # SQLite's in-memory test database is shared between threads through a
    # shared cache, whose table locks fail at once ("database table is
    # locked") instead of waiting, and another process cannot open it at all.
    # A file (removed after the run) behaves like the SQLite the product
    # runs on: WAL, a busy timeout, visible to a Celery worker subprocess.
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(tempfile.gettempdir()) / f"followup-test-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production serves hashed files from collectstatic's manifest; tests
    # render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The test client speaks plain http; production redirects it to https.
    settings.SECURE_SSL_REDIRECT = False
    # A fresh cache per test: rate limits and cached cards must not leak
    # between tests, nor between runs through a shared Redis.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def owner(db):
    return factories.candidate(email="owner@example.com", full_name="Sam Okafor")


@pytest.fixture
def stranger(db):
    return factories.candidate(email="stranger@example.com", full_name="Other Person")


def _client_for(candidate):
    client = Client()
    client.force_login(candidate.user)
    return client


@pytest.fixture
def owner_client(owner):
    return _client_for(owner)


@pytest.fixture
def stranger_client(stranger):
    return _client_for(stranger)


@pytest.fixture
def redis_url():
    """A reachable Redis: REDIS_URL, or the local default."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_unavailable(f"Redis at {url}: {exc}")
    return url


@pytest.fixture
def user_model():
    return get_user_model()


from tests.worker import celery_worker_process  # noqa: E402,F401  (a shared fixture)
