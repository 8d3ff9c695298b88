"""A Redis cache that the portal survives losing.

Redis holds copies (sessions read through `cached_db`, counters): when it refuses, times out or
swallows packets, every operation answers as a cache miss instead of raising, the error is logged,
and Redis is left alone for `retry_seconds` (a circuit breaker, per process) so that a page does not
pay a socket timeout for each of its cache calls. Sessions then come from the database.

    CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1, "retry_seconds": 15}}}
"""

import functools
import logging
import os
import threading
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("core.cache")

_lock = threading.Lock()
_down_until: dict[str, float] = {}  # location -> time.monotonic() until which Redis is not tried


_stale: set[tuple] = set()  # (key, version) written or deleted while Redis was unreachable: deleted when it is back
STALE_MAX = 10_000


def _degrading(fallback, *, writes=None):
    """Runs the operation unless the breaker is open; on a Redis error, logs, opens it, returns fallback.

    `writes(args, kwargs)` names the keys a write operation changes: when the write could not reach
    Redis, the copy Redis still holds is stale (a session logged out during the outage, say), so the
    key is deleted as soon as Redis answers again.
    """

    def decorate(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            if not self.is_down():
                try:
                    if _stale:  # back after an outage: the stale copies go before anything is read
                        self._drop_stale()
                    result = method(self, *args, **kwargs)
                except (RedisError, OSError) as exc:
                    self.mark_down(exc, method.__name__)
                else:
                    self.mark_up()
                    return result
            if writes is not None and len(_stale) < STALE_MAX:
                version = kwargs.get("version")
                with _lock:
                    _stale.update((key, version) for key in writes(args, kwargs))
            return fallback(*args, **kwargs) if callable(fallback) else fallback

        return run

    return decorate


def _one_key(args, kwargs):
    return [args[0] if args else kwargs["key"]]


def _many_keys(args, kwargs):
    return list(args[0] if args else kwargs.get("data", kwargs.get("keys", ())))


def _miss(key, default=None, version=None):
    return default


def _incr_miss(key, delta=1, version=None):
    raise ValueError(f"Key '{key}' not found (cache unavailable)")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool instead of building one per call.

    Django makes a new `redis.Redis` at each cache operation (~0.15 ms: its constructor fills ~170
    response callbacks), two or three per signed-in request. A `redis.Redis` over a pool is
    thread-safe (each command takes a connection from the pool), so one is kept per pool. Pools and
    clients are keyed by process id: a forked worker (gunicorn, Celery) builds its own on first use,
    never sharing its parent's sockets.
    """

    # Set by Django's __init__ (not in django-stubs).
    _servers: list[str]
    _pools: dict[Any, Any]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any
    _get_connection_pool_index: Any

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def _pool_at(self, index):
        key = (index, os.getpid())
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool

    def _get_connection_pool(self, write):
        return self._pool_at(self._get_connection_pool_index(write))

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get((index, os.getpid()))
        if client is None:
            client = self._clients[(index, os.getpid())] = self._client(connection_pool=self._pool_at(index))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        self.retry_seconds = float(params["OPTIONS"].pop("retry_seconds", 15))
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._location_key = str(server)

    # -- the breaker ------------------------------------------------------------------------
    def is_down(self):
        until = _down_until.get(self._location_key)
        return until is not None and time.monotonic() < until

    def mark_down(self, exc, operation):
        with _lock:
            already = self._location_key in _down_until
            _down_until[self._location_key] = time.monotonic() + self.retry_seconds
        if not already:
            logger.error(
                "cache: Redis unavailable (%s on %s: %s); working without it for %ss at a time, "
                "sessions from the database",
                exc.__class__.__name__,
                operation,
                exc,
                self.retry_seconds,
            )

    def mark_up(self):
        if self._location_key in _down_until:
            with _lock:
                back = _down_until.pop(self._location_key, None) is not None
            if back:
                logger.warning("cache: Redis answers again")

    def _drop_stale(self):
        with _lock:
            stale = list(_stale)
            _stale.clear()
        done = 0
        try:
            for key, version in stale:
                RedisCache.delete(self, key, version=version)
                done += 1
        except (RedisError, OSError):  # down again: what is left waits for the next recovery
            with _lock:
                _stale.update(stale[done:])
            raise
        logger.warning("cache: %s stale key(s) written during the outage dropped", len(stale))

    def ping(self):
        """Readiness: asks Redis itself, whatever the breaker says (bounded by the socket timeouts)."""
        return self._cache.get_client(write=True).ping()

    # -- the operations, each degrading to a miss ---------------------------------------------
    get = _degrading(_miss)(RedisCache.get)
    get_many = _degrading(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _degrading(False)(RedisCache.has_key)
    set = _degrading(None, writes=_one_key)(RedisCache.set)
    # add: as if stored, so that a counter starts again and nobody is locked out by a fault.
    add = _degrading(True, writes=_one_key)(RedisCache.add)
    touch = _degrading(False, writes=_one_key)(RedisCache.touch)
    delete = _degrading(False, writes=_one_key)(RedisCache.delete)
    incr = _degrading(_incr_miss, writes=_one_key)(RedisCache.incr)
    set_many = _degrading(lambda *args, **kwargs: [], writes=_many_keys)(RedisCache.set_many)
    delete_many = _degrading(None, writes=_many_keys)(RedisCache.delete_many)
    clear = _degrading(False)(RedisCache.clear)
