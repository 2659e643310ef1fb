"""Full-text search: what the rest of the archive calls. It never asks which engine runs.

The engine (``settings.ARCHIVE_SEARCH_ENGINE``, keeping the contract in ``base``) ranks every
match by BM25 and counts every match and facet exactly; its index is derived from the database
and kept current through the change log that every writer fills (``changes``). This facade
parses a query (``names.parse``: a tag's other names included), hands the engine a request, and
pages its answer.

    query.py       a searcher's query, in web-search syntax, as a small tree (pure)
    names.py       the names a query holds: tags' variants, the authors and sections named
    highlight.py   titles, snippets and photo captions with the words found marked
    suggest.py     when nothing is found: other spellings, a word fewer
    text.py        how text is normalised and marked for search
    base.py        the engine's contract; tantivy_engine.py the engine
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils.module_loading import import_string

from .. import reads
from .base import Facets, Filters, Matches, PhotoMatches, SearchBackend, SearchRequest, SearchUnavailable
from .names import parse, request_for
from .query import Query

__all__ = [
    "Facets",
    "Filters",
    "Matches",
    "PhotoMatches",
    "Query",
    "SearchBackend",
    "SearchRequest",
    "SearchUnavailable",
    "parse",
]

PHOTOS_SHOWN = 6
EXPORT_BATCH = 1000  # ids an export holds at a time
TIMELINE_YEARS = range(2005, 2018)  # the archive's years: the timeline's months
_backends: dict[str, SearchBackend] = {}


def backend() -> SearchBackend:
    """The engine the settings name, over their index folder (one per process, engine and folder)."""
    key = f"{settings.ARCHIVE_SEARCH_ENGINE}:{settings.ARCHIVE_SEARCH_INDEX_DIR}"
    if key not in _backends:
        _backends[key] = import_string(settings.ARCHIVE_SEARCH_ENGINE)(str(settings.ARCHIVE_SEARCH_INDEX_DIR))
    return _backends[key]


def catch_up(progress=None):
    """Apply the change log to the index (after an ingest's batch, once an edit commits)."""
    return backend().catch_up(progress=progress)


def rebuild(progress=None):
    return backend().rebuild(progress)


def documents_total():
    """The articles and photos there are: what a rebuild indexes."""
    from ..models import Article, MediaItem

    return Article.objects.count() + MediaItem.objects.count()


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


# --- When nothing is found ---------------------------------------------------------------------
