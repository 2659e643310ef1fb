"""Stage 4: an article page: its media blocks, the captions printed again before the body, its
dateline, then the body's paragraphs."""

from __future__ import annotations

from .blocks import CAPTION_LABEL_RE, MEDIA_ID_RE, block_text, split_blocks
from .captions import is_caption_like, is_printed_caption, make_media, similar_caption
from .datelines import find_dateline
from .dates import date_of, estimate_of
from .shapes import MediaBlock, ParsedPage


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
