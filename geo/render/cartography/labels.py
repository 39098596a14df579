"""Region labels placed without overlaps: greedy, deterministic, every box measured.

:class:`LabelPlacer` works in one map axes, in figure pixels. Every label is the box its
text takes when drawn (:class:`geo.render.cartography.textmeter.TextMeter`) grown by a
padding, and a box must stay in the axes, clear of the labels placed before it, of leader
lines and of obstacles (markers, group symbols, inset frames, titles). :func:`place_labels`
runs the tiers, each over all regions in priority order before the next:

1. wholly inside the drawn region: centres on a grid over it, the one nearest the region's
   pole of inaccessibility wins; the full name first, then it wrapped, then the short
   name (``geo.render.cartography.names.label_variants``);
2. mostly inside: at least :data:`MOSTLY_INSIDE` of the box in the region, its centre
   inside, covering no other region's pole (drawn on a white backing);
3. outside, joined to the pole by a leader line: boxes at :data:`LEADER_STEPS` × 16
   bearings, covering no unlabelled region's pole, the line crossing no label, leader line
   or marker; nearest first, full names before short ones;
4. the same three tiers again in a smaller type (:data:`SMALL_TYPE` of the size);
5. else the region is left unlabelled, and the caller lists it under the map.

Neighbouring regions (``context``) get labels inside their region only and are never
listed. adjustText was measured on the same labels and left 27–52 overlapping pairs on the
country map: it only pushes labels apart, it cannot keep a label in its region, shorten,
wrap or drop it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import shapely

from geo.render.cartography.frames import Box, Frame, is_blank
from geo.render.cartography.textmeter import TextMeter

TEXT_COLOUR = "#222222"
LEADER_STEPS = (0.6, 1.2, 2.0, 3.0)
"""Distances (in label heights) from a region's pole at which leader labels are tried."""
BEARINGS = 16
"""Directions tried round a pole for a leader label."""
MOSTLY_INSIDE = 0.7
"""Share of a label's box that must lie in its region for a label without a leader line
when no box fits wholly inside."""
SMALL_TYPE = 0.8
"""Type size of the last tier, as a share of the labels' size (6.5 pt gives 5.2 pt)."""
GRID_STEPS = 40
"""A region is searched on a grid of at least 1/40 of its width and height."""

How = Literal["inside", "mostly", "leader"]


@dataclass(frozen=True)
class LabelRequest:
    """A region to label in one axes: ``variants`` of its name (best first), its drawn
    geometry and ``anchor`` (its pole) in figure pixels, the text ``colour``, whether it
    may get a leader line, whether it is a neighbouring (``context``) region."""

    code: str
    variants: tuple[str, ...]
    geometry: shapely.Geometry | None
    anchor: tuple[float, float]
    colour: str
    leader: bool
    context: bool = False
    type_scale: float = 1.0


@dataclass(frozen=True)
class PlacedLabel:
    """A placed label: text, centre and box in figure pixels, leader line (from the pole
    to the box's edge), colour, how it was placed and its type size (a share of the
    labels' size)."""

    code: str
    text: str
    centre: tuple[float, float]
    box: Box
    leader: tuple[tuple[float, float], tuple[float, float]] | None
    colour: str
    context: bool
    how: How
    type_scale: float = 1.0


def boxes_overlap(boxes: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (n × 4), whether it overlaps any of ``placed`` (m × 4).

    >>> boxes_overlap(np.array([[0, 0, 2, 2], [5, 5, 6, 6]]), np.array([[1, 1, 3, 3]]))
    array([ True, False])
    """
    if len(placed) == 0 or len(boxes) == 0:
        return np.zeros(len(boxes), dtype=bool)
    out = np.zeros(len(boxes), dtype=bool)
    for start in range(0, len(placed), 256):  # bounded memory with many obstacles
        p = placed[None, start : start + 256, :]
        b = boxes[:, None, :]
        hit = (b[..., 0] < p[..., 2]) & (p[..., 0] < b[..., 2])
        hit &= (b[..., 1] < p[..., 3]) & (p[..., 1] < b[..., 3])
        out |= hit.any(axis=1)
    return out


def covers(boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each box (n × 4), whether it contains any of ``points`` (k × 2)."""
    if len(points) == 0 or len(boxes) == 0:
        return np.zeros(len(boxes), dtype=bool)
    x, y = points[None, :, 0], points[None, :, 1]
    inside = (boxes[:, None, 0] <= x) & (x <= boxes[:, None, 2])
    inside &= (boxes[:, None, 1] <= y) & (y <= boxes[:, None, 3])
    return np.asarray(inside.any(axis=1))


def share_inside(geom: shapely.Geometry, boxes: np.ndarray) -> np.ndarray:
    """Share of each box inside ``geom``, from a 9 × 5 grid of points per box (a fraction
    of the cost of exact intersections, within a few per cent)."""
    fx = (np.arange(9) + 0.5) / 9
    fy = (np.arange(5) + 0.5) / 5
    gx = boxes[:, :1] + (boxes[:, 2:3] - boxes[:, :1]) * np.tile(fx, 5)[None, :]
    gy = boxes[:, 1:2] + (boxes[:, 3:4] - boxes[:, 1:2]) * np.repeat(fy, 9)[None, :]
    inside = shapely.contains_xy(geom, gx.ravel(), gy.ravel()).reshape(gx.shape)
    return np.asarray(inside.mean(axis=1))


def _grid(bounds: Box, w: float, h: float, strict: bool) -> tuple[np.ndarray, np.ndarray]:
    """Centres of candidate boxes of ``w`` × ``h`` over a region's ``bounds``: within the
    bounds (``strict``) or anywhere over them."""
    gx0, gy0, gx1, gy1 = bounds
    step = max(h / 3, (gx1 - gx0) / GRID_STEPS, (gy1 - gy0) / GRID_STEPS)
    if strict:
        xs = np.arange(gx0 + w / 2, gx1 - w / 2 + 1e-9, step)
        ys = np.arange(gy0 + h / 2, gy1 - h / 2 + 1e-9, step)
    else:
        xs = np.arange(gx0, gx1 + 1e-9, step)
        ys = np.arange(gy0, gy1 + 1e-9, step)
    cx, cy = np.meshgrid(xs, ys)
    return cx.ravel(), cy.ravel()


def _first_inside(geom: shapely.Geometry, boxes: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Of the boxes ``idx`` (nearest first), those wholly inside ``geom``, checked in
    chunks of 64: most regions stop at the first chunk."""
    for start in range(0, len(idx), 64):
        chunk = idx[start : start + 64]
        good = chunk[shapely.contains(geom, shapely.box(*boxes[chunk].T))]
        if len(good):
            return good
    return np.zeros(0, dtype=int)


def _leader_candidates(
    anchor: tuple[float, float], sizes: np.ndarray, unit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Boxes round ``anchor`` for each variant size, step and bearing: ``(boxes, line
    ends, variant index, order best first)``; the line ends where the box begins."""
    angles = np.deg2rad(np.arange(0, 360, 360 / BEARINGS) + 180 / BEARINGS)
    ux, uy = np.cos(angles), np.sin(angles)
    k, r, a = (
        g.ravel()
        for g in np.meshgrid(
            np.arange(len(sizes)), np.arange(len(LEADER_STEPS)), np.arange(BEARINGS),
            indexing="ij",
        )
    )  # fmt: skip
    w, h = sizes[k, 0], sizes[k, 1]
    ext = np.minimum(
        w / 2 / np.maximum(np.abs(ux[a]), 1e-9), h / 2 / np.maximum(np.abs(uy[a]), 1e-9)
    )
    dist = np.asarray(LEADER_STEPS)[r] * unit
    cx, cy = anchor[0] + ux[a] * (dist + ext), anchor[1] + uy[a] * (dist + ext)
    boxes = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    ends = np.column_stack([anchor[0] + ux[a] * dist, anchor[1] + uy[a] * dist])
    score = np.asarray(LEADER_STEPS)[r] + 1.6 * k
    return boxes, ends, k, np.lexsort((a, k, score))


class LabelPlacer:
    """Greedy, deterministic label placement in one axes (see the module's docstring).

    ``font`` are the text properties of labels, ``pad`` the free space (pixels) kept
    round every label, ``obstacles`` boxes ``(x0, y0, x1, y1)`` no label may touch.
    """

    def __init__(
        self,
        frame: Frame,
        meter: TextMeter,
        font: dict[str, Any],
        pad: float,
        obstacles: np.ndarray,
    ) -> None:
        self.frame = frame
        self.meter = meter
        self.font = font
        self.pad = pad
        self.boxes = np.zeros((0, 4))
        self.obstacles = np.asarray(obstacles, dtype=float).reshape(-1, 4)
        self.segments: list[shapely.Geometry] = []
        self._segments_union: shapely.Geometry | None = None
        self.placed: list[PlacedLabel] = []
        x0, y0, w, h = frame.rect
        self.limits = (x0 + 1, y0 + 1, x0 + w - 1, y0 + h - 1)

    def size(self, text: str, context: bool, type_scale: float = 1.0) -> tuple[float, float]:
        """The padded box size of a label text (italic for a neighbouring region) at
        ``type_scale`` of the labels' size."""
        props = dict(self.font)
        props["fontsize"] = float(props["fontsize"]) * type_scale
        if context:
            props["fontstyle"] = "italic"
        w, h = self.meter.size(text, multialignment="center", **props)
        return w + 2 * self.pad, h + 2 * self.pad

    def free(self, boxes: np.ndarray) -> np.ndarray:
        """Which boxes are in the axes and clear of labels, obstacles and leader lines."""
        x0, y0, x1, y1 = self.limits
        ok = (boxes[:, 0] >= x0) & (boxes[:, 1] >= y0) & (boxes[:, 2] <= x1) & (boxes[:, 3] <= y1)
        ok &= ~boxes_overlap(boxes, self.boxes)
        idx = np.flatnonzero(ok)
        ok[idx] = ~boxes_overlap(boxes[idx], self.obstacles)
        if self.segments and ok.any():
            idx = np.flatnonzero(ok)
            if self._segments_union is None:
                self._segments_union = shapely.union_all(self.segments)
            ok[idx] = ~shapely.intersects(shapely.box(*boxes[idx].T), self._segments_union)
        return ok

    def _try_inside(
        self, req: LabelRequest, geom: shapely.Geometry, text: str, strict: bool,
        reserved: np.ndarray | None,
    ) -> np.ndarray | None:  # fmt: skip
        """The best box for ``text`` inside the region ``geom`` (wholly or, not
        ``strict``, mostly), or ``None``."""
        w, h = self.size(text, req.context, req.type_scale)
        x0, y0, x1, y1 = (float(v) for v in shapely.bounds(geom))
        if strict and (w > x1 - x0 or h > y1 - y0):
            return None
        cx, cy = _grid((x0, y0, x1, y1), w, h, strict)
        if not strict:
            keep = shapely.contains_xy(geom, cx, cy)
            cx, cy = cx[keep], cy[keep]
        boxes = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        ok = self.free(boxes)
        if reserved is not None:
            ok &= ~covers(boxes, reserved)
        idx = np.flatnonzero(ok)
        near = np.hypot(cx[idx] - req.anchor[0], cy[idx] - req.anchor[1])
        idx = idx[np.argsort(near, kind="stable")]
        if strict:
            good = _first_inside(geom, boxes, idx)
        else:
            idx = idx[:80]
            good = idx[share_inside(geom, boxes[idx]) >= MOSTLY_INSIDE]
        return boxes[good[0]] if len(good) else None

    def inside(
        self, req: LabelRequest, strict: bool = True, reserved: np.ndarray | None = None
    ) -> PlacedLabel | None:
        """Place the first variant that fits inside the region (wholly, or mostly if not
        ``strict``, its box covering none of the ``reserved`` points); ``None`` if none."""
        geom = req.geometry
        if geom is None or is_blank(geom):
            return None
        shapely.prepare(geom)
        for text in req.variants:
            box = self._try_inside(req, geom, text, strict, reserved)
            if box is not None:
                return self._commit(req, text, box, None, "inside" if strict else "mostly")
        return None

    def _line_clear(self, anchor: tuple[float, float], ends: np.ndarray) -> np.ndarray:
        """Which lines from ``anchor`` to ``ends`` cross no label, leader line or obstacle
        (obstacles covering the anchor itself, such as its own marker, excepted)."""
        lines = shapely.linestrings(
            np.stack([np.repeat([anchor], len(ends), axis=0), ends], axis=1)
        )
        others = self.obstacles[~covers(self.obstacles, np.array([anchor]))]
        blockers = [*self.segments, *shapely.box(*np.vstack([self.boxes, others]).T)]
        clear = np.ones(len(ends), dtype=bool)
        if blockers:
            hit = shapely.STRtree(blockers).query(lines, predicate="intersects")[0]
            clear[hit] = False
        return clear

    def outside(self, req: LabelRequest, reserved: np.ndarray) -> PlacedLabel | None:
        """The nearest free box round the region's pole, joined to it by a leader line
        (its box covering none of the ``reserved`` points), or ``None``."""
        singles = [v for v in req.variants if "\n" not in v]
        doubles = [v for v in req.variants if "\n" in v]
        variants = list(dict.fromkeys([*singles[:1], *singles[-1:], *doubles[-1:]]))
        sizes = np.array([self.size(v, req.context, req.type_scale) for v in variants])
        unit = self.size("Mg", req.context, req.type_scale)[1]
        boxes, ends, k, order = _leader_candidates(req.anchor, sizes, unit)
        ok = self.free(boxes) & ~covers(boxes, reserved)
        idx = order[ok[order]]
        if not len(idx):
            return None
        idx = idx[self._line_clear(req.anchor, ends[idx])]
        if not len(idx):
            return None
        best = int(idx[0])
        end = (float(ends[best, 0]), float(ends[best, 1]))
        return self._commit(req, variants[k[best]], boxes[best], (req.anchor, end), "leader")

    def _commit(
        self,
        req: LabelRequest,
        text: str,
        box: np.ndarray,
        leader: tuple[tuple[float, float], tuple[float, float]] | None,
        how: How,
    ) -> PlacedLabel:
        """Record a placed label: its box (and leader line) now block later ones."""
        self.boxes = np.vstack([self.boxes, box[None, :]])
        if leader is not None:
            self.segments.append(shapely.LineString(leader))
            self._segments_union = None
        x0, y0, x1, y1 = (float(v) for v in box)
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        label = PlacedLabel(
            req.code, text, centre, (x0, y0, x1, y1), leader, req.colour, req.context, how,
            req.type_scale,
        )  # fmt: skip
        self.placed.append(label)
        return label


def _poles(requests: Sequence[LabelRequest]) -> dict[str, tuple[float, float]]:
    return {r.code: r.anchor for r in requests if not r.context}


def place_labels(
    placer: LabelPlacer, requests: Sequence[LabelRequest], first: frozenset[str] = frozenset()
) -> list[PlacedLabel]:
    """Place ``requests`` (territory first, in priority order; neighbours after) tier by
    tier (see the module's docstring). The regions of ``first`` (an inset's own regions)
    go through every tier before any other region is placed. Returns every placed label."""
    territory = [r for r in requests if not r.context]
    poles = _poles(requests)

    def others(but: str, unlabelled_only: bool) -> np.ndarray:
        done = {p.code for p in placer.placed} if unlabelled_only else set()
        pts = [xy for code, xy in poles.items() if code != but and code not in done]
        return np.asarray(pts, dtype=float).reshape(-1, 2)

    tiers: tuple[Callable[[LabelRequest], PlacedLabel | None], ...] = (
        placer.inside,
        lambda r: placer.inside(r, strict=False, reserved=others(r.code, False)),
        lambda r: placer.outside(r, others(r.code, True)) if r.leader else None,
    )
    left: list[LabelRequest] = []
    for group in ([r for r in territory if r.code in first],
                  [r for r in territory if r.code not in first]):  # fmt: skip
        for tier in tiers:
            group = [r for r in group if tier(r) is None]
        left += group
    small = [replace(r, type_scale=SMALL_TYPE) for r in left]
    for tier in tiers:
        small = [r for r in small if tier(r) is None]
    for req in requests:
        if req.context and placer.inside(req) is None:
            placer.inside(req, strict=False, reserved=others(req.code, False))
    return placer.placed


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a ``#rrggbb`` colour."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def label_colour(fill: str | None) -> str:
    """Dark text on light fills and on the "no data" hatch, white on dark classes.

    >>> label_colour("#253494"), label_colour("#ffffcc"), label_colour(None)
    ('#ffffff', '#222222', '#222222')
    """
    if fill is None:
        return TEXT_COLOUR
    return "#ffffff" if _luminance(fill) < 0.18 else TEXT_COLOUR
