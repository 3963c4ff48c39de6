"""One settings module for every environment, read from the environment.

Every variable is documented in .env.example. A missing or malformed value
raises ImproperlyConfigured naming the variable; nothing falls back silently
to something unsafe.
"""

import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from followup_site.cache import redis_cache
from followup_site.environment import env
from followup_site.environment import flag as _flag
from followup_site.environment import read as _read

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = _flag("DEBUG", default=False)

# What the processes write at run time: the development SQLite file, Celery
# beat's schedule, the filesystem broker's queue. Importing the settings writes
# nothing (a container may run with a read-only filesystem); the folders are
# made by whatever needs them: `make run` calls make_runtime_folders() below,
# the image's build makes var/, Django's file mail backend makes its folder.
# A relative VAR_DIR is relative to the project folder.
_var_dir = _read("VAR_DIR", env.str, default="var").strip()
if not _var_dir:
    raise ImproperlyConfigured("VAR_DIR is malformed: it is empty; unset it for var/")
VAR_DIR = BASE_DIR / _var_dir


def _secret_key():
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(DEBUG is off, so no development key is generated)."
        )
    # Development only: one key generated on first run and kept under var/,
    # so sessions survive restarts of `make run`. This is the one write the
    # settings ever make, a development convenience reached only with DEBUG
    # on; with DEBUG off a missing key stops the start above.
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, default=[])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, default=[])
SITE_URL = _read("SITE_URL", env.url, default="http://127.0.0.1:8000").geturl().rstrip("/")
# Links in reminder emails are built from SITE_URL; a bare word would make
# every one of them broken.
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).hostname:
    raise ImproperlyConfigured(f"SITE_URL is malformed: {SITE_URL!r} is not an http(s) URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "interviews",
    "reminders",
    "followup_site",
]

# interviews/services.py re-plans after every change through this one function
# (reminders builds on interviews, so interviews names it rather than imports it).
FOLLOWUPS_PLANNER = "reminders.followups.planning.followups_plan"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads a body (CSRF, forms): one over the cap is refused
    # unread, its 413 page still carrying the security headers above.
    "followup_site.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "interviews.middleware.CandidateTimezoneMiddleware",
]

# Form fields without the files, Django's default kept on purpose: the largest
# is an invitation's pasted text or its preview, under 1 MB each. Files are
# capped by followup_site/middleware.py (the largest upload plus 2 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

ROOT_URLCONF = "followup_site.urls"
WSGI_APPLICATION = "followup_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Databases ---------------------------------------------------------------
# django-environ turns an unknown scheme into an engine named after it, which
# fails much later with a message that does not mention DATABASE_URL.
_database_scheme = urlsplit(env.str("DATABASE_URL", default="sqlite://")).scheme
if _database_scheme not in ("postgres", "postgresql", "sqlite"):
    raise ImproperlyConfigured(
        f"DATABASE_URL is malformed: unknown scheme {_database_scheme!r}; "
        "use postgres://user:password@host:5432/name or sqlite:///path/to/file"
    )
DATABASES = {
    "default": _read("DATABASE_URL", env.db_url, default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and beat share one SQLite file in
    # development: WAL lets readers run beside the writer, IMMEDIATE takes the
    # write lock at BEGIN (no deadlocked upgrade from a read lock) and the
    # timeout waits for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _read("CONN_MAX_AGE", env.int, default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the shared cache --------------------------------
REDIS_URL = _read("REDIS_URL", env.str, default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL is malformed: it must start with redis:// or rediss://")


# Failed sign-ins are counted here, so every web process shares the count.
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# The task module lives in reminders/delivery/, where autodiscovery (which
# looks for <app>.tasks) does not look; its registered name is unchanged.
CELERY_IMPORTS = ("reminders.delivery.tasks",)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if not REDIS_URL:
    # Without Redis, processes on one machine share Celery's filesystem
    # transport. Its default polling interval of 1 s makes every task wait
    # about a second; 0.1 s keeps the development server snappy.
    # The folders are made by make_runtime_folders() (`make run`), not here.
    _queue = VAR_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "polling_interval": 0.1,
    }

_QUEUE_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def make_runtime_folders():
    """Create VAR_DIR and, without Redis, the filesystem broker's folders.

    Called by `make run` before the processes start, never on import: the
    transport lists its folders without creating them, and SQLite does not
    create the folder of its file.
    """
    folders = [VAR_DIR]
    if not REDIS_URL:
        folders += [Path(CELERY_BROKER_TRANSPORT_OPTIONS[key]) for key in _QUEUE_FOLDERS]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


# Sent by the monitor as "Authorization: Bearer ..." for /healthz's detail;
# empty: only staff signed in see it, everyone else ok or failing alone.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
REMINDER_SWEEP_SECONDS = _read("REMINDER_SWEEP_SECONDS", env.int, default=60)
if REMINDER_SWEEP_SECONDS < 1:
    raise ImproperlyConfigured("REMINDER_SWEEP_SECONDS is malformed: it must be 1 or more")
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        "task": "reminders.tasks.sweep_reminders",
        "schedule": REMINDER_SWEEP_SECONDS,
    },
}


def _at_least_one(name, default):
    value = _read(name, env.int, default=default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} is malformed: it must be 1 or more")
    return value


# Sending: each sender claims this many candidates at a time; beat fans the
# owed reminders out to up to REMINDER_SEND_TASKS senders on the workers. A
# claim lapses after REMINDER_CLAIM_EXPIRY_SECONDS unless its sender renews
# it (every REMINDER_CLAIM_HEARTBEAT_SECONDS), so a dead worker's unsent
# reminders come back within minutes. The renewal must come well inside the
# expiry, and a single email (the SMTP timeout, 20 s by default) in between.
REMINDER_SEND_BATCH = _at_least_one("REMINDER_SEND_BATCH", 200)
REMINDER_SEND_TASKS = _at_least_one("REMINDER_SEND_TASKS", 4)
REMINDER_CLAIM_EXPIRY_SECONDS = _at_least_one("REMINDER_CLAIM_EXPIRY_SECONDS", 180)
REMINDER_CLAIM_HEARTBEAT_SECONDS = _at_least_one("REMINDER_CLAIM_HEARTBEAT_SECONDS", 30)
if REMINDER_CLAIM_HEARTBEAT_SECONDS * 3 > REMINDER_CLAIM_EXPIRY_SECONDS:
    raise ImproperlyConfigured(
        "REMINDER_CLAIM_HEARTBEAT_SECONDS is malformed: "
        "it must be a third of REMINDER_CLAIM_EXPIRY_SECONDS or less"
    )

# Email ------------------------------------------------------------------------
_EMAIL_BACKENDS = {
    # Django's, with connections that tell whether a failed send got as far
    # as handing the message over (reminders/delivery/smtp.py).
    "smtp": "reminders.delivery.smtp.EmailBackend",
    "smtp+tls": "reminders.delivery.smtp.EmailBackend",
    "smtps": "reminders.delivery.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailer_from_url(url):
    """Turn EMAIL_URL into one MAILERS entry (Django 6.1 replaced EMAIL_*).

    smtp://user:password@host:587  (STARTTLS with smtp+tls://, implicit TLS
    with smtps://), file:///path/to/folder, console://, locmem://.
    """
    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL is malformed: unknown scheme {parts.scheme!r}; "
            f"use one of {', '.join(sorted(_EMAIL_BACKENDS))}"
        )
    mailer = {"BACKEND": _EMAIL_BACKENDS[parts.scheme], "OPTIONS": {}}
    options = mailer["OPTIONS"]
    if parts.scheme == "file":
        options["file_path"] = unquote(parts.path) or str(VAR_DIR / "mail")
    elif parts.scheme.startswith("smtp"):
        try:
            port = parts.port
            timeout = int(parse_qs(parts.query).get("timeout", ["20"])[0])
        except ValueError as exc:
            raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from exc
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL is malformed: it names no host")
        options.update(
            host=parts.hostname,
            port=port or {"smtps": 465, "smtp+tls": 587}.get(parts.scheme, 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=parts.scheme == "smtp+tls",
            use_ssl=parts.scheme == "smtps",
            timeout=timeout,
        )
    return mailer


_default_email_url = f"file://{VAR_DIR / 'mail'}" if DEBUG else "smtp://localhost:25"
MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default=_default_email_url))}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Follow-up reminders <reminders@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts (django-allauth) -------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "interviews.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
# Signing in waits for a verified address, so that sign-up can answer a new
# address and a taken one alike (ACCOUNT_PREVENT_ENUMERATION): "check your
# inbox", with a link for the new one and a note to the taken one's owner.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A new password keeps this session and ends the others (Django checks
# each session's password hash on every request).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "interviews.account_adapter.AccountAdapter"
# Failed sign-ins (interviews/account_adapter.py): 5 per 15 minutes for one
# account at one address, 20 an hour for one account from anywhere. Windows
# slide, so a stranger's guesses slow the owner for an hour at most.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "login_failed_account": "20/1h/key",
}
# Proxies of ours in front that append to X-Forwarded-For; 0: the client is
# REMOTE_ADDR and a forged X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = _read("TRUSTED_PROXY_COUNT", env.int, default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is malformed: it must be 0 or more")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Two weeks, on purpose: a job seeker checking in every few days is not asked
# to sign in each time; a session forgotten on a shared computer still ends.
# "Remember me" unticked ends it with the browser. The privacy page says so.
SESSION_COOKIE_AGE = 14 * 24 * 3600
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Time -----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = _read("TIME_ZONE", env.str, default="UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ValueError, ZoneInfoNotFoundError) as _exc:
    raise ImproperlyConfigured(f"TIME_ZONE is malformed: {TIME_ZONE!r} is no IANA zone") from _exc
USE_I18N = True
USE_TZ = True

# Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Not created here: collectstatic makes it (the image does at build time).
# Until it has run, WhiteNoise with DEBUG off warns "No directory at" once per
# process; with DEBUG on it does not look.
STATIC_ROOT = _read("STATIC_ROOT", env.path, default=VAR_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security -------------------------------------------------------------------------------
# INSECURE_LOCAL_HTTP is for trying the product on a laptop over plain http
# (the compose stack on localhost). Never set it in production.
INSECURE_LOCAL_HTTP = _flag("INSECURE_LOCAL_HTTP", default=False)
_https = not (DEBUG or INSECURE_LOCAL_HTTP)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, default=31536000 if _https else 0)
# includeSubDomains and preload commit every subdomain of the site's domain,
# and (once submitted at hstspreload.org) the browsers' built-in lists, to
# https for the max-age and beyond: only the deployer knows whether that
# holds, so both are off unless they opt in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", default=False)
# `check --deploy` warns about each of them being off (security.W005, W021).
# Off is the deliberate default above, not an oversight, so exactly those
# warnings are silenced while the deployer has not opted in; once they have,
# nothing is silenced.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No inline scripts or styles anywhere: every script and stylesheet is a
# file under static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, "mailto:"],
    "frame-ancestors": [CSP.NONE],
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL is malformed: {LOG_LEVEL!r}; use DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )

# Logging: everything to stdout, where containers and honcho collect it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    # WeasyPrint narrates every render at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
