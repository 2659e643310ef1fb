"""Parse one scraped page of the original site into a ParsedPage: the stages in order.

Pure Python, no Django: text in, a dataclass plus a list of problems out. It never raises on
a messy file; what it could not make sense of goes into ``ParsedPage.problems`` and the caller
decides. The page shapes it reads are described in docs/page-format.md: articles, listings
(tag / author / category pages, shapes A-G) and photo pages.

The stages: normalise the text, read hints from the file name, read the header and title,
decide the kind of page, then read the article, listing or photo page.
"""

from __future__ import annotations

import re
import unicodedata

from .article import read_article
from .filenames import hints_from_name
from .header import decide_kind, read_header
from .listing import read_listing
from .photo import read_photo_page
from .shapes import ARTICLE, LISTING, UNKNOWN, ParsedPage

# Files the scraper cut off were cut at exactly this many UTF-8 bytes.
TRUNCATION_SIZE = 2000
SENTENCE_END_RE = re.compile(r"[.!?…:;\"”’'»)\]]\s*$")
CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")


def parse_page(text: str, *, source_name: str = "", size: int | None = None, normalised: bool = False) -> ParsedPage:
    """Parse the decoded text of one page. ``size`` is the file's size in bytes, when known;
    ``normalised`` says the text already went through ``normalise_text``."""
    if not normalised:
        text = normalise_text(text)
    hints = hints_from_name(source_name)
    header = read_header(text.split("\n"))
    kind, listing_kind = decide_kind(header, hints)
    page = ParsedPage(kind=kind, title=header.title, listing_kind=listing_kind, hints=hints)
    page.problems.extend(header.problems)
    if kind == UNKNOWN:
        page.problems.append("no sign of a page of the original site")
    elif kind == ARTICLE:
        read_article(page, header.content)
    elif kind == LISTING:
        read_listing(page, header.content)
    else:
        read_photo_page(page, header.content)
    page.is_truncated = looks_truncated(text, size, kind)
    return page


def normalise_text(text: str) -> str:
    """Unify line ends, drop the BOM and control characters, trim each line's right end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = CONTROL_CHARS_RE.sub("", text).replace("\u00a0", " ")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def looks_truncated(text: str, size: int | None, kind: str) -> bool:
    """Cut at the scraper's 2000-byte limit, or stopping mid-sentence."""
    if size is None:
        size = len(text.encode("utf-8"))
    if size == TRUNCATION_SIZE:
        return True
    if kind != ARTICLE:
        return False
    last = text.rstrip().rsplit("\n", 1)[-1]
    return bool(last) and (last.endswith("\ufffd") or not SENTENCE_END_RE.search(last))
