"""Applications and follow-ups as CSV for a spreadsheet: the candidate's rows only,
times in their zone, nothing a spreadsheet would run as a formula."""

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Application
from reminders.models import FollowUp
from tests.reminders.portability.archive_rows import NOW, search


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def table(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_applications_table_has_one_row_per_application(owner, owner_client):
    search(owner)
    rows = table(owner_client, "tables_applications")
    assert [(r["Company"], r["Role"], r["Status"]) for r in rows] == [
        ("Northwind", "Data Engineer", "Active"),
        ("Contoso", "Analyst", "Rejected"),
    ]
    northwind = rows[0]
    assert northwind["Applied on"] == "2026-02-20"
    assert northwind["How applied"] == "Referral"
    assert northwind["Main contact"] == "Dana Whitfield"
    assert northwind["Interviews"] == "2"
    # The second round began at 14:00 Berlin time (13:00 UTC).
    assert northwind["Latest interview"] == "2026-03-12 14:00"
    assert rows[1]["Status since"] == "2026-02-20 10:00"


def test_the_follow_ups_table_has_each_follow_up_with_its_state(owner, owner_client):
    search(owner)
    rows = table(owner_client, "tables_followups")
    assert len(rows) == FollowUp.objects.filter(candidate=owner).count() == 10
    done = next(r for r in rows if r["Follow-up"] == "Thank-you" and r["Done"])
    assert done["Person"] == "Dana Whitfield"
    assert done["Status"] == "Done"
    assert done["Done"] == "2026-03-02 18:00"
    assert done["Done by"] == "Printed card"
    assert done["Draft"] == "Dear Dana,\n\nThank you for Monday.\n\nBest,\nSam"
    cancelled = next(r for r in rows if r["Status"] == "Cancelled")
    assert cancelled["Why"] == "A later round was added."


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(owner, owner_client):
    search(owner)
    Application.objects.filter(company="Contoso").update(
        company='=HYPERLINK("http://evil.test")', role="+1", notes="-2", applied_via="@SUM(A1)"
    )
    row = table(owner_client, "tables_applications")[1]
    assert row["Company"] == '\'=HYPERLINK("http://evil.test")'
    assert (row["Role"], row["Notes"], row["How applied"]) == ("'+1", "'-2", "'@SUM(A1)")


def test_another_candidates_rows_are_never_in_a_table(owner, owner_client, stranger):
    search(owner)
    search(stranger, company="Globex", people=("Rita Secret",))
    for name in ("tables_applications", "tables_followups"):
        text = str(table(owner_client, name))
        assert "Globex" not in text and "Rita Secret" not in text


@pytest.mark.parametrize("name", ["tables_applications", "tables_followups"])
def test_a_table_takes_the_same_queries_at_any_size(owner, owner_client, name):
    search(owner)
    with CaptureQueriesContext(connection) as small:
        table(owner_client, name)
    for index in range(4):
        search(owner, company=f"Company{index}", people=(f"A {index}", f"B {index}"))
    with CaptureQueriesContext(connection) as big:
        rows = table(owner_client, name)
    assert len(rows) > 8
    assert len(big) == len(small)


@pytest.mark.parametrize("name", ["tables_applications", "tables_followups"])
def test_a_table_only_answers_a_get(owner_client, name):
    assert owner_client.post(reverse(name)).status_code == 405
