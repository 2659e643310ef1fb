"""What the parser gives: a ParsedPage of one of four kinds, with its photos' media blocks and
its listing items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ARTICLE = "article"
LISTING = "listing"
PHOTO = "photo"
# A text showing no sign of the original site: no header or title, no by-line, Media ID or
# caption label, and a file name naming no page of the site. Never guessed into a page.
UNKNOWN = "unknown"
KINDS = (ARTICLE, LISTING, PHOTO, UNKNOWN)
SITE_URL = "https://eng-archive.aawsat.com"


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
