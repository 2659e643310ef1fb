"""The archive's benchmark: N generated pages in PostgreSQL, measured the way readers use them.

    python bench/run.py --n 100000                 # everything: make bench
    python bench/run.py --n 100000 --only search   # make bench-search
    python bench/run.py --n 100000 --only ingest   # make bench-ingest
    python bench/run.py --n 100000 --only export,api --reuse   # make bench-export
    python bench/run.py --n 100000 --only ingest,search --sqlite   # make bench-search SQLITE=1

Parts:
  ingest  files/s of a first ingest and of an unchanged re-run, peak memory of the processes
  pages   server time and query count of home, article, list (first and last page), tag, photo
  search  p50/p95 server time of the full results page for ~60 queries, beside a naive
          icontains search over the same data in the same run
  cold    first visits of article and list pages with nothing cached (see cold.py)
  load    gunicorn as `make serve` runs it (gunicorn.conf.py) under wrk for 30 s: a cache-cold
          mix of at least 10,000 distinct pages over 8 clients, then the same while an ingest
          runs; and, for comparison, a small mix the page cache holds, with and without it:
          requests/s, p95, errors
  export  gunicorn (1 worker): time to first byte, total time and the worker's peak memory of a
          CSV export of every match of a frequent word, and of every article
  api     p50/p95 server time of the API's article, list and search endpoints
Prints one table and writes bench/results.json. Not a test: figures for people to compare.
"""

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ceiling import bench_ceiling
from cold import bench_cold_pages
from common import (
    ROOT,
    corpus,
    manage,
    search_index_dir,
    timed_command,
)
from load import bench_load
from olddesign import build as build_old_design
from olddesign import run_old_design
from queries import query_set
from report import report
from setup import article_count, database_url, django_setup, fresh, percentile, sample_ids
from transfer import bench_api, bench_export

RESULTS = ROOT / "bench" / "results.json"
RESULTS_SQLITE = ROOT / "bench" / "results-sqlite.json"
SQLITE_PARTS = {"ingest", "search"}  # the rest measures PostgreSQL and servers as deployed


# --- ingest ----------------------------------------------------------------------------------


def bench_ingest(url, folder):
    url = fresh(url)
    shutil.rmtree(search_index_dir(url), ignore_errors=True)
    manage(["migrate", "--noinput", "-v0"], url, check=True)
    results = {}
    for label in ("first", "unchanged"):
        seconds, peak, output, cpu = timed_command(["ingest", str(folder), "--no-progress"], url)
        summary = [line for line in output.splitlines() if line.startswith("Files seen")][-1]
        seen = int(re.search(r"Files seen: ([\d,]+)", summary)[1].replace(",", ""))
        results[label] = {
            "files": seen,
            "seconds": round(seconds, 1),
            "files_per_second": round(seen / seconds),
            "peak_memory_mb": round(peak[0] / 2**20),
            "peak_own_memory_mb": round(peak[1] / 2**20),
            "cpu_ms_per_file": {k.split("_")[0]: round(v * 1000 / seen, 2) for k, v in cpu.items()},
            "summary": summary,
        }
        print(
            f"  ingest {label}: {seen:,} files in {seconds:.1f} s = {seen / seconds:,.0f} files/s, "
            f"peak {peak[0] / 2**20:,.0f} MB ({peak[1] / 2**20:,.0f} MB its own), "
            f"CPU per file {results[label]['cpu_ms_per_file']} ms",
            flush=True,
        )
    return results


# --- in-process measurements -----------------------------------------------------------------


def measure(client, path, params=None, runs=7):
    """Median server time (ms) and query count of one page, after a warm-up request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, params or {})
    if response.status_code != 200:
        raise SystemExit(f"{path} {params} answered {response.status_code}")
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(path, params or {})
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return round(statistics.median(times), 2), queries


def last_page_link(client, path):
    html = client.get(path).content.decode()
    match = re.search(r'href="(\?[^"]+)" rel="last"', html)
    return path + match[1].replace("&amp;", "&")


def bench_pages():
    from django.test import Client

    from articles.models import Article, MediaItem, Tag

    client = Client()
    ids = sample_ids(random.Random(3))
    results = {"home": measure(client, "/")}
    article_times, article_queries = [], []
    for pk in ids:
        article = Article.objects.only("id", "slug").get(pk=pk)
        ms, q = measure(client, article.get_absolute_url(), runs=3)
        article_times.append(ms)
        article_queries.append(q)
    results["article"] = (round(statistics.median(article_times), 2), max(article_queries))
    results["list_first"] = measure(client, "/articles/")
    results["list_last"] = measure(client, last_page_link(client, "/articles/"))
    tag = Tag.objects.order_by("-article_count").first()
    results["tag_first"] = measure(client, tag.get_absolute_url())
    results["tag_last"] = measure(client, last_page_link(client, tag.get_absolute_url()))
    results["year_last"] = measure(client, last_page_link(client, "/archive/2010/"))
    photo = MediaItem.objects.exclude(media_id=None).order_by("-media_id").first()
    results["photo"] = measure(client, photo.get_absolute_url())
    return {name: {"ms": ms, "queries": q} for name, (ms, q) in results.items()}


def bench_search(folder, naive_limit=None):
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from articles.models import Article

    client = Client()
    queries = query_set(folder)
    passes = []
    for _ in range(2):
        times = []
        for _, params in queries:
            cache.clear()  # no cached results: every query is computed
            started = time.perf_counter()
            response = client.get("/search/", params)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"search {params} answered {response.status_code}")
        passes.append(times)
    times = passes[-1]
    by_label = {}
    for (label, _), ms in zip(queries, times):
        by_label.setdefault(label, []).append(ms)
    slowest = sorted(zip(times, queries), key=lambda pair: -pair[0])[:5]
    naive = []
    naive_queries = queries if naive_limit is None else queries[:: max(1, len(queries) // naive_limit)]
    for _, params in naive_queries:
        word = re.findall(r"[a-z]+", params["q"])[0]
        started = time.perf_counter()
        matches = Article.objects.filter(Q(title__icontains=word) | Q(body__icontains=word))
        total = matches.count()
        list(matches.order_by("-sort_date", "-id").only("id", "title")[:20])
        naive.append((time.perf_counter() - started) * 1000)
        del total
    connection.close()
    return {
        "queries": len(queries),
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "first_pass_p50_ms": round(percentile(passes[0], 0.5), 1),
        "first_pass_p95_ms": round(percentile(passes[0], 0.95), 1),
        "by_kind_p50_ms": {k: round(statistics.median(v), 1) for k, v in by_label.items()},
        "slowest": [{"ms": round(ms, 1), "kind": label, "params": params} for ms, (label, params) in slowest],
        "naive_icontains": {
            "queries": len(naive),
            "p50_ms": round(percentile(naive, 0.5), 1),
            "p95_ms": round(percentile(naive, 0.95), 1),
        },
    }


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="generated pages (default 100,000)")
    parser.add_argument(
        "--only", default="ingest,ceiling,cold,pages,search,load,export,api", help="parts to run, comma separated"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse an already ingested database of N pages")
    parser.add_argument("--naive-limit", type=int, default=None, help="run icontains on only this many queries")
    parser.add_argument("--sqlite", action="store_true", help="ingest and search on SQLite instead")
    return parser.parse_args()


def main():
    args = arguments()
    parts = set(args.only.split(","))
    if args.sqlite and parts - SQLITE_PARTS:
        print(f"On SQLite only {', '.join(sorted(SQLITE_PARTS))} are measured; skipping the rest.", flush=True)
        parts &= SQLITE_PARTS
    folder = corpus(args.n)
    url = database_url(args.n, sqlite=args.sqlite)
    results_file = RESULTS_SQLITE if args.sqlite else RESULTS
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results = results if results.get("n") == args.n else {}
    results.update(n=args.n, database="sqlite" if args.sqlite else "postgresql")
    if "ingest" in parts and not (args.reuse and article_count(url)):
        results["ingest"] = bench_ingest(url, folder)
    if parts & {"ceiling", "cold", "pages", "search", "load", "export", "api"} and not article_count(url):
        raise SystemExit(f"No ingested database at {url}: run the ingest part first.")
    if "ceiling" in parts:
        results["ceiling"] = bench_ceiling(args.n, url)
    if parts & {"cold", "pages", "search", "load", "export", "api"}:
        django_setup(url)
    run_parts(parts, args, url, folder, results)
    results["machine"] = {"cpus": os.cpu_count(), "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    results_file.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    report(results)
    print(f"\nWritten to {results_file.relative_to(ROOT)}")


def run_parts(parts, args, url, folder, results):
    """The parts measured in this process or against its servers, each printed as it ends."""
    # A naive search reads every article: at a million, seconds each, so a sample of them.
    naive_limit = args.naive_limit or (8 if args.n >= 500_000 else None)
    measured = {
        "cold": ("cold_pages", bench_cold_pages),
        "pages": ("pages", bench_pages),
        "search": ("search", lambda: bench_search(folder, naive_limit)),
        "olddesign": ("old_design", lambda: old_design(url, folder)),
        "load": ("load", lambda: bench_load(args.n, url, folder)),
        "export": ("export", lambda: bench_export(url, folder)),
        "api": ("api", lambda: bench_api(folder)),
    }
    for part, (name, measure) in measured.items():
        if part in parts:
            results[name] = measure()
            print(f"  {name.replace('_', ' ')}: {results[name]}", flush=True)


def old_design(url, folder):
    """The design search replaced (tsvector under GIN, the newest 2,000 matches ranked)."""
    seconds = build_old_design(url)
    return {**run_old_design(url, query_set(folder)), "build_seconds": round(seconds)}


if __name__ == "__main__":
    main()
