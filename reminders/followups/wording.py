"""Small pieces of language for drafts: lists, phrases, and how much of a note to use.

The candidate's notes are written for themselves, at any length; a draft sets
a bounded piece of them inside its own sentences, and leaves out what the
guardrails would warn about, so the suggestion never needs the warning.
"""

from __future__ import annotations

import re

from reminders.followups import guardrails


def name_list(items):
    """'a', 'a and b', 'a, b and c': never a dangling 'and'."""
    items = [item.strip() for item in items if item and item.strip()]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def as_sentence(text):
    """The candidate's own words as a sentence: trimmed, with a final full stop."""
    text = " ".join(text.split())
    if text and text[-1] not in ".!?":
        text += "."
    return text


# Words that start a phrase in lower case when it is set inside a sentence.
_LOWER_STARTS = {"a", "an", "the", "your", "our", "their", "its", "we", "my", "both", "being"}


def as_phrase(text):
    """The candidate's words set inside a sentence: no final stop, a lower-case
    start when the first word is an ordinary one (proper names keep theirs)."""
    text = " ".join(text.split()).rstrip(".!?;,: ")
    first = text.split(" ", 1)[0]
    if first.lower() in _LOWER_STARTS:
        text = first.lower() + text[len(first) :]
    return text


# How much of each note a suggestion carries, in words. The notes form takes a
# paragraph per field, a thank-you stays within guardrails.THANK_YOU_WORDS: a
# part takes the first sentence or clause of a note that fits, else leaves the
# note out (a phrase cut mid-way reads worse than none).
NOTE_WORDS = {"discussed": 10, "qualification": 6, "fit": 14, "correction sentence": 25}
# "Two or three qualifications": more reads like a résumé.
MAX_QUALIFICATIONS = 3
# "One to three sentences" of damage control.
MAX_CORRECTION_SENTENCES = 3

_CLAUSE_BREAK = re.compile(r"\s*[,;:–—(]\s*")


def brief(text, max_words):
    """The first sentence of a note, else its first clause, if it has at most
    `max_words` words and nothing the guardrails warn about; else ""."""
    text = " ".join(text.split())
    if not text:
        return ""
    first = guardrails.sentences(text)[0]
    for piece in (first, _CLAUSE_BREAK.split(first, maxsplit=1)[0]):
        piece = piece.strip()
        if piece and len(piece.split()) <= max_words and not guardrails.flagged(piece):
            return piece
    return ""


def correction_sentences(text):
    """The candidate's correction as calm sentences: an opening apology is
    dropped ("Sorry, I said…" keeps "I said…"), a sentence that is only an
    apology goes, and so does one too long for a short note."""
    kept = []
    for sentence in guardrails.sentences(" ".join(text.split())):
        if guardrails.flagged(sentence):
            rest = _CLAUSE_BREAK.split(sentence, maxsplit=1)[1:]
            sentence = rest[0] if rest and len(rest[0].split()) >= 3 else ""
            sentence = sentence[:1].upper() + sentence[1:]
        short = len(sentence.split()) <= NOTE_WORDS["correction sentence"]
        sentence = as_sentence(sentence)
        if sentence and short and not guardrails.flagged(sentence) and sentence not in kept:
            kept.append(sentence)
    return kept[:MAX_CORRECTION_SENTENCES]
