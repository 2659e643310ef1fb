"""Readers' pages read from a replica of the database; everything else reads from the primary.

Active only with DATABASE_REPLICA_URLS (settings). A request reads from one replica, chosen at
random, when it is a reader's: a GET or HEAD outside the admin, from a client that wrote nothing
in the last ARCHIVE_PRIMARY_PIN_SECONDS. A write request sets a cookie that pins its client to
the primary that long, so an editor sees their save on any server process of any host even
while the replicas lag; the admin always reads from the primary. Management commands (ingest,
search_index, migrate) and anything outside a request read from the primary, as does anything
inside a transaction, so a writer always reads its own writes. A replica that refuses
connections, or lags more than ARCHIVE_REPLICA_MAX_LAG_SECONDS, is not read for a while.
"""

import contextvars
import logging
import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import reverse

logger = logging.getLogger(__name__)

PIN_COOKIE = "archive_primary"
REPLICA_RETRY_SECONDS = 10  # how long a replica that refused a connection is left alone
LAG_CHECK_SECONDS = 1  # how long a process trusts what it measured of a replica's lag

_reading_from = contextvars.ContextVar("archive_reading_from", default=None)
_unreachable: dict[str, float] = {}  # replica alias -> when to try it again
_replayed: dict[str, object] = {}  # replica alias -> the cache version it is known to hold
_lag_checked: dict[str, tuple[float, bool]] = {}  # replica alias -> (when to measure again, current)


def reading_from():
    """The replica this request reads from, or None for the primary."""
    return _reading_from.get()


@contextmanager
def replica(alias):
    """Read from the replica ``alias`` (None: the primary) inside this block."""
    token = _reading_from.set(alias)
    try:
        yield
    finally:
        _reading_from.reset(token)


def primary():
    """Read from the primary inside this block (also a decorator)."""
    return replica(None)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _reading_from.get()
        if alias is None or connections["default"].in_atomic_block:
            return "default"
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReadFromReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_path = reverse("admin:index")

    def __call__(self, request):
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        pinned = writes or PIN_COOKIE in request.COOKIES or request.path.startswith(self.admin_path)
        with replica(None if pinned else reachable_replica()):
            response = self.get_response(request)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.ARCHIVE_PRIMARY_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def reachable_replica():
    """A replica that accepts connections and is not too far behind, or None (the primary)."""
    now = time.monotonic()
    candidates = [alias for alias in settings.DATABASE_REPLICAS if _unreachable.get(alias, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        try:
            # A kept connection to a replica that has since gone is closed here, and the new
            # one refused, rather than failing this reader's first query.
            connections[alias].close_if_health_check_failed()
            connections[alias].ensure_connection()
            if current(alias, now):
                return alias
        except DatabaseError:
            logger.exception("Replica %s refused a connection; readers read from elsewhere.", alias)
            _unreachable[alias] = now + REPLICA_RETRY_SECONDS
    return None


def current(alias, now):
    """Whether the replica has replayed all it received, or its last replayed commit is less than
    ARCHIVE_REPLICA_MAX_LAG_SECONDS old: readers see an old state briefly, never for long, and
    whoever wrote sees their write once their pin to the primary expires."""
    checked = _lag_checked.get(alias)
    if checked and checked[0] > now:
        return checked[1]
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
            " OR now() - pg_last_xact_replay_timestamp() < make_interval(secs => %s)",
            [settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS],
        )
        fresh = bool(cursor.fetchone()[0])
    if not fresh and (checked is None or checked[1]):
        logger.warning(
            "Replica %s lags more than %s s; readers read from elsewhere.",
            alias,
            settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS,
        )
    _lag_checked[alias] = (now + LAG_CHECK_SECONDS, fresh)
    return fresh


def holds_every_change(version):
    """Whether this request reads everything that cache ``version`` stands for: always on the
    primary; on a replica once it has replayed what the primary had written when the version
    was read (versions move on after their writes commit). Known answers cost no query."""
    alias = _reading_from.get()
    if alias is None or _replayed.get(alias) == version or connections[alias].vendor != "postgresql":
        return True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    with connections[alias].cursor() as cursor:
        # A server that is no standby (not in recovery) is the primary itself.
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, NOT pg_is_in_recovery())", [written])
        replayed = cursor.fetchone()[0]
    if replayed:
        _replayed[alias] = version
    return replayed
