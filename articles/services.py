"""Writes to the archive: ingesting parsed pages, tagging, and the counts readers see.

Ingest works in batches. A batch's files are read and hashed first; those whose content the
archive already holds are settled with one query per table and never parsed again, so an
unchanged re-run is fast. The rest are parsed (in worker processes for large batches) and
written in one transaction per batch. If a batch fails, its files are retried one by one, so
a bad file costs only itself. Nothing is reported as written before its transaction commits.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.text import slugify

from . import parsing, search
from .models import (
    UNDATED_SORT_DATE,
    ArchiveMonth,
    Article,
    ArticleMedia,
    ArticleTag,
    Author,
    ListingPage,
    MediaItem,
    Section,
    Tag,
)
from .bulk import insert_rows
from .reading import Refused, SourceFile, read_source, walk
from .tagging import TagMatcher

CREATED, UPDATED, UNCHANGED, DUPLICATE, KEPT = "created", "updated", "unchanged", "duplicate", "kept"
LISTING, PHOTO_PAGE, REFUSED, SKIPPED = "listing", "photo page", "refused", "skipped"

# After this many new or changed articles, refresh the database's planner statistics.
ANALYZE_AFTER = 1000

# Sections and authors the original site's URLs name by slug, with the names its by-lines use.
SECTION_NAMES = {
    "news-middle-east": "Middle East",
    "world-news": "World News",
    "opinion": "Opinion",
    "uncategorized": "Uncategorized",
    "latest-news": "Latest News",
    "majalla-blogs": "Majalla Blogs",
    "the-majalla-magazine": "The Majalla Magazine",
}
AUTHOR_NAMES = {
    "theaawsat": "Asharq Al-Awsat",
    "abdul-rahman-al-rashed": "Abdulrahman Al-Rashed",
    "tariq-alhomayed": "Tariq Alhomayed",
    "michel-kilo": "Michel Kilo",
    "hussein-shobokshi": "Hussein Shobokshi",
    "thairabbas": "Thaer Abbas",
    "maadfayad": "Maad Fayad",
    "adil-alsalmi": "Adil Al-Salmi",
    "youssef-diab-and-mohammed-al-khatib": "Youssef Diab and Mohammed Al-Khatib",
}


@dataclass
class FileOutcome:
    """What happened to one file, for the command's report."""

    path: str
    status: str
    detail: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    counts: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def seen(self):
        return sum(self.counts.values())

    @property
    def elapsed(self):
        return time.monotonic() - self.started


@dataclass
class ParsedFile:
    """A parsed page with the tags it mentions, as a worker process returns it."""

    source: SourceFile
    page: parsing.ParsedPage
    tag_ids: set


# --- Tag vocabulary --------------------------------------------------------------------------


def tag_vocabulary():
    """(name, tag id) for every tag name and alias: what the tagger looks for."""
    return [
        (name, tag.pk)
        for tag in Tag.objects.only("id", "name", "aliases")
        for name in tag.names
    ]


def parse_source(source: SourceFile, matcher: TagMatcher | None) -> ParsedFile:
    """Parse one read file and find the tags it mentions."""
    page = parsing.parse_page(source.text, source_name=source.name, size=source.size, normalised=True)
    tag_ids = set()
    if matcher and page.kind == parsing.ARTICLE:
        captions = [f"{m.caption} {m.credit}" for m in page.media]
        tag_ids = matcher.find(page.title or "", page.dateline, page.body, *captions)
    return ParsedFile(source=source, page=page, tag_ids=tag_ids)


# --- Ingest --------------------------------------------------------------------------------

# Each worker process of a large ingest holds its own Ingester and database connection, so
# that reading, parsing and writing run on every core and the database gets parallel streams.
_worker: Ingester | None = None


def _start_worker(options):
    global _worker
    _worker = Ingester(**options, jobs=1)


def _worker_batch(paths):
    try:
        return list(_worker.ingest_files(paths))
    finally:
        connections.close_all()


class Ingester:
    """Ingest files into the archive; ``run(paths)`` yields a FileOutcome per file."""

    def __init__(self, *, dry_run=False, force=False, batch_size=500, jobs=None):
        self.dry_run = dry_run
        self.force = force
        self.batch_size = batch_size
        self.jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        self.max_bytes = settings.ARCHIVE_INGEST_MAX_BYTES
        self.matcher = TagMatcher(tag_vocabulary())
        self.tag_names = dict(Tag.objects.values_list("id", "name"))
        self.sections: dict[str, int] = {}
        self.authors: dict[str, int] = {}

    def run(self, paths):
        """Ingest files and folders; yield an outcome per file as its batch commits.

        A run that fits in one batch, or runs inside a transaction (tests), stays in this
        process; larger runs hand whole batches to worker processes, a bounded number at a time.
        """
        written = 0
        pool, pending = None, deque()
        try:
            for entry in self._batches(paths):
                if isinstance(entry, FileOutcome):
                    yield entry
                    continue
                if pool is None and self._parallel():
                    pool = self._start_pool()
                if pool is None:
                    outcomes = self.ingest_files(entry)
                else:
                    pending.append(pool.submit(_worker_batch, entry))
                    if len(pending) < self.jobs * 2:
                        continue
                    outcomes = pending.popleft().result()
                for outcome in outcomes:
                    written += outcome.status in (CREATED, UPDATED)
                    yield outcome
            while pending:
                for outcome in pending.popleft().result():
                    written += outcome.status in (CREATED, UPDATED)
                    yield outcome
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            if written and not self.dry_run:
                counts_refresh()
                if written >= ANALYZE_AFTER:
                    search.analyze()
                search.invalidate()

    def _batches(self, paths):
        """Outcomes for files that are no pages, and lists of page paths, batch_size at a time."""
        batch = []
        for kind, path in walk(paths):
            if kind == "skipped":
                yield FileOutcome(path, SKIPPED, "not a .txt page file")
            elif kind == "missing":
                yield FileOutcome(path, REFUSED, "no such file or folder")
            else:
                batch.append(path)
                if len(batch) >= self.batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def _parallel(self):
        connection = connections["default"]
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        return self.jobs > 1 and not connection.in_atomic_block and not in_memory

    def _start_pool(self):
        # Children open connections of their own; they must not inherit this one.
        connections.close_all()
        options = {"dry_run": self.dry_run, "force": self.force, "batch_size": self.batch_size}
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=_start_worker, initargs=(options,))

    def ingest_files(self, paths):
        """Read, parse and store one batch of files; yield an outcome per file."""
        sources = []
        for path in paths:
            try:
                sources.append(read_source(path, self.max_bytes))
            except Refused as refusal:
                yield FileOutcome(path, REFUSED, str(refusal))
        if sources:
            yield from self._ingest_batch(sources)

    def _ingest_batch(self, batch, retrying=False):
        known = self._known_hashes({s.content_hash for s in batch})
        fresh, seen_in_batch = [], {}
        for source in batch:
            earlier, staff_edited = known.get(source.content_hash) or (seen_in_batch.get(source.content_hash), False)
            if earlier:
                same_file = os.path.normpath(earlier) == os.path.normpath(source.path)
                if same_file and staff_edited and self.force:
                    fresh.append(source)
                elif same_file and staff_edited:
                    yield FileOutcome(source.path, KEPT, "edited by staff; kept (use --force to overwrite)")
                elif same_file:
                    yield FileOutcome(source.path, UNCHANGED)
                else:
                    yield FileOutcome(source.path, DUPLICATE, f"same page as {earlier}")
                continue
            seen_in_batch[source.content_hash] = source.path
            fresh.append(source)
        writable = []
        for source in fresh:
            try:
                item = parse_source(source, self.matcher)
            except Exception as error:  # the parser is built never to raise; report, never crash
                yield FileOutcome(source.path, REFUSED, f"could not be parsed: {error!r}")
                continue
            reason = refusal_reason(item.page)
            if reason:
                yield FileOutcome(source.path, REFUSED, reason, item.page.problems)
            else:
                writable.append(item)
        if not writable:
            return
        if self.dry_run:
            yield from self._dry_run_outcomes(writable)
            return
        try:
            with transaction.atomic():
                outcomes = self._write(writable)
        except Exception as error:
            if retrying:
                yield FileOutcome(batch[0].path, REFUSED, f"could not be stored: {error}")
                return
            # One bad file must not cost the batch: retry each file on its own. A file that a
            # concurrent batch stored meanwhile is then found as a duplicate.
            for item in writable:
                yield from self._ingest_batch([item.source], retrying=True)
            return
        yield from outcomes

    def _known_hashes(self, hashes):
        """content hash -> (source path, edited by staff), for pages the archive already holds."""
        known = {
            digest: (path, edited)
            for digest, path, edited in Article.objects.filter(content_hash__in=hashes).values_list(
                "content_hash", "source_path", "staff_edited"
            )
        }
        for model in (MediaItem, ListingPage):
            rows = model.objects.filter(content_hash__in=hashes).values_list("content_hash", "source_path")
            known.update((digest, (path, False)) for digest, path in rows)
        return known

    def _dry_run_outcomes(self, items):
        existing = set(
            Article.objects.filter(source_path__in=[i.source.path for i in items]).values_list("source_path", flat=True)
        )
        for item in items:
            kind = item.page.kind
            if kind == parsing.LISTING:
                yield FileOutcome(item.source.path, LISTING, problems=item.page.problems)
            elif kind == parsing.PHOTO:
                yield FileOutcome(item.source.path, PHOTO_PAGE, problems=item.page.problems)
            else:
                status = UPDATED if item.source.path in existing else CREATED
                yield FileOutcome(item.source.path, status, problems=item.page.problems)

    # --- writing one batch, inside a transaction ---

    def _write(self, items):
        outcomes = []
        media_ids = self._store_media([m for item in items for m in item.page.media])
        articles = [i for i in items if i.page.kind == parsing.ARTICLE]
        outcomes += self._store_articles(articles, media_ids)
        for item in items:
            if item.page.kind == parsing.PHOTO:
                outcomes.append(self._store_photo_page(item, media_ids))
            elif item.page.kind == parsing.LISTING:
                outcomes.append(self._store_listing(item))
        return outcomes

    def _store_media(self, blocks):
        """Create the photos not yet known; return fingerprint -> MediaItem id."""
        by_fingerprint = {}
        for block in blocks:
            if not (block.media_id or block.caption):
                continue
            key = media_fingerprint(block)
            current = by_fingerprint.get(key)
            if current is None or (not current.caption and block.caption):
                by_fingerprint[key] = block
        if not by_fingerprint:
            return {}
        known = MediaItem.objects.filter(fingerprint__in=by_fingerprint).values_list("fingerprint", "id", "caption")
        existing, missing_caption = {}, set()
        for key, pk, caption in known:
            existing[key] = pk
            if not caption:
                missing_caption.add(key)
        new = [
            MediaItem(
                media_id=block.media_id,
                fingerprint=key,
                caption=block.caption,
                credit=block.credit,
                agency=block.agency,
                taken_on=max(parsing.dates_in(block.caption), default=None),
            )
            for key, block in by_fingerprint.items()
            if key not in existing
        ]
        MediaItem.objects.bulk_create(new)
        for item in new:
            existing[item.fingerprint] = item.pk
        for key in missing_caption:
            block = by_fingerprint[key]
            if block.caption:
                MediaItem.objects.filter(fingerprint=key).update(
                    caption=block.caption, credit=block.credit, agency=block.agency,
                    taken_on=max(parsing.dates_in(block.caption), default=None),
                )
        return existing

    def _store_articles(self, items, media_ids):
        if not items:
            return []
        paths = [i.source.path for i in items]
        by_path = {a.source_path: a for a in Article.objects.filter(source_path__in=paths)}
        outcomes, new, updated = [], [], []
        for item in items:
            current = by_path.get(item.source.path)
            if current is not None and current.staff_edited and not self.force:
                outcomes.append(FileOutcome(item.source.path, KEPT, "edited by staff; kept (use --force to overwrite)"))
                continue
            article = current or Article()
            self._fill_article(article, item)
            if current is None:
                new.append((article, item))
            else:
                article.staff_edited = False
                updated.append((article, item))
        Article.objects.bulk_create([a for a, _ in new])
        for article, _ in updated:
            article.save()
        changed_ids = [a.pk for a, _ in updated]
        ArticleMedia.objects.filter(article_id__in=changed_ids).delete()
        ArticleTag.objects.filter(article_id__in=changed_ids).delete()
        links, tag_links = [], []
        for article, item in new + updated:
            seen = set()
            for position, block in enumerate(item.page.media):
                media_pk = media_ids.get(media_fingerprint(block))
                if media_pk and media_pk not in seen:
                    seen.add(media_pk)
                    links.append((article.pk, media_pk, position))
            tag_links += [(article.pk, tag_id, article.sort_date) for tag_id in item.tag_ids]
        insert_rows(ArticleMedia, ["article", "media", "position"], links)
        insert_rows(ArticleTag, ["article", "tag", "sort_date"], tag_links)
        outcomes += [FileOutcome(i.source.path, CREATED, problems=i.page.problems) for _, i in new]
        outcomes += [FileOutcome(i.source.path, UPDATED, problems=i.page.problems) for _, i in updated]
        return outcomes

    def _fill_article(self, article, item):
        page, source = item.page, item.source
        hints = page.hints
        article.title = (page.title or first_words(page.body))[:500]
        article.slug = (hints.post_slug or slugify(article.title))[:255] or "article"
        article.body = page.body
        article.dateline = page.dateline[:200]
        article.section_id = self._section_id(hints.section_slug)
        article.author_id = self._author_id(hints.author_slug)
        if page.published_on:
            article.published_on, article.date_source = page.published_on, Article.DateSource.CAPTION
        elif page.estimated_month:
            article.published_on, article.date_source = page.estimated_month, Article.DateSource.MEDIA_ID
        else:
            article.published_on, article.date_source = None, Article.DateSource.UNKNOWN
        article.sort_date = article.published_on or UNDATED_SORT_DATE
        article.is_truncated = page.is_truncated
        article.original_url = hints.url
        article.source_path = source.path
        article.content_hash = source.content_hash
        article.photo_count = len({media_fingerprint(m) for m in page.media})
        article.index_terms = index_terms_for(
            [self.tag_names[t] for t in sorted(item.tag_ids) if t in self.tag_names],
            [f"{m.caption} {m.credit}".strip() for m in page.media],
        )

    def _section_id(self, slug):
        return self._named_id(Section, self.sections, slug, SECTION_NAMES)

    def _author_id(self, slug):
        return self._named_id(Author, self.authors, slug, AUTHOR_NAMES)

    @staticmethod
    def _named_id(model, cache, slug, names):
        if not slug:
            return None
        if slug not in cache:
            name = names.get(slug) or slug.replace("-", " ").title()
            cache[slug] = model.objects.get_or_create(slug=slug, defaults={"name": name})[0].pk
        return cache[slug]

    def _store_photo_page(self, item, media_ids):
        page, source = item.page, item.source
        block = page.media[0]
        media = MediaItem.objects.get(pk=media_ids[media_fingerprint(block)])
        MediaItem.objects.filter(source_path=source.path).exclude(pk=media.pk).update(
            source_path="", content_hash=None
        )
        media.title = (page.title or "")[:300]
        media.slug = page.hints.attachment_slug[:300]
        media.source_path = source.path
        media.content_hash = source.content_hash
        media.save()
        return FileOutcome(source.path, PHOTO_PAGE, problems=page.problems)

    def _store_listing(self, item):
        page, source = item.page, item.source
        ListingPage.objects.update_or_create(
            source_path=source.path,
            defaults={
                "kind": page.listing_kind or "",
                "title": (page.title or "")[:500],
                "slug": page.hints.listing_slug[:200],
                "page_number": page.hints.listing_page,
                "item_count": min(len(page.items), 32767),
                "content_hash": source.content_hash,
            },
        )
        return FileOutcome(source.path, LISTING, problems=page.problems)


def refusal_reason(page: parsing.ParsedPage) -> str:
    """Why a parsed page cannot enter the archive, or "" when it can."""
    if page.kind == parsing.ARTICLE and not page.paragraphs:
        if page.title and not page.media:
            return "page has a title but no text"
        if not page.title and not page.media:
            return "no article text found"
    if page.kind == parsing.PHOTO and not page.media:
        return "photo page without a caption"
    return ""


def media_fingerprint(block: parsing.MediaBlock) -> str:
    """Identity of a photo across pages: its Media ID, else a hash of its caption."""
    if block.media_id:
        return f"id:{block.media_id}"
    key = parsing.caption_key(f"{block.caption} {block.credit}")
    return "caption:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:48]


def index_terms_for(tag_names, captions):
    """Text that search weighs above the body: tag names, then captions."""
    return "\n".join([" ".join(tag_names), *captions]).strip()


def first_words(text, limit=80):
    """A title for an article whose page had none: its first words."""
    words = text.split()
    title = ""
    for word in words:
        if len(title) + len(word) + 1 > limit:
            return title + "…"
        title = f"{title} {word}".strip()
    return title or "Untitled"


# --- Counts ----------------------------------------------------------------------------------


def counts_refresh():
    """Recount articles per tag, section, author and month; readers' pages show these.

    One grouped count per table (about a second at a million articles), and only the rows
    whose count moved are written.
    """
    _store_counts(Tag, ArticleTag.objects.values_list("tag").annotate(n=Count("*")))
    _store_counts(Section, Article.objects.exclude(section=None).values_list("section").annotate(n=Count("*")))
    _store_counts(Author, Article.objects.exclude(author=None).values_list("author").annotate(n=Count("*")))
    months = (
        Article.objects.filter(published_on__isnull=False)
        .annotate(year=ExtractYear("published_on"), month=ExtractMonth("published_on"))
        .order_by()
        .values("year", "month")
        .annotate(n=Count("*"))
    )
    with transaction.atomic():
        ArchiveMonth.objects.all().delete()
        ArchiveMonth.objects.bulk_create(
            ArchiveMonth(year=row["year"], month=row["month"], article_count=row["n"]) for row in months
        )


def _store_counts(model, grouped):
    """Write the counts of a grouped (id, count) query into ``model.article_count``."""
    counted = dict(grouped.order_by())
    changed = []
    for obj in model.objects.only("id", "article_count"):
        if obj.article_count != counted.get(obj.pk, 0):
            obj.article_count = counted.get(obj.pk, 0)
            changed.append(obj)
    model.objects.bulk_update(changed, ["article_count"], batch_size=500)
