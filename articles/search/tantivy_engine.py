"""tantivy: BM25 over every match, in an index folder beside the database.

Chosen by measurement (see the project's PERFORMANCE notes): with block-max WAND the cost of
the top 20 of a word in most of the archive stays near-constant as matches grow, where
PostgreSQL's ranking grows with them; and it runs the same on SQLite and PostgreSQL.

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
import os
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import tantivy
from django.db.models import Max
from tantivy import FieldType, Occur, Order

from archive import replicas

from .. import reads
from ..models import Article as ArticleModel
from ..models import ArticleMedia, ArticleTag, MediaItem, SearchChange
from .base import FACET_NAMES, Facets, PhotoHit, PhotoMatches, SearchBackend, SearchRequest
from .text import normalise

# Change it when the documents or the analysis change: every index is then rebuilt.
SCHEMA_VERSION = 2
WEIGHTS = {"title": 10.0, "tags": 4.0, "captions": 4.0, "body": 1.0}
PHOTO_FIELDS = ("title", "captions")
# The fields a field atom searches as text; author: and section: name rows, matched by id.
FIELD_TEXT = {"title": ("title",), "caption": ("captions",), "tag": ("tags",)}
ID_FIELDS = {"author": "author_id", "section": "section_id", "tag": "tag_ids"}
# Words of the query within this many positions of each other score extra, in these fields.
PROXIMITY_SLOP = 4
PROXIMITY_WEIGHTS = {"title": 10.0, "captions": 4.0, "body": 2.0}
ARTICLE, PHOTO = 0, 1
KINDS = {ARTICLE: "a", PHOTO: "p"}
# Sort keys: the day, then the id, in one integer; undated documents last in both orders.
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
MAX_DAY = dt.date.max.toordinal()
PLACE_MAX = (MAX_DAY + 1) << ID_BITS  # above every newest or oldest key
FACET_BUCKETS = 10_000
# Facet counts over more matches than this are estimated from the sample group (see above).
FACETS_SAMPLED_ABOVE = 50_000
SAMPLE_SHARE = 16
PAIR = "_"  # joins two words into one term of body_pairs: never inside a term, which is letters and digits
MATCHES = "matches"  # the facets' aggregation that counts them
FACET_FIELDS = {"section": "section_id", "author": "author_id", "year": "year", "tag": "tag_ids", "agency": "agency"}
SPELLINGS = 50_000  # vocabulary words a suggestion compares with, at most
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
    process kept each commit's peak (measured: the ingest's writing process peaked at 802 MB over
    200,000 articles, and at 587 MB with it)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class TantivyBackend(SearchBackend):
    places = range(PLACE_MAX + 1)

    def __init__(self, path):
        self.path = Path(path)
        self.schema = schema()
        self.analyzer = ANALYZER
        self.plain = analyzer(stem=False)
        self._index = None
        self._loaded = None

    # --- Keeping current ------------------------------------------------------------------

    @replicas.primary()
    def catch_up(self, wait=None, progress=None):
        """Apply the log; ``wait`` bounds the seconds spent waiting for another writer (then
        nothing is applied: that writer is applying the same rows, or rebuilding)."""
        with self._locked(wait) as held:
            if not held:
                return 0
            state = self._state()
            if not self._continues(state) or self._rebuilding_is_cheaper(state):
                self._rebuild_locked(progress)
                return 0
            return self._apply_locked(state)

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
        for pk, title, body, section_id, author_id, published_on in rows:
            tag_names = "\n".join(name for _, name in tags.get(pk, []))
            caption_text = "\n".join(captions.get(pk, []))
            document = self._document(ARTICLE, pk, published_on, title=title, tags=tag_names, captions=caption_text)
            body = normalise(body)
            document.add_text("body", body)
            document.add_text("body_pairs", pairs_of(body))
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
        for pk, title, caption, credit, agency, taken_on in rows:
            document = self._document(PHOTO, pk, taken_on, title=title, tags="", captions=f"{caption} {credit}".strip())
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
        state, head = self._state(), log_head()
        current = state is not None and state.get("schema") == SCHEMA_VERSION
        if not current:
            self.catch_up()
        elif (state["change"], state["stamp"]) != (head or (0, "")) and not self._left_to_its_writer(state, head):
            # A search waits for a short apply by another process, never for a rebuild.
            self.catch_up(wait=SEARCH_WAITS_SECONDS)

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
        """A searcher over the index as last committed, by this process or another."""
        state = self._state()
        if state is None:
            self.catch_up()
            state = self._state()
        if self._index is None:
            self._index = self._registered(tantivy.Index.open(str(self.path)))
        if self._loaded != state:
            self._index.reload()
            self._loaded = state
        return self._index.searcher()

    # --- Searching ----------------------------------------------------------------------------

    def terms(self, text):
        return terms_of(text)

    def page(self, request, offset, limit):
        query = self._query(request, ARTICLE)
        if query is None or limit <= 0:
            return []
        searcher = self._searcher()
        if request.order == "relevance" and self._scores(request):
            window = self._window(searcher, offset, limit)
            if window is None:
                return []
            return self._best(searcher, searcher.search(query, window[1], count=False, offset=window[0]).hits)
        # Dates order the rest, and a query of names only (author:, section:, tag:), which has no
        # words to score: newest first. A page in the second half is read from the other end, so
        # that the last page costs what the first does.
        field = "oldest" if request.order == "oldest" else "newest"
        total = self._count(searcher, query)
        if offset * 2 <= total:
            found = searcher.search(query, limit, count=False, offset=offset, order_by_field=field, order=Order.Desc)
            return self._ids(searcher, found.hits)
        end = min(total, offset + limit)
        if end <= offset:
            return []
        found = searcher.search(
            query, end - offset, count=False, offset=total - end, order_by_field=field, order=Order.Asc
        )
        return self._ids(searcher, found.hits)[::-1]

    def page_and_count(self, request, offset, limit):
        query = self._query(request, ARTICLE)
        if query is None or limit <= 0 or request.order != "relevance" or not self._scores(request):
            return super().page_and_count(request, offset, limit)
        # Ranking every match of a frequent word reads them all anyway: counting them on the way
        # costs next to nothing, where a pass of its own would cost as much again.
        searcher = self._searcher()
        window = self._window(searcher, offset, limit)
        if window is None:
            return [], self._count(searcher, query)
        found = searcher.search(query, window[1], count=True, offset=window[0])
        return self._best(searcher, found.hits), found.count

    @staticmethod
    def _window(searcher, offset, limit):
        """(offset, limit) of a page of hits, within the documents the index holds; None past
        them. tantivy makes room for offset + limit hits before it searches: a position read
        from a cursor or a page number, unbounded, would have it ask for terabytes."""
        held = searcher.num_docs
        if offset < 0 or offset >= held:
            return None
        return offset, min(limit, held - offset)

    def _best(self, searcher, hits):
        """The ids of ranked hits, recency breaking ties, and only ties."""
        newest = searcher.fast_field_values("newest", [address for _, address in hits])
        order = sorted(range(len(hits)), key=lambda i: (-hits[i][0], -newest[i]))
        return self._ids(searcher, [hits[i] for i in order])

    def in_date_order(self, request, *, after=None, backwards=False, offset=0, limit):
        query = self._query(request, ARTICLE)
        if query is None or limit <= 0:
            return []
        field = "oldest" if request.order == "oldest" else "newest"
        # Both places sort descending: forwards is down from ``after``, backwards up from it.
        if after is not None:
            lower, upper = (after, PLACE_MAX) if backwards else (0, after)
            beyond = tantivy.Query.range_query(
                self.schema,
                field,
                FieldType.Integer,
                lower,
                upper,
                include_lower=not backwards,
                include_upper=backwards,
            )
            query = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, beyond)])
        order = Order.Asc if backwards else Order.Desc
        searcher = self._searcher()
        window = self._window(searcher, offset, limit)
        if window is None:
            return []
        offset, limit = window
        hits = searcher.search(query, limit, count=False, offset=offset, order_by_field=field, order=order).hits
        addresses = [address for _, address in hits]
        return list(zip(self._ids(searcher, hits), searcher.fast_field_values(field, addresses), strict=True))

    @staticmethod
    def _scores(request):
        """Whether the query has words to score (atoms naming rows score nothing)."""
        return any(request.ids_named(atom) is None for atom in request.query.atoms)

    def count(self, request):
        query = self._query(request, ARTICLE)
        if query is None:
            return 0
        return self._count(self._searcher(), query)

    def facets(self, request, total=None):
        facets = Facets()
        query = self._query(request, ARTICLE)
        if query is None:
            return facets
        searcher = self._searcher()
        sampled = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, self._exactly("sample", 0))])
        answer = scale = None
        if total is None:
            # The sample group first: it costs a sixteenth, and tells whether all the matches
            # are few enough to count exactly.
            answer = self._facet_counts(searcher, sampled)
            if int(answer[MATCHES]["value"]) * SAMPLE_SHARE > FACETS_SAMPLED_ABOVE:
                total = self._count(searcher, query)
            else:
                answer = None
        if total is not None and total > FACETS_SAMPLED_ABOVE:
            answer = answer or self._facet_counts(searcher, sampled)
            facets.exact, facets.sample = False, int(answer[MATCHES]["value"])
            scale = total / facets.sample if facets.sample else 0
        else:
            answer = self._facet_counts(searcher, query)
            total, scale = int(answer[MATCHES]["value"]), 1
        facets.total = total
        for name in FACET_NAMES:
            result = answer.get(name, {})
            facets.exact &= not result.get("doc_count_error_upper_bound") and not result.get("sum_other_doc_count")
            for bucket in result.get("buckets", []):
                key = bucket["key"]
                if name != "agency":
                    key = int(key)
                if key:
                    facets.counts[name][key] = round(bucket["doc_count"] * scale)
        return facets

    @staticmethod
    def _facet_counts(searcher, query):
        """The facets' aggregation over the query's matches, and their number (every document has its pk)."""
        aggregations = {
            name: {"terms": {"field": FACET_FIELDS[name], "size": FACET_BUCKETS, "segment_size": FACET_BUCKETS}}
            for name in FACET_NAMES
        }
        aggregations[MATCHES] = {"value_count": {"field": "pk"}}
        return searcher.aggregate(query, aggregations)

    @staticmethod
    def _count(searcher, query):
        return searcher.search(query, 1, count=True).count

    def all_ids(self, request):
        query = self._query(request, ARTICLE)
        if query is None:
            return []
        searcher = self._searcher()
        total = self._count(searcher, query)
        return self._ids(searcher, searcher.search(query, max(total, 1), count=False).hits) if total else []

    def month_counts(self, request, months):
        counts = Counter()
        query = self._query(request, ARTICLE)
        if query is None or not months:
            return counts
        ranges = []
        for year, month in months:
            start = dt.date(year, month, 1)
            end = dt.date(year + month // 12, month % 12 + 1, 1)
            ranges.append({"key": f"{year}/{month}", "from": start.toordinal(), "to": end.toordinal()})
        answer = self._searcher().aggregate(query, {"months": {"range": {"field": "day", "ranges": ranges}}})
        for bucket in answer.get("months", {}).get("buckets", []):
            # tantivy adds buckets of its own, keyed "*-…" and "…-*", for the days outside the ranges.
            year, slash, month = bucket["key"].partition("/")
            if bucket["doc_count"] and slash:
                counts[int(year), int(month)] = bucket["doc_count"]
        return counts

    def photos(self, request, limit):
        query = self._query(request, PHOTO)
        if query is None:
            return PhotoMatches([], 0)
        searcher = self._searcher()
        found = searcher.search(query, limit, count=True)
        return PhotoMatches([PhotoHit(pk) for pk in self._ids(searcher, found.hits)], found.count)

    def spellings(self, word):
        keys = self.plain.analyze(normalise(word))
        if not keys:
            return "", {}
        key = keys[0]
        return key, dict(self._searcher().terms_with_prefix("spell", key[:2], limit=SPELLINGS))

    @staticmethod
    def _ids(searcher, hits):
        return [int(pk) for pk in searcher.fast_field_values("pk", [address for _, address in hits])]

    def _query(self, request: SearchRequest, kind):
        """The request as a tantivy query over one kind of document; None when it can match nothing."""
        filters = request.filters
        if filters.matches_nothing or (kind == PHOTO and filters.articles_only):
            return None
        fields = WEIGHTS if kind == ARTICLE else {n: WEIGHTS[n] for n in PHOTO_FIELDS}
        parts = [(Occur.Must, self._exactly("kind", kind))]
        for clause in request.query.clauses:
            atoms = [q for q in (self._atom(request, atom, fields) for atom in clause.atoms) if q is not None]
            if not atoms:
                continue
            parts.append((Occur.Must, atoms[0] if len(atoms) == 1 else self._any(atoms)))
        if len(parts) == 1:
            return None
        for atom in request.query.excluded:
            excluded = self._atom(request, atom, fields)
            if excluded is not None:
                parts.append((Occur.MustNot, excluded))
        parts += [(Occur.Should, q) for q in self._proximity(request.query, fields)]
        parts += [(Occur.Must, q) for q in self._filters(filters)]
        return tantivy.Query.boolean_query(parts)

    def _atom(self, request, atom, fields):
        ids = request.ids_named(atom)
        if ids is not None:
            if not ids:
                return tantivy.Query.empty_query()
            named = tantivy.Query.term_set_query(self.schema, ID_FIELDS[atom.field], list(ids))
            return tantivy.Query.const_score_query(named, 0.0)
        if atom.field in ("author", "section"):
            return tantivy.Query.empty_query()
        tokens = self.terms(" ".join(atom.words))
        if not tokens:
            return None
        names = [n for n in FIELD_TEXT.get(atom.field, fields) if n in fields]
        if not names:
            return tantivy.Query.empty_query()
        per_field = [tantivy.Query.boost_query(self._text(name, tokens), WEIGHTS[name]) for name in names]
        return per_field[0] if len(per_field) == 1 else self._any(per_field)

    def _text(self, name, tokens, slop=0):
        if len(tokens) == 1:
            return tantivy.Query.term_query(self.schema, name, tokens[0])
        phrase = tantivy.Query.phrase_query(self.schema, name, tokens, slop=slop)
        if name != "body" or slop:
            return phrase
        # The phrase's word pairs lead (they score nothing): its positions are read only in the
        # articles that hold each pair side by side.
        pairs = [(Occur.Must, self._exactly("body_pairs", PAIR.join(pair))) for pair in itertools.pairwise(tokens)]
        return tantivy.Query.boolean_query([(Occur.Must, phrase), *pairs])

    def _proximity(self, query, fields):
        """Words of the query found close together score extra (the exact phrase the most)."""
        words = []
        for clause in query.clauses:
            atom = clause.atoms[0]
            if len(clause.atoms) == 1 and atom.field is None and not atom.is_phrase:
                words += self.terms(atom.words[0])[:1]
        if len(words) < 2:
            return []
        return [
            tantivy.Query.boost_query(self._text(name, words, slop=PROXIMITY_SLOP), weight)
            for name, weight in PROXIMITY_WEIGHTS.items()
            if name in fields
        ]

    def _filters(self, filters):
        found = []
        for value, field in ((filters.section, "section_id"), (filters.author, "author_id"), (filters.tag, "tag_ids")):
            if value is not None:
                found.append(self._exactly(field, value))
        if filters.agency is not None:
            found.append(self._exactly("agency", filters.agency))
        first, last = filters.date_from, filters.date_to
        if filters.year is not None:
            first = max(first or dt.date.min, dt.date(filters.year, 1, 1))
            last = min(last or dt.date.max, dt.date(filters.year, 12, 31))
        if first or last:
            lower = first.toordinal() if first else 1
            upper = last.toordinal() if last else MAX_DAY
            found.append(tantivy.Query.range_query(self.schema, "day", FieldType.Integer, lower, upper))
        return found

    def _exactly(self, field, value):
        return tantivy.Query.const_score_query(tantivy.Query.term_query(self.schema, field, value), 0.0)

    @staticmethod
    def _any(queries):
        return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])
