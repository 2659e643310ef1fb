"""Photo captions: a caption's text split from its credit, and the printings of one caption told
apart from text (quotes, spacing and line breaks may differ between them)."""

from __future__ import annotations

import difflib
import re

from .blocks import block_text
from .credits import agency_of, split_credit
from .shapes import MediaBlock


def make_media(media_id: int | None, caption_text: str) -> MediaBlock:
    caption, credit = split_credit(caption_text)
    return MediaBlock(media_id=media_id, caption=caption, credit=credit, agency=agency_of(credit))


def fill_caption(media: MediaBlock, text: str) -> None:
    media.caption, media.credit = split_credit(text)
    media.agency = agency_of(media.credit)


def is_caption_like(text: str, captions: list[str], following=()) -> bool:
    """A paragraph that is a photo caption: like one already seen, or ending in a credit."""
    if any(similar_caption(text, c) for c in captions):
        return True
    if len(text) > 1200:
        return False
    if split_credit(text)[1]:
        return True
    # Articles without a Media ID print their caption twice before the body.
    return bool(following) and block_text(following[0]) == text


def is_printed_caption(paragraph: str, captions: list[str]) -> bool:
    """A body paragraph that repeats one of the captions (length is checked first: it is cheap)."""
    size = len(paragraph)
    return any(len(c) / 2 <= size <= len(c) * 2 and similar_caption(paragraph, c) for c in captions)


# Two printings of a caption longer than this are compared whole (equal, or one within the
# other), not word by word: difflib's ratio grows with the square of their length.
REWORDED_AT_MOST = 2000


def similar_caption(a: str, b: str) -> bool:
    """Two printings of one caption: quotes, spacing and line breaks may differ."""
    a, b = caption_key(a), caption_key(b)
    if not a or not b:
        return False
    if a == b or (len(a) > 40 and (a in b or b in a)):
        return True
    if abs(len(a) - len(b)) > max(len(a), len(b)) * 0.3 or max(len(a), len(b)) > REWORDED_AT_MOST:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).quick_ratio() > 0.9 and (
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() > 0.85
    )


def caption_key(text: str) -> str:
    """Captions compared without case, quote style, punctuation or spacing."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()
    return re.sub(r"\W+", " ", text).strip()
