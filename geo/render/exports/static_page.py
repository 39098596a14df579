"""The page of a static map: where every block goes, in figure pixels.

:func:`plan_page` gives every block its own rectangle, computed from the size the renderer
measures for its text, so nothing overlaps whatever the language, filters or legend: the
title and subtitle at the top, wrapped to the page's width; the sources at the bottom,
with room above them for the "not labelled" note; between them the map column (map,
scale row and, on the country map, the insets) and the legends, in a panel on the right
(landscape) or under the map (portrait, side by side when they fit). On a landscape
country map Central Russia's inset takes the panel's free space under the legends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import geo
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import classify, markers as marker_texts
from geo.render.cartography.frames import MAP_PADDING, Frame, Rect, fit_limits, padded_aspect
from geo.render.cartography.insets import (
    INSET_PADDING,
    INSETS,
    InsetSpec,
    split_slot,
    title_band,
)
from geo.render.cartography.layouts import Layout, font_size
from geo.render.cartography.spread import marker_style
from geo.render.cartography.textmeter import TextMeter
from geo.render.exports.context import PROJECTION_NOTE, SOURCE_NOTE, ExportContext, translated
from geo.render.exports.static_data import MapData
from geo.render.palette import SCENARIO_COLOURS

STATIC_TEXT: dict[str, str] = {
    "not_labelled": N_("Not labelled (no room): {names}."),
    "context": N_("Neighbouring regions (not in the view)"),
    "group": N_("Group of clusters: number = count, pie = scenarios"),
    "spread": N_("Markers spread around a shared place; spokes lead to it"),
}
"""Texts the static maps add to those of ``geo.render.exports.context.TEXT`` (msgids)."""

TEXT_COLOUR = "#222222"
BORDER_COLOUR = "#7a7a7a"
CONTEXT_FILL = "#e4e4e4"
CONTEXT_EDGE = "#bdbdbd"
NO_DATA_HATCH_PATTERN = "////"
LEGEND_WIDTH_MM = 62.0
"""Widest legend title or entry (millimetres at A4 text size); longer text wraps."""
LEGEND_KEYS = ("legend", "legend-markers")
"""Axes gids of the two legends: classes, then markers."""


def static_text(key: str, lang: str) -> str:
    """The text ``key`` of :data:`STATIC_TEXT` in ``lang``."""
    return i18n.translator(lang)(STATIC_TEXT[key])


@dataclass
class Block:
    """A text block of the page: gid, text, anchor (pixels), vertical alignment, font."""

    gid: str
    text: str
    x: float
    y: float
    va: str
    props: dict[str, Any]


@dataclass
class Plan:
    """Where everything goes on the page, in figure pixels."""

    blocks: list[Block]
    main: Frame
    insets: list[tuple[InsetSpec, Frame]]
    scale_rect: Rect
    legend_rects: dict[str, Rect]
    inset_titles: dict[str, str]


@dataclass(frozen=True)
class PageState:
    """What the plan depends on that is known only after placing labels and markers: the
    room kept for the "not labelled" note and the legend's optional entries."""

    note_height: float = 0.0
    groups: bool = False
    spread: bool = False


LegendEntry = tuple[str, list[Artist], list[str]]
"""A legend: title, handles and texts."""


def no_data_patch() -> Patch:
    """The legend swatch of the "no data" class: light fill, hatched, as on the map."""
    return Patch(
        facecolor=classify.NO_DATA_FILL, hatch=NO_DATA_HATCH_PATTERN,
        hatchcolor=classify.NO_DATA_HATCH, edgecolor=BORDER_COLOUR, linewidth=0.5,
    )  # fmt: skip


def _class_legend(ctx: ExportContext, has_context: bool) -> LegendEntry:
    """The classes with their region counts, "no data" and (district or region) the grey
    neighbouring regions."""
    cls = ctx.rv.view_classification
    labels = classify.class_labels(cls, ctx.rv.measure.decimals, ctx.lang)
    handles: list[Artist] = [
        Patch(facecolor=c, edgecolor=BORDER_COLOUR, linewidth=0.5) for c in cls.colours
    ]
    texts = [
        ctx.text("class_entry").format(label=label, n=n)
        for label, n in zip(labels, cls.counts(), strict=True)
    ]
    handles.append(no_data_patch())
    texts.append(ctx.text("no_data_entry").format(n=cls.no_data))
    if has_context:
        handles.append(Patch(facecolor=CONTEXT_FILL, edgecolor=CONTEXT_EDGE, linewidth=0.5))
        texts.append(static_text("context", ctx.lang))
    return ctx.measure_label, handles, texts


def _dot(size: float, fill: str, edge: str = "#555555", width: float = 0.75) -> Line2D:
    """A marker swatch."""
    return Line2D([], [], marker="o", linestyle="none", markersize=size, markerfacecolor=fill,
                  markeredgecolor=edge, markeredgewidth=width)  # fmt: skip


def _marker_legend(ctx: ExportContext, state: PageState) -> LegendEntry:
    """The scenario colours with cluster counts, the MNE ring and, when drawn, group
    symbols and spread markers."""
    counts = marker_texts.scenario_counts(ctx.rv.clusters)
    plain = marker_style("plain")[0]
    mne_size, mne_edge, mne_width = marker_style("mne")
    grey = SCENARIO_COLOURS["not assessed"]
    handles: list[Artist] = []
    texts: list[str] = []
    for scenario, colour in SCENARIO_COLOURS.items():
        handles.append(_dot(plain, colour))
        name = i18n.scenario_label(scenario, ctx.lang).split(":")[0]
        texts.append(ctx.text("scenario_entry").format(scenario=name, n=counts[scenario]))
    handles += [_dot(mne_size, grey, mne_edge, mne_width), _dot(plain, grey)]
    texts += [ctx.text("mne_ring"), ctx.text("no_ring")]
    if state.groups:
        handles.append(_dot(plain * 1.8, "#ffffff", "#555555", 1.0))
        texts.append(static_text("group", ctx.lang))
    if state.spread:
        handles.append(Line2D([], [], color="#555555", linewidth=0.6))
        texts.append(static_text("spread", ctx.lang))
    return ctx.text("markers_title"), handles, texts


def legend_entries(ctx: ExportContext, state: PageState, has_context: bool) -> list[LegendEntry]:
    """The two legends: classes, then markers."""
    return [_class_legend(ctx, has_context), _marker_legend(ctx, state)]


def make_legend(ax: Axes, entry: LegendEntry, layout: Layout, meter: TextMeter) -> Legend:
    """A legend in the top left corner of ``ax``, its title and entries wrapped to the
    layout's legend width."""
    title, handles, texts = entry
    width = layout.px(LEGEND_WIDTH_MM) * layout.font_scale
    title = meter.wrap(title, width, fontsize=font_size(layout, "legend_title"))
    texts = [meter.wrap(t, width * 0.85, fontsize=font_size(layout, "legend")) for t in texts]
    legend = ax.legend(
        handles, texts, title=title, loc="upper left", frameon=False,
        fontsize=font_size(layout, "legend"), title_fontsize=font_size(layout, "legend_title"),
        alignment="left", handlelength=2.2, handleheight=1.2, borderaxespad=0.0, borderpad=0.0,
    )  # fmt: skip
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)
    return legend


def legend_size(
    fig: Figure, meter: TextMeter, entry: LegendEntry, layout: Layout
) -> tuple[float, float]:
    """Width and height (pixels) of a legend, measured on a scratch axes."""
    ax = fig.add_axes((0, 0, 0.5, 0.5))
    box = make_legend(ax, entry, layout, meter).get_window_extent(meter.renderer)
    ax.remove()
    return float(box.width) + 2, float(box.height) + 2


def source_note(ctx: ExportContext) -> str:
    """The source note: sources, projection, dataset version and app version."""
    return ctx.text("note").format(
        sources=translated(SOURCE_NOTE, ctx.lang),
        projection=translated(PROJECTION_NOTE, ctx.lang),
        dataset=ctx.dataset_version,
        version=geo.__version__,
    )


def note_props(layout: Layout) -> dict[str, Any]:
    """Font of the "not labelled" note."""
    return {"fontsize": font_size(layout, "note"), "fontstyle": "italic", "color": TEXT_COLOUR}


def _plan_texts(
    meter: TextMeter, ctx: ExportContext, layout: Layout, state: PageState
) -> tuple[list[Block], float, float]:
    """Title and subtitle at the top, the sources at the bottom (all wrapped to the
    page): the blocks, and the top and bottom of what is left between them."""
    W, H = layout.pixels
    m = layout.px(layout.margin_mm)
    gap, small = layout.px(3.0), layout.px(1.5)
    blocks: list[Block] = []
    top = H - m
    for gid, text, weight, after in (
        ("title", ctx.title, "bold", small),
        ("subtitle", ctx.subtitle, "normal", gap),
    ):
        props = {"fontsize": font_size(layout, gid), "fontweight": weight, "color": TEXT_COLOUR}
        lines = meter.wrap(text, W - 2 * m, **props)
        blocks.append(Block(gid, lines, m, top, "top", props))
        top -= meter.size(lines, **props)[1] + after
    props = {"fontsize": font_size(layout, "sources"), "color": TEXT_COLOUR}
    lines = meter.wrap(source_note(ctx), W - 2 * m, **props)
    blocks.append(Block("sources", lines, m, m, "bottom", props))
    bottom = m + meter.size(lines, **props)[1] + gap
    if state.note_height:
        bottom += state.note_height + small
    return blocks, top, bottom


def _plan_legends(
    sizes: list[tuple[float, float]], layout: Layout, top: float, bottom: float
) -> tuple[dict[str, Rect], Rect | None, Rect]:
    """The legends' rectangles, the free panel under them (landscape) and the map column."""
    W, _ = layout.pixels
    m = layout.px(layout.margin_mm)
    gap = layout.px(3.0)
    content_w = W - 2 * m
    rects: dict[str, Rect] = {}
    if layout.orientation == "landscape":
        panel_w = max(w for w, _ in sizes)
        y = top
        for key, (w, h) in zip(LEGEND_KEYS, sizes, strict=True):
            rects[key] = (W - m - panel_w, y - h, w, h)
            y -= h + 2 * gap
        panel = (W - m - panel_w, bottom, panel_w, y - bottom)
        return rects, panel, (m, bottom, content_w - panel_w - 2 * gap, top - bottom)
    side = sizes[0][0] + sizes[1][0] + 3 * gap <= content_w
    panel_h = max(h for _, h in sizes) if side else sizes[0][1] + sizes[1][1] + gap
    x, y = m, bottom + panel_h
    for key, (w, h) in zip(LEGEND_KEYS, sizes, strict=True):
        rects[key] = (x, y - h, w, h)
        x, y = (x + w + 3 * gap, y) if side else (x, y - h - gap)
    col = (m, bottom + panel_h + 2 * gap, content_w, top - bottom - panel_h - 2 * gap)
    return rects, None, col


def plan_page(
    fig: Figure, meter: TextMeter, ctx: ExportContext, layout: Layout, data: MapData,
    state: PageState,
) -> Plan:  # fmt: skip
    """The page plan, top down: title and subtitle; at the bottom the sources and the room
    for the "not labelled" note; between them the map column (map, scale row, insets) with
    the legends on the right (landscape) or below it (portrait)."""
    blocks, top, bottom = _plan_texts(meter, ctx, layout, state)
    entries = legend_entries(ctx, state, len(data.context) > 0)
    sizes = [legend_size(fig, meter, entry, layout) for entry in entries]
    rects, panel, col = _plan_legends(sizes, layout, top, bottom)
    main, insets, scale_rect, titles = plan_map_column(col, layout, data, panel, meter, ctx.lang)
    return Plan(blocks, main, insets, scale_rect, rects, titles)


def _frame(key: str, rect: Rect, bounds: tuple[float, float, float, float], padding: float,
           layout: Layout) -> Frame:  # fmt: skip
    """A map axes on ``rect`` fit to ``bounds``."""
    xlim, ylim = fit_limits(bounds, rect[2], rect[3], padding)
    return Frame(key, rect, xlim, ylim, layout.dpi)


def _strip(
    col: Rect, layout: Layout, data: MapData, strip: list[InsetSpec], scale_h: float,
    band: float,
) -> tuple[Rect, dict[str, Rect], Rect]:  # fmt: skip
    """The country map's column: the map at the top, the insets of ``strip`` in a row
    under it (each as wide as its shape asks at the row's height less its title ``band``),
    the scale row right of them when there is room, else between the map and the row.
    Returns the map's, the insets' (title band included) and the scale's rectangles."""
    x0, y0, w, h = col
    gap = layout.px(3.0)
    needed = w / padded_aspect(data.bounds, MAP_PADDING)
    aspects = [padded_aspect(s.bounds(data.territory), INSET_PADDING) for s in strip]
    room = h - scale_h - 1.5 * gap
    full = (w - gap * (len(strip) - 1)) / sum(aspects) + band
    strip_h = min(full, max(0.3 * room, room - needed))
    widths = [aspect * (strip_h - band) for aspect in aspects]
    used = sum(widths) + gap * (len(strip) - 1)
    beside = w - used - gap >= layout.px(55) * layout.font_scale
    map_h = min(needed, (h - gap if beside else room) - strip_h)
    map_rect = (x0, y0 + h - map_h, w, map_h)
    if beside:
        strip_y = map_rect[1] - gap - strip_h
        scale_rect = (x0 + used + gap, strip_y + strip_h - scale_h, w - used - gap, scale_h)
    else:
        scale_rect = (x0, map_rect[1] - gap / 2 - scale_h, w, scale_h)
        strip_y = scale_rect[1] - gap - strip_h
    slots: dict[str, Rect] = {}
    x = x0
    for spec, width in zip(strip, widths, strict=True):
        slots[spec.key] = (x, strip_y, width, strip_h)
        x += width + gap
    return map_rect, slots, scale_rect


def plan_map_column(
    col: Rect, layout: Layout, data: MapData, panel: Rect | None, meter: TextMeter, lang: str
) -> tuple[Frame, list[tuple[InsetSpec, Frame]], Rect, dict[str, str]]:
    """The map, its scale row and, for the whole country, the insets: Central Russia in
    the legend panel's free part when it is large enough (landscape), the others in a
    strip under the map (:func:`_strip`); each inset's title in a band above it
    (``geo.render.cartography.insets.split_slot``). Returns the main frame, the insets'
    frames, the scale's rectangle and the insets' wrapped titles."""
    x0, y0, w, h = col
    gap = layout.px(3.0)
    scale_h = layout.pt(font_size(layout, "scale")) * 3.6
    if not data.is_country:
        map_rect = (x0, y0 + scale_h + gap / 2, w, h - scale_h - gap / 2)
        main = _frame("main", map_rect, data.bounds, MAP_PADDING, layout)
        return main, [], (x0, y0, w, scale_h), {}
    slots: dict[str, Rect] = {}
    strip = list(INSETS)
    if panel is not None and panel[3] >= layout.px(45) and panel[2] >= layout.px(40):
        slots["central"] = panel
        strip = [s for s in INSETS if s.key != "central"]
    band = title_band(meter, layout)
    map_rect, strip_slots, scale_rect = _strip(col, layout, data, strip, scale_h, band)
    slots |= strip_slots
    insets, titles = [], {}
    for spec in INSETS:
        rect, titles[spec.key] = split_slot(slots[spec.key], spec, meter, layout, lang)
        frame = _frame(f"inset-{spec.key}", rect, spec.bounds(data.territory), INSET_PADDING,
                       layout)  # fmt: skip
        insets.append((spec, frame))
    main = _frame("main", map_rect, data.bounds, MAP_PADDING, layout)
    return main, insets, scale_rect, titles
