"""A long job search in a few bulk inserts, for tests of the pages at size.

Rows are built directly (not through the planner): the list pages only read
them, and hundreds of planned applications would take minutes.
"""

from datetime import timedelta

from interviews.models import Application, Contact
from reminders.models import FollowUp

# Each bucket of the dashboard, as an offset of the due time from `now`.
# "today" is early in the day and "coming" from two days on, so a test
# frozen at 09:00 Berlin time puts each row in its bucket.
DUE_OFFSETS = {
    "overdue": lambda i: -timedelta(hours=1 + i),
    "today": lambda i: timedelta(minutes=30 + i % 120),
    "coming": lambda i: timedelta(days=2 + i),
}


def applications(*, candidate, count, status=Application.Status.ACTIVE, prefix="Company"):
    return Application.objects.bulk_create(
        Application(
            candidate=candidate, company=f"{prefix} {i}", role="Data Engineer", status=status
        )
        for i in range(count)
    )


def people(*, candidate, count, company="Northwind", prefix="Person"):
    return Contact.objects.bulk_create(
        Contact(candidate=candidate, name=f"{prefix} {i}", company=company, title="Engineer")
        for i in range(count)
    )


def followups(*, candidate, now, overdue=0, today=0, coming=0, done=0, application=None):
    """Thank-yous and LinkedIn requests in each bucket, with a person each."""
    application = application or applications(candidate=candidate, count=1)[0]
    wanted = [("overdue", overdue), ("today", today), ("coming", coming), ("done", done)]
    total = sum(count for _, count in wanted)
    contacts = people(candidate=candidate, count=total, company=application.company)
    rows = []
    for bucket, count in wanted:
        for i in range(count):
            due = now + DUE_OFFSETS.get(bucket, DUE_OFFSETS["overdue"])(i)
            kind = FollowUp.Kind.THANK_YOU if i % 2 == 0 else FollowUp.Kind.LINKEDIN
            rows.append(
                FollowUp(
                    candidate=candidate,
                    application=application,
                    contact=contacts[len(rows)],
                    kind=kind,
                    channel=FollowUp.Channel.EMAIL,
                    status=FollowUp.Status.DONE if bucket == "done" else FollowUp.Status.OPEN,
                    done_at=due if bucket == "done" else None,
                    done_channel=FollowUp.Channel.EMAIL if bucket == "done" else "",
                    opens_at=min(due, now) - timedelta(hours=24),
                    due_at=due,
                    subject="Thank you",
                    draft="Dear friend,\n\nThank you for your time.\n\nBest regards,\nSam",
                )
            )
    return FollowUp.objects.bulk_create(rows)
