"""The privacy page: public, linked from every page and from sign-up, figures from the code."""

import re

import pytest
from django.conf import settings
from django.test import Client

from reminders.cards.printing import CACHE_SECONDS

pytestmark = pytest.mark.django_db


def test_anyone_can_read_it_and_its_figures_are_the_settings():
    response = Client().get("/privacy/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"A session lasts {settings.SESSION_COOKIE_AGE // 86400} days" in page
    assert re.search(rf"up\s+to {CACHE_SECONDS // 86400} days", page)
    for topic in ("About the people you meet", "Who can see it", "Delete your account", "JSON"):
        assert topic in page


def test_every_page_links_to_it_and_sign_up_says_why(owner_client):
    assert 'href="/privacy/"' in owner_client.get("/").content.decode()
    signup = Client().get("/accounts/signup/").content.decode()
    assert 'href="/privacy/"' in signup
    assert "who sees it" in signup
