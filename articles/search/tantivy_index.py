"""The tantivy index: its schema, its documents, and keeping it current from the change log.

One document per article (title, tag names, photo captions and credits, body; boosted
10 / 4 / 4 / 1) and one per photo (its page title, caption and credit). Section, author, tags,
photo agencies and the date are fast fields: filters, facet counts and the date orders run in
the engine over every match.

Two fields are there for speed alone. ``body_pairs`` holds each two neighbouring words of a
body as one term: a phrase of frequent words is checked for positions only in the articles that
hold its words side by side, not in every article holding both. ``sample`` puts each document in
one of SAMPLE_SHARE groups by a hash of its id: facet counts over very many matches are
estimated from one group, a uniform sample of them whatever their dates (and labelled so).

The index is derived. ``catch_up`` applies the change log's rows after the last one the index
holds (recorded in ``applied.json`` beside it, written after each commit); one process at a time
writes, under a file lock. When the recorded row is no longer in the log — another database,
a restored backup, a rolled-back transaction — the index is rebuilt from the tables. Keeping
current reads the primary, never a replica: a lagging replica's log lacks rows the index may
already hold, which would have it rebuilt from the replica's older tables.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import fcntl
import itertools
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import tantivy
from django.db.models import Max

from archive import replicas

from .. import reads
from ..models import Article as ArticleModel
from ..models import ArticleMedia, ArticleTag, MediaItem, SearchChange, Suggestion
from .base import SearchUnavailable
from .text import normalise

logger = logging.getLogger(__name__)

# Change it when the documents or the analysis change: every index is then rebuilt.
SCHEMA_VERSION = 2


WEIGHTS = {"title": 10.0, "tags": 4.0, "captions": 4.0, "body": 1.0}


ARTICLE, PHOTO = 0, 1


KINDS = {ARTICLE: "a", PHOTO: "p"}


# Sort keys: the day, then the id, in one integer; undated documents last in both orders.
ID_BITS = 32


ID_MASK = (1 << ID_BITS) - 1


MAX_DAY = dt.date.max.toordinal()


PLACE_MAX = (MAX_DAY + 1) << ID_BITS  # above every newest or oldest key


SAMPLE_SHARE = 16


PAIR = "_"  # joins two words into one term of body_pairs: never inside a term, which is letters and digits


CHUNK = 1000  # rows read from the database at a time


CHANGES_PER_COMMIT = 20_000


WRITER_HEAP = 64_000_000


# A rebuild indexes on this many threads beside the one that reads the rows and makes the documents.
REBUILD_THREADS = max(1, min(2, os.cpu_count() or 1))


STATE_FILE = "applied.json"


LOCK_FILE = "writer.lock"


LOCK_POLL_SECONDS = 0.02


SEARCH_WAITS_SECONDS = 2.0


# A search applies the log itself when it holds at most this many changes (an editor's), or
# when nothing was logged for WRITER_APPLIES_SECONDS: a longer, growing log is an ingest's,
# which applies it every ingest.pipeline.INDEX_EVERY seconds and at its end.
SEARCH_APPLIES_AT_MOST = 100


WRITER_APPLIES_SECONDS = 60


KEEP_FILES = {LOCK_FILE}
# A reader's search rebuilds an index of at most this many documents (well under a second); a
# larger one is rebuilt by an ingest or `search_index --rebuild`, never while a reader waits.
REBUILD_FOR_A_READER_AT_MOST = 2_000


def analyzer(stem=True):
    """Words split on anything not a letter or digit, lower case, accents folded, stemmed."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


ANALYZER = analyzer()


PAIRS = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


@lru_cache(maxsize=200_000)
def terms_of(text):
    """The index terms of a text (of a word, mostly: highlighting asks for each word it shows)."""
    return tuple(ANALYZER.analyze(normalise(text)))


def schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_unsigned_field("kind", indexed=True, fast=True)
    builder.add_unsigned_field("pk", stored=True, fast=True)
    for name in WEIGHTS:
        builder.add_text_field(name, tokenizer_name="archive")
    # Unstemmed words of titles, tags and captions: the vocabulary spelling suggestions use.
    builder.add_text_field("spell", tokenizer_name="plain")
    builder.add_text_field("body_pairs", tokenizer_name="pairs", index_option="basic")
    builder.add_unsigned_field("sample", indexed=True)
    for name in ("section_id", "author_id", "tag_ids", "year"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_text_field("agency", tokenizer_name="raw", fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("newest", fast=True)
    builder.add_integer_field("oldest", fast=True)
    return builder.build()


def sort_keys(day: dt.date | None, pk: int):
    """(day number, newest-first key, oldest-first key): both keys sort descending."""
    if day is None:
        return 0, pk, ID_MASK - pk
    ordinal = day.toordinal()
    return ordinal, ordinal << ID_BITS | pk, (MAX_DAY - ordinal) << ID_BITS | (ID_MASK - pk)


def sample_of(pk):
    """The sample group of a document: the top bits of a Fibonacci hash of its id, which spreads
    ids (consecutive or not) evenly over the groups."""
    return ((pk * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) * SAMPLE_SHARE >> 64


def pairs_of(text):
    """Each two neighbouring terms of a text, as one term each, for body_pairs."""
    terms = ANALYZER.analyze(text)
    return " ".join(map(PAIR.join, itertools.pairwise(terms)))


def log_head():
    """(id, stamp) of the change log's last row, or None when it is empty."""
    head = reads.change_log_head()
    return (head[0], stamp(head[1])) if head else None


def stamp(value):
    return value.isoformat() if value else ""


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None  # not glibc: its allocator keeps or returns memory by its own rules


def release_freed_memory():
    """Hand the memory a commit freed back to the system. The writer's threads allocate in
    arenas of their own, which glibc keeps after they are freed; without this, a long ingest's
    process kept each commit's peak (docs/performance.md)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class TantivyIndex:
    """The index in a folder: written by one process at a time, read by every process."""

    def __init__(self, path):
        self.path = Path(path)
        self.schema = schema()
        self.analyzer = ANALYZER
        self.plain = analyzer(stem=False)
        self._index = None
        self._loaded = None

    @replicas.primary()
    def catch_up(self, wait=None, progress=None, rebuild_at_most=None):
        """Apply the log; ``wait`` bounds the seconds spent waiting for another writer (then
        nothing is applied: that writer is applying the same rows, or rebuilding). When the
        index must be rebuilt, it is, unless it would hold more than ``rebuild_at_most``
        documents: then nothing is done, and the index is searched as it stands."""
        with self._locked(wait) as held:
            if not held:
                return 0
            state = self._state()
            if not self._continues(state) or self._rebuilding_is_cheaper(state):
                if rebuild_at_most is not None and self._documents() > rebuild_at_most:
                    logger.warning("The search index needs a rebuild (manage.py search_index --rebuild).")
                    return 0
                self._rebuild_locked(progress)
                return 0
            return self._apply_locked(state)

    @staticmethod
    def _documents():
        return ArticleModel.objects.count() + MediaItem.objects.count()

    @replicas.primary()
    def rebuild(self, progress=None):
        with self._locked():
            return self._rebuild_locked(progress)

    def _continues(self, state):
        """Whether the index holds the log up to a row the log still has."""
        if state is None or state.get("schema") != SCHEMA_VERSION or not tantivy.Index.exists(str(self.path)):
            return False
        if not state["change"]:
            return True
        row = SearchChange.objects.filter(id=state["change"]).values_list("created_at", flat=True).first()
        return row is not None and stamp(row) == state["stamp"]

    def _rebuilding_is_cheaper(self, state):
        """Whether the log holds more changes than the index holds documents: reading each row
        once, into one commit, then costs less than applying the changes in commits of their
        own. A first ingest leaves the whole archive to its end (see ``ingesting``)."""
        index = self._writable()
        index.reload()
        held = index.searcher().num_docs
        return SearchChange.objects.filter(id__gt=state["change"]).order_by("id")[held : held + 1].exists()

    def _apply_locked(self, state):
        """Apply the log's rows up to its last one when this began: rows written meanwhile are
        the next catch-up's. Chasing them, a catch-up beside an ingest's workers would commit the
        index for every few rows, and each commit costs what a batch of thousands does."""
        index, applied, last = self._writable(), 0, state["change"]
        head = (log_head() or (last, ""))[0]
        while True:
            changes = list(
                SearchChange.objects.filter(id__gt=last, id__lte=head)
                .order_by("id")
                .values_list("id", "created_at", "article_id", "photo_id")[:CHANGES_PER_COMMIT]
            )
            if not changes:
                break
            articles = {a for _, _, a, _ in changes if a is not None}
            photos = {p for _, _, _, p in changes if p is not None}
            with self._writer(index) as writer:
                self._reindex(writer, ARTICLE, sorted(articles))
                self._reindex(writer, PHOTO, sorted(photos))
            last = changes[-1][0]
            self._write_state(last, stamp(changes[-1][1]))
            applied += len(changes)
        index.reload()
        return applied

    def _rebuild_locked(self, progress=None):
        head = log_head()
        # The rows there are now, read after the log's head: a row committed later has its log
        # row after the head, and the next catch-up applies it. Unbounded, a rebuild during an
        # ingest would chase the rows its workers go on writing, and index them twice.
        models = ((ARTICLE, ArticleModel), (PHOTO, MediaItem))
        tops = {kind: model.objects.aggregate(top=Max("pk"))["top"] or 0 for kind, model in models}
        index = self._writable(fresh=True)
        added = 0
        with self._writer(index, threads=REBUILD_THREADS) as writer:
            writer.delete_all_documents()
            for kind, model in models:
                last, rows = 0, model.objects.filter(pk__lte=tops[kind]).order_by("pk")
                while True:
                    ids = list(rows.filter(pk__gt=last).values_list("pk", flat=True)[:CHUNK])
                    if not ids:
                        break
                    added += self._reindex(writer, kind, ids, delete=False)
                    last = ids[-1]
                    if progress:
                        progress(len(ids))
        self._write_state(*(head or (0, "")))
        index.reload()
        return added

    def _reindex(self, writer, kind, ids, delete=True):
        count = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            if delete:
                for pk in chunk:
                    writer.delete_documents_by_term("key", f"{KINDS[kind]}:{pk}")
            documents = self._article_documents(chunk) if kind == ARTICLE else self._photo_documents(chunk)
            for document in documents:
                writer.add_document(document)
                count += 1
        return count

    def _article_documents(self, ids):
        tags, captions, agencies = {}, {}, {}
        for article_id, tag_id, name in ArticleTag.objects.filter(article_id__in=ids).values_list(
            "article_id", "tag_id", "tag__name"
        ):
            tags.setdefault(article_id, []).append((tag_id, name))
        photos = ArticleMedia.objects.filter(article_id__in=ids).order_by("position", "id")
        for article_id, caption, credit, agency in photos.values_list(
            "article_id", "media__caption", "media__credit", "media__agency"
        ):
            captions.setdefault(article_id, []).append(f"{caption} {credit}".strip())
            if agency:
                agencies.setdefault(article_id, set()).add(agency)
        rows = ArticleModel.objects.filter(pk__in=ids).values_list(
            "id", "title", "body", "section_id", "author_id", "published_on"
        )
        replaced, _ = Suggestion.replaced_texts(article_ids=ids)
        for pk, title, body, section_id, author_id, published_on in rows:
            tag_names = "\n".join(name for _, name in tags.get(pk, []))
            caption_text = "\n".join(captions.get(pk, []))
            document = self._document(ARTICLE, pk, published_on, title=title, tags=tag_names, captions=caption_text)
            # What readers' accepted corrections replaced stays findable, weighted as the body.
            for text in (body, *replaced.get(pk, ())):
                text = normalise(text)
                document.add_text("body", text)
                document.add_text("body_pairs", pairs_of(text))
            document.add_unsigned("section_id", section_id or 0)
            document.add_unsigned("author_id", author_id or 0)
            for tag_id, _ in tags.get(pk, []):
                document.add_unsigned("tag_ids", tag_id)
            for agency in sorted(agencies.get(pk, ())):
                document.add_text("agency", agency)
            yield document

    def _photo_documents(self, ids):
        rows = MediaItem.objects.filter(pk__in=ids).values_list(
            "id", "title", "caption", "credit", "agency", "taken_on"
        )
        _, replaced = Suggestion.replaced_texts(photo_ids=ids)
        for pk, title, caption, credit, agency, taken_on in rows:
            captions = "\n".join([f"{caption} {credit}".strip(), *replaced.get(pk, ())])
            document = self._document(PHOTO, pk, taken_on, title=title, tags="", captions=captions)
            if agency:
                document.add_text("agency", agency)
            yield document

    def _document(self, kind, pk, day, *, title, tags, captions):
        document = tantivy.Document()
        document.add_text("key", f"{KINDS[kind]}:{pk}")
        document.add_unsigned("kind", kind)
        document.add_unsigned("pk", pk)
        document.add_unsigned("sample", sample_of(pk))
        for name, text in (("title", title), ("tags", tags), ("captions", captions)):
            document.add_text(name, normalise(text))
        document.add_text("spell", normalise(f"{title}\n{tags}\n{captions}"))
        number, newest, oldest = sort_keys(day, pk)
        document.add_integer("day", number)
        document.add_unsigned("year", day.year if day else 0)
        document.add_integer("newest", newest)
        document.add_integer("oldest", oldest)
        return document

    @contextmanager
    def _writer(self, index, threads=1):
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=threads)
        try:
            yield writer
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            # Consumes the writer, which releases tantivy's own lock on the folder.
            writer.wait_merging_threads()
            release_freed_memory()

    def _writable(self, fresh=False):
        """The index, opened for writing; created empty when missing or of another schema."""
        state = self._state()
        exists = tantivy.Index.exists(str(self.path)) and state is not None and state.get("schema") == SCHEMA_VERSION
        if fresh and not exists:
            for entry in self.path.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry)
                elif entry.name not in KEEP_FILES:
                    entry.unlink()
            self._index = self._registered(tantivy.Index(self.schema, path=str(self.path)))
        elif self._index is None:
            self._index = self._registered(tantivy.Index.open(str(self.path)))
        return self._index

    def _registered(self, index):
        index.register_tokenizer("archive", self.analyzer)
        index.register_tokenizer("plain", self.plain)
        index.register_tokenizer("pairs", PAIRS)
        return index

    @contextmanager
    def _locked(self, wait=None):
        """One writer at a time, across processes (tantivy refuses a second one outright).
        Yields whether the lock is held: not when ``wait`` seconds passed without it."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_FILE, "a") as handle:
            deadline = None if wait is None else time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (fcntl.LOCK_NB if deadline else 0))
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(LOCK_POLL_SECONDS)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _state(self):
        try:
            return json.loads((self.path / STATE_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def _write_state(self, change, change_stamp):
        temporary = self.path / f"{STATE_FILE}.tmp"
        state = {"schema": SCHEMA_VERSION, "change": change, "stamp": change_stamp}
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, self.path / STATE_FILE)

    @replicas.primary()
    def refresh(self):
        """Before a search: apply what the log holds beyond the index, when it is a short job.
        A search waits for a short apply by another process, never for a rebuild, and rebuilds
        only a small index itself; an index that cannot be written (a full disk, a read-only
        folder) is searched as it stands, and the fault logged."""
        try:
            state, head = self._state(), log_head()
            current = state is not None and state.get("schema") == SCHEMA_VERSION
            if not current or (
                (state["change"], state["stamp"]) != (head or (0, "")) and not self._left_to_its_writer(state, head)
            ):
                self.catch_up(wait=SEARCH_WAITS_SECONDS, rebuild_at_most=REBUILD_FOR_A_READER_AT_MOST)
        except Exception:
            logger.exception("The search index could not be brought up to date; it is searched as it stands.")

    def _left_to_its_writer(self, state, head):
        """Whether the log's new rows are an ingest's, which applies them itself: a search
        answers from the index as it stands rather than index whole batches of articles while
        a reader waits (during an ingest, every search would)."""
        age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(head[1])
        if age > dt.timedelta(seconds=WRITER_APPLIES_SECONDS):
            return False
        backlog = SearchChange.objects.filter(id__gt=state["change"])[: SEARCH_APPLIES_AT_MOST + 1].count()
        return backlog > SEARCH_APPLIES_AT_MOST

    def _searcher(self):
        """A searcher over the index as last committed, by this process or another;
        SearchUnavailable when there is none to search."""
        state = self._state()
        if self._index is None:
            if not tantivy.Index.exists(str(self.path)):
                raise SearchUnavailable("No search index has been built here yet.")
            self._index = self._registered(tantivy.Index.open(str(self.path)))
        if self._loaded != state:
            self._index.reload()
            self._loaded = state
        return self._index.searcher()
