"""The interactive map (geo.render.maps and its parts): projection, encoded shapes,
classification, legend, markers, offline HTML."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.analysis.dataset import Dataset
from geo.analysis.filters import ClusterFilter
from geo.render import (
    choropleth,
    classify,
    legend as map_legend,
    maps,
    markers,
    projection,
    shapes,
    urlstate,
    views,
)
from geo.render.leaflet import offline
from geo.render.palette import SCENARIO_COLOURS
from tests.support.datasets import small_dataset

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def regions() -> gpd.GeoDataFrame:
    """Two neighbouring squares in Siberia and one across the antimeridian (Chukotka-like)."""
    return gpd.GeoDataFrame(
        {
            "code": ["RU-A", "RU-B", "RU-C"],
            "name_en": [EVIL, "Bee Oblast", "Far Krai"],
            "name_ru": ["Эй", None, "Дальний край"],
            "type": ["oblast", "oblast", "krai"],
            "federal_district": ["Siberian", "Siberian", "Far Eastern"],
        },
        geometry=[
            shapely.box(90, 55, 95, 60),
            shapely.box(95, 55, 100, 60),
            shapely.box(178, 64, 185, 68),  # longitudes shifted +360 as in geo.data.regions
        ],
        crs="EPSG:4326",
    )


@pytest.fixture
def clusters() -> pd.DataFrame:
    nan = math.nan
    return pd.DataFrame(
        {
            "id": ["c2", "c1", "c3", "c 4", "c5"],
            "name_en": [EVIL, "One", None, "Four", "Five"],
            "name_ru": [None, None, "Три", None, None],
            "city": ["Town", None, "Town", "Town", None],
            "region_code": ["RU-A", "RU-A", "RU-B", "RU-A", None],
            "industry_group": ["IT and Electronics", None, "New Materials", None, None],
            "specialisation": ["Software", None, None, None, None],
            "org_level": ["high", None, None, None, None],
            "status": ["none", "pilot innovative", None, None, None],
            "scenario": ["lonely", None, "supported", "late", "potential"],
            "mne_count": [2, 0, nan, 1, 0],
            "cluster_index": [0.8765, nan, 1.2, nan, nan],
            "index_published": [0.9, nan, nan, nan, nan],
            "lat": [57.0, 58.0, 57.0, 57.0, nan],
            "lon": [92.0, 93.0, 92.0, 92.0, nan],
            "location_basis": ["city (GeoNames)", "region point", "city", "city", None],
        }
    )


def dataset(regions, clusters) -> Dataset:
    return small_dataset(
        regions=regions,
        clusters=clusters,
        mne_links=pd.DataFrame({"link_id": ["l1"], "cluster_id": ["c2"]}),
        indicators=pd.DataFrame(
            {
                "region_code": ["RU-A", "RU-B"],
                "fdi_per_capita": [1.0, 2.0],
                "trade_turnover_per_capita": [1.0, 2.0],
                "trade_surplus_per_capita": [1.0, 2.0],
                "foreign_owned_companies": [1.0, 2.0],
            }
        ),
    )


# --- projection and encoding ----------------------------------------------------------------


def test_albers_puts_the_central_meridian_at_x_zero_and_north_up():
    x, y = projection.to_map_coordinates([100.0, 100.0, 120.0], [50.0, 60.0, 60.0], "albers")
    assert x[0] == pytest.approx(0.0, abs=1e-9) and x[1] == pytest.approx(0.0, abs=1e-9)
    assert y[1] > y[0] and x[2] > 0
    # 10 degrees of latitude are about 1,110 km = 11.1 map units.
    assert y[1] - y[0] == pytest.approx(11.1, rel=0.02)


def test_mercator_keeps_chukotka_east_of_180():
    x, _ = projection.to_map_coordinates([-170.0, 190.0, 30.0], [65.0, 65.0, 55.0], "mercator")
    assert list(x) == [190.0, 190.0, 30.0]
    with pytest.raises(ValueError, match="unknown projection"):
        projection.to_map_coordinates([0.0], [0.0], "robinson")  # type: ignore[arg-type]


def test_encoded_rings_round_trip_on_the_grid():
    ring = np.array([[0.0, 0.0], [1.234, -5.678], [1.234, -5.678], [10.0, 3.0], [0.0, 0.0]])
    decoded = shapes.decode_ring(shapes.encode_ring(ring, 2), 2)
    assert decoded.tolist() == [[0.0, 0.0], [1.23, -5.68], [10.0, 3.0]], (
        "repeated and closing vertices are dropped, the rest rounded to 0.01"
    )


def test_compact_json_cannot_end_a_script_or_open_a_template():
    text = shapes.compact_json({"a": "</script>", "b": "{{x}} {%y%} {#z#}"})
    assert "</" not in text and "{{" not in text and "{%" not in text and "{#" not in text
    assert json.loads(text) == {"a": "</script>", "b": "{{x}} {%y%} {#z#}"}


def test_region_payload_keeps_codes_escapes_names_and_shares_borders(regions):
    payload = shapes.region_payload(regions, "albers")
    data = json.loads(payload.json)
    assert [r["c"] for r in data["r"]] == ["RU-A", "RU-B", "RU-C"]
    assert "<script>" not in payload.json and "&lt;script&gt;" in data["r"][0]["n"]
    assert payload.regions == 3 and payload.vertices == 12
    a = {tuple(p) for p in shapes.decode_ring(data["r"][0]["g"][0][0], data["d"]).tolist()}
    b = {tuple(p) for p in shapes.decode_ring(data["r"][1]["g"][0][0], data["d"]).tolist()}
    assert len(a & b) == 2, "the shared edge has the same two vertices in both regions"
    (south, west), (north, east) = payload.bounds
    assert south < north and west < east
    # Across the antimeridian the region stays one piece east of the others.
    c = shapes.decode_ring(data["r"][2]["g"][0][0], data["d"])
    assert c[:, 0].min() > max(p[0] for p in a | b)


# --- classification -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", list(classify.SCHEMES))
def test_classes_cover_the_data_and_no_data_stays_apart(scheme):
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 10.0, 20.0, math.nan], index=list("abcdefg"))
    c = classify.classify(values, scheme, 3)
    assert c.k == 3 and len(c.colours) == 3
    assert c.classes["g"] == -1 and c.no_data == 1
    assert c.colour_of("g") is None
    assert sum(c.counts()) == 6
    assert c.classes["a"] == 0 and c.classes["f"] == 2
    assert list(c.classes.drop("g")) == sorted(c.classes.drop("g")), "monotone in the value"
    assert c.bins[-1] == 20.0
    assert classify.NO_DATA_FILL not in c.colours


def test_equal_interval_and_quantiles_split_differently():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 100.0])
    eq = classify.classify(values, "equal_interval", 3)
    qu = classify.classify(values, "quantiles", 3)
    assert eq.counts() == [5, 0, 1]
    assert qu.counts() == [2, 2, 2]


def test_fewer_distinct_values_than_classes_merge_classes():
    values = pd.Series([0.0, 0.0, 0.0, 1.0, 1.0])
    c = classify.classify(values, "quantiles", 5)
    assert c.k == 2 and c.k_requested == 5
    assert c.counts() == [3, 2]
    assert classify.class_labels(c, 0) == ["0", "1"]


def test_all_missing_gives_no_classes_and_unknown_scheme_fails():
    c = classify.classify(pd.Series([math.nan, math.nan], index=["a", "b"]))
    assert c.k == 0 and c.no_data == 2
    with pytest.raises(ValueError, match="unknown scheme 'jenks'"):
        classify.classify(pd.Series([1.0]), "jenks")


def test_palette_is_sequential_light_to_dark():
    for k in range(1, classify.MAX_CLASSES + 1):
        colours = classify.sequential_colours(k)
        assert len(colours) == k
        luminance = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
        assert luminance == sorted(luminance, reverse=True)


# --- view in the URL ------------------------------------------------------------------------


def test_view_round_trips_through_the_url_and_defaults_stay_out():
    view = views.View(measure="cluster_count", scheme="natural_breaks", k=4, tiles=True)
    params = urlstate.view_to_query_params(view)
    assert params == {
        "measure": ["cluster_count"],
        "scheme": ["natural_breaks"],
        "k": ["4"],
        "tiles": ["1"],
    }
    assert urlstate.view_from_query_params(params) == view
    assert urlstate.view_to_query_params(views.View()) == {}
    assert view.projection == "mercator" and views.View().projection == "albers"


def test_bad_view_values_fall_back_to_defaults():
    bad = {"measure": "nope", "scheme": "x", "k": ["99"], "tiles": "0"}
    assert urlstate.view_from_query_params(bad) == views.View()
    assert urlstate.view_from_query_params({"k": "-3"}).k == classify.DEFAULT_CLASSES


# --- region styles and legend ---------------------------------------------------------------


def test_region_tooltips_escape_names_and_give_value_and_rank(regions):
    values = pd.Series({"RU-A": 2.0, "RU-B": 5.0, "RU-C": math.nan})
    c = classify.classify(values, "quantiles", 3)
    styles = choropleth.region_styles(values, c, regions, "cluster_count")
    assert styles["RU-C"][0] is None, "no data: the hatch, not a class colour"
    assert styles["RU-B"][0] == c.colours[-1]
    tip_a = styles["RU-A"][1]
    assert "<script>" not in tip_a and "&lt;script&gt;" in tip_a
    assert "Эй" in tip_a and "(rank 2 of 2)" in tip_a
    assert "no data" in styles["RU-C"][1] and "rank" not in styles["RU-C"][1]


def test_legend_names_classes_no_data_scenarios_and_mne_encoding():
    values = pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": math.nan})
    c = classify.classify(values, "equal_interval", 3)
    counts = {"lonely": 2, "potential": 1}
    legend = map_legend.legend_html("cluster_count", c, counts)
    assert "Equal interval, 3 classes" in legend
    assert legend.count('class="cm-sw"') == 3 and "cm-nodata" in legend
    assert "No data" in legend and '<span class="cm-n">(1)</span>' in legend
    for label in ("Supported", "Lonely", "Late", "Potential", "Not assessed"):
        assert label in legend
    assert "Lonely<span" in legend and "(2)" in legend
    assert map_legend.LEGEND_TEXT["mne"] in legend
    assert map_legend.LEGEND_TEXT["group"] not in legend
    grouped = map_legend.legend_html("cluster_count", c, counts, True)
    assert map_legend.LEGEND_TEXT["group"] in grouped


# --- markers --------------------------------------------------------------------------------


def test_cluster_points_are_compact_escaped_and_leave_out_unlocated(clusters, regions):
    points = markers.cluster_points(clusters, regions)
    assert points["id"] == ["c 4", "c1", "c2", "c3"], "sorted by id, c5 has no location"
    assert markers.point_count(points) == 4
    assert points["t"][2] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert points["t"][3] == "Три", "the Russian name when there is no English one"
    order = list(SCENARIO_COLOURS)
    assert [order[s] for s in points["s"]] == ["late", "not assessed", "lonely", "supported"]
    assert points["m"] == [1, 0, 2, 0], "a missing MNE count is no link"
    assert points["lk"]["city"] == ["Town"] and points["c"] == [0, -1, 0, 0]
    assert points["lk"]["region"] == ["RU-A", "RU-B"]
    assert points["lk"]["regionName"][0] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert points["g"][1] == -1 and points["st"][0] == -1, "-1 = not reported"
    assert points["i"] == [None, None, 0.88, 1.2]
    assert points["ip"] == {"2": 0.9}
    assert points["b"] == [1, 2, 1, 1]
    assert points["q"] == {"0": "c%204"}, "ids that need quoting in the profile URL"
    # Three clusters share the Town point: they are spread on a ring, c1 stays put.
    assert set(points["o"]) == {"0", "2", "3"}
    text = shapes.compact_json(points)
    assert "<script>" not in text


def test_many_points_are_grouped_in_the_browser_so_no_offsets(monkeypatch, clusters, regions):
    monkeypatch.setattr(markers, "GROUP_ABOVE", 2)
    points = markers.cluster_points(clusters, regions)
    assert points["o"] == {}


def test_records_convert_to_columns_with_their_own_popups(clusters, regions):
    records = markers.cluster_payload(clusters, regions)
    assert [r["id"] for r in records] == ["c 4", "c1", "c2", "c3"]
    columns = markers.points_from_records(records)
    assert columns["p"] == [r["p"] for r in records]
    assert columns["x"] == markers.cluster_points(clusters, regions)["x"]
    assert columns["s"] == markers.cluster_points(clusters, regions)["s"]
    assert markers.point_count(records) == 4


def test_popup_escapes_data_says_not_reported_and_links_the_profile(clusters):
    row = clusters.iloc[0].to_dict()
    popup = markers.popup_html(row, {"RU-A": "Ay Oblast"})
    assert "<script>" not in popup and "&lt;script&gt;" in popup
    assert "<td>0.88 (published 0.9)</td>" in popup
    assert "<td>Ay Oblast</td>" in popup
    assert 'href="/cluster?id=c2"' in popup
    assert markers.POPUP_TEXT["noteCity"] in popup
    other = markers.popup_html(clusters.iloc[3].to_dict(), {})
    assert 'href="/cluster?id=c%204"' in other
    assert "<th>Industry group</th><td>not reported</td>" in other
    assert "<th>Internationalisation index</th><td>not reported</td>" in other


def test_marker_offsets_spread_shared_points_only():
    offsets = markers.marker_offsets([(0, 0), (1, 1), (0, 0), (0, 0), (0, 0)])
    assert offsets[1] == (0.0, 0.0)
    shared = [offsets[i] for i in (0, 2, 3, 4)]
    assert len(set(shared)) == 4
    assert all(math.hypot(*o) == pytest.approx(markers.RING_PX, abs=0.1) for o in shared)
    assert shared[0] == (0.0, -markers.RING_PX), "the first at the top"


# --- whole map ------------------------------------------------------------------------------


def test_map_html_is_offline_and_escaped(clusters, regions):
    data = dataset(regions, clusters)
    page = maps.build_map_html(data, views.View(measure="cluster_count"))
    assert offline.external_urls([page]) == []
    assert not re.search(r"https?://(?!localhost|127\.0\.0\.1)", page.split("base64,")[0])
    assert "L.CRS.Simple" in page and "cdn" not in page.lower().replace("cdnjs", "")
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    assert EVIL not in page and "<script>alert" not in page
    assert "Cluster initiatives in the registry" in page


def test_a_filter_changes_only_the_dynamic_layer(clusters, regions):
    data = dataset(regions, clusters)
    payload = shapes.region_payload(regions)
    assets = offline.leaflet_assets()
    everything = maps.build_map_html(data, payload=payload, assets=assets)
    view = views.View(filters=ClusterFilter(mne="with"))
    some = maps.build_map_html(data, view, payload=payload, assets=assets)
    base = maps.standalone_html(maps.base_map(payload, assets))

    def ids(page: str) -> list[str]:
        match = re.search(r"var P = (\{.*?\}), K = ", page, re.S)
        assert match
        return json.loads(match.group(1))["id"]

    assert ids(everything) == ["c 4", "c1", "c2", "c3"]
    assert ids(some) == ["c 4", "c2"]
    script = re.compile(r"var payload = .*?;")
    assert script.search(everything).group(0) == script.search(base).group(0)


def test_tiles_are_opt_in_and_the_only_remote_thing(regions):
    payload = shapes.region_payload(regions, "mercator")
    page = maps.standalone_html(maps.base_map(payload, offline.leaflet_assets()))
    assert "tile.openstreetmap.org" in page
    assert all("openstreetmap" in u for u in offline.external_urls([page]))


def test_leaflet_is_embedded_as_data_urls():
    assets = offline.leaflet_assets()
    assert assets.js.startswith("data:text/javascript;base64,")
    assert assets.css.startswith("data:text/css;base64,")


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("data:text/css;base64,AA", True),
        ("#cm-hatch", True),
        ("/cluster?id=x", True),
        ("http://localhost:8501/x", True),
        ("http://127.0.0.1/x", True),
        ("https://cdn.jsdelivr.net/npm/leaflet.js", False),
        ("//unpkg.com/leaflet", False),
    ],
)
def test_local_urls(url, local):
    assert offline.is_local_url(url) is local


def test_external_urls_finds_attributes_and_css():
    text = '<script src="https://cdn.example/x.js"></script><a href="/ok">'
    css = "a { background: url('https://img.example/i.png') }"
    assert offline.external_urls([text, css, "https://x.example/y.js", "data:abc"]) == [
        "https://cdn.example/x.js",
        "https://img.example/i.png",
        "https://x.example/y.js",
    ]


def test_profile_links_can_be_left_out_of_the_popups(clusters, regions):
    points = markers.cluster_points(clusters, regions)
    with_links = maps.standalone_html(
        maps.base_map(shapes.region_payload(regions), offline.leaflet_assets()),
        maps.dynamic_layer({}, "", points),
    )
    without = maps.standalone_html(
        maps.base_map(shapes.region_payload(regions), offline.leaflet_assets()),
        maps.dynamic_layer({}, "", points, profile_links=False),
    )
    assert '"profile":"/cluster?id="' in with_links
    assert '"profile":null' in without and "/cluster?id=" not in without


# --- Russian (issue 9) ----------------------------------------------------------------------


def _ru(message: str) -> str:
    from geo.base import i18n

    return i18n.translator("ru")(message)


def test_legend_in_russian_has_russian_labels_and_a_decimal_comma():
    from geo.analysis import measures
    from geo.base import i18n

    values = pd.Series({"a": 0.125, "b": 1.5, "c": 1234.5, "d": math.nan})
    c = classify.classify(values, "equal_interval", 3)
    counts = {"lonely": 2, "potential": 1}
    legend = map_legend.legend_html("fea_index", c, counts, lang="ru")
    for scenario in ("Поддержанный", "Одинокий", "Запоздалый", "Потенциальный", "Не оценён"):
        assert scenario in legend
    assert "Одинокий<span" in legend and "Lonely" not in legend
    assert "0,12 – " in legend and "1\u202f234,50" in legend, "decimal comma, thin space"
    assert not re.search(r"\d\.\d\d", legend), "no decimal point in Russian"
    assert _ru(map_legend.LEGEND_TEXT["no_data"]) in legend
    classes = _ru(map_legend.LEGEND_TEXT["classes"])
    assert classes.format(scheme=_ru("Equal interval"), k=3) in legend
    assert i18n.scenario_label("lonely", "ru") in legend, "the scenario's legend text as title"
    assert html.escape(measures.measure_label("fea_index", "ru")) in legend
    english = map_legend.legend_html("fea_index", c, counts)
    assert "1\u202f234.50" in english and "Lonely<span" in english, "English unchanged"


def test_class_labels_follow_the_language():
    c = classify.classify(pd.Series([0.5, 1500.25, 3000.0]), "equal_interval", 3)
    assert classify.class_labels(c, 2)[0] == "0.50 – 1\u202f000.33"
    assert classify.class_labels(c, 2, "ru")[0] == "0,50 – 1\u202f000,33"
    counts = classify.classify(pd.Series([0.0, 2000.0, 4000.0]), "equal_interval", 2)
    assert classify.class_labels(counts, 0, "ru")[-1] == "2\u202f001 – 4\u202f000"


def test_russian_markers_tooltips_and_popups(clusters, regions):
    from geo.base import i18n

    vocab = i18n.VocabularyLabels(
        english={("industry_group", "IT and Electronics"): "IT and Electronics"},
        russian={("industry_group", "IT and Electronics"): "ИТ и электроника"},
    )
    points = markers.cluster_points(clusters, regions, lang="ru", labels=vocab)
    assert points["t"][3] == "Три" and points["t"][1] == "One", "English when no Russian name"
    assert points["lk"]["regionName"] == ["Эй", "Bee Oblast"], "Russian region names first"
    assert points["lk"]["industry"] == ["ИТ и электроника", "New Materials"]
    assert markers.cluster_points(clusters, regions)["lk"]["regionName"][1] == "Bee Oblast"

    row = clusters.iloc[0].to_dict()
    popup = markers.popup_html(row, {"RU-A": "Эй"}, lang="ru", labels=vocab)
    assert f"<td>0,88 ({_ru('published')} 0,9)</td>" in popup
    assert "<td>Одинокий</td>" in popup and "<td>ИТ и электроника</td>" in popup
    assert f"<th>{_ru('Internationalisation index')}</th>" in popup
    assert "<script>" not in popup
    other = markers.popup_html(clusters.iloc[3].to_dict(), {}, lang="ru")
    assert f"<th>{_ru('Industry group')}</th><td>нет данных</td>" in other

    values = pd.Series({"RU-A": 2.0, "RU-B": 5.0, "RU-C": math.nan})
    c = classify.classify(values, "quantiles", 3)
    styles = choropleth.region_styles(values, c, regions, "cluster_count", lang="ru")
    assert styles["RU-C"][1].startswith("<b>Дальний край</b><br>Far Krai")
    assert "<b>Bee Oblast</b>" in styles["RU-B"][1], "no Russian name: the English one"
    assert (
        _ru(choropleth.REGION_TEXT["rank"]).format(
            rank=_ru("{rank} of {of}").format(rank="2", of="2")
        )
        in styles["RU-A"][1]
    )

    layer = maps.dynamic_layer({}, "", points, lang="ru")
    html_text = maps.standalone_html(
        maps.base_map(shapes.region_payload(regions), offline.leaflet_assets()), layer
    )
    assert '"decimal":","' in html_text and "Потенциальный" in html_text
    assert f'"city":"{_ru("City")}"' in html_text


def test_view_problems_name_what_the_url_view_could_not_use() -> None:
    good = {"measure": "cluster_count", "scheme": "quantiles", "k": "4"}
    assert urlstate.view_problems(good) == []
    assert urlstate.view_problems({}) == []
    assert urlstate.view_problems({"measure": ["nope"], "scheme": "x<y", "k": "99"}) == [
        "Measure: 'nope'",
        "Classification: 'x<y'",
        "Classes: '99'",
    ]
    assert urlstate.view_problems({"k": "two"}, "ru") == ["Классы: «two»"]


# --- the map's JavaScript files ------------------------------------------------------------------


def test_map_scripts_are_valid_javascript_files_of_the_package(regions, clusters) -> None:
    """The scripts are package files (shipped by pyproject's package-data) that parse as
    JavaScript as they are; their header stays out of the page, every placeholder is
    filled in."""
    import shutil
    import subprocess
    from importlib import resources

    files = sorted(p.name for p in resources.files("geo.render.leaflet").iterdir())
    assert {"regions.js", "style.js", "clusters.js", "map.css"} <= set(files)
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"geo.render.leaflet" = ["*.js", "*.css"]' in pyproject
    node = shutil.which("node")
    for name in ("regions.js", "style.js", "clusters.js"):
        assert not offline.package_text(name).startswith("/**"), "header not sent"
        if node:
            path = resources.files("geo.render.leaflet") / name
            subprocess.run([node, "--check", str(path)], check=True, capture_output=True)
    page = maps.build_map_html(dataset(regions, clusters))
    assert "/*@" not in page and "This header is not sent" not in page
    assert "${" not in page


def test_a_script_with_jinja_syntax_is_refused(monkeypatch) -> None:
    from geo.render.leaflet import elements

    monkeypatch.setattr(elements, "package_text", lambda name: "var a = {{ b }};\n")
    with pytest.raises(ValueError, match="Jinja"):
        elements.script_template("x.js")
