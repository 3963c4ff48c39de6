"""The dashboard's streak and weekly goal come from the habit page's rules, and the
goal is set in the profile."""

from collections import defaultdict
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from interviews.models import Candidate
from reminders.models import FollowUp
from tests import site_map
from tests.test_layout import _imported, _modules

from .helpers import la, touch

NOW = la(2026, 4, 8, 12, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sam(owner):
    owner.time_zone = "America/Los_Angeles"
    owner.save()
    return owner


def test_the_dashboard_shows_the_streak_the_goal_and_links_to_the_habit_page(sam, owner_client):
    Candidate.objects.filter(pk=sam.pk).update(weekly_goal="thank_yous_on_time")
    touch(sam, due=la(2026, 3, 31, 9, 0), done=la(2026, 3, 31, 8, 0))
    touch(sam, due=la(2026, 4, 7, 9, 0), done=la(2026, 4, 6, 23, 30))
    response = owner_client.get(reverse("dashboard"))
    habit = response.context["habit"]
    assert (habit.streak, habit.goal.weeks_in_a_row, habit.goal.met_this_week) == (2, 2, True)
    page = response.content.decode()
    assert "Thank-yous on time in a row" in page
    assert "Every thank-you sent on time. This week: met so far." in page
    assert f'href="{reverse("habits")}"' in page


def test_the_dashboard_and_the_habit_page_agree_on_the_on_time_share(sam, owner_client):
    touch(sam, due=la(2026, 4, 1, 9, 0), done=la(2026, 4, 1, 8, 0))
    touch(sam, due=la(2026, 4, 2, 9, 0), done=la(2026, 4, 3, 8, 0))
    touch(sam, due=la(2026, 4, 3, 9, 0), status=FollowUp.Status.SKIPPED)
    touch(sam, due=la(2026, 4, 4, 9, 0), status=FollowUp.Status.CANCELLED)
    dashboard = owner_client.get(reverse("dashboard")).context["habit"]
    page = owner_client.get(reverse("habits")).context["report"].overall
    assert dashboard.on_time_share == page.on_time_share == 33


def test_no_goal_shows_no_goal_line(sam, owner_client):
    page = owner_client.get(reverse("dashboard")).content.decode()
    assert "Weekly goal met" not in page


def test_the_goal_is_chosen_in_the_profile(sam, owner_client):
    rows = defaultdict(lambda: SimpleNamespace(pk=0))
    data = {**site_map.valid_posts(rows)["profile"], "weekly_goal": "all_on_time"}
    assert owner_client.post(reverse("profile"), data).status_code == 302
    sam.refresh_from_db()
    assert sam.weekly_goal == "all_on_time"
    data["weekly_goal"] = "every_day"
    response = owner_client.post(reverse("profile"), data)
    assert "weekly_goal" in response.context["form"].errors


def test_the_habit_package_imports_no_other_part_of_reminders():
    # followups (the dashboard) reads the habit figures; the reverse would be a cycle.
    others = ("reminders.followups", "reminders.delivery", "reminders.cards", "reminders.feeds")
    wrong = {
        f"{path.name} imports {name}"
        for path in _modules("reminders/habits")
        for name in _imported(path)
        if name.startswith(others)
    }
    assert wrong == set()
