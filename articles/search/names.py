"""Names a query holds: a tag's name and its other names (aliases, merged tags) searched
together, and the authors and sections that ``author:`` and ``section:`` name.

Built from the Tag table and kept in this process until the archive's version moves (any
article or tag changed) and the tags' number or last change with it.
"""

from __future__ import annotations

from django.db.models import Count, Max

from archive import replicas

from .. import caching
from ..tagging import fold, words_of
from .base import Filters, SearchRequest
from .query import Atom, Query, name_atom, name_key, parse_query


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
