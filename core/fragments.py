"""Fragments: a part of a page kept, rendered, while the tables it was made from have not changed.

    {% load guichet %}
    {% fragment "benefits:requests" watch="benefits.BenefitRequest benefits.Cooperator" %}
      {% data_table table %}
    {% endfragment %}

A fragment is rendered once and then served from memory (this process's, then the shared cache)
until one of its keys changes:
- the page (path and query string), the language, the day in Europe/Paris, and any value passed
  after the name (`{% fragment "x" membership.pk %}`);
- who asks: the user and their identity generations (accounts/identity.py: their memberships, the
  facts their permissions read; a changed organisation or role is a new key);
- the generation of every table it watches (`watch=`, model labels). A generation changes after
  the commit of every statement that writes the table: INSERT, UPDATE, DELETE (bulk updates, raw
  SQL and jobs included) are seen where they run, by a wrapper that every database connection of
  every process (web, worker, beat, commands) carries. Tables written by the database itself (the
  counts its triggers keep) are watched through the table whose writes fire them.

The generation is read before the rows: a fragment is never stored under a generation newer than
what it shows. The CSRF token inside a fragment is this request's, put in after the lookup.
Without a cache (or with Redis down) nothing is kept: the fragment is rendered each time. Writes
made outside Django (psql) are seen within FRAGMENT_SECONDS at the latest.
"""

import hashlib
import logging
import re
import secrets
import threading
from contextlib import contextmanager

from django.apps import apps
from django.core.cache import cache
from django.db.backends.signals import connection_created
from django.utils import timezone
from django.utils.translation import get_language

from core.lru import LRU

logger = logging.getLogger("core.fragments")

FRAGMENT_SECONDS = 15 * 60
LOCAL_BYTES = 4 * 1024 * 1024  # this process's copies, the most recently used first kept

_PREFIX = "guichet:generation:table:"
_WRITE = re.compile(r"\s*(?:insert|update|delete|with|merge|truncate|copy)\b", re.IGNORECASE)
_TARGET = re.compile(r'\s*(?:insert\s+into|update|delete\s+from)\s+"?([\w.]+)"?\s', re.IGNORECASE)
# The CSRF token inside a fragment: replaced by the request's after the lookup.
CSRF_MARK = "csrf-" + secrets.token_hex(8)

_tables_of: dict[str, tuple[str, ...]] = {}  # "app.Model app.Model" -> their db tables
_all_tables: list[str] = []


def generation_key(table):
    return _PREFIX + table


def tables(labels):
    """The db tables of the space-separated model labels (auto-created m2m tables included)."""
    found = _tables_of.get(labels)
    if found is None:
        names = set()
        for label in labels.split():
            model = apps.get_model(label)
            names.add(model._meta.db_table)
            names.update(f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many)
        found = _tables_of[labels] = tuple(sorted(names))
    return found


# -- the writes ----------------------------------------------------------------------------------


def _written(sql):
    """The tables a statement writes: the one it names (INSERT INTO, UPDATE, DELETE FROM), else, for
    another write (WITH ..., MERGE, TRUNCATE, COPY), every model's table its text mentions."""
    if not isinstance(sql, str) or not _WRITE.match(sql):
        return ()
    target = _TARGET.match(sql)
    if target:
        return (target.group(1).rsplit(".", 1)[-1].lower(),)
    if not _all_tables:
        _all_tables.extend({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    lowered = sql.lower()
    return [table for table in _all_tables if table in lowered]


def bump(names):
    cache.set_many({generation_key(name): secrets.token_hex(8) for name in names}, None)


def _wrapper(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    names = _written(sql)
    if names:
        connection = context["connection"]
        bump(names)  # at once: this transaction's own later reads do not find the older copy
        if connection.in_atomic_block:  # and after the commit: a copy read meanwhile is older
            connection.__dict__.setdefault("_fragment_pending", set()).update(names)
    return result


def _bump_pending(connection):
    pending = connection.__dict__.pop("_fragment_pending", None)
    if pending:
        try:
            bump(pending)
        except Exception:  # the commit is done: a cache fault must not undo what the caller sees
            logger.exception("fragments: generations not renewed after a commit")


def install(connection, **kwargs):
    """Gives a new database connection its write watcher and its commit and rollback hooks."""
    if _wrapper in connection.execute_wrappers:
        return
    connection.execute_wrappers.append(_wrapper)
    commit, rollback = connection.commit, connection.rollback

    def committed():
        commit()
        _bump_pending(connection)

    def rolled_back():
        rollback()
        connection.__dict__.pop("_fragment_pending", None)

    connection.commit, connection.rollback = committed, rolled_back


connection_created.connect(install, dispatch_uid="core.fragments.install")


# -- the lookups -------------------------------------------------------------------------------------

_local = LRU(LOCAL_BYTES, size=len)


def _who(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    state = getattr(user, "_identity", None)
    if state is None:
        return None  # no identity snapshot (no cache): nothing is kept
    return f"{user.pk}:{state.stamp[0]}:{state.stamp[1]}"


_disabled = threading.local()


@contextmanager
def disabled():
    """Every fragment rendered, none kept, in this thread while it lasts (what a page costs to render)."""
    _disabled.on = True
    try:
        yield
    finally:
        _disabled.on = False


def key_for(request, name, labels, vary):
    """The fragment's key, or None when it must not be kept. At most one cache round trip: the
    generations this request has not read yet."""
    if getattr(_disabled, "on", False) or request.method not in ("GET", "HEAD"):
        return None  # a form posted back with its errors is this request's alone
    who = _who(request)
    if who is None:
        return None
    names = tables(labels) if labels else ()
    keys = [generation_key(table) for table in names]
    # The generations this request already read (another fragment, a remembered check, or with the
    # session: prefetched): read once, before any row they cover, so that nothing is kept under a
    # generation newer than its rows.
    known = request.__dict__.get("_fragment_generations")
    if known is None:
        known = request._fragment_generations = _prefetched(request)
    missing = [key for key in keys if key not in known]
    if missing:
        found = cache.get_many(missing)
        if len(found) < len(missing):
            # A table never written since the cache started: its generation starts now.
            for key in missing:
                if key not in found:
                    cache.add(key, secrets.token_hex(8), None)
            found = cache.get_many(missing)
            if len(found) < len(missing):
                return None  # the cache stores nothing (down): nothing is kept
        known.update(found)
    found = known
    parts = [
        name,
        request.get_full_path(),
        get_language() or "",
        timezone.localdate().isoformat(),
        who,
        *(str(value) for value in vary),
        *(found[key] for key in keys),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"guichet:fragment:{digest}"


# -- the generations a page reads, read with its session ---------------------------------------------
#
# The tables a page's fragments watch are the same at each visit: this process remembers, per path,
# the generation keys its last visit read, and the session store (accounts/sessions.py) reads them
# with the session and the user's identity, in one cache round trip. A key the page needs and did
# not get that way is read as before.

PAGE_KEYS_MAX = 2_000  # paths whose generation keys this process remembers, the most recent kept
_page_keys = LRU(PAGE_KEYS_MAX)


def page_keys(path):
    """The generation keys the last visit of `path` read in this process (to read with the session)."""
    return _page_keys.get(path) or ()


def page_read(request):
    """At the end of a request: remembers the generation keys its fragments read."""
    known = request.__dict__.get("_fragment_generations")
    if not known:
        return
    keys = tuple(sorted(known))
    if _page_keys.get(request.path) != keys:
        _page_keys.set(request.path, keys)


def _prefetched(request):
    """The generations read with this request's session (if it was loaded with them), as a new dict."""
    session = request.__dict__.get("session")
    found = getattr(session, "prefetched_generations", None)
    return dict(found) if found else {}


def remembered(request, name, labels, vary, compute):
    """What `compute()` returns (a string), kept as a fragment is: under the page, the user, the day,
    `vary` and the generations of the tables `labels` watch. A check that raises (404, 403) is not
    kept. A view checks access with it before its page's fragments: while nothing the check read
    has changed, neither has its answer."""
    key = key_for(request, name, labels, vary)
    value = get(key) if key is not None else None
    if value is None:
        value = compute()
        if key is not None:
            put(key, value)
    return value


def get(key):
    value = _local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _local.set(key, value)
    return value


def put(key, value):
    _local.set(key, value)
    cache.set(key, value, FRAGMENT_SECONDS)


def clear_local():
    """Forgets this process's copies and the generation keys of its pages (tests)."""
    _local.clear()
    _page_keys.clear()
