"""Who the client is (its address behind our proxies) and how often it may ask for something.

`client_address(request)` is django-axes' AXES_CLIENT_IP_CALLABLE too, so the lockout, the security
log and the rate limits all see the same address. With settings.PROXY_COUNT = N trusted reverse
proxies in front of Django, the client is the N-th address from the right of X-Forwarded-For (each
proxy appends the address it received the request from); addresses further left were written by the
client and are not trusted. With no proxy (the default), X-Forwarded-For is ignored.

`hit(scope, key, limit=..., window=...)` counts one request in a fixed window kept in the cache
(shared by every web process when the cache is Redis) and tells whether it is still allowed;
`allowed(...)` only looks. The window is fixed: it starts at a multiple of `window` seconds (the
counter's key names its window), so trying again never pushes its end further away, whatever the
cache backend does with a counter's expiry (the file cache's incr() rewrites it).

A public form counts what matters, its sends: check `allowed()` before handling the POST and `hit()`
once the submission was valid (or caught as spam), so that a person correcting mistakes is never
locked out.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request, *args):
    """The client's IP address, honouring settings.PROXY_COUNT trusted proxies."""
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through all of them; trust only the socket.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def _cache_key(scope, key, window, now):
    digest = hashlib.sha256(str(key).strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}:{int(now // window)}"


def seconds_left(window, now=None):
    """Seconds until the current fixed window of `window` seconds ends."""
    now = time.time() if now is None else now
    return max(1, math.ceil(window - (now % window)))


def hit(scope, key, *, limit, window):
    """Counts one request for (scope, key); True while the count stays within `limit` in the current window."""
    if key in (None, ""):
        return True
    now = time.time()
    cache_key = _cache_key(scope, key, window, now)
    ttl = seconds_left(window, now) + 1
    cache.add(cache_key, 0, timeout=ttl)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: the window just ended
        cache.add(cache_key, 1, timeout=ttl)
        count = 1
    cache.touch(cache_key, ttl)  # some backends' incr() resets the expiry: the window's end stays fixed
    return count <= limit


def allowed(scope, key, *, limit, window):
    """True while (scope, key) has fewer than `limit` counted requests in the current window (counts nothing)."""
    if key in (None, ""):
        return True
    return (cache.get(_cache_key(scope, key, window, time.time())) or 0) < limit


def forgot_password_allowed(request, identifier):
    """One forgotten-password request, counted per client address and per identifier typed."""
    limit, window = settings.RATELIMIT_FORGOT_PASSWORD
    by_address = hit("forgot-ip", client_address(request), limit=limit, window=window)
    by_identifier = hit("forgot-id", identifier, limit=limit, window=window)
    return by_address and by_identifier


def forgot_password_window_minutes():
    return max(1, settings.RATELIMIT_FORGOT_PASSWORD[1] // 60)


# --- A per-account ceiling across addresses ---------------------------------------------------------
# django-axes locks one identifier from one address. Many addresses guessing one account are slowed
# (a growing pause before each check) past ACCOUNT_SLOW_AFTER failures within the window, then the
# account refuses every password past ACCOUNT_LOCK_AFTER, until the window ends or the password is
# reset by the e-mailed link; the user is told by e-mail when the lock starts.


def _account_settings():
    return (
        getattr(settings, "ACCOUNT_FAILURES_SLOW_AFTER", 10),
        getattr(settings, "ACCOUNT_FAILURES_LOCK_AFTER", 30),
        getattr(settings, "ACCOUNT_FAILURES_WINDOW", 3600),
        getattr(settings, "ACCOUNT_FAILURES_PAUSE_SECONDS", 0.5),
    )


def _account_key(user):
    return f"ratelimit:account-failures:{user.pk}"


def account_failures(user):
    return cache.get(_account_key(user), 0)


def account_failure_record(user):
    """Counts one failed sign-in of `user` (from any address) in a fixed window; returns the count."""
    _slow, _lock, window, _pause = _account_settings()
    key = _account_key(user)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def account_failures_reset(user):
    cache.delete(_account_key(user))


def account_locked(user):
    _slow, lock, _window, _pause = _account_settings()
    return account_failures(user) >= lock


def account_pause_seconds(user):
    """The pause before checking a password of `user`: 0, then growing past the slow threshold (capped)."""
    slow, _lock, _window, pause = _account_settings()
    extra = account_failures(user) - slow
    return 0 if extra < 0 else min(3.0, pause * (extra + 1))


def account_ceiling_reached(count):
    _slow, lock, _window, _pause = _account_settings()
    return count == lock


def account_window_minutes():
    return max(1, _account_settings()[2] // 60)
