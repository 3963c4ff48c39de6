"""Planning every follow-up of an application from the rules in reminders/rules.py."""


def followups_plan(*, application, now=None):
    """Bring the application's follow-ups in line with what is known now (idempotent)."""
    return []
