"""gunicorn settings for the web process (`gunicorn -c gunicorn.conf.py followup_site.wsgi`).

PORT and WEB_CONCURRENCY follow the usual platform conventions, so the same
command runs in the compose stack, on a PaaS and in the tests;
FORWARDED_ALLOW_IPS names the proxy whose forwarded headers are believed.
"""

import ipaddress
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


# The proxy in front terminates TLS and says so in X-Forwarded-Proto.
# gunicorn believes forwarded headers (the request's scheme, SCRIPT_NAME)
# only from the addresses named here: by default loopback alone, so nothing
# that reaches the port from elsewhere can claim to be the proxy. A deployer
# whose proxy connects from another address (a container on the compose
# network, the Docker host) names it, or its network, in FORWARDED_ALLOW_IPS:
# comma-separated addresses or CIDR networks, "*" for any.
# Django reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER), whoever
# sent it, so the proxy must still overwrite that header and be the only
# way in to this port.
def _address_list(name, default):
    raw = os.environ.get(name, "").strip() or default
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    for entry in entries:
        if entry != "*":
            try:
                ipaddress.ip_network(entry)
            except ValueError as exc:
                raise SystemExit(f"{name} is malformed: {exc}") from exc
    # gunicorn takes the comma-separated string, not a list.
    return ",".join(entries)


forwarded_allow_ips = _address_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Load the app once in the master: workers fork with it already imported,
# and a broken setting stops the start instead of looping worker restarts.
preload_app = True
