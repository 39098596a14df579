"""The insets of the whole-country map: Moscow and Moscow Oblast, St Petersburg and
Leningrad Oblast, and Central Russia, each in its own axes (gid ``inset-<key>``) under a
lettered title, and its frame and letter on the main map (``inset-frame-<key>``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np

from geo.base import i18n
from geo.base.i18n import N_
from geo.render.cartography.frames import Bounds, Box, Frame, Rect
from geo.render.cartography.layouts import Layout, font_size
from geo.render.cartography.textmeter import TextMeter

INSET_PADDING = 0.06
"""Margin round an inset's regions, as a fraction of their larger side."""
FRAME_COLOUR = "#333333"


@dataclass(frozen=True)
class InsetSpec:
    """An inset: ``key``, ``letter`` on the map, ``name`` and ``short`` name (msgids), and
    the regions it frames (``codes``, and every region of a federal ``district``)."""

    key: str
    letter: str
    name: str
    short: str
    codes: tuple[str, ...] = ()
    district: str | None = None

    def title(self, lang: str, short: bool = False) -> str:
        """E.g. "A  Moscow and Moscow Oblast" (``short``: "A  Moscow")."""
        return f"{self.letter}  {i18n.translator(lang)(self.short if short else self.name)}"

    def bounds(self, territory: gpd.GeoDataFrame) -> Bounds:
        """Projected bounds of the framed regions (``territory`` is projected)."""
        chosen = territory["code"].isin(self.codes)
        if self.district is not None:
            chosen |= territory["federal_district"] == self.district
        x0, y0, x1, y1 = (float(v) for v in territory.loc[chosen].total_bounds)
        return x0, y0, x1, y1


INSETS: tuple[InsetSpec, ...] = (
    InsetSpec(
        "moscow", "A", N_("Moscow and Moscow Oblast"), N_("Moscow"), codes=("RU-MOW", "RU-MOS")
    ),
    InsetSpec(
        "spb",
        "B",
        N_("St Petersburg and Leningrad Oblast"),
        N_("St Petersburg"),
        codes=("RU-SPE", "RU-LEN"),
    ),
    InsetSpec(
        "central",
        "C",
        N_("Central Russia (Central Federal District)"),
        N_("Central Russia"),
        district="Central",
    ),
)
"""The insets of the whole-country map, in order (their letters)."""


def title_props(layout: Layout) -> dict[str, Any]:
    """Font of the insets' titles."""
    return {"fontsize": font_size(layout, "inset_title"), "fontweight": "bold"}


def title_band(meter: TextMeter, layout: Layout, lines: int = 2) -> float:
    """Height (pixels) of a title band of ``lines`` lines above an inset, gap included."""
    return meter.size("\n".join(["Ag"] * lines), **title_props(layout))[1] + layout.pt(2.0)


def split_slot(
    slot: Rect, spec: InsetSpec, meter: TextMeter, layout: Layout, lang: str
) -> tuple[Rect, str]:
    """An inset's place on the page cut in two: its title, wrapped to the slot's width, in
    a band at the top (so it hides nothing of the map), and the map's rectangle under it;
    a title that would take more than two lines is the short one. Returns the map's
    rectangle and the wrapped title."""
    x0, y0, w, h = slot
    text = meter.wrap(spec.title(lang), w, **title_props(layout))
    if text.count("\n") > 1:
        text = meter.wrap(spec.title(lang, short=True), w, **title_props(layout))
    band = meter.size(text, **title_props(layout))[1] + layout.pt(2.0)
    return (x0, y0, w, h - band), text


@dataclass(frozen=True)
class Badge:
    """An inset's frame on the main map and the box of its letter (pixels)."""

    spec: InsetSpec
    frame: Box
    letter: Box


def badges(
    main: Frame, insets: Sequence[tuple[InsetSpec, Frame]], meter: TextMeter, layout: Layout
) -> list[Badge]:
    """For each inset: the rectangle of its limits on the main map and the box of its
    letter, outside the rectangle's top left corner."""
    out = []
    props = {"fontsize": font_size(layout, "badge"), "fontweight": "bold"}
    pad = layout.pt(1.5)
    for spec, inset in insets:
        x0, y0, x1, y1 = inset.extent
        px, py = main.to_px(np.array([x0, x1]), np.array([y0, y1]))
        w, h = meter.size(spec.letter, **props)
        bx0, by0 = px[0] - w - 3 * pad, py[1] - h - 2 * pad
        frame = (float(px[0]), float(py[0]), float(px[1]), float(py[1]))
        out.append(Badge(spec, frame, (bx0, by0, bx0 + w + 2 * pad, by0 + h + 2 * pad)))
    return out
