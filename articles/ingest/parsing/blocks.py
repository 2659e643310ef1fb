"""The pieces every stage reads a page with: blocks of lines between blank lines, and the lines
only the original site printed (a Media ID, a caption label, a listing's by-line)."""

from __future__ import annotations

import re

MEDIA_ID_RE = re.compile(r"^\s*Media ID\s*:\s*(?P<id>\d{6,10})?\s*(?P<rest>.*)$", re.I)
CAPTION_LABEL_RE = re.compile(r"^\s*Caption\s*:\s*(?P<rest>.*)$", re.I)
# A "Caption:" or "Media ID:" label run on from the excerpt before it ("...the...Caption:"): after
# an ellipsis (spaces may follow it) or a sentence's end, never after a word or a quote, so that
# running text naming a caption ("banners reading “Caption: Lebanon First”") stays text.
GLUED_LABEL = r"(?=(?:Caption|Media ID)\s*:)"
GLUED_CAPTION_RE = re.compile(rf"(?:(?<=\.\.\.)|(?<=…))[ \t]*{GLUED_LABEL}|(?<=[.!?]){GLUED_LABEL}")
BYLINE_RE = re.compile(
    r"^by\s+(?P<author>.+?)\s*\|\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4})\s*(?:\|\s*(?P<sections>.*))?$"
)
# No by-line of the site runs longer ("by <author> | <date> | <sections>"); a longer line is no
# by-line, and is not tried (the pattern's backtracking grows with the square of a line's length).
BYLINE_MAX_LENGTH = 300
ELLIPSES = ("...", "…")


def byline_match(line: str):
    """The by-line a line is (BYLINE_RE's match, stripped), or None."""
    line = line.strip()
    return BYLINE_RE.match(line) if len(line) <= BYLINE_MAX_LENGTH else None


def ends_in_ellipsis(text: str) -> bool:
    """A text whose last characters (spaces aside) are three dots or more, or the ellipsis: an
    excerpt's end. (Not a pattern: a search for dots at the end backtracks through a long run.)"""
    return text.rstrip().endswith(ELLIPSES)


def without_ellipsis(text: str) -> str:
    """The text without its closing dots or ellipsis (and the spaces after them)."""
    stripped = text.rstrip()
    if stripped.endswith("…"):
        return stripped[:-1]
    if stripped.endswith("..."):
        return stripped.rstrip(".")
    return text


def split_blocks(lines: list[str], split_glued_captions: bool = False) -> list[list[str]]:
    """Group lines into blocks separated by blank lines."""
    blocks, current = [], []
    for line in lines:
        pieces = GLUED_CAPTION_RE.split(line) if split_glued_captions and has_glued_caption(line) else [line]
        for piece in pieces:
            if piece.strip():
                current.append(piece.strip())
            elif current:
                blocks.append(current)
                current = []
    if current:
        blocks.append(current)
    return blocks


def block_text(block: list[str]) -> str:
    return " ".join(line.strip() for line in block).strip()


def is_site_furniture(line: str) -> bool:
    """A line only the original site printed: a listing's by-line, a Media ID, a caption label."""
    media = MEDIA_ID_RE.match(line)
    return bool(
        (media and media["id"]) or byline_match(line) or CAPTION_LABEL_RE.match(line) or has_glued_caption(line)
    )


def has_glued_caption(line: str) -> bool:
    """A "Caption:" or "Media ID:" label glued to the text before it. The substring tests first:
    the pattern, which opens with a look-behind, is tried at every character (a quarter of
    parsing a page)."""
    return ("Caption" in line or "Media ID" in line) and GLUED_CAPTION_RE.search(line) is not None
