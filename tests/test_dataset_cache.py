"""Datasets kept in the user cache (``geo.analysis.dataset_cache`` and its callers in
``geo.registry.sources``): a loaded dataset equals the built one, and a dataset is never
served stale: a new version of the store (an import, an edit) or a changed data file is a
miss and is built afresh."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.analysis import dataset_cache
from geo.analysis.dataset import Dataset
from geo.base import cache
from geo.base.paths import data_dir
from geo.registry import auth, importer, sources, store
from tests.test_store import CLUSTER_HEADER  # the clusters file header


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache directory for one test."""
    home = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(home))
    return home


def assert_same_dataset(left: Dataset, right: Dataset) -> None:
    """Every field equal: frames frame for frame (geometry included), the rest by value."""
    for field in dataclasses.fields(left):
        a, b = getattr(left, field.name), getattr(right, field.name)
        if isinstance(a, gpd.GeoDataFrame):
            assert_geodataframe_equal(a, b)
        elif isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b)
        elif field.name != "resolver":
            assert a == b, field.name


def test_a_cached_dataset_equals_the_built_one_unlocated_points_included(cache_home, data):
    built = dataset_cache.cached_dataset("published_dataset", ["web"], lambda: data)
    assert built is data  # a miss returns what was built
    (entry,) = cache_home.glob("published_dataset-*.pickle")
    loaded = dataset_cache.cached_dataset("published_dataset", ["web"], pytest.fail)
    assert loaded is not data
    assert_same_dataset(loaded, data)
    # The shipped records hold a cluster that cannot be located: its point stays NaN, NaN.
    unlocated = data.clusters["lat"].isna()
    assert unlocated.any()
    assert loaded.clusters.geometry[unlocated].x.isna().all()
    assert not loaded.clusters.geometry[unlocated].is_empty.any()  # not POINT EMPTY


def test_a_changed_data_file_is_a_miss(cache_home, tmp_path, monkeypatch, data):
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setenv("CLUSTERMAP_DATA_DIR", str(copy))
    dataset_cache.cached_dataset("published_dataset", ["web"], lambda: data)
    dataset_cache.cached_dataset("published_dataset", ["web"], pytest.fail)  # a hit
    clusters = copy / "records" / "clusters.csv"
    clusters.write_text(clusters.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    rebuilt: list[int] = []
    dataset_cache.cached_dataset("published_dataset", ["web"], lambda: rebuilt.append(1) or data)
    assert rebuilt == [1]


def test_the_published_source_is_built_then_loaded(cache_home, data):
    first = sources.open_source("published").dataset
    assert list(cache_home.glob("published_dataset-*.pickle"))
    second = sources.open_source("published").dataset
    assert_same_dataset(first, data)
    assert_same_dataset(second, data)


NEW_CLUSTER = CLUSTER_HEADER + (
    "CL-0100,Kazan cache test,Тестовый кластер,Kazan,RU-TA,n/a,testing,n/a,n/a,12,"
    "n/a,n/a,n/a,n/a,n/a,registry,test file,\n"
)


def test_an_import_is_never_served_from_a_stale_cache(cache_home, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    opened = store.Store.open(url)
    try:
        before = sources.stored_dataset(opened)  # version 1, built and stored
        assert "CL-0100" not in set(before.clusters["id"])
        assert sources.stored_dataset(opened, 1).clusters["id"].tolist() == (
            before.clusters["id"].tolist()
        )
        credentials = {"alice": auth.hash_password("correct horse", iterations=1000)}
        editor = auth.authenticate("alice", "correct horse", credentials)
        assert editor is not None
        parsed = importer.parse_bytes("new.csv", NEW_CLUSTER.encode(), "clusters", opened.refs)
        assert opened.import_file(editor, parsed).version == 2
        after = sources.stored_dataset(opened)  # the new head
        assert "CL-0100" in set(after.clusters["id"])
        assert after.version != before.version
        assert_same_dataset(after, sources.dataset_from_store(opened, 2))
        # The command line reads the same, in a fresh call.
        listed = sources.open_source("store", url=url)
        assert "CL-0100" in set(listed.dataset.clusters["id"])
    finally:
        opened.dispose()


def test_a_store_recreated_at_the_same_url_is_a_miss(cache_home, tmp_path):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    opened = store.Store.open(url)
    first = sources.stored_dataset(opened)
    opened.dispose()
    path.unlink()
    reopened = store.Store.open(url)  # a new store: seeded again as version 1
    try:
        rebuilt: list[int] = []
        original = sources.dataset_from_store

        def counting(*args, **kwargs):
            rebuilt.append(1)
            return original(*args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sources, "dataset_from_store", counting)
            second = sources.stored_dataset(reopened)
        assert rebuilt == [1]
        assert_same_dataset(first, dataclasses.replace(second, version=first.version))
    finally:
        reopened.dispose()
