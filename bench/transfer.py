"""The export and API parts: every match downloaded as CSV (first byte, total, the worker's
memory), and the API's server time."""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import gunicorn
from queries import query_set
from setup import PRODUCTION_ENV, percentile, sample_ids


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
    for pk in sample_ids(random.Random(3)):
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
