"""Readers' latency while hostile clients run: gunicorn as `make serve` runs it (2 workers of 4
threads, DEBUG off, Redis, the default rate limits, one proxy in front), readers asking for
cold pages, and then 8 hostile clients on top:

  4 stallers   open a download of every article and never read it, each keeping two open
               (held 20 s, a new one every 10 s): the sockets that once held every thread
  2 bombers    ask the API's search for a cursor placed at 10**12, over and over: a position
               that once made a worker allocate terabytes and abort
  2 flooders   ask the HTML search for a query never asked before, as fast as they are answered

Readers come from many addresses (a new one each request, as many readers do), each hostile
client from one. The figures: readers' median and p95 latency and failures, quiet and under
attack; what the hostile clients got; how many workers died.

    make bench-hostile N=20000 [SERVE=path]

runs against the benchmark's database of N pages (ingested first if need be), serving the
project at SERVE (default: this one), so that two versions of the code meet the same clients.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cold import cold_mix
from common import ROOT, corpus
from load import gunicorn
from setup import PRODUCTION_ENV, database_url, django_setup

READERS = 4
READER_PAGES = 24_000
QUIET_SECONDS = 20
ATTACK_SECONDS = 40
# A cursor of the API's search placed at 10**12.
BOMB = "/api/v1/search/?q=syria&cursor=eyJrIjpbMTAwMDAwMDAwMDAwMF0sImIiOjAsInMiOjB9"
RATES = ("ARCHIVE_API_ANON_RATE", "ARCHIVE_EXPORT_ANON_RATE", "ARCHIVE_PAGES_ANON_RATE")


def server_env(url):
    """`make serve`'s environment, page cache on: the benchmark's rate-limit overrides left out."""
    env = {name: value for name, value in {**os.environ, **PRODUCTION_ENV}.items() if name not in RATES}
    return {
        **env,
        "DATABASE_URL": url,
        "ARCHIVE_PAGE_CACHE_SECONDS": "300",
        # A cache of this run's own: readers' pages are cold, whatever an earlier run cached.
        "ARCHIVE_CACHE_KEY_PREFIX": f"hostile-{uuid.uuid4().hex}",
        "DJANGO_NUM_PROXIES": "1",
    }


class Clock:
    """When the attack began, for the readers to file their samples under."""

    def __init__(self):
        self.attack_from = float("inf")
        self.stop = threading.Event()


def get(port, path, address, timeout=30):
    """(status, seconds) of one GET from ``address`` through the proxy; status 0 when it failed."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"X-Forwarded-For": address})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except (OSError, http.client.HTTPException):  # refused, timed out, or cut off by a worker's death
        return 0, time.monotonic() - started
    finally:
        connection.close()


def reader(port, paths, number, clock, samples):
    for i, path in enumerate(paths):
        if clock.stop.is_set():
            return
        status, seconds = get(port, path, f"10.{number}.{i // 250 % 250}.{i % 250 + 1}")
        samples.append((time.monotonic() >= clock.attack_from, status, seconds))


def staller(port, number, clock, outcomes):
    """Keep two downloads open, unread: a new one every 10 s, each closed after 20 s."""
    held = []
    while not clock.stop.is_set():
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            client.connect(("127.0.0.1", port))
            client.sendall(
                b"GET /articles/export.jsonl HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"X-Forwarded-For: 203.0.113.{number}\r\n\r\n".encode()
            )
            client.settimeout(2)
            head = client.recv(12)
            outcomes[head[9:12].decode() or "closed"] += 1
        except OSError:
            outcomes["no answer in 2 s"] += 1
        held.append(client)
        if len(held) > 2:
            held.pop(0).close()
        clock.stop.wait(10)
    for client in held:
        client.close()


def repeater(port, paths, address, clock, outcomes):
    for path in paths:
        if clock.stop.is_set():
            return
        status, _ = get(port, path, address, timeout=10)
        outcomes[str(status or "failed")] += 1


def figures(samples):
    times = sorted(seconds * 1000 for _, _, seconds in samples)
    if not times:
        return {"requests": 0}
    failed = Counter(str(status or "no answer") for _, status, _ in samples if status != 200)
    return {
        "requests": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "failed": sum(failed.values()),
        "failed_by_status": dict(failed.most_common()),
    }


def attack(port, clock, rng):
    """Start the 8 hostile clients; return their threads and what each kind got."""
    outcomes = {"stallers": Counter(), "bombers": Counter(), "flooders": Counter()}
    words = ["syria", "iran", "oil", "king", "army", "talks", "yemen", "iraq", "gulf", "vote"]
    threads = [threading.Thread(target=staller, args=(port, n, clock, outcomes["stallers"])) for n in range(1, 5)]
    threads += [
        threading.Thread(target=repeater, args=(port, [BOMB] * 100_000, f"203.0.113.{n}", clock, outcomes["bombers"]))
        for n in (5, 6)
    ]
    for n in (7, 8):
        # Each search new (an OR of a word no page holds), so that the page cache never answers it.
        floods = [f"/search/?q={rng.choice(words)}+{rng.choice(words)}+OR+zq{n}x{i}" for i in range(20_000)]
        threads.append(
            threading.Thread(target=repeater, args=(port, floods, f"203.0.113.{n}", clock, outcomes["flooders"]))
        )
    for thread in threads:
        thread.start()
    return threads, outcomes


def worker_deaths(log_path):
    text = Path(log_path).read_text(errors="replace")
    return sum(text.count(sign) for sign in ("was sent SIGABRT", "was sent SIGKILL", "exited with code"))


def run(n, serve_root):
    url = database_url(n)
    django_setup(url)
    # More distinct pages than readers ask for in a run, so that none is asked for twice.
    paths = cold_mix(corpus(n), READER_PAGES, seed=n + 1)
    shares = [paths[i::READERS] for i in range(READERS)]
    clock, samples, rng = Clock(), [], random.Random(3)
    with tempfile.NamedTemporaryFile(suffix=".log") as log, server(url, serve_root, log.name) as port:
        readers = [threading.Thread(target=reader, args=(port, shares[i], i, clock, samples)) for i in range(READERS)]
        for thread in readers:
            thread.start()
        time.sleep(QUIET_SECONDS)
        clock.attack_from = time.monotonic()
        hostile, outcomes = attack(port, clock, rng)
        time.sleep(ATTACK_SECONDS)
        clock.stop.set()
        for thread in readers + hostile:
            thread.join(timeout=60)
        deaths = worker_deaths(log.name)
    return {
        "served_from": str(serve_root),
        "readers_quiet": figures([s for s in samples if not s[0]]),
        "readers_under_attack": figures([s for s in samples if s[0]]),
        "hostile": {kind: dict(counts.most_common()) for kind, counts in outcomes.items()},
        "worker_deaths": deaths,
    }


@contextlib.contextmanager
def server(url, serve_root, log_path):
    """gunicorn serving the project at ``serve_root`` as `make serve` does: its migrations
    applied first, and a search index its own code built."""
    env = server_env(url)
    with tempfile.TemporaryDirectory(prefix="hostile-index-") as index:
        env["ARCHIVE_SEARCH_INDEX_DIR"] = index
        for command in (["migrate", "--noinput", "-v0"], ["search_index", "--rebuild", "--no-progress"]):
            manage = [sys.executable, "manage.py", *command]
            subprocess.run(manage, cwd=serve_root, env=env, check=True, capture_output=True)
        with gunicorn(env, root=serve_root, log_path=log_path) as (port, _):
            yield port


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="generated pages (default 100,000)")
    parser.add_argument("--serve", type=Path, default=ROOT, help="the project folder to serve")
    args = parser.parse_args()
    print(json.dumps(run(args.n, args.serve.resolve()), indent=1))


if __name__ == "__main__":
    main()
