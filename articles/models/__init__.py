"""The archive's data, by job:

filing.py       what articles are filed under and show: sections, authors, tags and photos
articles.py     articles, their links to tags and photos, and the filters every list of them shares
bookkeeping.py  what the archive keeps about itself: counts, the files and listings ingest read,
                the search index's change log
corrections.py  readers' suggested corrections, waiting for an editor
"""

from .articles import (
    LISTING_FIELDS,
    OPENING_LENGTH,
    SEARCH_ONLY_FIELDS,
    UNDATED_OLDEST_KEY,
    UNDATED_SORT_DATE,
    Article,
    ArticleMedia,
    ArticleQuerySet,
    ArticleTag,
    looks_supplied,
    period,
    supplied_title,
)
from .bookkeeping import (
    ArchiveMonth,
    ListingItem,
    ListingItemQuerySet,
    ListingPage,
    PageFile,
    SearchChange,
    UndatedCount,
)
from .corrections import Suggestion
from .filing import Author, MediaItem, NamedEntity, Section, Tag, TagQuerySet

__all__ = [
    "LISTING_FIELDS",
    "OPENING_LENGTH",
    "SEARCH_ONLY_FIELDS",
    "UNDATED_OLDEST_KEY",
    "UNDATED_SORT_DATE",
    "ArchiveMonth",
    "Article",
    "ArticleMedia",
    "ArticleQuerySet",
    "ArticleTag",
    "Author",
    "ListingItem",
    "ListingItemQuerySet",
    "ListingPage",
    "MediaItem",
    "NamedEntity",
    "PageFile",
    "SearchChange",
    "Section",
    "Suggestion",
    "Tag",
    "TagQuerySet",
    "UndatedCount",
    "looks_supplied",
    "period",
    "supplied_title",
]
