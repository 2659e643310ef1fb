"""Stage 6: a photo ("attachment") page: one caption, split into caption and credit."""

from __future__ import annotations

from .blocks import CAPTION_LABEL_RE, MEDIA_ID_RE, block_text, split_blocks
from .captions import make_media, similar_caption
from .dates import date_of
from .shapes import ParsedPage


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
