"""Saving a draft: an empty or JSON post keeps the stored draft and says why."""

import html
import json

import pytest

from reminders.followups.views import DRAFT_MISSING
from reminders.models import FollowUp
from tests import factories

from ..helpers import berlin, of_kind, plan


@pytest.fixture
def thank_you(owner):
    app = factories.application(candidate=owner)
    interview = factories.interview(application=app, starts_at=berlin(2026, 3, 2, 10, 0))
    factories.participant(interview=interview, contact=factories.contact(candidate=owner))
    plan(app, berlin(2026, 3, 2, 12, 0))
    return of_kind(app, FollowUp.Kind.THANK_YOU)[0]


def _post(client, followup, **kwargs):
    return client.post(f"/followups/{followup.pk}/draft/", **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {}},
        {"data": {"subject": "Thanks", "draft": ""}},
        {"data": {"subject": "Thanks", "draft": " \r\n\t "}},
        {
            "data": json.dumps({"subject": "Thanks", "draft": "Hello there"}),
            "content_type": "application/json",
        },
    ],
    ids=["nothing", "empty", "blank", "json"],
)
def test_an_empty_post_keeps_the_stored_draft_and_says_so(owner_client, thank_you, kwargs):
    stored = thank_you.draft
    assert stored
    response = _post(owner_client, thank_you, **kwargs)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert DRAFT_MISSING in content
    # The box shows the stored draft again, not an empty one.
    assert stored in content
    thank_you.refresh_from_db()
    assert thank_you.draft == stored and not thank_you.draft_edited


def test_a_written_draft_is_still_saved(owner_client, thank_you):
    response = _post(owner_client, thank_you, data={"subject": "Thanks", "draft": "Dear Dana,"})
    assert response.status_code == 302
    thank_you.refresh_from_db()
    assert thank_you.draft == "Dear Dana," and thank_you.draft_edited


def test_another_candidates_draft_is_a_404(stranger_client, thank_you):
    assert _post(stranger_client, thank_you, data={}).status_code == 404
