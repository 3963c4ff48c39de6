"""Comparing what people type: headers, names and statuses."""

import re


def simplified(text):
    """Lower case, umlauts folded, and nothing but letters and digits."""
    text = str(text).strip().lower()
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]", "", text)
