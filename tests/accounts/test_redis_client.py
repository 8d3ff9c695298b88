"""The Redis cache keeps one client per connection pool and per process (core.cache)."""

import os

from core.cache import ResilientRedisCache


def _backend():
    # Building clients and pools connects nothing: no Redis needed.
    return ResilientRedisCache("redis://127.0.0.1:6399/0", {"OPTIONS": {"retry_seconds": 1}})


def test_one_client_is_reused_for_every_operation():
    client = _backend()._cache
    first = client.get_client(write=True)
    assert client.get_client() is first
    assert client.get_client("some-key", write=True) is first
    assert first.connection_pool is client._get_connection_pool(write=True)


def test_a_forked_process_builds_its_own_client_and_pool(monkeypatch):
    client = _backend()._cache
    parent = client.get_client(write=True)
    monkeypatch.setattr(os, "getpid", lambda: -1)
    child = client.get_client(write=True)
    assert child is not parent
    assert child.connection_pool is not parent.connection_pool
    assert client.get_client() is child
