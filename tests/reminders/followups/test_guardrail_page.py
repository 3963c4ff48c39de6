"""The guardrail rules reach the browser from the server only, never from guardrails.js."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from interviews.models import Contact
from reminders.followups import guardrails
from tests import factories

from ..helpers import berlin, of_kind, plan

NOW = berlin(2026, 3, 3, 9, 0)
SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "guardrails.js"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _page(candidate, client, kind):
    app = factories.application(candidate=candidate, company="Northwind")
    interview = factories.interview(application=app)
    contact = factories.contact(
        candidate=candidate, name="Dana Whitfield", company="Northwind", email="dana@x.test"
    )
    factories.participant(interview=interview, contact=contact)
    Contact.objects.update(linkedin_url="https://www.linkedin.com/in/dana")
    plan(app, NOW)
    followup = of_kind(app, kind)[0]
    return client.get(reverse("followup_detail", args=[followup.pk])).content.decode()


def _texts(content):
    match = re.search(
        r'<script id="guardrail-texts" type="application/json">(.*?)</script>', content, re.S
    )
    assert match, "the page must carry the guardrail texts as json_script"
    return json.loads(match.group(1))


def _attributes(content):
    box = re.search(r'<div class="guardrails-box"([^>]*)>', content).group(1)
    return {name: unescape(value) for name, value in re.findall(r'(data-[\w-]+)="([^"]*)"', box)}


def test_the_thank_you_page_carries_every_message_threshold_and_list(owner, owner_client):
    content = _page(owner, owner_client, "thank_you")
    assert _texts(content) == json.loads(json.dumps(guardrails.browser_texts()))
    attributes = _attributes(content)
    assert attributes["data-guardrail-texts"] == "guardrail-texts"
    assert attributes["data-max-sentences"] == str(guardrails.THANK_YOU_SENTENCES)
    assert attributes["data-max-words"] == str(guardrails.THANK_YOU_WORDS)
    assert attributes["data-apology-words"].split("|") == list(guardrails.APOLOGY_WORDS)
    assert attributes["data-abbreviations"].split("|") == list(guardrails.ABBREVIATIONS)
    assert attributes["data-play-by-play"].split("|") == list(guardrails.PLAY_BY_PLAY)
    assert attributes["data-work-history"].split("|") == list(guardrails.WORK_HISTORY)


def test_the_linkedin_page_carries_the_candidates_limit_and_the_messages(owner, owner_client):
    owner.linkedin_note_limit = 200
    owner.save()
    content = _page(owner, owner_client, "linkedin")
    assert _texts(content)["messages"] == guardrails.MESSAGES
    assert _attributes(content)["data-max-characters"] == "200"


def test_the_server_rendered_counts_use_the_shared_template(owner, owner_client):
    content = _page(owner, owner_client, "thank_you")
    counts = re.search(r"data-guardrail-counts[^>]*>\s*(.*?)\s*</div>", content, re.S).group(1)
    assert re.fullmatch(r"\d+ sentences? · \d+ words? · \d+ characters", unescape(counts))


def _fixed_fragments(template):
    """The literal wording between the {placeholders} of a message template."""
    return [part.strip() for part in re.split(r"\{\w+\}", template) if len(part.strip()) > 3]


@pytest.mark.parametrize("name", sorted(guardrails.MESSAGES))
def test_guardrails_js_writes_none_of_the_servers_messages(name):
    script = SCRIPT.read_text(encoding="utf-8")
    template = guardrails.MESSAGES[name]
    assert template not in script
    for fragment in _fixed_fragments(template):
        assert fragment not in script, f"{fragment!r} is written in guardrails.js"


def test_guardrails_js_writes_no_threshold_or_word_list():
    script = SCRIPT.read_text(encoding="utf-8")
    for number in (guardrails.THANK_YOU_SENTENCES, guardrails.THANK_YOU_WORDS):
        assert not re.search(rf"\b{number}\b", script)
    for fragment in (
        *guardrails.PLAY_BY_PLAY,
        *guardrails.WORK_HISTORY,
        *guardrails.APOLOGY_WORDS,
    ):
        assert f'"{fragment}"' not in script.lower()
