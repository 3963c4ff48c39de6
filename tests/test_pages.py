"""Every HTML page of the site, walked from the URLconf: CSP-clean and accessible basics.

The Content Security Policy allows scripts and styles from our own files
only, so an inline <script>, a style="" attribute or an onclick= would be
silently blocked in the browser: these tests catch them in the HTML itself,
whatever template (ours, crispy's or allauth's) produced it.
"""

import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests import site_map
from tests.reminders.followup_factory import quick_candidate

# Not pages: PDFs, JSON for monitors, actions that only take a POST, and
# allauth steps that redirect unless a flow is under way.
NOT_PAGES = {
    "interview_cards_pdf",
    "followup_card_pdf",
    "link_card",
    "healthz",
    "livez",
    "application_status",
    "application_reply",
    "account_set_password",
    "account_confirm_login_code",
    # POST only: its pages (the preview, the choice of event) are audited in
    # tests/interviews/test_invitation_import.py from a real upload.
    "invitation_confirm",
    # Calendar files, not pages.
    "calendar_feed",
    "interview_ics",
    "calendar_link_renew",
    # The record of applications as PDF and CSV; its page is walked.
    "record_pdf",
    "record_csv",
    # The candidate's data as downloads (JSON, CSV), not pages.
    "archive_export",
    "tables_applications",
    "tables_followups",
    # The spreadsheet template is a CSV download.
    "spreadsheet_template",
}
FIELD_TAGS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    """Collects what the checks below need from one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.headings = []
        self.fields = []  # (id, attrs)
        self.label_for = set()
        self.buttons = []  # [attrs, text]
        self._open_button = None
        self._label_depth = 0
        self._template_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"inline handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")
        # A JSON data block (json_script) never runs, so the policy allows it.
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return  # a row template cloned by JS: its ids are rewritten first
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in FIELD_TAGS and attrs.get("type", "text") not in UNLABELLED_INPUT_TYPES:
            self.fields.append((attrs.get("id"), attrs, self._label_depth > 0))
        if tag == "button":
            self._open_button = [attrs, ""]
            self.buttons.append(self._open_button)

    def handle_endtag(self, tag):
        if tag == "template":
            self._template_depth -= 1
        elif tag == "label" and self._label_depth:
            self._label_depth -= 1
        elif tag == "button":
            self._open_button = None

    def handle_data(self, data):
        if self._open_button is not None:
            self._open_button[1] += data

    def unlabelled_fields(self):
        return [
            attrs.get("name") or field_id
            for field_id, attrs, wrapped in self.fields
            if not wrapped
            and field_id not in self.label_for
            and not attrs.get("aria-label")
            and not attrs.get("aria-labelledby")
        ]

    def silent_buttons(self):
        return [
            attrs
            for attrs, text in self.buttons
            if not text.strip() and not attrs.get("aria-label") and not attrs.get("title")
        ]

    def heading_problems(self):
        problems = []
        if self.headings.count(1) != 1:
            problems.append(f"{self.headings.count(1)} <h1> elements")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                problems.append(f"<h{before}> followed by <h{after}>")
        return problems


def page_routes():
    routes = []
    for route, entry in site_map.walk():
        if route.startswith("admin/") or entry.name in NOT_PAGES:
            continue
        if entry.name.startswith("followup_") and entry.name != "followup_detail":
            continue  # the follow-up's actions: POST only
        if route.startswith("accounts/") and any(c in route for c in "<(^$"):
            continue
        routes.append(pytest.param(route, entry, id=entry.name or route))
    return routes


@pytest.fixture
def owner(db):
    return quick_candidate(email="owner@example.com")


@pytest.fixture
def rows(owner):
    with time_machine.travel(site_map.NOW, tick=False):
        return site_map.owners_rows(owner)


def get_page(owner, route, entry, rows):
    client = Client()
    # allauth's pages for visitors (log in, sign up) redirect a signed-in user.
    if not route.startswith(("accounts/login", "accounts/signup", "accounts/password/reset")):
        client.force_login(owner.user)
    with time_machine.travel(site_map.NOW, tick=False):
        return client.get(site_map.url_for(route, entry, rows))


@pytest.mark.parametrize(("route", "entry"), page_routes())
def test_every_page_obeys_the_content_security_policy(route, entry, owner, rows):
    response = get_page(owner, route, entry, rows)
    assert response.status_code == 200
    audit = PageAudit()
    audit.feed(response.content.decode())
    assert audit.problems == []
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(("route", "entry"), page_routes())
def test_every_page_labels_its_fields_names_its_buttons_and_orders_its_headings(
    route, entry, owner, rows
):
    response = get_page(owner, route, entry, rows)
    assert response.status_code == 200
    audit = PageAudit()
    audit.feed(response.content.decode())
    assert audit.unlabelled_fields() == []
    assert audit.silent_buttons() == []
    assert audit.heading_problems() == []


def test_the_guardrail_counts_are_announced_as_the_draft_changes(owner, rows):
    client = Client()
    client.force_login(owner.user)
    with time_machine.travel(site_map.NOW, tick=False):
        page = client.get(f"/followups/{rows['followup'].pk}/").content.decode()
    assert re.search(r'data-guardrail-counts aria-live="polite"', page)
    assert re.search(r'data-guardrail-findings aria-live="polite"', page)


def audit_of(html):
    audit = PageAudit()
    audit.feed(html)
    return audit


def test_the_audit_catches_what_it_looks_for():
    bad = audit_of(
        '<h1>A</h1><h3>B</h3><script>x()</script><p style="color:red" onclick="y()">'
        '<a href="javascript:z()">z</a><input name="q" id="q"><button></button><style></style>'
    )
    assert len(bad.problems) == 5
    assert bad.unlabelled_fields() == ["q"]
    assert len(bad.silent_buttons()) == 1
    assert bad.heading_problems() == ["<h1> followed by <h3>"]
    good = audit_of(
        '<h1>A</h1><h2>B</h2><script src="/s.js"></script><label for="q">Q</label>'
        '<input id="q"><label>R <input name="r"></label><button aria-label="Close"></button>'
    )
    assert (good.problems, good.unlabelled_fields(), good.silent_buttons()) == ([], [], [])


def post_page(owner, url, data):
    client = Client()
    client.force_login(owner.user)
    with time_machine.travel(site_map.NOW, tick=False):
        response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its errors
    return audit_of(response.content.decode())


@pytest.mark.parametrize(
    ("name", "key", "field", "value"),
    [
        ("interview_notes", "interview", "decision_promised_on", "2026-02-30"),
        ("interview_edit", "interview", "starts_at", "9999-12-31T10:00"),
        ("application_edit", "application", "posting_url", "not a url"),
        ("contact_edit", "contact", "email", "not an email"),
        ("profile", None, "time_zone", "Mars/Olympus"),
        ("settings", None, "further_check_ins", "9"),
        ("followup_draft", "followup", "draft", "x" * 20_000),
    ],
)
def test_a_form_shown_again_with_errors_stays_clean_and_labelled(
    owner, rows, name, key, field, value
):
    data = site_map.valid_posts(rows)[name]
    url = reverse(name, args=[rows[key].pk] if key else [])
    audit = post_page(owner, url, {**data, field: value})
    assert audit.problems == []
    assert audit.unlabelled_fields() == []
    assert audit.heading_problems() == []
