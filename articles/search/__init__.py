"""Full-text search: what the rest of the archive calls. It never asks which engine runs.

The engine (``tantivy_engine``, behind the contract in ``base``) ranks every match by BM25 and
counts every match and facet exactly; its index is derived from the database and kept current
through the change log that ``services`` writes (see ``SearchChange``). This module parses the
query, names the rows its ``author:``, ``section:`` and ``tag:`` atoms mean, pages the results,
marks snippets where the words were found, and offers other spellings when nothing is found.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Count, Max
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive import replicas

from .. import caching, reads
from ..query import Atom, Query, name_atom, name_key, parse_query
from ..tagging import fold, words_of
from .base import Facets, Filters, Matches, PhotoMatches, SearchBackend, SearchRequest
from .text import marked_html, snippet_html

__all__ = [
    "Facets",
    "Filters",
    "Matches",
    "PhotoMatches",
    "Query",
    "SearchBackend",
    "SearchRequest",
]

PHOTOS_SHOWN = 6
OPENING_WORDS = 40  # the snippet of an article found by its title or tags alone
SUGGESTION_CUTOFF = 0.75
EXPORT_BATCH = 1000  # ids an export holds at a time
TIMELINE_YEARS = range(2005, 2018)  # the archive's years: the timeline's months
_backends: dict[str, SearchBackend] = {}


def backend() -> SearchBackend:
    """The engine over the index folder of the settings (one per process and folder)."""
    from .tantivy_engine import TantivyBackend

    path = str(settings.ARCHIVE_SEARCH_INDEX_DIR)
    if path not in _backends:
        _backends[path] = TantivyBackend(path)
    return _backends[path]


def catch_up(progress=None):
    """Apply the change log to the index (after an ingest's batch, once an edit commits)."""
    return backend().catch_up(progress=progress)


def rebuild(progress=None):
    return backend().rebuild(progress)


def documents_total():
    """The articles and photos there are: what a rebuild indexes."""
    from ..models import Article, MediaItem

    return Article.objects.count() + MediaItem.objects.count()


# --- Queries -----------------------------------------------------------------------------------


def parse(text) -> Query:
    """Parse a searcher's query, expanding tag names to all their variants."""
    return parse_query(text, variants=tag_variants())


def tag_variants():
    """atom -> the other names of the tag it names (built from Tag names and aliases, cached)."""
    by_key = _tag_names()[0]
    return lambda atom: by_key.get(name_key(atom.words), [])


def _tag_names():
    """(name key -> other names' atoms, name key -> tag ids), rebuilt when tags change: when the
    version moves (any article or tag changed) and the tags' number or last change with it."""
    from ..models import Tag

    version = caching.version()
    cached = _variants_cache.get("map")
    if cached is not None and cached[0] == version:
        return cached[2]
    # From the primary: kept in this process until the version moves, so never a lagging replica's.
    with replicas.primary():
        state = Tag.objects.aggregate(number=Count("id"), changed=Max("updated_at"))
        maps = (
            cached[2]
            if cached is not None and cached[1] == state
            else _tag_maps(Tag.objects.only("id", "name", "aliases"))
        )
    _variants_cache["map"] = (version, state, maps)
    return maps


def _tag_maps(tags):
    by_key: dict[tuple, list[Atom]] = {}
    ids: dict[tuple, set[int]] = {}
    for tag in tags:
        atoms = [a for a in (name_atom(n) for n in tag.names) if a.words]
        for a in atoms:
            by_key.setdefault(name_key(a.words), []).extend(x for x in atoms if x != a)
            ids.setdefault(name_key(a.words), set()).add(tag.pk)
    return by_key, ids


_variants_cache: dict = {}


def request_for(query: Query, filters: Filters | None = None, order="relevance") -> SearchRequest:
    """A request for the engine, with the rows that ``author:``, ``section:`` and ``tag:`` name."""
    named = []
    for atom in [*query.atoms, *query.excluded]:
        if atom.field in ("author", "section"):
            named.append((atom, _named_rows(atom)))
        elif atom.field == "tag":
            ids = _tag_names()[1].get(name_key(atom.words))
            if ids:
                named.append((atom, tuple(sorted(ids))))
    return SearchRequest(query=query, filters=filters or Filters(), order=order, named=tuple(named))


def _named_rows(atom: Atom):
    """Ids of the authors or sections whose name or slug holds all the atom's words."""
    from ..models import Author, Section

    model = Author if atom.field == "author" else Section
    wanted = set(name_key(atom.words))
    found = []
    for pk, name, slug in model.objects.values_list("id", "name", "slug"):
        if wanted <= {fold(w) for w in words_of(f"{name} {slug}")}:
            found.append(pk)
    return tuple(found)


# --- Searching ---------------------------------------------------------------------------------


class RankedIds(Sequence):
    """The ids of all matches in order, fetched a page at a time from the engine (the page
    ``first``, a (slice, ids) pair, fetched already)."""

    def __init__(self, engine, request, total, first=None):
        self.engine, self.request, self.total, self.first = engine, request, total, first

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(self.total)
        if self.first and self.first[0] == slice(start, stop):
            return self.first[1]
        return self.engine.page(self.request, start, stop - start)


class DatedRows:
    """The matches in date order as rows for ``paging.paginate_rows``: sought by their place,
    so the thousandth page, and the last, cost what the first does."""

    def __init__(self, engine, request):
        self.engine, self.request = engine, request
        self.kinds = [engine.places]

    def key_of(self, row):
        return [row[1]]

    def from_end(self, limit):
        return self.engine.in_date_order(self.request, backwards=True, limit=limit)

    def beyond(self, key, backwards, skip, limit):
        return self.engine.in_date_order(self.request, after=key[0], backwards=backwards, offset=skip, limit=limit)

    def at(self, start, limit):
        return self.engine.in_date_order(self.request, offset=start, limit=limit)


def find(query: Query, filters: Filters, order: str, shown: slice | None = None) -> Matches:
    """Every match of a parsed query: its ids in order (paged on demand), exact count, facets,
    and for the date orders the matches as keyset rows. ``shown``, the slice of the ids in
    relevance order that the caller shows, is fetched in the pass that counts the matches."""
    engine = backend()
    engine.refresh()
    request = request_for(query, filters, order)
    first = None
    if order == "relevance" and shown is not None:
        ids, total = engine.page_and_count(request, shown.start, shown.stop - shown.start)
        first = (slice(*shown.indices(total)[:2]), ids)
        facets = engine.facets(request, total)
    else:
        facets = engine.facets(request)
    dated = DatedRows(engine, request) if order in ("newest", "oldest") else None
    ids = RankedIds(engine, request, facets.total, first)
    return Matches(ids=ids, total=facets.total, facets=facets, dated=dated)


def photos(query: Query, filters: Filters) -> PhotoMatches:
    """The photos whose caption, credit or page title match: the best few and how many."""
    return backend().photos(request_for(query, filters), PHOTOS_SHOWN)


def ids_by_date(query: Query, filters: Filters, order="newest", batch=EXPORT_BATCH):
    """Every match's id in date order (see ``SearchBackend.ids_by_date``), in lists of ``batch``:
    what an export of every match walks, holding one list at a time."""
    engine = backend()
    engine.refresh()
    yield from engine.ids_by_date(request_for(query, filters, order), batch)


def month_counts(query: Query, filters: Filters | None = None, years=TIMELINE_YEARS):
    """{(year, month): matching articles} for every month of ``years``, over every match; months
    without any are 0. The timeline and the API's counts read this."""
    engine = backend()
    engine.refresh()
    months = [(year, month) for year in years for month in range(1, 13)]
    found = engine.month_counts(request_for(query, filters or Filters()), months)
    return {key: found.get(key, 0) for key in months}


def count(query: Query, filters: Filters | None = None):
    engine = backend()
    engine.refresh()
    return engine.count(request_for(query, filters or Filters()))


def filter_queryset(queryset, text):
    """Narrow an Article queryset to the articles matching a query (admin search uses this)."""
    query = parse(text)
    if not query:
        return queryset.none()
    engine = backend()
    engine.refresh()
    return reads.among(queryset, engine.all_ids(request_for(query)))


# --- Showing -----------------------------------------------------------------------------------


def _terms_of():
    return backend().terms


def wanted_terms(query: Query, terms_of):
    return {t for word in query.words for t in terms_of(word)}


def highlighted(query: Query, articles):
    """id -> (title HTML, snippet HTML) for the articles of one page (read with their title,
    body and photo count).

    The snippet is the passage of the body with the most of the query's words, or a photo
    caption when one holds more of them (or the body none); matches are in <mark>, everything
    else escaped.
    """
    terms_of = _terms_of()
    wanted = wanted_terms(query, terms_of)
    captions_of = reads.photo_captions([article.pk for article in articles if article.photo_count])
    marks = {}
    for article in articles:
        best = snippet_html(article.body, wanted, terms_of)
        for caption in captions_of.get(article.pk, []):
            found = snippet_html(caption, wanted, terms_of)
            if found and (best is None or found[1] > best[1]):
                best = (f'<span class="snippet-caption">Photo: {found[0]}</span>', found[1])
        snippet = best[0] if best else opening_html(article.body)
        marks[article.pk] = (mark_safe(marked_html(article.title, wanted, terms_of)), mark_safe(snippet))
    return marks


def opening_html(text, words=OPENING_WORDS):
    """The first words of a text, escaped: the snippet when the words were found elsewhere."""
    opening = text.split()
    return escape(" ".join(opening[:words]) + (" …" if len(opening) > words else ""))


def photo_rows(query: Query, found: PhotoMatches):
    """(photo, caption HTML) for the photos found, in their order."""
    from ..models import MediaItem

    terms_of = _terms_of()
    wanted = wanted_terms(query, terms_of)
    by_pk = reads.by_id(MediaItem, [hit.pk for hit in found.hits], ("media_id", "title", "caption", "credit"))
    shown = []
    for hit in found.hits:
        photo = by_pk.get(hit.pk)
        if photo is not None:
            text = f"{photo.caption} {photo.credit}".strip() or photo.title
            shown.append((photo, mark_safe(marked_html(text, wanted, terms_of))))
    return shown


# --- When nothing is found ---------------------------------------------------------------------


def suggest(query: Query):
    """The query with its unknown words replaced by the closest words of titles, tags and
    captions, if that finds anything (Erdogen → Erdogan)."""
    engine = backend()
    engine.refresh()
    changed, text = False, query.text
    for word in dict.fromkeys(query.words):
        if len(word) < 4:
            continue
        key, vocabulary = engine.spellings(word)
        if not key or key in vocabulary:
            continue
        close = difflib.get_close_matches(key, list(vocabulary), n=5, cutoff=SUGGESTION_CUTOFF)
        if close:
            best = max(close, key=lambda w: (difflib.SequenceMatcher(None, key, w).ratio(), vocabulary[w]))
            text = _word_pattern(word).sub(best, text)
            changed = True
    if not changed:
        return None
    corrected = parse(text)
    if corrected and count(corrected):
        return text
    return None


def _word_pattern(word):
    """The word where it stands alone in a query's text, in any case."""
    return re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)


def fewer_words(query: Query):
    """Queries of one word fewer that find something: [(query text, count)], most found first."""
    if len(query.clauses) < 2:
        return []
    found = []
    for i in range(len(query.clauses)):
        shorter = Query(clauses=[c for j, c in enumerate(query.clauses) if j != i], excluded=query.excluded)
        total = count(shorter)
        if total:
            found.append((query_text(shorter), total))
    return sorted(found, key=lambda f: -f[1])


def query_text(query: Query):
    """A query written back in its syntax; a clause is written as the first of its atoms (the
    word typed; the others are its name variants)."""
    parts = [_atom_text(clause.atoms[0]) for clause in query.clauses]
    parts += ["-" + _atom_text(atom) for atom in query.excluded]
    return " ".join(parts)


def _atom_text(atom):
    text = f'"{atom.text}"' if len(atom.words) > 1 else atom.text
    return f"{atom.field}:{text}" if atom.field else text
