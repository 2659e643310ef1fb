"""Stage 2: the site's header, the title line and "Select Page"; and stage 3, the kind of page:
from the file name when it tells, else from the text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .blocks import (
    BYLINE_RE,
    CAPTION_LABEL_RE,
    EXCERPT_END_RE,
    MEDIA_ID_RE,
    block_text,
    has_glued_caption,
    is_site_furniture,
    split_blocks,
)
from .credits import split_credit
from .datelines import find_dateline
from .filenames import NameHints
from .listing import is_title_like
from .shapes import ARTICLE, LISTING, PHOTO, UNKNOWN

SITE_HEADER_RE = re.compile(r"^\s*Middle-east Arab News Opinion\s*\|\s*Asharq Al-awsat\s*$", re.I)
SELECT_PAGE_RE = re.compile(r"^\s*Select Page\s*$", re.I)
TITLE_SUFFIX_RE = re.compile(
    r"^(?P<title>.*?)\s*(?:\||[-–—])\s*ASHARQ AL-AWSAT English Archive(?:\s*2005\s*[-–]\s*2017)?\s*$", re.I
)
ARCHIVES_SUFFIX_RE = re.compile(r"\s+Archives$", re.I)


@dataclass
class Header:
    has_header: bool
    title: str | None
    title_says_archives: bool
    content: list[str]
    problems: list[str]


def read_header(lines: list[str]) -> Header:
    """Find the site header, the title line and "Select Page"; return what follows them."""
    problems = []
    start = 0
    has_header = bool(lines) and bool(SITE_HEADER_RE.match(lines[0]))
    if has_header:
        start = 1
    # The title line sits within the first few lines, before "Select Page".
    title, archives, title_at, select_at = None, False, None, None
    for i in range(start, min(len(lines), start + 6)):
        line = lines[i].strip()
        if not line:
            continue
        if SELECT_PAGE_RE.match(line):
            select_at = i
            break
        suffixed = TITLE_SUFFIX_RE.match(line)
        if suffixed:
            title, title_at = suffixed["title"].strip(), i
            has_header = True
            continue
        if has_header and title_at is None and i + 1 < len(lines) and SELECT_PAGE_RE.match(lines[i + 1]):
            title, title_at = line, i
            problems.append("title line has no site name after it")
            continue
        break
    if title is not None:
        stripped = ARCHIVES_SUFFIX_RE.sub("", title)
        archives = stripped != title
        title = stripped or None
    if select_at is not None:
        content = lines[select_at + 1 :]
    elif title_at is not None:
        content = lines[title_at + 1 :]
    else:
        content = lines[start:]
    if has_header and title is None:
        problems.append("page has no title line")
    return Header(has_header, title, archives, content, problems)


def decide_kind(header: Header, hints: NameHints) -> tuple[str, str | None]:
    """Article, listing or photo page: from the file name when it tells, else from the text."""
    if hints.kind:
        return hints.kind, hints.listing_kind
    if header.title_says_archives:
        return LISTING, None
    blocks = split_blocks(header.content)
    lines = [line for line in header.content if line.strip()]
    if not header.has_header and not any(is_site_furniture(line) for line in lines):
        return UNKNOWN, None
    if any(BYLINE_RE.match(line) for line in lines):
        return LISTING, None
    if any(has_glued_caption(line) and not CAPTION_LABEL_RE.match(line) for line in lines):
        return LISTING, None
    # Every headerless page seen is a listing; an article keeps its header even when damaged,
    # unless its text says otherwise (a dateline opens a body).
    if not header.has_header and not any(find_dateline(block_text(b))[0] for b in blocks[:6]):
        return LISTING, None
    excerpts = sum(1 for b in blocks if EXCERPT_END_RE.search(block_text(b)))
    if excerpts >= 2 or has_doubled_title(blocks):
        return LISTING, None
    media_ids = {m["id"] for line in lines if (m := MEDIA_ID_RE.match(line)) and m["id"]}
    if len(media_ids) >= 2 and excerpts >= 1:
        return LISTING, None
    if looks_like_photo_page(header, blocks):
        return PHOTO, None
    return ARTICLE, None


def has_doubled_title(blocks: list[list[str]]) -> bool:
    """A short line printed twice in a row is a listing's doubled title (shapes B and C)."""
    texts = [block_text(b) for b in blocks]
    return any(a == b and is_title_like(a) and not split_credit(a)[1] for a, b in itertools.pairwise(texts))


def looks_like_photo_page(header: Header, blocks: list[list[str]]) -> bool:
    """One caption after the header, no Media ID, no dateline: an attachment page."""
    if not header.has_header or not blocks or len(blocks) > 2:
        return False
    text = " ".join(block_text(b) for b in blocks)
    if MEDIA_ID_RE.match(text) or find_dateline(text)[0] or len(text) > 1500:
        return False
    return bool(split_credit(text)[1]) or (len(blocks) == 1 and len(text) < 600)
