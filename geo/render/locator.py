"""A small static locator map: Russia in an Albers conic projection, one region
highlighted and, optionally, a point.

Drawn with matplotlib's object API (a ``Figure`` with an Agg canvas, never ``pyplot``'s
global state, so pages can draw from several sessions at once) into PNG bytes. No
network, no tiles: the outlines are the shipped region geometry.

Use :func:`project_regions` once (pages cache it), then :func:`locator_png` per region or
cluster.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import geopandas as gpd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import Transformer

from geo.render.projection import ALBERS  # the interactive and static maps' projection

SIMPLIFY_M = 4000.0
"""Outline simplification in metres: invisible at locator size, keeps drawing fast."""

BASE_FILL = "#e3e3e3"
EDGE = "#ffffff"
DISPUTED_FILL = "#f2f2f2"
HIGHLIGHT_FILL = "#0072B2"  # Okabe–Ito blue
POINT_FILL = "#E69F00"  # Okabe–Ito orange
POINT_EDGE = "#1a1a1a"


@dataclass(frozen=True)
class LocatorSize:
    """Width in inches and resolution; the height follows the country's aspect ratio."""

    width_in: float = 4.0
    dpi: int = 100


def project_regions(regions: gpd.GeoDataFrame, simplify_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """Region outlines (``code``, ``disputed``, ``geometry``) in :data:`ALBERS`, simplified.

    Longitudes east of 180° (Chukotka, as the dataset stores them) project correctly: the
    conic measures them from its central meridian.
    """
    if regions.crs is None:
        raise ValueError("the regions have no coordinate reference system")
    columns = [c for c in ("code", "disputed") if c in regions.columns]
    projected = regions[[*columns, "geometry"]].to_crs(ALBERS)
    if simplify_m > 0:
        projected["geometry"] = projected.geometry.simplify(simplify_m, preserve_topology=True)
    return projected


_TO_ALBERS = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True)


def project_point(lon: float, lat: float) -> tuple[float, float]:
    """A WGS 84 point in :data:`ALBERS` metres; ``ValueError`` if it is not a coordinate."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or not -90 <= lat <= 90:
        raise ValueError(f"not a coordinate: longitude {lon}, latitude {lat}")
    if not -180 <= lon <= 360:
        raise ValueError(f"longitude {lon} is outside -180…360")
    x, y = _TO_ALBERS.transform(lon, lat)
    return float(x), float(y)


def locator_png(
    projected: gpd.GeoDataFrame,
    highlight: str | None = None,
    point: tuple[float, float] | None = None,
    size: LocatorSize = LocatorSize(),  # noqa: B008 - frozen dataclass, safe as a default
) -> bytes:
    """PNG bytes of Russia with region ``highlight`` filled and ``point`` (lon, lat) marked.

    ``highlight=None`` draws no region highlighted (a cluster without a region); an unknown
    code is a ``ValueError`` naming it, so a typo never yields a silently empty map.
    """
    codes = set(projected["code"]) if "code" in projected.columns else set()
    if highlight is not None and highlight not in codes:
        raise ValueError(f"no region with code '{highlight}' to highlight")
    xy = project_point(*point) if point is not None else None

    minx, miny, maxx, maxy = projected.total_bounds
    pad = 0.02 * (maxx - minx)
    aspect = (maxy - miny + 2 * pad) / (maxx - minx + 2 * pad)
    fig = Figure(figsize=(size.width_in, size.width_in * aspect), dpi=size.dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()

    disputed = (
        projected["disputed"].fillna(False).astype(bool)
        if "disputed" in projected.columns
        else None
    )
    base = projected if disputed is None else projected.loc[~disputed]
    base.plot(ax=ax, color=BASE_FILL, edgecolor=EDGE, linewidth=0.3)
    if disputed is not None and disputed.any():
        projected.loc[disputed].plot(
            ax=ax, color=DISPUTED_FILL, edgecolor="#9e9e9e", linewidth=0.3, hatch="////"
        )
    if highlight is not None:
        projected.loc[projected["code"] == highlight].plot(
            ax=ax, color=HIGHLIGHT_FILL, edgecolor=HIGHLIGHT_FILL, linewidth=0.6
        )
    if xy is not None:
        ax.scatter(
            [xy[0]], [xy[1]], s=46, c=POINT_FILL, edgecolors=POINT_EDGE, linewidths=1.0, zorder=5
        )
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=size.dpi, metadata={"Software": None})
    return buffer.getvalue()
