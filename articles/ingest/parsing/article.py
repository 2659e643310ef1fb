"""Stage 4: an article page: its media blocks, the captions printed again before the body, its
dateline, then the body's paragraphs."""

from __future__ import annotations

from .blocks import CAPTION_LABEL_RE, MEDIA_ID_RE, block_text, split_blocks
from .captions import is_caption_like, is_printed_caption, make_media, similar_caption
from .datelines import find_dateline
from .dates import date_of, estimate_of
from .shapes import MediaBlock, ParsedPage

# No page printed more captions before its text: beyond them, a page of caption-like paragraphs
# is text, and each paragraph is compared with this many captions at most (linear in the page).
REPEATED_CAPTIONS_AT_MOST = 100


def read_article(page: ParsedPage, lines: list[str]) -> None:
    """Media blocks, repeated captions, dateline, then the body paragraphs."""
    blocks = split_blocks(lines)
    media, captions, i = read_media_blocks(page, blocks)
    i = read_repeated_captions(blocks, i, captions)
    if not media:
        media = photos_without_numbers(captions)
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


def read_media_blocks(page: ParsedPage, blocks: list[list[str]]) -> tuple[list[MediaBlock], list[str], int]:
    """The "Media ID:" blocks that open the page, each with its caption (on its "Caption:" line,
    or in the block after it): (media blocks, captions, index of the first block after them)."""
    media: list[MediaBlock] = []
    captions: list[str] = []
    i = 0
    while i < len(blocks) and (media_match := MEDIA_ID_RE.match(blocks[i][0])):
        media_id = int(media_match["id"]) if media_match["id"] else None
        if media_id is None:
            page.problems.append("Media ID line without a number")
        caption, labelled = inline_caption(blocks[i][1:], media_match["rest"])
        i += 1
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
    return media, captions, i


def inline_caption(rest: list[str], after_id: str | None) -> tuple[str, bool]:
    """The caption in a Media ID's own block (the lines after its "Media ID:" line), and whether
    a "Caption:" label announced one (then the next block is the caption, whatever it reads)."""
    labelled = bool(rest and CAPTION_LABEL_RE.match(rest[0])) or bool(CAPTION_LABEL_RE.match(after_id or ""))
    if rest and (label := CAPTION_LABEL_RE.match(rest[0])):
        return " ".join([label["rest"], *rest[1:]]).strip(), labelled
    return " ".join(rest).strip(), labelled


def read_repeated_captions(blocks: list[list[str]], i: int, captions: list[str]) -> int:
    """Captions printed again before the body (the same caption, or another text ending in a
    credit), added to ``captions``, REPEATED_CAPTIONS_AT_MOST at most; the index of the body's
    first block."""
    first_body = i
    while i < len(blocks) and len(captions) < REPEATED_CAPTIONS_AT_MOST:
        text = block_text(blocks[i])
        if find_dateline(text)[0] or not is_caption_like(text, captions, following=blocks[i + 1 : i + 2]):
            break
        captions.append(text)
        i += 1
    if i == len(blocks) and i > first_body:
        # Everything looked like a caption: the last of them is the body after all.
        i -= 1
        captions.pop()
    return i


def photos_without_numbers(captions: list[str]) -> list[MediaBlock]:
    """No Media ID: the captions printed before the body are photos without a number, each
    printed once or twice. (Repeats after a Media ID block are that photo's, even reworded.)"""
    distinct: list[str] = []
    for text in captions:
        if not any(similar_caption(text, seen) for seen in distinct):
            distinct.append(text)
    return [make_media(None, text) for text in distinct]
