"""Guardrails on a draft: counts, the LinkedIn hard limit, and soft hints.

The same thresholds, word lists and message texts drive static/js/guardrails.js
while the candidate types: the page passes them in data- attributes and a
json_script element, so each rule is written once, here. The server checks
again on save. A hard limit refuses the save; everything else only warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reminders.followups.letters import letter_parts
from reminders.models import FollowUp

# A draft longer than the model allows is refused on save, so nothing past it
# is ever measured: a pasted page costs what a full draft costs, no more.
MAX_DRAFT_CHARS = FollowUp._meta.get_field("draft").max_length

# "A couple of well-written sentences, not a page": past about five sentences
# or ninety words a thank-you starts to read like a cover letter.
THANK_YOU_SENTENCES = 5
THANK_YOU_WORDS = 90

# Small slips need no apology, and a correction reads stronger without one.
# Stems, so "apologise", "apologize", "apology" and "my apologies" all match.
APOLOGY_WORDS = (
    "sorry",
    "apolog",
    "forgive",
    "embarrass",
    "pardon",
    "excuse me",
    "excuse my",
    "regret",
)
# Retelling the interview step by step: they were there.
PLAY_BY_PLAY = (
    "then you asked",
    "then we",
    "first we",
    "after that",
    "you asked me",
    "i answered",
)
# The résumé already holds the work history.
WORK_HISTORY = (
    "in my previous role",
    "in my last job",
    "my career",
    "i have worked",
    "i worked at",
)

# Message templates, filled by str.format here and by the same {name}
# substitution in the browser; the wording therefore lives only in this module.
MESSAGES = {
    "linkedin_limit": (
        "LinkedIn allows {limit} characters in a connection note; this one "
        "has {characters}. Cut {over} to fit."
    ),
    "too_long": (
        "This runs to {sentences} and {words}. A thank-you reads best at up to "
        "{max_sentences} sentences or {max_words} words."
    ),
    "play_by_play": (
        "This retells the interview step by step. They were there: keep one highlight."
    ),
    "work_history": (
        "Leave the work history to your résumé; name two or three matching strengths."
    ),
    "apology": (
        "The correction apologises. Say what you meant in one calm sentence, without "
        "“sorry”: small slips need no mention at all."
    ),
}
COUNTS = "{sentences} · {words} · {characters}{limit} characters"
COUNTS_LIMIT = " / {limit}"
# Singular and plural, so the browser pluralises exactly as the server does.
UNITS = {"sentence": ("sentence", "sentences"), "word": ("word", "words")}

# Only at the start of a run of marks ("Really?!"), so a long run of marks
# is read once rather than once from each of its characters.
SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++(?=\s|$)")
# A full stop after these (or after a single initial, "J. Ortega") ends no
# sentence: a thank-you to "Dr. Smith" must not be counted as too long.
ABBREVIATIONS = ("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "e.g", "i.e", "approx")
# How far back from a full stop the word before it is looked for: enough for
# the longest abbreviation behind an opening bracket or quote. A longer word
# is no abbreviation, and looking no further keeps the count linear.
_LOOKBACK = max(map(len, ABBREVIATIONS)) + 4


def normalise(text):
    """Browsers submit textareas with CRLF line ends; count and store plain newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def sentence_ends(text):
    """Where each sentence of `text` ends (the index after its final mark), in one pass."""
    ends = [m.end() for m in SENTENCE_END.finditer(text) if not _after_abbreviation(text, m)]
    if text.strip() and text.rstrip()[-1] not in ".!?":
        ends.append(len(text.rstrip()))
    return ends


def sentences(text):
    """The sentences of `text`, split where count_sentences counts them."""
    text = text.strip()
    found, start = [], 0
    for end in sentence_ends(text):
        found.append(text[start:end].strip())
        start = end
    return [sentence for sentence in found if sentence]


def count_sentences(text):
    return len(sentence_ends(text.strip()))


def _after_abbreviation(text, match):
    if match.group() != "." or match.end() == len(text):
        return False
    word = _word_before(text, match.start()).lower().lstrip("(\"'“‘")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _word_before(text, end):
    """The word that ends at `end`, or "" when it is longer than any abbreviation."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        if end - start >= _LOOKBACK:
            return ""
        start -= 1
    return text[start:end]


def _plural(count, unit):
    return f"{count} {UNITS[unit][count != 1]}"


def count_words(text):
    return len(text.split())


@dataclass
class Report:
    sentences: int
    words: int
    characters: int
    limit: int | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self):
        limit = COUNTS_LIMIT.format(limit=self.limit) if self.limit else ""
        return COUNTS.format(
            sentences=_plural(self.sentences, "sentence"),
            words=_plural(self.words, "word"),
            characters=self.characters,
            limit=limit,
        )


def _contains(text, fragments):
    lower = text.lower()
    return any(fragment in lower for fragment in fragments)


def flagged(text):
    """Whether `text` holds anything a hint warns about (an apology, a
    play-by-play, work history): drafts leave such notes out."""
    return _contains(text, (*APOLOGY_WORDS, *PLAY_BY_PLAY, *WORK_HISTORY))


def guardrails_check(*, kind, text, linkedin_limit):
    """Counts and findings for a draft of `kind`.

    A thank-you is measured on its message alone (greeting and sign-off do not
    make it longer to read); a LinkedIn note on every character, as LinkedIn does.
    Only the first MAX_DRAFT_CHARS characters are read; the count of characters
    is the whole text's, so the page can say by how much it is over.
    """
    text = normalise(text)
    characters = len(text)
    text = text[:MAX_DRAFT_CHARS]
    measured = letter_parts(text)[1] if kind == FollowUp.Kind.THANK_YOU else text
    report = Report(
        sentences=count_sentences(measured),
        words=count_words(measured),
        characters=characters,
    )
    if kind == FollowUp.Kind.LINKEDIN:
        report.limit = linkedin_limit
        if report.characters > linkedin_limit:
            report.errors.append(
                MESSAGES["linkedin_limit"].format(
                    limit=linkedin_limit,
                    characters=report.characters,
                    over=report.characters - linkedin_limit,
                )
            )
    if kind == FollowUp.Kind.THANK_YOU:
        report.warnings += _thank_you_warnings(report, measured)
    if kind in (FollowUp.Kind.THANK_YOU, FollowUp.Kind.LINKEDIN) and _contains(
        measured, APOLOGY_WORDS
    ):
        report.warnings.append(MESSAGES["apology"])
    return report


def _thank_you_warnings(report, measured):
    warnings = []
    if report.sentences > THANK_YOU_SENTENCES or report.words > THANK_YOU_WORDS:
        warnings.append(
            MESSAGES["too_long"].format(
                sentences=_plural(report.sentences, "sentence"),
                words=_plural(report.words, "word"),
                max_sentences=THANK_YOU_SENTENCES,
                max_words=THANK_YOU_WORDS,
            )
        )
    if _contains(measured, PLAY_BY_PLAY):
        warnings.append(MESSAGES["play_by_play"])
    if _contains(measured, WORK_HISTORY):
        warnings.append(MESSAGES["work_history"])
    return warnings


def browser_texts():
    """The message templates and units for the live checker, for json_script."""
    return {"messages": MESSAGES, "counts": COUNTS, "counts_limit": COUNTS_LIMIT, "units": UNITS}


def data_attributes(*, kind, linkedin_limit):
    """The thresholds for the live checker in the browser, as data- attributes."""
    attributes = {
        "data-guardrails": kind,
        "data-apology-words": "|".join(APOLOGY_WORDS),
        "data-abbreviations": "|".join(ABBREVIATIONS),
    }
    if kind == FollowUp.Kind.THANK_YOU:
        attributes |= {
            "data-max-sentences": THANK_YOU_SENTENCES,
            "data-max-words": THANK_YOU_WORDS,
            "data-play-by-play": "|".join(PLAY_BY_PLAY),
            "data-work-history": "|".join(WORK_HISTORY),
        }
    if kind == FollowUp.Kind.LINKEDIN:
        attributes["data-max-characters"] = linkedin_limit
    return attributes
