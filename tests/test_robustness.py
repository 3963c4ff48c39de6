"""No input, however odd, gives a server error on any URL of the site.

Every URL is found by walking the URLconf (tests/site_map.py), so a new form
is covered the day its URL is added. Each odd value goes into each field of
a POST that is otherwise valid, so it reaches the code past the first
validation error (planning, the services), and then into every field at once.
"""

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from interviews.forms import (
    ApplicationForm,
    ContactForm,
    InterviewForm,
    NotesForm,
    PersonForm,
    ProfileForm,
)
from reminders.cards.forms import CardOptionsForm
from reminders.followups.forms import DoneForm, DraftForm, FollowUpSettingsForm, SnoozeForm
from tests import site_map
from tests.reminders.followup_factory import quick_candidate

ODD_VALUES = {
    "empty": "",
    "blank": "   ",
    "huge": "x" * 20_000,
    "unicode": "Łukasz Zoë Søren 🎉 مرحبا \u202etxt",
    "markup": '<script>alert(1)</script><img src=x onerror="alert(2)">',
    "nul": "a\x00b",
    "control": "a\x1b[31m\x7fb",
    "negative": "-1",
    "zero": "0",
    "huge_number": "99999999999999999999999",
    "float": "1e309",
    "invalid_date": "2026-02-30",
    "invalid_datetime": "2026-02-30T25:61",
    "far_future_date": "9999-12-31",
    "far_future_datetime": "9999-12-31T23:59",
    "ancient_date": "0001-01-01",
    "ancient_datetime": "0001-01-01T00:00",
    "several_values": ["a", "b"],
    "header_injection": "a\r\nX-Injected: 1",
    "script_url": "javascript:alert(1)",
    "other_site": "//evil.example/",
}

# One field at a time takes these: each stands for a kind of trouble (the
# date ones reach the planner's arithmetic when the rest of the form is valid).
PER_FIELD = [
    ODD_VALUES[key]
    for key in (
        "empty",
        "huge",
        "unicode",
        "markup",
        "nul",
        "huge_number",
        "negative",
        "invalid_date",
        "far_future_date",
        "far_future_datetime",
        "ancient_datetime",
        "several_values",
    )
]

# Every field name a form of the site reads, so the all-at-once POST reaches them all.
ALL_FIELDS = sorted(
    {
        name
        for form in (
            ApplicationForm,
            ContactForm,
            InterviewForm,
            NotesForm,
            ProfileForm,
            FollowUpSettingsForm,
            DraftForm,
            DoneForm,
            SnoozeForm,
            CardOptionsForm,
        )
        for name in form.base_fields
    }
    | {f"people-{i}-{name}" for i in (0, 1) for name in [*PersonForm.base_fields, "DELETE"]}
    | {f"people-{name}_FORMS" for name in ("TOTAL", "INITIAL", "MIN_NUM", "MAX_NUM")}
    | {"status", "replied", "next", "format", "ink", "paper"}
    # allauth's forms
    | {"login", "password", "remember", "email", "password1", "password2", "oldpassword"}
    | {"full_name", "time_zone", "code", "action_add", "action_remove", "action_primary"}
)


def post_routes(*, with_valid_post=False):
    """Every URL of ours a POST can reach, and allauth's pages without a key in the URL."""
    routes = []
    names = site_map.VALID_POST_NAMES
    for route, entry in site_map.walk():
        if route.startswith("admin/"):
            continue
        if route.startswith("accounts/") and any(c in route for c in "<(^$"):
            continue
        if with_valid_post and entry.name not in names:
            continue
        routes.append(pytest.param(route, entry, id=entry.name or route))
    return routes


@pytest.fixture
def frozen():
    with time_machine.travel(site_map.NOW, tick=False):
        yield


@pytest.fixture
def owner(db):
    # No password hashing: this file makes a fresh owner for a hundred tests.
    return quick_candidate(email="owner@example.com")


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner.user)
    return client


@pytest.fixture
def rows(owner, frozen):
    return site_map.owners_rows(owner)


def post(client, owner, url, data):
    # Log in again each time: the logout URL is on the list too.
    client.force_login(owner.user)
    response = client.post(url, data)
    assert response.status_code < 500, f"POST {url} {data!r:.300}: {response.status_code}"
    return response


@pytest.mark.parametrize(("route", "entry"), post_routes(with_valid_post=True))
def test_an_odd_value_in_any_field_never_gives_a_server_error(
    route, entry, owner, owner_client, rows
):
    valid = site_map.valid_posts(rows)[entry.name]
    url = site_map.url_for(route, entry, rows)
    for field in valid:
        for value in PER_FIELD:
            post(owner_client, owner, url, {**valid, field: value})
    # Formsets without their management form, or one claiming absurd counts.
    if any(key.startswith("people-") for key in valid):
        bare = {k: v for k, v in valid.items() if not k.endswith("_FORMS")}
        post(owner_client, owner, url, bare)
        post(owner_client, owner, url, {**valid, "people-TOTAL_FORMS": "100000"})


@pytest.mark.parametrize(("route", "entry"), post_routes())
def test_odd_values_in_every_field_at_once_never_give_a_server_error(
    route, entry, owner, owner_client, rows
):
    url = site_map.url_for(route, entry, rows)
    post(owner_client, owner, url, {})
    for value in ODD_VALUES.values():
        post(owner_client, owner, url, dict.fromkeys(ALL_FIELDS, value))


@pytest.mark.parametrize(
    "url_name", ["interview_cards", "interview_cards_pdf", "followup_card_pdf"]
)
def test_odd_card_options_never_give_a_server_error(url_name, owner_client, rows):
    key = "followup" if url_name == "followup_card_pdf" else "interview"
    url = reverse(url_name, args=[rows[key].pk])
    for value in ODD_VALUES.values():
        for name in ("format", "ink", "paper", "ruled", "envelopes", "unknown"):
            response = owner_client.get(url, {name: value})
            assert response.status_code < 500, f"GET {url} {name}={value!r:.80}"


def test_a_huge_query_string_is_refused_cleanly(owner_client, rows):
    url = reverse("interview_cards", args=[rows["interview"].pk])
    response = owner_client.get(url + "?" + "&".join(f"k{i}=v" for i in range(5000)))
    assert response.status_code == 400


def test_an_odd_status_filter_lists_everything(owner_client, rows):
    for value in ODD_VALUES.values():
        response = owner_client.get(reverse("application_list"), {"status": value})
        assert response.status_code == 200
        assert rows["application"] in response.context["applications"]


@pytest.mark.parametrize(("route", "entry"), post_routes(with_valid_post=True))
def test_the_baseline_posts_are_valid(route, entry, owner_client, rows):
    # Odd values replace one field of these: if a baseline were refused, the
    # odd values would never reach the code behind the form.
    url = site_map.url_for(route, entry, rows)
    response = owner_client.post(url, site_map.valid_posts(rows)[entry.name])
    assert response.status_code == 302
    errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert not errors
