"""manage.py bench_data: the benchmarks' data is what the site itself would hold."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from interviews.models import Application, Candidate, Contact, Interview, Participant
from reminders.management.commands.bench_data import PASSWORD
from reminders.models import FollowUp

pytestmark = pytest.mark.django_db

EMAIL = "bench-test@example.com"


@pytest.fixture
def built():
    out = StringIO()
    call_command("bench_data", candidate_interviews=10, email=EMAIL, stdout=out)
    return Candidate.objects.get(user__email=EMAIL), out.getvalue()


def test_it_builds_ten_interviews_over_applications_with_people_met(built):
    candidate, out = built
    interviews = Interview.objects.filter(application__candidate=candidate)
    assert interviews.count() == 10
    per_application = Application.objects.filter(candidate=candidate).annotate(
        n=Count("interviews")
    )
    assert {a.n for a in per_application} <= {1, 2, 3}
    people = interviews.annotate(n=Count("participants"))
    assert {i.n for i in people} <= {1, 2, 3}
    assert Contact.objects.filter(candidate=candidate).exclude(company="").exists()
    assert interviews.exclude(notes_saved_at=None).exists()
    assert "Built 10 interviews" in out and " s." in out


def test_it_plans_a_thank_you_for_everyone_met_as_the_site_does(built):
    candidate, _ = built
    met = Participant.objects.filter(interview__application__candidate=candidate)
    thank_yous = FollowUp.objects.filter(candidate=candidate, kind=FollowUp.Kind.THANK_YOU)
    assert thank_yous.count() == met.count()
    assert set(thank_yous.values_list("interview_id", "contact_id")) == set(
        met.values_list("interview_id", "contact_id")
    )
    assert FollowUp.objects.filter(candidate=candidate, kind=FollowUp.Kind.CHECK_IN).exists()


def test_some_follow_ups_are_done_some_overdue_some_coming(built):
    candidate, _ = built
    now = timezone.now()
    followups = FollowUp.objects.filter(candidate=candidate)
    assert followups.filter(status=FollowUp.Status.DONE).exclude(done_at=None).exists()
    assert followups.pending().filter(due_at__lt=now).exists()
    assert followups.pending().filter(due_at__gt=now).exists()


def test_the_candidate_signs_in_with_the_printed_password(built, client):
    _, out = built
    assert f"{EMAIL} / {PASSWORD}" in out
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_email_in_use_is_refused_with_a_message(built):
    with pytest.raises(CommandError, match="exists already"):
        call_command("bench_data", candidate_interviews=10, email=EMAIL, stdout=StringIO())


def test_every_sweep_follow_up_owes_a_reminder_now_to_a_candidate_awake():
    call_command("bench_data", sweep_followups=1000, stdout=StringIO())
    now = timezone.now()
    assert FollowUp.objects.count() == 1000
    assert Candidate.objects.count() == 400
    owed = FollowUp.objects.filter(
        status=FollowUp.Status.OPEN,
        remind_at__lte=now,
        claimed_at=None,
        candidate__reminders_paused=False,
        candidate__reminder_mode=Candidate.ReminderMode.EACH,
        candidate__user__emailaddress__primary=True,
        candidate__user__emailaddress__verified=True,
    )
    assert owed.count() == 1000
    assert not any(c.in_quiet_hours(now) for c in Candidate.objects.all())


def test_a_sweep_size_out_of_range_is_refused_with_the_range():
    with pytest.raises(CommandError, match="1,000 to 100,000"):
        call_command("bench_data", sweep_followups=999, stdout=StringIO())
    assert not FollowUp.objects.exists()
