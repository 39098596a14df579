"""The geodata exports: one GeoJSON FeatureCollection (regions, then clusters) or a
GeoPackage with the layers ``regions`` and ``clusters``, with the view's metadata."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from geopandas.array import from_shapely

from geo.base.missing import is_null
from geo.base.tables import row_dicts
from geo.render import views
from geo.render.exports.context import export_stem, make_context
from geo.render.exports.metadata import metadata_rows
from geo.render.exports.tables import clusters_table, regions_table

# --- geodata ------------------------------------------------------------------------------------


def _json_value(value: object) -> object:
    """A table cell as a JSON value: missing → null, numpy scalars → Python numbers."""
    if is_null(value):  # blank text stays "" in GeoJSON/GPKG, as recorded
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows of ``frame`` as JSON-ready property dicts."""
    return [{k: _json_value(v) for k, v in row.items()} for row in row_dicts(frame)]


def _region_geometries(rv: views.ResolvedView, codes: pd.Series) -> list[shapely.Geometry]:
    """The detailed geometry of each code, in the order of ``codes``."""
    by_code = dict(zip(rv.detailed["code"], rv.detailed.geometry, strict=True))
    return [by_code[code] for code in codes]


def _cluster_geometries(rv: views.ResolvedView) -> list[shapely.Geometry | None]:
    """Each cluster's point (as joined), ``None`` when it has no location: an unlocated
    cluster carries ``POINT (NaN NaN)``, which is neither empty nor valid GeoJSON."""
    located = rv.clusters["lat"].notna() & rv.clusters["lon"].notna()
    return [
        geom if ok and geom is not None and not geom.is_empty else None
        for geom, ok in zip(rv.clusters.geometry, located, strict=True)
    ]


def export_geojson(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """One GeoJSON FeatureCollection: region features, then cluster features.

    Every feature has ``layer`` = ``"regions"`` or ``"clusters"``; ``bbox`` is the
    territory's; ``metadata`` holds the view's settings and sources.
    """
    ctx = make_context(rv, now, version)
    regions = regions_table(rv)
    clusters = clusters_table(rv)
    features: list[str] = []
    layers = (
        ("regions", regions, _region_geometries(rv, regions["code"])),
        ("clusters", clusters, _cluster_geometries(rv)),
    )
    for layer, frame, geoms in layers:
        for props, geom in zip(_records(frame), geoms, strict=True):
            properties = json.dumps({"layer": layer, **props}, ensure_ascii=False)
            geometry = "null" if geom is None else shapely.to_geojson(geom)
            features.append(f'{{"type":"Feature","properties":{properties},"geometry":{geometry}}}')
    head = {
        "type": "FeatureCollection",
        "name": export_stem(ctx),
        "bbox": [round(v, 6) for v in rv.bounds],
        "metadata": dict(metadata_rows(ctx)),
    }
    text = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",\n".join(features)
    return (text + "]}\n").encode("utf-8")


def export_gpkg(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """A GeoPackage with the layers ``regions`` (multipolygons) and ``clusters`` (points)."""
    ctx = make_context(rv, now, version)
    regions = regions_table(rv)
    clusters = clusters_table(rv)
    region_layer = gpd.GeoDataFrame(
        regions, geometry=_region_geometries(rv, regions["code"]), crs="EPSG:4326"
    )
    cluster_points = from_shapely(_cluster_geometries(rv))  # a None stays a missing geometry
    cluster_layer = gpd.GeoDataFrame(clusters, geometry=cluster_points, crs="EPSG:4326")
    metadata = {k: v for k, v in metadata_rows(ctx)}
    with tempfile.TemporaryDirectory(prefix="clustermap-") as folder:
        path = Path(folder) / "view.gpkg"
        pyogrio.write_dataframe(
            region_layer, path, layer="regions", driver="GPKG", promote_to_multi=True,
            dataset_metadata=metadata,
            layer_metadata={"DESCRIPTION": f"Regions of {rv.territory.name_en}: {ctx.title}"},
        )  # fmt: skip
        pyogrio.write_dataframe(
            cluster_layer, path, layer="clusters", driver="GPKG", geometry_type="Point",
            layer_metadata={"DESCRIPTION": f"Clusters of the view: {ctx.cluster_count_text}"},
        )  # fmt: skip
        return path.read_bytes()
