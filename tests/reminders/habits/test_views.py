"""The habit page, its date range, its drill-down lists, and who may see them."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Candidate
from reminders.models import FollowUp
from tests import factories
from tests.test_pages import audit_of

from .helpers import la, touch

NOW = la(2026, 4, 8, 12, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sam(owner):
    owner.time_zone = "America/Los_Angeles"
    owner.save()
    return owner


def some_history(candidate, *, applications=1, company="Northwind"):
    """Per application: a thank-you on time, one late, one skipped, a LinkedIn
    request and a check-in done, and a reply after the check-in."""
    for index in range(applications):
        app = factories.application(
            candidate=candidate,
            company=f"{company} {index}",
            employer_replied_at=la(2026, 3, 20, 9, 0),
        )
        day = la(2026, 3, 2, 12, 0) + timedelta(days=index % 20)
        touch(candidate, application=app, due=day, done=day - timedelta(hours=2))
        touch(candidate, application=app, due=day, done=day + timedelta(hours=5))
        touch(candidate, application=app, due=day, status=FollowUp.Status.SKIPPED)
        touch(candidate, application=app, kind="linkedin", due=day, done=day)
        touch(
            candidate,
            application=app,
            kind="check_in",
            due=la(2026, 3, 18, 9, 0),
            done=la(2026, 3, 17, 9, 0),
            done_channel="phone",
        )


def test_the_page_shows_every_figure_with_a_chart_and_a_table(sam, owner_client):
    some_history(sam)
    response = owner_client.get(reverse("habits"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.overall.thank_yous_on_time == 1 and report.overall.on_time_share == 33
    page = response.content.decode()
    for table in ("table-by-week", "table-by-month", "replies-by-kind-table", "outcomes-table"):
        assert f'id="{table}"' in page
        assert f'aria-describedby="{table}"' in page  # its chart points at it
    assert page.count("<svg") == 5
    audit = audit_of(page)
    assert (audit.problems, audit.unlabelled_fields(), audit.heading_problems()) == ([], [], [])


def test_a_bar_and_its_table_cell_link_to_the_same_follow_ups(sam, owner_client):
    some_history(sam)
    page = owner_client.get(reverse("habits")).content.decode()
    link = "/habits/followups/?from=2026-03-02&amp;to=2026-03-08&amp;figure=thank_yous_late"
    assert page.count(f'href="{link}"') == 2  # the bar in the chart, the number in the table


def test_a_bad_date_says_what_is_wrong_and_keeps_what_was_typed(sam, owner_client):
    response = owner_client.get(reverse("habits"), {"from": "2026-02-30", "to": "2026-04-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "From: Enter a valid date." in page
    assert 'value="2026-02-30"' in page and 'value="2026-04-01"' in page
    # The figures fall back to the last six months, and say so.
    assert response.context["report"].span.first.isoformat() == "2025-11-01"
    assert "Until the dates are fixed, this shows 1 Nov 2025 to 8 Apr 2026." in page


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-04-01", "2026-03-01", "The last day comes before the first. Swap them?"),
        ("2020-01-01", "2026-03-01", "Pick at most two years, so the weeks stay readable."),
        ("1900-01-01", "", "Check the year of the first day: between 2000 and"),
    ],
)
def test_a_range_that_cannot_be_shown_is_refused(sam, owner_client, first, last, message):
    page = owner_client.get(reverse("habits"), {"from": first, "to": last}).content.decode()
    assert message in page
    assert f'value="{first}"' in page


def test_a_range_chooses_the_weeks_shown(sam, owner_client):
    response = owner_client.get(reverse("habits"), {"from": "2026-03-02", "to": "2026-03-15"})
    assert [w.first.isoformat() for w in response.context["report"].weeks] == [
        "2026-03-02",
        "2026-03-09",
    ]


def test_the_drill_down_lists_the_follow_ups_behind_a_figure(sam, owner_client, stranger):
    some_history(sam)
    some_history(stranger, company="Elsewhere")
    response = owner_client.get(
        reverse("habit_followups"),
        {"figure": "thank_yous_late", "from": "2026-03-01", "to": "2026-03-31"},
    )
    rows = list(response.context["page"].object_list)
    assert [(f.candidate_id, f.kind, f.verdict) for f in rows] == [(sam.pk, "thank_you", "late")]
    assert "Elsewhere" not in response.content.decode()


def test_the_reply_drill_down_follows_the_same_rule_as_the_rate(sam, owner_client):
    some_history(sam)
    response = owner_client.get(
        reverse("habit_followups"), {"figure": "replied", "from": "2026-03-01", "to": "2026-03-31"}
    )
    # The reply came after the check-in: it is the check-in's, not the thank-yous'.
    assert [f.kind for f in response.context["page"].object_list] == ["check_in"]


def test_one_applications_follow_ups_and_another_candidates_application_is_a_404(
    sam, owner_client, stranger, stranger_client
):
    some_history(sam, applications=2)
    mine = sam.applications.order_by("company").first()
    url = reverse("application_habit_followups", args=[mine.pk])
    response = owner_client.get(url, {"from": "2026-03-01", "to": "2026-03-31"})
    assert {f.application_id for f in response.context["page"].object_list} == {mine.pk}
    assert stranger_client.get(url).status_code == 404


def test_an_unknown_figure_is_a_404_not_a_different_list(sam, owner_client):
    response = owner_client.get(reverse("habit_followups"), {"figure": "everything"})
    assert response.status_code == 404


def habit_page_queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("habits")).status_code == 200
    return len(context.captured_queries)


def test_the_page_needs_the_same_queries_at_any_size(sam, owner_client, django_assert_num_queries):
    Candidate.objects.filter(pk=sam.pk).update(weekly_goal="all_on_time")
    some_history(sam, applications=1)
    small = habit_page_queries(owner_client)
    some_history(sam, applications=40, company="More")
    assert FollowUp.objects.filter(candidate=sam).count() > 200
    with django_assert_num_queries(small):
        assert owner_client.get(reverse("habits")).status_code == 200
    # The session, the user, the candidate, then nine aggregates.
    assert small == 12
