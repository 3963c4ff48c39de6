"""Production settings, the image and the compose stack.

Settings are read once per process, so every environment is tried in a
subprocess of its own. The compose file is validated with docker-compose and
each command it runs (gunicorn, the Celery worker, beat, the health check)
is started here the same way.
"""

import json
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from followup_site.settings import mailer_from_url
from tests.conftest import service_unavailable

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

# Every variable the settings read: cleared so the developer's own shell or
# .env cannot leak into an environment under test.
SETTINGS_VARIABLES = [
    *("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL"),
    *("DATABASE_URL", "CONN_MAX_AGE", "REDIS_URL", "EMAIL_URL", "DEFAULT_FROM_EMAIL"),
    *("TIME_ZONE", "REMINDER_SWEEP_SECONDS", "INSECURE_LOCAL_HTTP", "SECURE_HSTS_SECONDS"),
    *("SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "VAR_DIR"),
    *("LOG_LEVEL", "STATIC_ROOT", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"),
    *("TRUSTED_PROXY_COUNT", "HEALTHZ_TOKEN"),
]


def production_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="followup_site.settings",
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="followup.example.com",
        EMAIL_URL="smtp://mail.example.com:587",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def settings_values(env, *names):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run(env, "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Production settings --------------------------------------------------------------


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    env = production_env(tmp_path)
    result = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_development_mail_backend_fails_the_deploy_check(tmp_path):
    env = production_env(tmp_path, EMAIL_URL=f"file://{tmp_path}")
    result = run(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


@pytest.mark.parametrize(
    "key, reason",
    [
        ("local-compose-only-insecure-key-set-SECRET_KEY-in-dot-env", "published with"),
        ("test-only-not-a-secret", "22 characters long"),
        ("short-but-random-Zq8", "20 characters long"),
        ("ab" * 40, "fewer than 5 different characters"),
    ],
)
def test_a_known_short_or_plain_secret_key_fails_the_deploy_check(tmp_path, key, reason):
    result = run(production_env(tmp_path, SECRET_KEY=key), "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "followup_site.E001" in result.stderr
    assert reason in result.stderr


def test_a_secret_key_copied_from_the_docs_fails_the_deploy_check(tmp_path):
    from followup_site.checks import secret_key_problem

    example = "An example key: " + "Ex4mple-" * 8
    (tmp_path / "README.md").write_text(example)
    assert "written in the repository (README.md)" in secret_key_problem("Ex4mple-" * 8, tmp_path)
    assert secret_key_problem(secrets.token_urlsafe(50), tmp_path) is None


def test_sign_in_limits_share_redis_and_read_the_proxy_count_from_the_environment(tmp_path):
    env = production_env(tmp_path, REDIS_URL="redis://redis:6379/0", TRUSTED_PROXY_COUNT="1")
    values = settings_values(env, "CACHES", "ALLAUTH_TRUSTED_PROXY_COUNT")
    assert values["CACHES"]["default"]["BACKEND"] == "followup_site.cache.RedisWithFallbackCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://redis:6379/0"
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert settings_values(production_env(tmp_path), "ALLAUTH_TRUSTED_PROXY_COUNT") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 0
    }


def test_our_settings_raise_no_deprecation_warning(tmp_path):
    code = "import django; django.setup(); import followup_site.urls, followup_site.celery"
    result = run(production_env(tmp_path), "-W", "error::DeprecationWarning", "-c", code)
    assert result.returncode == 0, result.stderr


SECURE_FLAGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
)


def test_production_is_https_only(tmp_path):
    values = settings_values(production_env(tmp_path), *SECURE_FLAGS, "SECURE_PROXY_SSL_HEADER")
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_insecure_local_http_turns_off_https_redirects_hsts_and_secure_cookies(tmp_path):
    values = settings_values(production_env(tmp_path, INSECURE_LOCAL_HTTP="on"), *SECURE_FLAGS)
    assert values == dict.fromkeys(SECURE_FLAGS[:3], False) | {"SECURE_HSTS_SECONDS": 0}


def test_importing_production_settings_writes_nothing(tmp_path):
    # A container may run with a read-only filesystem: loading the settings,
    # the apps, the WSGI application and the Celery app must create no file
    # or folder. Every default path hangs off VAR_DIR, here a folder that does
    # not exist inside a read-only one (read-only is not enforced for root,
    # hence the check that nothing appeared).
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    var = readonly / "var"
    env = production_env(
        tmp_path,
        VAR_DIR=str(var),
        # Set explicitly (to what their defaults are) so a developer's .env
        # cannot move them elsewhere; REDIS_URL empty selects the filesystem
        # broker, whose folders settings used to create.
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        STATIC_ROOT=str(var / "staticfiles"),
        REDIS_URL="",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "import followup_site.wsgi, followup_site.celery; "
        "print(json.dumps([str(settings.VAR_DIR), settings.CELERY_BROKER_URL, "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in']]))"
    )
    readonly.chmod(0o555)
    try:
        result = run(env, "-c", code)
    finally:
        readonly.chmod(0o755)
    assert result.returncode == 0, result.stderr
    var_dir, broker, queue = json.loads(result.stdout.strip().splitlines()[-1])
    assert (var_dir, broker) == (str(var), "filesystem://")
    assert queue.startswith(str(var))
    assert list(readonly.iterdir()) == []


def test_make_run_creates_the_folders_the_settings_name(tmp_path):
    var = tmp_path / "var"
    env = production_env(tmp_path, DEBUG="on", VAR_DIR=str(var), REDIS_URL="")
    code = "from followup_site import settings; settings.make_runtime_folders()"
    assert run(env, "-c", code).returncode == 0, "make_runtime_folders failed"
    for folder in ("out", "processed", "control"):
        assert (var / "celery-queue" / folder).is_dir()
    assert "settings.make_runtime_folders()" in (BASE_DIR / "Makefile").read_text()


def hsts_header(env):
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/livez', secure=True, HTTP_HOST='followup.example.com'); "
        "print(r.status_code, r.headers.get('Strict-Transport-Security'))"
    )
    result = run(env, "-c", code)
    assert result.returncode == 0, result.stderr
    status, header = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "200"
    return header


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "max-age=31536000"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "on"}, "max-age=31536000; includeSubDomains"),
        ({"SECURE_HSTS_PRELOAD": "on"}, "max-age=31536000; preload"),
        (
            {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "on", "SECURE_HSTS_PRELOAD": "on"},
            "max-age=31536000; includeSubDomains; preload",
        ),
    ],
)
def test_hsts_subdomains_and_preload_are_opt_in(tmp_path, overrides, expected):
    assert hsts_header(production_env(tmp_path, **overrides)) == expected


def test_only_the_hsts_warnings_not_opted_in_to_are_silenced(tmp_path):
    silenced = "SILENCED_SYSTEM_CHECKS"
    assert settings_values(production_env(tmp_path), silenced)[silenced] == [
        "security.W005",
        "security.W021",
    ]
    env = production_env(tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="on")
    assert settings_values(env, silenced)[silenced] == ["security.W021"]
    env = production_env(tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="on", SECURE_HSTS_PRELOAD="on")
    assert settings_values(env, silenced)[silenced] == []
    # Opted in to both, the deploy check still passes with nothing silenced.
    result = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    # Set but empty, so a SECRET_KEY in a local .env cannot fill it in.
    result = run(production_env(tmp_path, SECRET_KEY=""), "manage.py", "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("INSECURE_LOCAL_HTTP", "perhaps"),
        ("DATABASE_URL", "nonsense://"),
        ("DATABASE_URL", "postgres://db:port/followup"),
        ("EMAIL_URL", "ftp://x"),
        ("EMAIL_URL", "smtp://mail.example.com:99999"),
        ("EMAIL_URL", "smtp://mail.example.com?timeout=soon"),
        ("REMINDER_SWEEP_SECONDS", "abc"),
        ("REMINDER_SWEEP_SECONDS", "0"),
        ("REMINDER_SEND_BATCH", "0"),
        ("REMINDER_SEND_TASKS", "many"),
        ("REMINDER_CLAIM_EXPIRY_SECONDS", "0"),
        ("REMINDER_CLAIM_HEARTBEAT_SECONDS", "120"),
        ("REDIS_URL", "http://x"),
        ("SITE_URL", "followup.example.com"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("LOG_LEVEL", "LOUD"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "sometimes"),
        ("SECURE_HSTS_PRELOAD", "maybe"),
        ("VAR_DIR", ""),
        ("CONN_MAX_AGE", "forever"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("TRUSTED_PROXY_COUNT", "one"),
    ],
)
def test_a_malformed_value_is_rejected_by_name(tmp_path, variable, value):
    overrides = {variable: value}
    if variable == "CONN_MAX_AGE":
        # Read only for PostgreSQL; settings do not connect.
        overrides["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/followup"
    result = run(production_env(tmp_path, **overrides), "manage.py", "check")
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable} is malformed" in result.stderr


def test_starttls_url_maps_to_an_smtp_mailer():
    mailer = mailer_from_url("smtp+tls://user:pa%40ss@mail.example.com:587")
    assert mailer["BACKEND"] == "reminders.delivery.smtp.EmailBackend"
    options = mailer["OPTIONS"]
    assert (options["host"], options["port"]) == ("mail.example.com", 587)
    assert (options["username"], options["password"]) == ("user", "pa@ss")
    assert (options["use_tls"], options["use_ssl"]) == (True, False)


def test_smtps_url_uses_implicit_tls_on_port_465():
    options = mailer_from_url("smtps://mail.example.com")["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_plain_smtp_url_has_no_credentials():
    options = mailer_from_url("smtp://mailpit:1025")["OPTIONS"]
    assert options["host"] == "mailpit"
    assert (options["port"], options["username"], options["password"]) == (1025, "", "")
    assert not options["use_tls"] and not options["use_ssl"]


def test_file_url_writes_into_that_folder():
    mailer = mailer_from_url("file:///x")
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"]["file_path"] == "/x"


def test_development_writes_mail_under_var_when_email_url_is_unset(tmp_path):
    env = production_env(tmp_path, DEBUG="on", EMAIL_URL=None)
    mailer = settings_values(env, "MAILERS")["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"]["file_path"] == str(BASE_DIR / "var" / "mail")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code(client):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_collectstatic_runs_as_the_image_build_does(tmp_path):
    # The Dockerfile runs it with DEBUG off (hashed, compressed files) and a
    # throwaway key; a missing file referenced from a stylesheet fails here.
    env = production_env(tmp_path, STATIC_ROOT=str(tmp_path / "static"), EMAIL_URL=None)
    env["SECRET_KEY"] = "collectstatic-only-not-used-at-run-time"
    result = run(env, "manage.py", "collectstatic", "--no-input")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "css/site.css" in manifest["paths"]


# gunicorn ----------------------------------------------------------------------------


def gunicorn_config(monkeypatch, **variables):
    for name in ("PORT", "WEB_CONCURRENCY", "LOG_LEVEL", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_believes_forwarded_headers_from_loopback_only_by_default(monkeypatch):
    assert gunicorn_config(monkeypatch)["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_believes_forwarded_headers_from_the_named_proxy(monkeypatch):
    config = gunicorn_config(monkeypatch, FORWARDED_ALLOW_IPS=" 172.18.0.0/16, 10.0.0.5 ")
    assert config["forwarded_allow_ips"] == "172.18.0.0/16,10.0.0.5"


def test_gunicorn_rejects_a_malformed_proxy_address_by_name(monkeypatch):
    with pytest.raises(SystemExit, match="FORWARDED_ALLOW_IPS is malformed"):
        gunicorn_config(monkeypatch, FORWARDED_ALLOW_IPS="proxy.internal")


def test_gunicorn_accepts_its_own_forwarded_allow_ips_value(monkeypatch):
    # The value passes gunicorn's own validator (a string, not a list).
    from gunicorn.config import Config

    config = Config()
    value = gunicorn_config(monkeypatch, FORWARDED_ALLOW_IPS="172.18.0.0/16,::1")
    config.set("forwarded_allow_ips", value["forwarded_allow_ips"])
    assert config.forwarded_allow_ips == ["172.18.0.0/16", "::1"]


# The image --------------------------------------------------------------------------


def test_the_image_installs_weasyprint_libraries_and_runs_as_a_plain_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in dockerfile
    assert "collectstatic --no-input" in dockerfile
    assert "\nUSER followup\n" in dockerfile
    assert 'CMD ["python", "docker/healthcheck.py"]' in dockerfile


def test_the_entrypoint_is_valid_shell():
    result = subprocess.run(["sh", "-n", str(BASE_DIR / "docker" / "entrypoint.sh")])
    assert result.returncode == 0


def test_the_entrypoint_migrates_only_for_web(tmp_path):
    database = tmp_path / "worker.sqlite3"
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run(
        ["docker/entrypoint.sh", "celery", "--version"], cwd=BASE_DIR, env=env, timeout=60
    )
    assert result.returncode == 0
    assert not database.exists()


def test_the_health_check_fails_when_web_is_down(tmp_path):
    env = production_env(tmp_path, PORT=str(free_port()))
    assert run(env, "docker/healthcheck.py", timeout=30).returncode == 1


# The compose stack ----------------------------------------------------------------------


# The stack takes its key from the environment; this one is only resolved, never used.
COMPOSE_TEST_KEY = "compose-config-test-" + "k3y-" * 10


@pytest.fixture(scope="module")
def compose():
    """The compose file as docker-compose itself resolves it."""
    binary = shutil.which("docker-compose")
    if binary is None:
        service_unavailable("docker-compose is not installed (scripts/system-packages)")
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["SECRET_KEY"] = COMPOSE_TEST_KEY
    result = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_refuses_to_start_without_a_secret_key_from_the_environment(compose):
    assert compose["services"]["web"]["environment"]["SECRET_KEY"] == COMPOSE_TEST_KEY
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    result = subprocess.run(
        [shutil.which("docker-compose"), "-f", "docker-compose.yml", "config"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "set SECRET_KEY in .env" in result.stderr


def test_the_stack_has_exactly_its_six_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat", "mailpit"}


def test_web_waits_for_a_healthy_database_and_checks_its_own_liveness(compose):
    web = compose["services"]["web"]
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "redis" in web["depends_on"]
    command = web["healthcheck"]["test"][1:]
    assert command == ["python", "docker/healthcheck.py"]
    assert '/livez"' in (BASE_DIR / "docker" / "healthcheck.py").read_text()
    assert "test" in compose["services"]["postgres"]["healthcheck"]


def test_beat_runs_once_and_only_web_answers_health_checks(compose):
    services = compose["services"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert "scale" not in services["beat"]
    for name in ("worker", "beat"):
        # The image's check asks for /livez, which only web serves.
        assert services[name]["healthcheck"]["test"] == ["NONE"]


def test_the_app_services_share_one_laptop_environment(compose):
    services = compose["services"]
    env = services["web"]["environment"]
    assert services["worker"]["environment"] == env == services["beat"]["environment"]
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert env["INSECURE_LOCAL_HTTP"] == "on"
    assert env["SITE_URL"] == "http://localhost:8000"
    assert env["ALLOWED_HOSTS"] == "localhost,127.0.0.1"
    # No proxy on a laptop: gunicorn believes forwarded headers from loopback only.
    assert env["FORWARDED_ALLOW_IPS"] == "127.0.0.1,::1"
    assert {"published": 8025, "target": 8025} in services["mailpit"]["ports"]


# Every command the compose file runs also runs here ------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_stack_env(tmp_path, **overrides):
    """The compose environment, pointed at what this machine has."""
    return production_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'stack.sqlite3'}",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        SITE_URL="http://localhost:8000",
        INSECURE_LOCAL_HTTP="on",
        STATIC_ROOT=str(tmp_path / "static"),
        **overrides,
    )


class Started:
    """A process started from a compose command line, its output in a file."""

    def __init__(self, command, env, log):
        self.log = log
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_for(self, ready, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if ready():
                return
            if self.process.poll() is not None:
                pytest.fail(f"exited with {self.process.returncode}:\n{self.output()}")
            time.sleep(0.25)
        pytest.fail(f"not ready after {seconds} s:\n{self.output()}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def start():
    started = []

    def _start(command, env, log):
        process = Started(command, env, log)
        started.append(process)
        return process

    yield _start
    for process in started:
        process.stop()


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_the_web_command_serves_the_site_behind_the_entrypoint(compose, tmp_path, start):
    port = free_port()
    env = local_stack_env(tmp_path, PORT=str(port), WEB_CONCURRENCY="1")
    # The image's build step, then the container's start: entrypoint + command.
    assert run(env, "manage.py", "collectstatic", "--no-input").returncode == 0
    command = ["docker/entrypoint.sh", *compose["services"]["web"]["command"]]
    web = start(command, env, tmp_path / "web.log")
    livez = f"http://127.0.0.1:{port}/livez"
    web.wait_for(lambda: http_status(livez) == 200)

    with sqlite3.connect(tmp_path / "stack.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0
    assert http_status(f"http://127.0.0.1:{port}/accounts/login/") == 200
    healthcheck = compose["services"]["web"]["healthcheck"]["test"][1:]
    assert run(env, *healthcheck[1:], timeout=30).returncode == 0
    assert "GET /livez" in web.output()  # the access log goes to stdout


@pytest.mark.services
def test_the_worker_command_starts_on_redis(compose, tmp_path, start, redis_url):
    env = local_stack_env(tmp_path, REDIS_URL=redis_url)
    worker = start(compose["services"]["worker"]["command"], env, tmp_path / "worker.log")
    worker.wait_for(lambda: " ready." in worker.output())


@pytest.mark.services
def test_the_beat_command_starts_on_redis(compose, tmp_path, start, redis_url):
    env = local_stack_env(tmp_path, REDIS_URL=redis_url)
    # The schedule file goes to a temporary folder rather than the project's
    # var/, where `make run` keeps its own.
    command = [*compose["services"]["beat"]["command"], "--schedule", str(tmp_path / "beat")]
    beat = start(command, env, tmp_path / "beat.log")
    beat.wait_for(lambda: "beat: Starting" in beat.output())


# Documentation ----------------------------------------------------------------------------


def test_every_variable_the_settings_read_is_documented():
    source = (BASE_DIR / "followup_site" / "settings.py").read_text()
    read = set(re.findall(r'(?:env\.\w+|_read|_flag)\(\s*"([A-Z_]+)"', source))
    assert read >= {"DEBUG", "SECRET_KEY", "EMAIL_URL", "INSECURE_LOCAL_HTTP"}
    example = (BASE_DIR / ".env.example").read_text()
    guide = (BASE_DIR / "docs" / "deploy.md").read_text()
    for name in sorted(read | {"PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"}):
        assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), f"{name} not in .env.example"
        assert f"| `{name}` |" in guide, f"{name} not in docs/deploy.md"
