"""The pages' query counts stay flat as a candidate's data grows (no N+1 queries).

Each page is measured with a little data, then the data grows several-fold
(more applications, interviews, people and planned follow-ups) and the page
must answer within the count it needed at the small size.
"""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders.models import FollowUp
from tests import bulk, factories
from tests.reminders.helpers import berlin, plan

NOW = berlin(2026, 3, 3, 9, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def application_with(candidate, *, company, rounds):
    """An application with `rounds` interviews of two people each, planned."""
    application = factories.application(candidate=candidate, company=company)
    for index in range(rounds):
        interview = factories.interview(
            application=application, starts_at=berlin(2026, 2, 2 + index, 10, 0)
        )
        for person in ("A", "B"):
            contact = factories.contact(
                candidate=candidate,
                name=f"{person} {company} {index}",
                company=company,
                email=f"{person.lower()}{index}@{company.lower()}.test",
                postal_address="1 Main Street\nBerlin",
            )
            factories.participant(interview=interview, contact=contact)
    application.main_contact = contact
    application.save()
    plan(application, NOW)
    return application


def urls_for(application):
    interview = application.interviews.order_by("starts_at").last()
    thank_you = FollowUp.objects.filter(application=application, kind="thank_you").first()
    return {
        "application list": "/applications/",
        "application detail": application.get_absolute_url(),
        "interview detail": interview.get_absolute_url(),
        "notes form": f"/interviews/{interview.pk}/notes/",
        "interview form": f"/interviews/{interview.pk}/edit/",
        "follow-up page": f"/followups/{thank_you.pk}/",
        "people": "/people/",
        "person": thank_you.contact.get_absolute_url(),
        "card preview": f"/interviews/{interview.pk}/cards/",
        "dashboard": "/",
        "follow-up list": "/followups/",
        "profile": "/profile/",
    }


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_no_page_needs_more_queries_as_the_data_grows(owner, owner_client):
    small_app = application_with(owner, company="Small", rounds=1)
    small = {page: queries(owner_client, url) for page, url in urls_for(small_app).items()}

    for index in range(4):
        application_with(owner, company=f"Other{index}", rounds=2)
    big_app = application_with(owner, company="Big", rounds=4)
    assert FollowUp.objects.filter(candidate=owner).count() > 40
    big = {page: queries(owner_client, url) for page, url in urls_for(big_app).items()}

    grew = {page: (small[page], big[page]) for page in small if big[page] > small[page]}
    assert grew == {}, f"queries grew with the data (small, big): {grew}"


# The long lists, at each size a page at a time: page 1, and the last page
# when there is more than one (page 99 answers with the last).
LIST_PAGES = {
    "dashboard": "/",
    "follow-up list": "/followups/",
    "follow-up list, overdue": "/followups/?show=overdue&kind=thank_you",
    "follow-up list, done": "/followups/?show=done&page=99",
    "application list": "/applications/",
    "application list, last page": "/applications/?status=active&page=99",
    "people": "/people/",
    "people, searched, last page": "/people/?q=person&page=99",
    "profile": "/profile/",
}


def grow_to(candidate, rows):
    """`rows` applications, people and follow-ups in each of the dashboard's buckets."""
    bulk.applications(candidate=candidate, count=rows)
    bulk.people(candidate=candidate, count=rows)
    bulk.followups(candidate=candidate, now=NOW, overdue=rows, today=rows, coming=rows, done=rows)


def test_the_lists_need_the_same_queries_at_3_rows_and_at_60(owner, owner_client):
    grow_to(owner, 3)
    small = {page: queries(owner_client, url) for page, url in LIST_PAGES.items()}
    grow_to(owner, 57)
    big = {page: queries(owner_client, url) for page, url in LIST_PAGES.items()}
    assert big == small


def test_the_follow_up_page_stays_within_a_fixed_budget(
    owner, owner_client, django_assert_max_num_queries
):
    # The session, the user, the candidate, then the follow-up with its
    # application, interview and person in one query.
    url = urls_for(application_with(owner, company="Northwind", rounds=3))["follow-up page"]
    with django_assert_max_num_queries(4):
        assert owner_client.get(url).status_code == 200
