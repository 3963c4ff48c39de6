"""The reminder email: readable as plain text, complete, with working signed links."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from reminders.delivery import emails
from reminders.models import FollowUp
from tests import factories
from tests.reminders.followup_factory import followup

pytestmark = pytest.mark.django_db

OPENS = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("UTC"))
DRAFT = "Dear Dana,\n\nThank you for Monday's conversation about <pipelines> & teams.\n\nSam"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://followup.example"


def send(candidate, *followups):
    emails.reminder(to=candidate.user.email, candidate=candidate, followups=list(followups)).send()
    (message,) = mail.outbox
    return message


def html_of(message):
    (alternative,) = message.alternatives
    assert alternative.mimetype == "text/html"
    return alternative.content


def thank_you(candidate, **fields):
    contact = factories.contact(candidate=candidate, name="Dana Whitfield", title="Head of Data")
    fields.setdefault("subject", "Thank you")
    fields.setdefault("draft", DRAFT)
    return followup(candidate=candidate, opens_at=OPENS, contact=contact, **fields)


def test_plain_text_carries_what_the_reminder_is_about(owner):
    item = thank_you(owner)

    body = send(owner, item).body

    assert "Thank Dana Whitfield" in body
    assert "Thank-you for Dana Whitfield, Head of Data · Data Engineer at Northwind" in body
    assert "Printed card" in body
    assert "Subject: Thank you" in body
    # Plain text, not HTML: no escaping, no tags.
    assert "Monday's conversation about <pipelines> & teams." in body
    assert "&amp;" not in body and "<p>" not in body


def test_the_due_time_is_shown_in_the_candidates_zone():
    candidate = factories.candidate(email="tokyo@example.com", time_zone="Asia/Tokyo")
    # Due 10:00 UTC on 3 March is 19:00 in Tokyo.
    item = thank_you(candidate)

    message = send(candidate, item)

    assert "Due Tue 3 Mar, 19:00 JST" in message.body
    assert "your time zone, Asia/Tokyo" in message.body
    assert "(due Tue 3 Mar, 19:00 JST)" in message.subject


def test_links_are_absolute_and_cover_every_action(owner):
    item = thank_you(owner)

    body = send(owner, item).body

    links = dict(
        re.findall(
            r"^(Open it|Mark it done|Snooze for a day|Download the card):\s+(\S+)$",
            body,
            re.MULTILINE,
        )
    )
    assert links["Open it"] == f"https://followup.example/followups/{item.pk}/"
    assert re.fullmatch(r"https://followup\.example/r/[^/]+/done/", links["Mark it done"])
    assert re.fullmatch(r"https://followup\.example/r/[^/]+/snooze/", links["Snooze for a day"])
    assert re.fullmatch(r"https://followup\.example/r/[^/]+/card/", links["Download the card"])


@pytest.mark.parametrize(
    ("kind", "channel"),
    [
        (FollowUp.Kind.THANK_YOU, FollowUp.Channel.EMAIL),
        (FollowUp.Kind.LINKEDIN, FollowUp.Channel.LINKEDIN),
        (FollowUp.Kind.CHECK_IN, FollowUp.Channel.EMAIL),
    ],
)
def test_only_a_thank_you_card_offers_a_card_download(owner, kind, channel):
    item = followup(candidate=owner, opens_at=OPENS, kind=kind, channel=channel)

    message = send(owner, item)

    assert "/card/" not in message.body
    assert "/card/" not in html_of(message)


def test_every_email_can_unsubscribe_in_one_click(owner):
    message = send(owner, thank_you(owner))

    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https://followup\.example/r/[^/]+/unsubscribe/>", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Pause these reminders: {header[1:-1]}" in message.body
    assert header[1:-1] in html_of(message)
    # The headers survive into the message as sent.
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()


def test_the_html_version_escapes_the_draft_and_keeps_its_paragraphs(owner):
    html = html_of(send(owner, thank_you(owner)))

    assert "about &lt;pipelines&gt; &amp; teams." in html
    assert "<pipelines>" not in html
    assert "Dear Dana,<br><br>Thank you" in html


def test_several_follow_ups_are_listed_in_one_email_in_order(owner):
    notes = followup(candidate=owner, opens_at=OPENS, kind=FollowUp.Kind.NOTES)
    linkedin = followup(
        candidate=owner, opens_at=OPENS, kind=FollowUp.Kind.LINKEDIN, channel="linkedin"
    )
    item = thank_you(owner)

    message = send(owner, notes, linkedin, item)

    assert message.subject.startswith("3 follow-ups are ready: Write down your notes")
    body = message.body
    positions = [
        body.index("1. Write down your notes on the Northwind interview"),
        body.index("2. Connect with Dana Whitfield on LinkedIn"),
        body.index("3. Thank Dana Whitfield"),
    ]
    assert positions == sorted(positions)


def test_a_follow_up_without_a_draft_reads_cleanly(owner):
    item = followup(candidate=owner, opens_at=OPENS, kind=FollowUp.Kind.NOTES)

    body = send(owner, item).body

    assert "Draft" not in body
    assert "Write down your notes on the Northwind interview" in body
    assert "\n\n\n\n" not in body
