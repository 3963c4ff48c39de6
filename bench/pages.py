"""Benchmark the pages a candidate opens most, served by gunicorn as in production.

Run from the project root (`make bench` runs it through bench/run.py):

    .venv/bin/python bench/pages.py [--quick] [--json PATH]

In a PostgreSQL database of its own (followup_bench_pages, dropped and made
again each run, then migrated), `manage.py bench_data` builds one candidate
per size: 10, 100 and 1,000 interviews (10 and 100 with --quick). gunicorn
then serves the site with two workers and the production settings: DEBUG
off, a long SECRET_KEY made for this run, ALLOWED_HOSTS=127.0.0.1 and the
static files collected for WhiteNoise. The https settings stay on: every
request carries X-Forwarded-Proto: https, as the TLS proxy in front of a
real deployment sends it, so no redirect and no insecure switch is needed.

Each candidate signs in once through the login form. Python threads (two,
as many as the workers) then ask for each page on loopback, in rounds: each
round visits every page in turn (a different order each round), a bounded
number of requests per page, and records p50, p95 and the bytes of the HTML.
A page's figure is the median of its rounds. The floor is the login page,
measured in the same rounds: the cheapest page the site serves, so the
ratios hold on a noisy shared machine where milliseconds do not.

Queries per page are counted in this process through Django's test client
(the same settings and database), since gunicorn's workers do not log them.
Prints a table and PASS/FAIL per target; exits 0 unless something crashed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import (  # noqa: E402
    EMAIL,
    PROJECT_DIR,
    check,
    database_drop,
    database_from_template,
    database_url,
    percentile,
    print_checks,
)

DB_NAME = "followup_bench_pages"
SIZES, QUICK_SIZES = (10, 100, 1000), (10, 100)
# Per page and round; at most ROUNDS × REQUESTS requests and PAGE_SECONDS per page.
ROUNDS, REQUESTS, PAGE_SECONDS = 5, 40, 20.0
QUICK_ROUNDS, QUICK_REQUESTS, QUICK_PAGE_SECONDS = 2, 10, 5.0
THREADS = 2
# Each page by the URL names it has had (the first one found is measured).
PAGES = {
    "dashboard": ("dashboard",),
    "applications": ("application_list",),
    "people": ("contact_list",),
    "follow-ups": ("followups", "followup_list"),
    "profile": ("profile",),
}
# A signed-in page costs at most three logins; the largest candidate's page at
# most half as much again as the smallest's; and what the browser downloads
# for a page stays under 60 KB of HTML however long the job search grows.
TARGETS = {"vs_login": 3.0, "growth": 1.5, "html_kb": 60.0}


def production_env(*, static_root, port):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "followup_site.settings",
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": database_url(DB_NAME),
        "STATIC_ROOT": str(static_root),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "warning",
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """gunicorn on loopback, spoken to as the TLS proxy would."""

    def __init__(self, port):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, conn, method, path, *, cookies=None, body=None):
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.origin + path
            headers["Origin"] = self.origin
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def wait_up(self, process, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit("gunicorn stopped while starting; see its log above")
            try:
                response, _ = self.request(self.connection(), "GET", "/livez")
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /livez within a minute")

    def sign_in(self, *, email, password, login_path):
        conn = self.connection()
        response, page = self.request(conn, "GET", login_path)
        cookies = _cookies(response)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urlencode(
            {"csrfmiddlewaretoken": token.decode(), "login": email, "password": password}
        )
        response, _ = self.request(conn, "POST", login_path, cookies=cookies, body=form)
        cookies.update(_cookies(response))
        if response.status != 302 or "sessionid" not in cookies:
            raise SystemExit(f"signing in as {email} failed (HTTP {response.status})")
        return cookies


def _cookies(response):
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def batch(site, path, cookies, *, requests, seconds):
    """`requests` GETs of one page from THREADS threads; latencies in ms and the last size."""
    times, sizes, errors = [], [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    left = iter(range(requests))

    def worker():
        conn = site.connection()
        while time.monotonic() < deadline:
            with lock:
                if next(left, None) is None:
                    return
            started = time.perf_counter()
            response, body = site.request(conn, "GET", path, cookies=cookies)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if response.status != 200:
                    errors.append(f"HTTP {response.status}")
                    return
                times.append(elapsed)
                sizes.append(len(body))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors or not times:
        raise SystemExit(f"{path} answered {errors[-1] if errors else 'nothing'}")
    return times, sizes[-1]


def measure(site, targets, *, rounds, requests, page_seconds):
    """Every target in each round, rotated; per target the median of its rounds."""
    per_round = {name: [] for name in targets}
    for number in range(rounds):
        names = list(targets)
        names = names[number % len(names) :] + names[: number % len(names)]
        for name in names:
            path, cookies = targets[name]
            times, size = batch(
                site, path, cookies, requests=requests, seconds=page_seconds / rounds
            )
            per_round[name].append(
                (percentile(times, 0.5), percentile(times, 0.95), size, len(times))
            )
    return {
        name: {
            "p50_ms": statistics.median(r[0] for r in runs),
            "p95_ms": statistics.median(r[1] for r in runs),
            "bytes": max(r[2] for r in runs),
            "requests": sum(r[3] for r in runs),
        }
        for name, runs in per_round.items()
    }


def count_queries(pages, emails):
    """Queries per page and size, through the test client with the same settings."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size, email in emails.items():
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))
        for name, path in pages.items():
            with CaptureQueriesContext(connection) as context:
                status = client.get(path, secure=True).status_code
            counts[name, size] = len(context.captured_queries) if status == 200 else None
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="10 and 100 interviews, 2 rounds")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else SIZES
    rounds, requests, page_seconds = (
        (QUICK_ROUNDS, QUICK_REQUESTS, QUICK_PAGE_SECONDS)
        if args.quick
        else (ROUNDS, REQUESTS, PAGE_SECONDS)
    )
    static_root = Path(tempfile.mkdtemp(prefix="followup-bench-static-"))
    port = free_port()
    os.environ.update(production_env(static_root=static_root, port=port))
    database_from_template(DB_NAME, sizes)
    try:
        return run(args, sizes, rounds, requests, page_seconds, port)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(DB_NAME)


def run(args, sizes, rounds, requests, page_seconds, port):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.urls import NoReverseMatch, reverse

    from reminders.management.commands.bench_data import PASSWORD

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"   database migrated, static files collected ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pages = {}
    for name, url_names in PAGES.items():
        for url_name in url_names:
            with contextlib.suppress(NoReverseMatch):
                pages[name] = reverse(url_name)
                break
        else:
            print(f"   {name}: no URL named {' or '.join(url_names)} on this version, left out")
    login_path = reverse("account_login")
    emails = {size: EMAIL.format(size=size) for size in sizes}
    setup_test_environment()  # the test client's host, for counting queries
    queries = count_queries({"login": login_path, **pages}, emails)

    access_log = Path(os.environ["STATIC_ROOT"]).parent / f"followup-bench-access-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        # The access log is written as in production, to a file instead of stdout.
        + ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(access_log)]
        + ["followup_site.wsgi"],
        cwd=PROJECT_DIR,
    )
    try:
        site = Site(port)
        site.wait_up(process)
        targets = {("login", 0): (login_path, None)}
        for size, email in emails.items():
            cookies = site.sign_in(email=email, password=PASSWORD, login_path=login_path)
            targets.update({(name, size): (path, cookies) for name, path in pages.items()})
        # One visit each before timing: the workers' first requests import and
        # compile templates, which no candidate waits for twice.
        measure(site, targets, rounds=1, requests=4, page_seconds=60)
        figures = measure(
            site, targets, rounds=rounds, requests=requests, page_seconds=page_seconds
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    results = report(figures, queries, pages, sizes, rounds=rounds)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report(figures, queries, pages, sizes, *, rounds):
    small, large = sizes[0], sizes[-1]
    floor = figures["login", 0]
    print(
        f"\n   {rounds} rounds; p50 and p95 in ms, each the median of the rounds;"
        f" floor: the login page, p95 {floor['p95_ms']:.1f} ms"
    )
    header = f"   {'page':<14}{'size':>6}{'p50':>8}{'p95':>8}{'KB':>8}{'queries':>9}"
    print(header + f"{'vs login':>10}{'vs ' + str(small):>8}")
    rows, checks = [], []
    lines = [("login", 0)] + [(name, size) for name in pages for size in sizes]
    for name, size in lines:
        f = figures[name, size]
        vs_login = f["p95_ms"] / floor["p95_ms"]
        growth = f["p95_ms"] / figures[name, small]["p95_ms"] if size else None
        q = queries.get((name, size if size else small))
        rows.append(
            {"page": name, "interviews": size, **f, "queries": q, "vs_login": round(vs_login, 2)}
            | ({"growth": round(growth, 2)} if growth else {})
        )
        print(
            f"   {name:<14}{size or '-':>6}{f['p50_ms']:>8.1f}{f['p95_ms']:>8.1f}"
            f"{f['bytes'] / 1024:>8.1f}{q if q is not None else '-':>9}{vs_login:>9.2f}×"
            + (f"{growth:>7.2f}×" if growth else "")
        )
    for name in pages:
        at_small, at_large = figures[name, small], figures[name, large]
        checks += [
            check(
                f"{name} p95 at {small} vs login (ms)",
                at_small["p95_ms"],
                TARGETS["vs_login"],
                floor=floor["p95_ms"],
            ),
            check(
                f"{name} p95 at {large} vs at {small} (ms)",
                at_large["p95_ms"],
                TARGETS["growth"],
                floor=at_small["p95_ms"],
            ),
            check(
                f"{name} HTML at {large}",
                at_large["bytes"] / 1024,
                TARGETS["html_kb"],
                unit="KB",
                below=True,
            ),
        ]
    print()
    print_checks(checks)
    return {
        "benchmark": "pages",
        "rounds": rounds,
        "sizes": list(sizes),
        "rows": rows,
        "checks": checks,
    }


if __name__ == "__main__":
    sys.exit(main())
