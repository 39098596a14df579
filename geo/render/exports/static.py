"""The static exports (png, svg, pdf): a map of the view composed as a page for slides or
print, drawn with matplotlib.

A page layout (``geo.render.cartography.layouts``: ``screen``, the default, 1650 × 1050 px at
150 dpi; A4 and A3, portrait and landscape, at 300 dpi) is planned block by block
(``static_page``), markers and labels are placed (``static_place``) and everything is drawn
once (``static_draw``). Every layout gets the same cartography:

* the regions in the screen's classes and colours, "no data" hatched, outlines simplified
  to a quarter point at the map's scale; for a district or a region the neighbouring
  regions in grey with grey italic names;
* region labels in the view's language, placed without overlaps (inside, mostly inside,
  outside with a leader line; short and wrapped names where full ones do not fit); a
  region left unlabelled is named in the "Not labelled (no room)" note under the map;
* cluster markers as on the screen (fill = scenario, dark ring = MNE links); markers that
  would overlap are spread on a ring with spokes to their places, crowds become a group
  symbol (pie of scenarios, count, ring if any has MNE links);
* a scale bar in km solved on the ellipsoid for the projection at the map's centre;
* on the whole-country map the insets Moscow and Moscow Oblast, St Petersburg and
  Leningrad Oblast and Central Russia, each framed and lettered on the main map;
* title, subtitle (clusters, filters, classes, export time), legends and the source note
  (sources, projection, dataset version), each in its own rectangle.

SVG keeps text as ``<text>`` (``svg.fonttype='none'``: searchable, editable in slide and
vector software); PDF embeds TrueType subsets (``pdf.fonttype=42``), whose text viewers
search and copy. Same view and time, same bytes, in every format.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import geopandas as gpd
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import geo
from geo.render import views
from geo.render.cartography.labels import PlacedLabel
from geo.render.cartography.layouts import DEFAULT_LAYOUT, LAYOUTS, Layout, check_layout
from geo.render.cartography.scalebar import ScaleBar, scale_bar
from geo.render.cartography.textmeter import TextMeter
from geo.render.exports.context import (
    PROJECTION_NOTE,
    SOURCES,
    ExportContext,
    filters_text,
    make_context,
)
from geo.render.exports.static_data import map_data
from geo.render.exports.static_draw import draw_page
from geo.render.exports.static_page import Block, PageState, Plan, note_props, plan_page
from geo.render.exports.static_place import Markers, Placement, Work, not_labelled_note, place_all

STATIC_FORMATS = ("png", "svg", "pdf")
MAX_PASSES = 5
"""Plan-and-place passes at most (see :func:`build_static_map`)."""
FIGSIZE: tuple[float, float] = LAYOUTS[DEFAULT_LAYOUT].figsize
"""Size in inches of the default page (``screen``: 11 × 7 in), for callers that draw on it
(the benchmark's naive reference)."""
PNG_DPI: int = LAYOUTS[DEFAULT_LAYOUT].dpi
"""Resolution of the default page's PNG (150 dpi: 1650 × 1050 px)."""


@dataclass
class StaticMap:
    """A static map and what was decided drawing it (for callers and tests): the figure,
    its layout and plan, the labels of each axes, the regions left unlabelled, the scale
    bar, the markers of each axes and how many plan-and-place passes it took."""

    figure: Figure
    layout: Layout
    plan: Plan
    labels: dict[str, list[PlacedLabel]]
    omitted: list[str]
    scale: ScaleBar
    markers: dict[str, Markers]
    passes: int


def _note(work: Work, placement: Placement) -> tuple[str, float]:
    """The "not labelled" note wrapped to the page, and its height (pixels)."""
    note = not_labelled_note(work, placement.omitted)
    if not note:
        return "", 0.0
    layout = work.layout
    text = work.meter.wrap(note, layout.pixels[0] - 2 * layout.px(layout.margin_mm),
                           **note_props(layout))  # fmt: skip
    return text, work.meter.size(text, **note_props(layout))[1]


def _settle(work: Work, state: PageState) -> tuple[Plan, Placement, str, PageState, int]:
    """Plan and place until what was placed fits the plan.

    The plan needs the height of the "not labelled" note and whether the legend lists
    groups and spread markers, which are known only after placing. The room kept only
    grows, so this ends (usually after one or two passes, at most :data:`MAX_PASSES`).
    """
    line = work.meter.size("Ag", **note_props(work.layout))[1]
    passes = 0
    while True:
        passes += 1
        plan = plan_page(work.fig, work.meter, work.ctx, work.layout, work.data, state)
        placement = place_all(work, plan)
        note, height = _note(work, placement)
        if height > state.note_height:  # a line of slack: the next pass may omit more
            height += line
        wanted = PageState(max(height, state.note_height), placement.groups or state.groups,
                           placement.spread or state.spread)  # fmt: skip
        if wanted == state or passes == MAX_PASSES:
            break
        state = wanted
    return plan, placement, note, state, passes


def build_static_map(
    ctx: ExportContext,
    layout: str | Layout = DEFAULT_LAYOUT,
    *,
    context: gpd.GeoDataFrame | None = None,
) -> StaticMap:
    """Plan, place and draw the static map of ``ctx`` on ``layout`` (a key of
    ``LAYOUTS`` or a ``Layout``); ``context`` is the geometry neighbours are drawn from
    (default: the shipped detailed geometry).

    Room for the legend's optional entries is kept whenever markers could need them (they
    are listed only if used), and a country map keeps two lines for the note from the
    start, so most maps need one pass.
    """
    spec = check_layout(layout) if isinstance(layout, str) else layout
    fig = Figure(figsize=spec.figsize, dpi=spec.dpi)
    FigureCanvasAgg(fig)
    work = Work(fig, TextMeter(fig), ctx, spec, map_data(ctx.rv, context))
    line = work.meter.size("Ag", **note_props(spec))[1]
    several = len(work.data.located) > 1
    start = PageState(2 * line if work.data.is_country else 0.0, several, several)
    plan, placement, note, state, passes = _settle(work, start)
    if note:
        sources = next(b for b in plan.blocks if b.gid == "sources")
        y = sources.y + work.meter.size(sources.text, **sources.props)[1] + spec.px(1.5)
        plan.blocks.append(Block("labels-note", note, sources.x, y, "bottom", note_props(spec)))
    drawn = PageState(state.note_height, placement.groups, placement.spread)
    draw_page(work, plan, placement, drawn)
    return StaticMap(fig, spec, plan, placement.labels, placement.omitted, scale_bar(plan.main),
                     placement.markers, passes)  # fmt: skip


def static_map_figure(
    ctx: ExportContext,
    layout: str | Layout = DEFAULT_LAYOUT,
    *,
    context: gpd.GeoDataFrame | None = None,
) -> Figure:
    """The static map of a view on ``layout``: a bare ``Figure`` (no pyplot; safe in a
    server's threads). Axes gids: ``map``, ``inset-<key>``, ``scale``, ``legend``,
    ``legend-markers``; texts: ``title``, ``subtitle``, ``sources``, ``labels-note``,
    ``label-<axes>-<code>``."""
    return build_static_map(ctx, layout, context=context).figure


# --- files ---------------------------------------------------------------------------------------

SAVE_SETTINGS: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "clustermap",
    "pdf.fonttype": 42,
}
"""SVG text as ``<text>`` (editable), a fixed hash salt (deterministic ids); PDF fonts as
TrueType (Type 42) subsets, whose text viewers can search and copy."""


def static_metadata(ctx: ExportContext, fmt: str, layout: Layout) -> dict[str, object]:
    """The file's own metadata (title, description, sources, software, time) under the
    keys matplotlib's writer of ``fmt`` takes; the description names the page layout."""
    rv = ctx.rv
    west, south, east, north = rv.bounds
    description = (
        f"{ctx.cluster_count_text}; filters: {filters_text(rv)}; territory {rv.territory.code}, "
        f"bounds (EPSG:4326 west, south, east, north) {west:.4f}, {south:.4f}, {east:.4f}, "
        f"{north:.4f}; {PROJECTION_NOTE}; dataset {ctx.dataset_version}; layout {layout.name} "
        f"({layout.width_mm:g} × {layout.height_mm:g} mm, {layout.dpi} dpi)"
    )
    software = f"Cluster Map of Russia {geo.__version__} (matplotlib)"
    when = ctx.exported_at.isoformat(timespec="seconds")
    if fmt == "png":
        return {"Title": ctx.title, "Description": description, "Source": "; ".join(SOURCES),
                "Software": software, "Creation Time": when}  # fmt: skip
    if fmt == "svg":
        return {"Title": ctx.title, "Description": description, "Source": "; ".join(SOURCES),
                "Creator": software, "Date": when}  # fmt: skip
    return {"Title": ctx.title, "Subject": description, "Creator": software,
            "CreationDate": ctx.exported_at, "ModDate": None}  # fmt: skip


def save_figure(fig: Figure, ctx: ExportContext, fmt: str, layout: Layout) -> bytes:
    """``fig`` as PNG (at the layout's dpi), SVG or PDF bytes, with the file's metadata."""
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"unknown static format '{fmt}'; known: {', '.join(STATIC_FORMATS)}")
    buffer = io.BytesIO()
    with matplotlib.rc_context(SAVE_SETTINGS):  # type: ignore[arg-type]
        fig.savefig(buffer, format=fmt, dpi=layout.dpi, metadata=static_metadata(ctx, fmt, layout))
    return buffer.getvalue()


def render_static(ctx: ExportContext, fmt: str, layout: str | Layout = DEFAULT_LAYOUT) -> bytes:
    """The static map of ``ctx`` as ``fmt`` (png, svg or pdf) bytes on ``layout``."""
    spec = check_layout(layout) if isinstance(layout, str) else layout
    return save_figure(static_map_figure(ctx, spec), ctx, fmt, spec)


def export_static(
    rv: views.ResolvedView, fmt: str, *, now: datetime | None = None, version: str | None = None,
    layout: str = DEFAULT_LAYOUT,
) -> bytes:  # fmt: skip
    """A resolved view as a static map file (png, svg or pdf) on ``layout``."""
    return render_static(make_context(rv, now, version), fmt, layout)


def export_png(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None,
    layout: str = DEFAULT_LAYOUT,
) -> bytes:  # fmt: skip
    """The static map as a PNG at the layout's resolution (``screen``: 1650 × 1050 px at
    150 dpi; A4 landscape: 3508 × 2480 px at 300 dpi)."""
    return export_static(rv, "png", now=now, version=version, layout=layout)


def export_svg(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None,
    layout: str = DEFAULT_LAYOUT,
) -> bytes:  # fmt: skip
    """The static map as SVG; text stays ``<text>``, each region is a group
    ``region-<code>``."""
    return export_static(rv, "svg", now=now, version=version, layout=layout)


def export_pdf(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None,
    layout: str = DEFAULT_LAYOUT,
) -> bytes:  # fmt: skip
    """The static map as a one-page PDF, fonts embedded as TrueType subsets."""
    return export_static(rv, "pdf", now=now, version=version, layout=layout)


__all__ = [
    "LAYOUTS",
    "DEFAULT_LAYOUT",
    "StaticMap",
    "build_static_map",
    "static_map_figure",
    "render_static",
    "save_figure",
    "export_png",
    "export_svg",
    "export_pdf",
]
