"""Region attributes without their geometry, and the one tidying of a region table.

``clustermap regions`` lists codes, names, types, districts and areas: no shapes. Reading
a region file's ``properties`` with :mod:`json` needs pandas only (no geopandas, pyogrio
or shapely), so the listing starts in a fraction of the time :func:`geo.data.regions.load_regions`
takes. Both go through :func:`tidy_region_table`, so the attributes have the same types and
order (by code) either way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pandas as pd

from geo.base.errors import DataValidationError, ValidationIssue
from geo.base.paths import regions_dir

REGION_COLUMNS: tuple[str, ...] = (
    "code",
    "name_en",
    "name_ru",
    "type",
    "federal_district",
    "area_km2",
    "disputed",
    "geometry",
)
"""The columns of every shipped region file, in order."""

ATTRIBUTE_COLUMNS: tuple[str, ...] = REGION_COLUMNS[:-1]
"""The columns of a region file without its geometry."""

_TEXT_COLUMNS = ("code", "name_en", "name_ru", "type", "federal_district")

Resolution = Literal["web", "detailed"]
"""The resolutions of the shipped geometry (see :func:`geo.data.regions.load_regions`)."""
RESOLUTIONS: tuple[str, ...] = ("web", "detailed")


def region_file(resolution: Resolution = "web") -> Path:
    """Path of the shipped GeoJSON for ``resolution``."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}, not {resolution!r}")
    return regions_dir() / f"regions_{resolution}.geojson"


def tidy_region_table(frame: pd.DataFrame, columns: tuple[str, ...], file: str) -> pd.DataFrame:
    """``frame`` reduced to ``columns`` (in that order) with the shipped types (text, whole
    km², a boolean ``disputed``), sorted by code; a missing column is a
    ``DataValidationError`` naming ``file``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(
            [ValidationIssue(file, None, None, f"missing column(s): {missing}")]
        )
    frame = frame[list(columns)]
    frame["area_km2"] = frame["area_km2"].astype("int64")
    frame["disputed"] = frame["disputed"].astype(bool)
    for column in _TEXT_COLUMNS:
        frame[column] = frame[column].astype(str)
    return frame.sort_values("code", kind="stable").reset_index(drop=True)


def load_region_attributes(resolution: Resolution = "web") -> pd.DataFrame:
    """The regions' :data:`ATTRIBUTE_COLUMNS` (85 rows, sorted by ``code``), read from the
    file's feature properties: the same values and types as
    :func:`geo.data.regions.load_regions` without the ``geometry`` column."""
    path = region_file(resolution)
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    rows = [feature.get("properties") or {} for feature in collection.get("features", [])]
    return tidy_region_table(pd.DataFrame(rows), ATTRIBUTE_COLUMNS, path.name)
