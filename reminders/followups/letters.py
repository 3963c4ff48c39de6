"""The shape of a letter: how a draft is put together and read back apart.

A thank-you body has a fixed shape that the printed card and the guardrails
rely on:

    Dear Dana,
                                  <- blank line
    One or more message paragraphs.
                                  <- blank line
    Kind regards,
    Sam
"""

from __future__ import annotations

import re


def greeting(contact):
    if contact is not None and contact.name.strip():
        return f"Dear {contact.first_name},"
    return "Hello,"


def signature_lines(candidate, sign_off):
    name = (candidate.card_signature or "").strip()
    return [sign_off, name] if name else [sign_off]


def letter(*, contact, paragraphs, candidate, sign_off):
    text = "\n\n".join([greeting(contact), *[p for p in paragraphs if p]])
    return text + "\n\n" + "\n".join(signature_lines(candidate, sign_off))


def letter_parts(text):
    """Split a thank-you text into (greeting, message, sign_off, signature) for a card.

    Works on a draft the candidate may have edited: the first line is the
    greeting only when it looks like one ("Dear …," / "Hi …,"); the last
    non-empty line is the signature only when the line before it looks like a
    sign-off ("Kind regards,"); a lone sign-off at the end is the sign-off with
    no signature. Whatever is not recognised stays in the message, so no words
    are ever lost. Returns empty strings for parts that are absent.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    greeting_line = sign_off = signature = ""
    if lines and _GREETING.match(lines[0].strip()):
        greeting_line = lines.pop(0).strip()
    trailing = [i for i, line in enumerate(lines) if line.strip()]
    if trailing and _SIGN_OFF.match(lines[trailing[-1]].strip()):
        sign_off = lines[trailing[-1]].strip()
        del lines[trailing[-1] :]
    elif len(trailing) >= 2 and _SIGN_OFF.match(lines[trailing[-2]].strip()):
        sign_off, signature = lines[trailing[-2]].strip(), lines[trailing[-1]].strip()
        del lines[trailing[-2] :]
    message = "\n".join(lines).strip()
    message = re.sub(r"\n{3,}", "\n\n", message)
    return greeting_line, message, sign_off, signature


_GREETING = re.compile(r"^(dear|hi|hello|good (morning|afternoon|evening))\b.{0,80}[,!]$", re.I)
# A short line ending in a comma, such as "Kind regards," or "With thanks,".
_SIGN_OFF = re.compile(r"^[^.!?\n]{2,40},$")
