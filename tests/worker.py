"""A real `celery worker` subprocess for tests: its own Redis database and queue,
pointed at this test run's database, writing its emails to files."""

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import service_unavailable


def _test_database_url():
    """The URL another process opens to reach this test run's database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            service_unavailable("a worker process cannot open an in-memory SQLite database")
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _own_redis_db(url, number=5):
    return urlsplit(url)._replace(path=f"/{number}").geturl()


@pytest.fixture
def celery_worker_process(redis_url, tmp_path):
    """A real `celery worker` subprocess on its own queue, sending mail to files."""
    database_url = _test_database_url()
    broker = _own_redis_db(redis_url)
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": broker,
        "EMAIL_URL": f"file://{mail_dir}",
        # The same key as this process, so links it signs open here.
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "off",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "followup_site", "worker"]
        + ["--pool", "solo", "--queues", queue, "--hostname", f"{queue}@%h"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield {"broker": broker, "queue": queue, "mail_dir": mail_dir, "process": worker}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


def wait_until(check, *, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        if worker.poll() is not None:
            return False
        time.sleep(0.2)
    return False
