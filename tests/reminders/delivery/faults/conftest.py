"""What the fault tests share: throwaway Redis and SMTP servers, real processes, counting.

Every service a fault test breaks is its own: a redis-server on a free port
that the test kills and starts again, an SMTP server in the test process, a
database connection of the test's own. The machine's shared PostgreSQL and
Redis are never touched.
"""

import email
import email.policy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
import redis
from django.conf import settings as django_settings
from django.core import signing

from tests.conftest import service_unavailable
from tests.reminders.followup_factory import due_followups, quick_candidate
from tests.worker import _test_database_url


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, with no persistence, that can die and come back."""

    def __init__(self, log_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=self.log_path.open("a"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        assert wait_for(lambda: _pings(client), seconds=10), "redis-server did not start"

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None


def _pings(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        service_unavailable("no redis-server to start a broker of the test's own")
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.kill()


def wait_for(check, *, seconds, every=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return bool(check())


class Processes:
    """Real worker, beat and sweep processes on this test run's database; all stopped after."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.started = []

    def env(self, *, smtp_port, broker="", **extra):
        return {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": broker,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=5",
            # The same key as this process, so the links it signs read here.
            "SECRET_KEY": django_settings.SECRET_KEY,
            "DEBUG": "off",
            **{key: str(value) for key, value in extra.items()},
        }

    def start(self, name, argv, env):
        log = self.tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, *argv],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
        )
        process.log = log
        self.started.append(process)
        return process

    def worker(self, name, env):
        return self.start(
            name,
            ["-m", "celery", "-A", "followup_site", "worker", "--pool", "solo"]
            + ["--hostname", f"{name}@%h", "--without-gossip", "--without-mingle"]
            + ["-l", "INFO"],
            env,
        )

    def beat(self, name, env):
        schedule = self.tmp_path / f"{name}-schedule"
        return self.start(
            name,
            ["-m", "celery", "-A", "followup_site", "beat", "-s", str(schedule)]
            + ["--max-interval", "1", "-l", "INFO"],
            env,
        )

    def send_reminders(self, name, env):
        return self.start(name, ["manage.py", "send_reminders"], env)

    def wait_ready(self, *, seconds):
        """Wait until every worker is consuming and every beat is scheduling."""
        signs = {"worker": " ready.", "beat": "beat: Starting..."}

        def ready():
            return all(
                any(sign in p.log.read_text() for sign in signs.values()) for p in self.started
            )

        return wait_for(ready, seconds=seconds, every=0.5)

    def logs(self, limit=3000):
        return "\n".join(
            f"--- {p.log.name} ---\n{p.log.read_text()[-limit:]}" for p in self.started
        )

    def stop(self):
        for process in self.started:
            if process.poll() is None:
                process.terminate()
        # What they do once the test is over does not matter, and a warm
        # shutdown on a busy machine takes many seconds: a short grace, then kill.
        deadline = time.monotonic() + 3
        for process in self.started:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path):
    group = Processes(tmp_path)
    try:
        yield group
    finally:
        group.stop()


def smtp_mailer(port, *, timeout=5):
    """MAILERS for an SMTP server on `port`, built the way settings read EMAIL_URL."""
    from followup_site.settings import mailer_from_url

    return {"default": mailer_from_url(f"smtp://127.0.0.1:{port}?timeout={timeout}")}


def ids_in_raw(raw):
    """The follow-ups a reminder carries, read from the plain text its server received."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return [signing.loads(token, salt="reminders.links.done")["f"] for token in _done_tokens(text)]


def _done_tokens(text):
    return re.findall(r"/r/([^/\s]+)/done/", text)


def reminded(server):
    """How many reminder emails named each follow-up, from what the server received."""
    return Counter(pk for raw in list(server.messages) for pk in ids_in_raw(raw))


def daytime_zone(moment=None):
    """A fixed-offset zone where `moment` (default now) falls around midday.

    Processes run on the wall clock, so the candidates live where the test
    runs in daytime, whatever the hour in UTC: quiet hours never hold them.
    """
    moment = moment or datetime.now(UTC)
    offset = 12 - moment.hour
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def owed(*, candidates, per_candidate, remind_at, zone, prefix="c"):
    """`candidates` candidates in `zone`, each owed `per_candidate` reminders.

    remind_at is one time or a function of the candidate's number, so
    reminders can come due over a stretch of time.
    """
    items = []
    for n in range(candidates):
        at = remind_at(n) if callable(remind_at) else remind_at
        candidate = quick_candidate(email=f"{prefix}{n}@example.com", time_zone=zone)
        items += due_followups(candidate=candidate, count=per_candidate, remind_at=at)
    return items


HEALTHZ_TOKEN = "fault-tests-healthz-token"


@pytest.fixture
def health_detail(client, settings, redis_url):
    """GET /healthz with the operator's token: the detailed answer."""
    settings.HEALTHZ_TOKEN = HEALTHZ_TOKEN
    settings.CELERY_BROKER_URL = redis_url

    def get():
        response = client.get("/healthz", headers={"Authorization": f"Bearer {HEALTHZ_TOKEN}"})
        return response.status_code, response.json()

    return get


@pytest.fixture
def admin_client(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_superuser(
        username="operator", email="operator@example.com", password="not-used-here"
    )
    client = Client()
    client.force_login(user)
    return client
