"""The pieces every stage reads a page with: blocks of lines between blank lines, and the lines
only the original site printed (a Media ID, a caption label, a listing's by-line)."""

from __future__ import annotations

import re

MEDIA_ID_RE = re.compile(r"^\s*Media ID\s*:\s*(?P<id>\d{6,10})?\s*(?P<rest>.*)$", re.I)
CAPTION_LABEL_RE = re.compile(r"^\s*Caption\s*:\s*(?P<rest>.*)$", re.I)
GLUED_CAPTION_RE = re.compile(r"(?<=\S)(?=Caption\s*:)")
BYLINE_RE = re.compile(
    r"^by\s+(?P<author>.+?)\s*\|\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4})\s*(?:\|\s*(?P<sections>.*))?$"
)
EXCERPT_END_RE = re.compile(r"(?:\.\.\.+|…)\s*$")


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
        (media and media["id"])
        or BYLINE_RE.match(line.strip())
        or CAPTION_LABEL_RE.match(line)
        or has_glued_caption(line)
    )


def has_glued_caption(line: str) -> bool:
    """A "Caption:" label glued to the text before it. The substring test first: the pattern,
    which opens with a look-behind, is tried at every character (a quarter of parsing a page)."""
    return "Caption" in line and GLUED_CAPTION_RE.search(line) is not None
