"""Another candidate's rows are a 404 on every URL that takes an id, GET and POST."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from reminders.models import FollowUp
from tests import factories

# Which model an id in each part of the site names. A new URL with an id in
# a part not listed here fails the walk below until it is added.
OWNED_BY_PREFIX = {
    "applications/": "application",
    "interviews/": "interview",
    "people/": "contact",
    "followups/": "followup",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def id_routes():
    """(route, pattern) for every pattern of ours whose URL takes an integer id."""
    for route, entry in _walk(get_resolver().url_patterns):
        converters = getattr(entry.pattern, "converters", {})
        if route.startswith("admin/") or not converters:
            continue
        if any(isinstance(c, IntConverter) for c in converters.values()):
            yield route, entry


@pytest.fixture
def owners_rows(owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield",))
    application = interview.application
    contact = interview.participants.get().contact
    followup = FollowUp.objects.create(
        candidate=owner,
        application=application,
        interview=interview,
        contact=contact,
        kind=FollowUp.Kind.THANK_YOU,
        opens_at=interview.ends_at,
        due_at=interview.ends_at,
        channel=FollowUp.Channel.EMAIL,
    )
    return {
        "application": application,
        "interview": interview,
        "contact": contact,
        "followup": followup,
    }


def _url_for(route, entry, rows):
    prefix = next((p for p in OWNED_BY_PREFIX if route.startswith(p)), None)
    assert prefix, f"{route} takes an id but no model is mapped for it in OWNED_BY_PREFIX"
    row = rows[OWNED_BY_PREFIX[prefix]]
    url = "/" + route
    for name in entry.pattern.converters:
        url = url.replace(f"<int:{name}>", str(row.pk))
    return url


def test_the_walk_finds_every_kind_of_id_url():
    routes = [route for route, _ in id_routes()]
    assert any(r.startswith("applications/") for r in routes)
    assert any(r.startswith("interviews/") for r in routes)
    assert any(r.startswith("people/") for r in routes)


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_id_url_is_404_for_another_candidate(method, owners_rows, stranger_client):
    checked = []
    for route, entry in id_routes():
        url = _url_for(route, entry, owners_rows)
        response = getattr(stranger_client, method)(url)
        assert response.status_code in (404, 405), f"{method.upper()} {url}"
        if response.status_code == 404:
            checked.append(url)
    assert len(checked) >= 10
    # Nothing of the owner's was changed or deleted by those requests.
    for row in owners_rows.values():
        row.refresh_from_db()


def test_the_owner_reaches_the_same_urls(owners_rows, owner_client):
    for route, entry in id_routes():
        url = _url_for(route, entry, owners_rows)
        if "delete" in route:
            continue
        response = owner_client.get(url)
        assert response.status_code in (200, 302, 405), f"GET {url}: {response.status_code}"


def test_anonymous_visitors_are_sent_to_log_in(client, owners_rows):
    response = client.get(owners_rows["interview"].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
