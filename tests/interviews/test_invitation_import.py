"""Adding an interview from its invitation: upload, preview, confirm; updates and cancellations."""

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from interviews.models import Application, Contact, Interview, Participant
from reminders.models import FollowUp
from tests import factories
from tests.test_pages import PageAudit

SAMPLES = Path(__file__).parent / "invitations"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class FormFields(HTMLParser):
    """What a browser would submit from the page's form with `action`: every named
    input, checked boxes only, each select's chosen option, each textarea."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "on")
            elif attrs.get("type") != "submit":
                self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def submitted(response, **changes):
    parser = FormFields(reverse("invitation_confirm"))
    parser.feed(response.content.decode())
    fields = {**parser.fields, **changes}
    return {k: v for k, v in fields.items() if v is not None}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sam(db):
    candidate = factories.candidate(email="sam@example.com", time_zone="Europe/Berlin")
    EmailAddress.objects.create(user=candidate.user, email="sam.okafor@example.org")
    return candidate


@pytest.fixture
def sam_client(sam):
    client = Client()
    client.force_login(sam.user)
    return client


def upload(client, name, *, url=None):
    data = (SAMPLES / name).read_bytes()
    return client.post(
        url or reverse("invitation_upload"), {"file": SimpleUploadedFile(name, data)}
    )


def add(client, name, **changes):
    preview = upload(client, name)
    assert preview.status_code == 200, preview.content
    return client.post(reverse("invitation_confirm"), submitted(preview, **changes))


def test_the_preview_shows_everything_and_saves_nothing(sam_client):
    response = upload(sam_client, "google-meet.ics")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Interview: Data Engineer at Northwind" in page
    assert "Thursday 10 December 2026, 16:00–17:00" in page  # 15:00 UTC in Berlin
    fields = submitted(response)
    assert fields["starts_at"] == "2026-12-10T16:00"
    assert fields["ends_at"] == "2026-12-10T17:00"
    assert fields["location"] == "https://meet.google.com/abc-defg-hij"
    assert fields["format"] == "video"
    assert (fields["new_company"], fields["new_role"]) == ("Northwind", "Data Engineer")
    # Dana and Lee ticked; Sam (the candidate) and the boardroom unticked.
    ticked = {fields[f"people-{i}-name"] for i in range(4) if f"people-{i}-include" in fields}
    assert ticked == {"Dana Whitfield", "Lee Park"}
    assert "This is you." in page and "A room or equipment, not a person." in page
    assert Interview.objects.count() == Application.objects.count() == Contact.objects.count() == 0


def test_confirming_creates_the_application_interview_and_people_and_plans(sam, sam_client):
    response = add(sam_client, "google-meet.ics")
    interview = Interview.objects.get()
    assert response.status_code == 302 and response.url == interview.get_absolute_url()
    assert (interview.application.company, interview.application.role) == (
        "Northwind",
        "Data Engineer",
    )
    assert interview.application.candidate == sam
    assert interview.calendar_uid == "4hq0v2c1l8mkf3p9s7tq1b2e6u@google.com"
    assert (interview.starts_at, interview.ends_at) == (
        datetime(2026, 12, 10, 15, tzinfo=UTC),
        datetime(2026, 12, 10, 16, tzinfo=UTC),
    )
    people = {(p.contact.name, p.contact.email) for p in interview.participants.all()}
    assert people == {
        ("Dana Whitfield", "dana.whitfield@northwind.test"),
        ("Lee Park", "lee.park@northwind.test"),
    }
    # Planned as for any interview: the notes nudge, then a thank-you each once notes are in.
    assert FollowUp.objects.filter(interview=interview, kind=FollowUp.Kind.NOTES).count() == 1


def test_an_existing_application_and_known_people_are_matched_not_duplicated(sam, sam_client):
    application = factories.application(candidate=sam, company="Northwind", role="Data Engineer")
    known = factories.contact(
        candidate=sam, name="Dana W.", company="Northwind", email="Dana.Whitfield@northwind.test"
    )
    by_name = factories.contact(candidate=sam, name="Lee Park", company="Northwind")
    preview = upload(sam_client, "google-meet.ics")
    fields = submitted(preview)
    assert fields["application"] == str(application.pk)
    assert "Someone you know: Dana W." in preview.content.decode()
    sam_client.post(reverse("invitation_confirm"), fields)
    interview = Interview.objects.get()
    assert interview.application == application
    assert {p.contact_id for p in interview.participants.all()} == {known.pk, by_name.pk}
    assert Contact.objects.count() == 2
    assert Application.objects.count() == 1


def test_the_candidate_can_untick_rename_and_tick_before_confirming(sam_client):
    preview = upload(sam_client, "outlook-teams.ics")
    fields = submitted(preview, **{"people-3-include": None, "people-2-name": "Kimberly Lee"})
    fields["people-4-include"] = "on"  # the room, ticked by hand: allowed, with a name
    sam_client.post(reverse("invitation_confirm"), fields)
    names = set(Participant.objects.values_list("contact__name", flat=True))
    assert names == {"Lee Park", "Kimberly Lee", "Conf Room Rainier"}


def test_starting_from_an_application_picks_it(sam, sam_client):
    other = factories.application(candidate=sam, company="Elsewhere", role="Analyst")
    url = reverse("invitation_upload_for", args=[other.pk])
    fields = submitted(upload(sam_client, "google-meet.ics", url=url))
    assert fields["application"] == str(other.pk)


def test_an_updated_invitation_moves_the_interview_and_replans(sam_client):
    add(sam_client, "outlook-teams.ics")
    interview = Interview.objects.get()
    before = FollowUp.objects.get(interview=interview, kind=FollowUp.Kind.NOTES)
    preview = upload(sam_client, "outlook-teams-update.ics")
    assert "This is an updated invitation" in preview.content.decode()
    assert "application" not in submitted(preview)
    response = sam_client.post(reverse("invitation_confirm"), submitted(preview))
    assert response.status_code == 302
    interview.refresh_from_db()
    assert Interview.objects.count() == 1
    assert interview.calendar_sequence == 1
    assert interview.starts_at == datetime(2026, 12, 14, 21, 30, tzinfo=UTC)
    after = FollowUp.objects.get(interview=interview, kind=FollowUp.Kind.NOTES)
    assert after.opens_at > before.opens_at
    assert after.opens_at >= interview.ends_at


def test_the_same_or_an_older_version_changes_nothing(sam_client):
    add(sam_client, "outlook-teams.ics")
    again = upload(sam_client, "outlook-teams.ics")
    assert "You added this invitation already" in again.content.decode()
    add(sam_client, "outlook-teams-update.ics")
    older = upload(sam_client, "outlook-teams.ics")
    assert "This is an older version" in older.content.decode()
    assert Interview.objects.get().calendar_sequence == 1


def test_a_cancellation_offers_to_remove_the_interview(sam_client):
    add(sam_client, "outlook-teams.ics")
    interview = Interview.objects.get()
    response = upload(sam_client, "outlook-teams-cancel.ics")
    page = response.content.decode()
    assert "The organiser cancelled this interview" in page
    assert reverse("interview_delete", args=[interview.pk]) in page
    assert Interview.objects.count() == 1  # removing is the candidate's choice


def test_a_cancellation_of_an_event_never_added_changes_nothing(sam_client):
    response = upload(sam_client, "outlook-teams-cancel.ics")
    assert "nothing to change" in response.content.decode()
    assert Interview.objects.count() == 0


def test_confirming_twice_adds_one_interview(sam_client):
    preview = upload(sam_client, "google-meet.ics")
    fields = submitted(preview)
    sam_client.post(reverse("invitation_confirm"), fields)
    second = sam_client.post(reverse("invitation_confirm"), fields)
    # The second arrives as an update of the same version: nothing new to do.
    assert second.status_code == 200
    assert "You added this invitation already" in second.content.decode()
    assert Interview.objects.count() == 1


def test_a_file_with_several_events_lets_the_candidate_pick_one(sam_client):
    choose = upload(sam_client, "panel-day.ics")
    page = choose.content.decode()
    assert "This file holds 2 events" in page
    parser = FormFields(reverse("invitation_confirm"))
    parser.feed(page)
    preview = sam_client.post(reverse("invitation_confirm"), {**parser.fields, "index": "1"})
    assert "Culture conversation at Litware" in preview.content.decode()
    # The summary names no role, so the candidate types it.
    sam_client.post(reverse("invitation_confirm"), submitted(preview, new_role="Engineer"))
    interview = Interview.objects.get()
    assert interview.calendar_uid == "litware-2@litware.test"
    assert [p.contact.name for p in interview.participants.all()] == ["Grace Kim"]


def test_an_eml_saved_from_the_mail_program_works_and_the_second_address_is_the_candidate(
    sam_client,
):
    preview = upload(sam_client, "google-invitation.eml")
    fields = submitted(preview)
    assert fields["people-0-name"] == "Zoë Müller" and "people-0-include" in fields
    assert "people-1-include" not in fields  # sam.okafor@example.org is Sam's too
    assert fields["new_company"] == "Proseware"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("all-day.ics", "an interview has a start time"),
        ("no-event.ics", "no event in it"),
        ("not-a-calendar.txt", "not a calendar invitation"),
        ("broken-encoding.ics", "not valid UTF-8"),
        ("no-calendar.eml", "no calendar invitation in it"),
    ],
)
def test_bad_files_get_a_reason_on_the_upload_page_and_nothing_is_saved(sam_client, name, words):
    response = upload(sam_client, name)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert "Add an interview from its invitation" in response.content.decode()
    assert Interview.objects.count() == Application.objects.count() == 0


def test_a_five_megabyte_upload_is_refused_and_never_written_to_disk(
    sam_client, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django's own handlers would spool this
    big = SimpleUploadedFile("big.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * 5_000_000)
    response = sam_client.post(reverse("invitation_upload"), {"file": big})
    assert "larger than 1 MB" in response.content.decode()
    assert list(tmp_path.iterdir()) == []
    # A file under the limit is read in memory, and not spooled either.
    upload(sam_client, "google-meet.ics")
    assert list(tmp_path.iterdir()) == []


def test_pasted_text_is_kept_when_it_is_refused(sam_client):
    response = sam_client.post(reverse("invitation_upload"), {"text": "Thursday at 3?"})
    page = response.content.decode()
    assert "not a calendar invitation" in page and "Thursday at 3?" in page


def test_pasted_text_works_like_a_file(sam_client):
    text = (SAMPLES / "calendly-zoom.ics").read_text()
    response = sam_client.post(reverse("invitation_upload"), {"text": text})
    fields = submitted(response)
    ticked = [fields[f"people-{i}-name"] for i in range(3) if f"people-{i}-include" in fields]
    assert ticked == ["Alex Chen"]  # not Calendly's mailbox, not Sam
    assert fields["format"] == "video"


def test_an_altered_preview_is_refused_and_saves_nothing(sam_client):
    fields = submitted(upload(sam_client, "google-meet.ics"))
    fields["event"] = fields["event"][:-3] + "abc"
    response = sam_client.post(reverse("invitation_confirm"), fields, follow=True)
    assert "arrived damaged" in response.content.decode()
    assert Interview.objects.count() == 0


def test_a_missing_company_is_asked_for_and_what_was_typed_is_kept(sam_client):
    preview = upload(sam_client, "google-meet.ics")
    fields = submitted(preview, new_company="", new_role="Staff Engineer")
    response = sam_client.post(reverse("invitation_confirm"), fields)
    page = response.content.decode()
    assert "Name the company, or pick an application you have." in page
    assert 'value="Staff Engineer"' in page
    assert Interview.objects.count() == Application.objects.count() == 0


def test_another_candidates_application_cannot_receive_the_interview(sam_client, owner):
    theirs = factories.application(candidate=owner, company="Northwind")
    url = reverse("invitation_upload_for", args=[theirs.pk])
    assert upload(sam_client, "google-meet.ics", url=url).status_code == 404
    fields = submitted(upload(sam_client, "google-meet.ics"), application=str(theirs.pk))
    response = sam_client.post(reverse("invitation_confirm"), fields)
    assert response.status_code == 200
    assert not theirs.interviews.exists() and Interview.objects.count() == 0


def test_the_same_invitation_for_two_candidates_stays_apart(sam_client, owner, owner_client):
    add(owner_client, "google-meet.ics")
    preview = upload(sam_client, "google-meet.ics")
    assert "You added this invitation already" not in preview.content.decode()
    add(sam_client, "google-meet.ics")
    assert Interview.objects.filter(application__candidate=owner).count() == 1
    assert Interview.objects.count() == 2


@pytest.mark.parametrize("sample", ["google-meet.ics", "panel-day.ics"])
def test_the_preview_and_choice_pages_pass_the_page_audit(sam_client, sample):
    response = upload(sam_client, sample)
    audit = PageAudit()
    audit.feed(response.content.decode())
    assert audit.unlabelled_fields() == []
    assert audit.silent_buttons() == []
    assert audit.heading_problems() == []
    assert audit.problems == []
