"""Create (or refresh) a demo account with a few sample applications."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from interviews.models import Application, Candidate, Contact, Interview, Participant
from interviews.services import followups_plan

EMAIL = "demo@example.com"
PASSWORD = "follow-up-demo"
ZONE = "Europe/Berlin"

SAMPLES = [
    {
        "company": "Northwind Analytics",
        "role": "Senior Data Engineer",
        "days_ago": 1,
        "round": Interview.Round.FIRST,
        "people": [
            (
                "Dana Whitfield",
                "Head of Data",
                "dana@northwind.example",
                "email",
                "we both coach youth hockey on weekends",
                "",
            ),
            (
                "Łukasz Nowak",
                "Staff Engineer",
                "lukasz@northwind.example",
                "linkedin",
                "a shared love of long-distance cycling",
                "I undersold my Airflow migration: it cut nightly run time by 40%.",
            ),
        ],
        "notes": True,
    },
    {
        "company": "Harbor & Pine",
        "role": "Analytics Lead",
        "days_ago": 20,
        "round": Interview.Round.SECOND,
        "people": [
            (
                "José Ortega",
                "VP Operations",
                "jose@harborpine.example",
                "phone",
                "knitting: his daughter runs a yarn shop",
                "",
            ),
        ],
        "notes": True,
    },
    {
        "company": "Bluebell Health",
        "role": "Data Platform Engineer",
        "days_ago": -3,
        "round": Interview.Round.FIRST,
        "people": [("Zoë Lambert", "Engineering Manager", "", "unknown", "", "")],
        "notes": False,
    },
]


class Command(BaseCommand):
    help = "Create the demo account (demo@example.com) with sample applications."

    @transaction.atomic
    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            username="demo", defaults={"email": EMAIL}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
            self._fill(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account: open http://127.0.0.1:8000 and log in as {EMAIL} / {PASSWORD}"
            )
        )

    def _fill(self, user):
        candidate, _ = Candidate.objects.get_or_create(user=user)
        candidate.full_name = "Sam Okafor"
        candidate.signing_name = "Sam"
        candidate.time_zone = ZONE
        candidate.qualifications = (
            "eight years building data pipelines\n"
            "leading small engineering teams\n"
            "turning messy data into decisions people trust"
        )
        candidate.fit_phrase = "a habit of making data work for people who are not analysts"
        candidate.return_address = "Sam Okafor\nLindenstraße 12\n10969 Berlin\nGermany"
        candidate.save()
        zone = ZoneInfo(ZONE)
        today = timezone.now().astimezone(zone).date()
        for sample in SAMPLES:
            self._application(candidate, sample, today, zone)

    def _application(self, candidate, sample, today, zone):
        application = Application.objects.create(
            candidate=candidate, company=sample["company"], role=sample["role"]
        )
        day = today - timedelta(days=sample["days_ago"])
        starts_at = datetime.combine(day, time(10, 0), tzinfo=zone)
        interview = Interview.objects.create(
            application=application,
            round=sample["round"],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            format=Interview.Format.VIDEO,
            location="https://meet.example.com/northwind-data",
        )
        for name, title, email, channel, common_ground, correction in sample["people"]:
            contact = Contact.objects.create(
                candidate=candidate,
                company=application.company,
                name=name,
                title=title,
                email=email,
                preferred_channel=channel,
            )
            Participant.objects.create(
                interview=interview,
                contact=contact,
                common_ground=common_ground,
                correction=correction,
            )
            if application.main_contact is None:
                application.main_contact = contact
                application.save()
        if sample["notes"]:
            interview.summary = "Walked through their pipeline and how the team plans its work."
            interview.qualifications_matched = "building data pipelines\nleading small teams"
            interview.fit = "their focus on tooling that analysts enjoy using"
            interview.decision_promised_on = date.fromordinal(day.toordinal() + 7)
            interview.notes_saved_at = interview.ends_at + timedelta(hours=1)
            interview.save()
        followups_plan(application=application)
