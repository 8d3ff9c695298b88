"""Liveness (/healthz) and readiness (/readyz) probes, with real failures of the cache and the broker."""

import socket
import threading
import time

import pytest
from django.db import OperationalError

from portal import views
from portal.celery import app as celery_app


def _closed_port():
    """A local port on which nothing listens (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_every_component_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_is_public_and_not_cached(client):
    response = client.get("/readyz")
    assert response.status_code == 200  # not a redirect to the login page
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_readyz_503_when_the_database_is_unreachable(client, monkeypatch, caplog):
    def broken_database():
        raise OperationalError("connection refused by 10.0.0.5")

    monkeypatch.setitem(views.READINESS_CHECKS, "database", broken_database)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok", "broker": "ok"}}
    # The details are logged, never shown to the public (no exception class, no address).
    assert "OperationalError" not in response.content.decode() and "10.0.0.5" not in response.content.decode()
    assert "10.0.0.5" in caplog.text


@pytest.mark.django_db
def test_readyz_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "unavailable"}


@pytest.mark.django_db
def test_readyz_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_answers_within_2_seconds_when_a_component_hangs(client, monkeypatch):
    release = threading.Event()

    def hanging():
        release.wait(30)  # a database swallowing packets: no answer, no error

    monkeypatch.setitem(views.READINESS_CHECKS, "database", hanging)
    started = time.monotonic()
    try:
        response = client.get("/readyz")
    finally:
        release.set()
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"/readyz took {elapsed:.2f}s"
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.django_db
def test_healthz_touches_no_database_even_for_a_signed_in_user(client, django_assert_num_queries):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response.headers["Cache-Control"]
