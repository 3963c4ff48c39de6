"""The applications and people lists a page at a time, their filters kept in page links."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from interviews.models import Application
from interviews.paging import PER_PAGE
from tests import bulk
from tests.test_robustness import ODD_VALUES


def page_links(html):
    return [unescape(href) for href in re.findall(r'class="page-link" href="([^"]+)"', html)]


def application_ids(html):
    return [int(pk) for pk in re.findall(r'href="/applications/(\d+)/"', html)]


def people_ids(html):
    return [int(pk) for pk in re.findall(r'href="/people/(\d+)/"', html)]


# Applications -----------------------------------------------------------------------


def test_the_applications_come_a_page_at_a_time_every_one_once(owner, owner_client):
    bulk.applications(candidate=owner, count=60)
    seen = []
    for page in (1, 2, 3):
        html = owner_client.get(f"/applications/?page={page}").content.decode()
        seen += application_ids(html)
    assert len(seen) == len(set(seen)) == 60
    assert f"Showing 1–{PER_PAGE} of 60" in owner_client.get("/applications/").content.decode()


def test_the_status_filter_survives_every_page_link(owner, owner_client):
    bulk.applications(candidate=owner, count=40, prefix="Active")
    bulk.applications(candidate=owner, count=30, status="rejected", prefix="Rejected")
    html = owner_client.get("/applications/?status=rejected").content.decode()
    assert "Showing 1–25 of 30" in html
    links = page_links(html)
    assert links and all(
        parse_qs(urlsplit(link).query)["status"] == ["rejected"] for link in links
    )
    second = owner_client.get("/applications/" + links[-1]).content.decode()  # Next
    assert "Showing 26–30 of 30" in second
    statuses = Application.objects.filter(pk__in=application_ids(second)).values_list(
        "status", flat=True
    )
    assert list(statuses) == ["rejected"] * 5
    assert re.search(r'aria-current="page">2</a>', second)


@pytest.mark.parametrize(
    ("page", "shown"),
    [("x", "Showing 1–25 of 30"), ("99", "Showing 26–30 of 30"), ("0", "Showing 26–30")],
)
def test_a_bad_page_number_answers_with_a_page(owner, owner_client, page, shown):
    bulk.applications(candidate=owner, count=30)
    response = owner_client.get(f"/applications/?page={page}")
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_another_candidates_applications_never_show(owner, stranger, owner_client):
    mine = {a.pk for a in bulk.applications(candidate=owner, count=30)}
    bulk.applications(candidate=stranger, count=30, prefix="Theirs")
    seen = set()
    for page in (1, 2):
        seen |= set(
            application_ids(owner_client.get(f"/applications/?page={page}").content.decode())
        )
    assert seen == mine


def test_the_applications_page_stays_small_with_many_applications(owner, owner_client):
    bulk.applications(candidate=owner, count=150)
    response = owner_client.get("/applications/")
    assert "Showing 1–25 of 150" in response.content.decode()
    assert len(response.content) < 60_000


# People -----------------------------------------------------------------------------


def test_the_search_finds_by_name_or_company_and_survives_every_page_link(owner, owner_client):
    bulk.people(candidate=owner, count=40, company="Northwind", prefix="Dana")
    bulk.people(candidate=owner, count=20, company="Contoso", prefix="Lee")
    html = owner_client.get("/people/?q=north").content.decode()
    assert "Showing 1–25 of 40" in html
    assert 'value="north"' in html  # the box keeps what was typed
    links = page_links(html)
    assert links and all(parse_qs(urlsplit(link).query)["q"] == ["north"] for link in links)
    second = owner_client.get("/people/" + links[-1]).content.decode()
    assert "Showing 26–40 of 40" in second
    assert "Contoso" not in second
    by_name = owner_client.get("/people/?q=LEE 1").content.decode()
    # Lee 1 and Lee 10 to Lee 19.
    assert "Showing 11 of 11" in by_name


def test_a_search_that_finds_no_one_says_so(owner, owner_client):
    bulk.people(candidate=owner, count=3)
    html = owner_client.get("/people/?q=Zebra").content.decode()
    assert "No one matches “Zebra”." in html


def test_another_candidates_people_never_show_even_when_searched(owner, stranger, owner_client):
    mine = {c.pk for c in bulk.people(candidate=owner, count=10, prefix="Kim")}
    bulk.people(candidate=stranger, count=10, prefix="Kim")
    assert set(people_ids(owner_client.get("/people/?q=kim").content.decode())) == mine


@pytest.mark.parametrize("page", ["abc", "1e9", "-3", "99999999999999999999"])
def test_a_bad_people_page_number_answers_with_a_page(owner, owner_client, page):
    bulk.people(candidate=owner, count=30)
    response = owner_client.get(f"/people/?page={page}")
    assert response.status_code == 200
    assert "Showing" in response.content.decode()


def test_the_people_page_stays_small_with_many_people(owner, owner_client):
    bulk.people(candidate=owner, count=300)
    response = owner_client.get("/people/")
    assert "Showing 1–25 of 300" in response.content.decode()
    assert len(response.content) < 60_000


# The profile ------------------------------------------------------------------------


def test_the_profile_page_stays_small(owner, owner_client):
    bulk.applications(candidate=owner, count=150)
    bulk.people(candidate=owner, count=300)
    response = owner_client.get("/profile/")
    assert response.status_code == 200
    assert len(response.content) < 60_000


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/applications/", "status"),
        ("/applications/", "page"),
        ("/people/", "q"),
        ("/people/", "page"),
    ],
)
def test_odd_values_in_the_list_filters_never_give_a_server_error(owner, owner_client, url, param):
    bulk.applications(candidate=owner, count=30)
    bulk.people(candidate=owner, count=30)
    for value in ODD_VALUES.values():
        response = owner_client.get(url, {param: value})
        assert response.status_code == 200, (param, value)
