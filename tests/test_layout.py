"""The layout README.md describes: imports point one way, modules stay small."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 450

# A package and the packages it must never import.
FORBIDDEN = {
    "interviews": ("reminders",),
    "reminders/followups": ("reminders.delivery", "reminders.cards", "reminders.feeds"),
    # An email's card link downloads a card, so delivery may use cards.
    "reminders/cards": ("reminders.delivery", "reminders.feeds"),
    # The calendar feed reads follow-ups; nothing else needs it.
    "reminders/delivery": ("reminders.feeds",),
}


def _modules(folder):
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


def _imported(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_imports_point_one_way(folder):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(folder)
        for name in _imported(path)
        if name.startswith(FORBIDDEN[folder])
    }
    assert wrong == set()


def test_no_module_of_the_apps_outgrows_its_job():
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("interviews", "reminders", "followup_site")
        for path in _modules(folder)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
