"""What a candidate types into a long form survives an expired session.

The browser keeps a copy of the form (static/js/keep-typing.js) until the
server says it saved it; the login brings the candidate back to the form with
the text in it. The copy is filed under the signed-in person, so another
person on the same computer never sees it.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session

from interviews.models import Interview
from interviews.templatetags.keep_typing import KEEP_DAYS
from reminders.followups.planning import followups_plan
from reminders.models import FollowUp
from tests import factories
from tests.browser.conftest import ARTIFACTS, AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = "[data-keep-notice]"


def sign_in(page, base, candidate):
    """Sign in on the login page the browser is on (or open it)."""
    if "/accounts/login/" not in page.url:
        page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(candidate.user.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def expire_sessions():
    """The session ends on the server while the page stays open, as when it
    times out: the browser still sends its cookie, the server no longer knows it."""
    Session.objects.all().delete()


def kept_copies(page):
    return page.evaluate(
        "() => Object.keys(localStorage).filter((key) => key.startsWith('keep:'))"
    )


def wait_for_copy(page, text):
    """Typing is written to storage a moment after the last key."""
    page.wait_for_function(
        "(text) => Object.keys(localStorage).some("
        "(key) => key.startsWith('keep:') && localStorage.getItem(key).includes(text))",
        arg=text,
    )


def notice_accessibility_problems(page):
    """axe-core's serious and critical findings on the notice (the rest of the
    page is the site walk's business)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run('[data-keep-notice]')")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def notes_interview(candidate):
    ended = datetime.now(ZoneInfo(candidate.time_zone)) - timedelta(hours=2)
    return factories.panel(candidate=candidate, starts_at=ended - timedelta(hours=1))


def test_notes_typed_before_the_session_expired_come_back_after_signing_in(page, live_server):
    base = live_server.url
    owner = factories.candidate(email="owner@example.com", full_name="Sam Okafor")
    interview = notes_interview(owner)
    notes_url = f"{base}/interviews/{interview.pk}/notes/"

    sign_in(page, base, owner)
    page.goto(notes_url)
    page.locator("#id_people-0-common_ground").fill("we both coach youth hockey")
    page.locator("#id_people-1-common_ground").fill("long-distance cycling")
    page.locator("#id_people-1-preferred_channel").select_option("linkedin")
    page.locator("#id_qualifications_matched").fill("building data pipelines\nleading small teams")
    page.locator("#id_correction").fill("I undersold the Airflow migration: it cut runs by 40%.")
    wait_for_copy(page, "undersold the Airflow")

    expire_sessions()
    page.get_by_role("button", name="Save notes and plan follow-ups").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    interview.refresh_from_db()
    assert interview.notes_saved_at is None
    assert kept_copies(page), "a failed save must keep the copy"

    # Signing in returns to the form, with what was typed back in it.
    sign_in(page, base, owner)
    assert page.url == notes_url
    notice = page.locator(NOTICE)
    notice.wait_for()
    assert notice_accessibility_problems(page) == []
    # The time as the site writes times, in the candidate's zone: "Thu 3 Dec, 14:05".
    when = r"\w{3} \d{1,2} \w{3}, \d\d:\d\d"
    text = notice.inner_text()
    assert re.match(rf"Restored what you typed on {when}; it is not saved yet", text)
    assert notice.get_by_role("button", name="Discard").is_visible()
    assert page.locator("#id_people-0-common_ground").input_value() == "we both coach youth hockey"
    assert page.locator("#id_people-1-common_ground").input_value() == "long-distance cycling"
    assert page.locator("#id_people-1-preferred_channel").input_value() == "linkedin"
    assert page.locator("#id_qualifications_matched").input_value() == (
        "building data pipelines\nleading small teams"
    )
    assert "Airflow" in page.locator("#id_correction").input_value()

    # The notice at a phone's width and a laptop's: on screen, its button in reach.
    for width in (390, 1200):
        page.set_viewport_size({"width": width, "height": 800})
        box = notice.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        button = notice.get_by_role("button", name="Discard").bounding_box()
        assert button["x"] + button["width"] <= box["x"] + box["width"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        notice.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"keep-typing-notice-{width}.png"))

    page.get_by_role("button", name="Save notes and plan follow-ups").click()
    page.get_by_text("Notes saved.").wait_for()
    interview = Interview.objects.get(pk=interview.pk)
    assert interview.notes_saved_at is not None
    assert interview.correction.startswith("I undersold the Airflow migration")
    assert interview.qualifications_matched.splitlines() == [
        "building data pipelines",
        "leading small teams",
    ]
    grounds = dict(interview.participants.values_list("contact__name", "common_ground"))
    assert grounds == {
        "Dana Whitfield": "we both coach youth hockey",
        "Lee Park": "long-distance cycling",
    }
    assert kept_copies(page) == [], "a successful save drops the copy"

    page.goto(notes_url)
    page.locator("#id_correction").wait_for()
    assert page.locator(NOTICE).count() == 0
    assert not page.csp_violations, page.csp_violations


def test_a_form_sent_back_with_errors_keeps_the_copy(page, live_server):
    base = live_server.url
    owner = factories.candidate(email="owner@example.com")
    sign_in(page, base, owner)
    page.goto(f"{base}/applications/new/")
    page.locator("#id_company").fill("Northwind")
    wait_for_copy(page, "Northwind")
    # No role: the server sends the form back with its errors.
    page.get_by_role("button", name="Save").click()
    page.locator(".is-invalid").first.wait_for()
    page.wait_for_load_state()
    assert kept_copies(page)

    page.goto(f"{base}/")
    page.goto(f"{base}/applications/new/")
    page.locator(NOTICE).wait_for()
    assert page.locator("#id_company").input_value() == "Northwind"

    page.locator(NOTICE).get_by_role("button", name="Discard").click()
    assert page.locator("#id_company").input_value() == ""
    assert page.locator(NOTICE).inner_text() == "Discarded: the form shows what was saved."
    assert page.evaluate("document.activeElement.hasAttribute('data-keep-notice')")
    assert kept_copies(page) == []
    page.reload()
    assert page.locator(NOTICE).count() == 0


def test_another_person_on_the_same_browser_never_sees_the_text(page, live_server):
    base = live_server.url
    first = factories.candidate(email="first@example.com", full_name="Sam Okafor")
    second = factories.candidate(email="second@example.com", full_name="Alex Moreau")
    new_application = f"{base}/applications/new/"

    sign_in(page, base, first)
    page.goto(new_application)
    page.locator("#id_company").fill("Contoso")
    page.locator("#id_role").fill("Analytics lead")
    wait_for_copy(page, "Analytics lead")
    # The first person walks away; their session ends, the copy stays.
    page.context.clear_cookies()

    sign_in(page, base, second)
    page.goto(new_application)
    page.locator("#id_company").wait_for()
    assert page.locator("#id_company").input_value() == ""
    assert page.locator("#id_role").input_value() == ""
    assert page.locator(NOTICE).count() == 0
    assert "Contoso" not in page.content()
    page.context.clear_cookies()

    # Back as the first person, their text is still theirs.
    sign_in(page, base, first)
    page.goto(new_application)
    page.locator(NOTICE).wait_for()
    assert page.locator("#id_role").input_value() == "Analytics lead"


def test_a_draft_typed_before_the_session_expired_comes_back_on_its_page(page, live_server):
    base = live_server.url
    owner = factories.candidate(email="owner@example.com")
    interview = notes_interview(owner)
    followups_plan(application=interview.application)
    thank_you = FollowUp.objects.filter(kind="thank_you").first()
    detail = f"{base}/followups/{thank_you.pk}/"

    sign_in(page, base, owner)
    page.goto(detail)
    page.locator("[data-draft-text]").fill("Dear Dana, thank you for Monday's talk.")
    wait_for_copy(page, "Monday's talk")
    expire_sessions()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    # The draft posts to an address that only takes POST; the login returns
    # to the follow-up's page instead.
    sign_in(page, base, owner)
    assert page.url == detail
    page.locator(NOTICE).wait_for()
    assert page.locator("[data-draft-text]").input_value() == (
        "Dear Dana, thank you for Monday's talk."
    )
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved").wait_for()
    thank_you.refresh_from_db()
    assert thank_you.draft == "Dear Dana, thank you for Monday's talk."
    assert page.locator(NOTICE).count() == 0
    assert kept_copies(page) == []
    assert not page.csp_violations, page.csp_violations


def test_a_person_added_to_a_new_interview_comes_back_with_their_row(page, live_server):
    base = live_server.url
    owner = factories.candidate(email="owner@example.com")
    application = factories.application(candidate=owner)
    new_interview = f"{base}/applications/{application.pk}/interviews/new/"

    sign_in(page, base, owner)
    page.goto(new_interview)
    page.locator("#id_starts_at").fill("2026-03-02T10:00")
    page.locator("#id_people-0-name").fill("Dana Whitfield")
    page.get_by_role("button", name="Add another person").click()
    page.locator("#id_people-1-name").fill("Łukasz Nowak")
    wait_for_copy(page, "ukasz Nowak")
    expire_sessions()
    page.get_by_role("button", name="Save interview").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    # The server's page has one person's row; the second is added back for the text.
    sign_in(page, base, owner)
    assert page.url == new_interview
    page.locator(NOTICE).wait_for()
    assert page.locator("#id_people-1-name").input_value() == "Łukasz Nowak"
    assert page.locator("#id_starts_at").input_value() == "2026-03-02T10:00"
    page.get_by_role("button", name="Save interview").click()
    page.get_by_text("Interview added.").wait_for()
    (interview,) = Interview.objects.filter(application=application)
    names = set(interview.participants.values_list("contact__name", flat=True))
    assert names == {"Dana Whitfield", "Łukasz Nowak"}
    assert kept_copies(page) == []


def test_a_copy_nobody_came_back_to_is_dropped_after_the_keeping_time(page, live_server):
    base = live_server.url
    owner = factories.candidate(email="owner@example.com")
    sign_in(page, base, owner)
    day = 86_400_000
    page.evaluate(
        """([days, day]) => {
            const copy = (age) => JSON.stringify({t: Date.now() - age * day, f: {}});
            localStorage.setItem("keep:someone:/old/", copy(days + 1));
            localStorage.setItem("keep:someone:/recent/", copy(days - 1));
            localStorage.setItem("elsewhere", "not ours");
        }""",
        [KEEP_DAYS, day],
    )
    page.goto(f"{base}/")
    assert sorted(kept_copies(page)) == ["keep:someone:/recent/"]
    assert page.evaluate("localStorage.getItem('elsewhere')") == "not ours"


def test_signing_in_again_in_a_new_tab_finds_the_text(page, live_server):
    base = live_server.url
    owner = factories.candidate(email="owner@example.com")
    interview = notes_interview(owner)
    notes_url = f"{base}/interviews/{interview.pk}/notes/"

    first = page.context.new_page()
    first.set_default_timeout(15_000)
    sign_in(first, base, owner)
    first.goto(notes_url)
    first.locator("#id_summary").fill("Their data platform, and who is on call for it.")
    wait_for_copy(first, "who is on call")
    expire_sessions()
    first.close()

    # That tab is gone; the copy lives in the browser, not in the tab.
    sign_in(page, base, owner)
    page.goto(notes_url)
    page.locator(NOTICE).wait_for()
    assert page.locator("#id_summary").input_value() == (
        "Their data platform, and who is on call for it."
    )
