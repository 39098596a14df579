"""Cluster markers that would overlap on a static map: spread on a ring round their place,
grouped into one symbol with a count, or pushed apart, so that no two touch.

Everything is in figure pixels and deterministic (same points, same layout). Neighbour
searches use Shapely's ``STRtree`` (``dwithin``), already a dependency of the maps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from geo.render import markers

STATIC_SCALE = 0.75
"""Screen pixels (the marker sizes of ``geo.render.markers``) to printer's points."""
MAX_SPREAD = 8
"""At most this many overlapping markers are spread on a ring; more become a group."""
GROUP_CAP_FACTOR = 3.0
"""How much farther apart two group symbols may be than two markers and still merge."""
SET_REACH = 2.5
"""A merged set's points stay within this many marker diameters of their mean."""
GAP = 0.15
"""Free space kept between markers, rings and groups, in marker diameters."""
ATOM = 0.5
"""Cell side, in marker diameters, of the grid markers are binned into before sets are
seeded (see :func:`_seed_sets`)."""
RELAX_STEPS = 150
"""At most this many relaxation steps push overlapping symbols apart."""


def marker_style(kind: str) -> tuple[float, str, float]:
    """Diameter (points), edge colour and edge width (points) of a ``plain`` or ``mne``
    marker: the screen map's markers (``geo.render.markers.MARKER_STYLE``) at print scale."""
    style = markers.MARKER_STYLE[kind]
    return (
        2 * float(style["radius"]) * STATIC_SCALE,
        style["color"],
        float(style["weight"]) * STATIC_SCALE,
    )


@dataclass(frozen=True)
class MarkerGroup:
    """Markers drawn together: one marker, a ring of markers, or (``grouped``) one group
    symbol. ``origin`` is the mean of their true points, ``centre`` where it is drawn,
    ``radius`` what it covers."""

    members: tuple[int, ...]
    origin: tuple[float, float]
    centre: tuple[float, float]
    radius: float
    grouped: bool


@dataclass(frozen=True)
class MarkerLayout:
    """Where the markers of one axes are drawn, in figure pixels: ``true_xy`` their
    places, ``drawn_xy`` where each is drawn, ``groups`` how they are drawn together."""

    true_xy: np.ndarray
    drawn_xy: np.ndarray
    groups: tuple[MarkerGroup, ...]

    @property
    def grouped_mask(self) -> np.ndarray:
        """True for markers drawn inside a group symbol."""
        mask = np.zeros(len(self.true_xy), dtype=bool)
        for group in self.groups:
            if group.grouped:
                mask[list(group.members)] = True
        return mask

    @property
    def spread(self) -> np.ndarray:
        """True for single markers drawn away from their point (spread or pushed aside)."""
        moved = np.hypot(*(self.drawn_xy - self.true_xy).T) > 0.5
        return moved & ~self.grouped_mask

    @property
    def moved_groups(self) -> list[MarkerGroup]:
        """Group symbols pushed away from their clusters' mean point."""
        return [g for g in self.groups if g.grouped and math.dist(g.origin, g.centre) > 0.5]

    @property
    def has_groups(self) -> bool:
        """Whether any group symbol is drawn."""
        return any(g.grouped for g in self.groups)

    @property
    def has_spokes(self) -> bool:
        """Whether any marker or group is drawn away from its place (with a spoke)."""
        return bool(self.spread.any()) or bool(self.moved_groups)

    def obstacles(self, pad: float) -> np.ndarray:
        """Boxes ``(x0, y0, x1, y1)`` labels must avoid: every marker, ring and group
        symbol with the points its spokes lead to, grown by ``pad``."""
        boxes = []
        for g in self.groups:
            ends = np.array([g.origin]) if g.grouped else self.true_xy[list(g.members)]
            x0 = min(g.centre[0] - g.radius, ends[:, 0].min())
            y0 = min(g.centre[1] - g.radius, ends[:, 1].min())
            x1 = max(g.centre[0] + g.radius, ends[:, 0].max())
            y1 = max(g.centre[1] + g.radius, ends[:, 1].max())
            boxes.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        return np.asarray(boxes, dtype=float).reshape(-1, 4)


def ring_radius(n: int, diameter: float) -> float:
    """Radius of the ring on which ``n`` markers of ``diameter`` sit without touching."""
    return max(0.8 * diameter, 1.15 * diameter / (2 * math.sin(math.pi / n)))


def group_radius(n: int, diameter: float) -> float:
    """Radius of the group symbol of ``n`` clusters: grows with log n, at most 1.3 marker
    diameters.

    >>> round(group_radius(9, 10.0), 2), group_radius(10_000, 10.0)
    (10.25, 13.0)
    """
    return min(diameter / 2 * (1.1 + 0.3 * math.log2(n)), 1.3 * diameter)


def footprint(n: int, diameter: float, max_spread: int = MAX_SPREAD) -> float:
    """Radius of what ``n`` markers drawn together cover: a marker, a ring, a group."""
    if n == 1:
        return diameter / 2
    if n <= max_spread:
        return ring_radius(n, diameter) + diameter / 2
    return group_radius(n, diameter)


def close_pairs(pts: np.ndarray, distance: float) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, of points at most ``distance`` apart (k × 2),
    sorted."""
    if len(pts) < 2:
        return np.zeros((0, 2), dtype=int)
    geoms = np.asarray(shapely.points(pts), dtype=object)
    a, b = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=distance)
    keep = a < b
    pairs = np.column_stack([a[keep], b[keep]])
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _atoms(pts: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Points binned into square cells of side ``size``: the cells' mean points, their
    weights (how many points) and each cell's point indices (ascending); cells in the
    order of their first point."""
    cells = np.floor(pts / size).astype(np.int64)
    _, first, inverse = np.unique(cells, axis=0, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    atom_of = rank[np.asarray(inverse).ravel()]
    weights = np.bincount(atom_of, minlength=len(first))
    groups = np.split(np.argsort(atom_of, kind="stable"), np.cumsum(weights)[:-1])
    sums = np.zeros((len(first), 2))
    np.add.at(sums, atom_of, pts)
    return sums / weights[:, None], weights, groups


def _within(pts: np.ndarray, distance: float) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair ``(a, b)`` of points at most ``distance`` apart, each point with
    itself included, sorted by ``a`` then ``b``."""
    geoms = np.asarray(shapely.points(pts), dtype=object)
    a, b = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=distance)
    order = np.lexsort((b, a))
    return a[order], b[order]


def _seed_sets(pts: np.ndarray, radius: float) -> list[list[int]]:
    """Greedy sets: the point with most neighbours within ``radius`` takes them, then the
    same with the points left (ties by first index).

    Points are first binned into cells of :data:`ATOM` × ``radius`` (points of one cell
    are at most 0.71 ``radius`` apart, so they would join one set anyway), and the
    greedy rule runs over the cells weighted by their points: 10,000 markers in a few
    cities cost what their few hundred cells cost, not the millions of their pairs.
    """
    centres, weights, groups = _atoms(pts, ATOM * radius)
    a, b = _within(centres, radius)
    starts = np.searchsorted(a, np.arange(len(centres) + 1))
    counts = np.add.reduceat(weights[b], starts[:-1])
    owner = np.full(len(centres), -1)
    sets: list[list[int]] = []
    for i in np.lexsort((np.arange(len(centres)), -counts)):
        if owner[i] >= 0:
            continue
        near = b[starts[i] : starts[i + 1]]
        near = near[owner[near] < 0]
        owner[near] = len(sets)
        sets.append(sorted(np.concatenate([groups[j] for j in near]).tolist()))
    return sorted(sets, key=lambda m: m[0])


def _find(root: list[int], i: int) -> int:
    """The representative of ``i`` in a union-find forest."""
    while root[i] != i:
        i = root[i]
    return i


def _touching(pts: np.ndarray, sets: list[list[int]], diameter: float, max_spread: int):
    """Pairs of sets whose footprints overlap (k × 2) and their centres' distances,
    nearest first."""
    centres = np.array([pts[m].mean(axis=0) for m in sets])
    radii = np.array([footprint(len(m), diameter, max_spread) for m in sets])
    gap = GAP * diameter
    pairs = close_pairs(centres, 2 * radii.max() + gap)
    dist = np.hypot(*(centres[pairs[:, 0]] - centres[pairs[:, 1]]).T)
    close = dist < radii[pairs[:, 0]] + radii[pairs[:, 1]] + gap
    pairs, dist = pairs[close], dist[close]
    order = np.lexsort((pairs[:, 1], pairs[:, 0], dist))
    return pairs[order], dist[order]


def _merge_round(
    pts: np.ndarray, sets: list[list[int]], diameter: float, max_spread: int, cap: float
) -> list[list[int]] | None:
    """One round of merging touching sets, nearest pairs first, as long as the merged
    points stay within ``cap`` of their mean (:data:`GROUP_CAP_FACTOR` × ``cap`` for two
    group symbols); ``None`` when nothing merged."""
    pairs, _ = _touching(pts, sets, diameter, max_spread)
    members = {i: list(m) for i, m in enumerate(sets)}
    root = list(range(len(sets)))
    merged = False
    for first, second in pairs.tolist():
        a, b = _find(root, first), _find(root, second)
        if a == b:
            continue
        joined = members[a] + members[b]
        groups = min(len(members[a]), len(members[b])) > max_spread
        limit = cap * GROUP_CAP_FACTOR if groups else cap
        p = pts[joined]
        if np.hypot(*(p - p.mean(axis=0)).T).max() <= limit:
            keep, drop = min(a, b), max(a, b)
            root[drop] = keep
            members[keep] = joined
            del members[drop]
            merged = True
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0]) if merged else None


def merge_sets(
    pts: np.ndarray, sets: list[list[int]], diameter: float, max_spread: int, cap: float
) -> list[list[int]]:
    """Merge sets whose footprints overlap, round after round, as long as a merged set's
    points stay within ``cap`` of their mean (so a group never swallows a whole part of
    the country); two group symbols merge within :data:`GROUP_CAP_FACTOR` × ``cap``
    (dense registries aggregate more coarsely rather than push symbols far away)."""
    while len(sets) > 1:
        merged = _merge_round(pts, sets, diameter, max_spread, cap)
        if merged is None:
            break
        sets = merged
    return sets


def relax(centres: np.ndarray, radii: np.ndarray, weights: np.ndarray, gap: float) -> np.ndarray:
    """Push overlapping circles apart (the lighter one moves more) until none overlap or
    :data:`RELAX_STEPS` pass; coincident centres part in a fixed direction."""
    pos = centres.astype(float).copy()
    if len(pos) < 2:
        return pos
    for _ in range(RELAX_STEPS):
        pairs = close_pairs(pos, 2 * radii.max() + gap)
        i, j = pairs[:, 0], pairs[:, 1]
        d = pos[j] - pos[i]
        dist = np.hypot(d[:, 0], d[:, 1])
        need = radii[i] + radii[j] + gap
        over = dist < need - 1e-6
        if not over.any():
            break
        i, j, d, dist, need = i[over], j[over], d[over], dist[over], need[over]
        angle = (i * 2.399963) % (2 * math.pi)
        unit = np.where(
            dist[:, None] > 1e-9,
            d / np.maximum(dist, 1e-9)[:, None],
            np.column_stack([np.cos(angle), np.sin(angle)]),
        )
        push = (need - dist) * 1.02
        share_i = weights[j] / (weights[i] + weights[j])
        delta = np.zeros_like(pos)
        np.add.at(delta, i, -unit * (push * share_i)[:, None])
        np.add.at(delta, j, unit * (push * (1 - share_i))[:, None])
        pos += delta
    return pos


def ring_positions(pts: np.ndarray, centre: np.ndarray, diameter: float) -> np.ndarray:
    """Where ``k`` markers (true places ``pts``) sit on the ring round ``centre``: in the
    order of their bearing from the places' mean, so the ring keeps the geography."""
    k = len(pts)
    d = pts - pts.mean(axis=0)
    far = np.hypot(d[:, 0], d[:, 1]) > 1e-9
    bearing = np.where(far, np.arctan2(d[:, 0], d[:, 1]) % (2 * math.pi), 0.0)
    order = sorted(range(k), key=lambda j: (round(float(bearing[j]), 6), j))
    start = float(bearing[order[0]])
    out = np.zeros_like(pts)
    radius = ring_radius(k, diameter)
    for slot, j in enumerate(order):
        angle = start + 2 * math.pi * slot / k
        out[j] = centre + radius * np.array([math.sin(angle), math.cos(angle)])
    return out


def layout_markers(
    points: np.ndarray, diameter: float, max_spread: int = MAX_SPREAD
) -> MarkerLayout:
    """Spread, group or push aside markers of ``diameter`` (pixels) so that none overlaps.

    1. greedy sets of markers within one diameter of the densest point;
    2. sets whose footprints overlap merge while their points stay within
       :data:`SET_REACH` diameters of their mean (:func:`merge_sets`);
    3. a set of up to ``max_spread`` markers becomes a ring round its mean, a larger one a
       group symbol;
    4. what still overlaps is pushed apart (:func:`relax`); the caller draws spokes from
       each moved marker to its true point.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(pts) == 0:
        return MarkerLayout(pts, pts.copy(), ())
    seeds = _seed_sets(pts, diameter)
    sets = merge_sets(pts, seeds, diameter, max_spread, SET_REACH * diameter)
    origins = np.array([pts[m].mean(axis=0) for m in sets])
    radii = np.array([footprint(len(m), diameter, max_spread) for m in sets])
    weights = np.array([1.0 + math.log2(len(m)) for m in sets])
    centres = relax(origins, radii, weights, GAP * diameter)
    drawn = pts.copy()
    groups: list[MarkerGroup] = []
    for members, origin, centre, radius in zip(sets, origins, centres, radii, strict=True):
        k = len(members)
        if k == 1 or k > max_spread:
            drawn[members] = centre
        else:
            drawn[members] = ring_positions(pts[members], centre, diameter)
        groups.append(
            MarkerGroup(
                tuple(members),
                (float(origin[0]), float(origin[1])),
                (float(centre[0]), float(centre[1])),
                float(radius),
                k > max_spread,
            )
        )
    return MarkerLayout(pts, drawn, tuple(groups))
