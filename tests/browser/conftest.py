"""Headless Chromium (Debian's package) driven by Playwright against a live server.

Playwright's sync API runs an event loop in this thread, and Django refuses
database calls from a thread with a running loop unless told otherwise. The
override (DJANGO_ALLOW_ASYNC_UNSAFE) is set by the `page` fixture, for the
browser tests only.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.conftest import service_unavailable

# The live server speaks plain http on localhost, like INSECURE_LOCAL_HTTP. Its
# middleware is built once per session, before any per-test settings fixture,
# so the override happens here, when the browser tests are collected.
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = False
settings.CSRF_COOKIE_SECURE = False
settings.SECURE_HSTS_SECONDS = 0

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts"))
AXE = Path(__file__).parent / "axe" / "axe.min.js"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def page(request, transactional_db, live_server, monkeypatch):
    """A fresh Chromium page. It starts after the test database and the live
    server exist and stops before they are torn down, so the event loop that
    Playwright runs in this thread never meets Django's own setup. The test
    database is asked for before the live server, so the server (and its
    connection) stops before the database is dropped."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        service_unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            timezone_id="Europe/Berlin",
            locale="en-GB",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Anything the Content Security Policy blocks would be a broken feature.
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.csp_violations.append(message.text)
            ),
        )
        yield page
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            stem = ARTIFACTS / request.node.name
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content())
            print(f"\nbrowser artifacts: {stem}.png and {stem}.html")
        browser.close()
        # While Playwright's loop runs, Django keeps this test's connections
        # apart from the thread's usual ones; close them before the database
        # is dropped.
        connections.close_all()


@pytest.fixture
def axe_check():
    """Run axe-core on the current page; fail on serious or critical violations."""
    source = AXE.read_text()

    def check(page, label):
        # Evaluated through the DevTools protocol: the site's CSP (rightly)
        # refuses an injected inline <script>.
        page.evaluate(source)
        result = page.evaluate("async () => await axe.run(document)")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in bad
        ]
        assert not bad, f"accessibility violations on {label}:\n" + "\n".join(details)
        return result

    return check
