"""Upload → columns → preview → import. Nothing reaches the search before confirming."""

import json

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from interviews.access import candidate_for, get_owned_or_404
from interviews.invitations.views import MemoryOnlyUpload
from reminders.models import SpreadsheetImport

from .spreadsheet_forms import ColumnsForm, ConfirmForm, SpreadsheetUploadForm
from .spreadsheet_import import (
    ImportRefused,
    preview_build,
    spreadsheet_import,
    spreadsheet_import_steps,
    upload_rows,
    upload_store,
)
from .spreadsheets import FIELDS, MAX_BYTES, TableError, table_read, template_csv

PROBLEMS_SHOWN = 200
ROWS_SHOWN = 100


class SpreadsheetUpload(MemoryOnlyUpload):
    limit = MAX_BYTES


@csrf_exempt
def spreadsheet_upload(request):
    # As for invitations: the handler is swapped before the CSRF middleware
    # reads request.POST, so the inner view checks CSRF.
    request.upload_handlers = [SpreadsheetUpload(request)]
    return _spreadsheet_upload(request)


@csrf_protect
def _spreadsheet_upload(request):
    posted = request.method == "POST"
    form = SpreadsheetUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        too_large=getattr(request, "upload_too_large", False),
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = table_read(upload.read(), upload.name)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            stored, remembered = upload_store(
                candidate=candidate_for(request.user), filename=upload.name, table=table
            )
            if table.is_linkedin:
                messages.info(request, "This is LinkedIn's export of your job applications.")
                return redirect("spreadsheet_preview", pk=stored.pk)
            if remembered:
                messages.info(
                    request, "The columns are matched as in your last import of this layout."
                )
                return redirect("spreadsheet_preview", pk=stored.pk)
            return redirect("spreadsheet_columns", pk=stored.pk)
    return render(
        request,
        "reminders/portability/spreadsheet_upload.html",
        {"form": form, "fields": FIELDS, "max_mb": MAX_BYTES // (1024 * 1024)},
    )


def _pending_upload(request, pk):
    upload = get_owned_or_404(SpreadsheetImport, request.user, pk=pk)
    return upload


def spreadsheet_columns(request, pk):
    upload = _pending_upload(request, pk)
    if upload.imported_at:
        return redirect("spreadsheet_preview", pk=upload.pk)
    initial = {key: str(index) for key, index in upload.mapping.items()}
    initial["date_style"] = upload.date_style
    form = ColumnsForm(
        request.POST or None, initial=initial, header=upload.header, rows=upload.rows
    )
    if request.method == "POST" and form.is_valid():
        SpreadsheetImport.objects.filter(pk=upload.pk).update(
            mapping=form.mapping, date_style=form.cleaned_data["date_style"]
        )
        return redirect("spreadsheet_preview", pk=upload.pk)
    return render(
        request,
        "reminders/portability/spreadsheet_columns.html",
        {"form": form, "upload": upload, "row_count": len(upload.rows)},
    )


def _preview_page(request, upload, form, status=200):
    candidate = upload.candidate
    preview = preview_build(candidate=candidate, rows=upload_rows(upload, candidate=candidate))
    if not preview.problems:
        del form.fields["skip_problems"]  # nothing to leave out
    return render(
        request,
        "reminders/portability/spreadsheet_preview.html",
        {
            "upload": upload,
            "form": form,
            "preview": preview,
            "problems": preview.problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(0, len(preview.problems) - PROBLEMS_SHOWN),
            "new_rows": preview.new_applications[:ROWS_SHOWN],
            "new_rows_hidden": max(0, len(preview.new_applications) - ROWS_SHOWN),
            "mapped": [f for f in FIELDS if f.key in upload.mapping],
        },
        status=status,
    )


def _count(number, one, many):
    return f"{number:,} {one if number == 1 else many}"


def _done_message(summary):
    text = "Imported {}, {} and {}.".format(
        _count(summary["applications"], "application", "applications"),
        _count(summary["interviews"], "interview", "interviews"),
        _count(summary["people"], "person", "people"),
    )
    if summary["already_here"]:
        text += f" {_count(summary['already_here'], 'row was', 'rows were')} already here and "
        text += "left as they are."
    if summary["left_out"]:
        text += f" {_count(summary['left_out'], 'row', 'rows')} with problems left out."
    if summary["marked_done"]:
        text += f" {_count(summary['marked_done'], 'past follow-up', 'past follow-ups')} "
        text += "marked done."
    return text


def _streamed_import(upload, form):
    """The import as NDJSON lines: how far it is while it plans, then where to go."""

    def lines():
        steps = spreadsheet_import_steps(upload=upload, **form.cleaned_data)
        try:
            while True:
                done, total = next(steps)
                yield json.dumps({"done": done, "total": total}) + "\n"
        except StopIteration:
            yield json.dumps({"redirect": reverse("spreadsheet_preview", args=[upload.pk])}) + "\n"
        except ImportRefused as exc:
            yield json.dumps({"error": str(exc)}) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


def spreadsheet_preview(request, pk):
    upload = _pending_upload(request, pk)
    if upload.imported_at:
        return render(
            request,
            "reminders/portability/spreadsheet_done.html",
            {"upload": upload, "message": _done_message(upload.summary)},
        )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return _preview_page(request, upload, form)
    if request.headers.get("X-Import-Progress") == "1":
        return _streamed_import(upload, form)
    try:
        spreadsheet_import(upload=upload, **form.cleaned_data)
    except ImportRefused as exc:
        form.add_error(None, str(exc))
        return _preview_page(request, upload, form, status=422)
    return redirect("spreadsheet_preview", pk=upload.pk)


@require_GET
def spreadsheet_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications-template.csv"'
    return response
