"""Drafts for every kind of follow-up, written from the candidate's profile and notes.

Each builder takes a DraftContext and returns a Draft (subject, body). The
wording adapts to what the notes hold: a missing qualification list, fit
phrase, name or common ground drops the sentence that needed it, so a draft
never shows an empty placeholder, a dangling "and" or "Dear ,".

A suggestion also keeps the rules the page checks it by (guardrails.py): each
part takes a bounded piece of the notes, and a thank-you gives up its least
needed parts until it fits, so the product never drafts what it then warns
about. The shape of a letter is in letters.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from reminders.followups import guardrails
from reminders.followups.letters import letter

# The card printer and older callers read letters through this module.
from reminders.followups.letters import letter_parts as letter_parts
from reminders.followups.wording import (
    MAX_CORRECTION_SENTENCES,
    MAX_QUALIFICATIONS,
    NOTE_WORDS,
    as_phrase,
    brief,
    correction_sentences,
    name_list,
)
from reminders.models import FollowUp


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


@dataclass(frozen=True)
class DraftContext:
    """What a draft may draw on. Everything but the candidate and application is optional."""

    candidate: object
    application: object
    interview: object = None
    contact: object = None
    participant: object = None
    channel: str = "email"
    # 0 for a first check-in, 1, 2, 3 for the further ones.
    position: int = 0

    @property
    def company(self):
        return self.application.company.strip()

    @property
    def role(self):
        return f"the {self.application.role.strip()} role"

    @property
    def later_round(self):
        return bool(self.interview and self.interview.is_later_round)


_CLAUSE_STARTS = {"we", "i", "you", "they", "it", "both", "there"}


def meeting_day(interview, candidate):
    """'Monday 2 March', in the candidate's own zone."""
    local = timezone.localtime(interview.starts_at, candidate.tz)
    return f"{local:%A} {local.day} {local:%B}"


def qualifications_for(ctx, limit=MAX_QUALIFICATIONS):
    """Two or three qualifications: what matched in this interview first, else the profile."""
    matched = ctx.interview.qualification_matches() if ctx.interview else []
    items = matched or ctx.candidate.qualification_list()
    items = [brief(item, NOTE_WORDS["qualification"]) for item in items]
    return [item for item in items if item][:limit], bool(matched)


def fit_sentence(ctx):
    fit = brief(ctx.interview.fit, NOTE_WORDS["fit"]) if ctx.interview else ""
    if fit:
        fit = as_phrase(fit)
        # "we share a love of …" is a clause; "your focus on …" a noun phrase.
        joint = "because" if fit.split(" ", 1)[0].lower() in _CLAUSE_STARTS else "because of"
        return f"I am sure I would fit in well at {ctx.company}, not least {joint} {fit}."
    phrase = brief(ctx.candidate.fit_phrase, NOTE_WORDS["fit"])
    if phrase and not ctx.later_round:
        return f"I would love to bring {as_phrase(phrase)} to {ctx.company}."
    return ""


# Thank-you -------------------------------------------------------------------------

# The thanks, and what it was about: the second part is the first dropped when
# a long role or company name would make the note too long.
_ABOUT = " about {role} at {company}"
_THANKS_BY_FORMAT = {
    "in_person": ("Thank you for meeting with me on {day}", " to talk" + _ABOUT),
    "video": ("Thank you for taking the time to speak with me on {day}", _ABOUT),
    "phone": ("Thank you for our phone conversation on {day}", _ABOUT),
}


def _thanks_sentence(ctx, *, discussed=True, about=True):
    day = meeting_day(ctx.interview, ctx.candidate)
    if ctx.later_round:
        stage = ctx.interview.get_round_display().lower()
        sentence = f"Thank you for your time in the {stage} on {day}"
    else:
        thanks, topic = _THANKS_BY_FORMAT.get(ctx.interview.format, _THANKS_BY_FORMAT["in_person"])
        sentence = thanks.format(day=day)
        if about:
            sentence += topic.format(role=ctx.role, company=ctx.company)
    talk = brief(ctx.participant.discussed, NOTE_WORDS["discussed"]) if ctx.participant else ""
    if talk and discussed:
        sentence += f"; I especially enjoyed our talk about {as_phrase(talk)}"
    return sentence + "."


def _qualifications_sentence(ctx, limit):
    if ctx.later_round:
        items, matched = qualifications_for(ctx, limit=min(limit, 2))
        if not matched or not items:
            return ""
        return f"It confirmed for me that my experience with {name_list(items)} fits the role."
    items, matched = qualifications_for(ctx, limit=limit)
    if not items:
        return ""
    if matched:
        return (
            f"My experience with {name_list(items)} lines up closely with what the role asks for."
        )
    return f"I believe my background in {name_list(items)} would let me contribute from the start."


# What a thank-you gives up, one step after another, until the page's
# guardrails have nothing to say: a qualification, the length of the
# correction, the least personal parts. The last step (a plain thanks, the
# warm closing and the sign-off) is always short enough.
_TRIMS = (
    {},
    {"qualifications": 2},
    {"correction": 2},
    {"discussed": False},
    {"correction": 1},
    {"fit": False},
    {"qualifications": 0},
    {"about": False},
    {"correction": 0},
)


def _thank_you_paragraphs(ctx, *, qualifications, correction, discussed, fit, about):
    opening = [
        _thanks_sentence(ctx, discussed=discussed, about=about),
        _qualifications_sentence(ctx, qualifications) if qualifications else "",
        fit_sentence(ctx) if fit else "",
    ]
    if not opening[1] and not opening[2]:
        opening.append(
            "I am glad I could meet you."
            if ctx.later_round
            else "I enjoyed learning more about the team, and I remain very interested."
        )
    said = ctx.participant.effective_correction if ctx.participant else ""
    return [" ".join(s for s in opening if s), " ".join(correction_sentences(said)[:correction])]


def _thank_you_sign_off(ctx):
    return "Best wishes," if ctx.later_round else "Kind regards,"


def _thank_you_body(ctx, paragraphs):
    return letter(
        contact=ctx.contact,
        paragraphs=paragraphs,
        candidate=ctx.candidate,
        sign_off=_thank_you_sign_off(ctx),
    )


def thank_you_message(ctx):
    """The message paragraphs of a thank-you, without greeting or sign-off: the
    fullest version the guardrails pass without a warning."""
    options = {
        "qualifications": MAX_QUALIFICATIONS,
        "correction": MAX_CORRECTION_SENTENCES,
        "discussed": True,
        "fit": True,
        "about": True,
    }
    for trim in _TRIMS:
        options |= trim
        paragraphs = _thank_you_paragraphs(ctx, **options)
        report = guardrails.guardrails_check(
            kind=FollowUp.Kind.THANK_YOU,
            text=_thank_you_body(ctx, paragraphs),
            linkedin_limit=ctx.candidate.linkedin_note_limit,
        )
        if not report.warnings and not report.errors:
            break
    return paragraphs


def thank_you(ctx):
    body = _thank_you_body(ctx, thank_you_message(ctx))
    return Draft(subject=f"Thank you: {ctx.application.role.strip()} interview", body=body)


# LinkedIn ----------------------------------------------------------------------------


def _unflagged(text):
    """The note without the sentences the guardrails would warn about."""
    kept = [s for s in guardrails.sentences(text) if not guardrails.flagged(s)]
    return " ".join(kept)


def _common_ground_sentence(participant):
    ground = as_phrase(_unflagged(participant.common_ground)) if participant else ""
    if ground:
        if ground.split(" ", 1)[0].lower() in {"we", "both"}:
            return f"I enjoyed finding out that {ground}."
        return f"I enjoyed our chat about {ground}."
    discussed = as_phrase(_unflagged(participant.discussed)) if participant else ""
    return f"I enjoyed our conversation about {discussed}." if discussed else ""


def linkedin_note(ctx):
    """A connection note naming that person's common ground, within the candidate's limit."""
    limit = ctx.candidate.linkedin_note_limit
    hello = f"Hi {ctx.contact.first_name}," if ctx.contact else "Hello,"
    day = meeting_day(ctx.interview, ctx.candidate)
    thanks_long = f"thank you for meeting me on {day} about {ctx.role} at {ctx.company}."
    thanks_short = f"thank you for our conversation on {day}."
    ground = _common_ground_sentence(ctx.participant)
    closing = "I would be glad to stay connected."
    # Most personal first: the common ground outranks the date and the closing.
    for parts in (
        [hello, thanks_long, ground, closing],
        [hello, thanks_long, ground],
        [hello, thanks_short, ground],
        [hello, ground],
    ):
        note = " ".join(p for p in parts if p)
        if len(note) <= limit:
            break
    return Draft(subject="LinkedIn connection note", body=fit_to_limit(note, limit))


def fit_to_limit(text, limit):
    """`text` cut to at most `limit` characters at the best boundary available:
    a sentence end, else a phrase break, else a word, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    window = text[:limit]
    sentence_end = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
    if sentence_end >= limit // 2:
        return window[: sentence_end + 1]
    window = text[: limit - 1]
    for pattern in (r"[,;:–—]\s", r"\s"):
        breaks = [m.start() for m in re.finditer(pattern, window)]
        if breaks and breaks[-1] >= limit // 2:
            return _without_dangling_words(window[: breaks[-1]]) + "…"
    return window.rstrip() + "…"


# Words that leave a cut phrase hanging ("… on the Baltic coast and…"): a cut
# ends on the word before them, so the ellipsis follows something whole.
_DANGLING = {
    *("and", "but", "nor", "or", "so", "than", "that", "as"),
    *("a", "an", "the", "my", "our", "your", "their"),
    *("at", "by", "for", "from", "in", "into", "of", "on", "to", "with"),
}


def _without_dangling_words(text):
    words = text.rstrip(" ,;:–—").split(" ")
    while len(words) > 1 and words[-1].strip(",;:–—").lower() in _DANGLING:
        words.pop()
        words[-1] = words[-1].rstrip(",;:–—")
    return " ".join(words)


# Check-ins ---------------------------------------------------------------------------


def _first_check_in(ctx):
    paragraphs = ["I hope your week is going well."]
    interest = f"I wanted to let you know that I am still very interested in {ctx.role} at "
    interest += f"{ctx.company}"
    if ctx.interview:
        day = meeting_day(ctx.interview, ctx.candidate)
        interest = (
            f"Since we spoke on {day}, my interest in {ctx.role} at {ctx.company} "
            "has only grown, and I wanted to let you know"
        )
    paragraphs[0] += " " + interest + "."
    items, _ = qualifications_for(ctx, limit=1)
    if items:
        paragraphs[0] += f" The part of the role that draws on {items[0]} appeals to me most."
    help_offer = "If there is anything more you would like to know, I am happy to answer it."
    if ctx.interview and ctx.interview.decision_promised_on:
        patience = "I know decisions like this often take longer than planned."
    else:
        patience = "There is no need to reply before you are ready."
    paragraphs.append(f"{help_offer} {patience}")
    return paragraphs


_FURTHER_NOTES = (
    "A short note to say I remain very interested in {role} at {company}. "
    "If anything would help your decision, I would be happy to provide it.",
    "I am still keen on {role} at {company} and glad to help with anything you need from me.",
    "One last short note: my interest in {role} at {company} is unchanged, "
    "and I would be glad to hear whenever there is news.",
)


def check_in(ctx):
    """A check-in: an email or LinkedIn message, or talking points for a phone call."""
    if ctx.channel == "phone":
        return phone_talking_points(ctx)
    if ctx.position == 0:
        paragraphs, sign_off = _first_check_in(ctx), "Kind regards,"
    else:
        note = _FURTHER_NOTES[min(ctx.position, len(_FURTHER_NOTES)) - 1]
        paragraphs, sign_off = [note.format(role=ctx.role, company=ctx.company)], "Best wishes,"
    body = letter(
        contact=ctx.contact, paragraphs=paragraphs, candidate=ctx.candidate, sign_off=sign_off
    )
    return Draft(subject=f"{ctx.application.role.strip()}: checking in", body=body)


def phone_talking_points(ctx):
    name = ctx.candidate.full_name.strip()
    when = f" on {meeting_day(ctx.interview, ctx.candidate)}" if ctx.interview else ""
    introduction = (
        f"Introduce yourself: {name}, who interviewed for {ctx.role}{when}."
        if name
        else f"Introduce yourself as the candidate who interviewed for {ctx.role}{when}."
    )
    points = [
        introduction,
        f"Say you are still very interested in the role and in {ctx.company}.",
    ]
    items, _ = qualifications_for(ctx, limit=1)
    if items and ctx.position == 0:
        points.append(f"If it fits the conversation, mention your experience with {items[0]}.")
    points += [
        "Offer to answer any questions or send anything they need.",
        "Thank them for their time; do not press for a decision.",
    ]
    person = ctx.contact.name if ctx.contact else "the hiring contact"
    return Draft(
        subject=f"Talking points: call {person}", body="\n".join(f"- {p}" for p in points)
    )


# Rejection reply and the notes nudge -------------------------------------------------


def rejection_reply(ctx):
    paragraphs = [
        f"Thank you for letting me know, and for the time you gave me while I was being "
        f"considered for {ctx.role}. I enjoyed getting to know {ctx.company}.",
        "I would be grateful if you kept my résumé on file; I would welcome the chance "
        "to be considered for a future opening.",
        "If you ever have a moment, I would also value any advice for my future interviews.",
    ]
    sign_off = "Kind regards,"
    body = letter(
        contact=ctx.contact, paragraphs=paragraphs, candidate=ctx.candidate, sign_off=sign_off
    )
    return Draft(subject=f"Re: {ctx.application.role.strip()}", body=body)


def notes_nudge(ctx):
    people = [p.contact.name for p in ctx.interview.participants.all()] if ctx.interview else []
    who = f"who you met ({name_list(people)}): titles, and how each prefers to be reached"
    if not people:
        who = "who you met: names, titles, and how each prefers to be reached"
    checklist = [
        who,
        "what you discussed, and any common ground with each person",
        "which of your qualifications matched what they need",
        f"why you fit {ctx.company}: its culture, goals or industry",
        "anything you want to correct, in a sentence or two",
        "when they said they would decide",
    ]
    body = "While it is fresh, write down:\n" + "\n".join(f"- {item}" for item in checklist)
    return Draft(subject=f"Notes on your interview at {ctx.company}", body=body)
