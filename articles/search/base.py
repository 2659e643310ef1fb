"""The contract every search engine keeps: what it is asked, what it answers.

Views, forms and the admin go through ``articles.search``, which hands a ``SearchRequest`` to
whichever ``SearchBackend`` runs and gets these typed results back; none of them knows the
engine. An engine indexes what the relational database holds (the source of truth) and keeps
current through the change log (``SearchChange``), which every write fills in its transaction.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .query import Atom, Query

ORDERS = ("relevance", "newest", "oldest")


class SearchUnavailable(Exception):
    """The engine has no index to answer from (none was ever built here, and building one is
    too long a job to do while a reader waits): the site answers 503 until an ingest or
    ``manage.py search_index --rebuild`` builds it."""


FACET_NAMES = ("section", "author", "year", "tag", "agency")


@dataclass(frozen=True)
class Filters:
    """Facet filters and a date range, already resolved to ids; a value that names nothing
    matches nothing."""

    section: int | None = None
    author: int | None = None
    year: int | None = None
    tag: int | None = None
    agency: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    matches_nothing: bool = False

    @property
    def articles_only(self):
        """Whether these filters name what only articles have (photos have a date and an agency)."""
        return any(value is not None for value in (self.section, self.author, self.tag))


@dataclass(frozen=True)
class SearchRequest:
    """A parsed query, its filters and order, and the ids the ``author:``, ``section:`` and
    ``tag:`` atoms of the query name (an atom naming nothing matches nothing)."""

    query: Query
    filters: Filters = Filters()
    order: str = "relevance"
    named: tuple[tuple[Atom, tuple[int, ...]], ...] = ()

    def ids_named(self, atom: Atom):
        """The ids an atom names, or None when it is matched as text."""
        for named_atom, ids in self.named:
            if named_atom == atom:
                return ids
        return None


@dataclass
class Facets:
    """Counts per section, author, year, tag and photo agency over every match."""

    counts: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in FACET_NAMES})
    exact: bool = True
    # The exact number of matches.
    total: int = 0
    # When the counts are estimated: how many matches, a uniform sample of all, they come from.
    sample: int = 0

    def __getitem__(self, name):
        return self.counts[name]


@dataclass
class Matches:
    """A search's matches before any page of them is shown: one exact count and the facets.
    ``ids`` is a sequence whose slices are pages of article ids in the requested order."""

    ids: object
    total: int
    facets: Facets
    # For the date orders: the matches as keyset rows (search.DatedRows), so that every page
    # of them, to the last, costs what the first does.
    dated: object = None


@dataclass(frozen=True)
class PhotoHit:
    pk: int


@dataclass
class PhotoMatches:
    """The photos a query finds by their caption, credit or page title: the first few, and how many."""

    hits: list[PhotoHit]
    total: int


class SearchBackend(ABC):
    """An engine: it indexes articles and photos, keeps current through the change log, and
    answers requests over every match."""

    # Every place ``in_date_order`` can give: a cursor holding any other is damaged.
    places: range = range(0)

    @abstractmethod
    def catch_up(self, wait: float | None = None, progress=None) -> int:
        """Apply the change log's rows the index has not seen; return how many were applied.
        ``wait`` bounds the seconds to wait for another process writing the index; ``progress``
        is as rebuild's, should catching up mean rebuilding."""

    @abstractmethod
    def refresh(self) -> None:
        """Before a search: catch up when the change log is ahead of the index (so an ingest or
        an editor's save is found at once), and see what other processes committed."""

    @abstractmethod
    def rebuild(self, progress=None) -> int:
        """Index every article and photo afresh; ``progress(n)`` is called as documents go in."""

    @abstractmethod
    def page(self, request: SearchRequest, offset: int, limit: int) -> list[int]:
        """Article ids of one page of the matches, in the request's order."""

    @abstractmethod
    def in_date_order(
        self, request: SearchRequest, *, after: int | None = None, backwards=False, offset=0, limit: int
    ) -> list[tuple[int, int]]:
        """(article id, place) of matches in the request's date order ("newest" or "oldest";
        undated last either way): those placed after the place ``after`` (before it, nearest
        first, when ``backwards``; from the far end when ``after`` is None), ``offset`` of them
        passed over. A place is an opaque integer, unique per article, for keyset paging."""

    def page_and_count(self, request: SearchRequest, offset: int, limit: int) -> tuple[list[int], int]:
        """One page of the matches and their exact number; an engine that can count them in
        the same pass over the matches does."""
        return self.page(request, offset, limit), self.count(request)

    @abstractmethod
    def count(self, request: SearchRequest) -> int:
        """The exact number of articles matching."""

    @abstractmethod
    def facets(self, request: SearchRequest, total: int | None = None) -> Facets:
        """Facet counts over all matching articles, and their number (``total`` when the caller
        counted them already)."""

    @abstractmethod
    def all_ids(self, request: SearchRequest) -> list[int]:
        """Every matching article's id (the admin's search narrows a queryset with them)."""

    def ids_by_date(self, request: SearchRequest, batch: int) -> Iterator[list[int]]:
        """Every matching article's id, newest first (oldest first when the request's order is
        "oldest"), undated last, in lists of ``batch``: an export of a million matches holds one
        list at a time, and each list is sought from the last one's place, never counted to."""
        after = None
        while True:
            rows = self.in_date_order(request, after=after, limit=batch)
            if rows:
                yield [pk for pk, _ in rows]
            if len(rows) < batch:
                return
            after = rows[-1][1]

    @abstractmethod
    def month_counts(self, request: SearchRequest, months: list[tuple[int, int]]) -> Counter:
        """Matching articles per (year, month) of ``months``, counted over every match."""

    @abstractmethod
    def photos(self, request: SearchRequest, limit: int) -> PhotoMatches:
        """Photos matching the query (by caption, credit or page title), best first."""

    @abstractmethod
    def terms(self, text: str) -> tuple[str, ...]:
        """The index terms of a text, as the engine analyses it: highlighting compares these."""

    @abstractmethod
    def spellings(self, word: str) -> tuple[str, dict[str, int]]:
        """The word as the vocabulary of titles, tags and captions holds words, and the words of
        that vocabulary starting as it does, with how many documents hold each."""
