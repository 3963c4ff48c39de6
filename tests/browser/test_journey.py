"""A new candidate's whole journey in a real browser against a live server.

Sign up, fill the profile, record an interview with two interviewers, write the
notes, get the reminder from a real Celery worker on Redis, act on its link,
edit a draft, print the cards, add an interview from an invitation file,
record a rejection, and find nothing of theirs
from another account.
"""

import email
import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from followup_site.celery import app as celery_app
from interviews.models import Interview
from reminders.delivery.tasks import sweep_reminders
from reminders.models import FollowUp
from tests.worker import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]

BERLIN = ZoneInfo("Europe/Berlin")
PASSWORD = "a-long-journey-password-42"


def sign_up(page, base, address, name):
    page.goto(f"{base}/accounts/signup/")
    page.locator("#id_email").fill(address)
    page.locator("#id_full_name").fill(name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    # The browser's zone (this context runs in Europe/Berlin) was pre-filled.
    assert page.locator("#id_time_zone").input_value() == "Europe/Berlin"
    page.get_by_role("button", name="Sign Up").click()
    # Signing in waits for the address to be verified.
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    verify_email(page, base, address)
    page.goto(f"{base}/accounts/login/")
    if "/accounts/login/" in page.url:
        page.locator("#id_login").fill(address)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")


def verify_email(page, base, address):
    """Follow the link in the verification email, as the candidate would."""
    sent = [m for m in mail.outbox if address in m.to and "/confirm-email/" in m.body]
    assert len(sent) == 1, [(m.to, m.subject) for m in mail.outbox]
    message = sent[0]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)
    page.goto(base + urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("You have confirmed").wait_for()


def fill_profile(page, base):
    page.goto(f"{base}/profile/")
    page.locator("#id_signing_name").fill("Sam")
    page.locator("#id_qualifications").fill(
        "eight years building data pipelines\nleading small teams\nclear writing"
    )
    page.locator("#id_fit_phrase").fill("a habit of making data useful to everyone")
    page.locator("#id_return_address").fill("Lindenstraße 12\n10969 Berlin")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Profile saved.").wait_for()


def add_application_with_interview(page, base, started):
    page.goto(f"{base}/applications/new/")
    page.locator("#id_company").fill("Northwind")
    page.locator("#id_role").fill("Data Engineer")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/interviews/new/$"))
    page.locator("#id_starts_at").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_duration_minutes").fill("60")
    page.locator("#id_people-0-name").fill("Dana Whitfield")
    page.get_by_role("button", name="Add another person").click()
    page.locator("#id_people-1-name").fill("Łukasz Nowak")
    page.get_by_role("button", name="Save interview").click()
    page.wait_for_url(re.compile(r"/interviews/\d+/$"))
    return page.url


def fill_notes(page, decision_date):
    page.get_by_role("link", name="Write notes").click()
    page.locator("#id_people-0-email").fill("dana@northwind.example")
    page.locator("#id_people-0-preferred_channel").select_option("email")
    page.locator("#id_people-0-common_ground").fill("we both coach youth hockey")
    page.locator("#id_people-1-preferred_channel").select_option("linkedin")
    page.locator("#id_people-1-linkedin_url").fill("https://www.linkedin.com/in/lukasz")
    page.locator("#id_people-1-common_ground").fill("long-distance cycling")
    page.locator("#id_qualifications_matched").fill("building data pipelines\nleading small teams")
    page.locator("#id_correction").fill(
        "I undersold the Airflow migration: it cut nightly run time by 40%."
    )
    page.locator("#id_decision_promised_on").fill(decision_date.isoformat())
    page.get_by_role("button", name="Save notes and plan follow-ups").click()
    page.get_by_text("Notes saved.").wait_for()


def sweep_time(now):
    """Now, or the next 08:30 in Berlin when now falls in the quiet hours."""
    local = now.astimezone(BERLIN)
    if time(8, 0) <= local.time() < time(21, 0):
        return now
    day = local.date() if local.time() < time(8, 0) else local.date() + timedelta(days=1)
    return datetime.combine(day, time(8, 30), tzinfo=BERLIN)


def run_sweep_on_a_real_worker(worker, as_of):
    with celery_app.connection_for_write(worker["broker"]) as broker:
        sweep_reminders.apply_async(
            kwargs={"as_of": as_of.isoformat()}, queue=worker["queue"], connection=broker
        )

    # The file appears when the mail backend opens it; the message is whole
    # once the sender has marked it sent, right after the write.
    def sent():
        return FollowUp.objects.filter(reminded_at__isnull=False).exists() and any(
            written.stat().st_size for written in worker["mail_dir"].iterdir()
        )

    assert wait_until(sent, worker=worker["process"])
    (written,) = worker["mail_dir"].iterdir()
    message = email.message_from_string(written.read_text())
    (text,) = [
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    ]
    return message, text


def done_link_for(text, name):
    blocks = re.split(r"\n(?=\d+\. )", text)
    (block,) = [b for b in blocks if name in b and "Thank" in b]
    return re.search(r"Mark it done:\s+(\S+)", block).group(1)


def invitation(now):
    """An invitation for tomorrow at 10:00 UTC, as a calendar server would send it."""
    day = (now + timedelta(days=1)).strftime("%Y%m%d")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:journey-invite@contoso.test",
        f"DTSTART:{day}T100000Z",
        f"DTEND:{day}T110000Z",
        "SUMMARY:Interview: Analyst at Contoso",
        "ORGANIZER;CN=Kim Lee:mailto:kim.lee@contoso.test",
        "ATTENDEE;CN=Sam Okafor:mailto:sam@example.com",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_new_candidate_follows_up_after_an_interview(
    page, live_server, axe_check, celery_worker_process
):
    base = live_server.url
    sign_up(page, base, "sam@example.com", "Sam Okafor")
    fill_profile(page, base)

    now = timezone.now()
    started = (now - timedelta(hours=2)).astimezone(BERLIN).replace(second=0, microsecond=0)
    interview_url = add_application_with_interview(page, base, started)
    fill_notes(page, (started + timedelta(days=7)).date())
    axe_check(page, "interview page")

    # The dashboard shows the planned follow-ups.
    page.goto(f"{base}/")
    dashboard = page.content()
    assert "Thank-you – Dana Whitfield" in dashboard
    assert "Thank-you – Łukasz Nowak" in dashboard
    assert "Check-in" in dashboard
    axe_check(page, "dashboard")
    page.goto(interview_url + "notes/")
    axe_check(page, "notes form")

    # A real Celery worker on Redis runs the sweep; the reminder arrives as one email.
    message, text = run_sweep_on_a_real_worker(celery_worker_process, sweep_time(now))
    assert message["To"] == "sam@example.com"
    assert message["List-Unsubscribe"]
    assert "Dear Dana," in text and "Łukasz" in text

    # Its "mark done" link asks first; one click on the page's button acts.
    page.goto(base + urlsplit(done_link_for(text, "Dana Whitfield")).path)
    dana = FollowUp.objects.get(kind="thank_you", contact__name="Dana Whitfield")
    assert dana.status != FollowUp.Status.DONE
    page.get_by_role("button", name="Yes, mark it done").click()
    page.get_by_text("Marked done").wait_for()
    page.goto(f"{base}/followups/{dana.pk}/")
    assert page.locator(".badge", has_text="Done").count() >= 1
    axe_check(page, "follow-up page")

    # Editing a thank-you: the guardrail warns live past about ninety words.
    lukasz = FollowUp.objects.get(kind="thank_you", contact__name="Łukasz Nowak")
    page.goto(f"{base}/followups/{lukasz.pk}/")
    editor = page.locator("[data-draft-text]")
    long_text = editor.input_value().replace(
        "\n\n", "\n\n" + "We talked at length about the roadmap and the team. " * 5 + "\n\n", 1
    )
    editor.fill(long_text)
    findings = page.locator("[data-guardrail-findings]")
    findings.get_by_text(re.compile(r"This runs to \d+ sentences and \d+ words")).wait_for()
    page.get_by_role("button", name="Save draft").click()
    lukasz.refresh_from_db()
    assert lukasz.draft_edited and "roadmap" in lukasz.draft

    # The panel's cards: one PDF, a card per interviewer, in the handwriting font.
    page.goto(interview_url)
    page.get_by_role("link", name="Print thank-you cards").click()
    axe_check(page, "card preview")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == 2
    text_of_cards = " ".join(p.extract_text() for p in pdf.pages)
    assert "Dana" in text_of_cards and "Łukasz" in text_of_cards
    fonts = {
        str(font["/BaseFont"])
        for p in pdf.pages
        for font in p["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("Card-Hand" in name for name in fonts), fonts

    page.goto(f"{base}/settings/")
    axe_check(page, "settings")

    # An interview added from its invitation file: the preview, then one click.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Add from an invitation").click()
    page.get_by_label("Invitation file").set_input_files(
        {"name": "invite.ics", "mimeType": "text/calendar", "buffer": invitation(now)}
    )
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("Interview: Analyst at Contoso").wait_for()
    axe_check(page, "invitation preview")
    assert page.get_by_text("This is you.").count() == 1
    page.get_by_role("button", name="Add the interview").click()
    page.get_by_text("Interview added from the invitation.").wait_for()
    imported = Interview.objects.get(calendar_uid="journey-invite@contoso.test")
    assert imported.application.company == "Contoso"
    assert [p.contact.name for p in imported.participants.all()] == ["Kim Lee"]

    # A rejection cancels the pending check-ins and plans a gracious reply.
    page.goto(interview_url)
    page.get_by_role("link", name="Data Engineer at Northwind").first.click()
    page.get_by_role("button", name="Rejected").click()
    page.get_by_text("a gracious reply is planned").wait_for()
    check_ins = FollowUp.objects.filter(
        kind__in=["check_in", "further_check_in"], application__company="Northwind"
    )
    assert check_ins.exists()
    assert set(check_ins.values_list("status", flat=True)) == {"cancelled"}
    assert FollowUp.objects.get(kind="rejection_reply").status in ("planned", "open")
    assert "Reply to a rejection" in page.content()

    # Log out; another candidate gets a 404 on the first one's interview.
    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))
    sign_up(page, base, "other@example.com", "Other Person")
    response = page.goto(interview_url)
    assert response.status == 404

    assert not page.csp_violations, page.csp_violations
