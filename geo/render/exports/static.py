"""The static exports: the view as a PNG, SVG or PDF map drawn with matplotlib.

The detailed geometry projected to the map's Albers equal-area conic, fit to the
territory, with the screen's classes, colours, "no data" hatching and marker encoding, a
legend, title and source note. SVG keeps text as text (editable in slide software).
Self-contained: it takes an ``ExportContext`` and returns bytes, so the renderer can be
replaced without touching the other formats.
"""

from __future__ import annotations

import io
import textwrap
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

import geo
from geo.base import i18n
from geo.render import classify, markers, projection, views
from geo.render.exports.context import (
    PROJECTION_NOTE,
    SOURCE_NOTE,
    SOURCES,
    ExportContext,
    filters_text,
    make_context,
    translated,
)
from geo.render.palette import SCENARIO_COLOURS

# --- static maps --------------------------------------------------------------------------------

FIGSIZE = (11.0, 7.0)
"""Static map size in inches (about 16:10, fits a slide and an A4 landscape page)."""
PNG_DPI = 150
MAP_RECT = (0.015, 0.075, 0.70, 0.80)
LEGEND_RECT = (0.73, 0.075, 0.26, 0.80)
"""Where the map and the legend sit in the figure (left, bottom, width, height)."""
STATIC_SCALE = 0.75
"""Screen pixels (marker sizes and offsets of ``geo.render.maps``) to print points."""
BORDER_COLOUR = "#7a7a7a"
NO_DATA_HATCH_PATTERN = "////"


def _region_path(geom: shapely.Geometry) -> MplPath | None:
    """One matplotlib path for a (multi)polygon, holes included (rings oriented so both
    fill rules leave them empty)."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    oriented = shapely.orient_polygons(geom)
    for polygon in shapely.get_parts(oriented):
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


def _no_data_patch(linewidth: float | None = None) -> Patch:
    """A legend swatch of the "no data" class: light fill, hatched, as on the map."""
    return Patch(
        facecolor=classify.NO_DATA_FILL,
        hatch=NO_DATA_HATCH_PATTERN,
        hatchcolor=classify.NO_DATA_HATCH,
        edgecolor=BORDER_COLOUR,
        linewidth=linewidth,
    )


def _marker_size(kind: str) -> tuple[float, str, float]:
    """Diameter (points), edge colour and edge width of a marker, scaled from the screen."""
    style = markers.MARKER_STYLE[kind]
    return 2 * style["radius"] * STATIC_SCALE, style["color"], style["weight"] * STATIC_SCALE


PRINT_TOLERANCE_PT = 0.25
"""Static maps simplify region outlines to a quarter of a printer's point (about half a
pixel of the PNG): invisible in print, and the SVG and PDF get several times smaller."""


def _metres_per_point(xlim: tuple[float, float]) -> float:
    """Projected metres per printer's point on the map axes (limits fit the axes exactly)."""
    return (xlim[1] - xlim[0]) / (FIGSIZE[0] * MAP_RECT[2] * 72)


def _draw_regions(ax: Axes, projected: gpd.GeoDataFrame, cls: classify.Classification) -> int:
    """Every region as one patch (SVG group ``region-<code>``) in its class colour, "no
    data" hatched; outlines simplified to ``PRINT_TOLERANCE_PT`` at the map's scale.
    Returns how many regions were drawn."""
    tolerance = PRINT_TOLERANCE_PT * _metres_per_point(ax.get_xlim())
    # Plain Douglas-Peucker: ten times faster than topology-preserving, and a shape it
    # would collapse (smaller than the tolerance) keeps its full outline instead.
    original = projected.geometry.to_numpy()
    simplified = shapely.simplify(original, tolerance, preserve_topology=False)
    simplified = np.where(shapely.is_empty(simplified), original, simplified)
    drawn = 0
    for code, geom in zip(projected["code"], simplified, strict=True):
        path = _region_path(geom)
        if path is None:
            continue
        colour = cls.colour_of(code)
        style: dict[str, object] = {"edgecolor": BORDER_COLOUR, "linewidth": 0.35}
        if colour is None:
            style |= {
                "facecolor": classify.NO_DATA_FILL,
                "hatch": NO_DATA_HATCH_PATTERN,
                "hatchcolor": classify.NO_DATA_HATCH,
            }
        else:
            style["facecolor"] = colour
        # add_artist, not add_patch: the limits are already set, and add_patch's
        # per-segment limit update costs seconds on detailed geometry.
        ax.add_artist(PathPatch(path, gid=f"region-{code}", zorder=1, **style))
        drawn += 1
    return drawn


def _draw_clusters(ax: Axes, rv: views.ResolvedView) -> int:
    """Every located cluster as a marker, as on the screen: fill = scenario, dark ring =
    MNE links, markers sharing a point spread on a small ring
    (``geo.render.markers.marker_offsets``).

    Two scatter calls (plain markers, then ringed ones on top: SVG groups
    ``clusters-plain`` and ``clusters-mne``), not one per cluster, so 10,000 clusters draw
    in a fraction of a second. The screen's pixel offsets become data units through the
    map's scale, which is fixed before this is called (limits set, axes fit exactly).
    """
    located = rv.clusters.loc[rv.clusters["lat"].notna() & rv.clusters["lon"].notna()]
    located = located.sort_values("id", kind="stable")
    if located.empty:
        return 0
    x, y = projection.to_map_coordinates(
        located["lon"].to_numpy(), located["lat"].to_numpy(), "albers"
    )
    keys = list(
        zip(
            np.round(x, projection.POINT_DECIMALS),
            np.round(y, projection.POINT_DECIMALS),
            strict=True,
        )
    )
    offsets = np.asarray(markers.marker_offsets(keys), dtype="float64").reshape(-1, 2)
    shift = offsets * STATIC_SCALE * _metres_per_point(ax.get_xlim())
    px = np.asarray(x) * projection.MAP_SCALE + shift[:, 0]
    py = np.asarray(y) * projection.MAP_SCALE - shift[:, 1]  # screen y grows downwards
    grey = SCENARIO_COLOURS["not assessed"]
    fills = np.array([SCENARIO_COLOURS.get(s, grey) if isinstance(s, str) else grey
                      for s in located["scenario"]])  # fmt: skip
    mne = pd.to_numeric(located["mne_count"], errors="coerce").fillna(0).to_numpy() > 0
    for kind, chosen in (("plain", ~mne), ("mne", mne)):
        if not chosen.any():
            continue
        size, edge, width = _marker_size(kind)
        ax.scatter(
            px[chosen], py[chosen], s=size**2, c=fills[chosen], edgecolors=edge,
            linewidths=width, zorder=3 if kind == "plain" else 4, gid=f"clusters-{kind}",
        )  # fmt: skip
    return len(located)


def _legends(legend_ax: Axes, ctx: ExportContext) -> None:
    """The two legends: the classes (with region counts and "no data") at the top, the
    marker encoding (scenario colours with cluster counts, MNE ring) at the bottom."""
    rv = ctx.rv
    cls = rv.view_classification
    labels = classify.class_labels(cls, rv.measure.decimals, ctx.lang)
    handles: list[Artist] = [
        Patch(facecolor=c, edgecolor=BORDER_COLOUR, linewidth=0.5) for c in cls.colours
    ]
    texts = [
        ctx.text("class_entry").format(label=label, n=n)
        for label, n in zip(labels, cls.counts(), strict=True)
    ]
    handles.append(_no_data_patch(linewidth=0.5))
    texts.append(ctx.text("no_data_entry").format(n=cls.no_data))
    title = "\n".join(textwrap.wrap(ctx.measure_label, 34))
    first = legend_ax.legend(
        handles, texts, title=title, loc="upper left", frameon=False, fontsize=8,
        title_fontsize=9, alignment="left", handlelength=2.2, handleheight=1.2,
    )  # fmt: skip
    legend_ax.add_artist(first)

    counts = markers.scenario_counts(rv.clusters)
    plain, _, _ = _marker_size("plain")
    mne_size, mne_edge, mne_width = _marker_size("mne")
    marker_handles: list[Artist] = []
    marker_texts: list[str] = []
    for scenario, colour in SCENARIO_COLOURS.items():
        marker_handles.append(
            Line2D([], [], marker="o", linestyle="none", markersize=plain,
                   markerfacecolor=colour, markeredgecolor="#555555", markeredgewidth=0.75)
        )  # fmt: skip
        name = i18n.scenario_label(scenario, ctx.lang).split(":")[0]
        marker_texts.append(ctx.text("scenario_entry").format(scenario=name, n=counts[scenario]))
    grey = SCENARIO_COLOURS["not assessed"]
    marker_handles.append(
        Line2D([], [], marker="o", linestyle="none", markersize=mne_size,
               markerfacecolor=grey, markeredgecolor=mne_edge, markeredgewidth=mne_width)
    )  # fmt: skip
    marker_texts.append(ctx.text("mne_ring"))
    marker_handles.append(
        Line2D([], [], marker="o", linestyle="none", markersize=plain,
               markerfacecolor=grey, markeredgecolor="#555555", markeredgewidth=0.75)
    )  # fmt: skip
    marker_texts.append(ctx.text("no_ring"))
    second = legend_ax.legend(
        marker_handles, marker_texts, title=ctx.text("markers_title"), loc="lower left",
        frameon=False, fontsize=8, title_fontsize=9, alignment="left",
    )  # fmt: skip
    for legend in (first, second):
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_parse_math(False)


MAP_PADDING = 0.03
"""Margin around the territory, as a fraction of its larger side."""


def _fit(
    west: float, east: float, south: float, north: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits showing the box ``west..east × south..north`` (projected metres) as
    large as the map axes allow at equal scale: the box, padded, fills the axes in one
    direction and is centred in the other."""
    pad = MAP_PADDING * max(east - west, north - south)
    width, height = east - west + 2 * pad, north - south + 2 * pad
    axes_ratio = (FIGSIZE[0] * MAP_RECT[2]) / (FIGSIZE[1] * MAP_RECT[3])
    if width / height < axes_ratio:
        width = height * axes_ratio
    else:
        height = width / axes_ratio
    cx, cy = (west + east) / 2, (south + north) / 2
    return (cx - width / 2, cx + width / 2), (cy - height / 2, cy + height / 2)


def static_map_figure(ctx: ExportContext) -> Figure:
    """The static map of a view: regions in their classes, clusters, legend, title, sources.

    Drawn on a bare ``Figure`` (no pyplot, so it is safe in a server's threads). The map
    axes are fit to the territory: its projected bounds, padded by 3 %, fill the axes in
    one direction.
    """
    rv = ctx.rv
    fig = Figure(figsize=FIGSIZE, dpi=PNG_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(MAP_RECT, gid="map")
    ax.set_axis_off()
    projected = rv.detailed.to_crs(projection.ALBERS)
    west, south, east, north = (float(v) for v in projected.total_bounds)
    xlim, ylim = _fit(west, east, south, north)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    _draw_regions(ax, projected, rv.classification)
    _draw_clusters(ax, rv)

    legend_ax = fig.add_axes(LEGEND_RECT, gid="legend")
    legend_ax.set_axis_off()
    _legends(legend_ax, ctx)

    subtitle = ctx.subtitle
    note = ctx.text("note").format(
        sources=translated(SOURCE_NOTE, ctx.lang),
        projection=translated(PROJECTION_NOTE, ctx.lang),
        dataset=ctx.dataset_version,
        version=geo.__version__,
    )
    texts = [
        (0.965, "\n".join(textwrap.wrap(ctx.title, 95)), 14, "bold", "top"),
        (0.90, "\n".join(textwrap.wrap(subtitle, 150)), 8.5, "normal", "top"),
        (0.012, "\n".join(textwrap.wrap(note, 190)), 6.5, "normal", "bottom"),
    ]
    for y, text, size, weight, va in texts:
        fig.text(0.015, y, text, fontsize=size, fontweight=weight, va=va, ha="left",
                 color="#222222", parse_math=False)  # fmt: skip
    return fig


def _static_metadata(ctx: ExportContext, fmt: str) -> dict[str, object]:
    """The file's own metadata (title, description, sources, software, time) under the
    keys matplotlib's writer of ``fmt`` takes."""
    rv = ctx.rv
    west, south, east, north = rv.bounds
    description = (
        f"{ctx.cluster_count_text}; filters: {filters_text(rv)}; territory {rv.territory.code}, "
        f"bounds (EPSG:4326 west, south, east, north) {west:.4f}, {south:.4f}, {east:.4f}, "
        f"{north:.4f}; {PROJECTION_NOTE}; dataset {ctx.dataset_version}"
    )
    software = f"Cluster Map of Russia {geo.__version__} (matplotlib)"
    if fmt == "png":
        return {
            "Title": ctx.title, "Description": description, "Source": "; ".join(SOURCES),
            "Software": software, "Creation Time": ctx.exported_at.isoformat(timespec="seconds"),
        }  # fmt: skip
    if fmt == "svg":
        return {
            "Title": ctx.title, "Description": description, "Source": "; ".join(SOURCES),
            "Creator": software, "Date": ctx.exported_at.isoformat(timespec="seconds"),
        }  # fmt: skip
    return {
        "Title": ctx.title, "Subject": description, "Creator": software,
        "CreationDate": ctx.exported_at, "ModDate": None,
    }  # fmt: skip


def _static(rv: views.ResolvedView, fmt: str, now: datetime | None, version: str | None) -> bytes:
    """The static map of ``rv`` written as ``fmt`` (png, svg or pdf)."""
    import matplotlib

    ctx = make_context(rv, now, version)
    fig = static_map_figure(ctx)
    buffer = io.BytesIO()
    # SVG: text as text (editable); PDF: matplotlib's default Type 3 font subsets (about
    # twice as fast to write as TrueType, and the PDF must be ready in under 2 s).
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "clustermap", "pdf.fonttype": 3}
    ):
        fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_static_metadata(ctx, fmt))
    return buffer.getvalue()


def export_png(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The static map as a PNG (150 dpi, 1650 × 1050 pixels)."""
    return _static(rv, "png", now, version)


def export_svg(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The static map as SVG; text stays text, each region is a group ``region-<code>``."""
    return _static(rv, "svg", now, version)


def export_pdf(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The static map as a one-page PDF (fonts embedded as Type 3 subsets)."""
    return _static(rv, "pdf", now, version)
