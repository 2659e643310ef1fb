"""Stage 5: a listing page (tag, author, category) in any of the shapes A-G: its items, each a
title or by-line with its excerpt and first photo."""

from __future__ import annotations

from .blocks import BYLINE_RE, CAPTION_LABEL_RE, EXCERPT_END_RE, MEDIA_ID_RE, split_blocks
from .captions import fill_caption, is_caption_like, make_media, similar_caption
from .dates import parse_date
from .shapes import ListingItem, MediaBlock, ParsedPage

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
