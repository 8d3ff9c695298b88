"""Generations: tokens in the cache that change when something a session remembered has changed.

A session keeps what a gate found (second factor verified, consent texts accepted) with the
generations it was found under; a later request trusts it only while they are the same, so that a
gate costs one cache round trip (both generations read at once) instead of its queries.

- CONSENT_TEXTS: changes when a consent text is published or removed (every user's consent again);
- user(pk): changes when one of the user's second-factor devices or consent acceptances changes
  (a removed device, a withdrawn consent).

Bumped by the receivers of accounts/signals.py. Without a cache (or a lost key) the token is new at
each request: nothing is trusted, the gates query as before.
"""

import secrets

from django.core.cache import cache

CONSENT_TEXTS = "guichet:generation:consent-texts"


def user(pk):
    return f"guichet:generation:user:{pk}"


def bump(key):
    cache.set(key, secrets.token_hex(8), None)


def current(request, user_pk):
    """(consent texts, user) generations, read once per request (one cache round trip)."""
    cached = getattr(request, "_guichet_generations", None)
    if cached is not None and cached[0] == user_pk:
        return cached[1]
    keys = [CONSENT_TEXTS, user(user_pk)]
    found = cache.get_many(keys)
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            # A token another request stored first wins; if the cache stores nothing, the token is
            # this request's alone (never stored, so never matched again: the gates query).
            cache.add(key, secrets.token_hex(8), None)
            value = cache.get(key) or secrets.token_hex(8)
        values.append(value)
    result = tuple(values)
    request._guichet_generations = (user_pk, result)
    return result
