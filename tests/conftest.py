import factory.random
import pytest

from core import sms


def pytest_configure(config):
    # The same fake names on every run: a test that depends on them fails every time, not once in a while.
    factory.random.reseed_random("guichet")


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

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English (cookie, profile) leaves the thread's language active: back to French."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
