"""The cache every server process shares, in Redis: an outage of Redis slows the site, never
breaks it.

When Redis does not answer, a read is a miss and a write is dropped, so pages are rendered
afresh from the database; the process then leaves Redis alone for RETRY_SECONDS, so that a
request does not wait on a dead server once per cache call. Nothing stale can be served while
it is down (nothing is read), and what was cached before lives no longer than its timeout
(settings.ARCHIVE_CACHE_SECONDS) should an invalidation have been lost meanwhile.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class SharedCacheClient(RedisCacheClient):
    """Django's client makes a new redis.Redis for every call, and redis-py's constructor
    builds its whole table of reply handlers each time: about half a millisecond of CPU per
    cache call, three or four calls a page. One client per connection pool does the same work.
    (Django gives each thread its own cache object, and so its own client.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedCache(RedisCache):
    _down_until = 0.0  # per process: when to try Redis again

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedCacheClient

    @staticmethod
    def answering():
        """Whether this process takes Redis to answer (it has not just failed to)."""
        return time.monotonic() >= SharedCache._down_until

    def _safely(self, call, failed):
        if time.monotonic() < SharedCache._down_until:
            return failed
        try:
            return call()
        except (ConnectionError, TimeoutError):
            logger.exception("Redis did not answer: pages are rendered uncached for the next %s s.", RETRY_SECONDS)
            SharedCache._down_until = time.monotonic() + RETRY_SECONDS
            return failed

    def get(self, key, default=None, version=None):
        return self._safely(lambda: super(SharedCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._safely(lambda: super(SharedCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._safely(lambda: super(SharedCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._safely(lambda: super(SharedCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely(lambda: super(SharedCache, self).add(key, value, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely(lambda: super(SharedCache, self).set_many(data, timeout, version), list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely(lambda: super(SharedCache, self).touch(key, timeout, version), False)

    def incr(self, key, delta=1, version=None):
        return self._safely(lambda: super(SharedCache, self).incr(key, delta, version), None)

    def delete(self, key, version=None):
        return self._safely(lambda: super(SharedCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._safely(lambda: super(SharedCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._safely(lambda: super(SharedCache, self).clear(), False)
