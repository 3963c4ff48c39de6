"""The timing table and its time arithmetic, and the prompts beside a draft."""

from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

from interviews.models import Contact
from reminders.followups.rules import RULES, add_days, at_local, prompts_for
from reminders.models import FollowUp
from tests import factories

from ..helpers import BERLIN, berlin, check_ins, of_kind, plan


def test_the_table_has_one_row_per_kind():
    assert set(RULES) == set(FollowUp.Kind.values)
    assert all(rule.kind == kind for kind, rule in RULES.items())


def test_a_calendar_day_keeps_the_wall_clock_time_across_the_spring_change():
    saturday = berlin(2026, 3, 28, 9, 0)
    sunday = add_days(saturday, 1, BERLIN)
    assert sunday.astimezone(BERLIN).time() == time(9, 0)
    # Python subtracts same-zone datetimes by wall clock; compare real instants.
    assert sunday.astimezone(UTC) - saturday.astimezone(UTC) == timedelta(hours=23)


def test_a_calendar_day_keeps_the_wall_clock_time_across_the_autumn_change():
    saturday = berlin(2026, 10, 24, 9, 0)
    sunday = add_days(saturday, 1, BERLIN)
    assert sunday.astimezone(UTC) - saturday.astimezone(UTC) == timedelta(hours=25)


def test_a_wall_clock_time_skipped_by_the_change_moves_past_the_gap():
    moment = at_local(date(2026, 3, 29), time(2, 30), BERLIN)
    assert moment.astimezone(UTC) == berlin(2026, 3, 29, 3, 30).astimezone(UTC)


def test_days_are_counted_in_the_candidates_own_zone(owner):
    owner.time_zone = "America/New_York"
    owner.save()
    evening = at_local(date(2026, 3, 2), time(22, 0), ZoneInfo("America/New_York"))
    rule_due = RULES["linkedin"].due.after(evening, owner)
    assert rule_due.astimezone(ZoneInfo("America/New_York")).time() == time(22, 0)
    # New York changes on 8 March, three weeks before Berlin.
    assert RULES["linkedin"].due.after(berlin(2026, 3, 7, 12), owner) - berlin(
        2026, 3, 7, 12
    ) == timedelta(hours=47)


def test_several_interviewers_and_no_main_contact_prompts_to_choose_one(owner):
    app = factories.application(candidate=owner)
    interview = factories.interview(application=app)
    for name in ("Dana Whitfield", "Lee Park"):
        factories.participant(
            interview=interview, contact=factories.contact(candidate=owner, name=name)
        )
    plan(app, berlin(2026, 3, 1, 9))
    [check_in] = check_ins(app)
    assert check_in.contact.name == "Dana Whitfield"  # the first, until they choose
    prompts = prompts_for(check_in)
    assert any("Choose a main contact" in p for p in prompts)
    assert any("how Dana likes to be reached" in p for p in prompts)


def test_no_prompt_once_the_main_contact_and_channel_are_known(owner):
    app = factories.application(candidate=owner)
    interview = factories.interview(application=app)
    dana = factories.contact(
        candidate=owner, name="Dana Whitfield", email="dana@x.test", preferred_channel="email"
    )
    factories.participant(interview=interview, contact=dana)
    app.main_contact = dana
    app.save()
    plan(app, berlin(2026, 3, 1, 9))
    assert prompts_for(check_ins(app)[0]) == []


def test_an_email_thank_you_for_a_card_lover_suggests_adding_an_address(owner):
    app = factories.application(candidate=owner)
    interview = factories.interview(application=app)
    factories.participant(interview=interview, contact=factories.contact(candidate=owner))
    plan(app, berlin(2026, 3, 1, 9))
    thank_you = of_kind(app, "thank_you")[0]
    assert any("postal address" in p for p in prompts_for(thank_you))
    Contact.objects.update(postal_address="1 Harbour Road")
    plan(app, berlin(2026, 3, 1, 9))
    thank_you.refresh_from_db()
    assert thank_you.channel == "card"
    assert not any("postal address" in p for p in prompts_for(thank_you))
