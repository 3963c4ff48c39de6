"""The candidate's data out (JSON, CSV), back in (restore), and leaving.

Function views; every one works on request.candidate alone, so nothing of
another candidate's can reach a download or a restore.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from interviews.models import Application, Contact
from reminders.models import FollowUp

from . import archive, leaving, tables
from .forms import LeavingForm, RestoreForm


def _download(content, *, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Everything the candidate has: no shared cache (a proxy) may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def archive_export(request):
    today = timezone.localdate()
    return _download(
        archive.archive_json(candidate=request.candidate),
        filename=f"follow-up-export-{today:%Y-%m-%d}.json",
        content_type="application/json; charset=utf-8",
    )


def archive_restore(request):
    form = RestoreForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = archive.archive_read(form.cleaned_data["file"])
            restored = archive.archive_restore(
                candidate=request.candidate, data=data, merge=form.merge
            )
        except archive.ArchiveInvalid as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _restored_message(restored))
            return redirect("dashboard")
    return render(request, "reminders/portability/archive_restore.html", {"form": form})


PART_NAMES = {
    "contacts": "people",
    "applications": "applications",
    "interviews": "interviews",
    "participants": "people met",
    "followups": "follow-ups",
}


def _restored_message(restored):
    created = ", ".join(f"{n} {PART_NAMES[part]}" for part, n in restored.created.items() if n)
    message = f"Restored {created}." if created else "Nothing new to restore."
    matched = sum(restored.matched.values())
    if matched:
        message += f" {matched} rows of the file were here already and were left as they are."
    return message


@require_GET
def tables_download(request, name):
    today = timezone.localdate()
    # A BOM, so that Excel reads the file as UTF-8 (accents, names in any script).
    return _download(
        "\ufeff" + tables.table_for(name=name, candidate=request.candidate),
        filename=f"follow-up-{name}-{today:%Y-%m-%d}.csv",
        content_type="text/csv; charset=utf-8",
    )


def leaving_confirm(request):
    form = LeavingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        deleted = leaving.account_delete(user=request.user)
        logout(request)
        return render(request, "reminders/portability/leaving_done.html", {"deleted": deleted})
    candidate = request.candidate
    return render(
        request,
        "reminders/portability/leaving_confirm.html",
        {
            "form": form,
            "counts": {
                "applications": Application.objects.filter(candidate=candidate).count(),
                "people": Contact.objects.filter(candidate=candidate).count(),
                "followups": FollowUp.objects.filter(candidate=candidate).count(),
            },
            "export_url": reverse("archive_export"),
        },
    )
