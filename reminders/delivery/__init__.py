"""Getting reminders to the candidate: the sweep that claims what is owed, the
reminder emails, the signed links they carry, the Celery task and health.

Uses ``reminders.followups`` (the services act on a follow-up); nothing there
imports from here.
"""
