"""Drawing a planned and placed static map with matplotlib: regions and neighbours,
markers, spokes and group symbols, labels and leader lines, inset frames, the scale bar,
legends and the page's texts.

Artists carry gids the SVG keeps as element ids and the tests read: ``region-<code>``,
``context-<code>``, ``clusters-plain``/``clusters-mne`` (one ``<use>`` per cluster, fill =
scenario), ``cluster-group-<n>-*``, ``label-<axes>-<code>``, ``leader-<axes>-<code>``,
``inset-frame-<key>``, ``inset-badge-<key>``, ``<inset>-title``; axes gids ``map``,
``inset-<key>``, ``scale``, ``legend``, ``legend-markers``; page texts ``title``,
``subtitle``, ``sources``, ``labels-note``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, PathPatch, Rectangle, Wedge

from geo.render import classify
from geo.render.cartography.frames import Frame, region_path
from geo.render.cartography.insets import FRAME_COLOUR, badges, title_props
from geo.render.cartography.labels import TEXT_COLOUR, PlacedLabel
from geo.render.cartography.layouts import PT_PER_INCH, Layout, font_size
from geo.render.cartography.scalebar import draw_scale, scale_bar
from geo.render.cartography.spread import MarkerGroup, MarkerLayout, marker_style
from geo.render.exports.static_data import MapData
from geo.render.exports.static_page import (
    BORDER_COLOUR,
    CONTEXT_EDGE,
    CONTEXT_FILL,
    LEGEND_KEYS,
    NO_DATA_HATCH_PATTERN,
    PageState,
    Plan,
    legend_entries,
    make_legend,
)
from geo.render.exports.static_place import Placement, Work
from geo.render.palette import SCENARIO_COLOURS

SPOKE_COLOUR = "#555555"
WHITE_BACKING = {"boxstyle": "square,pad=0.1", "facecolor": "#ffffff", "edgecolor": "none",
                 "alpha": 0.8}  # fmt: skip
"""Behind labels that leave their region (leader lines, mostly-inside labels): no text
halo, since matplotlib's path effects turn SVG text into paths."""


def draw_regions(
    ax: Axes, codes: Sequence[str], geoms: np.ndarray, fills: Sequence[str | None],
    gid_prefix: str, edge: str = BORDER_COLOUR, zorder: float = 1,
) -> int:  # fmt: skip
    """Regions as patches (gid ``<prefix><code>``) in their colour, ``None`` hatched as
    "no data". Returns how many were drawn."""
    drawn = 0
    for code, geom, fill in zip(codes, geoms, fills, strict=True):
        path = region_path(geom)
        if path is None:
            continue
        style: dict[str, Any] = {"edgecolor": edge, "linewidth": 0.35, "facecolor": fill}
        if fill is None:
            style |= {"facecolor": classify.NO_DATA_FILL, "hatch": NO_DATA_HATCH_PATTERN,
                      "hatchcolor": classify.NO_DATA_HATCH}  # fmt: skip
        # add_artist, not add_patch: the limits are set, and add_patch's limit update
        # costs seconds on detailed geometry.
        ax.add_artist(PathPatch(path, gid=f"{gid_prefix}{code}", zorder=zorder, **style))
        drawn += 1
    return drawn


def _spokes(ax: Axes, frame: Frame, mlayout: MarkerLayout, prefix: str) -> None:
    """Lines from each moved marker or group symbol to its true place, a dot there."""
    dx, dy = frame.to_data(mlayout.drawn_xy[:, 0], mlayout.drawn_xy[:, 1])
    tx, ty = frame.to_data(mlayout.true_xy[:, 0], mlayout.true_xy[:, 1])
    segs = [((tx[i], ty[i]), (dx[i], dy[i])) for i in np.flatnonzero(mlayout.spread)]
    for g in mlayout.moved_groups:
        segs.append((frame.point_to_data(g.origin), frame.point_to_data(g.centre)))
    if not segs:
        return
    ax.add_collection(
        LineCollection(segs, colors=SPOKE_COLOUR, linewidths=0.6, zorder=2.5,
                       gid=f"{prefix}cluster-spokes"),
        autolim=False,
    )  # fmt: skip
    ends = np.array([s[0] for s in segs])
    ax.scatter(ends[:, 0], ends[:, 1], s=1.6**2, c="#333333", linewidths=0, zorder=2.6,
               gid=f"{prefix}cluster-points")  # fmt: skip


def _group_symbol(
    ax: Axes, frame: Frame, group: MarkerGroup, scenario: np.ndarray, ring: bool, gid: str,
    layout: Layout,
) -> None:  # fmt: skip
    """A group symbol: a pie of its clusters' scenarios, a dark ring if any has MNE links,
    the count in a white centre."""
    centre, r = frame.point_to_data(group.centre), group.radius / frame.scale
    shares = pd.Series(scenario).value_counts()
    start = 90.0
    for name, colour in SCENARIO_COLOURS.items():
        sweep = 360.0 * int(shares.get(name, 0)) / len(scenario)
        if sweep:
            ax.add_artist(Wedge(centre, r, start - sweep, start, facecolor=colour,
                                edgecolor="#ffffff", linewidth=0.4, zorder=5,
                                gid=f"{gid}-{name.replace(' ', '-')}"))  # fmt: skip
            start -= sweep
    ax.add_artist(Circle(centre, r, facecolor="none", zorder=5.1, linewidth=2.25 if ring else 1.1,
                         edgecolor="#111111" if ring else "#ffffff"))  # fmt: skip
    ax.add_artist(Circle(centre, 0.58 * r, facecolor="#ffffff", edgecolor="none", zorder=5.2))
    inner_pt = 0.58 * group.radius * PT_PER_INCH / layout.dpi
    ax.text(*centre, f"{len(scenario)}", ha="center", va="center", fontweight="bold",
            fontsize=min(font_size(layout, "group"), 1.1 * inner_pt), color=TEXT_COLOUR,
            zorder=5.3, gid=f"{gid}-count", parse_math=False)  # fmt: skip


def draw_markers(
    ax: Axes, frame: Frame, data: MapData, chosen: np.ndarray, mlayout: MarkerLayout,
    layout: Layout, prefix: str,
) -> None:  # fmt: skip
    """The markers of the clusters ``chosen`` (rows of ``data.located``) as laid out:
    spokes, then plain and ringed markers as two scatters (SVG groups
    ``<prefix>clusters-plain`` and ``<prefix>clusters-mne``, one ``<use>`` per cluster,
    fill = scenario: 10,000 clusters draw in a fraction of a second), then group symbols."""
    located = data.located.iloc[chosen]
    grey = SCENARIO_COLOURS["not assessed"]
    scenario = located["scenario"].fillna("not assessed").to_numpy()
    fills = np.array([SCENARIO_COLOURS.get(s, grey) for s in scenario])
    mne = pd.to_numeric(located["mne_count"], errors="coerce").fillna(0).to_numpy() > 0
    _spokes(ax, frame, mlayout, prefix)
    grouped = mlayout.grouped_mask
    dx, dy = frame.to_data(mlayout.drawn_xy[:, 0], mlayout.drawn_xy[:, 1])
    for kind, sel in (("plain", ~mne & ~grouped), ("mne", mne & ~grouped)):
        if sel.any():
            size, edge, width = marker_style(kind)
            ax.scatter(dx[sel], dy[sel], s=size**2, c=fills[sel], edgecolors=edge,
                       linewidths=width, zorder=3 if kind == "plain" else 4,
                       gid=f"{prefix}clusters-{kind}")  # fmt: skip
    for number, group in enumerate(g for g in mlayout.groups if g.grouped):
        members = list(group.members)
        _group_symbol(ax, frame, group, scenario[members], bool(mne[members].any()),
                      f"{prefix}cluster-group-{number}", layout)  # fmt: skip


def _leader(ax: Axes, frame: Frame, label: PlacedLabel) -> None:
    """A label's leader line (gid ``leader-<axes>-<code>``) with a dot at the pole."""
    assert label.leader is not None
    (px0, py0), (px1, py1) = label.leader
    lx, ly = frame.to_data(np.array([px0, px1]), np.array([py0, py1]))
    ax.add_line(Line2D(lx, ly, color="#333333", linewidth=0.45, zorder=6,
                       gid=f"leader-{frame.key}-{label.code}"))  # fmt: skip
    ax.add_line(Line2D(lx[:1], ly[:1], marker="o", markersize=1.8, color="#333333",
                       linestyle="none", zorder=6))  # fmt: skip


def draw_labels(
    ax: Axes, frame: Frame, labels: Sequence[PlacedLabel], layout: Layout, font_key: str
) -> None:
    """Region labels (gid ``label-<axes>-<code>``), leader lines, neighbours in italics."""
    for label in labels:
        x, y = frame.point_to_data(label.centre)
        props: dict[str, Any] = {"color": label.colour}
        if label.leader is not None:
            _leader(ax, frame, label)
        if label.leader is not None or label.how == "mostly":
            props |= {"bbox": WHITE_BACKING, "color": TEXT_COLOUR}
        if label.context:
            props["fontstyle"] = "italic"
        size = font_size(layout, "context_label" if label.context else font_key)
        size *= label.type_scale
        ax.text(x, y, label.text, ha="center", va="center", multialignment="center",
                fontsize=size, zorder=7, clip_on=False, gid=f"label-{frame.key}-{label.code}",
                parse_math=False, **props)  # fmt: skip


def map_axes(work: Work, frame: Frame, gid: str) -> Axes:
    """An axes on the frame's rectangle with its limits (gid and label ``gid``)."""
    W, H = work.layout.pixels
    x0, y0, w, h = frame.rect
    ax = work.fig.add_axes((x0 / W, y0 / H, w / W, h / H), gid=gid, label=gid)
    ax.set_xlim(*frame.xlim)
    ax.set_ylim(*frame.ylim)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def draw_frame(work: Work, frame: Frame, placement: Placement, gid: str, font_key: str) -> Axes:
    """One map axes: neighbours in grey, regions in their classes, markers, labels."""
    data = work.data
    prefix = "" if frame.key == "main" else f"{frame.key}-"
    ax = map_axes(work, frame, gid)
    geom = work.frame_geometry(frame)
    if len(data.context):
        draw_regions(ax, list(data.context["code"]), geom.context,
                     [CONTEXT_FILL] * len(data.context), f"{prefix}context-", edge=CONTEXT_EDGE,
                     zorder=0.5)  # fmt: skip
    cls = work.ctx.rv.classification
    fills = [cls.colour_of(c) for c in data.territory["code"]]
    draw_regions(ax, list(data.territory["code"]), geom.territory, fills, f"{prefix}region-")
    chosen, mlayout = placement.markers[frame.key]
    draw_markers(ax, frame, data, chosen, mlayout, work.layout, prefix)
    draw_labels(ax, frame, placement.labels[frame.key], work.layout, font_key)
    return ax


def draw_inset_furniture(work: Work, plan: Plan, main_ax: Axes, inset_axes: list[Axes]) -> None:
    """Each inset's border and lettered title (above it, gid ``<inset>-title``), and its
    frame and letter on the main map."""
    layout = work.layout
    for (spec, frame), ax in zip(plan.insets, inset_axes, strict=True):
        for spine in ax.spines.values():
            spine.set_edgecolor(FRAME_COLOUR)
            spine.set_linewidth(0.8)
        x0, y0, _, h = frame.rect
        x, y = frame.point_to_data((x0, y0 + h + layout.pt(1.5)))
        ax.text(x, y, plan.inset_titles[spec.key], ha="left", va="bottom", clip_on=False,
                parse_math=False, color=TEXT_COLOUR, gid=f"{frame.key}-title",
                **title_props(layout))  # fmt: skip
    for badge in badges(plan.main, plan.insets, work.meter, layout):
        x0, y0 = plan.main.point_to_data(badge.frame[:2])
        x1, y1 = plan.main.point_to_data(badge.frame[2:])
        main_ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none",
                                    edgecolor=FRAME_COLOUR, linewidth=0.8, zorder=8,
                                    gid=f"inset-frame-{badge.spec.key}"))  # fmt: skip
        bx0, by0, bx1, by1 = badge.letter
        x, y = plan.main.point_to_data(((bx0 + bx1) / 2, (by0 + by1) / 2))
        main_ax.text(x, y, badge.spec.letter, ha="center", va="center", fontweight="bold",
                     fontsize=font_size(layout, "badge"), color=FRAME_COLOUR, zorder=8,
                     gid=f"inset-badge-{badge.spec.key}", parse_math=False)  # fmt: skip


def _furniture(work: Work, plan: Plan, state: PageState) -> None:
    """The scale bar, the legends and the page's texts."""
    fig, layout = work.fig, work.layout
    W, H = layout.pixels
    x0, y0, w, h = plan.scale_rect
    scale_ax = fig.add_axes((x0 / W, y0 / H, w / W, h / H), gid="scale", label="scale")
    scale_ax.set_axis_off()
    draw_scale(scale_ax, plan.main, scale_bar(plan.main), plan.scale_rect, layout, work.meter,
               work.ctx.lang)  # fmt: skip
    entries = legend_entries(work.ctx, state, len(work.data.context) > 0)
    for key, entry in zip(LEGEND_KEYS, entries, strict=True):
        x0, y0, w, h = plan.legend_rects[key]
        lax = fig.add_axes((x0 / W, y0 / H, w / W, h / H), gid=key, label=key)
        lax.set_axis_off()
        make_legend(lax, entry, layout, work.meter)
    for block in plan.blocks:
        fig.text(block.x / W, block.y / H, block.text, va=block.va, ha="left", gid=block.gid,
                 parse_math=False, **block.props)  # fmt: skip


def draw_page(work: Work, plan: Plan, placement: Placement, state: PageState) -> None:
    """Draw the plan: the main map and the insets (regions, markers, labels, frames), the
    scale bar, the legends and the texts."""
    main_ax = draw_frame(work, plan.main, placement, "map", "label")
    main_ax.set_axis_off()
    inset_axes = [
        draw_frame(work, frame, placement, frame.key, "inset_label") for _, frame in plan.insets
    ]
    draw_inset_furniture(work, plan, main_ax, inset_axes)
    _furniture(work, plan, state)
