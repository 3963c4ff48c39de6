"""The long lists in a phone's width and a desktop's: nothing wider than the
screen, the page controls reachable, and axe finds nothing serious."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests import bulk
from tests.browser.conftest import AXE
from tests.reminders.followup_factory import quick_candidate

SHOTS = Path(__file__).parents[2] / "test-artifacts" / "long-lists"
PAGES = {
    "dashboard": "/",
    "followups": "/followups/?show=overdue&page=2",
    "applications": "/applications/?page=3",
    "applications, first page": "/applications/",
    "people": "/people/?q=person&page=2",
    "profile": "/profile/",
}


def axe_problems(page):
    """Serious or critical axe findings inside <main>: the lists and their page
    controls (the site's frame around them is the journey test's)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run('main')")
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def signed_in(page, live_server, candidate):
    client = Client()
    client.force_login(candidate.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.mark.parametrize("width", [390, 1200])
def test_the_long_lists_fit_the_screen_and_pass_axe(page, live_server, width):
    candidate = quick_candidate(email="long@example.com")
    now = datetime.now(UTC)
    bulk.applications(candidate=candidate, count=80)
    # A long word with no place to break must wrap, not widen the page.
    bulk.applications(
        candidate=candidate, count=1, prefix="Kommunikationsdienstleistungsgesellschaft" * 2
    )
    bulk.people(candidate=candidate, count=60)
    bulk.followups(
        candidate=candidate,
        now=now - timedelta(minutes=1),
        overdue=40,
        today=3,
        coming=30,
        done=10,
    )
    signed_in(page, live_server, candidate)
    page.set_viewport_size({"width": width, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
        assert axe_problems(page) == [], f"{name} at {width}px"
        if name != "profile" and name != "dashboard":
            assert page.locator('nav[aria-label^="Pages of"] [aria-current="page"]').count() == 1
