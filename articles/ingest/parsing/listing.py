"""Stage 5: a listing page (tag, author, category) in any of the shapes A-G: its items, each a
title or by-line with its excerpt and first photo."""

from __future__ import annotations

import re

from .blocks import MEDIA_ID_RE, byline_match, ends_in_ellipsis, split_blocks
from .captions import fill_caption, is_caption_like, make_media, similar_caption
from .credits import is_credit_line, split_credit
from .dates import parse_date
from .shapes import ListingItem, MediaBlock, ParsedPage

# Units of a listing's text, once blank lines and run-on excerpts are split apart.
MEDIA, CAPTION_LABEL, CAPTION, BYLINE = "media", "caption label", "caption", "byline"
EXCERPT, SHORT, TEXT = "excerpt", "short", "text"
# A Media ID or caption label at a line's start; the text after it (a caption on the label's
# line) is read as a line of its own.
LABEL_HEAD_RE = re.compile(r"[ \t]*(?:(?P<media>Media ID[ \t]*:[ \t]*(?P<id>\d{6,10})?)|Caption[ \t]*:)[ \t]*", re.I)


def read_listing(page: ParsedPage, lines: list[str]) -> None:
    """Items of a listing page, whatever its shape (A-G)."""
    units = listing_units(lines)
    reader = ListingReader()
    for index, (kind, text) in enumerate(units):
        following = units[index + 1][0] if index + 1 < len(units) else None
        # A Media ID without a caption followed by a doubled title: the title is no caption.
        doubled = kind == SHORT and following is not None and units[index + 1] == (kind, text)
        if kind == CAPTION and following in (EXCERPT, TEXT) and is_title_like(text) and not split_credit(text)[1]:
            kind = SHORT  # an empty caption label, then a title: the text after it is the excerpt
        reader.read(kind, text, doubled)
    if reader.pending_media:
        page.media.extend(m for m in reader.pending_media if m.media_id or m.caption)
    for item in reader.items:
        page.media.extend(item.media)
    page.items = [item for item in reader.items if item.title or item.author or item.excerpt]
    if not page.items:
        page.problems.append("listing has no items")


class ListingReader:
    """Reads a listing's units in order: photos wait for the item they lead (``pending_media``),
    and each by-line, title or text opens an item or adds to the current one."""

    def __init__(self):
        self.items: list[ListingItem] = []
        self.pending_media: list[MediaBlock] = []
        self.current: ListingItem | None = None
        self.expect_caption = False

    def read(self, kind, text, doubled=False):
        if kind == MEDIA:
            self.media_id(text)
        elif kind == CAPTION_LABEL:
            self.caption_label()
        elif kind == CAPTION:
            self.caption(text)
        elif self.expect_caption and kind in (TEXT, SHORT, EXCERPT) and self.uncaptioned() and not doubled:
            fill_caption(self.pending_media[-1], text)
            self.expect_caption = False
        else:
            self.expect_caption = False
            if kind == BYLINE:
                self.byline(text)
            elif kind == SHORT and self.takes_a_title():
                self.title(text)
            else:
                self.text(text)

    def uncaptioned(self):
        return bool(self.pending_media) and not self.pending_media[-1].caption

    def media_id(self, text):
        match = MEDIA_ID_RE.match(text)
        self.pending_media.append(MediaBlock(media_id=int(match["id"]) if match["id"] else None, caption=""))
        self.expect_caption, self.current = True, None

    def caption_label(self):
        """A caption's label: its text (a CAPTION unit) follows; a Media ID just before is its photo's."""
        if not self.pending_media or self.pending_media[-1].caption:
            self.pending_media.append(MediaBlock(media_id=None, caption=""))
        self.expect_caption, self.current = False, None

    def caption(self, text):
        if not self.pending_media or self.pending_media[-1].caption:
            self.pending_media.append(MediaBlock(media_id=None, caption=""))
        fill_caption(self.pending_media[-1], text)
        self.current = None

    def byline(self, text):
        match = byline_match(text)
        sections = [s.strip() for s in (match["sections"] or "").split(",") if s.strip()]
        self.open(ListingItem(author=match["author"].strip(), date=parse_date(match["date"]), sections=sections))

    def takes_a_title(self):
        current = self.current
        return current is None or bool(current.excerpt) or (current.title is None and current.author is None)

    def title(self, text):
        if self.current is not None and self.current.title == text and not self.current.excerpt:
            return  # the doubled title of shapes B and C
        self.open(ListingItem(title=text))

    def text(self, text):
        current = self.current
        if current is not None and not current.excerpt and is_caption_like(text, [m.caption for m in current.media]):
            # Shape G: a title, then its photo's caption (often twice), then the text.
            if not any(similar_caption(text, f"{m.caption} {m.credit}") for m in current.media):
                current.media.append(make_media(None, text))
        elif current is None:
            self.open(ListingItem(title=None, excerpt=text))
        elif current.title == text and not current.excerpt:
            return
        else:
            current.excerpt = f"{current.excerpt}\n\n{text}" if current.excerpt else text

    def open(self, item):
        """A new item, led by the photos waiting for it."""
        item.media = [m for m in self.pending_media if m.media_id or m.caption]
        self.pending_media = []
        self.items.append(item)
        self.current = item


def listing_units(lines: list[str]) -> list[tuple[str, str]]:
    """Split a listing into typed units: media, caption labels and captions, by-lines, excerpts,
    titles, text."""
    splitter = UnitSplitter()
    for block in split_blocks(lines, split_glued_captions=True):
        for index, line in enumerate(block):
            splitter.line(line, followed=index + 1 < len(block))
        splitter.end_block()
    splitter.flush()
    return splitter.units


class UnitSplitter:
    """Cuts a listing's lines into units. After a "Caption:" label, the caption's text runs until
    its credit, a blank line, a line that reads as a title or an excerpt's closing dots: a
    caption never takes in the title or excerpt after it, with or without blank lines between."""

    def __init__(self):
        self.units: list[tuple[str, str]] = []
        self.paragraph: list[str] = []
        self.in_caption = False

    def line(self, line: str, followed: bool) -> None:
        # Labels at the line's start, each read where the last ended (not from a copy of the rest
        # of the line: a line of a thousand labels stays linear), then the text after them.
        pos = 0
        while head := LABEL_HEAD_RE.match(line, pos):
            self.flush()
            if head["media"]:
                self.units.append((MEDIA, f"Media ID: {head['id'] or ''}".strip()))
            else:
                self.units.append((CAPTION_LABEL, "Caption:"))
                self.in_caption = True
            pos = head.end()
        text = line[pos:].strip() if pos else line.strip()
        if not text:
            return
        if byline_match(text):
            self.flush()
            self.units.append((BYLINE, text))
        elif not (self.in_caption and self.caption_line(text)):
            self.paragraph.append(text)
            # An excerpt ends its item, and a title line its title: what follows starts another unit.
            if ends_in_ellipsis(text) or (followed and len(self.paragraph) == 1 and is_title_like(text)):
                self.flush()

    def caption_line(self, line: str) -> bool:
        """Take a line into the caption being read, or end the caption before it (False)."""
        if ends_in_ellipsis(line) or (self.paragraph and is_title_like(line) and not is_credit_line(line)):
            self.flush()
            return False
        self.paragraph.append(line)
        if is_credit_line(line) or split_credit(line)[1]:
            self.flush()
        return True

    def end_block(self) -> None:
        """A blank line ends a caption, once its text has begun (the text may follow the label
        after a blank line), and any other paragraph."""
        if not (self.in_caption and not self.paragraph):
            self.flush()

    def flush(self) -> None:
        if self.paragraph:
            text = " ".join(self.paragraph)
            if self.in_caption:
                kind = CAPTION
            else:
                kind = EXCERPT if ends_in_ellipsis(text) else SHORT if is_title_like(text) else TEXT
            self.units.append((kind, text))
            self.paragraph = []
        self.in_caption = False


def is_title_like(text: str) -> bool:
    """A headline: one short line that does not read as a sentence of running text."""
    words = text.split()
    return 0 < len(words) <= 22 and len(text) <= 160 and not text.endswith((".", ",", ";", ":", "…"))
