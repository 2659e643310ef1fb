"""What happened to each file of an ingest: the statuses the command counts, and the outcome of
one file, for the operator's report."""

from __future__ import annotations

from dataclasses import dataclass, field

from .files import SourceFile
from .parsing import ParsedPage

CREATED, UPDATED, UNCHANGED, DUPLICATE, KEPT = "created", "updated", "unchanged", "duplicate", "kept"
# A file that stops mid-sentence (a torn read, a crawl cut off) where the archive holds its
# complete text: the complete text stays. Not an editor's doing, so not counted as KEPT.
CUT_SHORT = "cut short"
LISTING, PHOTO_PAGE, REFUSED, SKIPPED = "listing", "photo page", "refused", "skipped"
WRITTEN = (CREATED, UPDATED)
KEPT_DETAIL = "edited by staff; kept (use --force to overwrite)"


@dataclass
class FileOutcome:
    """What happened to one file, for the command's report."""

    path: str
    status: str
    detail: str = ""
    problems: list[str] = field(default_factory=list)
    unread: bool = False  # settled by the stamp an earlier ingest recorded, without reading it
    items: int = 0  # a listing page's items


@dataclass
class ParsedFile:
    """A read and parsed page with the ids of the tags it mentions: what ``pages_write`` stores."""

    source: SourceFile
    page: ParsedPage
    tag_ids: set
