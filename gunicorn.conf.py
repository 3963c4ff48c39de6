"""gunicorn settings for the web process (`gunicorn -c gunicorn.conf.py followup_site.wsgi`).

PORT and WEB_CONCURRENCY follow the usual platform conventions, so the same
command runs in the compose stack, on a PaaS and in the tests.
"""

import os


def _positive_int(name, default):
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} is malformed: {raw!r} is not a positive whole number")
    return int(raw)


bind = f"0.0.0.0:{_positive_int('PORT', 8000)}"
workers = _positive_int("WEB_CONCURRENCY", 2)

# Requests are short (pages, one PDF of cards); a stuck worker is replaced
# after 30 s, and a deploy lets running requests finish for up to 20 s.
timeout = 30
graceful_timeout = 20
keepalive = 5

# Logs go to stdout and stderr, where the container runtime collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# The proxy in front terminates TLS and says so in X-Forwarded-Proto, which
# Django trusts through SECURE_PROXY_SSL_HEADER. gunicorn only passes the
# header on from the addresses listed here; inside the compose network the
# proxy's address is not known in advance, and the web container publishes
# nothing but this port.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Load the app once in the master: workers fork with it already imported,
# and a broken setting stops the start instead of looping worker restarts.
preload_app = True
