"""Sessions: Django's cached_db store, reading the session's user's identity in the same round trip.

A signed-in request reads its session (one cache round trip), then its user's identity snapshot and
generations (accounts/identity.py: another one). A session key holds one user for its whole life:
login gives a new key (cycle_key) and so does logout (flush). So once this process has loaded a
session, it knows whose it is, and its next loads of that session read the user's identity keys
with the session itself: one round trip instead of two. The generations of the tables the page's
kept fragments watch (core/fragments.py: those its last visit read in this process) come in the
same round trip.

The prefetched values serve only the user the loaded session names (a key that now holds another
user, or none, is read as before), and only during the request that loaded them:
SessionMiddleware makes its session the request's current one, and `prefetched_for` hands them out
once. Without Redis (the database store) nothing changes.

    SESSION_ENGINE = "accounts.sessions"
    MIDDLEWARE = [..., "accounts.sessions.SessionMiddleware", ...]   # in place of Django's
"""

import contextvars

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.middleware import SessionMiddleware as BaseSessionMiddleware

from core import fragments
from core.lru import LRU

HINTS_MAX = 10_000  # session keys whose user this process remembers, the most recent kept

_hints = LRU(HINTS_MAX)  # session key -> the user id it holds
_current: contextvars.ContextVar = contextvars.ContextVar("guichet_session", default=None)


def forget_hints():
    """Forgets which user each session key holds (tests)."""
    _hints.clear()


class SessionStore(CachedDBStore):
    # (the user id the session names, {cache key: value} of identity.keys_for(it)) after a load
    prefetched: tuple[str, dict] | None = None
    # The generation keys the page will read (core.fragments.page_keys), set by SessionMiddleware,
    # and their values once read with the session.
    page_keys: tuple[str, ...] = ()
    prefetched_generations: dict | None = None

    def load(self):
        from . import identity

        self.prefetched = self.prefetched_generations = None
        hint = _hints.get(self.session_key) if self.session_key else None
        if hint is None or settings.SESSION_CACHE_ALIAS != "default":
            data = super().load()
        else:
            user_keys = identity.keys_for(hint)
            try:
                found = self._cache.get_many([self.cache_key, *user_keys, *self.page_keys])
            except Exception:  # noqa: BLE001 - as Django's load (an invalid key): read from the database
                found = {}
            data = found.pop(self.cache_key, None)
            if data is None:
                data = super().load()  # not in the cache: from the database
            else:
                self.prefetched = (hint, {key: found[key] for key in user_keys if key in found})
                self.prefetched_generations = {key: found[key] for key in self.page_keys if key in found}
        user = data.get(SESSION_KEY)
        if user is None or (self.prefetched and self.prefetched[0] != user):
            self.prefetched = None
        if user is not None and self.session_key:
            _hints.set(self.session_key, user)
        return data


def prefetched_for(user_id):
    """The identity keys read with the current request's session, if it names `user_id`; once."""
    session = _current.get()
    found = getattr(session, "prefetched", None)
    if found is None or found[0] != str(user_id):
        return None
    session.prefetched = None
    return found[1]


class SessionMiddleware(BaseSessionMiddleware):
    """Django's, making the request's session the current one (prefetched_for) while it runs."""

    def process_request(self, request):
        super().process_request(request)
        session = request.session
        if isinstance(session, SessionStore):
            session.page_keys = fragments.page_keys(request.path)
        _current.set(session)

    def process_response(self, request, response):
        try:
            fragments.page_read(request)
            return super().process_response(request, response)
        finally:
            _current.set(None)
