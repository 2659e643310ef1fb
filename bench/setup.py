"""What the benchmark's parts share: their databases and Django set up, the goals their figures
are held against, a sample of articles and percentiles."""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ROOT,
    SHARED_CACHE_ENV,
    fresh_database,
    search_index_dir,
)

PRODUCTION_ENV = {
    # The parts measure the server's time, not its limit on anonymous clients: no limit (an
    # empty rate) on pages, a rate never reached on the API and downloads (as the code before
    # empty rates meant no limit took them).
    "ARCHIVE_API_ANON_RATE": "1000000/minute",
    "ARCHIVE_EXPORT_ANON_RATE": "1000000/minute",
    "ARCHIVE_PAGES_ANON_RATE": "",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    **SHARED_CACHE_ENV,
}


def database_name(n):
    """archive_bench_N, or BENCH_DATABASE where several people share one PostgreSQL server."""
    return os.environ.get("BENCH_DATABASE") or f"archive_bench_{n}"


def database_url(n, sqlite=False):
    """The benchmark's PostgreSQL database, or with ``sqlite`` a file beside the corpus."""
    if sqlite:
        return f"sqlite:///{ROOT / 'bench' / database_name(n)}.sqlite3"
    base = os.environ.get("BENCH_ADMIN_URL", "postgres://root@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
    return f"{base}/{database_name(n)}"


def article_count(url):
    if url.startswith("sqlite:"):
        import sqlite3

        path = Path(url.removeprefix("sqlite:///"))
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                return conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
        except sqlite3.Error:
            return None
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    except psycopg.Error:
        return None


def fresh(url):
    """An empty database at ``url``: a new PostgreSQL database, or no SQLite file."""
    if url.startswith("sqlite:"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return url
    return fresh_database(url.rsplit("/", 1)[1])


def django_setup(url):
    os.environ.update(PRODUCTION_ENV)
    # Measure the views' own work: no rendered page comes from the cache here.
    os.environ["ARCHIVE_PAGE_CACHE_SECONDS"] = "0"
    os.environ["DATABASE_URL"] = url
    os.environ["ARCHIVE_SEARCH_INDEX_DIR"] = search_index_dir(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


GOALS = {
    "ingest_first_files_per_second": 2000,
    "ingest_unchanged_files_per_second": 20000,
    "article_ms": 10,
    "article_queries": 6,
    "cold_article_ms": 10,
    "cold_list_ms": 10,
    "cold_queries": 6,
    "cold_requests_per_second": 300,
    "cold_p95_ms": 100,
    "cold_during_ingest_requests_per_second": 150,
    "list_ms": 25,
    "deep_over_first": 1.5,
    "search_p95_ms": 150,
    "requests_per_second": 300,
}


def sample_ids(rng):
    from django.db.models import Max, Min

    from articles.models import Article

    bounds = Article.objects.aggregate(low=Min("id"), high=Max("id"))
    ids = set()
    while len(ids) < 25:
        candidate = rng.randint(bounds["low"], bounds["high"])
        if Article.objects.filter(pk=candidate).exists():
            ids.add(candidate)
    return sorted(ids)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
