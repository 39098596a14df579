"""The user cache of derived data (``geo.base.cache``): where it is, what its key covers,
and that a corrupt, stale, foreign or unwritable cache never changes a result."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest

from geo.base import cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory for one test."""
    home = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(home))
    return home


class Counter:
    """A ``compute`` that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(tmp_path / "explicit"))
    assert cache.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv(cache.ENV_CACHE_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "clustermap"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "clustermap"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "clustermap"


def test_the_cache_is_never_inside_the_repository_by_default(monkeypatch):
    monkeypatch.delenv(cache.ENV_CACHE_DIR)
    root = Path(__file__).resolve().parent.parent
    assert root not in cache.cache_dir().resolve().parents


def test_a_value_is_computed_once_then_loaded(cache_home):
    compute = Counter({"a": (1, 2)})
    assert cache.cached("thing", ["k"], compute) == {"a": (1, 2)}
    assert cache.cached("thing", ["k"], compute) == {"a": (1, 2)}
    assert compute.calls == 1
    entries = list(cache_home.glob("thing-*.pickle"))
    assert len(entries) == 1
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    assert not list(cache_home.glob("*.tmp"))


def test_a_changed_key_part_is_a_miss_and_replaces_the_old_entry(cache_home):
    first, second = Counter("old"), Counter("new")
    assert cache.cached("thing", ["v1"], first) == "old"
    assert cache.cached("thing", ["v2"], second) == "new"
    assert second.calls == 1
    assert len(list(cache_home.glob("thing-*.pickle"))) == 1  # the stale entry is gone
    assert cache.cached("other", ["v1"], Counter(3)) == 3  # other names are kept apart
    assert len(list(cache_home.glob("*.pickle"))) == 2


def test_a_corrupt_entry_is_rebuilt(cache_home):
    cache.cached("thing", ["k"], Counter([1]))
    (entry,) = cache_home.glob("thing-*.pickle")
    entry.write_bytes(b"not a pickle")
    compute = Counter([2])
    assert cache.cached("thing", ["k"], compute) == [2]
    assert compute.calls == 1
    assert pickle.loads(entry.read_bytes()) == [2]


def test_a_truncated_entry_is_rebuilt(cache_home):
    cache.cached("thing", ["k"], Counter(list(range(1000))))
    (entry,) = cache_home.glob("thing-*.pickle")
    entry.write_bytes(entry.read_bytes()[:50])
    assert cache.cached("thing", ["k"], Counter("fresh")) == "fresh"


def test_a_value_failing_the_check_is_recomputed(cache_home):
    cache.cached("thing", ["k"], Counter("a string"))
    compute = Counter({"right": "shape"})
    value = cache.cached("thing", ["k"], compute, check=lambda v: isinstance(v, dict))
    assert value == {"right": "shape"}
    assert compute.calls == 1


def test_a_directory_others_can_write_is_not_trusted(cache_home):
    cache.cached("thing", ["k"], Counter("mine"))
    os.chmod(cache_home, 0o777)
    try:
        compute = Counter("recomputed")
        assert cache.cached("thing", ["k"], compute) == "recomputed"
        assert compute.calls == 1
    finally:
        os.chmod(cache_home, 0o700)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anyway")
def test_an_unwritable_cache_is_skipped(cache_home):
    cache_home.mkdir(mode=0o500)
    try:
        compute = Counter("value")
        assert cache.cached("thing", ["k"], compute) == "value"
        assert cache.cached("thing", ["k"], compute) == "value"
        assert compute.calls == 2
    finally:
        os.chmod(cache_home, 0o700)


def test_a_cache_path_that_is_a_file_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(blocker))
    compute = Counter("value")
    assert cache.cached("thing", ["k"], compute) == "value"
    assert blocker.read_text() == "not a directory"


def test_an_unpicklable_value_is_returned_and_not_stored(cache_home):
    value = Counter(lambda: None)  # a lambda cannot be pickled
    assert cache.cached("thing", ["k"], value) is value.value
    assert not list(cache_home.glob("*"))


def test_names_are_plain_identifiers(cache_home):
    with pytest.raises(ValueError, match="cache name"):
        cache.cached("../escape", ["k"], Counter(1))


def test_key_parts(tmp_path):
    source = tmp_path / "input.csv"
    source.write_text("a,b\n")
    before = (cache.file_digest(source), cache.file_stamp(source))
    source.write_text("a,c\n")
    assert cache.file_digest(source) != before[0]
    assert cache.cache_key("x", ["1", "2"]) != cache.cache_key("x", ["12"])
    assert cache.cache_key("x", ["1"]) != cache.cache_key("y", ["1"])


def test_package_versions_reads_installed_distributions():
    import pandas

    text = cache.package_versions(["pandas", "no-such-package-here"])
    assert f"pandas={pandas.__version__}" in text
    assert "no-such-package-here=?" in text


def test_load_and_store_keep_a_value_a_caller_updates(cache_home):
    is_dict = lambda value: isinstance(value, dict)  # noqa: E731
    assert cache.load("memo", ["k"], is_dict) == (False, None)
    cache.store("memo", ["k"], {"a": 1})
    assert cache.load("memo", ["k"], is_dict) == (True, {"a": 1})
    cache.store("memo", ["k"], {"a": 1, "b": 2})
    assert cache.load("memo", ["k"], is_dict) == (True, {"a": 1, "b": 2})
    assert cache.load("memo", ["other"], is_dict) == (False, None)
    assert cache.load("memo", ["k"], lambda value: False) == (False, None)
    assert len(list(cache_home.glob("memo-*.pickle"))) == 1
    next(cache_home.glob("memo-*.pickle")).write_bytes(b"not a pickle")
    assert cache.load("memo", ["k"], is_dict) == (False, None)
