"""Another candidate's rows are a 404 on every URL that takes an id, GET and POST,
and no form lets a candidate point at someone else's rows."""

import pytest
import time_machine

from interviews.models import Application, Interview, Participant
from tests import factories, site_map


@pytest.fixture
def owners_rows(owner):
    with time_machine.travel(site_map.NOW, tick=False):
        yield site_map.owners_rows(owner)


def test_the_walk_finds_every_kind_of_id_url():
    names = {entry.name for _, entry in site_map.id_routes()}
    assert {"application_detail", "interview_notes", "contact_edit", "followup_done"} <= names
    # The cards and every follow-up action are on the walk too.
    assert {"interview_cards", "interview_cards_pdf", "followup_card_pdf"} <= names
    actions = ("draft", "draft_reset", "done", "snooze", "skip", "reply", "undo")
    assert {f"followup_{action}" for action in actions} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_id_url_is_404_for_another_candidate(method, owners_rows, stranger_client):
    before = site_map.snapshot(owners_rows)
    posts = site_map.valid_posts(owners_rows)
    checked = []
    with time_machine.travel(site_map.NOW, tick=False):
        for route, entry in site_map.id_routes():
            url = site_map.url_for(route, entry, owners_rows)
            if method == "get":
                response = stranger_client.get(url)
            else:
                # The POST the owner's own form would send: it must still do nothing.
                response = stranger_client.post(url, posts.get(entry.name, {}))
            assert response.status_code == 404, f"{method.upper()} {url}"
            checked.append(url)
    assert len(checked) >= 20
    assert site_map.snapshot(owners_rows) == before


def test_the_owner_reaches_the_same_urls(owners_rows, owner_client):
    with time_machine.travel(site_map.NOW, tick=False):
        for route, entry in site_map.id_routes():
            url = site_map.url_for(route, entry, owners_rows)
            if "delete" in route:
                continue
            response = owner_client.get(url)
            assert response.status_code in (200, 302, 405), f"GET {url}: {response.status_code}"


def test_anonymous_visitors_are_sent_to_log_in(client, owners_rows):
    response = client.get(owners_rows["interview"].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Foreign keys picked in forms -------------------------------------------------------------


def test_another_candidates_contact_cannot_be_the_main_contact(
    owners_rows, stranger, stranger_client
):
    theirs = owners_rows["contact"]
    mine = factories.application(candidate=stranger, company=theirs.company)
    data = {"company": "Northwind", "role": "Analyst", "main_contact": str(theirs.pk)}
    for url in ("/applications/new/", f"/applications/{mine.pk}/edit/"):
        response = stranger_client.post(url, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Application.objects.filter(main_contact=theirs, candidate=stranger).exists()
    mine.refresh_from_db()
    assert mine.main_contact is None and mine.role == "Data Engineer"


def test_another_candidates_contact_cannot_be_picked_as_a_person_met(
    owners_rows, stranger, stranger_client
):
    theirs = owners_rows["contact"]
    mine = factories.interview(
        application=factories.application(candidate=stranger, company=theirs.company)
    )
    people = site_map.people_rows({"contact": str(theirs.pk)})
    notes = {"summary": "Talked", "decision_promised_on": "", **people}
    interview = {
        "round": "first",
        "starts_at": "2026-03-02T10:00",
        "duration_minutes": "60",
        "format": "video",
        **people,
    }
    for url, data in (
        (f"/interviews/{mine.pk}/notes/", notes),
        (f"/interviews/{mine.pk}/edit/", interview),
        (f"/applications/{mine.application_id}/interviews/new/", interview),
    ):
        response = stranger_client.post(url, data)
        assert response.status_code == 200, url
        assert "Select a valid choice" in response.content.decode(), url
    assert (
        not Participant.objects.filter(contact=theirs)
        .exclude(interview=owners_rows["interview"])
        .exists()
    )
    assert Interview.objects.filter(application__candidate=stranger).count() == 1
    mine.refresh_from_db()
    assert mine.summary == "" and mine.notes_saved_at is None
