"""PostgreSQL with a client-side read timeout, on top of Django's own backend.

The server-side `statement_timeout` ends a slow query; it cannot help when the server (or the
network in between) stops answering: psycopg would then wait for ever on the socket. Here every
wait on an open connection is bounded by OPTIONS["read_timeout"] seconds; past it the connection
is closed and an OperationalError raised, so that a request fails (and the worker is free) instead
of hanging until gunicorn kills it. Connecting is bounded by libpq's `connect_timeout`.

    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    DATABASES["default"]["OPTIONS"]["read_timeout"] = 25

The health check of a kept connection (CONN_HEALTH_CHECKS, at a request's first query) asks the
socket rather than the server: a `SELECT 1` round trip was a fifth of a page served from kept
fragments. A connection the server ended (restart, terminated backend, idle timeout) has its socket
readable (the server's last message, then the end of the stream); a sound idle one has nothing to
read. A server that stops answering without closing is caught by the read timeout, as before.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import errors


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits on the server end after `read_timeout` seconds."""

    read_timeout = None

    def wait(self, gen, interval=0.1, timeout=None):
        limit = timeout if timeout is not None else self.read_timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except errors._WaitTimeout:
            if timeout is not None:  # psycopg's own bounded wait: its own handling
                raise
            # Half-way through the protocol: the connection cannot be used again.
            self.pgconn.finish()
            raise psycopg.OperationalError(f"the database did not answer within {limit} s") from None


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.pgconn.status != psycopg.pq.ConnStatus.OK:
            return False
        if conn.info.transaction_status not in (
            psycopg.pq.TransactionStatus.IDLE,
            psycopg.pq.TransactionStatus.INTRANS,
        ):
            return False
        try:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False

    def get_connection_params(self):
        params = super().get_connection_params()
        self._read_timeout = params.pop("read_timeout", None)
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        read_timeout = getattr(self, "_read_timeout", None)
        if read_timeout and isinstance(connection, psycopg.Connection) and type(connection) is psycopg.Connection:
            connection.__class__ = BoundedConnection
            connection.read_timeout = float(read_timeout)  # type: ignore[attr-defined]
        return connection
