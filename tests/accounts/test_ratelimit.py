"""accounts.ratelimit: fixed windows that count what the caller counts."""


def test_rate_limit_window_is_fixed_and_allowed_counts_nothing(monkeypatch, settings):
    """A fixed window: trying again inside it never pushes its end; allowed() only looks."""
    from django.core.cache import cache

    from accounts import ratelimit

    clock = [1_000_000.0]  # a multiple of 100: a window starts here
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    for _ in range(5):
        assert ratelimit.allowed("t", "1.2.3.4", limit=2, window=100)
    assert ratelimit.hit("t", "1.2.3.4", limit=2, window=100)
    assert ratelimit.hit("t", "1.2.3.4", limit=2, window=100)
    assert not ratelimit.allowed("t", "1.2.3.4", limit=2, window=100)
    clock[0] += 99
    assert not ratelimit.hit("t", "1.2.3.4", limit=2, window=100)  # a third, late in the window
    assert ratelimit.seconds_left(100, clock[0]) == 1
    clock[0] += 1  # the window ends when it was going to, whatever happened inside
    assert ratelimit.allowed("t", "1.2.3.4", limit=2, window=100)
    assert ratelimit.hit("t", "1.2.3.4", limit=2, window=100)
    cache.clear()


def test_rate_limit_survives_a_cache_whose_incr_resets_the_expiry(settings, tmp_path):
    """The file cache's incr() rewrites the entry with the default timeout: the count must hold anyway."""
    from django.core.cache import caches

    from accounts import ratelimit

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    try:
        results = [ratelimit.hit("f", "5.6.7.8", limit=3, window=3600) for _ in range(5)]
        assert results == [True, True, True, False, False]
    finally:
        caches["default"].clear()
