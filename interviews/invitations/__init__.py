"""Interviews added from a calendar invitation (.ics, a saved .eml, or pasted text).

``reading`` turns the bytes into events and people, ``people`` decides whom
to thank by default, ``forms`` and ``views`` run the upload → preview →
confirm steps. Nothing here stores the upload: it is read in memory, and the
preview carries the parsed event to the confirm step in a signed field.
"""
