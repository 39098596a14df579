"""A map axes on the page: its rectangle in pixels and the projected area it shows at one
scale in x and y; region outlines simplified to print resolution at that scale, as
matplotlib paths; the poles of inaccessibility labels are anchored at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import shapely
from matplotlib.path import Path as MplPath

from geo.render.cartography.layouts import PT_PER_INCH

Rect = tuple[float, float, float, float]
"""``(x0, y0, width, height)`` in pixels of the figure (origin bottom left)."""
Box = tuple[float, float, float, float]
"""``(x0, y0, x1, y1)`` in pixels of the figure."""
Bounds = tuple[float, float, float, float]
"""``(xmin, ymin, xmax, ymax)`` in projected metres."""

PRINT_TOLERANCE_PT = 0.25
"""Outlines are simplified to a quarter of a printer's point at the scale of the axes
drawing them (about half a pixel of a 300-dpi PNG): invisible in print, and the SVG and
PDF get several times smaller."""
MAP_PADDING = 0.03
"""Margin around the territory on the main map, as a fraction of its larger side."""


@dataclass(frozen=True)
class Frame:
    """A map axes: ``key`` (``main`` or ``inset-<key>``), its rectangle on the page
    (pixels) and its limits (projected metres, equal scale in x and y, so the projection
    is neither stretched nor squeezed); ``dpi`` of the page."""

    key: str
    rect: Rect
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    dpi: float = 300.0

    @property
    def scale(self) -> float:
        """Pixels per projected metre."""
        return self.rect[2] / (self.xlim[1] - self.xlim[0])

    def to_px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Projected metres to figure pixels."""
        s = self.scale
        return self.rect[0] + (x - self.xlim[0]) * s, self.rect[1] + (y - self.ylim[0]) * s

    def to_data(self, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Figure pixels to projected metres."""
        s = self.scale
        return self.xlim[0] + (px - self.rect[0]) / s, self.ylim[0] + (py - self.rect[1]) / s

    def point_to_data(self, xy: tuple[float, float]) -> tuple[float, float]:
        """One point from figure pixels to projected metres."""
        x, y = self.to_data(np.array([xy[0]]), np.array([xy[1]]))
        return float(x[0]), float(y[0])

    def geometry_px(self, geoms: np.ndarray) -> np.ndarray:
        """Geometries in projected metres moved to figure pixels."""
        s = self.scale
        offset = np.array([self.rect[0] - self.xlim[0] * s, self.rect[1] - self.ylim[0] * s])
        return shapely.transform(geoms, lambda c: c * s + offset)

    @property
    def extent(self) -> Bounds:
        """``(xmin, ymin, xmax, ymax)`` shown, in projected metres."""
        return self.xlim[0], self.ylim[0], self.xlim[1], self.ylim[1]

    @property
    def metres_per_point(self) -> float:
        """Projected metres per printer's point on this axes."""
        return self.dpi / PT_PER_INCH / self.scale


def fit_limits(
    bounds: Bounds, width: float, height: float, padding: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits showing ``bounds`` (projected metres), padded by ``padding`` of its
    larger side, as large as an axes of ``width`` × ``height`` pixels allows at equal
    scale: the padded box fills one direction and is centred in the other.

    >>> fit_limits((0, 0, 100, 50), 200, 200, 0.0)
    ((0.0, 100.0), (-25.0, 75.0))
    """
    west, south, east, north = bounds
    pad = padding * max(east - west, north - south)
    w, h = east - west + 2 * pad, north - south + 2 * pad
    ratio = width / height
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    cx, cy = (west + east) / 2, (south + north) / 2
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def padded_aspect(bounds: Bounds, padding: float) -> float:
    """Width / height of ``bounds`` padded as :func:`fit_limits` pads them."""
    west, south, east, north = bounds
    pad = padding * max(east - west, north - south)
    return (east - west + 2 * pad) / (north - south + 2 * pad)


def simplified(frame: Frame, geoms: np.ndarray, clip: bool) -> np.ndarray:
    """Geometries clipped to the frame (when ``clip``) and simplified to
    :data:`PRINT_TOLERANCE_PT` at its scale.

    Plain Douglas-Peucker: ten times faster than topology-preserving, and a shape it would
    collapse (smaller than the tolerance) keeps its full outline instead.
    """
    if clip:
        x0, y0, x1, y1 = frame.extent
        dx, dy = (x1 - x0) * 0.01, (y1 - y0) * 0.01
        geoms = shapely.clip_by_rect(geoms, x0 - dx, y0 - dy, x1 + dx, y1 + dy)
    out = shapely.simplify(
        geoms, PRINT_TOLERANCE_PT * frame.metres_per_point, preserve_topology=False
    )
    return np.where(shapely.is_empty(out), geoms, out)


def is_blank(geom: shapely.Geometry | None) -> bool:
    """Whether there is nothing to draw or label: no geometry, or an empty one."""
    return geom is None or bool(shapely.is_empty(geom))


def region_path(geom: shapely.Geometry | None) -> MplPath | None:
    """One matplotlib path for a (multi)polygon, holes included (rings oriented so both
    fill rules leave them empty); ``None`` when there is nothing to draw."""
    if is_blank(geom):
        return None
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for polygon in shapely.get_parts(shapely.orient_polygons(geom)):
        if polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            if len(coords) < 4:
                continue
            ring_codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(coords)
            codes.append(ring_codes)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def pole(geom: shapely.Geometry | None) -> tuple[float, float]:
    """The centre of the largest circle inside ``geom`` (its pole of inaccessibility,
    where a label sits best); NaNs for an empty geometry."""
    if geom is None or is_blank(geom):
        return (float("nan"), float("nan"))
    x0, y0, x1, y1 = (float(v) for v in shapely.bounds(geom))
    area = cast(shapely.Polygon | shapely.MultiPolygon, geom)
    line = shapely.maximum_inscribed_circle(area, max(x1 - x0, y1 - y0) / 200)
    x, y = shapely.get_coordinates(line)[0]
    return float(x), float(y)
