"""Importing a spreadsheet through its pages: columns, preview, one transaction, history."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.models import Application, Contact, Interview, Participant
from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp, SpreadsheetImport
from reminders.portability import spreadsheet_import as importer
from reminders.portability.spreadsheets import FIELDS
from tests import factories

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "spreadsheets"
BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
# Thursday 3 December 2026, 10:00 in Berlin: every date in the files is past.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def upload(client, name, data=None):
    data = (FILES / name).read_bytes() if data is None else data
    return client.post(reverse("spreadsheet_upload"), {"file": SimpleUploadedFile(name, data)})


def latest_upload():
    return SpreadsheetImport.objects.first()


def columns_data(upload, **changes):
    data = {key: str(index) for key, index in upload.mapping.items()}
    data["date_style"] = upload.date_style
    data.update(changes)
    return data


def confirm(client, upload, **options):
    return client.post(reverse("spreadsheet_preview", args=[upload.pk]), options)


def imported(client, name):
    """Upload, keep the guessed columns, confirm; the upload row."""
    response = upload(client, name)
    stored = latest_upload()
    if "columns" in response["Location"]:
        client.post(reverse("spreadsheet_columns", args=[stored.pk]), columns_data(stored))
    assert confirm(client, stored).status_code == 302
    return stored


def counts(candidate):
    return (
        Application.objects.filter(candidate=candidate).count(),
        Interview.objects.filter(application__candidate=candidate).count(),
        Contact.objects.filter(candidate=candidate).count(),
    )


def test_an_own_spreadsheet_goes_upload_columns_preview_import(owner, owner_client):
    response = upload(owner_client, "template_layout.csv")
    stored = latest_upload()
    assert response["Location"] == reverse("spreadsheet_columns", args=[stored.pk])

    page = owner_client.get(response["Location"]).content.decode()
    assert "Company (needed)" in page
    assert "Northwind, Contoso" in page  # sample values beside each column

    response = owner_client.post(response["Location"], columns_data(stored))
    preview = owner_client.get(response["Location"])
    assert preview.context["preview"].new_applications[0].company == "Northwind"
    assert counts(owner) == (0, 0, 0), "the preview saves nothing"

    response = confirm(owner_client, stored)

    assert response.status_code == 302
    assert counts(owner) == (3, 1, 2)
    northwind = Application.objects.get(candidate=owner, company="Northwind")
    assert (northwind.applied_on, northwind.applied_via, northwind.notes) == (
        date(2026, 10, 2),
        "Company website",
        "Referred by Lee",
    )
    assert northwind.posting_url == "https://northwind.example/jobs/42"
    assert northwind.main_contact.name == "Dana Whitfield"
    interview = northwind.interviews.get()
    assert interview.starts_at == datetime(2026, 10, 20, 14, 0, tzinfo=BERLIN)
    assert list(interview.people.values_list("email", flat=True)) == ["dana@northwind.example"]
    done = owner_client.get(response["Location"]).content.decode()
    assert "Imported 3 applications, 1 interview and 2 people." in done


def test_statuses_are_kept_as_history(owner, owner_client):
    imported(owner_client, "template_layout.csv")

    contoso = Application.objects.get(candidate=owner, company="Contoso")
    assert contoso.status == Application.Status.REJECTED
    # When it was recorded is unknown; the applied date is the latest the row gives.
    assert contoso.status_changed_at == datetime(2026, 10, 5, tzinfo=BERLIN)


def test_linkedins_export_imports_without_asking_for_columns(owner, owner_client):
    response = upload(owner_client, "Job Applications.csv")
    stored = latest_upload()
    assert response["Location"] == reverse("spreadsheet_preview", args=[stored.pk])
    assert stored.date_style == "mdy"

    confirm(owner_client, stored)

    rows = Application.objects.filter(candidate=owner).order_by("applied_on")
    assert [(a.company, a.applied_on, a.applied_via) for a in rows] == [
        ("Tailspin Toys", date(2026, 10, 6), "LinkedIn"),
        ("Wide World Importers", date(2026, 11, 24), "LinkedIn"),
    ]
    assert Contact.objects.filter(candidate=owner).count() == 0


def test_a_german_file_with_interviews_in_the_candidates_zone(owner, owner_client):
    imported(owner_client, "german_excel.csv")

    mueller = Application.objects.get(candidate=owner, company="Müller & Söhne GmbH")
    assert mueller.interviews.get().starts_at == datetime(2026, 11, 17, 10, 30, tzinfo=BERLIN)
    assert mueller.main_contact.name == "Frau Köhler"
    assert Application.objects.get(company="Straßenbau AG").status == "offer"


def test_the_day_month_choice_on_the_columns_page_decides_ambiguous_dates(owner, owner_client):
    data = b"Company,Role,Applied on\nNorthwind,Analyst,03/04/2026\n"
    upload(owner_client, "ambiguous.csv", data)
    stored = latest_upload()
    owner_client.post(
        reverse("spreadsheet_columns", args=[stored.pk]), columns_data(stored, date_style="mdy")
    )
    confirm(owner_client, stored)

    assert Application.objects.get(candidate=owner).applied_on == date(2026, 3, 4)


def test_re_importing_the_same_file_creates_nothing_twice(owner, owner_client):
    imported(owner_client, "template_layout.csv")
    before = counts(owner)

    response = upload(owner_client, "template_layout.csv")
    # The columns are remembered from the last import of this layout.
    assert "columns" not in response["Location"]
    page = owner_client.get(response["Location"])
    assert not page.context["preview"].has_changes
    assert "There is nothing new in this file" in page.content.decode()
    confirm(owner_client, latest_upload())

    assert counts(owner) == before


def test_an_extra_interview_for_a_known_application_is_added_to_it(owner, owner_client):
    imported(owner_client, "template_layout.csv")
    data = (
        b"Company,Role,Applied on,Interview date and time\n"
        b"northwind , data engineer,2026-10-02,2026-10-20 14:00\n"
        b"Northwind,Data Engineer,2026-10-02,2026-11-03 09:00\n"
    )
    upload(owner_client, "more.csv", data)
    stored = latest_upload()
    owner_client.post(reverse("spreadsheet_columns", args=[stored.pk]), columns_data(stored))
    confirm(owner_client, stored)

    northwind = Application.objects.get(candidate=owner, company="Northwind")  # still one
    starts = list(northwind.interviews.order_by("starts_at").values_list("starts_at", flat=True))
    assert starts == [
        datetime(2026, 10, 20, 14, 0, tzinfo=BERLIN),
        datetime(2026, 11, 3, 9, 0, tzinfo=BERLIN),
    ]


def test_the_preview_lists_every_problem_and_confirming_imports_nothing(owner, owner_client):
    response = upload(owner_client, "with_problems.csv")
    stored = latest_upload()
    owner_client.post(response["Location"], columns_data(stored))
    page = owner_client.get(reverse("spreadsheet_preview", args=[stored.pk])).content.decode()
    assert "4 problems to look at" in page
    assert "“Maybe” is not a status this import knows." in page

    refused = confirm(owner_client, stored)

    assert refused.status_code == 422
    assert "4 problem(s) in the file" in refused.content.decode()
    assert counts(owner) == (0, 0, 0)


def test_rows_with_problems_can_be_left_out_on_purpose(owner, owner_client):
    response = upload(owner_client, "with_problems.csv")
    stored = latest_upload()
    owner_client.post(response["Location"], columns_data(stored))

    confirm(owner_client, stored, skip_problems="on")

    assert list(Application.objects.filter(candidate=owner).values_list("company", flat=True)) == [
        "Northwind"
    ]
    assert latest_upload().summary["left_out"] == 4


def test_a_failure_late_in_the_file_leaves_nothing(owner, owner_client, monkeypatch):
    lines = ["Company,Role,Applied on,Interview date and time"] + [
        f"Company {n},Role {n},2026-10-01,2026-10-{1 + n % 28:02d} 10:00" for n in range(60)
    ]
    upload(owner_client, "long.csv", "\n".join(lines).encode())
    stored = latest_upload()
    owner_client.post(reverse("spreadsheet_columns", args=[stored.pk]), columns_data(stored))
    planned = []
    real_plan = importer.followups_plan

    def plan_then_fail(*, application, now):
        planned.append(application.pk)
        if len(planned) == 59:
            raise RuntimeError("the database went away")
        return real_plan(application=application, now=now)

    monkeypatch.setattr(importer, "followups_plan", plan_then_fail)
    with pytest.raises(RuntimeError):
        confirm(owner_client, stored)

    assert len(planned) == 59
    assert counts(owner) == (0, 0, 0)
    assert not FollowUp.objects.exists()
    assert latest_upload().imported_at is None


def _past_followups(owner):
    return FollowUp.objects.filter(candidate=owner, due_at__lt=NOW)


def test_already_followed_up_marks_past_windows_done_and_sends_no_email(owner, owner_client):
    stored = imported_with(owner_client, "template_layout.csv", already_followed_up="on")

    past = _past_followups(owner)
    assert past.exists()
    assert set(past.values_list("status", flat=True)) == {FollowUp.Status.DONE}
    for row in past:
        assert row.done_at == row.due_at
    assert stored.summary["marked_done"] == past.count()
    reminders_sweep(now=NOW.astimezone(UTC))
    assert mail.outbox == []


def test_otherwise_past_windows_are_overdue_on_the_dashboard_and_send_no_email(
    owner, owner_client
):
    imported_with(owner_client, "template_layout.csv")

    past = _past_followups(owner)
    assert past.exists()
    assert set(past.values_list("status", flat=True)) <= set(FollowUp.PENDING)
    assert not past.filter(remind_at__isnull=False).exists()
    reminders_sweep(now=NOW.astimezone(UTC))
    assert mail.outbox == []
    overdue = owner_client.get(reverse("dashboard")).context["board"].overdue
    assert {f.pk for f in overdue} >= set(past.values_list("pk", flat=True))


def test_a_window_still_open_is_reminded_once_and_not_marked_done(owner, owner_client):
    # Yesterday's interview: its thank-you is open until this afternoon.
    lines = ["Company,Role,Interview date and time,Contact name"] + [
        f"Company {n},Analyst,2026-10-{1 + n:02d} 10:00,Person {n}" for n in range(20)
    ]
    lines.append("Northwind,Analyst,2026-12-02 16:00,Dana Whitfield")
    imported_with(
        owner_client, "recent.csv", data="\n".join(lines).encode(), already_followed_up="on"
    )

    thank_you = FollowUp.objects.get(
        candidate=owner, kind=FollowUp.Kind.THANK_YOU, application__company="Northwind"
    )
    assert thank_you.is_pending
    reminders_sweep(now=NOW.astimezone(UTC))
    (message,) = mail.outbox
    assert "Thank Dana Whitfield" in message.subject
    assert "Person 3" not in message.body


def test_an_interview_still_ahead_keeps_its_reminders(owner, owner_client):
    data = (
        b"Company,Role,Interview date and time,Contact name\n"
        b"Northwind,Analyst,2026-12-10 10:00,Dana Whitfield\n"
    )
    imported_with(owner_client, "ahead.csv", data=data, already_followed_up="on")

    thank_you = FollowUp.objects.get(candidate=owner, kind=FollowUp.Kind.THANK_YOU)
    assert thank_you.status == FollowUp.Status.PLANNED
    assert thank_you.remind_at == datetime(2026, 12, 10, 11, 0, tzinfo=BERLIN)


def imported_with(client, name, data=None, **options):
    response = upload(client, name, data)
    stored = latest_upload()
    if "columns" in response["Location"]:
        client.post(reverse("spreadsheet_columns", args=[stored.pk]), columns_data(stored))
    assert confirm(client, stored, **options).status_code == 302
    stored.refresh_from_db()
    return stored


def test_the_columns_page_refuses_a_missing_or_doubled_column_and_keeps_the_choices(
    owner_client,
):
    upload(owner_client, "template_layout.csv")
    stored = latest_upload()
    data = columns_data(stored, company="", notes="0")
    response = owner_client.post(reverse("spreadsheet_columns", args=[stored.pk]), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["company"] == ["Choose the column with the company."]
    assert response.context["form"]["notes"].value() == "0"
    data = columns_data(stored, role="0")
    errors = (
        owner_client.post(reverse("spreadsheet_columns", args=[stored.pk]), data)
        .context["form"]
        .errors
    )
    assert errors["role"] == ["That column is already chosen for company."]


def test_a_file_that_is_not_a_table_keeps_the_candidate_on_the_upload_page(owner_client):
    response = upload(owner_client, "search.xls", b"\xd0\xcf\x11\xe0 old excel")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Save the spreadsheet as .xlsx or CSV first."
    ]
    assert not SpreadsheetImport.objects.exists()


def test_an_upload_over_the_limit_is_refused_unread(owner_client):
    response = upload(owner_client, "big.csv", b"Company,Role\n" + b"a,b\n" * 1_400_000)

    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()


def test_another_candidates_upload_is_404(owner_client, stranger_client):
    upload(owner_client, "template_layout.csv")
    stored = latest_upload()
    for name in ("spreadsheet_columns", "spreadsheet_preview"):
        url = reverse(name, args=[stored.pk])
        assert stranger_client.get(url).status_code == 404
        assert stranger_client.post(url, columns_data(stored)).status_code == 404
    assert not Application.objects.exists()


def test_a_streamed_import_reports_progress_then_where_to_go(owner, owner_client):
    lines = ["Company,Role,Interview date and time"] + [
        f"Company {n},Analyst,2026-11-{1 + n % 28:02d} 10:00" for n in range(60)
    ]
    upload(owner_client, "long.csv", "\n".join(lines).encode())
    stored = latest_upload()
    owner_client.post(reverse("spreadsheet_columns", args=[stored.pk]), columns_data(stored))

    response = owner_client.post(
        reverse("spreadsheet_preview", args=[stored.pk]), {}, headers={"X-Import-Progress": "1"}
    )

    assert response["Content-Type"] == "application/x-ndjson"
    events = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [e["done"] for e in events if e.get("total")] == [25, 50]
    assert events[-1] == {"redirect": reverse("spreadsheet_preview", args=[stored.pk])}
    assert counts(owner)[0] == 60


def test_the_template_csv_downloads_with_the_documented_columns(owner_client):
    response = owner_client.get(reverse("spreadsheet_template"))

    assert response["Content-Disposition"] == 'attachment; filename="applications-template.csv"'
    header = response.content.decode().splitlines()[0]
    assert header.split(",") == [f.label for f in FIELDS]


def test_an_upload_left_unconfirmed_is_dropped_after_a_day(owner, owner_client):
    upload(owner_client, "template_layout.csv")
    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        upload(owner_client, "german_excel.csv")

    assert list(SpreadsheetImport.objects.values_list("filename", flat=True)) == [
        "german_excel.csv"
    ]


def test_contacts_already_known_are_reused(owner, owner_client):
    known = factories.contact(candidate=owner, name="Dana Whitfield", company="Northwind")
    imported(owner_client, "template_layout.csv")

    assert Contact.objects.filter(candidate=owner, name="Dana Whitfield").get() == known
    assert Participant.objects.get().contact == known
