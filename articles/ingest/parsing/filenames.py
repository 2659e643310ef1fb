"""What a scraped file's name says of its page: its kind, and the parts of its original address
("article-<author>-<section>-<post>", "tag-<slug>-page-<n>", "other-attachment-<image>-of-<post>")."""

from __future__ import annotations

import re

from .shapes import ARTICLE, LISTING, PHOTO, NameHints

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
