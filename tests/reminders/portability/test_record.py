"""The record of applications made: its rows, in the candidate's calendar, as
the PDF a job agency gets (read back with pypdf) and as CSV, and its form."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from interviews.models import Application
from reminders.cards.fetcher import AssetRefused
from reminders.portability import record
from reminders.portability.record_views import last_full_month
from tests import factories

AUCKLAND = ZoneInfo("Pacific/Auckland")  # UTC+13 in March
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # UTC-7 in March
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
TODAY = datetime(2026, 4, 14, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def applied(candidate, when, *, company="Northwind", **fields):
    """An application entered at `when` (created_at cannot be set on create)."""
    application = factories.application(candidate=candidate, company=company, **fields)
    Application.objects.filter(pk=application.pk).update(created_at=when)
    return application


def in_march(candidate, count, *, prefix="Employer", **fields):
    """`count` applications entered in March, a day apart, named in order."""
    return [
        applied(
            candidate,
            datetime(2026, 3, 1 + i % 31, 10, 0, tzinfo=candidate.tz),
            company=f"{prefix} {i:02}",
            **fields,
        )
        for i in range(count)
    ]


def pdf_pages(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Cells wrap: the text of each page with its line breaks as plain spaces.
    pages = PdfReader(io.BytesIO(response.content)).pages
    return [" ".join(page.extract_text().split()) for page in pages]


def csv_rows(response):
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets then read it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def get_pdf(client, period=MARCH):
    return client.get(reverse("record_pdf"), period)


def get_csv(client, period=MARCH):
    return client.get(reverse("record_csv"), period)


# The PDF -------------------------------------------------------------------------------


def test_the_pdf_lists_each_application_in_the_period_once_and_the_total(owner, owner_client):
    in_march(owner, 5)
    applied(owner, datetime(2026, 2, 28, 12, 0, tzinfo=owner.tz), company="February Ltd")
    applied(owner, datetime(2026, 4, 1, 12, 0, tzinfo=owner.tz), company="April Ltd")

    text = "\n".join(pdf_pages(get_pdf(owner_client)))

    for i in range(5):
        assert text.count(f"Employer {i:02}") == 1
    assert "February Ltd" not in text and "April Ltd" not in text
    assert "Total: 5 applications from 1 Mar 2026 to 31 Mar 2026 (5 open)." in text
    assert "Sam Okafor" in text and "1 Mar 2026 to 31 Mar 2026" in text


def test_the_rows_come_in_the_order_they_were_applied(owner, owner_client):
    applied(owner, datetime(2026, 3, 20, 9, 0, tzinfo=owner.tz), company="Later GmbH")
    applied(owner, datetime(2026, 3, 2, 9, 0, tzinfo=owner.tz), company="Earlier AG")

    text = pdf_pages(get_pdf(owner_client))[0]

    assert text.index("Earlier AG") < text.index("Later GmbH")
    assert "2 Mar 2026" in text and "20 Mar 2026" in text


def test_a_long_record_numbers_its_pages_and_repeats_name_and_period_on_each(owner, owner_client):
    in_march(owner, 60)

    pages = pdf_pages(get_pdf(owner_client))

    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Sam Okafor" in text
        assert "1 Mar 2026 to 31 Mar 2026" in text
        assert "Date applied".upper() in text.upper()  # the table's head repeats
    everything = "\n".join(pages)
    assert all(everything.count(f"Employer {i:02}") == 1 for i in range(60))
    assert "Total: 60 applications" in pages[-1]


def test_each_row_says_where_how_whom_and_what_came_of_it(owner, owner_client):
    contact = factories.contact(
        candidate=owner, name="Dana Whitfield", title="Head of Data", email="dana@nw.test"
    )
    rejected = applied(
        owner,
        datetime(2026, 3, 3, 9, 0, tzinfo=owner.tz),
        company="Northwind",
        role="Data Engineer",
        company_address="Hafenstraße 2\n20457 Hamburg",
        posting_url="https://www.jobs.example.com/1",
        main_contact=contact,
    )
    Application.objects.filter(pk=rejected.pk).update(
        status=Application.Status.REJECTED,
        status_changed_at=datetime(2026, 4, 3, 0, 30, tzinfo=owner.tz),  # 2 Apr in UTC
    )
    factories.interview(
        application=rejected, starts_at=datetime(2026, 3, 20, 10, 0, tzinfo=owner.tz)
    )
    applied(
        owner,
        datetime(2026, 3, 4, 9, 0, tzinfo=owner.tz),
        company="Contoso",
        applied_via="Referral from a friend",
    )
    applied(owner, datetime(2026, 3, 5, 9, 0, tzinfo=owner.tz), company="Fabrikam")

    text = pdf_pages(get_pdf(owner_client))[0]

    assert "Hafenstraße 2" in text and "20457 Hamburg" in text
    assert "Online (jobs.example.com)" in text
    assert "Referral from a friend" in text
    assert "Not recorded" in text  # Fabrikam: neither a way nor a posting
    assert "Dana Whitfield, Head of Data" in text and "dana@nw.test" in text
    assert "Rejected on 3 Apr 2026" in text  # the day in the candidate's zone
    assert "1 interview, last 20 Mar 2026" in text
    assert "(2 open, 1 rejected)" in text


def test_a_recorded_date_applied_outranks_the_day_it_was_entered(owner, owner_client):
    applied(
        owner,
        datetime(2026, 4, 10, 9, 0, tzinfo=owner.tz),
        company="Imported Oy",
        applied_on=date(2026, 3, 15),
    )
    applied(
        owner,
        datetime(2026, 3, 10, 9, 0, tzinfo=owner.tz),
        company="Backdated Ltd",
        applied_on=date(2026, 2, 15),
    )

    text = "\n".join(pdf_pages(get_pdf(owner_client)))

    assert "Imported Oy" in text and "15 Mar 2026" in text
    assert "Backdated Ltd" not in text


def test_a_period_without_applications_says_so(owner_client):
    text = pdf_pages(get_pdf(owner_client))[0]

    assert "No applications were made in this period." in text
    assert "Total: 0 applications" in text


def test_the_pdf_follows_the_candidates_paper(owner, owner_client):
    owner.paper_size = "letter"
    owner.save()
    in_march(owner, 1)

    page = PdfReader(io.BytesIO(get_pdf(owner_client).content)).pages[0]

    # US Letter landscape: 11 x 8.5 in.
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (792, 612)


def test_typed_markup_is_printed_as_text_and_fetches_nothing(owner, owner_client):
    applied(
        owner,
        datetime(2026, 3, 3, 9, 0, tzinfo=owner.tz),
        company='<img src="file:///etc/passwd"><link rel=stylesheet href="https://evil.test/x.css">',
    )

    text = pdf_pages(get_pdf(owner_client))[0]

    assert '<img src="file:///etc/passwd">' in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://evil.test/x.css",
        "https://record-assets.invalid/static/cards/cards.css",
        "https://record-assets.invalid/static/fonts/Caveat-Handwriting.ttf",
        "https://record-assets.invalid/static/record/../cards/cards.css",
        "https://card-assets.invalid/static/cards/cards.css",
        "data:text/css,body{}",
    ],
)
def test_the_fetcher_serves_the_record_stylesheet_and_nothing_else(url):
    fetcher = record.RecordAssetFetcher()

    css = fetcher.fetch(record.CSS_URL)
    assert css.content_type == "text/css" and b"@page" in css.read()
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)


def test_the_record_uses_the_sites_fonts_not_the_handwriting(owner, owner_client):
    in_march(owner, 1)

    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(get_pdf(owner_client).content)).pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()]
    }

    assert fonts and not any("Caveat" in name for name in fonts)


def test_a_record_too_long_for_one_pdf_asks_for_a_shorter_period(owner, owner_client, monkeypatch):
    monkeypatch.setattr(record, "MAX_PDF_ROWS", 2)
    in_march(owner, 3)

    response = get_pdf(owner_client)

    assert response.status_code == 422
    assert "choose a shorter period, or download the CSV" in response.content.decode()
    assert len(csv_rows(get_csv(owner_client))) == 3


# The candidate's own calendar -------------------------------------------------------------


def test_an_entry_late_on_the_last_day_counts_in_the_candidates_zone(db, client):
    # 23:30 on 31 March in Los Angeles is already 1 April in UTC.
    candidate = factories.candidate(email="la@example.com", time_zone="America/Los_Angeles")
    applied(candidate, datetime(2026, 3, 31, 23, 30, tzinfo=LOS_ANGELES), company="Late Inc")
    applied(candidate, datetime(2026, 4, 1, 0, 30, tzinfo=LOS_ANGELES), company="Next Day Inc")
    client.force_login(candidate.user)

    text = "\n".join(pdf_pages(get_pdf(client)))

    assert "Late Inc" in text and "31 Mar 2026" in text
    assert "Next Day Inc" not in text


def test_an_entry_early_on_the_first_day_counts_in_the_candidates_zone(db, client):
    # 00:30 on 1 March in Auckland is still 28 February in UTC.
    candidate = factories.candidate(email="akl@example.com", time_zone="Pacific/Auckland")
    applied(candidate, datetime(2026, 3, 1, 0, 30, tzinfo=AUCKLAND), company="Early Ltd")
    applied(candidate, datetime(2026, 2, 28, 23, 30, tzinfo=AUCKLAND), company="Too Early Ltd")
    client.force_login(candidate.user)

    rows = csv_rows(get_csv(client))

    assert [(row["Employer"], row["Date applied"]) for row in rows] == [
        ("Early Ltd", "2026-03-01")
    ]


def test_the_form_defaults_to_the_last_full_month_in_the_candidates_zone(db, client):
    candidate = factories.candidate(email="akl@example.com", time_zone="Pacific/Auckland")
    client.force_login(candidate.user)
    # 1 April 00:30 in Auckland, while UTC still has 31 March.
    with time_machine.travel(datetime(2026, 4, 1, 0, 30, tzinfo=AUCKLAND), tick=False):
        page = client.get(reverse("record")).content.decode()

    assert 'name="from" value="2026-03-01"' in page
    assert 'name="to" value="2026-03-31"' in page


def test_the_last_full_month_of_january_is_the_december_before():
    assert last_full_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert last_full_month(date(2024, 3, 1)) == (date(2024, 2, 1), date(2024, 2, 29))


# The CSV -----------------------------------------------------------------------------


def test_the_csv_has_the_same_rows_as_the_pdf(owner, owner_client):
    in_march(owner, 12)
    applied(owner, datetime(2026, 4, 1, 12, 0, tzinfo=owner.tz), company="April Ltd")

    rows = csv_rows(get_csv(owner_client))
    text = "\n".join(pdf_pages(get_pdf(owner_client)))

    assert list(rows[0]) == list(record.CSV_HEADER)
    employers = [row["Employer"] for row in rows]
    assert employers == [f"Employer {i:02}" for i in range(12)]
    positions = [text.index(name) for name in employers]
    assert positions == sorted(positions)
    assert "Total: 12 applications" in text


def test_the_csv_gives_iso_dates_and_the_outcome(owner, owner_client):
    application = applied(
        owner,
        datetime(2026, 3, 3, 9, 0, tzinfo=owner.tz),
        posting_url="https://jobs.example.com/7",
        company_address="Hafenstraße 2\n20457 Hamburg",
    )
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.OFFER,
        status_changed_at=datetime(2026, 3, 30, 9, 0, tzinfo=owner.tz),
    )

    (row,) = csv_rows(get_csv(owner_client))

    assert row["Date applied"] == "2026-03-03"
    assert row["Employer address"] == "Hafenstraße 2, 20457 Hamburg"
    assert row["How applied"] == "Online (jobs.example.com)"
    assert row["Job posting URL"] == "https://jobs.example.com/7"
    assert (row["Status"], row["Status changed on"]) == ("Offer", "2026-03-30")
    assert get_csv(owner_client)["Content-Disposition"] == (
        'attachment; filename="applications-2026-03-01-to-2026-03-31.csv"'
    )


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(owner, owner_client):
    applied(owner, datetime(2026, 3, 3, 9, 0, tzinfo=owner.tz), company='=HYPERLINK("x")')

    (row,) = csv_rows(get_csv(owner_client))

    assert row["Employer"] == '\'=HYPERLINK("x")'


# Whose rows ----------------------------------------------------------------------------


def test_another_candidates_applications_never_appear(
    owner, owner_client, stranger, stranger_client
):
    in_march(owner, 3, prefix="Mine")
    in_march(stranger, 2, prefix="Theirs")

    pdf = "\n".join(pdf_pages(get_pdf(owner_client)))
    rows = csv_rows(get_csv(owner_client))
    page = owner_client.get(reverse("record"), MARCH).content.decode()

    for text in (pdf, page, " ".join(row["Employer"] for row in rows)):
        assert "Mine 00" in text and "Theirs" not in text
    assert "Total: 3 applications" in pdf
    theirs = "\n".join(pdf_pages(get_pdf(stranger_client)))
    assert "Theirs 01" in theirs and "Mine" not in theirs
    assert "Other Person" in theirs and "Sam Okafor" not in theirs


def test_visitors_are_sent_to_log_in(client):
    for name in ("record", "record_pdf", "record_csv"):
        response = client.get(reverse(name), MARCH)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# The form -------------------------------------------------------------------------------


def test_the_page_shows_the_periods_rows_and_links_to_the_downloads(owner, owner_client):
    in_march(owner, 2)

    page = owner_client.get(reverse("record"), MARCH).content.decode()

    assert "2 applications from 1 Mar 2026 to 31 Mar 2026" in page
    assert "Employer 00" in page and "Employer 01" in page
    assert 'href="/record.pdf?from=2026-03-01&amp;to=2026-03-31"' in page
    assert f'formaction="{reverse("record_csv")}"' in page


@pytest.mark.parametrize("name", ["record", "record_pdf", "record_csv"])
@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"from": "2026-02-30", "to": "2026-03-31"}, "Enter a valid date."),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "The period ends before it starts"),
        ({"from": "", "to": "2026-03-31"}, "This field is required."),
        ({"from": "2062-03-01", "to": "2062-03-31"}, "Check the year"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "Check the year"),
    ],
)
def test_bad_dates_show_the_form_again_with_a_message_and_what_was_typed(
    owner_client, name, period, message
):
    response = owner_client.get(reverse(name), period)

    assert response.status_code == (200 if name == "record" else 400)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert message in page
    for field, typed in period.items():
        if typed:
            assert f'name="{field}" value="{typed}"' in page
    assert "record" not in response.context  # no rows for a period not understood


def test_the_profile_and_the_applications_list_link_to_the_record(owner_client):
    for name in ("profile", "application_list"):
        page = owner_client.get(reverse(name)).content.decode()
        assert f'href="{reverse("record")}"' in page, name


# Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_pdf_takes_the_same_few_queries_at_any_size(
    owner, owner_client, count, django_assert_num_queries
):
    contact = factories.contact(candidate=owner)
    for application in in_march(owner, count, main_contact=contact):
        factories.interview(application=application)

    # The session, the user, the candidate, and the record's one query.
    with django_assert_num_queries(4):
        response = get_pdf(owner_client)
    assert f"Total: {count} applications" in "\n".join(pdf_pages(response))


@pytest.mark.parametrize("name", ["record", "record_pdf", "record_csv"])
@pytest.mark.parametrize(
    "value", ["x" * 20_000, "a\x00b", ["2026-03-01", "2026-03-02"], "1e309", "-1", "🎉"]
)
def test_odd_values_in_the_query_never_give_a_server_error(owner_client, name, value):
    for field in ("from", "to"):
        response = owner_client.get(reverse(name), {**MARCH, field: value})
        assert response.status_code < 500, (field, value)
