"""Stage 5: a listing page (tag, author, category) in any of the shapes A-G: its items, each a
title or by-line with its excerpt and first photo."""

from __future__ import annotations

from .blocks import CAPTION_LABEL_RE, MEDIA_ID_RE, byline_match, ends_in_ellipsis, split_blocks
from .captions import fill_caption, is_caption_like, make_media, similar_caption
from .dates import parse_date
from .shapes import ListingItem, MediaBlock, ParsedPage

# Units of a listing's text, once blank lines and run-on excerpts are split apart.
MEDIA, CAPTION_LABEL, BYLINE, EXCERPT, SHORT, TEXT = "media", "caption", "byline", "excerpt", "short", "text"


def read_listing(page: ParsedPage, lines: list[str]) -> None:
    """Items of a listing page, whatever its shape (A-G)."""
    units = listing_units(lines)
    reader = ListingReader()
    for index, (kind, text) in enumerate(units):
        # A Media ID without a caption followed by a doubled title: the title is no caption.
        doubled = kind == SHORT and index + 1 < len(units) and units[index + 1] == (kind, text)
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
            self.caption_label(text)
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

    def caption_label(self, text):
        rest = CAPTION_LABEL_RE.match(text)["rest"].strip()
        if not self.pending_media or self.pending_media[-1].caption:
            self.pending_media.append(MediaBlock(media_id=None, caption=""))
        if rest:
            fill_caption(self.pending_media[-1], rest)
        self.expect_caption, self.current = not rest, None

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
        item.media = self.pending_media
        self.pending_media = []
        self.items.append(item)
        self.current = item


def listing_units(lines: list[str]) -> list[tuple[str, str]]:
    """Split a listing into typed units: media, caption labels, by-lines, excerpts, titles, text."""
    units = []
    for block in split_blocks(lines, split_glued_captions=True):
        paragraph: list[str] = []

        def flush(paragraph=paragraph):
            if paragraph:
                text = " ".join(paragraph)
                kind = EXCERPT if ends_in_ellipsis(text) else SHORT if is_title_like(text) else TEXT
                units.append((kind, text))
                paragraph.clear()

        for line in block:
            if MEDIA_ID_RE.match(line):
                flush()
                units.append((MEDIA, line.strip()))
            elif CAPTION_LABEL_RE.match(line):
                flush()
                units.append((CAPTION_LABEL, line.strip()))
            elif byline_match(line):
                flush()
                units.append((BYLINE, line.strip()))
            else:
                paragraph.append(line.strip())
                # An excerpt ends its item: whatever follows on the next line starts another one.
                if ends_in_ellipsis(line) or (
                    len(block) > 1 and is_title_like(line) and line is block[0] and not ends_in_ellipsis(line)
                ):
                    flush()
        flush()
    return units


def is_title_like(text: str) -> bool:
    """A headline: one short line that does not read as a sentence of running text."""
    words = text.split()
    return 0 < len(words) <= 22 and len(text) <= 160 and not text.endswith((".", ",", ";", ":", "…"))
