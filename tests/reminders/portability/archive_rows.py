"""A whole job search for one candidate, every field of every row filled in,
for the export, restore and leaving tests."""

from datetime import date, time, timedelta

from interviews.models import Application, Contact
from reminders.models import FollowUp
from tests import factories
from tests.reminders.helpers import berlin, plan

NOW = berlin(2026, 3, 20, 9, 0)


def search(candidate, *, company="Northwind", people=("Dana Whitfield", "Lee Park")):
    """Two applications: one with two rounds, planned and then acted on (a thank-you
    done, a draft edited, one snoozed with its undo, a check-in cancelled), and one
    rejected. Returns the first application."""
    candidate.__class__.objects.filter(pk=candidate.pk).update(
        return_address="1 Main Street\nBerlin",
        linkedin_url="https://www.linkedin.com/in/sam",
        further_check_ins=2,
        check_in_time=time(9, 30),
        quiet_hours_start=time(22, 0),
        reminder_mode="digest",
        digest_time=time(7, 15),
        weekly_goal="thank_yous_on_time",
        linkedin_note_limit=300,
    )
    candidate.refresh_from_db()
    application = factories.application(
        candidate=candidate,
        company=company,
        posting_url="https://example.test/jobs/7",
        company_address="2 Harbour Road",
        applied_on=date(2026, 2, 20),
        applied_via="Referral",
        notes="Met the team lead at a meetup.",
    )
    first = factories.interview(
        application=application,
        starts_at=berlin(2026, 3, 2, 10, 0),
        location="Video call",
        format="video",
        decision_promised_on=date(2026, 3, 9),
        summary="Pipelines and the on-call rota.",
        qualifications_matched="building data pipelines",
        fit="Both care about clear writing.",
        correction="I meant Kafka, not RabbitMQ.",
        contact_preferences="Email",
        notes_saved_at=berlin(2026, 3, 2, 12, 5),
        calendar_uid="abc@example.test",
        calendar_sequence=2,
    )
    contacts = []
    for index, name in enumerate(people):
        contact = factories.contact(
            candidate=candidate,
            name=name,
            company=company,
            title="Engineering lead",
            email=f"person{index}@{company.lower()}.test",
            phone="+49 30 1234",
            linkedin_url=f"https://www.linkedin.com/in/p{index}",
            postal_address="3 Dock Street\nHamburg",
            preferred_channel=Contact.Channel.EMAIL,
        )
        factories.participant(
            interview=first,
            contact=contact,
            discussed="The data platform",
            common_ground="We both play hockey",
            correction="",
        )
        contacts.append(contact)
    application.main_contact = contacts[0]
    application.save()
    second = factories.interview(
        application=application, starts_at=berlin(2026, 3, 12, 14, 0), round="second"
    )
    factories.participant(interview=second, contact=contacts[0])
    plan(application, berlin(2026, 3, 2, 11, 30))
    plan(application, berlin(2026, 3, 12, 15, 30))
    _act_on(application)

    rejected = factories.application(candidate=candidate, company="Contoso", role="Analyst")
    factories.interview(application=rejected, starts_at=berlin(2026, 2, 10, 9, 0))
    Application.objects.filter(pk=rejected.pk).update(
        status=Application.Status.REJECTED, status_changed_at=berlin(2026, 2, 20, 10, 0)
    )
    return application


def _act_on(application):
    rows = FollowUp.objects.filter(application=application).order_by("pk")
    thank_you = rows.filter(kind=FollowUp.Kind.THANK_YOU).first()
    thank_you.status = FollowUp.Status.DONE
    thank_you.done_at = berlin(2026, 3, 2, 18, 0)
    thank_you.done_channel = FollowUp.Channel.CARD
    thank_you.draft = "Dear Dana,\n\nThank you for Monday.\n\nBest,\nSam"
    thank_you.draft_edited = True
    thank_you.reminded_at = berlin(2026, 3, 2, 11, 31)
    thank_you.remind_at = None
    thank_you.undo_state = {"action": "done", "fields": {"status": "open", "done_at": None}}
    thank_you.save()
    pending = rows.filter(status__in=FollowUp.PENDING).exclude(pk=thank_you.pk).last()
    pending.snoozed_until = NOW + timedelta(days=2)
    pending.remind_at = NOW + timedelta(days=2)
    pending.undo_state = {"action": "snooze", "fields": {"snoozed_until": None}}
    pending.send_attempts = 1
    pending.save()
    # By NOW the sweep has sent every reminder whose moment came.
    for row in rows.filter(remind_at__lt=NOW):
        FollowUp.objects.filter(pk=row.pk).update(reminded_at=row.remind_at, remind_at=None)
    check_in = rows.get(kind=FollowUp.Kind.CHECK_IN)
    # The first round's check-in, cancelled when the second round was added.
    FollowUp.objects.create(
        candidate=application.candidate,
        application=application,
        interview=application.interviews.order_by("starts_at").first(),
        contact=check_in.contact,
        kind=FollowUp.Kind.CHECK_IN,
        sequence=1,
        opens_at=check_in.opens_at - timedelta(days=5),
        due_at=check_in.due_at - timedelta(days=5),
        channel=FollowUp.Channel.EMAIL,
        status=FollowUp.Status.CANCELLED,
        status_reason="A later round was added.",
    )
