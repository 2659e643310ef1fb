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
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ceiling import bench_ceiling
from cold import WRK_COLD_SCRIPT, bench_cold_pages, cold_mix
from common import (
    ROOT,
    SHARED_CACHE_ENV,
    corpus,
    fresh_database,
    manage,
    search_index_dir,
    timed_command,
)
from olddesign import build as build_old_design
from olddesign import run_old_design
from queries import query_set

RESULTS = ROOT / "bench" / "results.json"
RESULTS_SQLITE = ROOT / "bench" / "results-sqlite.json"
SQLITE_PARTS = {"ingest", "search"}  # the rest measures PostgreSQL and servers as deployed
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
PRODUCTION_ENV = {
    # The API's parts measure the server's time, not its limit on anonymous clients.
    "ARCHIVE_API_ANON_RATE": "1000000/minute",
    "ARCHIVE_EXPORT_ANON_RATE": "1000000/minute",
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
    ids = _sample_ids(random.Random(3))
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


def _sample_ids(rng):
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


# --- load ------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_urls(folder, count=400):
    from articles.models import Article, Tag

    rng = random.Random(5)
    urls = []
    articles = list(Article.objects.filter(id__in=_sample_ids(rng)).only("id", "slug"))
    tags = list(Tag.objects.filter(article_count__gt=0).order_by("-article_count")[:20])
    searches = [params["q"] for _, params in query_set(folder)]
    for i in range(count):
        kind = i % 4
        if kind == 0:
            urls.append(articles[i % len(articles)].get_absolute_url())
        elif kind == 1:
            urls.append("/articles/" if i % 8 == 1 else f"/archive/{2005 + i % 13}/")
        elif kind == 2:
            urls.append(tags[i % len(tags)].get_absolute_url())
        else:
            from urllib.parse import urlencode

            urls.append("/search/?" + urlencode({"q": searches[i % len(searches)]}))
    return urls


WRK_SCRIPT = """
local urls = {}
for line in io.lines("%s") do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i %% #urls + 1
  return wrk.format("GET", urls[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%.1f\\n", summary.requests, e.connect, e.read, e.write,
    e.status, e.timeout, summary.duration, latency:percentile(95)))
end
"""


def run_wrk(port, url_file, seconds, cold=False):
    """wrk over the addresses in url_file: the cold mix gives each of 8 clients its own share."""
    if not shutil.which("wrk"):
        raise SystemExit("The load part needs wrk (Debian package wrk).")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_COLD_SCRIPT % {"file": url_file, "clients": 8} if cold else WRK_SCRIPT % url_file)
    threads = "-t8" if cold else "-t2"
    output = subprocess.run(
        ["wrk", threads, "-c8", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    failed = [row.split(" ", 1)[1] for row in output.splitlines() if row.startswith("FAILED")]
    line = [row for row in output.splitlines() if row.startswith("RESULT")][-1].split()
    requests, connect, read, write, status, timeout, duration_us, p95_us = map(float, line[1:])
    return {
        "requests": int(requests),
        "requests_per_second": round(requests / (duration_us / 1e6)),
        "p95_ms": round(p95_us / 1000, 1),
        "errors": int(connect + read + write + status + timeout),
        "non_2xx_3xx": int(status),
        **({"failed": failed[:10]} if failed else {}),
    }


def visit_each(port, urls):
    """Ask for each address once, so that the page cache holds every one of them."""
    for url in urls:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as response:
            response.read()


def url_file_of(urls):
    path = Path(tempfile.mkstemp(suffix=".txt")[1])
    path.write_text("\n".join(urls) + "\n")
    return path


def bench_load(n, url, folder, seconds=30):
    from django.core.cache import cache

    warm_urls = load_urls(folder)
    warm_file = url_file_of(warm_urls)
    # Twice the pages a run at the goal's rate asks for, so that no client meets a page another
    # asked for; one set for the quiet run and another for the run during an ingest.
    count = max(10_000, 2 * GOALS["cold_requests_per_second"] * seconds)
    mix = cold_mix(folder, 2 * count, seed=n)
    cold_files = [url_file_of(mix[:count]), url_file_of(mix[count:])]
    results = {"warm_urls": 400, "cold_urls": count, "seconds": seconds}
    uncached = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url, "ARCHIVE_PAGE_CACHE_SECONDS": "0"}
    with gunicorn(uncached) as (port, _):
        run_wrk(port, warm_file, 5)
        results["uncached"] = run_wrk(port, warm_file, seconds)
        print(f"  load, small mix, no page cache: {results['uncached']}", flush=True)
    served = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url, "ARCHIVE_PAGE_CACHE_SECONDS": "300"}
    with gunicorn(served) as (port, _):
        run_wrk(port, warm_file, 5)  # warm-up: connections and templates
        visit_each(port, warm_urls)  # every page of the small mix, however slow the machine
        results["steady"] = run_wrk(port, warm_file, seconds)
        print(f"  load, small mix, page cache: {results['steady']}", flush=True)
        results["cold"] = run_wrk(port, cold_files[0], seconds, cold=True)
        print(f"  load, cold mix: {results['cold']}", flush=True)
        results["cold_during_ingest"] = load_during_ingest(n, port, cold_files[1], served, seconds)
        print(f"  load, cold mix during ingest: {results['cold_during_ingest']}", flush=True)
    cache.clear()
    for path in [warm_file, *cold_files]:
        path.unlink()
    return results


def load_during_ingest(n, port, url_file, env, seconds):
    # New pages each run (a fresh seed), so that the ingest really writes.
    extra = corpus(max(2000, n // 20), folder=Path(tempfile.mkdtemp(prefix="archive-extra-")), seed=int(time.time()))
    ingest = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", str(extra), "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    during = run_wrk(port, url_file, seconds, cold=True)
    ingest_output = ingest.communicate()[0]
    during["ingest_summary"] = [row for row in ingest_output.splitlines() if row.startswith("Files seen")][-1:]
    during["ingest_exit_status"] = ingest.returncode
    shutil.rmtree(extra, ignore_errors=True)
    return during


@contextlib.contextmanager
def gunicorn(env, workers=2):
    """gunicorn with the configuration `make serve` uses, on a free port: yields (port, the
    master's pid)."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "archive.wsgi",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env={**env, "WORKERS": str(workers)},
    )
    try:
        _wait_for(port)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)  # gunicorn lets requests under way finish, 30 s at most
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


# --- export and API ----------------------------------------------------------------------------


def bench_export(url, folder):
    """CSV exports of every match through gunicorn with one worker: time to first byte, total
    time, rows, and the worker's resident memory before and at its peak."""
    from urllib.parse import urlencode

    from articles import search
    from articles.models import Article

    word = next(params["q"] for label, params in query_set(folder) if label == "frequent")
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url, "ARCHIVE_PAGE_CACHE_SECONDS": "0"}
    results = {"word": word, "matches": search.count(search.parse(word)), "articles": Article.objects.count()}
    with gunicorn(env, workers=1) as (port, master):
        download(port, "/search/export.csv?" + urlencode({"q": "zzzz"}))  # loads the worker and its index
        worker = child_pids(master)[0]
        for name, path in (
            ("search_csv", "/search/export.csv?" + urlencode({"q": word})),
            ("all_articles_csv", "/articles/export.csv"),
        ):
            results[name] = measured_download(port, path, worker)
            print(f"  export {name}: {results[name]}", flush=True)
    return results


def child_pids(pid):
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            children += [int(c) for c in handle.read().split()]
    return children


def download(port, path):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def measured_download(port, path, worker):
    """Time to first byte and in all, bytes, and the worker's memory while it streams."""
    import http.client
    import threading

    from common import tree_rss

    before = tree_rss(worker)
    peak, done = [before], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(worker))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    connection.request("GET", path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size = len(first)
    while chunk := response.read(1 << 16):
        size += len(chunk)
    total = time.perf_counter() - started
    done.set()
    watcher.join()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return {
        "first_byte_ms": round(first_byte * 1000, 1),
        "total_s": round(total, 2),
        "megabytes": round(size / 2**20, 1),
        "worker_rss_before_mb": round(before / 2**20),
        "worker_rss_peak_mb": round(peak[0] / 2**20),
    }


def bench_api(folder):
    """p50/p95 server time of the API's article, list and search endpoints (in process)."""
    from django.test import Client

    client = Client()
    timings = {"article": [], "list": [], "search": []}
    for pk in _sample_ids(random.Random(3)):
        timings["article"] += [timed_get(client, f"/api/v1/articles/{pk}/") for _ in range(3)]
    page = client.get("/api/v1/articles/", {"page_size": 20}).json()
    for _ in range(10):
        timings["list"].append(timed_get(client, page["next"]))
        page = client.get(page["next"]).json()
    queries = query_set(folder)
    for _ in range(2):  # the second pass is measured: the first loads the index
        timings["search"] = [timed_get(client, "/api/v1/search/", params) for _, params in queries]
    return {
        name: {"requests": len(ms), "p50_ms": round(percentile(ms, 0.5), 1), "p95_ms": round(percentile(ms, 0.95), 1)}
        for name, ms in timings.items()
    }


def timed_get(client, path, params=None):
    started = time.perf_counter()
    response = client.get(path, params or {})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} {params} answered {response.status_code}")
    return elapsed


# --- report ----------------------------------------------------------------------------------


def load_figures(run):
    return f"{run['requests_per_second']}, {run['p95_ms']}, {run['errors']}"


def report(results):
    n = results["n"]
    database = "SQLite" if results.get("database") == "sqlite" else "PostgreSQL"
    print(f"\nArchive benchmark at {n:,} generated articles ({database}, {os.cpu_count()} cores)")
    print(f"{'measure':<50} {'value':>18}   goal")
    rows = []
    ingest = results.get("ingest")
    if ingest:
        rows += [
            ("ingest, first run (files/s)", f"{ingest['first']['files_per_second']:,}", "≥ 2,000"),
            ("ingest, unchanged re-run (files/s)", f"{ingest['unchanged']['files_per_second']:,}", "≥ 20,000"),
            (
                "ingest, peak memory first / unchanged (MB)",
                f"{ingest['first']['peak_memory_mb']} / {ingest['unchanged']['peak_memory_mb']}",
                "",
            ),
            (
                "  of it the processes' own (MB)",
                f"{ingest['first'].get('peak_own_memory_mb')} / {ingest['unchanged'].get('peak_own_memory_mb')}",
                "flat in N",
            ),
        ]
    cold = results.get("cold_pages")
    if cold:
        for name in ("article", "article_new_connection", "list", "list_new_connection"):
            f = cold[name]
            rows.append(
                (
                    f"first visit, {name.replace('_', ' ')}: median / p95 ms, CPU, q",
                    f"{f['median_ms']} / {f['p95_ms']}, {f['median_cpu_ms']}, {f['max_queries']} q",
                    "≤ 10 ms, ≤ 6 q" if "new" not in name else "",
                )
            )
    ceiling = results.get("ceiling")
    if ingest and ceiling:
        rows += [
            (
                "ceiling: COPY + search index (files/s)",
                f"{ceiling['files_per_second']:,}",
                f"{ceiling['copy_seconds']} s + {ceiling['search_index_seconds']} s",
            ),
            (
                "ingest, first run / ceiling",
                f"{ingest['first']['files_per_second'] / ceiling['files_per_second']:.0%}",
                "≥ 80 % (or ≥ 2,000 files/s)",
            ),
        ]
    pages = results.get("pages")
    if pages:
        for name in ("home", "article", "list_first", "list_last", "tag_first", "tag_last", "year_last", "photo"):
            goal = {"article": "≤ 10 ms, ≤ 6 q"}.get(name, "≤ 25 ms" if "list" in name or "tag" in name else "")
            rows.append(
                (f"{name.replace('_', ' ')} (ms, queries)", f"{pages[name]['ms']} ms, {pages[name]['queries']} q", goal)
            )
        rows.append(
            ("list: last page / first page", f"{pages['list_last']['ms'] / pages['list_first']['ms']:.2f}", "≤ 1.5")
        )
    search = results.get("search")
    if search:
        rows += [
            (
                f"search p50 / p95 ({search['queries']} queries, ms)",
                f"{search['p50_ms']} / {search['p95_ms']}",
                "p95 ≤ 150",
            ),
            (
                "naive icontains p50 / p95 (ms)",
                f"{search['naive_icontains']['p50_ms']} / {search['naive_icontains']['p95_ms']}",
                "",
            ),
            ("icontains p50 / our p50", f"{search['naive_icontains']['p50_ms'] / search['p50_ms']:.0f}×", "large"),
        ]
    old = results.get("old_design")
    if old:
        rows.append(
            ("old design (tsvector, newest 2,000) p50 / p95 ms", f"{old['p50_ms']} / {old['p95_ms']}", "SQL only")
        )
    load = results.get("load")
    if load:
        rows += [
            (
                f"cold mix ({load['cold_urls']:,} pages): req/s, p95 ms, errors",
                load_figures(load["cold"]),
                "≥ 300, ≤ 100, 0",
            ),
            ("cold mix while ingesting: req/s, p95 ms, errors", load_figures(load["cold_during_ingest"]), "≥ 150, 0"),
            ("small mix, page cache: req/s, p95 ms, errors", load_figures(load["steady"]), ""),
            ("  same without the page cache", load_figures(load["uncached"]), ""),
        ]
    export = results.get("export")
    if export:
        for name, count in (("search_csv", "matches"), ("all_articles_csv", "articles")):
            run = export[name]
            label = f"CSV of every match of '{export['word']}'" if name == "search_csv" else "CSV of every article"
            rows += [
                (f"{label} (rows, MB)", f"{export[count]:,}, {run['megabytes']}", ""),
                ("  first byte ms, total s", f"{run['first_byte_ms']}, {run['total_s']}", ""),
                ("  worker RSS before / peak (MB)", f"{run['worker_rss_before_mb']} / {run['worker_rss_peak_mb']}", ""),
            ]
    api = results.get("api")
    if api:
        for name in ("article", "list", "search"):
            rows.append((f"API {name} p50 / p95 (ms)", f"{api[name]['p50_ms']} / {api[name]['p95_ms']}", ""))
    for name, value, goal in rows:
        print(f"{name:<50} {value:>18}   {goal}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="generated pages (default 100,000)")
    parser.add_argument(
        "--only", default="ingest,ceiling,cold,pages,search,load,export,api", help="parts to run, comma separated"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse an already ingested database of N pages")
    parser.add_argument("--naive-limit", type=int, default=None, help="run icontains on only this many queries")
    parser.add_argument("--sqlite", action="store_true", help="ingest and search on SQLite instead")
    args = parser.parse_args()
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
    if "ceiling" in parts:
        if not article_count(url):
            raise SystemExit(f"No ingested database at {url}: run the ingest part first.")
        results["ceiling"] = bench_ceiling(args.n, url)
    if parts & {"cold", "pages", "search", "load", "export", "api"}:
        if not article_count(url):
            raise SystemExit(f"No ingested database at {url}: run the ingest part first.")
        django_setup(url)
    if "cold" in parts:
        results["cold_pages"] = bench_cold_pages()
        print(f"  cold pages: {results['cold_pages']}", flush=True)
    if "pages" in parts:
        results["pages"] = bench_pages()
        print(f"  pages: {results['pages']}", flush=True)
    if "search" in parts:
        # A naive search reads every article: at a million, seconds each, so a sample of them.
        naive_limit = args.naive_limit or (8 if args.n >= 500_000 else None)
        results["search"] = bench_search(folder, naive_limit)
        print(f"  search: {results['search']}", flush=True)
    if "olddesign" in parts:
        seconds = build_old_design(url)
        results["old_design"] = {**run_old_design(url, query_set(folder)), "build_seconds": round(seconds)}
        print(f"  old design (tsvector + GIN, newest 2,000 ranked): {results['old_design']}", flush=True)
    if "load" in parts:
        results["load"] = bench_load(args.n, url, folder)
    if "export" in parts:
        results["export"] = bench_export(url, folder)
    if "api" in parts:
        results["api"] = bench_api(folder)
        print(f"  api: {results['api']}", flush=True)
    results["machine"] = {"cpus": os.cpu_count(), "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    results_file.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    report(results)
    print(f"\nWritten to {results_file.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
