"""Fixtures of the fault-injection suite: PostgreSQL and Redis behind a proxy the test controls."""

import contextlib
import os
import time

import pytest
from django.db import connection, connections

from .faults import FaultProxy


def needs_postgres_and_redis():
    return pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="the fault suite runs on PostgreSQL + Redis (DATABASE_URL, REDIS_URL)",
    )


def redis_address():
    from urllib.parse import urlparse

    url = urlparse(os.environ["REDIS_URL"])
    return url.hostname or "127.0.0.1", url.port or 6379, (url.path or "/0").lstrip("/") or "0"


def timed(func, *args, **kwargs):
    started = time.monotonic()
    result = func(*args, **kwargs)
    return result, time.monotonic() - started


@pytest.fixture
def db_proxy(transactional_db):
    """The default connection goes through a FaultProxy (connect and read timeouts of 2 s)."""
    conn = connections["default"]
    settings_dict = conn.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"], dict(settings_dict["OPTIONS"])
    proxy = FaultProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))).start()
    conn.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(proxy.port))
    settings_dict["OPTIONS"].update(connect_timeout=2, read_timeout=2)
    try:
        yield proxy
    finally:
        proxy.set_mode("refuse")
        with contextlib.suppress(Exception):  # the connection was broken on purpose
            conn.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved[0], saved[1]
        settings_dict["OPTIONS"].clear()
        settings_dict["OPTIONS"].update(saved[2])
        proxy.stop()


@pytest.fixture
def redis_proxy():
    host, port, _db = redis_address()
    proxy = FaultProxy((host, port)).start()
    yield proxy
    proxy.stop()


@pytest.fixture(autouse=True)
def _fresh_breakers():
    """Each test starts with Redis and the broker believed up (the breakers are per process)."""
    from core import cache as resilient_cache
    from core import tasks

    resilient_cache._down_until.clear()
    resilient_cache._stale.clear()
    tasks._broker_down_until = 0.0
    yield
    resilient_cache._down_until.clear()
    resilient_cache._stale.clear()
    tasks._broker_down_until = 0.0
