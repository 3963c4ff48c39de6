"""The site's URLs, walked from the URLconf, with an owner's rows and a valid POST for each.

Shared by the isolation test (another candidate's ids are a 404 and change
nothing) and the robustness test (odd input never gives a 5xx). Walking the
URLconf means a new URL is covered the day it is added.
"""

import re
from collections import defaultdict
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from interviews.models import Application, Candidate, Contact, Interview, Participant
from reminders.delivery import links
from reminders.models import FollowUp, SpreadsheetImport
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
# The morning after the owner's interview (factories.interview: 2 March 10:00).
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=BERLIN)

# Which model an id in each part of the site names. A new URL with an id in
# a part not listed here fails the walk until it is added.
OWNED_BY_PREFIX = {
    # Before "applications/": the first prefix that matches names the model.
    "applications/import/": "spreadsheet_import",
    "applications/": "application",
    "interviews/": "interview",
    "people/": "contact",
    "followups/": "followup",
}


def walk(patterns=None, prefix=""):
    """(route, pattern) for every URL pattern, resolvers expanded."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def ours(route):
    """The product's own URLs: not the admin, not allauth's."""
    return not route.startswith(("admin/", "accounts/"))


def id_routes():
    """(route, pattern) for every pattern of ours whose URL takes an integer id."""
    for route, entry in walk():
        converters = getattr(entry.pattern, "converters", {})
        if not ours(route) or not converters:
            continue
        if any(isinstance(c, IntConverter) for c in converters.values()):
            yield route, entry


def owners_rows(owner):
    """One of everything, owned by `owner`: an application, its interview with two
    people, and pending follow-ups the action URLs can act on."""
    interview = factories.panel(candidate=owner, names=("Dana Whitfield", "Lee Park"))
    application = interview.application
    dana, lee = (p.contact for p in interview.participants.order_by("contact__name"))
    Contact.objects.filter(pk=dana.pk).update(email="dana@northwind.test")
    application.main_contact = dana
    application.save()
    followup = FollowUp.objects.create(
        candidate=owner,
        application=application,
        interview=interview,
        contact=dana,
        kind=FollowUp.Kind.THANK_YOU,
        status=FollowUp.Status.OPEN,
        opens_at=interview.ends_at,
        due_at=NOW.replace(hour=23),
        channel=FollowUp.Channel.EMAIL,
        subject="Thank you",
        draft="Dear Dana,\n\nThank you for Monday.\n\nBest regards,\nSam",
    )
    spreadsheet = SpreadsheetImport.objects.create(
        candidate=owner,
        filename="search.csv",
        header=["Company", "Role", "Applied on"],
        rows=[["Contoso", "Analyst", "2026-02-20"]],
        mapping={"company": 0, "role": 1, "applied_on": 2},
    )
    return {
        "application": application,
        "interview": interview,
        "contact": dana,
        "other_contact": lee,
        "followup": followup,
        "spreadsheet_import": spreadsheet,
    }


def url_for(route, entry, rows):
    """The route with the owner's row ids (and valid link tokens) filled in."""
    converters = entry.pattern.converters

    def value(match):
        name = match[1]
        if isinstance(converters[name], IntConverter):
            prefix = next((p for p in OWNED_BY_PREFIX if route.startswith(p)), None)
            assert prefix, f"{route} takes an id but OWNED_BY_PREFIX maps no model for it"
            return str(rows[OWNED_BY_PREFIX[prefix]].pk)
        if name == "token" and route.startswith("r/"):
            purpose = route.split("/")[2]
            return links.link_token(purpose=purpose, followup=rows["followup"])
        return "x"

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def people_rows(*rows):
    """The notes and interview forms' people formset, management form included."""
    data = {
        "people-TOTAL_FORMS": str(len(rows)),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "12",
    }
    for index, row in enumerate(rows):
        base = {"preferred_channel": "email", "discussed": "", "common_ground": ""}
        data.update({f"people-{index}-{k}": v for k, v in {**base, **row}.items()})
    return data


def valid_posts(rows):
    """A POST each URL name accepts as it stands: the baseline odd values replace."""
    contact, other = rows["contact"], rows["other_contact"]
    interview_fields = {
        "round": "first",
        "starts_at": "2026-03-02T10:00",
        "duration_minutes": "60",
        "ends_at": "",
        "format": "video",
        "location": "Video call",
        "decision_promised_on": "2026-03-09",
    }
    people = people_rows(
        {"contact": str(contact.pk), "common_ground": "Hockey"},
        {"contact": str(other.pk), "discussed": "The data platform"},
    )
    return {
        "profile": {
            "full_name": "Sam Okafor",
            "signing_name": "Sam",
            "qualifications": "building data pipelines\nclear writing",
            "fit_phrase": "making data useful",
            "linkedin_url": "https://www.linkedin.com/in/sam",
            "time_zone": "Europe/Berlin",
            "paper_size": "a4",
            "return_address": "1 Main Street\nBerlin",
            "thank_you_channel": "card",
        },
        "settings": {
            "thank_you_due_hours": "24",
            "linkedin_due_days": "2",
            "check_in_days_after_decision": "7",
            "check_in_days_without_decision": "14",
            "check_in_time": "08:00",
            "check_in_due_days": "3",
            "further_check_in_gap_days": "7",
            "further_check_ins": "1",
            "reminder_mode": "each",
            "digest_time": "08:00",
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "08:00",
            "linkedin_note_limit": "200",
        },
        "spreadsheet_columns": {
            "company": "0",
            "role": "1",
            "applied_on": "2",
            "date_style": "dmy",
        },
        "application_create": {
            "company": "Contoso",
            "role": "Analyst",
            "posting_url": "https://contoso.test/jobs/1",
            "main_contact": "",
            "company_address": "",
        },
        "application_edit": {
            "company": "Northwind",
            "role": "Data Engineer",
            "posting_url": "",
            "main_contact": str(contact.pk),
            "company_address": "2 Harbour Road",
        },
        "application_status": {"status": "rejected"},
        "application_reply": {"replied": "yes", "next": "/"},
        "interview_create": {**interview_fields, **people_rows()},
        "interview_edit": {**interview_fields, **people},
        "interview_notes": {
            "summary": "A good talk about pipelines.",
            "qualifications_matched": "building data pipelines",
            "fit": "Both care about clear writing.",
            "correction": "",
            "decision_promised_on": "2026-03-09",
            "contact_preferences": "Email",
            **people,
        },
        "contact_create": {
            "name": "Kim Lee",
            "company": "Northwind",
            "preferred_channel": "email",
        },
        "contact_edit": {
            "name": "Dana Whitfield",
            "company": "Northwind",
            "email": "dana@northwind.test",
            "preferred_channel": "email",
        },
        "followup_draft": {"subject": "Thank you", "draft": "Dear Dana,\n\nThank you."},
        "followup_done": {"done_on": "2026-03-03", "channel": "email"},
        "followup_snooze": {"choice": "date", "day": "2026-03-05"},
    }


# The URL names with a valid POST above (the rows only give ids, so any will do).
VALID_POST_NAMES = frozenset(valid_posts(defaultdict(lambda: SimpleNamespace(pk=0))))


def snapshot(rows):
    """Every column of the owner's rows and their children, to compare before and after."""
    application = rows["application"]
    return {
        "applications": list(Application.objects.filter(pk=application.pk).values()),
        "interviews": list(Interview.objects.filter(application=application).values()),
        "participants": list(
            Participant.objects.filter(interview__application=application).values()
        ),
        "contacts": list(Contact.objects.filter(candidate=application.candidate).values()),
        "followups": list(FollowUp.objects.filter(application=application).values()),
        "candidate": list(Candidate.objects.filter(pk=application.candidate_id).values()),
    }
