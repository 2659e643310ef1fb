"""The one entry for "the archive changed": the search change log, and what follows a write.

Every writer — an ingest's batch, an editor's save, a revert or recovery from the history, a
tag merge, a reader's correction once accepted — does two things through here, in its own
transaction:

- ``record(article_ids=…, photo_ids=…)`` logs what the search index must read again (deleting
  an article, a photo, a section or an author logs it through the signals below, however it is
  deleted);
- ``archive_changed()`` has the counts recounted, the search index brought up to date and the
  caches' version moved on, once the transaction commits.

The log is the index's source of truth about changes (``SearchChange``): a change the database
holds is never missing from it, and a crash leaves rows that the next catch-up applies.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from . import caching, counts, search
from .database import BATCH, take_turns
from .models import Article, Author, MediaItem, SearchChange, Section


def record(*, article_ids=(), photo_ids=()):
    """Log articles and photos for the search index to read again, in the caller's transaction.

    On PostgreSQL the rows are numbered and committed in one order (a transaction-level lock
    taken first): the index applies the log by id, and must never see a row committed after
    it already applied a higher one.
    """
    rows = [SearchChange(article_id=pk) for pk in sorted(set(article_ids))]
    rows += [SearchChange(photo_id=pk) for pk in sorted(set(photo_ids))]
    if not rows:
        return
    with transaction.atomic():
        take_turns("search_changes_record")
        SearchChange.objects.bulk_create(rows, batch_size=BATCH)


def archive_changed(*, index=True, committed=False):
    """After a write, in its transaction: once it commits, recount what readers' pages count
    (when the log says anything counted may have changed: ``counts.due``), bring the search
    index up to date (unless the caller indexes itself, as an ingest does with its progress
    bar) and move the caches' version on, so that no page shows the archive as it was.
    ``committed`` says the writes are committed already (an ingest's batches commit each on
    its own): then all this is done at once, whatever transaction the caller stands in.

    The version moves at once as well: a page rendered meanwhile from the uncommitted state
    is never kept under the version the commit makes current. Should indexing fail, the log
    keeps the change for the next search: the write stands.
    """
    caching.invalidate()
    # Last, once committed, recounted and indexed: a reader who rendered the old content
    # meanwhile, from the primary or a replica, kept it under the version moved on above.
    steps = [_recount_when_due, *([search.catch_up] if index else []), caching.invalidate]
    for step in steps:
        if committed:
            step()
        else:
            transaction.on_commit(step, robust=step is search.catch_up)


def _recount_when_due():
    if counts.due():
        counts.refresh()


def prune(days=None):
    """Forget the change log's rows older than ``days`` (ARCHIVE_SEARCH_LOG_DAYS), always
    keeping the newest; return how many went. An index whose last applied row is gone (a host
    that read nothing for that long) notices, and rebuilds from the database."""
    days = settings.ARCHIVE_SEARCH_LOG_DAYS if days is None else days
    newest = SearchChange.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    cutoff = timezone.now() - dt.timedelta(days=days)
    return SearchChange.objects.filter(id__lt=newest, created_at__lt=cutoff).delete()[0]


@receiver(post_delete, sender=Article, dispatch_uid="search_change_article_deleted")
def _article_deleted(sender, instance, **kwargs):
    """However an article goes (the admin, a cascade, a queryset), the index hears of it."""
    record(article_ids=[instance.pk])


@receiver(post_delete, sender=MediaItem, dispatch_uid="search_change_photo_deleted")
def _photo_deleted(sender, instance, **kwargs):
    record(photo_ids=[instance.pk])


@receiver(pre_delete, sender=Section, dispatch_uid="search_change_section_deleted")
@receiver(pre_delete, sender=Author, dispatch_uid="search_change_author_deleted")
def _filing_deleted(sender, instance, **kwargs):
    """A deleted section or author leaves its articles unfiled (SET NULL, no signal of its own)."""
    field = "section" if sender is Section else "author"
    record(article_ids=Article.objects.filter(**{field: instance}).values_list("pk", flat=True))
