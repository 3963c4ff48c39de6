"""The dashboard, the follow-up page and its actions, settings, and isolation."""

import re
from datetime import time, timedelta
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Contact
from reminders.followups.views import mailto_url
from reminders.models import FollowUp
from tests import factories

from ..helpers import berlin, check_ins, of_kind, plan

NOW = berlin(2026, 3, 3, 9, 0)  # the morning after the default interview


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def planned_application(candidate, company="Northwind", people=("Dana Whitfield",)):
    app = factories.application(candidate=candidate, company=company)
    interview = factories.interview(application=app)
    for name in people:
        contact = factories.contact(
            candidate=candidate, name=name, company=company, email=f"{name[:4].lower()}@x.test"
        )
        factories.participant(interview=interview, contact=contact)
    plan(app, NOW)
    return app


# Dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_overdue_due_today_and_coming_up_with_counts(owner, owner_client):
    app = planned_application(owner)
    response = owner_client.get(reverse("dashboard"))
    board = response.context["board"]
    assert [f.kind for f in board.overdue] == ["notes"]  # due 14:00 yesterday
    assert [f.kind for f in board.due_today] == ["thank_you"]  # due 11:00 today
    assert [f.kind for f in board.coming_up] == ["check_in"]
    content = response.content.decode()
    assert reverse("followup_detail", args=[of_kind(app, "thank_you")[0].pk]) in content
    assert "Interviews waiting for notes" in content


def test_the_dashboard_shows_how_the_habit_holds(owner, owner_client):
    app = planned_application(owner, people=("Dana Whitfield", "Lee Park"))
    dana, lee = of_kind(app, "thank_you")
    FollowUp.objects.filter(pk=dana.pk).update(status="done", done_at=NOW)
    FollowUp.objects.filter(pk=lee.pk).update(status="done", done_at=NOW + timedelta(days=2))
    app.employer_replied_at = NOW
    app.save()
    habit = owner_client.get(reverse("dashboard")).context["habit"]
    assert (habit.on_time_share, habit.replies, habit.applications) == (50, 1, 1)
    assert habit.per_application == 2.0


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(context.captured_queries)


def test_the_dashboard_query_count_does_not_grow_with_follow_ups(
    owner, owner_client, django_assert_num_queries
):
    planned_application(owner)
    small = dashboard_queries(owner_client)
    for index in range(6):
        planned_application(owner, company=f"Company {index}", people=("A One", "B Two"))
    assert FollowUp.objects.count() >= 6 * 4 + 3  # notes, two thank-yous, check-in each
    with django_assert_num_queries(small):
        owner_client.get(reverse("dashboard"))


# The follow-up page ------------------------------------------------------------------------


def test_the_follow_up_page_shows_the_draft_guardrails_and_actions(owner, owner_client):
    thank_you = of_kind(planned_application(owner), "thank_you")[0]
    response = owner_client.get(reverse("followup_detail", args=[thank_you.pk]))
    content = response.content.decode()
    assert thank_you.draft.splitlines()[0] in content
    assert 'data-guardrails="thank_you"' in content and 'data-max-words="90"' in content
    assert "js/guardrails.js" in content and "<script>" not in content
    for name in ("followup_done", "followup_snooze", "followup_skip", "followup_reply"):
        assert reverse(name, args=[thank_you.pk]) in content
    assert 'href="mailto:' in content


def test_the_mailto_link_percent_encodes_recipient_subject_and_body(owner):
    thank_you = of_kind(planned_application(owner), "thank_you")[0]
    thank_you.subject = "Thanks & more?"
    thank_you.draft = "Dear Dana,\n\n100% sure: a+b=c #1\n\nSam"
    link = mailto_url(thank_you)
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and unquote(parts.path) == "dana@x.test"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Thanks & more?"]
    assert query["body"] == ["Dear Dana,\r\n\r\n100% sure: a+b=c #1\r\n\r\nSam"]
    assert " " not in link and "\n" not in link and "+" not in parts.query


def test_the_linkedin_page_passes_the_candidates_limit(owner, owner_client):
    app = planned_application(owner)
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/dana")
    plan(app, NOW)
    request = of_kind(app, "linkedin")[0]
    content = owner_client.get(reverse("followup_detail", args=[request.pk])).content.decode()
    assert 'data-max-characters="200"' in content and "mailto:" not in content


def test_saving_a_linkedin_note_over_the_limit_is_refused_with_a_message(owner, owner_client):
    app = planned_application(owner)
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/dana")
    plan(app, NOW)
    request = of_kind(app, "linkedin")[0]
    response = owner_client.post(
        reverse("followup_draft", args=[request.pk]), {"subject": "", "draft": "y" * 250}
    )
    assert response.status_code == 200
    assert "LinkedIn allows 200 characters" in response.content.decode()
    request.refresh_from_db()
    assert not request.draft_edited


def test_actions_on_the_page_mark_done_snooze_skip_and_undo(owner, owner_client):
    app = planned_application(owner)
    thank_you, check_in = of_kind(app, "thank_you")[0], check_ins(app)[0]
    url = lambda name, f: reverse(name, args=[f.pk])  # noqa: E731
    owner_client.post(
        url("followup_done", thank_you), {"done_on": "2026-03-03", "channel": "card"}
    )
    thank_you.refresh_from_db()
    assert (thank_you.status, thank_you.done_channel) == ("done", "card")
    owner_client.post(url("followup_undo", thank_you))
    thank_you.refresh_from_db()
    assert thank_you.status == "open"
    owner_client.post(url("followup_snooze", thank_you), {"choice": "three_days"})
    thank_you.refresh_from_db()
    assert thank_you.snoozed_until == berlin(2026, 3, 6, 9, 0)
    owner_client.post(url("followup_snooze", check_in), {"choice": "date", "day": "2026-03-20"})
    check_in.refresh_from_db()
    assert check_in.remind_at == berlin(2026, 3, 20, 8, 0)
    owner_client.post(url("followup_skip", check_in))
    check_in.refresh_from_db()
    assert check_in.status == "skipped"


def test_they_replied_on_the_page_stops_the_check_ins(owner, owner_client):
    app = planned_application(owner)
    check_in = check_ins(app)[0]
    owner_client.post(reverse("followup_reply", args=[check_in.pk]))
    check_in.refresh_from_db()
    assert check_in.status == "cancelled"


def test_the_interview_timeline_links_each_follow_up_and_flags_overdue(owner, owner_client):
    app = planned_application(owner)
    interview = app.interviews.get()
    content = owner_client.get(interview.get_absolute_url()).content.decode()
    for followup in FollowUp.objects.filter(interview=interview):
        assert reverse("followup_detail", args=[followup.pk]) in content
    assert "Overdue" in content  # the notes were due yesterday at 14:00


def test_the_application_page_lists_rounds_and_check_ins(owner, owner_client):
    app = planned_application(owner)
    content = owner_client.get(app.get_absolute_url()).content.decode()
    assert "Check-in" in content and "First round" in content


# Settings ----------------------------------------------------------------------------------


def settings_data(candidate, **changes):
    from reminders.followups.forms import FollowUpSettingsForm

    data = {name: getattr(candidate, name) for name in FollowUpSettingsForm.Meta.fields}
    data = {k: v.strftime("%H:%M") if hasattr(v, "strftime") else v for k, v in data.items()}
    data["reminders_paused"] = ""
    return {**data, **changes}


def test_saving_settings_re_plans_the_follow_ups(owner, owner_client):
    app = planned_application(owner)
    response = owner_client.post(
        reverse("settings"), settings_data(owner, check_in_days_without_decision=10)
    )
    assert response.status_code == 302
    assert check_ins(app)[0].opens_at == berlin(2026, 3, 12, 8, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"further_check_ins": 4}, "further_check_ins"),
        ({"linkedin_note_limit": 250}, "linkedin_note_limit"),
        ({"quiet_hours_start": "21:00", "quiet_hours_end": "21:00"}, "quiet_hours_end"),
    ],
)
def test_settings_are_validated(owner, owner_client, changes, field):
    response = owner_client.post(reverse("settings"), settings_data(owner, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_a_digest_time_inside_the_quiet_hours_is_refused_and_kept(owner, owner_client):
    data = settings_data(owner, reminder_mode="digest", digest_time="07:15")
    response = owner_client.post(reverse("settings"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["digest_time"] == [
        "07:15 is inside your quiet hours (21:00–08:00). Pick a time from 08:00, "
        "or change the quiet hours."
    ]
    assert 'value="07:15"' in response.content.decode()
    owner.refresh_from_db()
    assert owner.reminder_mode == "each"


def test_choosing_the_morning_digest_saves_it(owner, owner_client):
    data = settings_data(
        owner, reminder_mode="digest", digest_time="07:15", quiet_hours_end="07:00"
    )
    assert owner_client.post(reverse("settings"), data).status_code == 302
    owner.refresh_from_db()
    assert (owner.reminder_mode, owner.digest_time) == ("digest", time(7, 15))


def test_the_setting_says_the_notes_reminder_still_comes_at_once(owner_client):
    page = owner_client.get(reverse("settings")).content.decode()
    assert "One morning digest" in page
    assert "The reminder to write your interview notes still comes a few hours after" in page


def test_quiet_hours_may_run_either_way_round(owner, owner_client):
    data = settings_data(owner, quiet_hours_start="12:00", quiet_hours_end="14:00")
    assert owner_client.post(reverse("settings"), data).status_code == 302


# Isolation ---------------------------------------------------------------------------------

FOLLOWUP_URLS = [
    ("get", "followup_detail"),
    ("post", "followup_draft"),
    ("post", "followup_draft_reset"),
    ("post", "followup_done"),
    ("post", "followup_snooze"),
    ("post", "followup_skip"),
    ("post", "followup_reply"),
    ("post", "followup_undo"),
]


@pytest.mark.parametrize(("method", "name"), FOLLOWUP_URLS)
def test_another_candidates_follow_up_is_a_404(owner, stranger_client, method, name):
    followup = of_kind(planned_application(owner), "thank_you")[0]
    url = reverse(name, args=[followup.pk])
    assert stranger_client.get(url).status_code == 404
    data = {"done_on": "2026-03-03", "channel": "email", "choice": "day", "draft": "x"}
    assert stranger_client.post(url, data).status_code == 404
    followup.refresh_from_db()
    assert (followup.status, followup.draft_edited, followup.snoozed_until) == (
        "open",
        False,
        None,
    )


# Odd input on the actions ------------------------------------------------------------------


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"done_on": "2026-02-30", "channel": "email"}, "Give the date and how you sent it."),
        ({"done_on": "2026-03-03", "channel": "pigeon"}, "Give the date and how you sent it."),
        ({"done_on": "2026-03-09", "channel": "email"}, "cannot be done on a future date"),
        ({"done_on": "0001-01-01", "channel": "email"}, "Check the year"),
    ],
)
def test_marking_done_with_a_bad_date_or_channel_changes_nothing(
    owner, owner_client, data, message
):
    thank_you = of_kind(planned_application(owner), "thank_you")[0]
    before = FollowUp.objects.values().get(pk=thank_you.pk)
    response = owner_client.post(reverse("followup_done", args=[thank_you.pk]), data, follow=True)
    assert response.status_code == 200
    assert any(message in m for m in messages_of(response))
    assert FollowUp.objects.values().get(pk=thank_you.pk) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"choice": "forever"}, "Select a valid choice"),
        ({"choice": "date", "day": ""}, "Pick the date to be reminded again."),
        ({"choice": "date", "day": "2026-02-30"}, "Enter a valid date."),
        ({"choice": "date", "day": "2026-03-01"}, "Snooze until a moment in the future."),
        ({"choice": "date", "day": "9999-12-31"}, "at most a year"),
    ],
)
def test_a_bad_snooze_changes_nothing(owner, owner_client, data, message):
    thank_you = of_kind(planned_application(owner), "thank_you")[0]
    before = FollowUp.objects.values().get(pk=thank_you.pk)
    response = owner_client.post(
        reverse("followup_snooze", args=[thank_you.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert FollowUp.objects.values().get(pk=thank_you.pk) == before


def test_a_draft_over_the_maximum_length_is_refused_and_kept(owner, owner_client):
    thank_you = of_kind(planned_application(owner), "thank_you")[0]
    limit = FollowUp._meta.get_field("draft").max_length
    text = "Dear Dana, <b>thanks</b>. " + "x" * limit
    response = owner_client.post(
        reverse("followup_draft", args=[thank_you.pk]), {"subject": "Hi", "draft": text}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ensure this value has at most" in content
    assert "Dear Dana, &lt;b&gt;thanks&lt;/b&gt;. xxxx" in content  # kept, as text
    thank_you.refresh_from_db()
    assert not thank_you.draft_edited and "<b>" not in thank_you.draft


def test_the_mailto_link_carries_unicode_and_reserved_characters_intact(owner, owner_client):
    thank_you = of_kind(planned_application(owner), "thank_you")[0]
    subject = "Danke, Zoë & Łukasz? #1 – 🎉"
    body = "Liebe Zoë,\n\na=b&c=d?e#f 50%\r\nGrüße\nSam"
    FollowUp.objects.filter(pk=thank_you.pk).update(subject=subject, draft=body)
    content = owner_client.get(reverse("followup_detail", args=[thank_you.pk])).content.decode()
    href = unescape(re.search(r'href="(mailto:[^"]*)"', content)[1])
    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == [subject]
    assert query["body"] == ["Liebe Zoë,\r\n\r\na=b&c=d?e#f 50%\r\nGrüße\r\nSam"]
    assert href.isascii() and not any(c in href for c in " \n\r#<>\"'")
