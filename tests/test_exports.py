"""Exports: every format is opened and its content checked against the view it came from.

Maps: the PNG is read with Pillow (size, the classes' colours in its pixels), the SVG as
XML (legend text, one group per region and per drawn cluster), the static figure's axes
for the fit to the territory. Geodata: GeoJSON with ``json``, GeoPackage with pyogrio and
GeoPandas. Tables: the CSV zip with pandas, the XLSX with openpyxl. HTML: text checks
here, and a real headless Chromium with the network off renders its shapes
(``test_html_export_renders_offline_in_chromium``).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import inspect
import io
import json
import math
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from PIL import Image

from geo.analysis import filters, indices as dataset_module, measures
from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.missing import is_null
from geo.registry import sources
from geo.render import classify, markers, projection, views
from geo.render.cartography import frames, layouts
from geo.render.exports import context, formats, formulas, metadata, static, tables
from geo.render.leaflet import offline
from geo.render.palette import SCENARIO_COLOURS
from tests.support.browser_pages import DrawnClusters

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
VERSION = "sha256:0123456789ab"
CHROMIUM = os.environ.get("CLUSTERMAP_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CLUSTERMAP_REQUIRE_BROWSER") == "1"
SVG_NS = "{http://www.w3.org/2000/svg}"

EVIL_NAME = '<img src=x onerror="alert(1)">Kamsk & co'
EVIL_CITY = '=HYPERLINK("http://evil.invalid","x")'
EVIL_MNE = "@SUM(A1:A9)"
EVIL_NOTE = "-2+3"


@pytest.fixture(scope="module")
def country(data: Dataset) -> views.ResolvedView:
    return views.resolve_view(data, views.View())


@pytest.fixture(scope="module")
def volga(data: Dataset) -> views.ResolvedView:
    return views.resolve_view(data, views.View("Volga", measure="cluster_count", k=4))


@pytest.fixture(scope="module")
def evil(data: Dataset) -> views.ResolvedView:
    """The Volga view of a dataset whose texts try HTML and formula injection."""
    clusters = data.clusters.copy()
    kamsk = clusters["id"] == "PIC-20"
    clusters.loc[kamsk, "name_en"] = EVIL_NAME
    clusters.loc[kamsk, "city"] = EVIL_CITY
    clusters.loc[kamsk, "notes"] = EVIL_NOTE
    links = data.mne_links.copy()
    links.loc[links["cluster_id"] == "PIC-20", "mne_name"] = EVIL_MNE
    bad = dataclasses.replace(data, clusters=clusters, mne_links=links)
    return views.resolve_view(bad, views.View("Volga"))


def export(rv: views.ResolvedView, fmt: str) -> bytes:
    return formats.REGISTRY[fmt].render(rv, now=NOW, version=VERSION)


def legend_texts(rv: views.ResolvedView) -> list[str]:
    """The class entries the legend must show: "<range> (<regions of the view>)"."""
    cls = rv.view_classification
    labels = classify.class_labels(cls, rv.measure.decimals)
    return [f"{label} ({n})" for label, n in zip(labels, cls.counts(), strict=True)] + [
        f"No data ({cls.no_data})"
    ]


# --- metadata, names, safety --------------------------------------------------------------------


def test_metadata_states_settings_version_time_and_sources(volga: views.ResolvedView) -> None:
    rows = dict(metadata.metadata_rows(context.make_context(volga, NOW, VERSION)))
    assert rows["exported at"] == "2026-01-02T03:04:05+00:00"
    assert rows["dataset version"].startswith(VERSION)
    assert rows["territory"] == "Volga: Volga Federal District (federal district)"
    assert rows["regions in view"] == "14"
    assert rows["clusters in view"].startswith(f"{len(volga.clusters)} clusters (of 30")
    assert rows["measure"].startswith("cluster_count: ")
    assert rows["filter: Status"] == "all" and rows["filter: MNE presence"] == "Any"
    assert "intl_members=0.21" in rows["cluster index weights"]
    threshold = inspect.signature(dataset_module.scenario_table).parameters
    assert (
        rows["scenario threshold, cluster index"] == f"{threshold['cluster_threshold'].default:g}"
    )
    assert rows["scenario threshold, region index"] == f"{threshold['region_threshold'].default:g}"
    assert [rows[f"source {i + 1}"] for i in range(len(context.SOURCES))] == list(context.SOURCES)
    assert rows["data"] == "published"
    counts = volga.view_classification.counts()
    for i, n in enumerate(counts):
        assert rows[f"class {i + 1}"].endswith(f"; {n} region(s) in view)")


def test_sources_are_the_data_readme_s() -> None:
    readme = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text("utf-8")
    plain = re.sub(r"[*`]", "", readme)
    for source in context.SOURCES:
        # Each source is data/README.md's wording, after its own "<what>: " prefix.
        wording = source.split(": ", 1)[1]
        assert wording in plain, wording


def test_filtered_view_metadata_and_file_name(data: Dataset) -> None:
    flt = filters.ClusterFilter(status=("pilot innovative",), mne="with")
    rv = views.resolve_view(data, views.View("RU-TA", filters=flt))
    ctx = context.make_context(rv, NOW, VERSION)
    rows = dict(metadata.metadata_rows(ctx))
    assert rows["filter: Status"] == "pilot innovative"
    assert rows["filter: MNE presence"] == filters.MNE_LABELS["with"]
    assert "Status: pilot innovative" in context.filters_text(rv)
    assert (
        formats.export_filename(ctx, "csv")
        == "clustermap_ru-ta_fea-index_filtered_20260102.csv.zip"
    )
    assert formats.export_filename(ctx, "png").endswith("_20260102.png")


def test_synthetic_data_is_marked(data: Dataset) -> None:
    clusters = data.clusters.copy()
    clusters["synthetic"] = True
    rv = views.resolve_view(dataclasses.replace(data, clusters=clusters), views.View())
    ctx = context.make_context(rv, NOW, VERSION)
    assert ctx.title.startswith("SYNTHETIC DATA — ")
    assert dict(metadata.metadata_rows(ctx))["data"].startswith("SYNTHETIC DATA: ")


@pytest.mark.parametrize(
    ("text", "slug"),
    [("../../etc/passwd", "etc-passwd"), ("RU-TA", "ru-ta"), ("Far Eastern", "far-eastern"),
     ("Приволжский", "view"), ("a\\b:c*d?.e", "a-b-c-d-e"), ("", "view")],
)  # fmt: skip
def test_slugify_gives_safe_file_name_parts(text: str, slug: str) -> None:
    assert context.slugify(text) == slug
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", context.slugify(text))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+7 495", "'+7 495"), ("-x", "'-x"), ("@A1", "'@A1"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("Kazan", "Kazan"), (-5.0, -5.0), (3, 3), (None, None)],
)  # fmt: skip
def test_neutralise(value: object, expected: object) -> None:
    assert formulas.neutralise(value) == expected


def test_bad_format_and_territory_raise_before_anything(data: Dataset) -> None:
    with pytest.raises(ValueError, match="unknown export format 'docx'; known: html, png"):
        formats.export_view(data, views.View(), "docx")
    with pytest.raises(ValueError, match="unknown territory 'Mars'"):
        formats.export_view(data, views.View("Mars"), "csv")


def test_export_view_returns_name_bytes_and_mime(data: Dataset) -> None:
    name, payload, mime = formats.export_view(data, views.View("RU-TA"), "geojson", NOW)
    assert name == "clustermap_ru-ta_fea-index_20260102.geojson"
    assert mime == "application/geo+json"
    assert json.loads(payload)["type"] == "FeatureCollection"


# --- HTML ---------------------------------------------------------------------------------------


def test_html_is_standalone_with_title_legend_date_and_sources(volga: views.ResolvedView) -> None:
    text = export(volga, "html").decode("utf-8")
    assert offline.external_urls([text]) == []
    # The only http(s) text is the SVG namespace, which no browser fetches.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= {"http://www.w3.org/2000/svg"}
    assert "<title>Cluster initiatives in the registry — Volga Federal District</title>" in text
    assert "Exported 2026-01-02 03:04 UTC" in text
    assert f"Dataset {VERSION}" in text
    for source in context.SOURCES:
        assert html.escape(source) in text
    # Popups carry no link to the app's cluster profile (a file has no app behind it).
    assert "/cluster?id=PIC" not in text
    # Every region of the territory, and only those, is in the map's data.
    for code in data_codes(volga):
        assert f'"{code}"' in text
    outside = sorted(set(volga.all_values.index) - set(volga.regions["code"]))
    assert not any(f'"{code}"' in text for code in outside)


def test_html_map_is_the_map_page_s_pipeline(data: Dataset, monkeypatch) -> None:
    """The export draws the page's map (``maps.map_layers``): in Russian, the page's Russian
    tooltips, attribution and vocabulary labels; with grouped markers, the group symbol in
    the legend; and the page's layer, profile links aside."""
    from geo.data import records
    from geo.render import legend as map_legend, maps

    ru = views.resolve_view(data, views.View(lang="ru"))
    text = export(ru, "html").decode("utf-8")
    _ = i18n.translator("ru")
    assert json.dumps(_(maps.ATTRIBUTION["albers"]), ensure_ascii=False) in text
    labels = records.vocabulary_labels()
    assert labels.term("status", "pilot innovative", "ru") in text
    assert "<b>Республика Татарстан" in text, "Russian name first in the tooltips"
    content = maps.MapContent.of_resolved(ru, labels)
    page_styles = maps.content_layer(content)._children
    style = next(e for e in page_styles.values() if e._name == "RegionStyle")
    assert style.styles in text and style.legend in text
    monkeypatch.setattr(markers, "GROUP_ABOVE", 2)
    grouped = export(views.resolve_view(data, views.View()), "html").decode("utf-8")
    assert map_legend.LEGEND_TEXT["group"] in grouped


def data_codes(rv: views.ResolvedView) -> list[str]:
    return sorted(rv.regions["code"])


def test_html_escapes_text_from_the_data(evil: views.ResolvedView) -> None:
    text = export(evil, "html").decode("utf-8")
    assert "<img src=x" not in text
    assert 'onerror="alert' not in text
    assert html.escape(EVIL_NAME) in text.replace("\\u0026", "&").replace("\\u003c", "<")


# --- static maps --------------------------------------------------------------------------------


def test_png_has_the_print_size_the_classes_colours_and_metadata(
    country: views.ResolvedView,
) -> None:
    image = Image.open(io.BytesIO(export(country, "png")))
    assert image.format == "PNG"
    assert image.size == (1650, 1050) == layouts.LAYOUTS[layouts.DEFAULT_LAYOUT].pixels
    assert image.info["Title"] == "Regional foreign-economic-activity index (recomputed) — Russia"
    assert VERSION in image.info["Description"]
    rgb = np.asarray(image.convert("RGB")).reshape(-1, 3).astype(np.int64)
    pixels = set(np.unique(rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).tolist())
    for colour in country.classification.colours:
        assert int(colour[1:], 16) in pixels, f"class colour {colour} not drawn"


def _svg(rv: views.ResolvedView) -> ET.Element:
    return ET.fromstring(export(rv, "svg"))


def test_svg_legend_regions_and_clusters_match_the_view(volga: views.ResolvedView) -> None:
    root = _svg(volga)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
    for entry in legend_texts(volga):
        assert entry in texts, f"legend entry {entry!r} missing"
    counts = markers.scenario_counts(volga.clusters)
    assert f"Lonely ({counts['lonely']})" in texts
    assert any(
        t.startswith("Cluster initiatives in the registry — Volga Federal District") for t in texts
    )
    assert any("Exported 2026-01-02 03:04 UTC" in t for t in texts)
    ids = [el.get("id") or "" for el in root.iter()]
    regions = sorted(i.removeprefix("region-") for i in ids if i.startswith("region-"))
    assert regions == sorted(volga.regions["code"])
    # One marker per located cluster, in two groups: ringed (MNE links) and plain, filled
    # with the scenario's colour.
    located = volga.clusters.dropna(subset=["lat", "lon"])
    for kind, expected in (("mne", (located["mne_count"] > 0).sum()),
                           ("plain", (located["mne_count"] == 0).sum())):  # fmt: skip
        group = root.find(f".//{SVG_NS}g[@id='clusters-{kind}']")
        assert group is not None
        styles = [u.get("style") for u in group.iter(f"{SVG_NS}use")]
        assert len(styles) == expected
        chosen = located.loc[(located["mne_count"] > 0) == (kind == "mne")]
        colours = sorted(SCENARIO_COLOURS[s].lower() for s in chosen["scenario"])
        assert sorted(re.search(r"fill: (#\w+)", st).group(1) for st in styles) == colours


def test_svg_fills_regions_with_their_class_colour(volga: views.ResolvedView) -> None:
    root = _svg(volga)
    groups = [g for g in root.iter(f"{SVG_NS}g") if (g.get("id") or "").startswith("region-")]
    assert len(groups) == len(volga.regions)
    for group in groups:
        code = group.get("id").removeprefix("region-")
        style = " ".join(p.get("style", "") for p in group.iter(f"{SVG_NS}path"))
        colour = volga.classification.colour_of(code)
        if colour is None:
            assert "url(#h" in style  # the "no data" hatch
        else:
            assert f"fill: {colour}" in style


@pytest.mark.parametrize("territory", ["RU", "Volga", "RU-TA", "Far Eastern"])
def test_static_map_is_fit_to_the_territory(data: Dataset, territory: str) -> None:
    rv = views.resolve_view(data, views.View(territory))
    fig = static.static_map_figure(context.make_context(rv, NOW, VERSION))
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    west, south, east, north = rv.detailed.to_crs(projection.ALBERS).total_bounds
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < west and east < x1 and y0 < south and north < y1
    # The territory, padded by 3 % of its larger side, fills the axes in one direction.
    pad = frames.MAP_PADDING * max(east - west, north - south)
    fills_x = (x1 - x0) == pytest.approx(east - west + 2 * pad, rel=1e-9)
    fills_y = (y1 - y0) == pytest.approx(north - south + 2 * pad, rel=1e-9)
    assert fills_x or fills_y


def test_pdf_is_one_page(country: views.ResolvedView) -> None:
    payload = export(country, "pdf")
    assert payload.startswith(b"%PDF-") and payload.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", payload)) == 1


# --- geodata ------------------------------------------------------------------------------------


def _same(a: object, b: object) -> bool:
    if is_null(a) or is_null(b):
        return is_null(a) and is_null(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9)


def test_geojson_regions_and_clusters(country: views.ResolvedView) -> None:
    doc = json.loads(export(country, "geojson"))
    assert doc["type"] == "FeatureCollection"
    assert doc["bbox"] == pytest.approx(list(country.bounds), abs=1e-6)
    assert doc["metadata"]["dataset version"].startswith(VERSION)
    regions = [f for f in doc["features"] if f["properties"]["layer"] == "regions"]
    clusters = [f for f in doc["features"] if f["properties"]["layer"] == "clusters"]
    assert len(regions) == 85 and len(clusters) == len(country.clusters) == 30
    for feature in regions:
        props = feature["properties"]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert _same(props["measure_value"], country.values[props["code"]])
        assert props["measure"] == "fea_index"
    by_code = {f["properties"]["code"]: f["properties"] for f in regions}
    tatarstan = country.indicators.set_index("region_code").loc["RU-TA"]
    assert _same(by_code["RU-TA"]["fdi_per_capita"], tatarstan["fdi_per_capita"])
    assert by_code["RU-AD"]["fdi_per_capita"] is None  # not in Table 6: null, never 0
    by_id = {f["properties"]["id"]: f for f in clusters}
    kamsk = by_id["PIC-20"]
    assert kamsk["geometry"]["type"] == "Point"
    assert kamsk["properties"]["mne_count"] == 6
    row = country.clusters.set_index("id").loc["PIC-20"]
    assert kamsk["geometry"]["coordinates"] == pytest.approx([row["lon"], row["lat"]])
    unlocated = by_id["P003-05"]
    assert unlocated["geometry"] is None
    assert unlocated["properties"]["name_en"] == "not reported"
    assert unlocated["properties"]["participants"] is None


def test_gpkg_layers_hold_the_view(volga: views.ResolvedView, tmp_path: Path) -> None:
    path = tmp_path / "view.gpkg"
    path.write_bytes(export(volga, "gpkg"))
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["clusters", "regions"]
    regions = gpd.read_file(path, layer="regions")
    clusters = gpd.read_file(path, layer="clusters")
    assert regions.crs.to_epsg() == 4326
    assert sorted(regions["code"]) == sorted(volga.regions["code"])
    assert regions.total_bounds == pytest.approx(list(volga.bounds), abs=1e-9)
    for code, value in zip(regions["code"], regions["measure_value"], strict=True):
        assert _same(value, volga.values[code])
    assert (regions["measure"] == "cluster_count").all()
    assert sorted(clusters["id"]) == sorted(volga.clusters["id"])
    assert set(clusters.geom_type) == {"Point"}
    assert clusters.set_index("id").loc["PIC-20", "mne_count"] == 6
    info = pyogrio.read_info(path, layer="regions")
    assert info["dataset_metadata"]["dataset version"].startswith(VERSION)


# --- tables -------------------------------------------------------------------------------------


def _zip_tables(payload: bytes) -> dict[str, pd.DataFrame]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        names = archive.namelist()
        assert names == ["clusters.csv", "mne_links.csv", "regional_indicators.csv", "metadata.txt"]
        out = {
            n.removesuffix(".csv"): pd.read_csv(io.BytesIO(archive.read(n)), encoding="utf-8-sig",
                                                keep_default_na=False, na_values=[""])
            for n in names if n.endswith(".csv")
        }  # fmt: skip
        out["metadata"] = pd.DataFrame({"text": [archive.read("metadata.txt").decode("utf-8")]})
        return out


def test_csv_zip_holds_the_three_tables_and_metadata(country: views.ResolvedView) -> None:
    tables = _zip_tables(export(country, "csv"))
    assert len(tables["clusters"]) == 30
    assert len(tables["mne_links"]) == len(country.mne_links) == 8
    assert len(tables["regional_indicators"]) == 85
    clusters = tables["clusters"].set_index("id")
    assert clusters.loc["P003-05", "name_en"] == "not reported"
    assert clusters.loc["P003-05", "name_ru"] == "Уральский машиностроительный кластер"
    assert pd.isna(clusters.loc["P003-05", "participants"])  # empty, never 0
    regions = tables["regional_indicators"].set_index("code")
    assert regions.loc["RU-TA", "clusters_in_view"] == 1
    assert _same(regions.loc["RU-TA", "measure_value"], country.values["RU-TA"])
    assert regions["trade_surplus_per_capita"].min() < 0  # negative numbers stay numbers
    assert "source 1: 001: " in tables["metadata"]["text"][0]


def test_csv_and_xlsx_neutralise_formulas(evil: views.ResolvedView, tmp_path: Path) -> None:
    tables = _zip_tables(export(evil, "csv"))
    kamsk = tables["clusters"].set_index("id").loc["PIC-20"]
    assert kamsk["city"] == "'" + EVIL_CITY
    assert kamsk["notes"] == "'" + EVIL_NOTE
    assert set(tables["mne_links"]["mne_name"]) == {"'" + EVIL_MNE}

    path = tmp_path / "evil.xlsx"
    path.write_bytes(export(evil, "xlsx"))
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells), "a cell became a formula"
    values = {c.value for c in cells}
    assert "'" + EVIL_CITY in values and "'" + EVIL_MNE in values and "'" + EVIL_NOTE in values


def test_xlsx_holds_what_a_cell_cannot(data: Dataset, tmp_path: Path) -> None:
    """Text over Excel's 32,767 characters is cut with a note (not an error, not silent);
    control characters XML cannot carry become �; the CSV keeps the whole text."""
    clusters = data.clusters.copy()
    kamsk = clusters["id"] == "PIC-20"
    long_note = "x" * 40_000
    clusters.loc[kamsk, "notes"] = long_note
    clusters.loc[kamsk, "city"] = "Nizhnekamsk\x07\x1b"
    rv = views.resolve_view(dataclasses.replace(data, clusters=clusters), views.View("Volga"))
    path = tmp_path / "long.xlsx"
    path.write_bytes(export(rv, "xlsx"))
    sheet = openpyxl.load_workbook(path)["clusters"]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], next(r for r in rows if r[0] == "PIC-20"), strict=True))
    assert len(row["notes"]) == tables.XLSX_MAX_TEXT
    assert row["notes"].startswith("x" * 30_000)
    assert row["notes"].endswith("the CSV export has the whole text]")
    assert row["city"] == "Nizhnekamsk\ufffd\ufffd"
    csv = _zip_tables(export(rv, "csv"))["clusters"].set_index("id")
    assert csv.loc["PIC-20", "notes"] == long_note


def test_xlsx_header_is_bold_frozen_and_columns_fit(volga: views.ResolvedView, tmp_path: Path):
    path = tmp_path / "view.xlsx"
    path.write_bytes(export(volga, "xlsx"))
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.b for c in sheet[1]), sheet.title
    clusters = book["clusters"]
    low, high = tables.XLSX_WIDTH
    widths = {c.value: clusters.column_dimensions[c.column_letter].width for c in clusters[1]}
    assert widths["id"] < widths["name_en"] <= high + 1  # Excel adds its padding
    assert all(w >= low for w in widths.values())


def test_xlsx_sheets_and_metadata(volga: views.ResolvedView, tmp_path: Path) -> None:
    path = tmp_path / "view.xlsx"
    path.write_bytes(export(volga, "xlsx"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["metadata", "clusters", "mne_links", "regional_indicators"]
    meta = {r[0]: r[1] for r in book["metadata"].iter_rows(min_row=2, values_only=True)}
    expected = dict(metadata.metadata_rows(context.make_context(volga, NOW, VERSION)))
    assert meta == expected
    for key in ("filter: Status", "measure", "cluster index weights", "region index weights",
                "scenario threshold, cluster index", "dataset version", "exported at",
                "source 1"):  # fmt: skip
        assert meta[key]

    def frame(name: str) -> pd.DataFrame:
        rows = list(book[name].iter_rows(values_only=True))
        return pd.DataFrame(rows[1:], columns=rows[0])

    clusters = frame("clusters")
    assert sorted(clusters["id"]) == sorted(volga.clusters["id"])
    assert len(frame("mne_links")) == len(volga.mne_links)
    regions = frame("regional_indicators").set_index("code")
    assert sorted(regions.index) == sorted(volga.regions["code"])
    for code in regions.index:
        assert _same(regions.loc[code, "measure_value"], volga.values[code])
    surplus = regions["trade_surplus_per_capita"].dropna()
    assert all(isinstance(v, float) for v in surplus)


def test_table_exports_agree_with_each_other(volga: views.ResolvedView, tmp_path: Path) -> None:
    csv = _zip_tables(export(volga, "csv"))["clusters"]
    path = tmp_path / "v.xlsx"
    path.write_bytes(export(volga, "xlsx"))
    xlsx = pd.read_excel(path, sheet_name="clusters")
    assert list(csv["id"]) == list(xlsx["id"])
    assert list(csv.columns) == list(tables.CLUSTER_COLUMNS) == list(xlsx.columns)


# --- the HTML in a real browser, network off ----------------------------------------------------


def _browser_api():
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
    reason = None
    if sync_api is None:
        reason = "the playwright package is not installed"
    elif not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM}"
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"CLUSTERMAP_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return sync_api


@pytest.mark.browser
@pytest.mark.parametrize("territory", ["RU", "Volga"])
def test_html_export_renders_offline_in_chromium(
    data: Dataset, territory: str, tmp_path: Path
) -> None:
    sync_api = _browser_api()
    rv = views.resolve_view(data, views.View(territory))
    path = tmp_path / "view.html"
    path.write_bytes(export(rv, "html"))
    blocked: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            session = browser.new_context(offline=True, viewport={"width": 1200, "height": 800})
            session.route("**/*", route)
            page = session.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_selector("path.cm-region", state="attached")
            shapes = page.eval_on_selector_all(
                "path.cm-region",
                "els => els.map(e => [e.getAttribute('class'), e.getAttribute('fill')])",
            )
            markers = DrawnClusters(page).once_drawn()
            legend = page.inner_text(".cm-legend")
            title = page.inner_text(".cm-export-head h1")
            footer = page.inner_text(".cm-export-foot")
        finally:
            browser.close()
    assert blocked == [], f"the export asked the network for {blocked}"
    assert errors == []
    codes = [re.search(r"cm-code-(\S+)", cls).group(1) for cls, _ in shapes]
    assert sorted(codes) == sorted(rv.regions["code"])
    for (_, fill), code in zip(shapes, codes, strict=True):
        colour = rv.classification.colour_of(code)
        assert fill == (colour if colour else "url(#cm-hatch)")
    assert markers == rv.clusters[["lat", "lon"]].notna().all(axis=1).sum()
    for entry in classify.class_labels(rv.view_classification, rv.measure.decimals):
        assert entry in legend
    assert title == context.make_context(rv, NOW, VERSION).title
    assert "Natural Earth" in footer


# --- the page's export panel --------------------------------------------------------------------


PANEL_SCRIPT = """
import streamlit as st

from geo.analysis import filters
from geo.render import views
from geo.registry.sources import load_dataset
from ui.export_panel import render_export_panel

territory = st.query_params.get("territory", "RU")
flt = filters.ClusterFilter(mne=st.query_params.get("mne", "any"))
render_export_panel(
    load_dataset(),
    views.View(territory, filters=flt),
    choose_territory=st.query_params.get("choose", "yes") == "yes",
    key="p",
)
"""


def _panel(**query: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(PANEL_SCRIPT, default_timeout=120)
    at.query_params["lang"] = "en"  # these tests read English texts (issue 9: default ru)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _prepare_buttons(at) -> list:
    """The panel's "Prepare" buttons (one per format whose file is not made yet)."""
    return [b for b in at.button if (b.key or "").endswith("_prepare")]


def test_export_panel_offers_every_format_for_the_view() -> None:
    at = _panel(territory="RU-TA", mne="with")
    offered = [entry for _, entries in formats.by_group() for entry in entries]
    prepare = _prepare_buttons(at)
    assert len(prepare) == len(formats.FORMATS)
    assert [b.label for b in prepare] == [f"Prepare {entry.label}" for entry in offered]
    assert [b.key for b in prepare] == [f"p_{entry.key}_prepare" for entry in offered]
    assert len(at.get("download_button")) == 0  # nothing is made while the panel is shown
    assert at.selectbox(key="p_territory").value == "RU-TA"
    caption = at.caption[0].value
    assert "Tatarstan" in caption and "MNE presence" in caption


def test_a_file_is_made_on_its_click_only_and_kept_while_its_view_holds(monkeypatch) -> None:
    """Showing the panel makes nothing; "Prepare" makes the one file, whose download button
    takes the place of the button and stays over later runs (not made again) until the
    territory changes; a page layout keeps the data formats' files."""
    from ui import export_panel

    made: list[tuple[str, str, str | None]] = []
    real = export_panel.make_file

    def spy(data, view, fmt, now=None, layout=None):
        made.append((view.territory, fmt, layout))
        return real(data, view, fmt, now, layout)

    monkeypatch.setattr(export_panel, "make_file", spy)
    at = _panel(territory="RU-TA")
    assert made == []
    at.button(key="p_csv_prepare").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert made == [("RU-TA", "csv", None)]
    (button,) = at.get("download_button")
    assert button.proto.label == "CSV (zip)" and button.proto.url.endswith(".zip")
    assert "p_csv_prepare" not in [b.key for b in _prepare_buttons(at)]
    file = at.session_state[export_panel.FILES_KEY]["p"]["csv"]
    assert file.name.startswith("clustermap_ru-ta_") and file.name.endswith(".csv.zip")
    with zipfile.ZipFile(io.BytesIO(file.data)) as archive:
        assert "clusters.csv" in archive.namelist()
    at.run()  # a full rerun draws the same file again, without making it
    at.selectbox(key="p_layout").select("a3-portrait").run()
    assert made == [("RU-TA", "csv", None)]
    assert [b.proto.label for b in at.get("download_button")] == ["CSV (zip)"]
    at.button(key="p_png_prepare").click().run()
    assert made[-1] == ("RU-TA", "png", "a3-portrait")
    assert [b.proto.label for b in at.get("download_button")] == ["PNG", "CSV (zip)"]
    at.selectbox(key="p_territory").select("RU-MOW").run()  # another view: files dropped
    assert len(at.get("download_button")) == 0
    assert at.session_state[export_panel.FILES_KEY]["p"] == {}
    assert len(_prepare_buttons(at)) == len(formats.FORMATS)


def test_a_download_button_holds_its_bytes_not_a_deferred_callable() -> None:
    """Why the panel makes files on "Prepare": a deferred download (``data=`` a callable)
    leaves the file Streamlit makes on the click unmapped to the session, and two script
    runs of ANY other session delete it before a slow browser fetches it (the "canceled"
    downloads at 30 sessions, benchmarks/load.py). A button with bytes has a media URL
    mapped to its session."""
    at = _panel(territory="RU-TA")
    at.button(key="p_geojson_prepare").click().run()
    (button,) = at.get("download_button")
    assert not button.proto.HasField("deferred_file_id")
    assert button.proto.url.startswith("/mock/media/")


def test_a_file_that_cannot_be_made_is_named_without_a_traceback(monkeypatch) -> None:
    from ui import export_panel

    def fail(data, view, fmt, now=None, layout=None):
        raise ValueError("the disk is full")

    monkeypatch.setattr(export_panel, "make_file", fail)
    at = _panel(territory="RU-TA")
    at.button(key="p_pdf_prepare").click().run()
    assert not at.exception
    assert "The PDF file could not be made: the disk is full" in [e.value for e in at.error]
    assert len(at.get("download_button")) == 0
    assert at.session_state[export_panel.FILES_KEY]["p"] == {}


def test_panel_and_command_line_offer_what_the_format_table_holds(
    monkeypatch, capsys, tmp_path, data: Dataset
) -> None:
    """Adding a format is one table entry plus its function: the panel draws its button in
    its group and the command line accepts it and writes its file."""
    from geo.cli import main
    from geo.cli.commands import build_parser

    def export_dummy(rv: views.ResolvedView, *, now=None, version=None) -> bytes:
        return f"{len(rv.clusters)} clusters of {rv.territory.code}\n".encode()

    dummy = formats.ExportFormat(
        "dummy", "Dummy", "A format registered by a test.", "text/plain", "txt", "data",
        export_dummy,
    )  # fmt: skip
    monkeypatch.setitem(formats.REGISTRY, "dummy", dummy)
    monkeypatch.setattr(sources, "load_dataset", lambda: data)

    export = next(
        a._name_parser_map["export"]
        for a in build_parser()._actions
        if isinstance(a, argparse._SubParsersAction)
    )
    choices = next(a.choices for a in export._actions if a.dest == "format")
    assert list(choices) == [*(entry.key for entry in formats.ENTRIES), "dummy"]
    assert main(["export", "--territory", "RU-TA", "--format", "dummy", "-o", str(tmp_path)]) == 0
    written = next(tmp_path.glob("*.txt"))
    assert written.read_text().endswith("clusters of RU-TA\n"), capsys.readouterr().err

    at = _panel(territory="RU-TA")
    buttons = _prepare_buttons(at)
    assert [b.label for b in buttons][-1] == "Prepare Dummy"
    assert len(buttons) == len(formats.ENTRIES) + 1
    assert buttons[-1].help.startswith("A format registered by a test.")
    at.button(key="p_dummy_prepare").click().run()
    (button,) = at.get("download_button")
    assert button.proto.label == "Dummy" and button.proto.url.endswith(".txt")


def test_export_panel_reports_a_bad_territory() -> None:
    from ui import export_panel

    at = _panel(territory="RU-XX")  # the selector falls back to Russia
    assert at.selectbox(key="p_territory").value == "RU"
    assert len(_prepare_buttons(at)) == len(formats.FORMATS)
    # Without the selector, an unknown territory is an error and no button is drawn.
    bad = _panel(territory="RU-XX", choose="no")
    assert "unknown territory 'RU-XX'" in bad.error[0].value
    assert len(bad.get("download_button")) == len(_prepare_buttons(bad)) == 0
    assert export_panel.territory_label("Volga", {}) == "Volga Federal District"


def test_export_panel_button_makes_the_cli_s_file(data: Dataset) -> None:
    from ui.export_panel import make_file

    view = views.View("Volga", measure="mne_links")
    assert make_file(data, view, "geojson", NOW) == formats.export_view(data, view, "geojson", NOW)


def test_cluster_names_are_the_map_s(country: views.ResolvedView) -> None:
    clusters = country.clusters.copy()
    clusters.loc[clusters["id"] == "PIC-01", ["name_en", "name_ru"]] = ["  ", None]
    rows = clusters.drop(columns="geometry").to_dict("records")
    expected = [markers.cluster_name(r) for r in rows]
    assert tables._cluster_names(clusters).tolist() == expected
    assert "PIC-01" in expected and "Уральский машиностроительный кластер" in expected


def test_static_outlines_are_simplified_to_print_resolution(country: views.ResolvedView) -> None:
    fig = static.static_map_figure(context.make_context(country, NOW, VERSION))
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    patches = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("region-")}
    assert len(patches) == 85
    projected = country.detailed.to_crs(projection.ALBERS).set_index("code")
    drawn = sum(len(p.get_path().vertices) for p in patches.values())
    original = int(shapely.get_num_coordinates(projected.geometry.to_numpy()).sum())
    assert drawn < original / 3
    # Outlines move by at most a quarter point: the bounds are kept to that tolerance.
    points_wide = ax.get_window_extent().width / fig.dpi * 72
    tolerance = frames.PRINT_TOLERANCE_PT * (ax.get_xlim()[1] - ax.get_xlim()[0]) / points_wide
    path = patches["region-RU-TA"].get_path()
    west, south, east, north = projected.geometry["RU-TA"].bounds
    (x0, y0), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
    assert [x0, y0, x1, y1] == pytest.approx([west, south, east, north], abs=tolerance)
    assert len(export(country, "svg")) < 1_000_000


# --- the view's language (issue 9) --------------------------------------------------------------


@pytest.fixture(scope="module")
def volga_ru(data: Dataset) -> views.ResolvedView:
    return views.resolve_view(data, views.View("Volga", measure="cluster_count", k=4, lang="ru"))


def test_xlsx_in_russian_has_russian_sheets_headers_and_fields(
    volga: views.ResolvedView, volga_ru: views.ResolvedView, tmp_path: Path
) -> None:
    path = tmp_path / "view.xlsx"
    path.write_bytes(export(volga_ru, "xlsx"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Метаданные", "Кластеры", "Связи с ТНК", "Региональные показатели"]
    header = [c.value for c in next(book["Кластеры"].iter_rows(max_row=1))]
    assert header[:3] == ["Код", "Название (английское)", "Название (русское)"]
    assert "Статус" in header and "status" not in header
    assert len(header) == len(tables.CLUSTER_COLUMNS)
    assert [c.value for c in next(book["Метаданные"].iter_rows(max_row=1))] == ["Поле", "Значение"]
    meta = {r[0]: r[1] for r in book["Метаданные"].iter_rows(min_row=2, values_only=True)}
    assert meta["заголовок"] == "Кластерные инициативы в реестре — Приволжский федеральный округ"
    assert meta["источник 1"] == context.SOURCES[0]  # a reference stays as published
    assert meta["фильтр: Статус"] == "все" and meta["фильтр: Наличие ТНК"] == "Любые"
    # The values' fixed notes are Russian too.
    assert meta["версия набора данных"] == f"{VERSION} (хеш-отпечаток поставляемых файлов данных)"
    assert meta["данные"] == "Опубликованные данные (001–003)"
    assert meta["территория"] == "Volga: Приволжский федеральный округ (федеральный округ)"
    assert meta["показатель"] == "cluster_count: Кластерные инициативы в реестре"
    assert meta["описание показателя"] == measures.measure_description("cluster_count", "ru")
    assert meta["классификация"].startswith("Квантили; классов: ")
    assert meta["класс «нет данных»"].startswith("нет данных (регионов в представлении: ")
    assert meta["веса индекса кластеров"].endswith("(002, таблица 4)")
    assert meta["веса регионального индекса"].endswith("(равные; в статьях веса не приводятся)")
    assert meta["метод индекса"].startswith("Уравнение 1 статей 001/002")
    assert meta["координаты"].startswith("Координаты — долгота и широта WGS 84")
    assert meta["защита электронных таблиц"].startswith("Перед текстовыми ячейками")
    assert meta["проекция карт"].startswith("равновеликая коническая проекция Альберса")
    assert meta["пропущенные значения"].startswith("Текст, которого нет в источниках")
    # The same cells as the English workbook: only the headers and field names differ.
    english = openpyxl.load_workbook(io.BytesIO(export(volga, "xlsx")))
    for ru_name, en_name in zip(book.sheetnames[1:], english.sheetnames[1:], strict=True):
        ru_rows = list(book[ru_name].iter_rows(min_row=2, values_only=True))
        assert ru_rows == list(english[en_name].iter_rows(min_row=2, values_only=True))


def test_svg_and_html_in_russian_have_russian_title_and_legend(
    volga_ru: views.ResolvedView,
) -> None:
    root = _svg(volga_ru)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
    assert "Кластерные инициативы в реестре" in texts  # the legend's title
    assert "Кластеры: цвет = сценарий" in texts
    counts = markers.scenario_counts(volga_ru.clusters)
    assert f"Одинокий ({counts['lonely']})" in texts
    assert f"Нет данных ({volga_ru.view_classification.no_data})" in texts
    assert any(t.startswith("Кластерные инициативы в реестре — Приволжский") for t in texts)
    assert not any("Clusters: colour = scenario" in t for t in texts)
    page = export(volga_ru, "html").decode("utf-8")
    assert '<html lang="ru">' in page
    assert "<title>Кластерные инициативы в реестре — Приволжский федеральный округ</title>" in page
    assert f"Набор данных {VERSION}" in page
    assert offline.external_urls([page]) == []


def test_russian_metadata_values_follow_the_language_and_english_stays_fixed(
    data: Dataset,
) -> None:
    flt = filters.ClusterFilter(
        status=("pilot innovative",),
        scenario=("lonely",),
        federal_district=("Volga",),
        org_level=(filters.NOT_REPORTED,),
        region=("RU-TA",),
        mne="with",
    )
    clusters = data.clusters.copy()
    clusters["synthetic"] = True
    synthetic = dataclasses.replace(data, clusters=clusters)
    rv = views.resolve_view(synthetic, views.View("RU-TA", filters=flt, lang="ru"))
    ctx = context.make_context(rv, NOW, VERSION)
    ru = dict(metadata.metadata_rows(ctx, "ru"))
    assert ru["территория"] == "RU-TA: Республика Татарстан (субъект РФ)"
    assert ru["фильтр: Статус"] == "пилотный инновационный кластер"
    assert ru["фильтр: Сценарий"] == "Одинокий"
    assert ru["фильтр: Федеральный округ"] == "Приволжский федеральный округ"
    assert ru["фильтр: Уровень развития организации"] == "нет данных"
    assert ru["фильтр: Регион"] == "RU-TA"  # a code reads the same in both languages
    assert ru["фильтр: Наличие ТНК"] == "Со связями с ТНК"
    assert ru["данные"].startswith("СИНТЕТИЧЕСКИЕ ДАННЫЕ: Кластеры и связи с ТНК в этом экспорте")
    cls = rv.view_classification
    for i, label in enumerate(classify.class_labels(cls, rv.measure.decimals, "ru")):
        assert "," in label and "." not in label  # a decimal comma
        n = cls.counts()[i]
        assert ru[f"класс {i + 1}"] == f"{label} ({cls.colours[i]}; регионов в представлении: {n})"
    assert "Статус: пилотный инновационный кластер" in context.filters_text(rv, "ru")
    assert "region(s)" not in " ".join(ru.values()) and "requested" not in ru["классификация"]
    # English (GeoJSON, GPKG, CSV metadata.txt): fields and values as machines read them.
    en = dict(metadata.metadata_rows(ctx))
    assert en["territory"] == "RU-TA: Republic of Tatarstan (region)"
    assert en["filter: Status"] == "pilot innovative" and en["filter: Region"] == "RU-TA"
    assert en["filter: MNE presence"] == "With MNE links"
    assert en["data"].startswith("SYNTHETIC DATA: The clusters and MNE links of this export")
    assert en["coordinates"] == context.LONGITUDE_NOTE
    assert en["spreadsheet safety"] == formulas.FORMULA_NOTE
    assert en["classification"].endswith("computed over all 85 regions, as on the map")
    assert metadata.metadata_text(ctx) == "".join(f"{k}: {v}\n" for k, v in en.items())


# --- the full card and the member counts ---------------------------------------------------------


@pytest.fixture(scope="module")
def carded(data: Dataset) -> views.ResolvedView:
    """The Volga view with PIC-20's card filled in (a description that looks like a
    formula included)."""
    clusters = data.clusters.copy()
    kamsk = clusters["id"] == "PIC-20"
    card = {
        "founded_year": 2012.0,
        "website": "https://kamsk.example.ru",
        "description_en": "=1+2",
        "revenue_bln_rub": 12.5,
        "manager_inn": "7707083893",
        "field_sources": "website | site of the cluster | 2025-01-10",
    }
    for column, value in card.items():
        clusters.loc[kamsk, column] = value
    return views.resolve_view(dataclasses.replace(data, clusters=clusters), views.View("Volga"))


def test_cluster_tables_carry_the_card_and_member_counts(carded: views.ResolvedView) -> None:
    csv = _zip_tables(export(carded, "csv"))["clusters"].set_index("id")
    kamsk, other = csv.loc["PIC-20"], csv.drop(index="PIC-20").iloc[0]
    assert (kamsk["founded_year"], kamsk["revenue_bln_rub"]) == (2012, 12.5)
    assert kamsk["website"] == "https://kamsk.example.ru"
    assert kamsk["description_en"] == "'=1+2"  # formula-safe
    assert str(kamsk["manager_inn"]) == "7707083893"
    assert kamsk["field_sources"] == "website | site of the cluster | 2025-01-10"
    assert kamsk["participants_basis"] == "as reported"
    assert _same(kamsk["participants_reported"], kamsk["participants"])
    assert (other["website"], other["manager_name"]) == ("not reported", "not reported")
    assert math.isnan(other["founded_year"]) and math.isnan(other["employees"])
    row = carded.clusters.set_index("id").loc["PIC-20"]
    assert _same(kamsk["participants_listed"], row["participants_listed"])
    doc = json.loads(export(carded, "geojson"))
    props = next(f["properties"] for f in doc["features"] if f["properties"].get("id") == "PIC-20")
    assert props["founded_year"] == 2012 and props["website"] == "https://kamsk.example.ru"
    assert _same(props["participants_listed"], row["participants_listed"])
    assert _same(props["intl_members_reported"], row["intl_members_reported"])
    assert "column revenue_bln_rub" in doc["metadata"]
    assert "cluster card fields" in doc["metadata"]


def test_the_russian_workbook_names_the_card_columns(carded: views.ResolvedView, tmp_path) -> None:
    russian = dataclasses.replace(carded, view=dataclasses.replace(carded.view, lang="ru"))
    path = tmp_path / "ru.xlsx"
    path.write_bytes(export(russian, "xlsx"))
    book = openpyxl.load_workbook(path)
    sheets = book.sheetnames
    headers = [c.value for c in book[sheets[1]][1]]
    assert "Сайт" in headers and "Основа подсчёта участников" in headers
    fields = [row[0].value for row in book[sheets[0]].iter_rows()]
    assert "столбец revenue_bln_rub" in fields and "поля карточки кластера" in fields
