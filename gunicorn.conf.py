"""gunicorn's settings for `make serve` and the benchmark (bench/run.py serves with this file)."""

import gc
import os

# One process per core; each serves THREADS requests at once, so that a request waiting on
# PostgreSQL, Redis or the search index leaves the core to another (side by side on 2 cores,
# a cache-cold mix: 4 threads a process answered 9-67 requests/s where single-threaded
# workers answered 1-39).
workers = int(os.environ.get("WORKERS", "2"))
threads = int(os.environ.get("THREADS", "4"))
worker_class = "gthread"
timeout = 30
# A reader's request may keep a PostgreSQL query running this long (archive/settings.py): gunicorn's
# own timeout does not end a thread's request.
os.environ.setdefault("ARCHIVE_DB_STATEMENT_SECONDS", "30")
accesslog = "-"


def post_worker_init(worker):
    """Render one page of each kind before the first reader comes (archive/warmup.py). Requests
    are served by the worker's threads, each with connections of its own: this thread's close.

    What the worker holds then (modules, compiled templates, the URL resolver, the search index)
    it holds for life: frozen, it is left out of the garbage collector's full passes, which
    otherwise walk it every few hundred pages (docs/performance.md)."""
    from django.db import connections

    from archive.warmup import warm_up

    warm_up(worker.wsgi, notify=worker.notify)
    connections.close_all()
    gc.collect()
    gc.freeze()
