"""Follow-ups as domain logic: the timing rules, planning, drafts and their
guardrails, the candidate's actions on a follow-up, and the dashboard.

Depends on the records in ``interviews`` and on nothing else in ``reminders``:
delivery and cards build on this package, never the other way round.
"""
