"""Sign-up tells nobody whether an address already has an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def sign_up(email):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "another-long-password-77",
            "password2": "another-long-password-77",
            "full_name": "Ana Lima",
            "time_zone": "Europe/Berlin",
        },
        follow=True,
    )
    return response


def visible_text(response):
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return page


def test_a_taken_address_gets_the_same_answer_as_a_new_one(owner):
    taken = sign_up(owner.user.email)
    taken_page = visible_text(taken).replace(owner.user.email, "ADDRESS")
    fresh = sign_up("new-person@example.com")
    fresh_page = visible_text(fresh).replace("new-person@example.com", "ADDRESS")

    assert taken.status_code == fresh.status_code == 200
    assert taken.redirect_chain == fresh.redirect_chain
    assert taken.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert taken_page == fresh_page
    assert "ADDRESS" in taken_page
    # Nobody is signed in by either: the new address must be verified first.
    assert not taken.wsgi_request.user.is_authenticated
    assert not fresh.wsgi_request.user.is_authenticated


def test_the_owner_of_the_taken_address_is_told_by_email_and_nothing_changes(owner):
    sign_up(owner.user.email)

    assert get_user_model().objects.filter(email=owner.user.email).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.user.email]
    assert "already" in (mail.outbox[0].subject + mail.outbox[0].body).lower()
    # The existing password still works.
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": owner.user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_a_new_address_gets_a_verification_link_and_signs_in_once_verified(client):
    sign_up("new-person@example.com")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    refused = client.post(
        "/accounts/login/",
        {"login": "new-person@example.com", "password": "another-long-password-77"},
    )
    assert not refused.wsgi_request.user.is_authenticated
    client.post(link)
    response = client.post(
        "/accounts/login/",
        {"login": "new-person@example.com", "password": "another-long-password-77"},
    )
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated
