"""The search design the archive had before tantivy, rebuilt in the benchmark's database only.

The old module (git show c3454a7:articles/search.py) kept a stored, weighted tsvector (title A,
tag names and captions B, body D) under a GIN index, took the newest CANDIDATES matches in date
order and ranked those by ts_rank_cd; snippets came from ts_headline. Here the same vector is
built by SQL over the same articles into a table of its own (the articles table is left as the
archive has it), and each query of the benchmark runs the old way: the newest 2,000 matches,
ranked, the best 20 with their title and snippet highlighted. Only the database's part is
timed (no page rendered), which favours the old design. Simplified: PostgreSQL's planner picks
the plan (the old code chose between the GIN index and a walk of the date index itself), and
the query is read by websearch_to_tsquery, which knows words, "phrases", OR and -exclusions.
"""

import statistics
import time

CANDIDATES = 2000
CONFIG = "english"
TABLE = "bench_old_search"

BUILD = [
    f"DROP TABLE IF EXISTS {TABLE}",
    f"""CREATE TABLE {TABLE} AS SELECT id, sort_date,
        setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('{CONFIG}', coalesce(index_terms, '')), 'B') ||
        setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'D') AS search_vector
        FROM articles_article""",
    f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)",
    f"CREATE INDEX {TABLE}_date ON {TABLE} (sort_date, id)",
    f"CREATE INDEX {TABLE}_vector ON {TABLE} USING gin (search_vector)",
    f"ANALYZE {TABLE}",
]

SEARCH = f"""
WITH c AS MATERIALIZED (
    SELECT s.id, s.search_vector FROM {TABLE} s
    WHERE s.search_vector @@ websearch_to_tsquery('{CONFIG}', %(q)s) {{filters}}
    ORDER BY s.sort_date DESC, s.id DESC LIMIT {CANDIDATES}
), best AS (
    SELECT id, ts_rank_cd(search_vector, websearch_to_tsquery('{CONFIG}', %(q)s)) AS rank FROM c
    ORDER BY rank DESC, id DESC LIMIT 20
)
SELECT a.id,
    ts_headline('{CONFIG}', a.title, websearch_to_tsquery('{CONFIG}', %(q)s), 'HighlightAll=true'),
    ts_headline('{CONFIG}', a.body, websearch_to_tsquery('{CONFIG}', %(q)s), 'MaxFragments=2, MaxWords=30'),
    (SELECT count(*) FROM c)
FROM best JOIN articles_article a ON a.id = best.id ORDER BY best.rank DESC, a.id DESC
"""


def build(url):
    """Build the old design's vector table and indexes; return the seconds it took."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        for sql in BUILD:
            conn.execute(sql)
    return time.monotonic() - started


def run_old_design(url, queries):
    """p50/p95 (ms) of the benchmark's queries searched the old way."""
    import psycopg

    times = []
    with psycopg.connect(url, autocommit=True) as conn:
        for _, params in queries:
            filters, values = "", {"q": params["q"]}
            if "year" in params:
                filters += " AND s.sort_date >= %(start)s AND s.sort_date < %(end)s"
                values.update(start=f"{params['year']}-01-01", end=f"{int(params['year']) + 1}-01-01")
            if "agency" in params:
                filters += (
                    " AND EXISTS (SELECT 1 FROM articles_articlemedia am JOIN articles_mediaitem m"
                    " ON m.id = am.media_id WHERE am.article_id = s.id AND m.agency = %(agency)s)"
                )
                values["agency"] = params["agency"]
            with conn.transaction():
                conn.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
                started = time.perf_counter()
                conn.execute(SEARCH.format(filters=filters), values).fetchall()
                times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    return {
        "queries": len(times),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
    }
