"""The ingest pipeline: find files → read → parse → tag → write, a batch at a time.

``Ingester.run(paths)`` yields a FileOutcome per file as its batch commits. Files with the size
and modification time recorded when an ingest last read them are settled unread, so an unchanged
re-run is fast; the others are read and hashed, and those whose text the archive already holds
are settled without parsing. The rest are parsed and tagged, then written by ``writer.pages_write``
in one transaction. If that fails, each file of the batch is written on its own, so a bad file
costs only itself. Large runs hand whole batches to worker processes (two streams for the
database); the workers die with the process that started them.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import threading
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connections

from .. import changes, database, search
from ..models import Article, PageFile, Tag
from ..tagging import TagMatcher
from . import listings, parsing, writer
from .files import Refused, file_stamp, one_file, printable, read_source, walk
from .known import known_pages, page_files_record, page_files_unchanged
from .outcomes import (
    CREATED,
    DUPLICATE,
    KEPT,
    KEPT_DETAIL,
    LISTING,
    PHOTO_PAGE,
    REFUSED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    WRITTEN,
    FileOutcome,
    ParsedFile,
)
from .timelimit import TooLong, time_limit

logger = logging.getLogger(__name__)

# After this many new or changed articles, refresh the database's planner statistics.
ANALYZE_AFTER = 1000
# No page of the original site comes near these; a file beyond them is not a page the archive can show.
MAX_PHOTOS = 500
MAX_LISTING_ITEMS = 50
# A long run's articles become searchable this often (seconds), and all of them at its end.
INDEX_EVERY = 30
# Outcomes that wrote a page's rows.
STORED = (*WRITTEN, LISTING, PHOTO_PAGE)


@dataclass
class IngestSummary:
    """What a run did: files by status, and the listing pages' items (a listing read as empty
    shows in the totals)."""

    counts: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    listing_items: int = 0
    empty_listings: int = 0

    def add(self, outcome: FileOutcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == LISTING:
            self.listing_items += outcome.items
            self.empty_listings += not outcome.items

    def by_kind(self) -> str:
        """The pages this run stored, by kind: "3 articles, 1 photo page, 2 listings with 7 items"."""
        articles = self.counts[CREATED] + self.counts[UPDATED]
        listings, photos = self.counts[LISTING], self.counts[PHOTO_PAGE]
        if not (articles or listings or photos):
            return ""
        parts = [
            plural(articles, "article"),
            plural(photos, "photo page"),
            f"{plural(listings, 'listing')} with {plural(self.listing_items, 'item')}",
        ]
        empty = f" ({plural(self.empty_listings, 'listing')} without any)" if self.empty_listings else ""
        return f"Pages by kind: {', '.join(parts)}{empty}."

    @property
    def seen(self):
        return sum(self.counts.values())

    @property
    def elapsed(self):
        return time.monotonic() - self.started


@dataclass
class RecordedFile:
    """A file unchanged since an ingest read it, as that ingest recorded it."""

    path: str
    content_hash: str
    stamp = None  # recorded already


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def tag_vocabulary():
    """(name, tag id) for every name and alias of the tags looked for in texts."""
    tags = Tag.objects.filter(tagger_uses=True).only("id", "name", "aliases")
    return [(name, tag.pk) for tag in tags for name in tag.names]


def parse_source(source, matcher: TagMatcher | None) -> ParsedFile:
    """Parse one read file and find the tags it mentions."""
    page = parsing.parse_page(source.text, source_name=source.name, size=source.size, normalised=True)
    tag_ids = set()
    if matcher and page.kind == parsing.ARTICLE:
        captions = [f"{m.caption} {m.credit}" for m in page.media]
        tag_ids = matcher.find(page.title or "", page.dateline, page.body, *captions)
    return ParsedFile(source=source, page=page, tag_ids=tag_ids)


def refusal_reason(page: parsing.ParsedPage) -> str:
    """Why a parsed page cannot enter the archive, in plain words, or "" when it can."""
    if page.kind == parsing.UNKNOWN:
        return (
            "not a page of the original site: no site header or title, no by-line, Media ID or caption, "
            "and its file name names no page of the site"
        )
    if page.kind == parsing.LISTING and len(page.items) > MAX_LISTING_ITEMS:
        return (
            f"lists {len(page.items):,} items; no listing page of the original site printed more than "
            f"{MAX_LISTING_ITEMS}, so this is not one"
        )
    if page.kind == parsing.ARTICLE and not page.paragraphs:
        if page.title and not page.media:
            return "page has a title but no text"
        if not page.title and not page.media:
            return "no article text found"
    if page.kind == parsing.PHOTO and not page.media:
        return "photo page without a caption"
    if len(page.media) > MAX_PHOTOS:
        return (
            f"holds {len(page.media):,} photo blocks; no page of the original site holds more than "
            f"{MAX_PHOTOS}, so this is not a page the archive can show"
        )
    return ""


# --- Worker processes ------------------------------------------------------------------------

_worker: Ingester | None = None
_parent_pid: int | None = None
PR_SET_PDEATHSIG = 1


def _start_worker(options, parent_pid):
    """Set up a worker process: it dies with its parent, and holds an Ingester of its own."""
    global _worker, _parent_pid
    _parent_pid = parent_pid
    # Not Linux: the check before each batch still stops an orphan.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _exit_if_orphaned()
    _worker = Ingester(**options, jobs=1)


def _exit_if_orphaned():
    if os.getppid() != _parent_pid:
        os._exit(1)


def _worker_batch(paths):
    _exit_if_orphaned()
    try:
        return list(_worker.ingest_files(paths))
    finally:
        connections.close_all()


# --- The driver ------------------------------------------------------------------------------


class Ingester:
    """Ingest files into the archive; ``run(paths)`` yields a FileOutcome per file."""

    def __init__(self, *, dry_run=False, force=False, batch_size=500, jobs=None, index_progress=None):
        """``index_progress(total)``, a context manager yielding ``update(n)``, shows a first
        ingest's build of the search index at its end (its longest part, at a million pages)."""
        self.dry_run = dry_run
        self.index_progress = index_progress
        self.force = force
        self.batch_size = batch_size
        self.jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        self.max_bytes = settings.ARCHIVE_INGEST_MAX_BYTES
        self.parse_seconds = settings.ARCHIVE_INGEST_PARSE_SECONDS
        self.matcher = TagMatcher(tag_vocabulary())

    def run(self, paths):
        """Ingest files and folders; yield an outcome per file as its batch commits.

        A run that fits in one batch, or runs inside a transaction (tests), stays in this
        process; larger runs hand whole batches to worker processes, a bounded number at a time.
        Counts are recounted at the end of every run that writes, or could have: a run killed
        earlier leaves them to the next.
        """
        tally = Counter()
        self.listing_only_made = 0
        self.index_error = None
        self.indexed_at = time.monotonic()
        self.indexer = None
        self.index_at_end = self._first_ingest()
        self.settle_from = listings.listing_items_mark()
        self.in_parallel = False
        try:
            for outcome in self._outcomes(paths):
                tally["articles written"] += outcome.status in WRITTEN
                tally["pages stored"] += outcome.status in STORED
                tally["files read"] += outcome.status not in (SKIPPED, REFUSED) and not outcome.unread
                yield outcome
        finally:
            if not self.dry_run:
                self._finish(tally)

    def _outcomes(self, paths):
        pool, pending = None, deque()
        try:
            for entry in self._batches(paths):
                if isinstance(entry, FileOutcome):
                    yield entry
                    continue
                if pool is None and self._parallel():
                    pool = self._start_pool()
                    self.in_parallel = True
                if pool is None:
                    yield from self.ingest_files(entry)
                    self._index_when_due()
                    continue
                pending.append(pool.submit(_worker_batch, entry))
                if len(pending) >= self.jobs * 2:
                    yield from pending.popleft().result()
                    self._index_when_due()
            while pending:
                yield from pending.popleft().result()
                self._index_when_due()
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def _finish(self, tally):
        """What a run does once all its batches are in: the links its batches could not make
        side by side, the planner's statistics, the search index, and "the archive changed"
        (counts recounted when due, caches moved on). A run that stored nothing has no links to
        make, and recounts only when counts are due (a run killed earlier may have left them)."""
        if tally["pages stored"]:
            if self.in_parallel:
                # Batches committed side by side did not see each other's items and articles.
                listings.listing_items_settle(*self.settle_from)
            listings.listing_only_absorb(self.settle_from[1])
            changes.prune()
        self.listing_only_made = listings.listing_only_articles_make()
        if tally["articles written"] >= ANALYZE_AFTER:
            database.analyze()
        elif tally["files read"] >= ANALYZE_AFTER:
            database.analyze(PageFile, vacuum=False)  # the files it read are recorded for the next run
        if self.indexer is not None:
            self.indexer.join()
        if self.index_at_end and self.index_progress is not None:
            with self.index_progress(search.documents_total()) as update:
                self._index(progress=update)
        else:
            self._index()
        changes.archive_changed(index=False, committed=True)

    def _first_ingest(self):
        """Whether this run fills an empty archive: then its search index is built once, at its
        end, from the tables: applied every INDEX_EVERY seconds instead, the index fell far behind
        the writing of a large first ingest, and its commits took the writing's cores
        (docs/performance.md). The empty index is made now, so that a search meanwhile answers
        from it rather than build it."""
        if self.dry_run or Article.objects.exists():
            return False
        self._index()
        return True

    def _index_when_due(self):
        """Apply the batches written so far to the search index every INDEX_EVERY seconds: each
        application is a commit of the index, which costs what writing a whole batch does. A run
        with worker processes applies them in a thread, so that the workers go on parsing and
        writing meanwhile (the index's own commit lets go of Python's lock)."""
        if self.index_at_end or time.monotonic() - self.indexed_at < INDEX_EVERY or self._indexing():
            return
        if not self.in_parallel:
            self._index()
            return
        self.indexed_at = time.monotonic()
        self.indexer = threading.Thread(target=self._index_in_thread, name="ingest-index", daemon=True)
        self.indexer.start()

    def _indexing(self):
        return self.indexer is not None and self.indexer.is_alive()

    def _index_in_thread(self):
        try:
            self._index()
        finally:
            connections.close_all()  # this thread's own

    def _index(self, progress=None):
        """Apply the batches written so far to the search index. Should it fail, the change log
        keeps them for the next search or catch-up."""
        self.indexed_at = time.monotonic()
        if self.dry_run:
            return
        try:
            search.catch_up(progress=progress)
            self.index_error = None
        except Exception as error:
            # The pages stand; the run says at its end that it failed (``index_error``).
            logger.exception("The search index was not brought up to date; the change log keeps the changes.")
            self.index_error = error

    def _batches(self, paths):
        """Outcomes for files that are no pages, and lists of page paths, batch_size at a time."""
        batch = []
        for kind, path in walk(paths):
            if kind == "skipped":
                yield FileOutcome(path, SKIPPED, "not a .txt page file")
            elif kind == "missing":
                yield FileOutcome(printable(path), REFUSED, "no such file or folder")
            elif kind == "undecodable":
                yield FileOutcome(printable(path), REFUSED, "its name is not UTF-8 text; rename it to read it")
            elif kind == "outside":
                yield FileOutcome(
                    printable(path), REFUSED, "a symbolic link leading outside the folders given; not read"
                )
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
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            initializer=_start_worker,
            initargs=(options, os.getpid()),
        )

    # --- one batch: read → settle known pages → parse and tag → write ---

    def ingest_files(self, paths):
        """Read, parse and store one batch of files; yield an outcome per file."""
        recorded, known = self._recorded(paths)
        sources = [RecordedFile(path, recorded[path]) for path in paths if path in recorded]
        for path in paths:
            if path in recorded:
                continue
            try:
                sources.append(read_source(path, self.max_bytes))
            except Refused as refusal:
                yield FileOutcome(path, REFUSED, str(refusal))
            except Exception as error:  # reading is built to refuse, not raise; never crash a run
                yield FileOutcome(path, REFUSED, f"could not be read: {error}")
        fresh = yield from self._settle_known(sources, known)
        items = yield from self._parse(fresh)
        if not items:
            return
        if self.dry_run:
            yield from self._dry_run_outcomes(items)
        else:
            yield from self._write(items)

    def _recorded(self, paths):
        """path -> text hash for the files unchanged since an ingest read them, whose text a page
        of the archive holds: they are settled without being read. With those pages, as
        ``known_pages`` gives them."""
        if self.force:
            return {}, {}
        unchanged = page_files_unchanged({path: file_stamp(path) for path in paths})
        known = {digest: (earlier, edited) for digest, earlier, edited in unchanged.values()}
        return {path: digest for path, (digest, _, _) in unchanged.items()}, known

    def _settle_known(self, sources, known=None):
        """Yield outcomes for pages the archive already holds; return the others."""
        known = dict(known or {})
        known.update(known_pages({s.content_hash for s in sources} - known.keys()))
        fresh, settled, seen_in_batch = [], [], {}
        for source in sources:
            earlier, staff_edited = known.get(source.content_hash) or (seen_in_batch.get(source.content_hash), False)
            if not earlier:
                seen_in_batch[source.content_hash] = source.path
                fresh.append(source)
                continue
            settled.append(source)
            same_file = one_file(earlier, source.path)
            unread = isinstance(source, RecordedFile)
            if same_file and staff_edited and self.force:
                fresh.append(source)
            elif same_file and staff_edited:
                yield FileOutcome(source.path, KEPT, KEPT_DETAIL, unread=unread)
            elif same_file:
                yield FileOutcome(source.path, UNCHANGED, unread=unread)
            else:
                yield FileOutcome(source.path, DUPLICATE, f"same page as {earlier}", unread=unread)
        if not self.dry_run:
            page_files_record(settled)
        return fresh

    def _parse(self, sources):
        """Yield outcomes for pages that cannot enter the archive; return the others, parsed."""
        items = []
        for source in sources:
            try:
                with time_limit(self.parse_seconds):
                    item = parse_source(source, self.matcher)
            except TooLong:
                yield FileOutcome(
                    source.path,
                    REFUSED,
                    f"took more than {self.parse_seconds:g} s to read; no page of the site is that hard",
                )
                continue
            except Exception as error:  # the parser is built never to raise; report, never crash
                yield FileOutcome(source.path, REFUSED, f"could not be parsed: {error!r}")
                continue
            reason = refusal_reason(item.page)
            if reason:
                yield FileOutcome(source.path, REFUSED, reason, item.page.problems)
            else:
                items.append(item)
        return items

    def _write(self, items):
        try:
            yield from writer.pages_write(items, force=self.force)
        except Exception:
            # Write each file on its own. A file that a concurrent ingest stored meanwhile is
            # then found as a page the archive holds.
            for item in items:
                yield from self._write_alone(item)

    def _write_alone(self, item, attempts=3):
        """Write one page. A unique key that a concurrent ingest holds is only reported once its
        transaction has committed, so a second attempt finds that ingest's rows and builds on
        them."""
        for attempt in range(attempts):
            fresh = yield from self._settle_known([item.source])
            if not fresh:
                return
            try:
                yield from writer.pages_write([item], force=self.force)
                return
            except IntegrityError as error:
                if attempt == attempts - 1:
                    yield FileOutcome(item.source.path, REFUSED, f"could not be stored: {plain_error(error)}")
            except Exception as error:
                yield FileOutcome(item.source.path, REFUSED, f"could not be stored: {plain_error(error)}")
                return

    def _dry_run_outcomes(self, items):
        paths = [i.source.path for i in items]
        existing = set(Article.objects.filter(source_path__in=paths).values_list("source_path", flat=True))
        for item in items:
            kind = item.page.kind
            if kind == parsing.LISTING:
                yield FileOutcome(item.source.path, LISTING, problems=item.page.problems, items=len(item.page.items))
            elif kind == parsing.PHOTO:
                yield FileOutcome(item.source.path, PHOTO_PAGE, problems=item.page.problems)
            else:
                status = UPDATED if item.source.path in existing else CREATED
                yield FileOutcome(item.source.path, status, problems=item.page.problems)


def plain_error(error):
    """A database's refusal in one line, without its context lines and hints."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
