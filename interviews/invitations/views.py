"""Upload → preview → confirm. Nothing is saved before the candidate confirms."""

import io
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from .. import services
from ..access import get_owned_or_404
from ..models import Application, Interview
from . import people as who
from .forms import (
    MAX_EVENTS,
    MAX_LISTED,
    ChooseEventForm,
    InvitationInterviewForm,
    InvitationPeopleFormSet,
    UploadForm,
    events_sign,
    events_unsign,
)
from .reading import MAX_BYTES, InvitationError, invitation_read


class MemoryOnlyUpload(FileUploadHandler):
    """Holds an upload in memory up to `limit` bytes and drops anything larger unread.

    Django's own handlers spool uploads over 2.5 MB to a temporary file; an
    invitation is never written anywhere, so this handler replaces them.
    """

    limit = MAX_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if self.buffer.tell() + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


@csrf_exempt
def invitation_upload(request, application_id=None):
    # The handlers must be swapped before anything reads request.POST, and the
    # CSRF middleware reads it; so CSRF is checked by the inner view instead.
    request.upload_handlers = [MemoryOnlyUpload(request)]
    return _invitation_upload(request, application_id)


@csrf_protect
def _invitation_upload(request, application_id):
    application = (
        get_owned_or_404(Application, request.user, pk=application_id) if application_id else None
    )
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        # Read after request.POST: parsing the upload is what sets it.
        too_large=getattr(request, "upload_too_large", False),
    )
    if posted and form.is_valid():
        try:
            events = invitation_read(
                form.data_bytes(), tz=request.candidate.tz, now=timezone.now()
            )
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            if len(events) == 1:
                return _preview(request, events[0], application=application)
            if len(events) <= MAX_EVENTS:
                return render(
                    request,
                    "interviews/invitation_choose.html",
                    {"events": events, "signed": events_sign(events), "application": application},
                )
            form.add_error(
                None,
                f"This file holds {len(events)} events: it is a whole calendar, not an "
                f"invitation. Export just the interview (at most {MAX_EVENTS} events).",
            )
    return render(
        request,
        "interviews/invitation_upload.html",
        {"form": form, "application": application, "max_mb": MAX_BYTES // 1_000_000},
    )


def _posted_application(request):
    """The application the upload started from, if the candidate owns it."""
    value = request.POST.get("from_application", "")
    if value.isdigit():
        return Application.objects.for_user(request.user).filter(pk=value).first()
    return None


@require_POST
def invitation_confirm(request):
    if "index" in request.POST:
        choose = ChooseEventForm(request.POST)
        if not choose.is_valid():
            messages.error(request, " ".join(choose.non_field_errors()) or "Pick an event.")
            return redirect("invitation_upload")
        return _preview(request, choose.cleaned_data["event"], _posted_application(request))
    try:
        (event,) = events_unsign(request.POST.get("event", ""))
    except (ValidationError, ValueError) as error:
        messages.error(request, getattr(error, "messages", ["Upload the invitation again."])[0])
        return redirect("invitation_upload")
    # Which interview an update moves is decided by the signed UID, never by the browser.
    existing = _existing(request, event)
    if event.cancelled or (existing and _state(event, existing) != "update"):
        return _preview(request, event)
    form = InvitationInterviewForm(
        request.POST,
        instance=existing or Interview(),
        candidate=request.candidate,
        updating=existing is not None,
    )
    people = InvitationPeopleFormSet(request.POST, prefix="people")
    if form.is_valid() & people.is_valid():
        try:
            if existing:
                interview = services.interview_invitation_update(form=form, people=people.rows())
            else:
                interview = services.interview_from_invitation(
                    candidate=request.candidate, form=form, people=people.rows()
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Interview moved; its follow-ups are re-planned."
                if existing
                else "Interview added from the invitation.",
            )
            return redirect(interview)
    else:
        messages.error(request, "Some answers need another look; nothing was saved yet.")
    return _preview(request, event, form=form, people=people)


def _existing(request, event):
    if not event.uid:
        return None
    return services.interview_for_invitation(candidate=request.candidate, uid=event.uid)


def _state(event, existing):
    """What this upload means for an interview added from the same invitation before."""
    if existing is None:
        return "cancelled" if event.cancelled else "new"
    if event.cancelled:
        return "cancel"
    if event.sequence < existing.calendar_sequence:
        return "older"
    unchanged = (existing.starts_at, existing.ends_at) == (event.starts_at, event.ends_at)
    if event.sequence == existing.calendar_sequence and unchanged:
        return "current"
    return "update"


def _guess_format(event):
    if event.video_link:
        return Interview.Format.VIDEO
    if re.search(r"\b(phone|call)\b", event.summary, re.IGNORECASE) and not event.location:
        return Interview.Format.PHONE
    return Interview.Format.IN_PERSON if event.location else Interview.Format.VIDEO


def _guess_round(event):
    text = event.summary.lower()
    for words, value in (
        (("final",), Interview.Round.FINAL),
        (("panel",), Interview.Round.PANEL),
        (("second", "2nd", "onsite", "on-site"), Interview.Round.SECOND),
    ):
        if any(word in text for word in words):
            return value
    return Interview.Round.FIRST


def _preview(request, event, application=None, *, form=None, people=None):
    candidate = request.candidate
    existing = _existing(request, event)
    state = _state(event, existing)
    context = {"event": event, "existing": existing, "state": state, "signed": ""}
    if state in ("new", "update"):
        applications = list(candidate.applications.all())
        guessed, company = who.application_guess(event, applications)
        application = application or guessed
        if existing:
            application = existing.application
        if form is None:
            form = InvitationInterviewForm(
                instance=existing or Interview(),
                candidate=candidate,
                updating=existing is not None,
                initial={
                    "event": events_sign([event]),
                    "starts_at": event.starts_at,
                    "ends_at": event.ends_at,
                    "location": event.video_link or event.location,
                    "format": existing.format if existing else _guess_format(event),
                    "round": existing.round if existing else _guess_round(event),
                    "application": application,
                    "new_company": "" if application else company,
                    "new_role": who.role_from_summary(event.summary),
                },
            )
        context.update(_people_context(candidate, event, application, existing, people))
        context.update(form=form, application=application)
    return render(request, "interviews/invitation_preview.html", context)


def _people_context(candidate, event, application, existing, people):
    """The people formset and, row by row, why a row is unticked and whom it matches."""
    addresses = candidate.user.emailaddress_set.values_list("email", flat=True)
    own = {candidate.user.email.lower()} | {address.lower() for address in addresses}
    listed = event.people[:MAX_LISTED]
    reasons = [who.left_out_reason(p, own_addresses=own) for p in listed]
    company = application.company if application else ""
    known = [
        who.known_contact(candidate=candidate, company=company, name=p.name, email=p.email)
        if company
        else None
        for p in listed
    ]
    on_interview = (
        set(existing.participants.values_list("contact_id", flat=True)) if existing else set()
    )
    if people is None:
        people = InvitationPeopleFormSet(
            prefix="people",
            initial=[
                {
                    "include": not reason and not (match and match.pk in on_interview),
                    "name": match.name if match else p.name,
                    "email": p.email,
                    "title": match.title if match else "",
                }
                for p, reason, match in zip(listed, reasons, known, strict=True)
            ],
        )
    rows = [
        {
            "form": person_form,
            "person": p,
            "reason": reason,
            "known": match,
            "already": bool(match and match.pk in on_interview),
        }
        for person_form, p, reason, match in zip(
            people.forms, listed, reasons, known, strict=False
        )
    ]
    return {"people": people, "rows": rows, "more_listed": max(0, len(event.people) - MAX_LISTED)}
