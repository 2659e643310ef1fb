"""The archive's version, and what is kept in the cache until it moves.

Every cached page, count and rendered fragment is keyed by ``version()``, a number that
``invalidate()`` moves on whenever the archive changes (``changes.archive_changed`` calls it).
The version lives in the shared cache, so one move reaches every server process at once; a
value is kept only when read from data holding every change its version stands for (a lagging
replica's answer is shown, never kept: archive/replicas.py).
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

from archive import replicas

VERSION_KEY = "archive-search-version"

# The version a request has read, kept for the rest of it: a page reads it for its own key,
# its shared parts' keys and its counts' (three trips to the cache), and is built from one
# state of the archive. Only within a request: a command or a test reads it afresh each time.
_in_request = threading.local()


def version():
    """A number that changes whenever articles or tags change, keying the caches."""
    current = getattr(_in_request, "version", None)
    if current is None:
        current = cache.get_or_set(VERSION_KEY, _first_version, None)
        if getattr(_in_request, "active", False):
            _in_request.version = current
    return current


@receiver(request_started, dispatch_uid="caching_request_started")
def _request_started(**kwargs):
    _in_request.active, _in_request.version = True, None


@receiver(request_finished, dispatch_uid="caching_request_finished")
def _request_finished(**kwargs):
    _in_request.active, _in_request.version = False, None


def _first_version():
    """Milliseconds now: a cache emptied (a restarted Redis) never hands out a used version
    again, which a replica's known progress (archive/replicas.py) would mistake for its own."""
    return time.time_ns() // 1_000_000


def invalidate():
    """Forget cached pages, counts and name variants: the archive changed."""
    _in_request.version = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _first_version(), None)


def kept(kind, name, compute, seconds=None):
    """``compute()``, kept in the cache until the archive changes (the key holds its version),
    and only when read from data holding every change: a lagging replica's answer is shown,
    not kept."""
    current = version()
    key = f"archive-{kind}:{current}:{name}"
    found = cache.get(key)
    if found is None:
        keep = replicas.holds_every_change(current)
        found = compute()
        if keep:
            cache.set(key, found, seconds or settings.ARCHIVE_CACHE_SECONDS)
    return found


def fragment(name, render):
    """A part of pages many addresses share, rendered by ``render()`` and kept like a page, so
    not at all when rendered pages are not kept (ARCHIVE_PAGE_CACHE_SECONDS=0)."""
    seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
    return kept("fragment", name, render, seconds) if seconds else render()
