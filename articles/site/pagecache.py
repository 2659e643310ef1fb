"""Readers' pages kept rendered in the cache until the archive changes.

The key holds caching.version(), which ingest and editors' saves move on, so a cached
page never outlives the content it shows by more than the cache's own spread between server
processes (see settings.CACHES). Only complete, successful GET responses are kept, and only
when read from data that holds every change the version stands for (archive/replicas.py).

A new server process's warm-up requests (archive/warmup.py) are rendered past it, never kept.

A page that shows the day's content (the home page's "on this day") is ``daily``: its key
holds the date as well, so that yesterday's page is never served today.
"""

import datetime as dt
import hashlib
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from archive import replicas, warmup

from .. import caching


def seconds_until_tomorrow():
    now = timezone.localtime()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    return max(1, int((midnight - now).total_seconds()))


def cached_page(view=None, *, daily=False):
    if view is None:
        return partial(cached_page, daily=daily)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or not seconds or warmup.WARM_UP in request.META:
            return view(request, *args, **kwargs)
        path = request.get_full_path().encode("utf-8", "surrogateescape")
        version = caching.version()
        day = timezone.localdate().isoformat() if daily else ""
        key = f"archive-page:{version}:{day}:{hashlib.sha1(path).hexdigest()}"
        response = cache.get(key)
        if response is None:
            # A lagging replica's page shows what the version replaced: shown, never kept.
            keep = replicas.holds_every_change(version)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if keep and response.status_code == 200 and not response.streaming:
                cache.set(key, response, seconds)
        return response

    return wrapper
