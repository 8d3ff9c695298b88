"""The kept connection's health check asks the socket, not the server (core/db/postgresql)."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def other():
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_a_sound_connection_is_usable_without_a_query(other, monkeypatch):
    def no_query(*args, **kwargs):
        raise AssertionError("the health check ran a query")

    monkeypatch.setattr(other.connection, "cursor", no_query)
    assert other.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced(other):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while other.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's message is on its way
    assert not other.is_usable()
    other.health_check_done = False
    other.close_if_health_check_failed()  # what a request does before its first query
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_connection_is_not_usable(other):
    other.connection.close()
    assert not other.is_usable()
