"""core.stamped: values kept under (key, stamp), the least recently used dropped first."""

import pytest

from core.stamped import StampedCache, fresh_stamp


def _loader(calls: list, value):
    def load():
        calls.append(value)
        return value
    return load


def test_a_value_is_loaded_once_per_key_and_stamp():
    cache, calls = StampedCache(), []
    assert cache.get(1, "a", _loader(calls, "first")) == "first"
    assert cache.get(1, "a", _loader(calls, "unused")) == "first"
    assert cache.get(1, "b", _loader(calls, "second")) == "second"
    assert cache.get(2, "a", _loader(calls, "other site")) == "other site"
    assert calls == ["first", "second", "other site"]


def test_the_least_recently_used_value_goes_first():
    cache, calls = StampedCache(size=2), []
    cache.get(1, "s", _loader(calls, "one"))
    cache.get(2, "s", _loader(calls, "two"))
    cache.get(1, "s", _loader(calls, "again"))  # 1 is now the most recent
    cache.get(3, "s", _loader(calls, "three"))  # drops 2
    assert len(cache) == 2
    assert cache.get(1, "s", _loader(calls, "reloaded")) == "one"
    assert cache.get(2, "s", _loader(calls, "two again")) == "two again"
    assert calls == ["one", "two", "three", "two again"]


def test_a_load_that_fails_keeps_nothing():
    cache = StampedCache()

    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get(1, "s", broken)
    assert len(cache) == 0
    assert cache.get(1, "s", lambda: "loaded") == "loaded"


def test_stamps_are_never_handed_out_twice():
    stamps = {fresh_stamp() for _ in range(1000)}
    assert len(stamps) == 1000 and all(len(s) == 32 for s in stamps)
