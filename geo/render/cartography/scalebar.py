"""A scale bar in kilometres, true for the projection where it says it is.

An equal-area conic's scale varies across the map, so the bar is solved, not assumed: its
projected length is the one for which a horizontal segment of that length through the
map's centre, inverse-projected, measures the stated distance on the WGS 84 ellipsoid
(``pyproj.Geod``). The note beside it says where it holds. On the country map the same
bar is within about 1.3 % anywhere for east-west distances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from pyproj import Geod, Transformer

from geo.base import i18n
from geo.base.i18n import N_
from geo.render import projection
from geo.render.cartography.frames import Frame, Rect
from geo.render.cartography.layouts import Layout, font_size
from geo.render.cartography.textmeter import TextMeter

TEXT: dict[str, str] = {
    "km": N_("{n} km"),
    "scale_note": N_(
        "Scale true at the map centre ({lat}° N, {lon}° E); Albers equal-area conic: the "
        "scale varies across the map."
    ),
}
"""The scale bar's texts (msgids)."""

BAR_COLOUR = "#222222"
NOTE_COLOUR = "#555555"
FRACTION = 0.2
"""The bar is the round distance nearest below this share of the map's width."""

_FROM_MAP = Transformer.from_crs(projection.ALBERS, "EPSG:4326", always_xy=True)
GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar: ground distance (km), its length in projected metres, and the point
    (longitude, latitude) where it is true."""

    km: float
    length_m: float
    lon: float
    lat: float


def ground_metres(x: float, y: float, length: float) -> float:
    """Geodesic metres (WGS 84) between the inverse-projected ends of a horizontal segment
    of ``length`` projected metres centred at ``(x, y)``."""
    lons, lats = _FROM_MAP.transform([x - length / 2, x + length / 2], [y, y])
    return float(GEOD.inv(lons[0], lats[0], lons[1], lats[1])[2])


def nice_km(km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``km``.

    >>> [nice_km(v) for v in (0.9, 3.0, 7.5, 180, 999)]
    [0.5, 2.0, 5.0, 100.0, 500.0]
    """
    exponent = math.floor(math.log10(km))
    for step in (5, 2, 1):
        if step * 10**exponent <= km:
            return float(step * 10**exponent)
    return float(10**exponent)


def scale_bar(frame: Frame, fraction: float = FRACTION) -> ScaleBar:
    """The scale bar of a map: a round distance near ``fraction`` of the map's width, its
    projected length solved (secant steps) so that a horizontal segment of that length
    through the map's centre spans exactly that distance on the ellipsoid."""
    xc, yc = (frame.xlim[0] + frame.xlim[1]) / 2, (frame.ylim[0] + frame.ylim[1]) / 2
    target = fraction * (frame.xlim[1] - frame.xlim[0])
    km = nice_km(ground_metres(xc, yc, target) / 1000)
    length = km * 1000 * target / ground_metres(xc, yc, target)
    for _ in range(4):
        length *= km * 1000 / ground_metres(xc, yc, length)
    lon, lat = _FROM_MAP.transform(xc, yc)
    return ScaleBar(km, length, float(lon), float(lat))


def scale_texts(bar: ScaleBar, lang: str) -> tuple[str, str]:
    """The bar's end label ("500 km") and its note (where it is true) in ``lang``."""
    _ = i18n.translator(lang)
    end = _(TEXT["km"]).format(n=f"{bar.km:g}")
    note = _(TEXT["scale_note"]).format(lat=f"{bar.lat:.0f}", lon=f"{bar.lon:.0f}")
    return end, note


def _bar(ax: Axes, start: float, y: float, bar: ScaleBar, height: float) -> None:
    """The bar: two halves, black and white, and its baseline (gid ``scale-bar``, from
    the bar's start to its end in the scale axes' projected metres)."""
    half = bar.length_m / 2
    for x, fill in ((start, BAR_COLOUR), (start + half, "#ffffff")):
        ax.add_patch(
            Rectangle((x, y), half, height, facecolor=fill, edgecolor=BAR_COLOUR, linewidth=0.6)
        )
    ax.add_line(
        Line2D([start, start + bar.length_m], [y, y], color=BAR_COLOUR, linewidth=0.6,
               gid="scale-bar")
    )  # fmt: skip


def draw_scale(
    ax: Axes, frame: Frame, bar: ScaleBar, rect: Rect, layout: Layout, meter: TextMeter, lang: str
) -> None:
    """The scale bar on its own axes (``rect`` on the page): x in projected metres at the
    map's scale, so a length on it is a length on the map; distances above the bar and,
    right of it, where the scale holds."""
    props: dict[str, Any] = {"fontsize": font_size(layout, "scale"), "color": BAR_COLOUR}
    end_text, note = scale_texts(bar, lang)
    start = (meter.size("0", **props)[0] / 2 + 2) / frame.scale
    bar_h = layout.pt(3.0)
    y_bar = rect[3] * 0.15
    ax.set_xlim(0, rect[2] / frame.scale)
    ax.set_ylim(0, rect[3])
    _bar(ax, start, y_bar, bar, bar_h)
    y_text = y_bar + bar_h + layout.pt(1.5)
    half = bar.length_m / 2
    ticks = ((start, "0"), (start + half, f"{bar.km / 2:g}"), (start + bar.length_m, end_text))
    for x, text in ticks:
        ax.text(x, y_text, text, ha="center", va="bottom", parse_math=False, gid="scale-text",
                **props)  # fmt: skip
    end_w = meter.size(end_text, **props)[0]
    note_x = start + bar.length_m + (end_w / 2 + layout.pt(8)) / frame.scale
    note_props: dict[str, Any] = {
        "fontsize": font_size(layout, "scale") * 0.9,
        "color": NOTE_COLOUR,
    }
    note = meter.wrap(note, rect[2] - note_x * frame.scale - 4, **note_props)
    ax.text(note_x, rect[3] / 2, note, ha="left", va="center", parse_math=False,
            gid="scale-note", **note_props)  # fmt: skip
