"""A listing excerpt's key: what is compared with the start of an article's text to link the
two (listings print no addresses)."""

from __future__ import annotations

from ...matching import OPENING_KEY_LENGTH, match_key
from .blocks import without_ellipsis
from .datelines import find_dateline


def excerpt_key(excerpt: str) -> str:
    """A listing excerpt's words without its dateline ("Algiers, Reuters—"), its closing
    ellipsis and its last word, which a listing may have cut short."""
    text = without_ellipsis(excerpt.strip())
    words = match_key(find_dateline(text)[2]).split(" ")
    return " ".join(words[:-1])


def excerpt_begins(excerpt: str, body_key: str) -> bool:
    """Whether a listing's excerpt (or full text) is the start of an article's text (its key)."""
    key = excerpt_key(excerpt)
    if len(key) < OPENING_KEY_LENGTH or len(body_key) < OPENING_KEY_LENGTH:
        return False
    return body_key.startswith(key) or key.startswith(body_key)
