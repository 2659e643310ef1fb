"""The load part: gunicorn as `make serve` runs it, under wrk, with a cache-cold mix of pages,
alone and while an ingest runs, and a small mix the page cache holds."""

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import WRK_COLD_SCRIPT, cold_mix
from common import (
    ROOT,
    corpus,
)
from queries import query_set
from setup import GOALS, PRODUCTION_ENV, sample_ids


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_urls(folder, count=400):
    from articles.models import Article, Tag

    rng = random.Random(5)
    urls = []
    articles = list(Article.objects.filter(id__in=sample_ids(rng)).only("id", "slug"))
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
def gunicorn(env, workers=2, root=ROOT, log_path=None):
    """gunicorn with the configuration `make serve` uses, serving the project at ``root``, on a
    free port: yields (port, the master's pid). Its warnings go to ``log_path`` when given."""
    port = free_port()
    log = open(log_path, "w") if log_path else None  # noqa: SIM115 -- closed below
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "archive.wsgi",
            "--config",
            str(Path(root) / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=root,
        env={**env, "WORKERS": str(workers)},
        stderr=log,
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
        if log:
            log.close()


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")
