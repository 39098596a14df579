"""The map page under Streamlit's AppTest (no browser, no JavaScript).

``st_folium`` shows up as a component element whose ``json_args`` carry the base map's
``script``, the dynamic ``feature_group`` and the ``js_links``/``css_links`` the iframe
loads: the tests read what a filter changes there, and check that nothing leaves
localhost.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.analysis import filters, measures, ranks
from geo.render import classify, urlstate
from geo.render.exports import formats
from geo.render.leaflet import offline
from ui import navigation

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run_app(query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


MAP_KEYS = {*filters.QUERY_KEYS, *urlstate.VIEW_QUERY_KEYS, "panel"}


def map_params(at: AppTest) -> dict:
    """The map's own URL parameters (the language and dataset switches add theirs)."""
    return {k: v for k, v in at.query_params.items() if k in MAP_KEYS}


def map_args(at: AppTest) -> dict:
    components = at.get("component_instance")
    assert len(components) == 1, "the page shows exactly one map"
    return json.loads(components[0].proto.json_args)


def marker_ids(args: dict) -> list[str]:
    """Cluster ids of the markers in the dynamic layer."""
    match = re.search(r"var P = (\{.*?\}), K = ", args["feature_group"], re.S)
    assert match, "the dynamic layer holds the markers"
    return json.loads(match.group(1))["id"]


def expected_ids(data, params: dict[str, list[str]] | None = None) -> list[str]:
    flt = urlstate.filter_from_query_params(params or {})
    shown = filters.apply_filter(data.clusters, data.regions, flt)
    located = shown.loc[shown["lat"].notna() & shown["lon"].notna()]
    return sorted(located["id"])


def test_default_view_runs_and_loads_nothing_from_outside(data):
    at = run_app()
    args = map_args(at)
    assert args["returned_objects"] == ["last_active_drawing"]
    assert args["js_links"] and all(u.startswith("data:text/javascript") for u in args["js_links"])
    assert args["css_links"] and all(u.startswith("data:text/css") for u in args["css_links"])
    texts = [args["script"], args["header"], args["html"], args["feature_group"]]
    assert offline.external_urls(texts + args["js_links"] + args["css_links"]) == []
    assert "L.CRS.Simple" in args["script"]
    assert len(args["js_links"]) == 1, "Leaflet only: no jQuery, Bootstrap or d3"
    assert marker_ids(args) == expected_ids(data)
    assert map_params(at) == {}, "the default view keeps a plain URL"


def test_url_filters_change_the_markers_but_not_the_base_map(data):
    base = map_args(run_app())
    params = {"mne": ["with"]}
    at = run_app({"mne": "with"})
    args = map_args(at)
    assert marker_ids(args) == expected_ids(data, params)
    assert len(marker_ids(args)) < len(expected_ids(data))
    assert args["script"] == base["script"], "a filter must not rebuild the base map"
    assert args["feature_group"] != base["feature_group"]
    assert at.sidebar.radio(key="map_filter_mne").value == "with"


def test_several_url_filters_combine_and_round_trip(data):
    query = {"district": ["Central", "Volga"], "scenario": ["lonely", "potential"]}
    at = run_app(query)
    args = map_args(at)
    assert marker_ids(args) == expected_ids(data, query)
    assert at.sidebar.multiselect(key="map_filter_federal_district").value == ["Central", "Volga"]
    assert map_params(at) == query


def test_a_sidebar_widget_changes_the_markers_and_the_url(data):
    at = run_app()
    at.sidebar.multiselect(key="map_filter_status").set_value([filters.NOT_REPORTED]).run()
    assert not at.exception
    params = {"status": [filters.NOT_REPORTED]}
    assert marker_ids(map_args(at)) == expected_ids(data, params)
    assert map_params(at) == {"status": filters.NOT_REPORTED}


def test_reset_restores_every_cluster(data):
    at = run_app({"mne": "with", "industry": "IT and Electronics"})
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert marker_ids(map_args(at)) == expected_ids(data)
    assert map_params(at) == {}


def test_measure_and_classification_come_from_the_url_and_keep_the_base_map():
    base = map_args(run_app())
    at = run_app({"measure": "cluster_count", "scheme": "natural_breaks", "k": "4"})
    args = map_args(at)
    assert at.selectbox(key="map_measure").value == "cluster_count"
    assert at.selectbox(key="map_scheme").value == "natural_breaks"
    assert at.select_slider(key="map_k").value == 4
    label = measures.measure("cluster_count").label
    assert json.dumps(label)[1:-1] in args["feature_group"]
    assert args["script"] == base["script"], "the measure only restyles the regions"
    assert map_params(at) == {"measure": "cluster_count", "scheme": "natural_breaks", "k": "4"}


def test_bad_url_values_fall_back_to_defaults():
    at = run_app({"measure": "nope", "k": "99", "status": "bogus", "mne": "maybe"})
    assert at.selectbox(key="map_measure").value == measures.DEFAULT_MEASURE
    assert at.select_slider(key="map_k").value == classify.DEFAULT_CLASSES
    assert at.sidebar.multiselect(key="map_filter_status").value == []
    assert map_params(at) == {}
    toasts = [t.value.replace("\\", "") for t in at.toast]
    assert len(toasts) == 1, toasts
    for named in ("Status: 'bogus'", "Measure: 'nope'", "Classes: '99'"):
        assert named in toasts[0], toasts


def test_an_unknown_region_panel_in_the_url_is_named():
    at = run_app({"panel": "RU-XX"})
    assert at.session_state["map_panel"] is None
    assert [t.value.replace("\\", "") for t in at.toast] == [
        "Ignored in the URL: Region panel: 'RU-XX'"
    ]


def test_bad_url_values_are_named_in_russian_on_the_map():
    at = run_app(
        {"lang": "ru", "status": "[x](javascript:alert(1))", "data": "synthetic", "n": "0",
         "k": "9"}
    )  # fmt: skip
    toasts = [t.value.replace("\\", "") for t in at.toast]
    assert toasts == [
        "В адресе проигнорировано: Статус: «[x](javascript:alert(1))»; Классы: «9»"
    ], toasts
    assert "](javascript" not in at.toast[0].value  # escaped: never a link
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("параметр n должен быть целым числом от 1 до 20" in w for w in warnings), warnings
    assert any("а не «0». Показаны опубликованные данные." in w for w in warnings), warnings
    assert at.sidebar.multiselect(key="map_filter_status").value == []


def test_region_panel_opens_from_the_url():
    at = run_app({"panel": "RU-MOS"})
    headers = [h.value for h in at.header]
    assert any("Moscow Oblast" in h for h in headers)
    assert any("Rank" in m.value for m in at.markdown)
    assert map_params(at) == {"panel": "RU-MOS"}


def test_basemap_tiles_are_opt_in():
    at = run_app({"tiles": "1"})
    args = map_args(at)
    assert at.sidebar.checkbox(key="map_tiles").value is True
    assert "tile.openstreetmap.org" in args["script"]
    # Only the tiles the user asked for are remote; Leaflet itself stays local.
    assert offline.external_urls(args["js_links"] + args["css_links"]) == []


def test_filter_and_view_hold_when_coming_back_from_another_page(data):
    at = run_app({"status": filters.NOT_REPORTED, "measure": "cluster_count"})
    at.switch_page(navigation.file("data")).run()
    for key in list(at.query_params):  # navigation clears the URL
        del at.query_params[key]
    at.switch_page(navigation.file("map")).run()
    assert not at.exception
    params = {"status": [filters.NOT_REPORTED]}
    assert marker_ids(map_args(at)) == expected_ids(data, params)
    assert at.selectbox(key="map_measure").value == "cluster_count"
    assert map_params(at) == {"status": filters.NOT_REPORTED, "measure": "cluster_count"}


def test_a_filter_set_on_the_registry_holds_on_the_map(data):
    at = run_app()
    at.switch_page(navigation.file("registry")).run()
    at.sidebar.radio(key="registry_filter_mne").set_value("with").run()
    assert not at.exception
    for key in list(at.query_params):
        del at.query_params[key]
    at.switch_page(navigation.file("map")).run()
    assert not at.exception
    assert marker_ids(map_args(at)) == expected_ids(data, {"mne": ["with"]})
    assert at.sidebar.radio(key="map_filter_mne").value == "with"


def test_the_map_and_its_region_panel_offer_exports() -> None:
    """Both the whole view and an open region panel carry the export buttons, drawn once
    their (lazy) expanders are opened."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert not [b for b in at.button if (b.key or "").startswith("export_")]  # closed
    at.session_state["map_export_open"] = True
    at.run()
    whole = [b.label for b in at.button if (b.key or "").startswith("export_")]
    at.query_params["panel"] = "RU-TA"
    at.session_state["region_export_open"] = True
    at.run()
    assert not at.exception
    with_panel = [
        b.label for b in at.button if (b.key or "").startswith(("export_", "region_export_"))
    ]
    assert len(whole) == len(formats.FORMATS) and "Prepare CSV (zip)" in whole
    assert with_panel == 2 * whole
    # A file is made in the panel that asked for it only, and its download takes its place.
    at.button(key="region_export_csv_prepare").click().run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["CSV (zip)"]
    assert "Prepare CSV (zip)" in [b.label for b in at.button if b.key == "export_csv_prepare"]


# --- Russian (issue 9) ----------------------------------------------------------------------


def test_the_map_page_in_russian(data):
    """Sidebar, counts, legend, popups and the region panel follow lang=ru; the URL keeps
    the English filter values."""
    from geo.base import i18n

    _ = i18n.translator("ru")
    at = run_app({"lang": "ru", "panel": "RU-TA", "district": "Volga"})
    assert [h.value for h in at.sidebar.header][:1] == ["Фильтры"]
    labels = [m.label for m in at.sidebar.multiselect]
    assert "Отраслевая группа" in labels and "Регион" in labels
    region = at.sidebar.multiselect(key="map_filter_region")
    tatarstan = data.regions.set_index("code").at["RU-TA", "name_ru"]
    assert region.format_func("RU-TA").startswith(f"{tatarstan} (")
    district = at.sidebar.multiselect(key="map_filter_federal_district")
    assert district.value == ["Volga"], "the filter value stays English"
    assert district.format_func("Volga").startswith("Приволжский федеральный округ (")
    mne = at.sidebar.radio(key="map_filter_mne")
    assert mne.label == "Наличие ТНК" and mne.options == [
        "Любые",
        "Со связями с ТНК",
        "Без связей с ТНК",
    ]

    shown = filters.apply_filter(
        data.clusters, data.regions, filters.ClusterFilter(federal_district=("Volga",))
    )
    count = filters.count_text(len(shown), len(data.clusters), lang="ru")
    assert " из " in count and "кластер" in count
    assert any(count in m.value for m in at.sidebar.markdown)
    assert count in at.caption[0].value

    legend = map_args(at)["feature_group"]
    assert "Потенциальный" in legend and "Lonely" not in legend
    assert re.search(r"\d,\d\d – \d,\d\d", legend), "class bounds with a decimal comma"
    assert json.dumps(_("City"), ensure_ascii=False)[1:-1] in legend

    headers = [h.value for h in at.header]
    assert any(h.startswith(tatarstan) for h in headers), "the Russian name first"
    panel = next(d.value for d in at.dataframe if _("Measure") in d.value.columns)
    assert list(panel.columns) == [_("Measure"), "Значение", "Место", "Источник"]
    assert re.fullmatch(r"\d+,\d\d", panel["Значение"].iloc[0]), "a decimal comma"
    rank = ranks.rank_of(measures.measure_table(data)[measures.DEFAULT_MEASURE], "RU-TA")
    assert panel["Место"].iloc[0] == ranks.rank_text(rank, "ru")
    clusters = at.dataframe[-1].value
    assert "not reported" not in clusters.to_string()
    assert "нет данных" in clusters["Город"].tolist(), "a city the source does not report"
    assert map_params(at) == {"panel": "RU-TA", "district": "Volga"}


def test_switching_the_language_keeps_the_filters_and_the_view(data):
    at = run_app({"mne": "with", "measure": "cluster_count"})
    assert at.sidebar.radio(key="map_filter_mne").options[0] == "Any"
    at.sidebar.radio(key="lang_widget").set_value("ru").run()
    assert not at.exception
    assert at.query_params["lang"] == ["ru"] or at.query_params["lang"] == "ru"
    assert at.sidebar.radio(key="map_filter_mne").value == "with"
    assert at.sidebar.radio(key="map_filter_mne").options[0] == "Любые"
    assert at.selectbox(key="map_measure").value == "cluster_count"
    assert marker_ids(map_args(at)) == expected_ids(data, {"mne": ["with"]})


def test_the_map_shows_a_cluster_under_each_of_its_specialisations(data):
    """PIC-20 lists "Automotive components manufacturing; Downstream chemical products":
    the map's filter on either shows its marker, and the URL keeps the choice."""
    for value in ("Automotive components manufacturing", "Downstream chemical products"):
        query = {"specialisation": [value]}
        at = run_app(query)
        assert marker_ids(map_args(at)) == expected_ids(data, query) == ["PIC-20"]
        assert map_params(at) == {"specialisation": value}  # one value reads as a string
