"""The dashboard lists a few of each bucket and counts them all; the follow-up
list shows every one, a page at a time, its filters kept in every page link."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from interviews.paging import PER_PAGE
from reminders.followups.board import SHOWN, board_for
from reminders.models import FollowUp
from tests import bulk, factories
from tests.reminders.helpers import berlin
from tests.test_robustness import ODD_VALUES

NOW = berlin(2026, 3, 3, 9, 0)
LIST = reverse("followups")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def search(owner):
    """A long search: 30 overdue, 12 due today, 20 coming up and 5 done."""
    return bulk.followups(candidate=owner, now=NOW, overdue=30, today=12, coming=20, done=5)


def page_links(html):
    return [unescape(href) for href in re.findall(r'class="page-link" href="([^"]+)"', html)]


def followup_ids(html):
    return [int(pk) for pk in re.findall(r'href="/followups/(\d+)/"', html)]


# The dashboard ----------------------------------------------------------------------


def test_the_dashboard_counts_every_follow_up_and_lists_only_the_most_urgent(
    owner, owner_client, search
):
    response = owner_client.get("/")
    board = response.context["board"]
    assert (board.overdue_count, board.due_today_count, board.coming_up_count) == (30, 12, 20)
    assert len(board.overdue) == SHOWN["overdue"] < 30
    assert len(board.due_today) == SHOWN["due_today"] < 12
    assert len(board.coming_up) == SHOWN["coming_up"] < 20
    # The most urgent: the overdue ones due longest ago, in order.
    overdue = FollowUp.objects.filter(candidate=owner, due_at__lt=NOW).order_by("due_at", "id")
    assert board.overdue == list(overdue[: SHOWN["overdue"]])
    html = response.content.decode()
    assert '<div class="stat-number text-danger">30</div>' in html
    assert f'href="{LIST}?show=overdue">See all 30 overdue</a>' in html
    assert f'href="{LIST}?show=due_today">See all 12 due today</a>' in html
    assert f'href="{LIST}?show=coming_up">See all 20 coming up</a>' in html
    listed = SHOWN["overdue"] + SHOWN["due_today"] + SHOWN["coming_up"]
    assert len(followup_ids(html)) == listed


def test_the_dashboard_counts_agree_with_the_rows_whatever_their_number(owner, search):
    board = board_for(candidate=owner, now=NOW)
    pending = FollowUp.objects.filter(candidate=owner).pending()
    overdue = [f for f in pending if f.due_at < NOW]
    assert board.overdue_count == len(overdue) == 30
    assert board.due_today_count + board.coming_up_count == len(pending) - len(overdue)


def test_a_short_list_has_no_see_all_link(owner, owner_client):
    bulk.followups(candidate=owner, now=NOW, overdue=2, today=1, coming=1)
    html = owner_client.get("/").content.decode()
    assert "See all" not in html
    assert len(followup_ids(html)) == 4


def test_the_dashboard_never_counts_another_candidates_follow_ups(owner, stranger, owner_client):
    bulk.followups(candidate=stranger, now=NOW, overdue=40)
    bulk.followups(candidate=owner, now=NOW, overdue=3)
    board = owner_client.get("/").context["board"]
    assert board.overdue_count == 3
    assert {f.candidate_id for f in board.overdue} == {owner.pk}


def test_the_dashboard_stays_small_with_hundreds_of_follow_ups(owner, owner_client):
    bulk.followups(candidate=owner, now=NOW, overdue=200, today=60, coming=80, done=40)
    response = owner_client.get("/")
    assert response.context["board"].overdue_count == 200
    assert len(response.content) < 60_000


# The follow-up list -----------------------------------------------------------------


def test_see_all_overdue_lists_exactly_the_overdue_a_page_at_a_time(owner, owner_client, search):
    first = owner_client.get(f"{LIST}?show=overdue").content.decode()
    second = owner_client.get(f"{LIST}?show=overdue&page=2").content.decode()
    ids = followup_ids(first) + followup_ids(second)
    overdue = FollowUp.objects.filter(candidate=owner, status="open", due_at__lt=NOW)
    assert ids == list(overdue.order_by("due_at", "id").values_list("pk", flat=True))
    assert len(followup_ids(first)) == PER_PAGE
    assert f"Showing 1–{PER_PAGE} of 30" in first
    assert f"Showing {PER_PAGE + 1}–30 of 30" in second


def test_the_filters_survive_every_page_link(owner, owner_client):
    bulk.followups(candidate=owner, now=NOW, overdue=120)
    application = FollowUp.objects.filter(candidate=owner).first().application
    url = f"{LIST}?show=overdue&kind=thank_you&application={application.pk}"
    html = owner_client.get(url).content.decode()
    links = page_links(html)
    assert links, "no page links"
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["show"] == ["overdue"] and query["kind"] == ["thank_you"]
        assert query["application"] == [str(application.pk)]
    # 60 thank-yous among the 120: three pages, the last one current when followed.
    assert "Showing 1–25 of 60" in html
    assert all(link.startswith("?") for link in links)  # the same page, other rows
    last = owner_client.get(LIST + links[-2]).content.decode()  # the highest number, before "Next"
    assert "Showing 51–60 of 60" in last
    assert re.search(r'aria-current="page">3</a>', last)
    kinds = FollowUp.objects.filter(pk__in=followup_ids(last)).values_list("kind", flat=True)
    assert set(kinds) == {"thank_you"}


def test_each_choice_lists_its_own_follow_ups(owner, owner_client, search):
    def listed(query):
        ids = []
        for page in (1, 2, 3):
            ids += followup_ids(owner_client.get(f"{LIST}?{query}&page={page}").content.decode())
            if len(ids) < PER_PAGE * page:
                break
        return ids

    assert len(listed("show=due_today")) == 12
    assert len(listed("show=coming_up")) == 20
    assert len(listed("show=done")) == 5
    assert len(listed("")) == 62  # still to do: every pending one
    assert len(listed("show=overdue&kind=linkedin")) == 15


def test_every_row_links_to_its_follow_up(owner, owner_client, search):
    html = owner_client.get(f"{LIST}?show=done").content.decode()
    done = FollowUp.objects.filter(candidate=owner, status="done")
    assert sorted(followup_ids(html)) == sorted(done.values_list("pk", flat=True))
    for pk in followup_ids(html):
        assert owner_client.get(f"/followups/{pk}/").status_code == 200


@pytest.mark.parametrize(
    ("page", "shown"),
    [("abc", "Showing 1–25 of 62"), ("999", "Showing 51–62 of 62"), ("-1", "Showing 51–62")],
)
def test_a_bad_page_number_shows_a_page_of_the_list(owner_client, search, page, shown):
    response = owner_client.get(f"{LIST}?page={page}")
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_an_unknown_choice_is_named_and_the_list_still_shown(owner_client, search):
    response = owner_client.get(f"{LIST}?show=everything&kind=linkedin")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice. everything is not one of the available choices." in html
    # The kind still applies: the pending LinkedIn requests.
    assert "Showing 1–25 of 31" in html


def test_another_candidates_follow_ups_never_show(owner, stranger, owner_client, search):
    theirs = bulk.followups(candidate=stranger, now=NOW, overdue=5, done=5)
    mine = set()
    for show in ("pending", "overdue", "done"):
        for page in (1, 2, 3):
            mine |= set(
                followup_ids(owner_client.get(f"{LIST}?show={show}&page={page}").content.decode())
            )
    assert mine and not mine & {f.pk for f in theirs}
    # Their application is a 404, as everywhere; so is an id that is not a number.
    assert owner_client.get(f"{LIST}?application={theirs[0].application_id}").status_code == 404
    assert owner_client.get(f"{LIST}?application=x1").status_code == 404


def test_the_follow_up_list_stays_small_with_hundreds_of_follow_ups(owner, owner_client):
    bulk.followups(candidate=owner, now=NOW, overdue=300, done=50)
    response = owner_client.get(f"{LIST}?show=overdue")
    assert "Showing 1–25 of 300" in response.content.decode()
    assert len(response.content) < 60_000


@pytest.mark.parametrize("param", ["show", "kind", "application", "page"])
def test_odd_values_in_the_list_filters_never_give_a_server_error(owner_client, search, param):
    for value in ODD_VALUES.values():
        response = owner_client.get(LIST, {param: value})
        assert response.status_code in (200, 404), (param, value)


def test_interviews_waiting_for_notes_are_all_counted_and_the_latest_listed(owner, owner_client):
    application = bulk.applications(candidate=owner, count=1)[0]
    ended = [
        factories.interview(application=application, starts_at=NOW - timedelta(days=1 + i))
        for i in range(SHOWN["awaiting_notes"] + 4)
    ]
    response = owner_client.get("/")
    assert response.context["awaiting_notes_count"] == len(ended)
    listed = response.context["awaiting_notes"]
    assert listed == ended[: SHOWN["awaiting_notes"]]  # the most recently ended first
    html = response.content.decode()
    assert f'<div class="stat-number text-warning-emphasis">{len(ended)}</div>' in html
    assert f"The {SHOWN['awaiting_notes']} that ended most recently are shown" in html
