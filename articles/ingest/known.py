"""What the archive holds already, so that an ingest settles a file without writing it: pages
by their text's hash, and files by the size and modification time recorded when an ingest
last read them (as ``rsync`` and ``make`` judge a file)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..database import BATCH, batched
from ..models import Article, ListingPage, MediaItem, PageFile
from .files import file_keys


def known_pages(hashes):
    """content hash -> (source path, edited by staff), for pages the archive already holds."""
    known = {}
    for chunk in batched(hashes, BATCH):
        rows = Article.objects.filter(content_hash__in=chunk).values_list("content_hash", "source_path", "staff_edited")
        known.update((digest, (path, edited)) for digest, path, edited in rows)
        for model in (MediaItem, ListingPage):
            rows = model.objects.filter(content_hash__in=chunk).values_list("content_hash", "source_path")
            known.update((digest, (path, False)) for digest, path in rows)
    return known


def page_files_unchanged(stamps):
    """path -> (text hash, path of the page holding it, edited by staff), for the files whose
    stamp (size, modification time) is the one recorded when an ingest last read them, and whose
    text a page of the archive still holds: what ``known_pages`` would say of them, unread."""

    def holder(model, column="source_path"):
        held = model.objects.filter(content_hash=OuterRef("content_hash")).order_by()
        return Subquery(held.values(column)[:1])

    # COALESCE stops at the first page found: one look-up for most files, not three.
    files = PageFile.objects.annotate(
        holder_path=Coalesce(holder(Article), holder(MediaItem), holder(ListingPage)),
        edited=holder(Article, "staff_edited"),
    )
    given = {key: path for path, key in file_keys(path for path, stamp in stamps.items() if stamp).items()}
    unchanged = {}
    for chunk in batched(given, BATCH):
        rows = files.filter(path__in=chunk).values_list(
            "path", "size", "modified_ns", "content_hash", "holder_path", "edited"
        )
        for key, size, modified_ns, digest, holder_path, edited in rows:
            path = given[key]
            if (size, modified_ns) == stamps[path] and holder_path:
                unchanged[path] = (digest, holder_path, bool(edited))
    return unchanged


def page_files_record(sources):
    """Record the stamp and text hash of files just read, for ``page_files_unchanged``: under
    their absolute paths, which do not depend on how a run named their folder."""
    read = [s for s in sources if s.stamp]
    keys = file_keys(s.path for s in read)
    rows = {
        keys[s.path]: PageFile(path=keys[s.path], size=s.stamp[0], modified_ns=s.stamp[1], content_hash=s.content_hash)
        for s in read
    }
    # In path order, so that two ingests recording the same files take their locks in one order.
    PageFile.objects.bulk_create(
        [rows[path] for path in sorted(rows)],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["path"],
        update_fields=["size", "modified_ns", "content_hash"],
    )
