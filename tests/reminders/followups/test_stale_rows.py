"""Actions on a follow-up that changed since the candidate's page was drawn."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reminders.followups import services
from reminders.models import FollowUp
from tests import factories
from tests.concurrency import run_at_once

from ..helpers import berlin, of_kind, plan

NOW = berlin(2026, 3, 2, 12, 0)  # an hour after the default interview ended


def _application(owner):
    with time_machine.travel(NOW, tick=False):
        app = factories.application(candidate=owner)
        interview = factories.interview(application=app)
        factories.participant(
            interview=interview, contact=factories.contact(candidate=owner, name="Dana Whitfield")
        )
        plan(app, NOW)
        return app


@pytest.fixture
def thank_you(owner):
    return of_kind(_application(owner), "thank_you")[0]


def _as_seen_on_the_page(followup):
    return FollowUp.objects.select_related("candidate", "application").get(pk=followup.pk)


def test_a_snooze_after_the_follow_up_was_done_elsewhere_is_refused(thank_you):
    page = _as_seen_on_the_page(thank_you)
    services.followup_mark_done(followup=thank_you, channel="email", now=NOW)

    with pytest.raises(ValidationError, match="changed while you were looking"):
        services.followup_snooze(followup=page, until=berlin(2026, 3, 3, 12), now=NOW)
    thank_you.refresh_from_db()
    assert (thank_you.status, thank_you.snoozed_until, thank_you.remind_at) == ("done", None, None)


@pytest.mark.parametrize(
    "act",
    [
        lambda f: services.followup_mark_done(followup=f, channel="card", now=NOW),
        lambda f: services.followup_skip(followup=f, now=NOW),
        lambda f: services.followup_reply_record(followup=f, now=NOW),
        lambda f: services.followup_draft_save(followup=f, subject="Thanks", draft="Hi.", now=NOW),
        lambda f: services.followup_draft_reset(followup=f, now=NOW),
        lambda f: services.followup_undo(followup=f, now=NOW),
    ],
    ids=["done", "skip", "reply", "draft", "reset", "undo"],
)
def test_every_action_refuses_a_row_that_changed_since_the_page(thank_you, act):
    page = _as_seen_on_the_page(thank_you)
    services.followup_snooze(followup=thank_you, until=berlin(2026, 3, 3, 12), now=NOW)
    before = FollowUp.objects.filter(pk=thank_you.pk).values().get()

    with pytest.raises(ValidationError, match="changed while you were looking"):
        act(page)
    assert FollowUp.objects.filter(pk=thank_you.pk).values().get() == before


def test_an_action_on_a_fresh_page_goes_through(thank_you):
    services.followup_snooze(followup=thank_you, until=berlin(2026, 3, 3, 12), now=NOW)
    services.followup_mark_done(followup=_as_seen_on_the_page(thank_you), channel="card", now=NOW)
    assert FollowUp.objects.get(pk=thank_you.pk).status == "done"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_a_done_and_a_snooze_at_the_same_moment_end_in_one_state(owner, round_):
    # Two tabs drawn from the same state, acting at once on their own connections.
    thank_you = of_kind(_application(owner), "thank_you")[0]
    done_page, snooze_page = _as_seen_on_the_page(thank_you), _as_seen_on_the_page(thank_you)
    later = berlin(2026, 3, 3, 12)
    actions = iter(
        [
            lambda: services.followup_mark_done(followup=done_page, channel="card", now=NOW),
            lambda: services.followup_snooze(followup=snooze_page, until=later, now=NOW),
        ]
    )
    results, errors = run_at_once(lambda: next(actions)(), count=2)

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    row = FollowUp.objects.get(pk=thank_you.pk)
    if row.status == "done":
        assert (row.snoozed_until, row.remind_at, row.undo_state["action"]) == (None, None, "done")
    else:
        assert (row.status, row.snoozed_until) == ("open", later)
        assert row.undo_state["action"] == "snooze"
