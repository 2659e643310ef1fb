"""How titles and texts are compared when a listing's item is matched to its article: as words
only, without case, accents, quotes, dashes, ellipses or spacing. Pure Python, no Django.

An article derives its keys through these (``derive``), a listing's items theirs (the parser),
and the two are looked up against each other by the keys' indexes (``ingest.listings``).
"""

import re
import unicodedata

# How much of a text's start identifies it: listing excerpts run to some 30 words or more.
OPENING_KEY_LENGTH = 60
KEY_WORD_RE = re.compile(r"[^\W_]+")


def match_key(text: str) -> str:
    """Text compared as words only: without case, accents, quotes, dashes, ellipses or spacing."""
    if not text.isascii():
        # ASCII text has no accents to take off (reading it character by character is most
        # of the cost of an ingest's keys).
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(KEY_WORD_RE.findall(text.casefold()))


def title_key(title: str | None) -> str:
    """What an article's title and a listing item's title are matched on."""
    return match_key(title or "")[:500]


def opening_key(key: str) -> str:
    """The start of a text's key that an index can look up, or "" when the text is too short."""
    return key[:OPENING_KEY_LENGTH] if len(key) >= OPENING_KEY_LENGTH else ""


def text_opening_key(text: str) -> str:
    """``opening_key(match_key(text))``, reading only as much of a long text as it needs."""
    size = 4 * OPENING_KEY_LENGTH
    while size < len(text):
        key = match_key(text[:size])
        # The word the cut may have split starts after the opening: the opening is whole.
        if key.rfind(" ") > OPENING_KEY_LENGTH:
            return opening_key(key)
        size *= 4
    return opening_key(match_key(text))
