"""Generations: tokens in the cache that change when something a session remembered has changed.

A session keeps what a gate found (second factor verified, consent texts accepted) with the
generations it was found under; a later request trusts it only while they are the same, so that a
gate costs one cache round trip (both generations read at once) instead of its queries. The identity
snapshot (accounts/identity.py: the user, their memberships, the facts rules remember) is trusted the
same way, read in that same round trip.

- CONSENT_TEXTS: changes when a consent text is published or removed (every user's consent again);
- user(pk): changes when one of the user's second-factor devices or consent acceptances changes
  (a removed device, a withdrawn consent);
- identity(pk): changes when the user, one of their memberships, or a fact kept for them alone
  changes (accounts/identity.py);
- ACCESS: changes when a fact shared by many users changes (an organisation, a cooperative's legal
  form a rule reads): every identity snapshot is rebuilt.

Bumped by the receivers of accounts/signals.py and accounts/identity.py (the identity's at once and
again when the transaction commits: a request that read the rows before the commit cannot keep
them under the new token). Without a cache (or a lost key) the token is new at each request: nothing is trusted, the
gates and the identity query as before.
"""

import secrets

from django.core.cache import cache
from django.db import connection, transaction

CONSENT_TEXTS = "guichet:generation:consent-texts"
ACCESS = "guichet:generation:access"


def user(pk):
    return f"guichet:generation:user:{pk}"


def identity(pk):
    return f"guichet:generation:identity:{pk}"


def bump(*keys, after_commit=False):
    """New tokens for `keys`, now and (`after_commit`, inside a transaction) once more after its commit:
    a request that read the rows before the commit then cannot keep them under the new token."""
    if not keys:
        return
    cache.set_many({key: secrets.token_hex(8) for key in keys}, None)
    if after_commit and connection.in_atomic_block:
        transaction.on_commit(lambda: cache.set_many({key: secrets.token_hex(8) for key in keys}, None), robust=True)


def complete(found, keys):
    """The tokens of `keys` from a get_many answer, a missing one created (one more round trip)."""
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            # A token another request stored first wins; if the cache stores nothing, the token is
            # this request's alone (never stored, so never matched again: nothing is trusted).
            cache.add(key, secrets.token_hex(8), None)
            value = cache.get(key) or secrets.token_hex(8)
        values.append(value)
    return tuple(values)


def current(request, user_pk, session_user=None):
    """(consent texts, user) generations, read once per request (one cache round trip): those the
    identity snapshot read with the session's user (accounts/identity.py), else read now."""
    cached = getattr(request, "_guichet_generations", None)
    if cached is None:
        cached = getattr(session_user, "_guichet_generations", None)
    if cached is not None and cached[0] == user_pk:
        return cached[1]
    keys = [CONSENT_TEXTS, user(user_pk)]
    result = complete(cache.get_many(keys), keys)
    request._guichet_generations = (user_pk, result)
    return result
