"""core.lru.LRU: the most recently used entries kept within a count or a size."""

from core.lru import LRU


def test_the_least_recently_used_entry_goes_first():
    kept = LRU(2)
    kept.set("a", 1)
    kept.set("b", 2)
    assert kept.get("a") == 1  # "a" used: "b" is now the oldest
    kept.set("c", 3)
    assert kept.get("b") is None and kept.get("a") == 1 and kept.get("c") == 3


def test_a_size_function_bounds_the_total():
    kept = LRU(10, size=len)
    kept.set("a", "x" * 6)
    kept.set("b", "y" * 6)
    assert kept.used <= 10 and kept.get("a") is None and kept.get("b") == "y" * 6
    kept.set("b", "z")  # replaced: its old size is given back
    assert kept.used == 1
    kept.clear()
    assert kept.used == 0 and kept.get("b") is None
