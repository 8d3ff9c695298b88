import os

import factory.random
import pytest

from core import sms
from tests.utils.clock import frozen_clock


def pytest_configure(config):
    # The same fake names on every run: a test that depends on them fails every time, not once in a while.
    # (pytest-randomly then reseeds factory_boy and Faker before each test with the run's seed.)
    factory.random.reseed_random("guichet")
    _own_redis_keys(getattr(config, "workerinput", {}).get("workerid", "main"))


def _own_redis_keys(worker):
    """With Redis, each pytest-xdist worker keeps its cache keys under its own prefix, and the cache's
    clear() deletes only those (Django's RedisCache.clear() would flush the whole database, under the
    other workers' feet)."""
    from asgiref.local import Local
    from django.conf import settings
    from django.core.cache import caches, close_caches
    from django.core.cache.backends.redis import RedisCache

    if not any(c["BACKEND"].endswith("RedisCache") for c in settings.CACHES.values()):
        return
    for options in settings.CACHES.values():
        options["KEY_PREFIX"] = f"test-{worker}-{os.getpid()}"

    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=self.make_key("*"), count=1000))
        return bool(keys) and bool(client.delete(*keys))

    RedisCache.clear = clear
    close_caches()
    caches._settings = caches.settings = caches.configure_settings(None)
    caches._connections = Local()


@pytest.fixture(autouse=True)
def _clean_outboxes(settings, tmp_path):
    sms.outbox.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _reset_cache():
    from django.core.cache import cache

    from accounts import sessions
    from core import fragments

    cache.clear()
    fragments.clear_local()
    sessions.forget_hints()
    yield


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English (cookie, profile) leaves the thread's language active: back to French."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def clock(request):
    """Every test runs on the frozen clock of tests/utils/clock.py, except the browser, integration and
    fault-injection tests and those marked real_clock (a browser or a worker process keeps the real time)."""
    if any(request.node.get_closest_marker(name) for name in ("real_clock", "e2e", "integration", "faults")):
        yield None
        return
    marker = request.node.get_closest_marker("clock")
    with frozen_clock(**(marker.kwargs if marker else {})) as traveller:
        yield traveller
