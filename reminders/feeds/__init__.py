"""Follow-ups and interviews in the candidate's own calendar.

``ics`` builds the iCalendar events; ``views`` serves the private feed (a
long random token in the URL, no login: calendar apps cannot sign in) and
the one-event downloads with an alarm, which a calendar imports at once
where a subscription may take hours to refresh.
"""
