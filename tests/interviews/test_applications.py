"""Applications and interviews: create, edit, delete with confirmation, filters."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from interviews.models import Application, Contact, Interview
from reminders.followups.planning import followups_plan
from reminders.models import FollowUp
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")


def test_adding_an_application_leads_to_its_first_interview(owner_client, owner):
    response = owner_client.post(
        "/applications/new/",
        {"company": "Northwind", "role": "Data Engineer", "posting_url": ""},
    )
    application = Application.objects.get(candidate=owner)
    assert response["Location"] == f"/applications/{application.pk}/interviews/new/"


def interview_data(**overrides):
    data = {
        "round": "first",
        "starts_at": "2026-03-02T10:00",
        "duration_minutes": "45",
        "ends_at": "",
        "format": "video",
        "location": "https://meet.example/abc",
        "decision_promised_on": "",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "12",
        "people-0-name": "Dana Whitfield",
        "people-0-preferred_channel": "email",
        "people-1-name": "Lee Park",
        "people-1-preferred_channel": "unknown",
    }
    data.update(overrides)
    return data


def test_an_interview_with_two_interviewers_in_the_candidates_time_zone(owner_client, owner):
    application = factories.application(candidate=owner)
    response = owner_client.post(
        f"/applications/{application.pk}/interviews/new/", interview_data()
    )
    interview = Interview.objects.get(application=application)
    assert response["Location"] == f"/interviews/{interview.pk}/"
    assert interview.starts_at == datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
    assert interview.ends_at == datetime(2026, 3, 2, 10, 45, tzinfo=BERLIN)
    assert interview.participants.count() == 2
    assert Contact.objects.filter(candidate=owner, company="Northwind").count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"duration_minutes": "", "ends_at": "2026-03-02T09:00"},
            "The interview must end after it starts.",
        ),
        ({"duration_minutes": "", "ends_at": ""}, "Give the end time or the duration."),
        ({"decision_promised_on": "2026-02-01"}, "cannot be before the interview"),
        ({"starts_at": "yesterday-ish"}, "Enter a valid date/time."),
        ({"people-1-name": "Dana Whitfield"}, "The same person is listed twice."),
        ({"starts_at": "2026-02-30T10:00"}, "Enter a valid date/time."),
        ({"starts_at": "9999-12-31T23:30"}, "Check the year: an interview between 2000"),
        ({"starts_at": "0001-01-01T00:00"}, "Check the year: an interview between 2000"),
        (
            {"duration_minutes": "", "ends_at": "9999-12-31T23:59"},
            "An interview lasts at most 12 hours",
        ),
        ({"decision_promised_on": "9999-12-31"}, "Check the year: a decision date"),
        ({"decision_promised_on": "2027-06-01"}, "more than a year after the interview"),
        ({"decision_promised_on": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_a_bad_interview_is_refused_and_keeps_the_input(owner_client, owner, overrides, message):
    application = factories.application(candidate=owner)
    response = owner_client.post(
        f"/applications/{application.pk}/interviews/new/", interview_data(**overrides)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Lee Park" in page or "Dana Whitfield" in page
    assert not Interview.objects.exists()
    assert not Contact.objects.exists()


def test_the_list_filters_by_status(owner_client, owner):
    factories.application(candidate=owner, company="Alpha", role="A")
    factories.application(candidate=owner, company="Beta", role="B", status="rejected")
    page = owner_client.get("/applications/?status=rejected").content.decode()
    assert "Beta" in page and "Alpha" not in page
    page = owner_client.get("/applications/?status=nonsense").content.decode()
    assert "Beta" in page and "Alpha" in page


def test_delete_asks_first_and_deletes_on_post(owner_client, owner):
    application = factories.application(candidate=owner)
    page = owner_client.get(f"/applications/{application.pk}/delete/")
    assert "cannot be undone" in page.content.decode()
    assert Application.objects.filter(pk=application.pk).exists()
    owner_client.post(f"/applications/{application.pk}/delete/")
    assert not Application.objects.filter(pk=application.pk).exists()


def test_an_unknown_outcome_is_refused(owner_client, owner):
    application = factories.application(candidate=owner)
    owner_client.post(f"/applications/{application.pk}/status/", {"status": "hired!!"})
    application.refresh_from_db()
    assert application.status == "active"


ODD_VALUES = [
    "",
    " ",
    "x" * 10_000,
    "Zoë Łukasz 東京 🎉",
    "<b>bold</b><script>x()</script>",
    "\x00",
]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_input_never_gives_a_server_error(owner_client, owner, value):
    application = factories.application(candidate=owner)
    interview = factories.interview(application=application)
    contact = factories.contact(candidate=owner)
    posts = {
        "/applications/new/": {"company": value, "role": value, "posting_url": value},
        f"/applications/{application.pk}/edit/": {"company": value, "role": value},
        f"/applications/{application.pk}/interviews/new/": interview_data(
            location=value, **{"people-0-name": value}
        ),
        f"/interviews/{interview.pk}/edit/": interview_data(starts_at=value),
        f"/interviews/{interview.pk}/notes/": interview_data(summary=value, fit=value),
        "/people/new/": {"name": value, "company": value, "email": value},
        f"/people/{contact.pk}/edit/": {"name": value, "company": value},
        "/profile/": {"full_name": value, "time_zone": value},
        "/settings/": {"further_check_ins": value, "quiet_hours_start": value},
    }
    for url, data in posts.items():
        response = owner_client.post(url, data)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        assert b"<script>x()</script>" not in response.content


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        " ",
        "\x00",
    ],
)
def test_recording_a_reply_never_redirects_off_the_site(owner_client, owner, next_url):
    application = factories.application(candidate=owner)
    response = owner_client.post(
        f"/applications/{application.pk}/reply/", {"replied": "yes", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()


def test_recording_a_reply_goes_back_to_the_page_it_came_from(owner_client, owner):
    application = factories.application(candidate=owner)
    response = owner_client.post(
        f"/applications/{application.pk}/reply/", {"replied": "yes", "next": "/"}
    )
    assert response["Location"] == "/"
    application.refresh_from_db()
    assert application.employer_replied_at is not None


def test_a_reply_redirect_never_carries_a_line_break_into_the_header(owner_client, owner):
    application = factories.application(candidate=owner)
    response = owner_client.post(
        f"/applications/{application.pk}/reply/", {"next": "/a\r\nX-Injected: 1"}
    )
    assert response.status_code == 302
    assert "\n" not in response["Location"] and "X-Injected" not in response.headers


def test_editing_a_person_re_plans_what_is_owed_to_them(owner_client, owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield",))
    followups_plan(application=interview.application)
    dana = interview.participants.get().contact
    assert not FollowUp.objects.filter(kind=FollowUp.Kind.LINKEDIN).exists()
    thank_you = FollowUp.objects.get(kind=FollowUp.Kind.THANK_YOU)
    assert thank_you.channel == FollowUp.Channel.EMAIL
    owner_client.post(
        f"/people/{dana.pk}/edit/",
        {
            "name": "Dana Whitfield",
            "company": "Northwind",
            "linkedin_url": "https://www.linkedin.com/in/dana",
            "postal_address": "1 Harbour Street\nLeith",
            "preferred_channel": "email",
        },
    )
    assert FollowUp.objects.filter(kind=FollowUp.Kind.LINKEDIN, contact=dana).exists()
    thank_you.refresh_from_db()
    assert thank_you.channel == FollowUp.Channel.CARD


def test_deleting_a_person_says_which_follow_ups_go_with_them(owner_client, owner):
    interview = factories.panel(candidate=owner, names=("Dana Whitfield",))
    followups_plan(application=interview.application)
    dana = interview.participants.get().contact
    FollowUp.objects.filter(kind=FollowUp.Kind.THANK_YOU).update(status="done")
    page = owner_client.get(f"/people/{dana.pk}/delete/").content.decode()
    total = FollowUp.objects.filter(contact=dana).count()
    expected = f"{total} follow-ups with Dana Whitfield will be deleted, 1 of them already done"
    assert expected in page


def test_the_date_and_way_of_applying_are_kept_and_shown(owner_client, owner):
    owner_client.post(
        "/applications/new/",
        {
            "company": "Contoso",
            "role": "Analyst",
            "applied_on": "2026-02-20",
            "applied_via": "Referral from Lee",
            "notes": "Sent the portfolio too.",
        },
    )
    application = Application.objects.get(candidate=owner)
    assert (application.applied_on, application.applied_via) == (
        date(2026, 2, 20),
        "Referral from Lee",
    )
    page = owner_client.get(application.get_absolute_url()).content.decode()
    assert "Applied 20 February 2026 · Referral from Lee" in page
    assert "Sent the portfolio too." in page


@pytest.mark.parametrize(
    ("applied_on", "message"),
    [
        ("2099-01-01", "Check the year: the date you applied between 2000 and"),
        ("1999-12-31", "Check the year: the date you applied between 2000 and"),
    ],
)
def test_an_implausible_applied_date_is_refused_and_kept(owner_client, applied_on, message):
    data = {"company": "Contoso", "role": "Analyst", "applied_on": applied_on}
    response = owner_client.post("/applications/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["applied_on"][0].startswith(message)
    assert f'value="{applied_on}"' in response.content.decode()
    assert not Application.objects.exists()


def test_an_applied_date_after_today_is_refused(owner_client):
    tomorrow_but_one = timezone.localdate() + timedelta(days=2)
    data = {"company": "Contoso", "role": "Analyst", "applied_on": tomorrow_but_one.isoformat()}
    response = owner_client.post("/applications/new/", data)

    assert response.context["form"].errors["applied_on"] == [
        "The date you applied can't be in the future."
    ]
