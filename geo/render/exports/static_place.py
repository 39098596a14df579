"""Markers and labels of a planned static map: where every cluster marker, group symbol,
region label and leader line goes, in figure pixels, for the main map and each inset.

Insets are placed first: a region labelled in an inset gets no leader line on the main
map. Regions are labelled in priority order: most clusters first, then largest area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from geo.render.cartography.frames import Frame, is_blank, pole, simplified
from geo.render.cartography.insets import badges
from geo.render.cartography.labels import (
    LabelPlacer,
    LabelRequest,
    PlacedLabel,
    label_colour,
    place_labels,
)
from geo.render.cartography.layouts import PT_PER_INCH, Layout, font_size
from geo.render.cartography.names import label_variants, region_name
from geo.render.cartography.spread import MarkerLayout, layout_markers, marker_style
from geo.render.cartography.textmeter import TextMeter
from geo.render.exports.context import ExportContext
from geo.render.exports.static_data import MapData
from geo.render.exports.static_page import Plan, static_text

LABEL_PAD_PT = 1.0
"""Free space kept round every label (points): labels never touch each other."""
CONTEXT_TEXT = "#8a8a8a"
"""Colour of the neighbouring regions' names."""

Markers = tuple[np.ndarray, MarkerLayout]
"""The rows of ``MapData.located`` drawn in an axes and their marker layout."""


@dataclass(frozen=True)
class FrameGeometry:
    """The regions of one axes: drawn geometry (metres), the same in pixels, and poles
    (pixels), for the territory and the neighbours."""

    territory: np.ndarray
    territory_px: np.ndarray
    territory_poles: np.ndarray
    context: np.ndarray
    context_px: np.ndarray
    context_poles: np.ndarray


def _poles(geoms: np.ndarray) -> np.ndarray:
    return np.array([pole(g) for g in geoms], dtype=float).reshape(-1, 2)


def frame_geometry(frame: Frame, data: MapData) -> FrameGeometry:
    """Simplified geometry of the frame's regions (clipped, but on the country's main
    map) and their poles."""
    clip = frame.key != "main" or not data.is_country
    terr = simplified(frame, data.territory.geometry.to_numpy(), clip)
    terr_px = frame.geometry_px(terr)
    if len(data.context):
        ctx = simplified(frame, data.context.geometry.to_numpy(), True)
        ctx_px = frame.geometry_px(ctx)
    else:
        ctx = ctx_px = np.array([], dtype=object)
    return FrameGeometry(terr, terr_px, _poles(terr_px), ctx, ctx_px, _poles(ctx_px))


@dataclass
class Work:
    """What one build shares: figure, text meter, context, layout, data, and the geometry
    of each axes (computed once)."""

    fig: Figure
    meter: TextMeter
    ctx: ExportContext
    layout: Layout
    data: MapData
    geometry: dict[Frame, FrameGeometry] = field(default_factory=dict)

    def frame_geometry(self, frame: Frame) -> FrameGeometry:
        """The geometry of ``frame`` (cached)."""
        if frame not in self.geometry:
            self.geometry[frame] = frame_geometry(frame, self.data)
        return self.geometry[frame]


def markers_in(frame: Frame, data: MapData) -> Markers:
    """The clusters whose point is in the frame and their marker layout."""
    px, py = frame.to_px(data.x, data.y)
    x0, y0, w, h = frame.rect
    chosen = np.flatnonzero((px >= x0) & (px <= x0 + w) & (py >= y0) & (py <= y0 + h))
    diameter = frame.dpi / PT_PER_INCH * marker_style("mne")[0]
    return chosen, layout_markers(np.column_stack([px[chosen], py[chosen]]), diameter)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` (geometry left out) as dicts."""
    rows = pd.DataFrame(frame.drop(columns="geometry")).to_dict("records")
    return cast(list[dict[str, Any]], rows)


def _territory_requests(work: Work, frame: Frame, skip_leader: set[str]) -> list[LabelRequest]:
    """Label requests of the territory's regions in the frame: most clusters, then
    largest area, first."""
    geom = work.frame_geometry(frame)
    cls = work.ctx.rv.classification
    lang = work.ctx.lang
    rows = records(work.data.territory)
    order = sorted(
        range(len(rows)),
        key=lambda i: (-rows[i]["clusters"], -float(rows[i]["area_km2"]), rows[i]["code"]),
    )
    return [
        LabelRequest(
            str(rows[i]["code"]), label_variants(region_name(rows[i], lang), lang),
            geom.territory_px[i], tuple(geom.territory_poles[i]),
            label_colour(cls.colour_of(rows[i]["code"])), rows[i]["code"] not in skip_leader,
        )
        for i in order
        if not is_blank(geom.territory_px[i])
    ]  # fmt: skip


def _context_requests(work: Work, frame: Frame) -> list[LabelRequest]:
    """Label requests of the neighbouring regions in the frame, largest first."""
    geom = work.frame_geometry(frame)
    lang = work.ctx.lang
    rows = records(work.data.context)
    order = sorted(range(len(rows)), key=lambda i: (-float(rows[i]["area_km2"]), rows[i]["code"]))
    return [
        LabelRequest(
            str(rows[i]["code"]), label_variants(region_name(rows[i], lang), lang),
            geom.context_px[i], tuple(geom.context_poles[i]), CONTEXT_TEXT, False, True,
        )
        for i in order
        if not is_blank(geom.context_px[i])
    ]  # fmt: skip


def place_frame(
    work: Work, frame: Frame, mlayout: MarkerLayout, obstacles: np.ndarray, font_key: str,
    skip_leader: set[str], first: frozenset[str] = frozenset(),
) -> list[PlacedLabel]:  # fmt: skip
    """Labels of one axes (``geo.render.cartography.labels.place_labels``), clear of its
    markers and of ``obstacles`` (titles, inset frames' letters); the regions of
    ``first`` are placed before any other."""
    layout = work.layout
    pad = layout.pt(LABEL_PAD_PT)
    placer = LabelPlacer(
        frame, work.meter, {"fontsize": font_size(layout, font_key)}, pad,
        np.vstack([mlayout.obstacles(pad), obstacles.reshape(-1, 4)]),
    )  # fmt: skip
    requests = _territory_requests(work, frame, skip_leader) + _context_requests(work, frame)
    return place_labels(placer, requests, first)


@dataclass
class Placement:
    """Labels and markers of every axes (by frame key) and the regions left unlabelled."""

    labels: dict[str, list[PlacedLabel]]
    markers: dict[str, Markers]
    omitted: list[str]

    @property
    def groups(self) -> bool:
        """Whether any group symbol is drawn."""
        return any(m.has_groups for _, m in self.markers.values())

    @property
    def spread(self) -> bool:
        """Whether any marker or group is drawn away from its place."""
        return any(m.has_spokes for _, m in self.markers.values())


def place_all(work: Work, plan: Plan) -> Placement:
    """Markers and labels of every axes: insets first (a region labelled there needs no
    leader line on the main map), then the main map."""
    labels: dict[str, list[PlacedLabel]] = {}
    markers: dict[str, Markers] = {}
    in_insets: set[str] = set()
    for spec, frame in plan.insets:
        markers[frame.key] = markers_in(frame, work.data)
        placed = place_frame(
            work, frame, markers[frame.key][1], np.zeros((0, 4)), "inset_label", set(),
            frozenset(spec.codes),
        )  # fmt: skip
        labels[frame.key] = placed
        in_insets |= {p.code for p in placed if not p.context}
    markers["main"] = markers_in(plan.main, work.data)
    letters = [b.letter for b in badges(plan.main, plan.insets, work.meter, work.layout)]
    obstacles = np.array(letters, dtype=float).reshape(-1, 4)
    labels["main"] = place_frame(work, plan.main, markers["main"][1], obstacles, "label", in_insets)
    done = in_insets | {p.code for p in labels["main"] if not p.context}
    omitted = [str(c) for c in work.data.territory["code"] if c not in done]
    return Placement(labels, markers, omitted)


def not_labelled_note(work: Work, omitted: Sequence[str]) -> str:
    """The note "Not labelled (no room): <names>." in the view's language, names sorted; empty
    when every region is labelled."""
    if not omitted:
        return ""
    rows = {str(r["code"]): r for r in records(work.data.territory)}
    names = sorted(region_name(rows[c], work.ctx.lang) for c in omitted)
    return static_text("not_labelled", work.ctx.lang).format(names=", ".join(names))
