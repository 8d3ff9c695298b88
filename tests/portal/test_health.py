"""Liveness (/healthz) and readiness (/readyz) probes, with real failures of the cache and the broker."""

import socket

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
def test_readyz_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    # The real check runs; only the connection fails.
    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "error: OperationalError"
    assert body["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_readyz_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"].startswith("error: ")
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_readyz_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("error: ")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_names_only_the_failing_check(client, monkeypatch):
    def failing():
        raise RuntimeError("down")

    monkeypatch.setitem(views.READINESS_CHECKS, "broker", failing)
    body = client.get("/readyz").json()
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "error: RuntimeError"}
