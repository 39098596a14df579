"""Static maps (``geo.render.exports.static`` and ``geo.render.cartography``): labels, markers,
scale bar, insets, neighbours, page layouts and the files (issue 18).

Every geometric check uses the extents the format's own renderer computes while the file
is written (a ``draw_event`` callback during ``savefig``: Agg at the layout's dpi for PNG,
the SVG and PDF renderers at their 72-dpi layout for SVG and PDF), not the placer's own
boxes. Text in the files is read back: SVG ``<text>`` elements with ``xml.etree``, PDF
text with ``pypdf``'s ``extract_text`` (TrueType fonts with a ToUnicode map, so Cyrillic
reads back too).
"""

from __future__ import annotations

import io
import itertools
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from PIL import Image
from pypdf import PdfReader
from pyproj import Geod, Proj, Transformer

from geo.analysis import filters
from geo.analysis.dataset import Dataset
from geo.registry import sources
from geo.render import classify, projection, views
from geo.render.cartography import insets, layouts, names, spread
from geo.render.exports import context, formats, static, static_page, static_place
from geo.render.palette import SCENARIO_COLOURS

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
VERSION = "sha256:0123456789ab"
SVG_NS = "{http://www.w3.org/2000/svg}"
FORMATS = ("png", "svg", "pdf")
EXPECTED_PIXELS = {
    "screen": (1650, 1050),
    "a4-landscape": (3508, 2480),
    "a4-portrait": (2480, 3508),
    "a3-landscape": (4961, 3508),
    "a3-portrait": (3508, 4961),
}
"""ISO 216 sizes at 300 dpi (297 × 210 mm → 3508 × 2480 px; 420 × 297 mm → 4961 × 3508),
and the screen layout's 11 × 7 in at 150 dpi."""
BLOCKS = (
    "title",
    "subtitle",
    "sources",
    "labels-note",
    "legend",
    "legend-markers",
    "scale",
    "map",
    "inset-moscow",
    "inset-spb",
    "inset-central",
)
"""The page's blocks (figure texts and axes gids) that must not overlap."""


# --- fixtures and helpers ------------------------------------------------------------------------


def _context(data: Dataset, view: views.View) -> context.ExportContext:
    return context.make_context(views.resolve_view(data, view), NOW, VERSION)


_BUILT: dict[tuple[str, str, str], tuple[context.ExportContext, static.StaticMap]] = {}


def built(
    data: Dataset, territory: str, lang: str = "en", layout: str = "a4-landscape"
) -> tuple[context.ExportContext, static.StaticMap]:
    """The map of a view, built once per test run (tests only read it and save it)."""
    key = (territory, lang, layout)
    if key not in _BUILT:
        ctx = _context(data, views.View(territory, lang=lang))
        _BUILT[key] = ctx, static.build_static_map(ctx, layout, context=data.detailed)
    return _BUILT[key]


@pytest.fixture(scope="module")
def worst() -> tuple[Dataset, context.ExportContext]:
    """The largest page furniture the app can make: a synthetic registry (title prefixed
    "SYNTHETIC DATA"), Russian, the longest measure label, the longest district name, 7
    classes, every industry group and status selected (the longest subtitle), and enough
    clusters for group symbols and spread markers (every optional legend entry)."""
    dataset = sources.synthetic_dataset(2000, 1)
    options = filters.filter_options(dataset.clusters, dataset.regions)
    flt = filters.ClusterFilter(
        industry_group=tuple(options["industry_group"]), status=tuple(options["status"])
    )
    view = views.View("North Caucasian", filters=flt, measure="fea_index", k=7, lang="ru")
    return dataset, _context(dataset, view)


Captured = tuple[bytes, dict[str, Bbox], list[tuple[str, Bbox]], Bbox]


def save_capturing(smap: static.StaticMap, ctx: context.ExportContext, fmt: str) -> Captured:
    """Write ``smap`` as ``fmt`` and capture, from the renderer writing the file: the page
    blocks' extents by gid, every region label's extent, and the page's box."""
    fig: Figure = smap.figure
    blocks: dict[str, Bbox] = {}
    labels: list[tuple[str, Bbox]] = []
    page: list[Bbox] = []

    def on_draw(event: Any) -> None:
        renderer = event.renderer
        page.append(fig.bbox.frozen())
        for text in fig.texts:
            blocks[text.get_gid()] = text.get_window_extent(renderer)
        for ax in fig.axes:
            gid, legend = ax.get_gid(), ax.get_legend()
            if gid in static_page.LEGEND_KEYS and legend is not None:
                blocks[gid] = legend.get_window_extent(renderer)
            else:
                blocks[gid] = ax.get_tightbbox(renderer)
            for text in ax.texts:
                if (text.get_gid() or "").startswith("label-"):
                    labels.append((text.get_gid(), text.get_window_extent(renderer)))

    cid = fig.canvas.mpl_connect("draw_event", on_draw)
    try:
        payload = static.save_figure(fig, ctx, fmt, smap.layout)
    finally:
        fig.canvas.mpl_disconnect(cid)
    assert page, "the draw_event callback did not run"
    return payload, blocks, labels, page[-1]


def overlapping(boxes: list[tuple[str, Bbox]], tolerance: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of boxes whose interiors overlap by more than ``tolerance`` pixels."""
    out = []
    for (a, p), (b, q) in itertools.combinations(boxes, 2):
        dx = min(p.x1, q.x1) - max(p.x0, q.x0)
        dy = min(p.y1, q.y1) - max(p.y0, q.y0)
        if dx > tolerance and dy > tolerance:
            out.append((a, b))
    return out


def code_of(gid: str, codes: list[str]) -> str | None:
    """The region code a label's gid (``label-<axes>-<code>``) ends with, if any."""
    return next((c for c in sorted(codes, key=len, reverse=True) if gid.endswith("-" + c)), None)


def label_text(smap: static.StaticMap, gid: str) -> str:
    return next(t.get_text() for ax in smap.figure.axes for t in ax.texts if t.get_gid() == gid)


def figure_text(smap: static.StaticMap, gid: str) -> str:
    return next(t.get_text() for t in smap.figure.texts if t.get_gid() == gid)


def svg_texts(payload: bytes) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(payload).iter(f"{SVG_NS}text")]


def pdf_text(payload: bytes) -> str:
    reader = PdfReader(io.BytesIO(payload))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def region_names(ctx: context.ExportContext) -> dict[str, str]:
    return {
        str(row["code"]): names.region_name(row, ctx.lang)
        for row in ctx.rv.detailed.drop(columns="geometry").to_dict("records")
    }


# --- labels in every format --------------------------------------------------------------------

CASES = [(t, "en", fmt, "a4-landscape") for t in ("Central", "RU") for fmt in FORMATS] + [
    pytest.param("RU", "ru", "png", "a4-landscape", marks=pytest.mark.slow),
    pytest.param("RU", "en", "png", "screen", marks=pytest.mark.slow),
    pytest.param("Central", "ru", "svg", "screen", marks=pytest.mark.slow),
]
"""A district and the whole country in every format on A4; the Russian country map
(longest names) and the default screen layout (least room), marked slow (CI runs them)."""


@pytest.mark.parametrize(("territory", "lang", "fmt", "layout"), CASES)
def test_every_region_is_labelled_or_listed_and_labels_do_not_overlap(
    data: Dataset, territory: str, lang: str, fmt: str, layout: str
) -> None:
    ctx, smap = built(data, territory, lang, layout)
    payload, blocks, labels, _ = save_capturing(smap, ctx, fmt)
    codes = list(ctx.rv.territory.region_codes)
    labelled = {code_of(g, codes) for g, _ in labels} - {None}
    omitted = set(codes) - labelled
    assert omitted == set(smap.omitted)
    if omitted:
        note = " ".join(figure_text(smap, "labels-note").split())
        all_names = region_names(ctx)
        for code in omitted:
            assert all_names[code] in note, f"{code} neither labelled nor listed"
    else:
        assert "labels-note" not in blocks
    # No two labels of the page overlap (territory and neighbours, main map and insets),
    # measured by the renderer that wrote this file.
    assert overlapping(labels) == []
    # The labels are in the file as text, line by line.
    lines = {line for g, _ in labels for line in label_text(smap, g).split("\n")}
    if fmt == "svg":
        texts = set(svg_texts(payload))
        assert lines <= texts, sorted(lines - texts)[:5]
    elif fmt == "pdf":
        text = pdf_text(payload)
        assert [line for line in lines if " ".join(line.split()) not in text] == []


def test_labels_follow_the_language_of_the_view(data: Dataset) -> None:
    _, en = built(data, "RU", "en")
    _, ru = built(data, "RU", "ru")
    en_texts = {p.text.replace("\n", " ") for ps in en.labels.values() for p in ps}
    ru_texts = {p.text.replace("\n", " ") for ps in ru.labels.values() for p in ps}
    assert "Moscow" in en_texts and "Москва" in ru_texts
    assert not any(re.search("[А-Яа-яЁё]", t) for t in en_texts)
    assert all(re.search("[А-Яа-яЁё]", t) for t in ru_texts)


@pytest.mark.slow
def test_the_overlap_check_finds_overlaps(data: Dataset, monkeypatch) -> None:
    """The checks above can fail: with labels allowed to eat 4 pt into each other, the
    renderer's boxes overlap."""
    monkeypatch.setattr(static_place, "LABEL_PAD_PT", -4.0)
    ctx = _context(data, views.View("RU"))
    smap = static.build_static_map(ctx, "screen", context=data.detailed)
    _, _, labels, _ = save_capturing(smap, ctx, "png")
    assert len(overlapping(labels)) > 5


# --- scale bar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("territory", "layout"), [("Central", "a4-landscape"),
                                                     ("RU", "a4-landscape"),
                                                     ("RU", "screen"),
                                                     ("RU-TA", "a4-landscape")])  # fmt: skip
def test_scale_bar_matches_the_projection(data: Dataset, territory: str, layout: str) -> None:
    _, smap = built(data, territory, "en", layout)
    fig = smap.figure
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    scale_ax = next(a for a in fig.axes if a.get_gid() == "scale")
    bar = next(line for line in scale_ax.lines if line.get_gid() == "scale-bar")
    x = bar.get_xdata()
    length = float(x[1] - x[0])
    label = next(t.get_text() for t in scale_ax.texts if re.search(r"(km|км)$", t.get_text()))
    km = float(re.match(r"[\d.]+", label).group())

    # The scale axes has the map's scale: the same projected metres per pixel.
    def metres_per_px(a: Any) -> float:
        return (a.get_xlim()[1] - a.get_xlim()[0]) / a.get_window_extent().width

    assert metres_per_px(scale_ax) == pytest.approx(metres_per_px(ax), rel=1e-9)
    # The geodesic distance between the bar's ends, put through the map's centre and
    # inverse-projected, is the distance the bar states (within 2 %).
    xc, yc = np.mean(ax.get_xlim()), np.mean(ax.get_ylim())
    inverse = Transformer.from_crs(projection.ALBERS, "EPSG:4326", always_xy=True)
    lons, lats = inverse.transform([xc - length / 2, xc + length / 2], [yc, yc])
    metres = Geod(ellps="WGS84").inv(lons[0], lats[0], lons[1], lats[1])[2]
    assert metres / 1000 == pytest.approx(km, rel=0.02)
    # Independently: the projection's own scale along the parallel at the centre.
    lon_c, lat_c = inverse.transform(xc, yc)
    k = Proj(projection.ALBERS).get_factors(lon_c, lat_c).parallel_scale
    assert length == pytest.approx(km * 1000 * k, rel=0.02)
    # The note says where the scale holds.
    note = next(t.get_text() for t in scale_ax.texts if t.get_gid() == "scale-note")
    assert f"{lat_c:.0f}°" in note


# --- insets, neighbours ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["a4-landscape", "screen"])
def test_country_map_has_three_insets_framed_on_the_main_map(data: Dataset, layout: str) -> None:
    ctx, smap = built(data, "RU", "en", layout)
    axes = {a.get_gid(): a for a in smap.figure.axes}
    main = axes["map"]
    projected = ctx.rv.detailed.to_crs(projection.ALBERS).set_index("code")
    for spec in insets.INSETS:
        inset = axes[f"inset-{spec.key}"]
        assert inset.get_label() == f"inset-{spec.key}"
        frame = next(p for p in main.patches if p.get_gid() == f"inset-frame-{spec.key}")
        assert isinstance(frame, Rectangle)
        (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
        assert (frame.get_x(), frame.get_y()) == pytest.approx((x0, y0))
        assert (frame.get_width(), frame.get_height()) == pytest.approx((x1 - x0, y1 - y0))
        codes = list(spec.codes) or list(
            projected.index[projected["federal_district"] == spec.district]
        )
        west, south, east, north = projected.loc[codes].total_bounds
        assert x0 < west and east < x1 and y0 < south and north < y1
        # The inset is larger than its frame on the main map: it zooms in.
        frame_px = main.transData.transform([x1, 0])[0] - main.transData.transform([x0, 0])[0]
        assert inset.get_window_extent().width > frame_px
        title = next(t for t in inset.texts if t.get_gid() == f"inset-{spec.key}-title")
        assert title.get_text().startswith(spec.letter)
        badge = next(t for t in main.texts if t.get_gid() == f"inset-badge-{spec.key}")
        assert badge.get_text() == spec.letter
    on_main = {p.code for p in smap.labels["main"]}
    for key, codes in (("moscow", {"RU-MOW", "RU-MOS"}), ("spb", {"RU-SPE", "RU-LEN"})):
        in_inset = {p.code for p in smap.labels[f"inset-{key}"]}
        # On print pages the inset names both; on the small screen page a city whose
        # inset is full of markers may be named on the main map instead (with a leader).
        assert in_inset >= codes if layout != "screen" else in_inset | on_main >= codes


def test_district_map_shows_neighbours_in_grey_and_no_insets(data: Dataset) -> None:
    ctx, smap = built(data, "Central")
    gids = {a.get_gid() for a in smap.figure.axes}
    assert not any(g.startswith("inset-") for g in gids)
    main = next(a for a in smap.figure.axes if a.get_gid() == "map")
    neighbours = [p for p in main.patches if (p.get_gid() or "").startswith("context-")]
    codes = {p.get_gid().removeprefix("context-") for p in neighbours}
    assert codes and not codes & set(ctx.rv.territory.region_codes)
    assert {"RU-LEN", "RU-NIZ", "RU-ROS"} <= codes  # neighbours of the district
    grey = tuple(int(static_page.CONTEXT_FILL[i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert all(p.get_facecolor()[:3] == pytest.approx(grey) for p in neighbours)
    legend = next(a for a in smap.figure.axes if a.get_gid() == "legend").get_legend()
    entries = [" ".join(t.get_text().split()) for t in legend.get_texts()]
    assert "Neighbouring regions (not in the view)" in entries
    # Neighbours are named in grey italics, never listed as unlabelled.
    grey_labels = [p for p in smap.labels["main"] if p.context]
    assert grey_labels and all(p.code in codes for p in grey_labels)
    _, country = built(data, "RU")
    country_main = next(a for a in country.figure.axes if a.get_gid() == "map")
    assert not any((p.get_gid() or "").startswith("context-") for p in country_main.patches)


# --- page layouts -----------------------------------------------------------------------------


def test_layout_table() -> None:
    assert list(layouts.LAYOUTS) == list(EXPECTED_PIXELS)
    assert layouts.DEFAULT_LAYOUT == "screen"
    for name in layouts.PRINT_LAYOUTS:
        layout = layouts.LAYOUTS[name]
        paper, orientation = name.split("-")
        assert layout.orientation == orientation and layout.dpi == 300
        short, long_ = {"a4": (210, 297), "a3": (297, 420)}[paper]
        size = (long_, short) if orientation == "landscape" else (short, long_)
        assert (layout.width_mm, layout.height_mm) == size
        assert layout.pixels == EXPECTED_PIXELS[name]
    assert layouts.LAYOUTS["screen"].pixels == (1650, 1050)
    with pytest.raises(ValueError, match="unknown page layout 'a5'; known: screen, a4-"):
        layouts.check_layout("a5")


def _check_page(smap: static.StaticMap, ctx: context.ExportContext, layout: str) -> None:
    """The PNG has the layout's size and dpi; every block is on the page and no two
    blocks, and no two labels, overlap; the optional legend entries are there."""
    payload, blocks, labels, page = save_capturing(smap, ctx, "png")
    image = Image.open(io.BytesIO(payload))
    assert image.size == EXPECTED_PIXELS[layout]
    dpi = layouts.LAYOUTS[layout].dpi
    # PNG stores pixels per metre as an integer: 150 dpi reads back as 150.012.
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.02)
    present = {gid for gid in BLOCKS if gid in blocks}
    assert {"title", "subtitle", "sources", "legend", "legend-markers", "scale", "map"} <= present
    boxes = [(gid, blocks[gid]) for gid in BLOCKS if gid in blocks]
    assert overlapping(boxes) == []
    for gid, box in boxes:
        inside = page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0
        assert inside and box.y1 <= page.y1, gid
    assert overlapping(labels) == []
    legend = next(a for a in smap.figure.axes if a.get_gid() == "legend-markers").get_legend()
    entries = " ".join(t.get_text().replace("\n", " ") for t in legend.get_texts())
    assert "Группа кластеров" in entries and "разнесены" in entries


@pytest.mark.parametrize(
    "layout",
    [
        "a4-portrait",
        pytest.param("a4-landscape", marks=pytest.mark.slow),
        pytest.param("a3-landscape", marks=pytest.mark.slow),
        pytest.param("a3-portrait", marks=pytest.mark.slow),
        pytest.param("screen", marks=pytest.mark.slow),
    ],
)
def test_layouts_hold_the_largest_furniture_without_overlaps(
    worst: tuple[Dataset, context.ExportContext], layout: str
) -> None:
    dataset, ctx = worst
    assert len(ctx.title) > 90 and len(ctx.subtitle) > 300  # the longest texts, in Russian
    smap = static.build_static_map(ctx, layout, context=dataset.detailed)
    _check_page(smap, ctx, layout)


@pytest.mark.parametrize(
    ("territory", "lang", "layout"),
    [
        ("RU", "en", "a4-landscape"),
        pytest.param("RU", "ru", "a3-portrait", marks=pytest.mark.slow),
        ("Central", "en", "a4-portrait"),
    ],
)
def test_page_blocks_do_not_overlap_in_svg_and_pdf(
    data: Dataset, territory: str, lang: str, layout: str
) -> None:
    ctx, smap = built(data, territory, lang, layout)
    for fmt in ("svg", "pdf"):
        _, blocks, _, page = save_capturing(smap, ctx, fmt)
        boxes = [(gid, blocks[gid]) for gid in BLOCKS if gid in blocks]
        assert overlapping(boxes) == [], fmt
        assert all(page.x0 <= b.x0 and b.x1 <= page.x1 for _, b in boxes)


# --- files: text as text, behaviours kept, determinism -----------------------------------------


def test_svg_and_pdf_keep_text_as_text(data: Dataset) -> None:
    ctx, smap = built(data, "Central")
    svg = static.save_figure(smap.figure, ctx, "svg", smap.layout)
    texts = svg_texts(svg)
    assert "Tver Oblast" in texts and "Moscow Oblast" in texts
    assert any(
        t.startswith("Regional foreign-economic-activity index (recomputed) — Central")
        for t in texts
    )
    assert b'<path id="DejaVuSans' not in svg  # no glyph outlines: real <text>
    pdf = static.save_figure(smap.figure, ctx, "pdf", smap.layout)
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType (Type 42): searchable
    text = pdf_text(pdf)
    assert "Tver Oblast" in text and "Central Federal District" in text


def test_russian_pdf_text_reads_back(data: Dataset) -> None:
    ctx, smap = built(data, "RU", "ru")
    text = pdf_text(static.save_figure(smap.figure, ctx, "pdf", smap.layout))
    assert "Россия" in text and "Красноярский край" in text


def _svg_marker_fills(groups: dict[str, ET.Element], kind: str) -> list[str]:
    group = groups.get(f"clusters-{kind}")
    uses = [] if group is None else list(group.iter(f"{SVG_NS}use"))
    return [re.search(r"fill: (#\w+)", u.get("style") or "").group(1) for u in uses]


def test_country_svg_keeps_classes_legend_and_every_cluster(data: Dataset) -> None:
    ctx, smap = built(data, "RU")
    rv = ctx.rv
    png = Image.open(io.BytesIO(static.save_figure(smap.figure, ctx, "png", smap.layout)))
    assert png.info["Title"] == ctx.title
    assert VERSION in png.info["Description"] and "a4-landscape" in png.info["Description"]
    root = ET.fromstring(static.save_figure(smap.figure, ctx, "svg", smap.layout))
    groups = {g.get("id"): g for g in root.iter(f"{SVG_NS}g") if g.get("id")}
    regions = sorted(i.removeprefix("region-") for i in groups if i.startswith("region-"))
    assert regions == sorted(rv.regions["code"])
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
    cls = rv.view_classification
    for label, n in zip(classify.class_labels(cls, rv.measure.decimals), cls.counts(), strict=True):
        assert f"{label} ({n})" in texts
    assert f"No data ({cls.no_data})" in texts and ctx.text("mne_ring") in texts
    assert any(t.startswith("Sources: HSE Russian Cluster Observatory") for t in texts)
    # Markers: one <use> per cluster not in a group symbol, filled with its scenario
    # colour, ringed (MNE) ones in their own group; grouped clusters counted in symbols.
    _, mlayout = smap.markers["main"]
    located = rv.clusters.dropna(subset=["lat", "lon"]).sort_values("id")
    grouped = mlayout.grouped_mask
    drawn = 0
    for kind in ("plain", "mne"):
        fills = _svg_marker_fills(groups, kind)
        chosen = located.loc[~grouped & ((located["mne_count"] > 0).to_numpy() == (kind == "mne"))]
        assert sorted(fills) == sorted(SCENARIO_COLOURS[s].lower() for s in chosen["scenario"])
        drawn += len(fills)
    symbols = [g for g in mlayout.groups if g.grouped]
    assert drawn + sum(len(g.members) for g in symbols) == len(located)
    for number, g in enumerate(symbols):
        count = groups[f"cluster-group-{number}-count"]
        assert "".join(count.itertext()).strip() == str(len(g.members))
    pdf = static.save_figure(smap.figure, ctx, "pdf", smap.layout)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == ctx.title


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_view_same_bytes(data: Dataset, fmt: str) -> None:
    first = static.render_static(_context(data, views.View("Central")), fmt, "a4-landscape")
    again = static.render_static(_context(data, views.View("Central")), fmt, "a4-landscape")
    assert first == again


# --- the export table, its file names and errors --------------------------------------------------


def test_export_view_takes_a_layout_for_static_maps_only(data: Dataset) -> None:
    view = views.View("RU-TA")
    name, payload, mime = formats.export_view(data, view, "png", NOW, "a3-landscape")
    assert mime == "image/png" and name.endswith("_a3-landscape.png")
    assert Image.open(io.BytesIO(payload)).size == (4961, 3508)
    default, _, _ = formats.export_view(data, view, "pdf", NOW)
    assert default.endswith(".pdf") and "screen" not in default  # the default is unnamed
    with pytest.raises(ValueError, match="format 'csv' has no page layout; layouts apply to png"):
        formats.export_view(data, view, "csv", NOW, "a4-portrait")
    with pytest.raises(ValueError, match="unknown page layout 'letter'"):
        formats.export_view(data, view, "svg", NOW, "letter")
    assert [e.key for e in formats.ENTRIES if e.layouts] == ["png", "svg", "pdf"]


@pytest.mark.slow
def test_large_registry_renders_with_groups_and_nothing_overlaps() -> None:
    dataset = sources.synthetic_dataset(2000, 1)
    ctx = _context(dataset, views.View("RU"))
    smap = static.build_static_map(ctx, "a4-landscape", context=dataset.detailed)
    _, mlayout = smap.markers["main"]
    assert mlayout.has_groups
    diameter = 300 / 72 * spread.marker_style("mne")[0]
    circles = [(g.centre, g.radius) for g in mlayout.groups]
    for (c1, r1), (c2, r2) in itertools.combinations(circles, 2):
        assert np.hypot(c1[0] - c2[0], c1[1] - c2[1]) >= r1 + r2 - 1e-6
    singles = mlayout.drawn_xy[~mlayout.grouped_mask]
    for a, b in itertools.combinations(singles, 2):
        assert np.hypot(*(a - b)) >= diameter - 1e-6
    _, _, labels, _ = save_capturing(smap, ctx, "png")
    assert overlapping(labels) == []


# --- the layout option of the command line and the export panel ---------------------------------


def test_command_line_layout_option(data: Dataset, monkeypatch, capsys, tmp_path) -> None:
    """``clustermap export --layout`` picks the page of a static map and names it in the
    file; with a format that has no page it is an error naming the formats that do, and
    nothing is written."""
    from geo.cli import main

    monkeypatch.setattr(sources, "load_dataset", lambda: data)
    argv = ["export", "--source", "published", "--territory", "RU-TA", "-o", str(tmp_path)]
    assert main([*argv, "--format", "png", "--layout", "a4-portrait"]) == 0
    written = next(tmp_path.glob("*.png"))
    assert written.name.endswith("_a4-portrait.png")
    assert Image.open(written).size == EXPECTED_PIXELS["a4-portrait"]
    written.unlink()
    assert main([*argv, "--format", "csv", "--layout", "a4-portrait"]) != 0
    err = capsys.readouterr().err
    assert "--layout" in err and "png, svg, pdf" in err and "csv" in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SystemExit):
        main([*argv, "--format", "png", "--layout", "letter"])
    assert "invalid choice: 'letter'" in capsys.readouterr().err


def test_export_panel_offers_the_layouts_with_screen_first() -> None:
    """The panel's page selector lists every layout of the table (by its label), starts
    at the default and keeps a choice."""
    from streamlit.testing.v1 import AppTest

    script = (
        "from geo.registry.sources import load_dataset\n"
        "from geo.render import views\n"
        "from ui.export_panel import render_export_panel\n"
        "render_export_panel(load_dataset(), views.View('RU-TA'), key='p')\n"
    )
    at = AppTest.from_string(script, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    box = at.selectbox(key="p_layout")
    assert box.value == layouts.DEFAULT_LAYOUT == "screen"
    assert box.options == [layout.label for layout in layouts.LAYOUTS.values()]
    box.select("a3-portrait").run()
    assert not at.exception
    assert at.selectbox(key="p_layout").value == "a3-portrait"
    prepare = [b for b in at.button if (b.key or "").endswith("_prepare")]
    assert len(prepare) == len(formats.FORMATS)
