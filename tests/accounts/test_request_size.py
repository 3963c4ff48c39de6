"""Every request body is capped above the largest upload; past it, a clear 413."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from followup_site import middleware
from followup_site.middleware import MB, REQUEST_MAX_BYTES, RequestSizeLimitMiddleware
from interviews.invitations.reading import MAX_BYTES as INVITATION_MAX_BYTES
from reminders.portability.archive_format import MAX_BYTES as ARCHIVE_MAX_BYTES
from reminders.portability.spreadsheets import MAX_BYTES as SPREADSHEET_MAX_BYTES

pytestmark = pytest.mark.django_db


def test_the_cap_is_two_megabytes_above_the_largest_upload():
    largest = max(INVITATION_MAX_BYTES, SPREADSHEET_MAX_BYTES, ARCHIVE_MAX_BYTES)
    assert largest + 2 * MB == REQUEST_MAX_BYTES
    assert REQUEST_MAX_BYTES // MB == 12


def test_a_too_large_upload_gets_413_with_the_limit_in_words(owner_client):
    upload = SimpleUploadedFile("huge.json", b"x" * (REQUEST_MAX_BYTES + 1))
    response = owner_client.post("/data/restore/", {"file": upload, "mode": "refuse"})

    assert response.status_code == 413
    page = response.content.decode()
    assert "The site accepts at most 12 MB in one request." in page
    assert "data archive of 10 MB" in page
    # Refused after the security middleware, so the page keeps its headers.
    assert "Content-Security-Policy" in response.headers


def test_an_upload_under_the_cap_reaches_the_view_and_its_own_message(owner_client):
    upload = SimpleUploadedFile("big.json", b"x" * (ARCHIVE_MAX_BYTES + 1))
    response = owner_client.post("/data/restore/", {"file": upload, "mode": "refuse"})

    assert response.status_code == 200
    assert "larger than 10 MB" in response.content.decode()


def _chunked(body):
    request = RequestFactory().post("/", data=b"", content_type="application/octet-stream")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = io.BytesIO(body)
    return request


def test_a_chunked_body_is_counted_as_it_arrives(monkeypatch):
    monkeypatch.setattr(middleware, "REQUEST_MAX_BYTES", 1000)
    seen = []
    cap = RequestSizeLimitMiddleware(lambda request: seen.append(request.body) or "passed")

    assert cap(_chunked(b"y" * 1001)).status_code == 413
    assert seen == []
    assert cap(_chunked(b"y" * 1000)) == "passed"
    assert seen == [b"y" * 1000]
