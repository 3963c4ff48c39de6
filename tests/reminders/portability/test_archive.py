"""The JSON export and its restore: every field back, nothing of anyone else's,
bad files refused with a message and nothing saved, merging without duplicates."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Application, Candidate, Contact, Interview, Participant
from reminders.delivery.sweep import reminders_sweep
from reminders.models import FollowUp
from reminders.portability import archive, archive_format
from tests import factories
from tests.reminders.portability.archive_rows import NOW, search

MODELS = (Contact, Application, Interview, Participant, FollowUp)
# Fields a restore does not carry over, and why.
NOT_CARRIED = {
    # The account restored into keeps its own login and its own feed secret.
    Candidate: {"id", "user", "calendar_token"},
    # A sweep's claim on the row, from a process of the old site.
    FollowUp: {"claimed_at"},
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fresh(db):
    return factories.candidate(email="fresh@example.com", full_name="Fresh Account")


def client_for(candidate):
    client = Client()
    client.force_login(candidate.user)
    return client


def exported(candidate):
    response = client_for(candidate).get(reverse("archive_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def restore(candidate, content, mode="refuse"):
    upload = SimpleUploadedFile("export.json", content, content_type="application/json")
    return client_for(candidate).post(reverse("archive_restore"), {"file": upload, "mode": mode})


def rows_of(candidate):
    """Every row of the candidate's, by model, in the order they were made."""
    return {model: list(model.objects.for_user(candidate.user).order_by("pk")) for model in MODELS}


def counts():
    return {model.__name__: model.objects.count() for model in (*MODELS, Candidate)}


# ---------------------------------------------------------------- the round trip


def test_a_restore_into_a_fresh_account_gives_back_every_field_of_every_row(owner, fresh):
    # Made days before the restore, on a running clock: every row has its own
    # created and updated times, none of them the restore's.
    with time_machine.travel(NOW - timedelta(days=3), tick=True):
        search(owner)
    response = restore(fresh, exported(owner))
    assert response.status_code == 302

    before, after = rows_of(owner), rows_of(fresh)
    # Old pk → new pk, per model: rows are restored in the order they were made.
    pks = {Candidate: {owner.pk: fresh.pk}}
    for model in MODELS:
        assert len(after[model]) == len(before[model]) > 0, model.__name__
        pks[model] = {old.pk: new.pk for old, new in zip(before[model], after[model], strict=True)}
    compared = 0
    for model in (Candidate, *MODELS):
        pairs = (
            [(owner, fresh)]
            if model is Candidate
            else zip(before[model], after[model], strict=True)
        )
        if model is Candidate:
            owner.refresh_from_db()
            fresh.refresh_from_db()
        skipped = NOT_CARRIED.get(model, set())
        for old, new in pairs:
            for field in model._meta.concrete_fields:
                if field.name in skipped:
                    continue
                old_value, new_value = getattr(old, field.attname), getattr(new, field.attname)
                if field.is_relation and old_value is not None:
                    old_value = pks[field.related_model][old_value]
                elif field.primary_key:
                    old_value = pks[model][old_value]
                assert new_value == old_value, f"{model.__name__}.{field.name}"
                compared += 1
    assert compared > 300
    assert fresh.calendar_token != owner.calendar_token
    assert fresh.user.email == "fresh@example.com"


def test_the_file_has_a_format_version_and_one_list_per_kind_of_row(owner):
    search(owner)
    data = json.loads(exported(owner))
    assert data["format"] == "follow-up-export"
    assert data["version"] == archive.FORMAT_VERSION == 1
    assert set(data) == {
        "format",
        "version",
        "exported_at",
        "email",
        "profile",
        *archive_format.PARTS,
    }
    assert data["profile"]["weekly_goal"] == "thank_yous_on_time"
    followup = next(f for f in data["followups"] if f["kind"] == "thank_you" and f["done_at"])
    assert followup["done_at"] == "2026-03-02T17:00:00+00:00"
    assert followup["draft_edited"] is True


def test_secrets_stay_out_of_the_file(owner):
    search(owner)
    text = exported(owner).decode()
    assert owner.calendar_token not in text
    assert owner.user.password not in text
    assert "calendar_token" not in text and "password" not in text


def test_another_candidates_data_is_never_in_an_export(owner, stranger):
    search(owner)
    search(stranger, company="Globex", people=("Rita Secret", "Omar Hidden"))
    Application.objects.filter(candidate=stranger).update(notes="the stranger's own notes")
    text = exported(owner).decode()
    for secret in ("Globex", "Rita Secret", "Omar Hidden", "stranger's own notes", "stranger@"):
        assert secret not in text
    data = json.loads(text)
    theirs = {
        m: set(m.objects.for_user(stranger.user).values_list("pk", flat=True)) for m in MODELS
    }
    for name, part in archive_format.PARTS.items():
        assert not {row["id"] for row in data[name]} & theirs[part.model], name


def test_the_export_takes_the_same_queries_at_any_size(owner):
    search(owner)
    with CaptureQueriesContext(connection) as small:
        archive.archive_build(candidate=owner)
    for index in range(4):
        search(owner, company=f"Company{index}", people=(f"A {index}", f"B {index}", f"C {index}"))
    assert FollowUp.objects.filter(candidate=owner).count() > 40
    with CaptureQueriesContext(connection) as big:
        archive.archive_build(candidate=owner)
    # One per part, and the user's email for the file's header.
    assert len(big) == len(small) == len(archive_format.PARTS) + 1


def test_the_restore_takes_the_same_queries_at_any_size(owner, fresh, stranger):
    search(owner)
    small_file = archive.archive_build(candidate=owner)
    for index in range(4):
        search(owner, company=f"Company{index}", people=(f"A {index}", f"B {index}", f"C {index}"))
    big_file = archive.archive_build(candidate=owner)
    with CaptureQueriesContext(connection) as small:
        archive.archive_restore(candidate=fresh, data=small_file)
    with CaptureQueriesContext(connection) as big:
        archive.archive_restore(candidate=stranger, data=big_file)
    assert len(big) == len(small) <= 20


# ---------------------------------------------------------------- nothing sent, nothing planned


def test_a_restore_sends_nothing_for_windows_that_passed_and_keeps_what_is_owed(owner, fresh):
    search(owner)
    data = archive.archive_build(candidate=owner)
    past = next(f for f in data["followups"] if f["status"] == "open")
    past["remind_at"], past["reminded_at"] = "2026-03-19T08:00:00+00:00", None
    Candidate.objects.filter(pk=fresh.pk).update(reminder_mode="each")
    data["profile"]["reminder_mode"] = "each"
    Candidate.objects.filter(pk=owner.pk).update(reminders_paused=True)

    archive.archive_restore(candidate=fresh, data=data)
    reminders_sweep(now=NOW)

    assert mail.outbox == []
    # Only the snoozed one still owes a reminder: when its snooze ends.
    owed = FollowUp.objects.filter(candidate=fresh, remind_at__isnull=False)
    assert [f.remind_at for f in owed] == [NOW + timedelta(days=2)]


def test_a_restore_never_replans_what_it_restores(owner, fresh, monkeypatch):
    search(owner)
    monkeypatch.setattr(
        "reminders.followups.planning.followups_plan",
        lambda **kwargs: pytest.fail("a restore must not re-plan"),
    )
    archive.archive_restore(candidate=fresh, data=archive.archive_build(candidate=owner))
    assert FollowUp.objects.filter(candidate=fresh, status="cancelled").count() == 1


# ---------------------------------------------------------------- bad files


def bad_file_page(candidate, content):
    before = counts()
    response = restore(candidate, content)
    assert response.status_code == 200
    assert counts() == before
    return response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not readable JSON"),
        (b'{"applications": [', "not readable JSON"),
        (b"[1, 2, 3]", "not a Follow-up export"),
        (b'{"format": "follow-up-export", "version": 2}', "format version 2"),
        (b'{"format": "follow-up-export", "version": "1"}', "format version &#x27;1&#x27;"),
        (b'{"format": "follow-up-export", "version": 1, "profile": {}}', "it has no contacts"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_a_message(fresh, content, message):
    page = bad_file_page(fresh, content)
    assert message in page
    assert "invalid-feedback" in page or "alert" in page


def test_a_file_over_the_size_cap_is_refused(fresh, owner, monkeypatch):
    search(owner)
    content = exported(owner)
    monkeypatch.setattr(archive, "MAX_BYTES", len(content) - 1)
    assert "larger than" in bad_file_page(fresh, content)


def edited(owner, change):
    data = archive.archive_build(candidate=owner)
    change(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["followups"][-1].pop("draft"), "followups, entry 10 has no “draft”"),
        (lambda d: d["interviews"][0].update(application=999), "which is not in applications"),
        (lambda d: d["followups"][-1].update(status="lost"), "“status”"),
        (lambda d: d["contacts"][1].update(name={"a": 1}), "value of the wrong kind"),
        (lambda d: d["profile"].update(time_zone="Mars/Olympus"), "not a time zone name"),
        (lambda d: d["interviews"][1].update(starts_at="2026-03-12T14:00"), "without a time zone"),
        (lambda d: d["contacts"][1].update(id=d["contacts"][0]["id"]), "used twice"),
        (
            lambda d: d["followups"][-1].update(
                undo_state={"action": "done", "fields": {"candidate_id": 1}}
            ),
            "“undo_state”",
        ),
    ],
)
def test_a_bad_row_anywhere_is_named_and_nothing_is_saved(owner, fresh, change, message):
    search(owner)
    page = bad_file_page(fresh, edited(owner, change))
    assert message in page.replace("&ldquo;", "“").replace("&rdquo;", "”")


def test_rows_the_database_refuses_late_in_the_file_leave_nothing_behind(owner, fresh):
    search(owner)

    def end_before_start(data):
        data["interviews"][-1]["ends_at"] = "2020-01-01T00:00:00+00:00"

    page = bad_file_page(fresh, edited(owner, end_before_start))
    assert "nothing was restored" in page
    fresh.refresh_from_db()
    assert fresh.full_name == "Fresh Account"  # the profile, restored first, rolled back too


# ---------------------------------------------------------------- a non-empty account


def test_into_an_account_with_records_it_refuses_unless_told_to_merge(owner, stranger):
    search(owner)
    search(stranger, company="Globex")
    page = bad_file_page(stranger, exported(owner))
    assert "already has applications or people" in page


def test_merging_adds_only_what_the_account_lacks_and_twice_adds_nothing(owner, stranger):
    search(owner)
    search(stranger)  # the same search, entered again in the other account
    extra = factories.application(candidate=owner, company="Initech", role="Data Engineer")
    factories.participant(
        interview=factories.interview(application=extra),
        contact=factories.contact(candidate=owner, name="Kim New", company="Initech"),
    )
    stranger_before = {m: m.objects.for_user(stranger.user).count() for m in MODELS}
    content = exported(owner)

    response = restore(stranger, content, mode="merge")
    assert response.status_code == 302
    after = {m: m.objects.for_user(stranger.user).count() for m in MODELS}
    assert after[Application] == stranger_before[Application] + 1
    assert after[Contact] == stranger_before[Contact] + 1
    assert after[Interview] == stranger_before[Interview] + 1
    assert after[Participant] == stranger_before[Participant] + 1
    assert after[FollowUp] == stranger_before[FollowUp]
    assert Application.objects.filter(candidate=stranger, company="Initech").exists()

    assert restore(stranger, content, mode="merge").status_code == 302
    assert {m: m.objects.for_user(stranger.user).count() for m in MODELS} == after


def test_merging_keeps_the_accounts_own_rows_and_profile_as_they_are(owner, stranger):
    search(owner)
    search(stranger)
    Candidate.objects.filter(pk=stranger.pk).update(fit_phrase="", signing_name="Stranger")
    Contact.objects.filter(candidate=stranger, name="Dana Whitfield").update(title="Director")
    restore(stranger, exported(owner), mode="merge")
    stranger.refresh_from_db()
    assert stranger.signing_name == "Stranger"
    assert stranger.fit_phrase == owner.fit_phrase  # blank here, so filled from the file
    assert Contact.objects.get(candidate=stranger, name="Dana Whitfield").title == "Director"


def test_the_restore_page_says_what_was_restored(owner, fresh):
    search(owner)
    upload = SimpleUploadedFile("export.json", exported(owner))
    response = client_for(fresh).post(
        reverse("archive_restore"), {"file": upload, "mode": "refuse"}, follow=True
    )
    text = response.content.decode()
    assert "Restored 2 people, 2 applications, 3 interviews, 3 people met, 10 follow-ups." in text


def test_an_upload_is_read_only_up_to_the_cap():
    class Endless(io.RawIOBase):
        def read(self, size=-1):
            assert size == archive.MAX_BYTES + 1  # never the whole upload
            return b"x" * size

    with pytest.raises(archive.ArchiveInvalid, match="larger than"):
        archive.archive_read(Endless())
