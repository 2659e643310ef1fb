"""What one anonymous client may ask per period: the JSON API, downloads of every match, pages
rendered afresh that cost more than a list (search, timelines, feeds, sitemaps) and the staff
login. Past its rate a client is answered 429 with Retry-After; staff logged in are not limited.

A client is its address (archive/clients.py). Its requests are counted in the cache every server
process shares, so that a limit holds across processes and hosts; while that cache does not
answer they are counted in each process's own memory, so that a limit still holds, per process.
Its own module: DRF imports it while defining its views.
"""

import math
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from rest_framework.throttling import AnonRateThrottle

from archive.clients import client_address

# The clients one process counts while the shared cache does not answer: the oldest are
# forgotten past this (as a count past its period is).
LOCAL_CLIENTS_AT_MOST = 50_000


class LimitCounts:
    """The cache the limits count in: the shared one while it answers, else this process's."""

    def __init__(self):
        self.local = LocMemCache("archive-limits", {"OPTIONS": {"MAX_ENTRIES": LOCAL_CLIENTS_AT_MOST}})

    def _chosen(self, call):
        shared = caches["default"]
        answering = getattr(shared, "answering", None)
        if answering is None:  # a cache that fails loudly, or never does (development's)
            return call(shared)
        result = call(shared)
        return result if answering() else call(self.local)

    def get(self, key, default=None):
        return self._chosen(lambda cache: cache.get(key, default))

    def set(self, key, value, timeout=None):
        return self._chosen(lambda cache: cache.set(key, value, timeout))


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients' requests to the API per period, read from the settings when a request
    comes (so a test or a deployment may change it)."""

    cache = LimitCounts()
    rate_setting = "ARCHIVE_API_ANON_RATE"
    refusal = "Too many requests from your address: please wait and try again."

    def get_rate(self):
        """The rate the settings give; none (no limit) when it is empty."""
        return getattr(settings, self.rate_setting) or None

    def get_ident(self, request):
        return client_address(request)


class ExportThrottle(AnonymousThrottle):
    """Anonymous clients' downloads of every match: each may read the whole archive."""

    scope = "export"
    rate_setting = "ARCHIVE_EXPORT_ANON_RATE"
    refusal = "Too many downloads from your address: please wait and try again."


class PageThrottle(AnonymousThrottle):
    """Anonymous clients' pages rendered afresh that cost more than a list's."""

    scope = "pages"
    rate_setting = "ARCHIVE_PAGES_ANON_RATE"
    refusal = "Too many searches and timelines from your address: please wait a minute and try again."


class LoginThrottle(AnonymousThrottle):
    """Attempts at the staff login from one address, whatever the account."""

    scope = "login"
    rate_setting = "ARCHIVE_LOGIN_ANON_RATE"
    refusal = "Too many login attempts from your address: please wait a minute and try again."


class SuggestionThrottle(AnonymousThrottle):
    """A reader's suggested corrections."""

    scope = "suggestions"
    rate_setting = "ARCHIVE_SUGGESTIONS_ANON_RATE"
    refusal = "Too many suggestions from your address: please wait and try again."


class SuggestionCeiling(SuggestionThrottle):
    """Everyone's suggestions together: a flood from many addresses still leaves the editors'
    queue one they can read."""

    scope = "suggestions-everyone"
    rate_setting = "ARCHIVE_SUGGESTIONS_CEILING"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": "everyone"}


def throttled(throttle_class, methods=None):
    """Limit a plain Django view as DRF limits the API: past the rate, 429 with Retry-After.
    ``methods`` limits only requests of those methods (all when None)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = throttle_class()
            if (methods and request.method not in methods) or throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            response = HttpResponse(throttle.refusal, status=429, content_type="text/plain; charset=utf-8")
            wait = throttle.wait()
            if wait is not None:
                response["Retry-After"] = str(math.ceil(wait))
            return response

        return wrapper

    return decorator
