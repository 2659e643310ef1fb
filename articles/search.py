"""Full-text search: the one module that knows PostgreSQL from SQLite.

Both databases keep their index current by themselves, through triggers on the article table,
so an ingest, an admin edit or a bulk update cannot forget it:

- PostgreSQL: a stored, weighted ``tsvector`` column (title A, tag names and captions B,
  body D) with a GIN index.
- SQLite: an FTS5 table over the same three columns, ranked by BM25 with the same order of
  weights.

The rest of the archive calls the functions at the bottom of this module and never asks
which database it runs on.
"""

import datetime as dt
import difflib
import hashlib
import json
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import UNDATED_SORT_DATE, period
from .paging import COUNT_CAP
from .query import WORD_RE, Atom, Query, name_atom, name_key, parse_query

FTS_TABLE = "articles_article_fts"
SEARCH_CONFIG = "english"

POSTGRES_INSTALL = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    f"""
    CREATE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.index_terms, '')), 'B') ||
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.body, '')), 'D');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF title, index_terms, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
    # A large pending list makes inserts cheap during a big ingest; it is merged in bulk.
    "CREATE INDEX articles_article_search_idx ON articles_article USING gin (search_vector)"
    " WITH (fastupdate = on, gin_pending_list_limit = 16384)",
]
POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS articles_article_search_idx",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]

SQLITE_INSTALL = [
    f"""
    CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, index_terms, body,
        content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, index_terms, body)
        VALUES (new.id, new.title, new.index_terms, new.body);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, index_terms, body)
        VALUES ('delete', old.id, old.title, old.index_terms, old.body);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF title, index_terms, body ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, index_terms, body)
        VALUES ('delete', old.id, old.title, old.index_terms, old.body);
        INSERT INTO {FTS_TABLE}(rowid, title, index_terms, body)
        VALUES (new.id, new.title, new.index_terms, new.body);
    END
    """,
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


# PostgreSQL estimates a word's matches from the most common words of a sample of rows; the
# default keeps about 1,000 of them, and every rarer word is guessed at a fixed share. Searches
# choose their plan from these estimates (see PostgresSearch.candidates): keep ten times more.
POSTGRES_STATISTICS = [
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS 1000",
]
POSTGRES_STATISTICS_UNDO = [
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS -1",
]


def is_postgres(conn=None):
    return (conn or connection).vendor == "postgresql"


def install_index(schema_editor):
    """Create the search index of the database the migration runs on."""
    statements = POSTGRES_INSTALL if is_postgres(schema_editor.connection) else SQLITE_INSTALL
    for sql in statements:
        schema_editor.execute(sql)


def tune_statistics(schema_editor, undo=False):
    if is_postgres(schema_editor.connection):
        for sql in POSTGRES_STATISTICS_UNDO if undo else POSTGRES_STATISTICS:
            schema_editor.execute(sql)


def uninstall_index(schema_editor):
    statements = POSTGRES_UNINSTALL if is_postgres(schema_editor.connection) else SQLITE_UNINSTALL
    for sql in statements:
        schema_editor.execute(sql)


# --- Searching ----------------------------------------------------------------------------

# A search ranks and counts facets over the newest CANDIDATES matches at most: for a word in
# most of a million articles, ranking every match costs seconds (see the project's
# PERFORMANCE notes). Beyond them the total is PostgreSQL's estimate ("about"), or on SQLite a
# count capped at COUNT_CAP ("more than").
CANDIDATES = 2000
# PostgreSQL's candidate query aims to stay within BUDGET_MS. Measured at a million articles
# on 2 cores with stock settings: a bitmap heap visit costs about BITMAP_ROW_US per match, a
# row checked while walking the date index about WALK_ROW_US (it reads the row's vector).
BUDGET_MS = 50
BITMAP_ROW_US = 4
WALK_ROW_US = 13
FILTER_ROW_US = 10  # a tag or agency filter's lookup, per row read
MIN_WINDOW = 200
# Facets count the newest FACET_ROWS candidates: their cost then stays bounded too.
FACET_ROWS = 1000
CACHE_SECONDS = 120
MARK_START, MARK_END = "\ue000", "\ue001"
ORDERS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Filters:
    """Facet filters, already resolved to ids; a value that names nothing matches nothing."""

    section: int | None = None
    author: int | None = None
    year: int | None = None
    tag: int | None = None
    agency: str | None = None
    matches_nothing: bool = False

    def sql(self):
        clauses, params = [], []
        if self.matches_nothing:
            clauses.append("1 = 0")
        if self.section is not None:
            clauses.append("a.section_id = %s")
            params.append(self.section)
        if self.author is not None:
            clauses.append("a.author_id = %s")
            params.append(self.author)
        if self.year is not None:
            clauses.append("a.sort_date >= %s AND a.sort_date < %s")  # the date index's column
            params += list(period(self.year))
        if self.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM articles_articletag t WHERE t.article_id = a.id AND t.tag_id = %s)")
            params.append(self.tag)
        if self.agency is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM articles_articlemedia am JOIN articles_mediaitem m ON m.id = am.media_id"
                " WHERE am.article_id = a.id AND m.agency = %s)"
            )
            params.append(self.agency)
        return "".join(f" AND {c}" for c in clauses), params


@dataclass
class Candidate:
    id: int
    sort_date: dt.date
    section_id: int | None
    author_id: int | None
    rank: float


@dataclass
class Matches:
    """The outcome of a search, before any page of it is shown."""

    ids: list[int]
    total: int
    total_kind: str  # "exact", "about" (PostgreSQL's estimate) or "more than" (a capped count)
    window: int | None  # when set, ranked among only the newest `window` matches
    facets: dict
    faceted: int | None  # when set, facets count only the newest `faceted` matches


class SearchBackend:
    """What both databases do alike, given their own ``match_sql``."""

    def count(self, query, filters, cap):
        """Matches of a query, counted up to ``cap``."""
        match, params = self.match_sql(query)
        where, where_params = filters.sql()
        sql = f"SELECT count(*) FROM (SELECT 1 FROM articles_article a WHERE {match}{where} LIMIT %s) counted"
        return _rows(sql, [*params, *where_params, cap])[0][0]


class PostgresSearch(SearchBackend):
    """Weighted tsvector with GIN; ts_rank_cd for relevance, ts_headline for snippets."""

    def tsquery(self, query: Query, relaxed=False):
        """The query as tsquery SQL. ``relaxed`` reads phrases as all their words, anywhere:
        a phrase must be checked against each row's word positions, which the index does not
        hold, while all-the-words is answered by the index alone."""

        def atom(a):
            function = "phraseto_tsquery" if a.is_phrase and not relaxed else "plainto_tsquery"
            return f"{function}('{SEARCH_CONFIG}', %s)", [a.text]

        def any_of(atoms):
            parts = [atom(a) for a in atoms]
            return "(" + " || ".join(p for p, _ in parts) + ")", [x for _, ps in parts for x in ps]

        pieces = [any_of(c.atoms) for c in query.clauses]
        excluded = [a for a in query.excluded if not (relaxed and a.is_phrase)]
        if excluded:
            sql, params = any_of(excluded)
            pieces.append((f"!!{sql}", params))
        return "(" + " && ".join(p for p, _ in pieces) + ")", [x for _, ps in pieces for x in ps]

    @contextmanager
    def session(self):
        """One transaction for a search's queries, with settings fit for them: enough memory
        for an exact bitmap of a frequent word (a lossy one rereads every row of its pages),
        and no JIT or parallel workers, whose start-up costs more than these queries."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0"
            )
            yield

    @staticmethod
    def estimate(cursor, from_where, params):
        """PostgreSQL's estimate of the rows a FROM ... WHERE ... clause selects."""
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 {from_where}", params)
        plan = cursor.fetchone()[0]
        return int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])

    @staticmethod
    def has_phrases(query):
        return any(a.is_phrase for c in query.clauses for a in c.atoms) or any(a.is_phrase for a in query.excluded)

    def match_sql(self, query, table="a"):
        sql, params = self.tsquery(query)
        return f"{table}.search_vector @@ {sql}", params

    def candidates(self, query, filters, order, limit):
        """The newest matches in date order, ranked, with an estimate of all matches.

        Returns (rows, estimate, capped, window): at most ``window`` rows, the newest matches,
        ``capped`` when there are more. PostgreSQL's own plans ignore the cost of reading each
        row's search vector, so it scans the whole table for rare and frequent words alike. The
        plan is chosen here instead, from its estimate of the matches, to keep the work within
        a budget (see BUDGET_MS):

        - few matches: collect them all from the GIN index, sort them by date;
        - many: walk the date index, checking each row, and stop after ``window`` matches. The
          window shrinks for a middling word, so that the rows read stay within the budget:
          such a search ranks and counts its facets among its newest few hundred matches.

        A query with phrases is first matched with all their words (the index answers that
        alone) and the phrases are checked on those candidates only: checking a phrase reads
        the row, and a phrase of common words may occur in no row at all.
        """
        exact, exact_params = self.tsquery(query)
        relaxed, relaxed_params = self.tsquery(query, relaxed=True)
        where, where_params = filters.sql()
        direction = "ASC" if order == "oldest" else "DESC"
        match = f"FROM articles_article a WHERE a.search_vector @@ {relaxed}{where}"
        with connection.cursor() as cursor:
            estimate = max(1, self.estimate(cursor, match, [*relaxed_params, *where_params]))
            # Both plans read the rows of the words and the year (the indexes' part), then check
            # the tag and agency filters on each, which costs a lookup more per row.
            year_sql, year_params = Filters(year=filters.year).sql()
            indexed = estimate
            if where != year_sql:
                indexed = self.estimate(
                    cursor,
                    f"FROM articles_article a WHERE a.search_vector @@ {relaxed}{year_sql}",
                    [*relaxed_params, *year_params],
                )
            domain = table_rows()
            if year_sql:
                domain = self.estimate(cursor, f"FROM articles_article a WHERE TRUE{year_sql}", year_params)
            check_us = FILTER_ROW_US if where != year_sql else 0
            bitmap_us = indexed * (BITMAP_ROW_US + check_us)
            walked_per_match = max(domain, 1) / estimate
            walk_window = int(
                min(limit, max(MIN_WINDOW, BUDGET_MS * 1000 / (WALK_ROW_US + check_us) / walked_per_match))
            )
            walk_us = walk_window * walked_per_match * (WALK_ROW_US + check_us)
            walk_dates = bitmap_us > BUDGET_MS * 1000 and walk_us < bitmap_us
            window = walk_window if walk_dates else limit
            columns = "a.id, a.sort_date, a.section_id, a.author_id, a.search_vector"
            order_by = f"ORDER BY sort_date {direction}, id {direction} LIMIT %s"
            if walk_dates:
                candidates = f"SELECT {columns} {match} {order_by}"
            else:
                # OFFSET 0 keeps the matching apart from the ordering: the matches come from
                # the GIN index, and only then are they sorted by date.
                candidates = f"SELECT * FROM (SELECT {columns} {match} OFFSET 0) matches {order_by}"
            # Rank in the outer query, so that only the rows kept are ranked. The last row
            # carries the number of candidates read, which tells whether the window was filled.
            sql = (
                f"WITH c AS MATERIALIZED ({candidates})"
                f" SELECT id, sort_date, section_id, author_id, ts_rank_cd(search_vector, {exact}), NULL FROM c"
                f" WHERE search_vector @@ {exact}"
                f" UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, count(*) FROM c"
            )
            cursor.execute("SET LOCAL enable_seqscan = off")
            if walk_dates:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(sql, [*relaxed_params, *where_params, window, *exact_params, *exact_params])
            rows = cursor.fetchall()
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
        read = rows.pop()[5]
        if self.has_phrases(query) and read:
            estimate = round(estimate * len(rows) / read)
        return rows, estimate, read >= window, window

    def headlines(self, query, ids):
        tsq, params = self.tsquery(query)
        marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
        sql = (
            f"SELECT a.id, ts_headline('{SEARCH_CONFIG}', a.title, {tsq}, 'HighlightAll=true, {marks}'),"
            f" ts_headline('{SEARCH_CONFIG}', a.body, {tsq},"
            f" 'MaxFragments=2, MinWords=12, MaxWords=30, FragmentDelimiter=\" … \", {marks}')"
            f" FROM articles_article a WHERE a.id = ANY(%s)"
        )
        return {row[0]: (row[1], row[2]) for row in _rows(sql, [*params, *params, list(ids)])}

    def ids_sql(self, ids):
        return "= ANY(%s)", [list(ids)]


class SqliteSearch(SearchBackend):
    """FTS5 with BM25 ranking (title 10, tags and captions 4, body 1), snippet() and highlight()."""

    def session(self):
        return nullcontext()

    def fts_query(self, query: Query):
        def atom(a):
            return '"' + a.text.replace('"', '""') + '"'

        def any_of(atoms):
            return "(" + " OR ".join(atom(a) for a in atoms) + ")"

        text = " AND ".join(any_of(c.atoms) for c in query.clauses)
        if query.excluded:
            text = f"({text}) NOT {any_of(query.excluded)}"
        return text

    def match_sql(self, query, table="a"):
        return f"{table}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [self.fts_query(query)]

    def candidates(self, query, filters, order, limit):
        where, where_params = filters.sql()
        direction = "ASC" if order == "oldest" else "DESC"
        sql = (
            f"SELECT a.id, a.sort_date, a.section_id, a.author_id, -bm25({FTS_TABLE}, 10.0, 4.0, 1.0)"
            f" FROM {FTS_TABLE} f JOIN articles_article a ON a.id = f.rowid"
            f" WHERE {FTS_TABLE} MATCH %s{where}"
            f" ORDER BY a.sort_date {direction}, a.id {direction} LIMIT %s"
        )
        rows = _rows(sql, [self.fts_query(query), *where_params, limit + 1])
        return rows[:limit], None, len(rows) > limit, limit

    def headlines(self, query, ids):
        id_sql, id_params = self.ids_sql(ids)
        sql = (
            f"SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s), snippet({FTS_TABLE}, 2, %s, %s, ' … ', 30)"
            f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid {id_sql}"
        )
        params = [MARK_START, MARK_END, MARK_START, MARK_END, self.fts_query(query), *id_params]
        return {row[0]: (row[1], row[2]) for row in _rows(sql, params)}

    def ids_sql(self, ids):
        return "IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def backend():
    return PostgresSearch() if is_postgres() else SqliteSearch()


def table_rows():
    """PostgreSQL's count of article rows as of its last ANALYZE (cached for ten minutes)."""
    rows = cache.get("archive-article-reltuples")
    if rows is None:
        rows = max(1, int(_rows("SELECT reltuples FROM pg_class WHERE oid = 'articles_article'::regclass", [])[0][0]))
        cache.set("archive-article-reltuples", rows, 600)
    return rows


def analyze():
    """Refresh the planner's statistics after a large ingest: search plans depend on them."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("ANALYZE articles_article, articles_articletag, articles_articlemedia, articles_mediaitem")
        else:
            cursor.execute("ANALYZE")


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- What the rest of the archive calls ------------------------------------------------------


def parse(text) -> Query:
    """Parse a searcher's query, expanding tag names to all their variants."""
    return parse_query(text, variants=tag_variants())


def tag_variants():
    """atom -> the other names of the tag it names (built from Tag names and aliases, cached)."""
    version = index_version()
    cached = _variants_cache.get("map")
    if cached is None or cached[0] != version:
        from .models import Tag

        by_key: dict[tuple, list[Atom]] = {}
        for tag in Tag.objects.only("name", "aliases"):
            atoms = [name_atom(n) for n in tag.names]
            atoms = [a for a in atoms if a.words]
            for a in atoms:
                by_key.setdefault(name_key(a.words), []).extend(x for x in atoms if x != a)
        _variants_cache["map"] = cached = (version, by_key)
    by_key = cached[1]
    return lambda atom: by_key.get(name_key(atom.words), [])


_variants_cache: dict = {}


def index_version():
    """A number that changes whenever articles or tags change, keying the caches."""
    return cache.get_or_set("archive-search-version", 1, None)


def invalidate():
    """Forget cached searches and name variants: call after articles or tags change."""
    try:
        cache.incr("archive-search-version")
    except ValueError:
        cache.set("archive-search-version", 2, None)


def filter_queryset(queryset, text):
    """Narrow an Article queryset to the articles matching a query (admin search uses this)."""
    query = parse(text)
    if not query:
        return queryset.none()
    sql, params = backend().match_sql(query, table=queryset.model._meta.db_table)
    return queryset.extra(where=[sql], params=params)


def find(query: Query, filters: Filters, order: str) -> Matches:
    """Match a parsed query: ordered ids (at most CANDIDATES), total, and facet counts."""
    key = "archive-search:" + hashlib.sha1(repr((index_version(), query, filters, order)).encode("utf-8")).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _find(query, filters, order)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _find(query, filters, order):
    engine = backend()
    with engine.session():
        return _find_in(engine, query, filters, order)


def _find_in(engine, query, filters, order):
    found, estimate, capped, window = engine.candidates(query, filters, order, CANDIDATES)
    rows = [Candidate(*row[:5]) for row in found]
    if not capped:
        total, kind = len(rows), "exact"
    elif estimate is not None:
        total, kind = max(estimate, len(rows)), "about"
    else:
        counted = engine.count(query, filters, COUNT_CAP + 1)
        total, kind = min(counted, COUNT_CAP), "more than" if counted > COUNT_CAP else "exact"
    facets, faceted = facet_counts(engine, rows)
    if order == "relevance":
        rows.sort(key=lambda c: (-c.rank, -c.sort_date.toordinal(), -c.id))
    return Matches(
        ids=[c.id for c in rows],
        total=total,
        total_kind=kind,
        window=window if capped else None,
        facets=facets,
        faceted=faceted if faceted < total else None,
    )


def facet_counts(engine, rows):
    """Counts per section, author, year, tag and photo agency among the newest candidates."""
    rows = rows[:FACET_ROWS]
    facets = {
        "section": Counter(c.section_id for c in rows if c.section_id),
        "author": Counter(c.author_id for c in rows if c.author_id),
        "year": Counter(c.sort_date.year for c in rows if c.sort_date > UNDATED_SORT_DATE),
        "tag": Counter(),
        "agency": Counter(),
    }
    if rows:
        id_sql, params = engine.ids_sql([c.id for c in rows])
        counted = _rows(
            f"SELECT 'tag', CAST(tag_id AS TEXT), count(*) FROM articles_articletag WHERE article_id {id_sql}"
            " GROUP BY tag_id"
            " UNION ALL SELECT 'agency', m.agency, count(DISTINCT am.article_id) FROM articles_articlemedia am"
            f" JOIN articles_mediaitem m ON m.id = am.media_id WHERE am.article_id {id_sql} AND m.agency <> ''"
            " GROUP BY m.agency",
            [*params, *params],
        )
        for facet, value, count in counted:
            facets[facet][int(value) if facet == "tag" else value] = count
    return facets, len(rows)


def highlighted(query: Query, ids):
    """id -> (title HTML, snippet HTML) for the rows of one page; matches in <mark>."""
    return {
        pk: (marked_html(title), marked_html(snippet))
        for pk, (title, snippet) in backend().headlines(query, ids).items()
    }


def marked_html(text):
    """Escape text, then turn the search markers into <mark> elements."""
    if not text:
        return ""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    if html.count("<mark>") != html.count("</mark>"):
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)


def suggest(query: Query):
    """A corrected query built from tag names and title words, if it finds anything."""
    vocabulary = _suggestion_vocabulary()
    changed, words = False, []
    for word in query.words:
        if word in vocabulary or len(word) < 4:
            words.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        changed |= bool(close)
        words.append(close[0] if close else word)
    if not changed:
        return None
    text = " ".join(dict.fromkeys(words))
    corrected = parse(text)
    if corrected and backend().count(corrected, Filters(), 1):
        return text
    return None


def _suggestion_vocabulary():
    from .models import Article, Tag

    key = f"archive-suggest:{index_version()}"
    vocabulary = cache.get(key)
    if vocabulary is None:
        names = [n for tag in Tag.objects.only("name", "aliases") for n in tag.names]
        titles = Article.objects.order_by("-sort_date", "-id").values_list("title", flat=True)[:5000]
        vocabulary = sorted({w.lower() for text in [*names, *titles] for w in WORD_RE.findall(text) if len(w) > 2})
        cache.set(key, vocabulary, 3600)
    return vocabulary
