"""Whom an invitation names, and whom to thank: the rules behind the preview's defaults.

An invitation lists more than interviewers: the candidate themself, the
meeting room, a projector, and often a scheduling tool as the organiser.
Those are shown unticked with the reason, so the candidate sees every row
and a thank-you is planned only for the people they met.
"""

import re

from ..models import Contact

# Scheduling and applicant-tracking systems that send invitations on a
# recruiter's behalf. Their organiser address is a mailbox, not a person.
SCHEDULING_DOMAINS = (
    "calendly.com",
    "greenhouse.io",
    "lever.co",
    "ashbyhq.com",
    "goodtime.io",
    "myworkday.com",
    "workday.com",
    "smartrecruiters.com",
    "icims.com",
    "gem.com",
    "paradox.ai",
    "modernloop.io",
    "prelude.co",
    "zoom.us",
    "hubspot.com",
)
# Personal mail services: their domain says nothing about the employer.
PERSONAL_DOMAINS = (
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "aol.com",
)
_AUTOMATIC_SENDER = re.compile(
    r"^(?:no-?reply|do-?not-?reply|notifications?|calendar|scheduling|invites?|mailer-daemon)"
    r"(?:[+.-].*)?$",
    re.IGNORECASE,
)
# Second-level suffixes under which the company's name is one label further in.
_SECOND_LEVEL = {"co", "com", "ac", "gov", "org", "net", "ltd", "plc"}

REASON_YOU = "This is you."
REASON_ROOM = "A room or equipment, not a person."
REASON_GROUP = "A group address, not one person."
REASON_AUTOMATIC = "An automatic sender, not a person."
REASON_SCHEDULER = "Sent by a scheduling system on the recruiter's behalf."


def _domain(mail):
    return mail.rpartition("@")[2].lower()


def _on(domain, domains):
    return any(domain == d or domain.endswith("." + d) for d in domains)


def left_out_reason(person, *, own_addresses):
    """Why `person` is unticked by default, or "" when they are someone to thank."""
    if person.email and person.email.lower() in own_addresses:
        return REASON_YOU
    if person.kind in ("ROOM", "RESOURCE"):
        return REASON_ROOM
    if person.kind == "GROUP":
        return REASON_GROUP
    if person.email and _AUTOMATIC_SENDER.match(person.email.partition("@")[0]):
        return REASON_AUTOMATIC
    if person.email and _on(_domain(person.email), SCHEDULING_DOMAINS):
        return REASON_SCHEDULER
    if not person.name:
        return "No name in the invitation: type one to include them."
    return ""


def company_from_domain(mail):
    """ "talent@northwind-traders.co.uk" → "Northwind Traders"; "" for personal mail."""
    domain = _domain(mail)
    if not domain or _on(domain, PERSONAL_DOMAINS + SCHEDULING_DOMAINS):
        return ""
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        labels = labels[:-1]
    name = labels[-2] if len(labels) >= 2 else labels[0]
    return " ".join(word.capitalize() for word in re.split(r"[-_]+", name) if word)


_SUMMARY_COMPANY = re.compile(
    r"\b(?:at|with|@)\s+([A-Z][\w&'.-]*(?:\s+[A-Z&][\w&'.-]*){0,3})", re.UNICODE
)


def company_from_summary(summary):
    """ "Interview: Data Engineer at Northwind" → "Northwind"."""
    match = _SUMMARY_COMPANY.search(summary)
    return match[1].strip(" .-") if match else ""


def _squash(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def application_guess(event, applications):
    """The application this invitation most likely belongs to, and the company to suggest.

    Returns (application or None, suggested company name). The organiser's
    and then the attendees' e-mail domains are tried first (a summary like
    "Interview with Sam" names the candidate, not the employer), then the summary.
    """
    guesses = [company_from_domain(p.email) for p in event.people if p.email]
    guesses = [g for g in guesses if g] + [company_from_summary(event.summary)]
    guesses = [g for g in guesses if g]
    for guess in guesses:
        key = _squash(guess)
        for application in applications:
            company = _squash(application.company)
            if company and (company == key or company.startswith(key) or key.startswith(company)):
                return application, application.company
    return None, guesses[0] if guesses else ""


def known_contact(*, candidate, company, name, email):
    """A person the candidate already knows at `company`: by e-mail first, then by name."""
    people = Contact.objects.filter(candidate=candidate).at_company(company)
    if email:
        match = people.filter(email__iexact=email).first()
        if match:
            return match
    if name:
        return people.filter(name__iexact=" ".join(name.split())).first()
    return None


_ROLE_PREFIX = re.compile(
    r"^(?:(?:first|second|final|panel|phone|video|technical|onsite)\s+)*"
    r"(?:interview|screen(?:ing)?|call|chat)\b\s*(?:for|:|-|–)?\s*(?:the\s+)?",
    re.IGNORECASE,
)


def role_from_summary(summary):
    """ "Interview: Data Engineer at Northwind" → "Data Engineer"; "" when the summary
    names no role ("Interview with Sam Okafor" names the candidate)."""
    rest = _ROLE_PREFIX.sub("", summary.strip(), count=1)
    if rest == summary.strip() or rest.lower().startswith("with "):
        return ""
    role = re.split(r"\s+(?:at|with|@)\s+|\s+[-–|(]\s*", rest, maxsplit=1)[0]
    return role.strip(" .:-")[:200]
