"""A cap on the size of every request body, uploads included.

Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files, which
its handlers stream to a temporary file however large they are. The app's own
upload limits (an invitation, a spreadsheet, a data archive) are checked only
once a file has arrived. This answers 413 before anything reads a body larger
than the largest of them plus room for the form around it.
"""

import io

from django.shortcuts import render

from interviews.invitations.reading import MAX_BYTES as INVITATION_MAX_BYTES
from reminders.portability.archive_format import MAX_BYTES as ARCHIVE_MAX_BYTES
from reminders.portability.spreadsheets import MAX_BYTES as SPREADSHEET_MAX_BYTES

MB = 1024 * 1024
LARGEST_UPLOAD = max(INVITATION_MAX_BYTES, SPREADSHEET_MAX_BYTES, ARCHIVE_MAX_BYTES)
# The form fields and multipart boundaries around the largest file.
REQUEST_MAX_BYTES = LARGEST_UPLOAD + 2 * MB
_CHUNK = 64 * 1024


def too_large(request):
    return render(
        request,
        "request_too_large.html",
        {"max_mb": REQUEST_MAX_BYTES // MB, "largest_upload_mb": LARGEST_UPLOAD // MB},
        status=413,
    )


def _read_chunked(stream, limit):
    """The body of a request without Content-Length, or None past ``limit``."""
    body = io.BytesIO()
    while chunk := stream.read(_CHUNK):
        if body.tell() + len(chunk) > limit:
            return None
        body.write(chunk)
    return body.getvalue()


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                if int(length) > REQUEST_MAX_BYTES:
                    return too_large(request)
            except ValueError:
                pass
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # gunicorn passes a chunked body through without a length, which
            # Django would read as empty: count it here instead, and hand the
            # view the body it sent when it fits.
            body = _read_chunked(request.META["wsgi.input"], REQUEST_MAX_BYTES)
            if body is None:
                return too_large(request)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = io.BytesIO(body)
        return self.get_response(request)
