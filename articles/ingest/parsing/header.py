"""Stage 2: the site's header, the title line and "Select Page"; and stage 3, the kind of page:
from the file name when it tells, else from the text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .blocks import (
    CAPTION_LABEL_RE,
    MEDIA_ID_RE,
    block_text,
    byline_match,
    ends_in_ellipsis,
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
# The site's name after a title and its separator. Sought, not matched from the line's start: a
# leading "title, then spaces" pattern backtracks through every split of a run of spaces.
TITLE_SUFFIX_RE = re.compile(r"(?:\||[-–—])\s*ASHARQ AL-AWSAT English Archive(?:\s*2005\s*[-–]\s*2017)?\s*$", re.I)
ARCHIVES = "archives"


@dataclass
class Header:
    has_header: bool
    title: str | None
    title_says_archives: bool
    content: list[str]
    problems: list[str]


def title_with_suffix(line: str) -> dict | None:
    """{"title": …} of a title line ending with the site's name, or None."""
    suffix = TITLE_SUFFIX_RE.search(line)
    return {"title": line[: suffix.start()].strip()} if suffix else None


def without_archives(title: str) -> str:
    """A listing's title without its closing word "Archives" (after a space)."""
    if title.lower().endswith(ARCHIVES) and title[: -len(ARCHIVES)][-1:].isspace():
        return title[: -len(ARCHIVES)].rstrip()
    return title


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
        suffixed = title_with_suffix(line)
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
        stripped = without_archives(title)
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
    if any(byline_match(line) for line in lines):
        return LISTING, None
    if any(has_glued_caption(line) and not CAPTION_LABEL_RE.match(line) for line in lines):
        return LISTING, None
    # Every headerless page seen is a listing; an article keeps its header even when damaged,
    # unless its text says otherwise (a dateline opens a body).
    if not header.has_header and not any(find_dateline(block_text(b))[0] for b in blocks[:6]):
        return LISTING, None
    excerpts = sum(1 for b in blocks if ends_in_ellipsis(block_text(b)))
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
    """One caption after the header, no Media ID, no dateline, and positive evidence of a
    photo: a credit, or a caption's label. A short text without either is an article (a
    photo page's file name says what it is before the text is read)."""
    if not header.has_header or not blocks or len(blocks) > 2:
        return False
    text = " ".join(block_text(b) for b in blocks)
    if MEDIA_ID_RE.match(text) or find_dateline(text)[0] or len(text) > 1500:
        return False
    return bool(split_credit(text)[1]) or bool(CAPTION_LABEL_RE.match(text))
