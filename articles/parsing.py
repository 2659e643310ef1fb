"""Parse one scraped page of the original site into a ParsedPage.

Pure Python, no Django: text in, a dataclass plus a list of problems out. It never raises
on a messy file; what it could not make sense of goes into ``ParsedPage.problems`` and the
caller decides. The page shapes it reads are described in the project's FORMAT notes:
articles, listings (tag / author / category pages, shapes A-G) and photo pages.

The stages, in order: normalise the text, read hints from the file name, read the header and
title, decide the kind of page, then read the article, listing or photo page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from .matching import OPENING_KEY_LENGTH, match_key

ARTICLE = "article"
LISTING = "listing"
PHOTO = "photo"
# A text showing no sign of the original site: no header or title, no by-line, Media ID or
# caption label, and a file name naming no page of the site. Never guessed into a page.
UNKNOWN = "unknown"
KINDS = (ARTICLE, LISTING, PHOTO, UNKNOWN)

# Files the scraper cut off were cut at exactly this many UTF-8 bytes.
TRUNCATION_SIZE = 2000

SITE_HEADER_RE = re.compile(r"^\s*Middle-east Arab News Opinion\s*\|\s*Asharq Al-awsat\s*$", re.I)
SELECT_PAGE_RE = re.compile(r"^\s*Select Page\s*$", re.I)
TITLE_SUFFIX_RE = re.compile(
    r"^(?P<title>.*?)\s*(?:\||[-–—])\s*ASHARQ AL-AWSAT English Archive(?:\s*2005\s*[-–]\s*2017)?\s*$", re.I
)
ARCHIVES_SUFFIX_RE = re.compile(r"\s+Archives$", re.I)
MEDIA_ID_RE = re.compile(r"^\s*Media ID\s*:\s*(?P<id>\d{6,10})?\s*(?P<rest>.*)$", re.I)
CAPTION_LABEL_RE = re.compile(r"^\s*Caption\s*:\s*(?P<rest>.*)$", re.I)
GLUED_CAPTION_RE = re.compile(r"(?<=\S)(?=Caption\s*:)")
BYLINE_RE = re.compile(
    r"^by\s+(?P<author>.+?)\s*\|\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4})\s*(?:\|\s*(?P<sections>.*))?$"
)
EXCERPT_END_RE = re.compile(r"(?:\.\.\.+|…)\s*$")
SENTENCE_END_RE = re.compile(r"[.!?…:;\"”’'»)\]]\s*$")
CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")

# Datelines: "Beirut, Asharq Al-Awsat—", "Tripoli, Libya, AP—", "Beirut – ", "Riyadh, Mecca- ".
DASHES = "—–-"
PLACE_WORD = r"(?:[A-Z][\w’'.]*|al|el|de|of)(?:-[A-Z][\w’'.]*)*"
PLACE_LIST = (
    rf"{PLACE_WORD}(?:\s+{PLACE_WORD}){{0,3}}(?:\s*(?:,|/|\band\b)\s*{PLACE_WORD}(?:\s+{PLACE_WORD}){{0,3}}){{0,3}}"
)
WIRE_DATELINE_RE = re.compile(
    rf"^(?P<dateline>(?P<places>{PLACE_LIST}),\s*(?P<source>Asharq Al-?Awsat|AP|AFP|Reuters|REUTERS|KUNA|SPA))"
    rf"\s*[{DASHES}]+\s*"
)
SPACED_DATELINE_RE = re.compile(rf"^(?P<dateline>(?P<places>{PLACE_LIST}))(?:\s+[{DASHES}]\s*|[—–]\s*|-\s+)(?=\S)")
GLUED_DATELINE_RE = re.compile(rf"^(?P<dateline>(?P<places>{PLACE_LIST}))-(?=[A-Z])")

# Places a dateline glued to its first word by a bare hyphen may name ("New York-Amid ...").
# Without such a list "Al-Assad’s forces" would read as a dateline "Al".
KNOWN_PLACES = frozenset(
    """
    Beirut Baghdad London Erbil Cairo Doha Gaza Tunis Algiers Idlib Tripoli Riyadh Sana’a Sanaa Sana'a
    Jeddah Makkah Mecca Medina Istanbul Ankara Aleppo Moscow Washington Paris Berlin Geneva Vienna
    Damascus Tehran Amman Dubai Abu Dhabi Kuwait Manama Muscat Khartoum Rabat Nouakchott Jerusalem
    Ramallah Mosul Basra Kirkuk Aden Taiz Benghazi Homs Hama Raqqa Deir el-Zour Sidon Tyre Tripoli
    Alexandria Sinai Brussels Rome Madrid Beijing Tokyo Lausanne Astana Sochi Kabul Islamabad
    New York United Nations Hodeidah Marib Daraa Qamishli Hasakah Latakia Tartus Jerablus Manbij
    Fallujah Ramadi Tikrit Najaf Karbala Sulaimaniyah Dhahran Dammam Taif Abha Jazan Najran
    """.split()
) | {"New York", "Abu Dhabi", "Deir el-Zour", "United Nations", "Washington DC", "Sharm el-Sheikh"}

# Credits at the end of a caption. Agency words are what make a tail a credit rather than text.
AGENCY_WORD = (
    r"(?:REUTERS|Reuters|AFP|A\.?F\.?P|EPA|epa|AP|Associated Press|Getty(?:\s+Images)?|"
    r"Asharq\s+Al-?Awsat|SANA|Sputnik|Anadolu|Xinhua|KUNA|SPA|WAM|IRNA|Photo|PHOTO|photo)"
)
AGENCY_WORD_RE = re.compile(rf"\b{AGENCY_WORD}\b")
REUTERS_TAGS_TAIL_RE = re.compile(r"\s*\((?P<tail>[A-Z][A-Z .,/&-]*\s*[–—-]\s*Tags?\s*:[^)]*)\)\s*$")
EPA_CODE_RE = re.compile(r"^(?P<code>epa\d{6,10})\s+", re.I)
PAREN_CREDIT_RE = re.compile(r"\s*(?P<credit>\((?P<inner>[^()]{2,120})\))\s*\.?\s*$")
AGENCY_PAREN_CREDIT_RE = re.compile(rf"\s*(?P<credit>{AGENCY_WORD}\s*\((?:PHOTO|Photo)[^()]*\))\s*\.?\s*$")
UNCLOSED_PAREN_CREDIT_RE = re.compile(rf"\s*(?P<credit>\((?:{AGENCY_WORD})[^()]{{0,80}})$")
SENTENCE_BOUNDARY_RE = re.compile(r"(?<=[.!?”\"’)])\s+(?=\S)")
INLINE_CREDIT_RE = re.compile(
    r"(?:^|\s)(?P<credit>(?:[\w’'.-]+\s*/\s*)*(?:REUTERS|AFP PHOTO|AFP|EPA|AP Photo)\s*/\s*[^/]{2,60})$"
)
CREDIT_NAME_RE = re.compile(r"^[A-Z][\w’'.-]*(?:\s+(?:and|&|[A-Z][\w’'.-]*))*$")

AGENCY_PATTERNS = [
    ("via", re.compile(r"\bvia\s+(?P<agency>REUTERS|Reuters|AFP|AP|EPA|Getty)", re.I)),
    ("AFP", re.compile(r"\bAFP\b|\bA\.F\.P\b")),
    ("EPA", re.compile(r"\bEPA\b|\bepa\d*", re.I)),
    ("AP", re.compile(r"\bAP\b(?!\w)|\bAssociated Press\b")),
    ("Reuters", re.compile(r"\breuters\b", re.I)),
    ("Getty Images", re.compile(r"\bGetty\b", re.I)),
    ("Asharq Al-Awsat", re.compile(r"\bAsharq\s+Al-?Awsat\b", re.I)),
]
AGENCY_BY_WORD = {"reuters": "Reuters", "afp": "AFP", "ap": "AP", "epa": "EPA", "getty": "Getty Images"}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE_MDY_RE = re.compile(rf"\b(?P<month>{MONTH_NAME})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)\b")
DATE_DMY_RE = re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_NAME})\.?,?\s+(?P<year>(?:19|20)\d\d)\b")
# A caption describing a file photo ("… in this 2013 file photo", "(File)", "AP Photo/…, File)",
# "Reuters/Files") dates the photo, not the article that reuses it.
FILE_PHOTO_RE = re.compile(r"\bfile\s+(?:photo|picture|image)s?\b|\(\s*files?\s*\)|,\s*files?\s*\)|/\s*files?\b", re.I)
ARCHIVE_START = dt.date(2005, 1, 1)
ARCHIVE_END = dt.date(2017, 12, 31)

# Media IDs grow with time. Anchors are (media id, date) pairs read off dated captions of real
# pages; between two anchors the date is interpolated, outside them no estimate is made.
MEDIA_ID_ANCHORS = [
    (55295273, dt.date(2013, 1, 1)),
    (55326450, dt.date(2013, 12, 17)),
    (55358541, dt.date(2016, 9, 5)),
    (55384280, dt.date(2017, 9, 29)),
    (55385310, dt.date(2017, 12, 31)),
]

# File names of the scraped pages carry the original URL: "article-<author>-<section>-<post>",
# "tag-<slug>-page-<n>", "other-attachment-<image>-of-<post>". Section slugs split the article form.
SECTION_SLUGS = (
    "news-middle-east",
    "world-news",
    "opinion",
    "uncategorized",
    "features",
    "latest-news",
    "profiles",
    "interviews",
    "majalla-blogs",
    "the-majalla-magazine",
    "business",
    "sports",
    "culture",
    "lifestyle",
    "technology",
    "health",
    "investigations",
    "editors-picks",
    "news",
)
NAME_KIND_RE = re.compile(r"^(?P<kind>article|tag|author|category|other)-(?P<rest>.+)$", re.I)
PAGE_SUFFIX_RE = re.compile(r"^(?P<slug>.+?)-page-(?P<page>\d+)$")
ATTACHMENT_NAME_RE = re.compile(r"^attachment-(?P<image>.+?)(?:-of-(?P<post>.+))?$")
POST_ID_NAME_RE = re.compile(r"(?:^|[-_?&])p[-=_](?P<id>\d{8})(?:\D|$)")
SITE_URL = "https://eng-archive.aawsat.com"


@dataclass
class MediaBlock:
    """One photo: its Media ID when the page shows one, caption and credit apart."""

    media_id: int | None
    caption: str
    credit: str = ""
    agency: str = ""


@dataclass
class ListingItem:
    """One entry of a listing page: a title or by-line with its excerpt."""

    title: str | None = None
    excerpt: str = ""
    author: str | None = None
    date: dt.date | None = None
    sections: list[str] = field(default_factory=list)
    media: list[MediaBlock] = field(default_factory=list)


@dataclass
class NameHints:
    """What the file name says of the page's original URL."""

    kind: str | None = None
    listing_kind: str | None = None
    author_slug: str = ""
    section_slug: str = ""
    post_slug: str = ""
    listing_slug: str = ""
    listing_page: int | None = None
    attachment_slug: str = ""
    media_id: int | None = None

    @property
    def url(self):
        if self.kind == ARTICLE and self.author_slug and self.section_slug and self.post_slug:
            return f"{SITE_URL}/{self.author_slug}/{self.section_slug}/{self.post_slug}"
        if self.kind == LISTING and self.listing_kind and self.listing_slug:
            page = f"/page/{self.listing_page}" if self.listing_page else ""
            return f"{SITE_URL}/{self.listing_kind}/{self.listing_slug}{page}"
        if self.kind == PHOTO and self.media_id:
            return f"{SITE_URL}/?p={self.media_id}"
        return ""


@dataclass
class ParsedPage:
    """Everything read from one page, plus what could not be read."""

    kind: str
    title: str | None = None
    listing_kind: str | None = None
    dateline: str = ""
    dateline_raw: str = ""
    paragraphs: list[str] = field(default_factory=list)
    media: list[MediaBlock] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    is_truncated: bool = False
    published_on: dt.date | None = None
    date_source: str = ""
    estimated_month: dt.date | None = None
    items: list[ListingItem] = field(default_factory=list)
    hints: NameHints = field(default_factory=NameHints)
    problems: list[str] = field(default_factory=list)

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)

    @property
    def original_url(self):
        return self.hints.url


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


# --- Stage 1: text -------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Unify line ends, drop the BOM and control characters, trim each line's right end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = CONTROL_CHARS_RE.sub("", text).replace("\u00a0", " ")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def hints_from_name(source_name: str) -> NameHints:
    """Read the original URL's parts from a scraped file's name, where it carries them."""
    name = re.split(r"[\\/]", source_name)[-1]
    name = re.sub(r"\.txt$", "", name, flags=re.I)
    hints = NameHints()
    post_id = POST_ID_NAME_RE.search(name)
    match = NAME_KIND_RE.match(name)
    if not match:
        if post_id:
            hints.kind, hints.media_id = PHOTO, int(post_id["id"])
        return hints
    kind, rest = match["kind"].lower(), match["rest"]
    if kind in ("tag", "author", "category"):
        hints.kind, hints.listing_kind = LISTING, kind
        paged = PAGE_SUFFIX_RE.match(rest)
        hints.listing_slug = paged["slug"] if paged else rest
        hints.listing_page = int(paged["page"]) if paged else None
    elif kind == "other":
        hints.kind = PHOTO
        attachment = ATTACHMENT_NAME_RE.match(rest)
        if attachment:
            hints.attachment_slug = attachment["image"]
            hints.post_slug = attachment["post"] or ""
        if post_id:
            hints.media_id = int(post_id["id"])
    else:
        hints.kind = ARTICLE
        for section in sorted(SECTION_SLUGS, key=len, reverse=True):
            author, sep, post = rest.partition(f"-{section}-")
            if sep and author and post:
                hints.author_slug, hints.section_slug, hints.post_slug = author, section, post
                break
    return hints


# --- Stage 2: header and title -------------------------------------------------------------


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


# --- Stage 3: kind of page -----------------------------------------------------------------


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
    if not header.has_header:
        # Every headerless page seen is a listing; an article keeps its header even when damaged,
        # unless its text says otherwise (a dateline opens a body).
        if not any(find_dateline(block_text(b))[0] for b in blocks[:6]):
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


def has_doubled_title(blocks: list[list[str]]) -> bool:
    """A short line printed twice in a row is a listing's doubled title (shapes B and C)."""
    texts = [block_text(b) for b in blocks]
    return any(a == b and is_title_like(a) and not split_credit(a)[1] for a, b in zip(texts, texts[1:]))


def looks_like_photo_page(header: Header, blocks: list[list[str]]) -> bool:
    """One caption after the header, no Media ID, no dateline: an attachment page."""
    if not header.has_header or not blocks or len(blocks) > 2:
        return False
    text = " ".join(block_text(b) for b in blocks)
    if MEDIA_ID_RE.match(text) or find_dateline(text)[0] or len(text) > 1500:
        return False
    return bool(split_credit(text)[1]) or len(blocks) == 1 and len(text) < 600


# --- Stage 4: articles ---------------------------------------------------------------------


def read_article(page: ParsedPage, lines: list[str]) -> None:
    """Media blocks, repeated captions, dateline, then the body paragraphs."""
    blocks = split_blocks(lines)
    i = 0
    media: list[MediaBlock] = []
    captions: list[str] = []
    # Media ID / Caption: blocks, possibly several.
    while i < len(blocks):
        first = blocks[i][0]
        media_match = MEDIA_ID_RE.match(first)
        if not media_match:
            break
        media_id = int(media_match["id"]) if media_match["id"] else None
        if media_id is None:
            page.problems.append("Media ID line without a number")
        rest = blocks[i][1:]
        labelled = bool(rest and CAPTION_LABEL_RE.match(rest[0])) or bool(
            CAPTION_LABEL_RE.match(media_match["rest"] or "")
        )
        inline = ""
        if rest and CAPTION_LABEL_RE.match(rest[0]):
            inline = " ".join([CAPTION_LABEL_RE.match(rest[0])["rest"], *rest[1:]]).strip()
        elif rest:
            inline = " ".join(rest).strip()
        i += 1
        caption = inline
        if not caption and i < len(blocks) and not MEDIA_ID_RE.match(blocks[i][0]):
            candidate = block_text(blocks[i])
            if labelled or is_caption_like(candidate, captions):
                caption = candidate
                i += 1
        if caption:
            captions.append(caption)
        elif media_id is not None:
            page.problems.append(f"Media ID {media_id} has no caption")
        media.append(make_media(media_id, caption))
    # Captions repeated before the body: the same caption again, or another text ending in a credit.
    first_body = i
    while i < len(blocks):
        text = block_text(blocks[i])
        if find_dateline(text)[0] or not is_caption_like(text, captions, following=blocks[i + 1 :]):
            break
        captions.append(text)
        i += 1
    if i == len(blocks) and i > first_body:
        # Everything looked like a caption: the last of them is the body after all.
        i -= 1
        captions.pop()
    if not media:
        # No Media ID: the captions printed before the body are photos without a number, each
        # printed once or twice. Repeats after a Media ID block are that photo's, even reworded.
        distinct: list[str] = []
        for text in captions:
            if not any(similar_caption(text, seen) for seen in distinct):
                distinct.append(text)
        media = [make_media(None, text) for text in distinct]
    paragraphs = [block_text(b) for b in blocks[i:]]
    if paragraphs:
        dateline, raw, rest = find_dateline(paragraphs[0])
        if dateline:
            page.dateline, page.dateline_raw = dateline, raw
            paragraphs[0] = rest
    # A caption printed again further down the body is the same photo, not text.
    paragraphs = [p for p in paragraphs if p and not is_printed_caption(p, captions)]
    page.media, page.captions, page.paragraphs = media, captions, paragraphs
    if not paragraphs:
        page.problems.append("article has no body text")
    page.published_on, page.date_source = date_of(captions, skip_file_photos=True)
    page.estimated_month = estimate_of(media)


def make_media(media_id: int | None, caption_text: str) -> MediaBlock:
    caption, credit = split_credit(caption_text)
    return MediaBlock(media_id=media_id, caption=caption, credit=credit, agency=agency_of(credit))


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


def similar_caption(a: str, b: str) -> bool:
    """Two printings of one caption: quotes, spacing and line breaks may differ."""
    a, b = caption_key(a), caption_key(b)
    if not a or not b:
        return False
    if a == b or (len(a) > 40 and (a in b or b in a)):
        return True
    if abs(len(a) - len(b)) > max(len(a), len(b)) * 0.3:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).quick_ratio() > 0.9 and (
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() > 0.85
    )


def caption_key(text: str) -> str:
    """Captions compared without case, quote style, punctuation or spacing."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()
    return re.sub(r"\W+", " ", text).strip()


def find_dateline(paragraph: str) -> tuple[str, str, str]:
    """Split a leading dateline off a paragraph: (dateline, dateline as printed, rest)."""
    for pattern in (WIRE_DATELINE_RE, SPACED_DATELINE_RE, GLUED_DATELINE_RE):
        match = pattern.match(paragraph)
        if not match:
            continue
        places = match["places"]
        words = re.findall(r"[\w’'.-]+", places)
        if pattern is not WIRE_DATELINE_RE:
            parts = [p.strip() for p in re.split(r",|/|\band\b", places) if p.strip()]
            if pattern is GLUED_DATELINE_RE and not all(p in KNOWN_PLACES for p in parts):
                continue
            if len(words) > 8 or not all(p[0].isupper() for p in parts):
                continue
        rest = paragraph[match.end() :].lstrip()
        if not rest:
            continue
        raw = paragraph[: match.end()].rstrip()
        return match["dateline"].strip().rstrip(DASHES).strip(), raw, rest
    return "", "", paragraph


# --- Stage 5: listings ---------------------------------------------------------------------

# Units of a listing's text, once blank lines and run-on excerpts are split apart.
MEDIA, CAPTION_LABEL, BYLINE, EXCERPT, SHORT, TEXT = "media", "caption", "byline", "excerpt", "short", "text"


def read_listing(page: ParsedPage, lines: list[str]) -> None:
    """Items of a listing page, whatever its shape (A-G)."""
    units = listing_units(lines)
    items: list[ListingItem] = []
    pending_media: list[MediaBlock] = []
    current: ListingItem | None = None
    expect_caption_for: int | None | bool = False
    for index, (kind, text) in enumerate(units):
        if kind == MEDIA:
            match = MEDIA_ID_RE.match(text)
            media_id = int(match["id"]) if match["id"] else None
            pending_media.append(MediaBlock(media_id=media_id, caption=""))
            expect_caption_for = True
            current = None
            continue
        if kind == CAPTION_LABEL:
            rest = CAPTION_LABEL_RE.match(text)["rest"].strip()
            if not pending_media or pending_media[-1].caption:
                pending_media.append(MediaBlock(media_id=None, caption=""))
            if rest:
                fill_caption(pending_media[-1], rest)
                expect_caption_for = False
            else:
                expect_caption_for = True
            current = None
            continue
        # A Media ID without a caption followed by a doubled title: the title is no caption.
        doubled = kind == SHORT and index + 1 < len(units) and units[index + 1] == (kind, text)
        if (
            expect_caption_for
            and kind in (TEXT, SHORT, EXCERPT)
            and pending_media
            and not pending_media[-1].caption
            and not doubled
        ):
            fill_caption(pending_media[-1], text)
            expect_caption_for = False
            continue
        expect_caption_for = False
        if kind == BYLINE:
            match = BYLINE_RE.match(text)
            current = ListingItem(
                author=match["author"].strip(),
                date=parse_date(match["date"]),
                sections=[s.strip() for s in (match["sections"] or "").split(",") if s.strip()],
                media=pending_media,
            )
            pending_media = []
            items.append(current)
        elif kind == SHORT and (current is None or current.excerpt or current.title is None and current.author is None):
            if current is not None and current.title == text and not current.excerpt:
                continue  # the doubled title of shapes B and C
            current = ListingItem(title=text, media=pending_media)
            pending_media = []
            items.append(current)
        elif current is not None and not current.excerpt and is_caption_like(text, [m.caption for m in current.media]):
            # Shape G: a title, then its photo's caption (often twice), then the text.
            if not any(similar_caption(text, f"{m.caption} {m.credit}") for m in current.media):
                current.media.append(make_media(None, text))
        elif current is None:
            current = ListingItem(title=None, excerpt=text, media=pending_media)
            pending_media = []
            items.append(current)
        elif current.title == text and not current.excerpt:
            continue
        else:
            current.excerpt = f"{current.excerpt}\n\n{text}" if current.excerpt else text
    if pending_media:
        page.media.extend(m for m in pending_media if m.media_id or m.caption)
    for item in items:
        page.media.extend(item.media)
    page.items = [item for item in items if item.title or item.author or item.excerpt]
    if not page.items:
        page.problems.append("listing has no items")


def fill_caption(media: MediaBlock, text: str) -> None:
    media.caption, media.credit = split_credit(text)
    media.agency = agency_of(media.credit)


def listing_units(lines: list[str]) -> list[tuple[str, str]]:
    """Split a listing into typed units: media, caption labels, by-lines, excerpts, titles, text."""
    units = []
    for block in split_blocks(lines, split_glued_captions=True):
        paragraph: list[str] = []

        def flush(paragraph=paragraph):
            if paragraph:
                text = " ".join(paragraph)
                kind = EXCERPT if EXCERPT_END_RE.search(text) else SHORT if is_title_like(text) else TEXT
                units.append((kind, text))
                paragraph.clear()

        for line in block:
            if MEDIA_ID_RE.match(line):
                flush()
                units.append((MEDIA, line.strip()))
            elif CAPTION_LABEL_RE.match(line):
                flush()
                units.append((CAPTION_LABEL, line.strip()))
            elif BYLINE_RE.match(line.strip()):
                flush()
                units.append((BYLINE, line.strip()))
            else:
                paragraph.append(line.strip())
                # An excerpt ends its item: whatever follows on the next line starts another one.
                if (
                    EXCERPT_END_RE.search(line)
                    or len(block) > 1
                    and is_title_like(line)
                    and line is block[0]
                    and not EXCERPT_END_RE.search(line)
                ):
                    flush()
        flush()
    return units


def is_title_like(text: str) -> bool:
    """A headline: one short line that does not read as a sentence of running text."""
    words = text.split()
    return 0 < len(words) <= 22 and len(text) <= 160 and not text.endswith((".", ",", ";", ":", "…"))


# --- Stage 6: photo pages ------------------------------------------------------------------


def read_photo_page(page: ParsedPage, lines: list[str]) -> None:
    """An attachment page: one caption, split into caption and credit."""
    blocks = split_blocks(lines)
    texts = [block_text(b) for b in blocks if not MEDIA_ID_RE.match(b[0])]
    media_ids = [int(m["id"]) for b in blocks if (m := MEDIA_ID_RE.match(b[0])) and m["id"]]
    media_id = media_ids[0] if media_ids else page.hints.media_id
    caption_text = ""
    for text in texts:
        label = CAPTION_LABEL_RE.match(text)
        text = label["rest"].strip() if label else text
        if text and not any(similar_caption(text, seen) for seen in [caption_text]):
            caption_text = f"{caption_text} {text}".strip()
    if caption_text:
        page.media = [make_media(media_id, caption_text)]
        page.captions = [caption_text]
        page.published_on, page.date_source = date_of(page.captions)
    else:
        page.problems.append("photo page has no caption")


# --- Shared pieces -------------------------------------------------------------------------


def split_blocks(lines: list[str], split_glued_captions: bool = False) -> list[list[str]]:
    """Group lines into blocks separated by blank lines."""
    blocks, current = [], []
    for line in lines:
        if split_glued_captions and has_glued_caption(line):
            pieces = GLUED_CAPTION_RE.split(line)
        else:
            pieces = [line]
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


def split_credit(text: str) -> tuple[str, str]:
    """Split a photo credit off the end of a caption: (caption, credit). Credit is "" if none."""
    text = re.sub(r"\s+", " ", text).strip()
    code = ""
    code_match = EPA_CODE_RE.match(text)
    if code_match:
        code, text = code_match["code"], text[code_match.end() :]
    tail = ""
    tags = REUTERS_TAGS_TAIL_RE.search(text)
    if tags:
        tail, text = tags.group(0).strip(), text[: tags.start()].rstrip()
    caption, credit = credit_at_end(text)
    if tail:
        if credit:
            credit = f"{credit} {tail}"
        else:
            caption = f"{caption} {tail}"
    if code:
        credit = f"{credit} {code}".strip()
    return caption.strip(), credit.strip()


def credit_at_end(text: str) -> tuple[str, str]:
    """The credit forms of FORMAT: parenthesised, agency tails, slash names, bare agencies."""
    for pattern in (AGENCY_PAREN_CREDIT_RE, PAREN_CREDIT_RE, UNCLOSED_PAREN_CREDIT_RE):
        match = pattern.search(text)
        if not match:
            continue
        inner = match.groupdict().get("inner") or match["credit"]
        before = text[: match.start()].rstrip()
        if pattern is PAREN_CREDIT_RE and not (
            AGENCY_WORD_RE.search(inner)
            or (CREDIT_NAME_RE.match(inner.strip()) and len(inner.split()) >= 2 and ends_sentence(before))
        ):
            continue
        if pattern is PAREN_CREDIT_RE and re.search(r"[–—-]\s*Tags?:", inner):
            continue
        return before, match["credit"].strip()
    # A credit after the last sentence: "… 2016. Sputnik/Kremlin/Alexei Druzhinin/via REUTERS".
    pieces = SENTENCE_BOUNDARY_RE.split(text)
    if len(pieces) > 1:
        last = pieces[-1].strip()
        if is_credit_tail(last):
            return text[: len(text) - len(pieces[-1])].rstrip(), last
    inline = INLINE_CREDIT_RE.search(text)
    if inline and inline.start("credit") > 0:
        return text[: inline.start("credit")].rstrip(), inline["credit"].strip()
    return text, ""


def is_credit_tail(text: str) -> bool:
    """A short trailing piece naming an agency or photographer rather than a sentence."""
    if not text or len(text) > 90 or not AGENCY_WORD_RE.search(text):
        return False
    if text.endswith((".", "?", "!")) and not re.search(r"/\s*\S+\.$", text):
        return False
    lower_words = [w for w in re.findall(r"[A-Za-z]+", text) if w.islower()]
    return all(
        w in {"via", "file", "photo", "and", "handout", "pool", "images", "de", "al", "el", "bin"} for w in lower_words
    )


def ends_sentence(text: str) -> bool:
    return bool(text) and bool(re.search(r"[.!?”\"’)\d]$", text))


def agency_of(credit: str) -> str:
    """The agency a credit names: Reuters, AFP, AP, EPA, Getty Images, Asharq Al-Awsat or Other."""
    if not credit:
        return ""
    via = AGENCY_PATTERNS[0][1].search(credit)
    if via:
        return AGENCY_BY_WORD[via["agency"].lower()]
    found = [(m.start(), name) for name, pattern in AGENCY_PATTERNS[1:] if (m := pattern.search(credit))]
    return min(found)[1] if found else "Other"


def parse_date(text: str) -> dt.date | None:
    """A date such as "Aug 28, 2014", "Dec. 17, 2013" or "23 September 2014"."""
    match = DATE_MDY_RE.search(text) or DATE_DMY_RE.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match["year"]), MONTHS[match["month"].lower().rstrip(".")], int(match["day"]))
    except (ValueError, KeyError):
        return None


def dates_in(text: str) -> list[dt.date]:
    found = []
    for pattern in (DATE_MDY_RE, DATE_DMY_RE):
        for match in pattern.finditer(text):
            date = parse_date(match.group(0))
            if date and ARCHIVE_START <= date <= ARCHIVE_END:
                found.append(date)
    return found


def date_of(captions: list[str], skip_file_photos: bool = False) -> tuple[dt.date | None, str]:
    """The date a page states: the latest date its photo captions give. With
    ``skip_file_photos``, a date that a caption gives as a file photo's, in that caption or
    another printing of it, dates the photo and not the page."""
    reused = {d for c in captions if skip_file_photos and is_file_photo(c) for d in dates_in(c)}
    found = [d for c in captions for d in dates_in(c) if d not in reused]
    if found:
        return max(found), "caption"
    return None, ""


def is_file_photo(caption: str) -> bool:
    """A caption (with its credit) that describes an earlier photo reused from the files."""
    return bool(FILE_PHOTO_RE.search(caption))


def estimate_of(media: list[MediaBlock]) -> dt.date | None:
    """A guess at the month, from the newest Media ID; a page cannot predate its photos."""
    estimates = [d for m in media if m.media_id and (d := estimate_from_media_id(m.media_id))]
    return max(estimates, default=None)


def estimate_from_media_id(media_id: int) -> dt.date | None:
    """The month a Media ID was probably issued in, interpolated between dated anchors."""
    for (low_id, low_date), (high_id, high_date) in zip(MEDIA_ID_ANCHORS, MEDIA_ID_ANCHORS[1:]):
        if low_id <= media_id <= high_id:
            share = (media_id - low_id) / (high_id - low_id)
            estimate = low_date + dt.timedelta(days=round((high_date - low_date).days * share))
            return estimate.replace(day=1)
    return None


# --- Matching listing items to articles ------------------------------------------------------

def excerpt_key(excerpt: str) -> str:
    """A listing excerpt's words without its dateline ("Algiers, Reuters—"), its closing
    ellipsis and its last word, which a listing may have cut short."""
    text = EXCERPT_END_RE.sub("", excerpt.strip())
    words = match_key(find_dateline(text)[2]).split(" ")
    return " ".join(words[:-1])


def excerpt_begins(excerpt: str, body_key: str) -> bool:
    """Whether a listing's excerpt (or full text) is the start of an article's text (its key)."""
    key = excerpt_key(excerpt)
    if len(key) < OPENING_KEY_LENGTH or len(body_key) < OPENING_KEY_LENGTH:
        return False
    return body_key.startswith(key) or key.startswith(body_key)


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
