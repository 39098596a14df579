"""The region shapes as the browser gets them: projected, rounded, encoded, compact JSON.

Region coordinates are projected (``geo.render.projection``), rounded to a grid
(``REGION_DECIMALS``) and written as encoded polylines (Google's Encoded Polyline
Algorithm: small integer deltas as printable characters), which the browser decodes back
to GeoJSON before Leaflet sees it (``geo/render/leaflet/regions.js``). Every string taken
from data is HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.base.missing import is_missing
from geo.render.projection import REGION_DECIMALS, to_map_coordinates
from geo.render.views import Projection

# --- encoded polylines --------------------------------------------------------------------------


def _encode_number(value: int) -> str:
    """One signed integer in the Encoded Polyline Algorithm (5-bit chunks, offset 63)."""
    value = ~(value << 1) if value < 0 else value << 1
    chunks = []
    while value >= 0x20:
        chunks.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chunks.append(chr(value + 63))
    return "".join(chunks)


def quantise_ring(coords: np.ndarray, decimals: int) -> np.ndarray:
    """Ring vertices as integers on a ``10**-decimals`` grid, without repeated vertices
    and without the closing vertex (Leaflet closes polygons itself)."""
    q = np.round(np.asarray(coords, dtype="float64")[:, :2] * 10**decimals).astype(np.int64)
    if len(q) == 0:
        return q
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    q = q[keep]
    if len(q) > 1 and np.array_equal(q[0], q[-1]):
        q = q[:-1]
    return q


def encode_ring(coords: np.ndarray, decimals: int) -> str:
    """A ring as an encoded polyline: ``(x, y)`` deltas on a ``10**-decimals`` grid.

    The grid is the same for every region, so a border shared by two regions stays shared
    after rounding (no slivers or gaps appear between neighbours).
    """
    q = quantise_ring(coords, decimals)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return "".join(_encode_number(int(dx)) + _encode_number(int(dy)) for dx, dy in deltas)


def decode_ring(encoded: str, decimals: int) -> np.ndarray:
    """The inverse of ``encode_ring`` (the browser runs the same algorithm in JavaScript)."""
    values: list[int] = []
    shift = result = 0
    for char in encoded:
        b = ord(char) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    q = np.cumsum(np.asarray(values, dtype=np.int64).reshape(-1, 2), axis=0)
    return q / 10**decimals


# --- region payload -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionPayload:
    """Region shapes ready for the browser.

    ``json`` is the compact JSON the base map embeds (region code, escaped names and
    encoded rings per region), ``bounds`` the ``[[south, west], [north, east]]`` box in
    map coordinates and ``vertices`` how many vertices were kept.
    """

    projection: Projection
    json: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    vertices: int
    regions: int


def _polygons(geom: BaseGeometry | None) -> list[shapely.Polygon]:
    """The polygons of any areal geometry (nothing for an empty or non-areal one)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, shapely.MultiPolygon):
        return list(geom.geoms)
    if isinstance(geom, shapely.GeometryCollection):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _to_map_geometry(geoms: np.ndarray, projection: Projection) -> np.ndarray:
    """Geometries in WGS 84 degrees moved to map coordinates (``to_map_coordinates``)."""

    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = to_map_coordinates(coords[:, 0], coords[:, 1], projection)
        return np.column_stack([x, y])

    return shapely.transform(geoms, transform)


_TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def compact_json(value: Any) -> str:
    """JSON without spaces, safe to embed in a page and in a folium template.

    ``</`` is escaped so no ``</script>`` can end the script early, and a ``{`` that
    would open a Jinja tag (``{{``, ``{%``, ``{#``; encoded polylines can contain them,
    and branca re-parses every rendered script as a template) is written ``\\u007b``.
    Both can only occur inside JSON strings, where these escapes mean the same text.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _TEMPLATE_START.sub(r"\\u007b", text.replace("</", "<\\/"))


def region_payload(
    regions: gpd.GeoDataFrame,
    projection: Projection = "albers",
    decimals: int = REGION_DECIMALS,
) -> RegionPayload:
    """Project, round and encode the region shapes, keeping only code and names.

    A pure function of its inputs (the page caches it). Rings that collapse to fewer than
    three distinct vertices on the grid (islets of a few hundred metres) are dropped.
    """
    frame = regions.to_crs("EPSG:4326") if regions.crs and not regions.crs.equals(4326) else regions
    geoms = _to_map_geometry(frame.geometry.to_numpy(), projection)
    records = []
    vertices = 0
    for code, name_en, name_ru, geom in zip(
        frame["code"], frame["name_en"], frame["name_ru"], geoms, strict=True
    ):
        parts = []
        for polygon in _polygons(geom):
            rings = []
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords)
                kept = len(quantise_ring(coords, decimals))
                if kept < 3:
                    if ring is polygon.exterior:
                        break  # the whole part collapsed: drop it with its holes
                    continue
                vertices += kept
                rings.append(encode_ring(coords, decimals))
            if rings:
                parts.append(rings)
        records.append({"c": str(code), "n": region_label_html(name_en, name_ru), "g": parts})
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    bounds = (
        (round(float(ymin), 3), round(float(xmin), 3)),
        (round(float(ymax), 3), round(float(xmax), 3)),
    )
    text = compact_json({"d": decimals, "r": records})
    return RegionPayload(projection, text, bounds, vertices, len(records))


def text_of(value: Any, missing: str = "not reported") -> str:
    """``value`` as stripped text, ``missing`` when it is missing or blank."""
    if is_missing(value):
        return missing
    return str(value).strip()


def region_label_html(name_en: Any, name_ru: Any, lang: str = "en") -> str:
    """Both names of a region, escaped: the one of ``lang`` first, in bold."""
    first, second = (name_ru, name_en) if lang == "ru" else (name_en, name_ru)
    if not text_of(first, ""):
        first, second = second, None
    label = f"<b>{html.escape(text_of(first, ''))}</b>"
    other = text_of(second, "")
    if other:
        label += f"<br>{html.escape(other)}"
    return label
