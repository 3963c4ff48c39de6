"""What the server tells the browser's keep-typing script (interviews/templatetags/keep_typing.py).

The script itself is exercised end to end in tests/browser/test_keep_typing.py;
these tests hold the page's side of the contract: whose copies it may read,
its words, and the marks that say whether a save went through.
"""

import json
import re

import pytest
from django.test import Client

from interviews.templatetags.keep_typing import KEEP_DAYS, TEXTS
from reminders.followups.planning import followups_plan
from reminders.models import FollowUp
from tests import factories


def settings_block(response):
    html = response.content.decode()
    found = re.search(r'<script id="keep-typing" type="application/json">(.*?)</script>', html)
    assert found, "every page carries the keep-typing settings"
    return json.loads(found.group(1))


@pytest.fixture
def interview(owner):
    return factories.panel(candidate=owner)


def test_a_signed_out_page_names_nobody(db):
    response = Client().get("/accounts/login/")
    assert settings_block(response) == {"user": None}


def test_each_person_gets_their_own_prefix_and_it_is_not_their_id(
    owner_client, stranger_client, owner, stranger
):
    mine = settings_block(owner_client.get("/applications/new/"))
    again = settings_block(owner_client.get("/people/new/"))
    theirs = settings_block(stranger_client.get("/applications/new/"))
    assert mine["user"] == again["user"]
    assert mine["user"] != theirs["user"]
    assert str(owner.user.pk) != mine["user"] and len(mine["user"]) == 20
    assert mine["texts"] == TEXTS and "{time}" in mine["texts"]["restored"]
    assert mine["days"] == KEEP_DAYS
    assert mine["zone"] == "Europe/Berlin"


@pytest.mark.parametrize(
    "path",
    [
        "/applications/new/",
        "/people/new/",
        "/interviews/{pk}/notes/",
        "/interviews/{pk}/edit/",
        "/applications/{app}/interviews/new/",
    ],
)
def test_the_long_forms_opt_in(owner_client, interview, path):
    url = path.format(pk=interview.pk, app=interview.application.pk)
    html = owner_client.get(url).content.decode()
    assert re.search(r"<form [^>]*\bdata-keep\b", html)
    assert "data-keep-bound" not in html


def test_a_form_sent_back_with_errors_says_so(owner_client, interview):
    response = owner_client.post("/applications/new/", {"company": "Northwind"})
    assert response.status_code == 200
    assert "data-keep-bound" in response.content.decode()


def test_a_successful_save_is_marked_on_the_next_page(owner_client):
    response = owner_client.post(
        "/applications/new/", {"company": "Northwind", "role": "Data Engineer"}, follow=True
    )
    assert 'data-message-level="success"' in response.content.decode()


def test_the_draft_editor_files_its_copy_under_its_page(owner_client, owner, interview):
    followups_plan(application=interview.application)
    thank_you = FollowUp.objects.filter(kind="thank_you").first()
    html = owner_client.get(f"/followups/{thank_you.pk}/").content.decode()
    assert f'data-keep="/followups/{thank_you.pk}/"' in html
