"""Printable thank-you cards: the WeasyPrint renderer and its asset sandbox
(``renderer``), cards built from follow-ups and cached (``printing``), and the
preview and download views.

Uses ``reminders.followups`` for the drafts; nothing there imports from here.
"""
