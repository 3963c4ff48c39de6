"""Every suggested draft passes the guardrails the page shows, whatever the notes hold.

The notes form takes up to a few hundred characters per field, and candidates
write freely there ("sorry I mixed up…", "then you asked me…"). A suggestion
that draws the product's own warning teaches the candidate to ignore it, so
drafts are checked over every combination of empty, short, long and very long
notes, for several people, every kind and every round.
"""

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interviews.models import Application, Candidate, Contact, Interview, Participant
from reminders.followups.drafts import DraftContext
from reminders.followups.guardrails import guardrails_check
from reminders.followups.rules import RULES
from reminders.models import FollowUp
from tests import factories

from ..helpers import berlin, plan

Kind = FollowUp.Kind
LEVELS = ("empty", "short", "long", "very long")


def _filled(text, limit):
    """`text` repeated up to the field's limit, ending on a whole sentence."""
    out = text
    while len(out) + 1 + len(text) <= limit:
        out += " " + text
    return out


def _field(model, name):
    return model._meta.get_field(name).max_length


# Each notes field at each level; the long ones hold what guardrails warn of.
NOTES = {
    "qualifications_matched": {
        "empty": "",
        "short": "SQL\nAirflow",
        "long": "SQL and dbt models for finance\nAirflow pipelines across three regions\n"
        "mentoring junior analysts every week\nclear writing for non-technical readers\n"
        "in my previous role I ran the data platform",
        "very long": "\n".join(
            f"building and running reliable batch and streaming pipeline number {n} at scale"
            for n in range(7)
        ),
    },
    "qualifications": {
        "empty": "",
        "short": "data pipelines",
        "long": "building data pipelines\nleading small teams\nclear writing\n"
        "stakeholder management\nPython",
        "very long": "\n".join(
            f"- my career in analytics engineering, part {n}, with much detail on each project"
            for n in range(11)
        ),
    },
    "fit": {
        "empty": "",
        "short": "your focus on open data",
        "long": "we share a love of open data, and your plan to publish the transit "
        "figures every week matches what I have wanted to work on for years",
        "very long": _filled(
            "Your mission to make public transport data open. I worked at a city before.",
            _field(Interview, "fit"),
        ),
    },
    "fit_phrase": {
        "empty": "",
        "short": "a habit of making data useful",
        "long": "a habit of making data useful to people who are not analysts, and a "
        "steady hand when the numbers are bad news for someone",
        "very long": _filled(
            "A habit of making data useful. I have worked with many teams.",
            _field(Candidate, "fit_phrase"),
        ),
    },
    "discussed": {
        "empty": "",
        "short": "the reporting backlog",
        "long": "the reporting backlog, then you asked me how I would cut it in half "
        "and I answered with the plan from the case study",
        "very long": _filled(
            "First we went through the backlog. Then we talked about the on-call rota.",
            _field(Participant, "discussed"),
        ),
    },
    "correction": {
        "empty": "",
        "short": "The migration took two months, not two weeks.",
        "long": "Sorry, I said the migration took two weeks; it took two months. "
        "I also meant Airflow, not Luigi. Forgive the mix-up.",
        "very long": _filled(
            "I apologise for the slip about the team size: it was eight people, not four.",
            _field(Participant, "correction"),
        ),
    },
}

COMMON_GROUND = {
    "empty": "",
    "short": "we both play hockey",
    "long": "we both regret missing the Sunday derby, and then we talked hockey",
    "very long": _filled(
        "Both of us play hockey. Sorry, ice hockey.", _field(Participant, "common_ground")
    ),
}
PEOPLE = ("Dana Whitfield", "Dr. María-José O'Neill-Ferreira", "Lee", "")
ROUNDS = [value for value, _ in Interview.Round.choices]
FORMATS = [value for value, _ in Interview.Format.choices]


def _world(*, levels, person, round_, format_, linkedin_limit=200, promised=None):
    """Unsaved rows for one combination: drafts read attributes only."""
    candidate = Candidate(
        full_name="Sam Okafor",
        signing_name="Sam",
        time_zone="Europe/Berlin",
        qualifications=NOTES["qualifications"][levels["qualifications"]],
        fit_phrase=NOTES["fit_phrase"][levels["fit_phrase"]],
        linkedin_note_limit=linkedin_limit,
    )
    application = Application(candidate=candidate, company="Northwind", role="Data Engineer")
    starts = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    interview = Interview(
        application=application,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        round=round_,
        format=format_,
        qualifications_matched=NOTES["qualifications_matched"][levels["qualifications_matched"]],
        fit=NOTES["fit"][levels["fit"]],
        decision_promised_on=promised,
    )
    correction = NOTES["correction"][levels["correction"]]
    # Half the people carry their own correction, half inherit the interview's.
    own = len(person) % 2 == 0
    interview.correction = "" if own else correction
    contact = Contact(candidate=candidate, name=person, company="Northwind")
    participant = Participant(
        interview=interview,
        contact=contact,
        discussed=NOTES["discussed"][levels["discussed"]],
        common_ground=COMMON_GROUND[levels.get("common_ground", "short")],
        correction=correction if own else "",
    )
    return candidate, application, interview, contact, participant


def _page_findings(kind, body, candidate):
    """What the follow-up page would flag, computed the way the page computes it."""
    report = guardrails_check(kind=kind, text=body, linkedin_limit=candidate.linkedin_note_limit)
    return report.errors + report.warnings


def _thank_you_combinations():
    names = list(NOTES)
    for index, chosen in enumerate(itertools.product(LEVELS, repeat=len(names))):
        yield index, dict(zip(names, chosen, strict=True))


def test_no_thank_you_draft_trips_a_guardrail_over_every_combination_of_notes():
    failures = []
    for index, levels in _thank_you_combinations():
        round_ = ROUNDS[index % len(ROUNDS)]
        # The people take turns, so each name meets every kind of note.
        for person in (PEOPLE[index % len(PEOPLE)],):
            candidate, application, interview, contact, participant = _world(
                levels=levels, person=person, round_=round_, format_=FORMATS[index % 3]
            )
            ctx = DraftContext(
                candidate=candidate,
                application=application,
                interview=interview,
                contact=contact if person else None,
                participant=participant,
            )
            body = RULES[Kind.THANK_YOU].draft(ctx).body
            findings = _page_findings(Kind.THANK_YOU, body, candidate)
            if findings:
                failures.append((levels, round_, person, findings, body))
    assert not failures, (
        f"{len(failures)} thank-you drafts trip a guardrail; the first:\n"
        f"{failures[0][:4]}\n\n{failures[0][4]}"
    )


# What else varies a draft, per kind: the channel, the check-in's place in the
# chain, a promised decision date, the LinkedIn limit (free or Premium).
VARIANTS = {
    Kind.LINKEDIN: [{"limit": limit} for limit in (200, 300)],
    Kind.CHECK_IN: [
        {"channel": channel, "promised": promised}
        for channel in ("email", "phone", "linkedin")
        for promised in (None, date(2026, 3, 9))
    ],
    Kind.FURTHER_CHECK_IN: [
        {"channel": channel, "position": position}
        for channel in ("email", "phone", "linkedin")
        for position in (1, 2, 3)
    ],
    Kind.REJECTION_REPLY: [{"channel": channel} for channel in ("email", "linkedin")],
}


@pytest.mark.parametrize("round_", ROUNDS)
def test_no_other_draft_trips_a_guardrail(round_):
    # The notes nudge reads the saved people; the planned panel below covers it.
    assert set(VARIANTS) == set(RULES) - {Kind.THANK_YOU, Kind.NOTES}
    failures = []
    for index, levels in enumerate(itertools.product(LEVELS, repeat=3)):
        chosen = {name: "empty" for name in NOTES}
        names = ("discussed", "qualifications_matched", "common_ground")
        chosen |= dict(zip(names, levels, strict=True))
        people = (PEOPLE[index % len(PEOPLE)], PEOPLE[(index + 1) % len(PEOPLE)])
        for person, (kind, variants) in itertools.product(people, VARIANTS.items()):
            for variant in variants:
                candidate, application, interview, contact, participant = _world(
                    levels=chosen,
                    person=person,
                    round_=round_,
                    format_="video",
                    linkedin_limit=variant.get("limit", 200),
                    promised=variant.get("promised"),
                )
                ctx = DraftContext(
                    candidate=candidate,
                    application=application,
                    interview=interview,
                    contact=contact if person else None,
                    participant=participant,
                    channel=variant.get("channel", "email"),
                    position=variant.get("position", 0),
                )
                body = RULES[kind].draft(ctx).body
                findings = _page_findings(kind, body, candidate)
                if findings:
                    failures.append((kind, chosen, person, variant, findings, body))
    assert not failures, f"{len(failures)} drafts trip a guardrail; the first: {failures[0]}"


def test_planned_drafts_of_a_panel_with_the_longest_notes_pass_on_their_pages(owner, owner_client):
    """The same through planning and the follow-up page, for several interviewers."""
    owner.qualifications = NOTES["qualifications"]["very long"]
    owner.fit_phrase = NOTES["fit_phrase"]["very long"]
    owner.save()
    app = factories.application(candidate=owner)
    interview = factories.interview(
        application=app,
        starts_at=berlin(2026, 3, 2, 10, 0),
        qualifications_matched=NOTES["qualifications_matched"]["long"],
        fit=NOTES["fit"]["very long"],
        correction=NOTES["correction"]["very long"],
    )
    for name in ("Dana Whitfield", "Lee Park", "Dr. Ana Ruiz", "Kim"):
        person = factories.contact(
            candidate=owner, name=name, linkedin_url="https://www.linkedin.com/in/x"
        )
        factories.participant(
            interview=interview,
            contact=person,
            discussed=NOTES["discussed"]["very long"],
            common_ground=NOTES["fit"]["long"][:200],
            correction=NOTES["correction"]["long"] if name == "Kim" else "",
        )
    rows = plan(app, berlin(2026, 3, 2, 12, 0))
    thank_yous = [row for row in rows if row.kind == Kind.THANK_YOU]
    assert len(thank_yous) == 4
    assert {Kind.NOTES, Kind.LINKEDIN, Kind.CHECK_IN} <= {row.kind for row in rows}
    for row in rows:
        assert _page_findings(row.kind, row.draft, owner) == [], row.draft
    content = owner_client.get(f"/followups/{thank_yous[0].pk}/").content.decode()
    assert 'class="guardrail-warn"' not in content and 'class="guardrail-bad"' not in content
