"""Geometry in CRS84 for GeoJSON: the antimeridian, one geometry type per layer, boxes.

The shipped geometry runs Chukotka past 180 degrees east (so the region stays whole on
the app's maps). GeoJSON (RFC 7946, 3.1.9) and OGC API - Features want longitudes in
[-180, 180]: a polygon reaching past 180 is cut at the antimeridian and its eastern part
shifted by -360; points are wrapped. Collection extents that cross the antimeridian are
written with ``minx > maxx``, as OGC API - Features says; ``bbox`` accepts that form too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import shapely.affinity
import shapely.geometry

POINT_DECIMALS = 6
"""Decimals of point coordinates (about 0.1 m)."""

POLYGON_DECIMALS = 4
"""Decimals of polygon coordinates (about 10 m; the web geometry is simplified to ~1 km)."""


def usable(geom: Any) -> bool:
    """True for a geometry with coordinates, all finite (a cluster without a location is
    ``POINT (NaN NaN)`` in the dataset)."""
    if not isinstance(geom, shapely.Geometry) or shapely.is_empty(geom):
        return False
    return bool(np.isfinite(shapely.get_coordinates(geom)).all())


def wrap_antimeridian(geom: Any) -> Any:
    """``geom`` with CRS84 longitudes: a point wrapped into [-180, 180], a polygon reaching
    past 180 cut there and its eastern part shifted by -360. None without coordinates.

    >>> wrap_antimeridian(shapely.Point(190, 65)).x
    -170.0
    >>> [round(b) for b in wrap_antimeridian(shapely.box(170, 60, 190, 70)).bounds]
    [-180, 60, 180, 70]
    """
    if not usable(geom):
        return None
    minx, _, maxx, _ = geom.bounds
    if minx >= -180 and maxx <= 180:
        return geom
    if geom.geom_type == "Point":
        return shapely.Point(((geom.x + 180) % 360) - 180, geom.y)
    west = geom.intersection(shapely.box(-180, -90, 180, 90))
    east = shapely.affinity.translate(geom.intersection(shapely.box(180, -90, 540, 90)), -360)
    polygons = [
        p for part in (west, east) for p in shapely.get_parts(part) if p.geom_type == "Polygon"
    ]
    return shapely.MultiPolygon(polygons)


def as_multi(geom: Any) -> Any:
    """A Polygon as a one-part MultiPolygon, so a polygon layer has one geometry type
    (GDAL reports a Polygon/MultiPolygon mix as "Unknown")."""
    if geom is not None and geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom


def geometry_json(geom: Any, decimals: int) -> dict[str, Any] | None:
    """The GeoJSON geometry, coordinates rounded to ``decimals`` (None without one)."""
    if not usable(geom):
        return None
    rounded = shapely.transform(geom, lambda c: np.round(c, decimals))
    return dict(shapely.geometry.mapping(rounded))


def part_boxes(geoms: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Bounding boxes of every part of every geometry (``(m, 4)``) and the index of the
    geometry each belongs to (``(m,)``): a geometry cut at the antimeridian has a box on
    each side, so a ``bbox`` on either side finds it."""
    boxes: list[tuple[float, float, float, float]] = []
    owners: list[int] = []
    for i, geom in enumerate(geoms):
        if not usable(geom):
            continue
        for part in shapely.get_parts(geom):
            boxes.append(part.bounds)
            owners.append(i)
    return np.array(boxes, dtype=float).reshape(-1, 4), np.array(owners, dtype=int)


def extent_of(boxes: np.ndarray) -> list[float] | None:
    """The extent of part boxes in CRS84, ``minx > maxx`` when it crosses the
    antimeridian (parts wholly in the far west, -180 to -120, continue an extent that
    otherwise lies east of 0 degrees).

    >>> extent_of(np.array([[20.0, 41.0, 180.0, 81.0], [-180.0, 64.0, -169.0, 72.0]]))
    [20.0, 41.0, -169.0, 81.0]
    """
    if len(boxes) == 0:
        return None
    miny, maxy = float(boxes[:, 1].min()), float(boxes[:, 3].max())
    west, east = float(boxes[:, 0].min()), float(boxes[:, 2].max())
    far = boxes[:, 2] < -120
    if far.any() and not far.all() and (boxes[~far, 0] >= 0).all():
        west = float(boxes[~far, 0].min())
        east = float(boxes[far, 2].max())
    return [round(west, 4), round(miny, 4), round(east, 4), round(maxy, 4)]


@dataclass(frozen=True)
class Geometries:
    """A collection's geometries in CRS84: GeoJSON text per feature, part boxes and their
    owners for ``bbox``, the shapes (polygons, for the exact test) and, for points, the
    coordinates (CSV columns)."""

    json: list[str]
    boxes: np.ndarray
    owners: np.ndarray
    shapes: np.ndarray
    x: np.ndarray | None = None
    y: np.ndarray | None = None


def point_coordinates(geoms: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes (wrapped into [-180, 180)) and latitudes of points, rounded to
    :data:`POINT_DECIMALS`; NaN where a point is missing or has no coordinates."""
    array = np.array(list(geoms), dtype=object)
    present = np.array([isinstance(g, shapely.Geometry) for g in array], dtype=bool)
    x = np.full(len(array), np.nan)
    y = np.full(len(array), np.nan)
    if present.any():
        x[present] = shapely.get_x(array[present].tolist())
        y[present] = shapely.get_y(array[present].tolist())
    outside = np.isfinite(x) & ((x < -180) | (x > 180))
    x[outside] = ((x[outside] + 180) % 360) - 180
    return np.round(x, POINT_DECIMALS), np.round(y, POINT_DECIMALS)


def encode_points(x: np.ndarray, y: np.ndarray) -> list[str]:
    """GeoJSON Point geometries as text (``null`` where a coordinate is missing)."""
    return [
        f'{{"type":"Point","coordinates":[{xi!r},{yi!r}]}}' if math.isfinite(xi + yi) else "null"
        for xi, yi in zip(x.tolist(), y.tolist(), strict=True)
    ]


def point_geometries(geoms: Sequence[Any]) -> Geometries:
    """Points, vectorised (10,000 in milliseconds)."""
    x, y = point_coordinates(geoms)
    ok = np.isfinite(x) & np.isfinite(y)
    boxes = np.column_stack([x[ok], y[ok], x[ok], y[ok]]).reshape(-1, 4)
    return Geometries(encode_points(x, y), boxes, np.flatnonzero(ok), np.array([]), x, y)


def polygon_geometries(geoms: Sequence[Any]) -> Geometries:
    """Polygons, one by one (a hundred regions): cut at the antimeridian, always
    MultiPolygon, coordinates rounded to :data:`POLYGON_DECIMALS`."""
    wrapped = np.array([as_multi(wrap_antimeridian(g)) for g in geoms], dtype=object)
    text = [json.dumps(geometry_json(g, POLYGON_DECIMALS), separators=(",", ":")) for g in wrapped]
    boxes, owners = part_boxes(list(wrapped))
    return Geometries(text, boxes, owners, wrapped)
