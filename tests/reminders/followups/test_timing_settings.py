"""Each timing setting of the candidate moves the window it names, against the default.

One case per setting on the follow-up settings form: the same interview is
planned for a candidate with the defaults and for one with that single setting
changed, and the follow-up the setting governs must move (or, for quiet hours,
the reminder email must go at another time) exactly as the setting says.
"""

from dataclasses import dataclass
from datetime import UTC, date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from interviews.models import Candidate, Contact
from reminders.delivery.sweep import reminders_sweep
from reminders.followups.forms import FollowUpSettingsForm
from reminders.followups.services import followup_mark_done
from reminders.models import FollowUp
from tests import factories
from tests.reminders.followup_factory import followup

from ..helpers import BERLIN, add_interview, berlin, check_ins, of_kind, plan

pytestmark = pytest.mark.django_db

# The interview (factories default): Monday 2 March 2026, 10:00-11:00 Berlin.
ENDED = berlin(2026, 3, 2, 11, 0)
BEFORE = berlin(2026, 3, 1, 9, 0)


def interviewed(candidate, **interview_fields):
    app = factories.application(candidate=candidate)
    add_interview(app, **interview_fields)
    return app


def window(row):
    return (row.opens_at.astimezone(BERLIN), row.due_at.astimezone(BERLIN))


# What each case measures, for one candidate ---------------------------------------


def thank_you_window(candidate):
    app = interviewed(candidate)
    plan(app, BEFORE)
    [row] = of_kind(app, FollowUp.Kind.THANK_YOU)
    return window(row)


def linkedin_window(candidate):
    app = interviewed(candidate)
    Contact.objects.filter(candidate=candidate).update(
        linkedin_url="https://www.linkedin.com/in/dana-whitfield"
    )
    plan(app, BEFORE)
    [row] = of_kind(app, FollowUp.Kind.LINKEDIN, status__in=FollowUp.PENDING)
    return window(row)


def check_in_window(candidate):
    app = interviewed(candidate)
    plan(app, BEFORE)
    [row] = of_kind(app, FollowUp.Kind.CHECK_IN)
    return window(row)


def check_in_window_after_a_decision_date(candidate):
    # Decision promised for Friday 6 March.
    app = interviewed(candidate, decision_promised_on=date(2026, 3, 6))
    plan(app, BEFORE)
    [row] = of_kind(app, FollowUp.Kind.CHECK_IN)
    return window(row)


def _done_at_noon_on_the_day_it_opens(row):
    noon = row.opens_at.astimezone(BERLIN).replace(hour=12, minute=0)
    with time_machine.travel(noon, tick=False):
        followup_mark_done(followup=FollowUp.objects.get(pk=row.pk), channel="email", now=noon)


def further_check_in_window(candidate):
    app = interviewed(candidate)
    plan(app, BEFORE)
    [first] = of_kind(app, FollowUp.Kind.CHECK_IN)
    _done_at_noon_on_the_day_it_opens(first)
    [row] = of_kind(app, FollowUp.Kind.FURTHER_CHECK_IN, status__in=FollowUp.PENDING)
    return window(row)


def check_ins_in_a_chain_without_reply(candidate):
    """How many check-ins come, doing each on the day it opens, until none is pending."""
    app = interviewed(candidate)
    plan(app, BEFORE)
    for _ in range(10):
        pending = [row for row in check_ins(app) if row.is_pending]
        if not pending:
            break
        _done_at_noon_on_the_day_it_opens(pending[0])
    return len([row for row in check_ins(app) if row.status == FollowUp.Status.DONE])


def _first_email_local(candidate, opens_at, *, sweeps_from=None):
    """Sweep every 15 minutes (with a UTC `now`) and say when, locally, the email went."""
    followup(candidate=candidate, opens_at=opens_at)
    moment = (sweeps_from or opens_at).astimezone(UTC)
    for _ in range(4 * 24):
        with time_machine.travel(moment, tick=False):
            reminders_sweep(now=moment)
        if mail.outbox:
            return moment.astimezone(BERLIN).strftime("%a %H:%M")
        moment += timedelta(minutes=15)
    return None


def first_reminder_of_an_evening_followup(candidate):
    return _first_email_local(candidate, berlin(2026, 3, 2, 20, 30))


def first_reminder_of_a_night_followup(candidate):
    return _first_email_local(candidate, berlin(2026, 3, 2, 23, 0))


def first_email_of_an_afternoon_followup(candidate):
    """Opening Monday 14:00; beat has swept since 06:00 (a digest lists it that morning)."""
    return _first_email_local(
        candidate, berlin(2026, 3, 2, 14, 0), sweeps_from=berlin(2026, 3, 2, 6, 0)
    )


def first_digest_of_the_day(candidate):
    Candidate.objects.filter(pk=candidate.pk).update(reminder_mode=Candidate.ReminderMode.DIGEST)
    candidate.refresh_from_db()
    return first_email_of_an_afternoon_followup(candidate)


# The cases --------------------------------------------------------------------------


@dataclass
class Case:
    setting: str
    value: Any
    measure: Any
    default: Any
    changed: Any


CASES = [
    Case(
        "thank_you_due_hours",
        48,
        thank_you_window,
        default=(ENDED, berlin(2026, 3, 3, 11, 0)),
        changed=(ENDED, berlin(2026, 3, 4, 11, 0)),
    ),
    Case(
        "linkedin_due_days",
        5,
        linkedin_window,
        default=(ENDED, berlin(2026, 3, 4, 11, 0)),
        changed=(ENDED, berlin(2026, 3, 7, 11, 0)),
    ),
    Case(
        "check_in_days_without_decision",
        10,
        check_in_window,
        default=(berlin(2026, 3, 16, 8, 0), berlin(2026, 3, 19, 8, 0)),
        changed=(berlin(2026, 3, 12, 8, 0), berlin(2026, 3, 15, 8, 0)),
    ),
    Case(
        "check_in_days_after_decision",
        3,
        check_in_window_after_a_decision_date,
        default=(berlin(2026, 3, 13, 8, 0), berlin(2026, 3, 16, 8, 0)),
        changed=(berlin(2026, 3, 9, 8, 0), berlin(2026, 3, 12, 8, 0)),
    ),
    Case(
        "check_in_time",
        time(10, 30),
        check_in_window,
        default=(berlin(2026, 3, 16, 8, 0), berlin(2026, 3, 19, 8, 0)),
        changed=(berlin(2026, 3, 16, 10, 30), berlin(2026, 3, 19, 10, 30)),
    ),
    Case(
        "check_in_due_days",
        6,
        check_in_window,
        default=(berlin(2026, 3, 16, 8, 0), berlin(2026, 3, 19, 8, 0)),
        changed=(berlin(2026, 3, 16, 8, 0), berlin(2026, 3, 22, 8, 0)),
    ),
    Case(
        # The first check-in opens Monday 16 March and is done that day.
        "further_check_in_gap_days",
        10,
        further_check_in_window,
        default=(berlin(2026, 3, 23, 8, 0), berlin(2026, 3, 26, 8, 0)),
        changed=(berlin(2026, 3, 26, 8, 0), berlin(2026, 3, 29, 8, 0)),
    ),
    Case("further_check_ins", 3, check_ins_in_a_chain_without_reply, default=2, changed=4),
    Case(
        "reminder_mode",
        Candidate.ReminderMode.DIGEST,
        first_email_of_an_afternoon_followup,
        default="Mon 14:00",
        changed="Mon 08:00",
    ),
    Case(
        "digest_time",
        time(9, 15),
        first_digest_of_the_day,
        default="Mon 08:00",
        changed="Mon 09:15",
    ),
    Case(
        # Opens 20:30: by default before quiet hours; from 20:00 it waits for morning.
        "quiet_hours_start",
        time(20, 0),
        first_reminder_of_an_evening_followup,
        default="Mon 20:30",
        changed="Tue 08:00",
    ),
    Case(
        # Opens 23:00: by default held until 08:00; ending at 06:30 sends it then.
        "quiet_hours_end",
        time(6, 30),
        first_reminder_of_a_night_followup,
        default="Tue 08:00",
        changed="Tue 06:30",
    ),
]


def test_every_timing_setting_on_the_form_has_a_case():
    not_timings = {"linkedin_note_limit", "reminders_paused"}
    assert {case.setting for case in CASES} == set(FollowUpSettingsForm.Meta.fields) - not_timings


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.setting)
def test_a_timing_setting_moves_its_window_from_the_default(case):
    assert case.value != Candidate._meta.get_field(case.setting).default
    with_defaults = factories.candidate(email="defaults@example.com")
    assert case.measure(with_defaults) == case.default

    mail.outbox.clear()
    changed = factories.candidate(email="changed@example.com", **{case.setting: case.value})
    # The value is one the settings form accepts.
    form = FollowUpSettingsForm(
        data={
            name: getattr(changed, name)
            for name in FollowUpSettingsForm.Meta.fields
            if name != "reminders_paused"
        },
        instance=changed,
    )
    assert form.is_valid(), form.errors
    assert case.measure(changed) == case.changed
