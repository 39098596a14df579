"""Map coordinates: the Albers equal-area conic of the offline map, or plain degrees for
Leaflet's Web Mercator, and the grids coordinates are rounded to.

``albers``: the conic map on Leaflet's ``CRS.Simple`` (no tiles, offline); ``mercator``:
Leaflet's Web Mercator with OpenStreetMap tiles (needs the network). The static exports
project the detailed geometry to the same ``ALBERS`` so every map of the app has one shape.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyproj import Transformer

from geo.render.views import Projection

ALBERS = "+proj=aea +lat_1=52 +lat_2=64 +lon_0=100 +datum=WGS84 +units=m +no_defs"
"""Albers equal-area conic for Russia: areas are true, Chukotka is whole, the country fits."""

MAP_SCALE = 1e5
"""Projected metres are divided by this: Russia spans about -46…37 × 47…92 map units."""


REGION_DECIMALS = 2
"""Region vertices are rounded to 0.01 map units: 1 km in Albers, 0.01° in Mercator mode;
finer than the simplification of the web geometry (about 0.05°)."""

POINT_DECIMALS = 3
"""Cluster points are rounded to 0.001 map units (100 m)."""

_ALBERS_FROM_WGS84 = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True)


def to_map_coordinates(
    lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray, projection: Projection
) -> tuple[np.ndarray, np.ndarray]:
    """Map coordinates ``(x, y)`` of geographic points, as the Leaflet layers expect them.

    Albers: projected metres / ``MAP_SCALE`` (drawn on ``CRS.Simple``); Mercator: the
    longitude and latitude themselves (Leaflet projects them), with Russia's longitudes
    east of 180° kept above 180 so Chukotka stays in one piece.
    """
    lon_a = np.asarray(lon, dtype="float64")
    lat_a = np.asarray(lat, dtype="float64")
    if projection == "albers":
        x, y = _ALBERS_FROM_WGS84.transform(lon_a, lat_a)
        return np.asarray(x) / MAP_SCALE, np.asarray(y) / MAP_SCALE
    if projection == "mercator":
        return np.where(lon_a < 0, lon_a + 360.0, lon_a), lat_a
    raise ValueError(f"unknown projection '{projection}'")
