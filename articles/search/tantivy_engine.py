"""tantivy: BM25 over every match, in an index folder beside the database (``tantivy_index``).

Chosen by measurement (docs/performance.md): with block-max WAND the cost of the top 20 of a
word in most of the archive stays near-constant as matches grow, where PostgreSQL's ranking
grows with them; and it runs the same on SQLite and PostgreSQL. This module turns a
``SearchRequest`` into tantivy's queries and reads their answers: pages of ids, counts, facets
over every match, the date orders, months, photos and spellings.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter

import tantivy
from tantivy import FieldType, Occur, Order

from .base import FACET_NAMES, Facets, PhotoHit, PhotoMatches, SearchBackend, SearchRequest
from .tantivy_index import (
    ARTICLE,
    MAX_DAY,
    PAIR,
    PHOTO,
    PLACE_MAX,
    SAMPLE_SHARE,
    WEIGHTS,
    TantivyIndex,
    terms_of,
)
from .text import normalise

PHOTO_FIELDS = ("title", "captions")


# The fields a field atom searches as text; author: and section: name rows, matched by id.
FIELD_TEXT = {"title": ("title",), "caption": ("captions",), "tag": ("tags",)}


ID_FIELDS = {"author": "author_id", "section": "section_id", "tag": "tag_ids"}


# Words of the query within this many positions of each other score extra, in these fields.
PROXIMITY_SLOP = 4


PROXIMITY_WEIGHTS = {"title": 10.0, "captions": 4.0, "body": 2.0}


# A name variant scores at most this share of what the word typed would in its place: its
# weight is scaled by the word's rarity over its own (a phrase's is the sum of its words'), so
# that however many words it has, it never outscores the word it stands for. Half: a title one
# word longer (BM25 weighs length) holding the words typed still outranks a variant's.
VARIANT_SHARE = 0.5
# Words typed that form a name also match apart, scoring this share: the name itself first.
NAME_WORDS_SHARE = 0.5


FACET_BUCKETS = 10_000


# Facet counts over more matches than this are estimated from the sample group (see above).
FACETS_SAMPLED_ABOVE = 50_000


MATCHES = "matches"  # the facets' aggregation that counts them


FACET_FIELDS = {"section": "section_id", "author": "author_id", "year": "year", "tag": "tag_ids", "agency": "agency"}


SPELLINGS = 50_000  # vocabulary words a suggestion compares with, at most


class TantivyBackend(TantivyIndex, SearchBackend):
    places = range(PLACE_MAX + 1)

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
            found = self._clause(request, clause, fields)
            if found is not None:
                parts.append((Occur.Must, found))
        if len(parts) == 1:
            return None
        for atom in request.query.excluded:
            excluded = self._atom(request, atom, fields)
            if excluded is not None:
                parts.append((Occur.MustNot, excluded))
        parts += [(Occur.Should, q) for q in self._proximity(request.query, fields)]
        parts += [(Occur.Must, q) for q in self._filters(filters)]
        return tantivy.Query.boolean_query(parts)

    def _clause(self, request, clause, fields):
        """Any of the clause's atoms, its variants scaled below the words typed; for words read
        as a name, the name or all the words: the name adds to the score, never narrows."""
        found = [q for q in (self._atom(request, atom, fields) for atom in clause.typed) if q is not None]
        variants = [self._variant(request, clause, atom, fields) for atom in clause.variants]
        variants = [q for q in variants if q is not None]
        if variants:
            # The best variant found counts, not their sum: "ceasefire agreement" holds "ceasefire".
            found.append(variants[0] if len(variants) == 1 else tantivy.Query.disjunction_max_query(variants))
        if clause.words:
            words = [self._clause(request, word, fields) for word in clause.words]
            words = [q for q in words if q is not None]
            if words:
                every = tantivy.Query.boolean_query([(Occur.Must, q) for q in words])
                found.append(tantivy.Query.boost_query(every, NAME_WORDS_SHARE))
        if not found:
            return None
        return found[0] if len(found) == 1 else self._any(found)

    def _variant(self, request, clause, atom, fields):
        """A variant's query, weighted in each field by the rarity there of the words typed
        over its own: it scores at most VARIANT_SHARE of what they would in its place."""
        typed = [w for a in clause.typed for w in a.words]

        def share(name):
            return VARIANT_SHARE * min(1.0, self._rarity(name, typed) / (self._rarity(name, atom.words) or 1.0))

        return self._atom(request, atom, fields, share=share)

    def _rarity(self, name, words):
        """The sum of the words' inverse document frequencies in one field, as BM25 weighs them."""
        searcher = self._searcher()
        held = searcher.num_docs
        rarity = 0.0
        for token in self.terms(" ".join(words)):
            frequency = searcher.doc_freq(name, token)
            rarity += math.log(1 + (held - frequency + 0.5) / (frequency + 0.5))
        return rarity

    def _atom(self, request, atom, fields, share=None):
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
        per_field = [
            tantivy.Query.boost_query(self._text(name, tokens), WEIGHTS[name] * (share(name) if share else 1.0))
            for name in names
        ]
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
        """Words typed found close together score extra (the exact phrase the most); their
        variants do not, so that the words typed side by side outrank them."""
        words = []
        if len(query.clauses) < 2:
            return []  # one word, or one name whose phrase already scores its words side by side
        for clause in query.clauses:
            for typed in [clause.typed] if not clause.words else [word.typed for word in clause.words]:
                atom = typed[0] if len(typed) == 1 else None
                if atom is not None and atom.field is None and not atom.is_phrase:
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
