"""The browse-and-analyse pages under Streamlit's AppTest: registry, cluster and region
profiles, MNE analysis and comparison.

Every page runs with and without filters, for a unit with full data and one with almost
none, and for an unknown id; data text never becomes markup, and nothing the pages render
points outside the app. The MNE page's numbers are checked in ``test_mne.py``.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo.analysis import filters
from geo.registry import store
from geo.render import urlstate
from ui import navigation

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
TIMEOUT = 120
FULL_CLUSTER, EMPTY_CLUSTER = "PIC-01", "P003-05"
FULL_REGION, EMPTY_REGION = "RU-TA", "RU-CHU"
PAGES = ("registry", "cluster", "region", "mne", "compare")
FILTER = {"industry": ["Nuclear industries"], "status": ["pilot innovative"]}
"""A filter in the map's URL form (the registry's too)."""
TEXT_TYPES = ("title", "header", "subheader", "markdown", "caption", "error", "warning",
              "info", "success", "exception")  # fmt: skip
ENGLISH = {"lang": "en"}
"""The tests read English labels, whatever the interface's default language."""
URL = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}", re.I)


def open_page(page: str, query: dict | None = None, at: AppTest | None = None) -> AppTest:
    """Open the page ``page`` of :data:`ui.navigation.PAGES` with ``query`` as the only URL
    parameters (as navigating does in a browser) and run it; fails on any exception."""
    at = at or AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(navigation.file(page))
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in {**ENGLISH, **(query or {})}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    """Every piece of text the page renders as Markdown (titles, captions, alerts, ...)."""
    out = []
    for kind in TEXT_TYPES:
        out += [str(e.value) for e in at.get(kind)]
    out += [str(m.label) for m in at.metric] + [str(m.value) for m in at.metric]
    return out


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert found, f"no table with columns {columns}"
    return found[0]


def param(at: AppTest, key: str) -> list[str]:
    """A URL parameter's values (AppTest keeps one value as a string)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# --- every page, with and without filters ---------------------------------------------------------

UNITS = {
    "registry": [{}],
    "cluster": [{"id": FULL_CLUSTER}, {"id": EMPTY_CLUSTER}, {}],
    "region": [{"code": FULL_REGION}, {"code": EMPTY_REGION}, {}],
    "mne": [{}],
    "compare": [
        {"kind": "clusters", "unit": [FULL_CLUSTER, EMPTY_CLUSTER]},
        {"kind": "regions", "unit": [FULL_REGION, EMPTY_REGION, "RU-MOW", "RU-KLU"]},
        {},
    ],
}
CASES = [
    pytest.param(page, {**unit, **flt}, id=f"{page}-{'-'.join(map(str, unit.values())) or 'none'}"
                 + ("-filtered" if flt else ""))
    for page in PAGES
    for unit in UNITS[page]
    for flt in ({}, FILTER)
]  # fmt: skip


@pytest.mark.parametrize(("page", "query"), CASES)
def test_page_runs(page, query):
    at = open_page(page, query)
    assert at.title, "every page has a title"
    assert not at.error, [e.value for e in at.error]


# --- registry -------------------------------------------------------------------------------------


def registry_ids(at: AppTest) -> list[str]:
    return frame_with(at, "ID", "Profile")["ID"].tolist()


def test_registry_lists_every_cluster_with_a_profile_link(data):
    at = open_page("registry")
    table = frame_with(at, "ID", "Profile")
    assert sorted(table["ID"]) == sorted(data.clusters["id"])
    assert (table["Profile"] == "/cluster?id=" + table["ID"]).all()
    assert metrics(at)["Clusters shown"] == str(len(data.clusters))
    assert any("30 of 30 clusters" in t for t in texts(at))
    missing = table.set_index("ID").loc[EMPTY_CLUSTER]
    assert missing["Region"] == "not reported" and missing["Industry group"] == "not reported"


def test_registry_applies_the_map_filter_from_the_url(data):
    at = open_page("registry", FILTER)
    expected = filters.apply_filter(
        data.clusters, data.regions, urlstate.filter_from_query_params(FILTER)
    )
    assert sorted(registry_ids(at)) == sorted(expected["id"])
    assert metrics(at)["Clusters shown"] == str(len(expected))
    assert at.multiselect[0].value == FILTER["industry"]


def test_registry_search_in_russian_and_by_region():
    assert registry_ids(open_page("registry", {"q": "Камский"})) == ["PIC-20"]
    assert registry_ids(open_page("registry", {"q": "tatarstan"})) == ["PIC-20"]
    at = open_page("registry", {"q": "zzz no match"})
    assert at.info and metrics(at)["Clusters shown"] == "0"


def test_registry_sorts_by_index_descending(data):
    at = open_page("registry", {"sort": "index", "desc": "1"})
    table = frame_with(at, "ID", "Index (recomputed)")
    values = table["Index (recomputed)"].dropna().tolist()
    assert values == sorted(values, reverse=True)
    assert table["Index (recomputed)"].isna().sum() == data.clusters["cluster_index"].isna().sum()
    assert table["Index (recomputed)"].iloc[-1] != table["Index (recomputed)"].iloc[-1]  # NaN last


def test_registry_widgets_write_the_url():
    at = open_page("registry")
    at.text_input[0].input("dubna").run()
    at.selectbox[0].set_value("name").run()
    assert registry_ids(at) == ["PIC-01"]
    assert param(at, "q") == ["dubna"] and param(at, "sort") == ["name"]


def test_registry_ignores_unknown_url_values_with_a_message():
    at = open_page("registry", {"status": ["no such status"], "sort": "bogus"})
    assert at.warning and "no such status" in at.warning[0].value
    assert len(registry_ids(at)) == 30


def test_url_problems_read_in_russian_with_the_url_values_literal():
    """A bad filter value and sort key, in Russian: each named in the page's language, the
    URL's text shown as given (escaped, so never markup). (The dataset parameters' message
    comes from the entry point: ``test_app_map.py`` has it.)"""
    at = open_page("registry", {"lang": "ru", "status": ["**нет** такого"], "sort": "bogus"})
    shown = [w.value.replace("\\", "") for w in at.warning]
    assert shown == [
        "В адресе проигнорировано (нет такого варианта): Статус: «**нет** такого»; "
        "сортировка: «bogus»"
    ]
    assert "**нет**" not in at.warning[0].value  # escaped: no bold
    assert len(registry_ids(at)) == 30


def test_map_filter_holds_on_the_registry_after_navigation(data):
    """The map stores its URL in the session; the registry, opened with a clean URL (as a
    browser's page navigation leaves it), takes that filter."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in {**ENGLISH, **FILTER}.items():
        at.query_params[key] = value
    at.run()  # the map, the default page
    assert not at.exception
    at = open_page("registry", at=at)
    expected = filters.apply_filter(
        data.clusters, data.regions, urlstate.filter_from_query_params(FILTER)
    )
    assert sorted(registry_ids(at)) == sorted(expected["id"])


def test_registry_filter_survives_a_visit_to_another_page():
    at = open_page("registry", {"status": ["not reported"]})
    assert len(registry_ids(at)) == 5
    open_page("cluster", {"id": FULL_CLUSTER}, at=at)
    at = open_page("registry", at=at)
    assert len(registry_ids(at)) == 5
    assert param(at, "status") == ["not reported"]


def test_registry_filter_holds_on_the_map_after_navigation():
    at = open_page("registry", {"status": ["not reported"]})
    at.switch_page(navigation.file("map"))
    for key in list(at.query_params):
        del at.query_params[key]
    at.run()
    assert at.session_state["map_url"].get("status") == ["not reported"]


# --- cluster profile ------------------------------------------------------------------------------


def test_cluster_profile_with_full_data():
    at = open_page("cluster", {"id": FULL_CLUSTER})
    assert at.title[0].value.startswith("Nuclear and nanotechnology cluster")
    subheaders = [s.value for s in at.header]
    for block in ("General data", "Cluster priorities", "Management", "Members",
                  "Partners and projects", "Location"):  # fmt: skip
        assert block in subheaders
    general = frame_with(at, "Field", "Value").set_index("Field")["Value"]
    assert general["City"] == "Dubna"
    indicators = frame_with(at, "Indicator", "Group maximum")
    assert indicators["Value"].tolist() == ["0", "1.2", "1177", "1.9"]
    m = metrics(at)
    assert m["Published index (002 Table 5)"] == "1.1"
    assert m["Rank in its industry group"] == "3 of 4"
    assert len(at.get("image")) == 1
    assert any("Lonely" in t for t in texts(at))  # the scenario


def test_cluster_profile_with_almost_no_data():
    at = open_page("cluster", {"id": EMPTY_CLUSTER})
    assert at.title[0].value == "Уральский машиностроительный кластер"
    m = metrics(at)
    assert m["Internationalisation index (recomputed)"] == "not assessed"
    assert m["Published index (002 Table 5)"] == "not reported"
    assert set(frame_with(at, "Indicator", "Group maximum")["Value"]) == {"not reported"}
    assert any("Not assessed" in i.value for i in at.info)
    assert any("No MNE is linked" in i.value for i in at.info)
    assert len(at.get("image")) == 1  # Russia without a highlight


def test_cluster_profile_lists_its_mne_links():
    at = open_page("cluster", {"id": "PIC-20"})
    links = frame_with(at, "MNE", "Presence")
    assert len(links) == 6 and "Ford" in set(links["MNE"])
    assert metrics(at)["MNE links"] == "6"


def test_unknown_cluster_gets_a_message_not_an_exception():
    at = open_page("cluster", {"id": "NOPE-99"})
    assert at.error and "NOPE" in at.error[0].value
    assert not at.dataframe


def test_cluster_picker_sets_the_url():
    at = open_page("cluster", {})
    assert at.info
    at.selectbox[0].set_value("PIC-10").run()
    assert param(at, "id") == ["PIC-10"]
    assert "Pharmaceutical" in at.title[0].value


# --- region profile -------------------------------------------------------------------------------


def test_region_profile_with_full_data():
    at = open_page("region", {"code": FULL_REGION})
    assert "Republic of Tatarstan" in at.title[0].value
    m = metrics(at)
    assert m["FEA index (published, 002 Table 6)"] == "0.79"
    assert m["Rank among the regions with data"] == "4 of 19"
    assert m["Clusters declared here"] == "1"
    clusters = frame_with(at, "ID", "Scenario")
    assert clusters["ID"].tolist() == ["PIC-20"]
    assert len(frame_with(at, "MNE", "Presence")) == 6
    assert any("Volga" in t for t in texts(at))  # federal district
    assert len(at.get("image")) == 1


def test_region_profile_with_almost_no_data():
    at = open_page("region", {"code": EMPTY_REGION})
    assert "Chukotka" in at.title[0].value
    assert metrics(at)["FEA index (recomputed)"] == "not reported"
    infos = " ".join(i.value for i in at.info)
    assert "19" in infos and "No cluster" in infos and "No MNE" in infos


def test_region_code_in_lower_case_and_unknown_code():
    assert "Tatarstan" in open_page("region", {"code": "ru-ta"}).title[0].value
    at = open_page("region", {"code": "RU-ZZ"})
    assert at.error and "RU" in at.error[0].value


# --- compare --------------------------------------------------------------------------------------


def test_compare_clusters_side_by_side():
    at = open_page("compare", {"kind": "clusters", "unit": [FULL_CLUSTER, EMPTY_CLUSTER]})
    table = at.dataframe[0].value
    assert list(table.columns) == [FULL_CLUSTER, EMPTY_CLUSTER]
    assert table.loc["Scenario", EMPTY_CLUSTER] == "not assessed"
    assert len(at.get("vega_lite_chart")) == 1


def test_compare_regions_side_by_side():
    at = open_page("compare", {"kind": "regions", "unit": [FULL_REGION, EMPTY_REGION]})
    table = at.dataframe[0].value
    assert table.loc["FEA index (published)", FULL_REGION] == "0.79"
    assert table.loc["FEA index (published)", EMPTY_REGION] == "not reported"


def test_compare_opens_on_the_regions_with_the_highest_index():
    at = open_page("compare")
    table = at.dataframe[0].value
    assert list(table.columns) == ["RU-MOW", "RU-KLU", "RU-SPE"]  # FEA index 002 Table 6
    assert any("highest recomputed FEA index" in c.value for c in at.caption)
    assert at.query_params["unit"] == ["RU-MOW", "RU-KLU", "RU-SPE"]


def test_compare_needs_two_and_names_unknown_units():
    at = open_page("compare", {"kind": "clusters", "unit": [FULL_CLUSTER, "NOPE"]})
    assert at.warning and "NOPE" in at.warning[0].value
    assert at.info and not at.dataframe  # one unit left: asks for a second
    at = open_page("compare", {"kind": "planets"})
    assert at.warning and "planets" in at.warning[0].value


# --- no network -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("registry", {}),
        ("cluster", {"id": "PIC-20"}),
        ("region", {"code": FULL_REGION}),
        ("mne", {}),
        ("compare", {"kind": "regions", "unit": [FULL_REGION, "RU-KLU"]}),
    ],
)
def test_nothing_rendered_points_outside_the_app(page, query):
    at = open_page(page, query)
    for text in texts(at):
        assert not URL.search(text), text
    for frame in at.dataframe:
        cells = [str(c) for c in frame.value.to_numpy().ravel()]
        assert not [c for c in cells if URL.search(c)]
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec.pop("$schema", None)  # an identifier; Streamlit bundles Vega-Lite
        assert not URL.search(json.dumps(spec))
    for image in at.get("image"):
        for img in image.proto.imgs:
            assert img.url.startswith("/") and not URL.search(img.url), img.url
    for link in at.get("page_link"):
        assert not URL.search(link.proto.page), link.proto.page


# --- data text never becomes markup -----------------------------------------------------------

HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(2)) $x$ :red[y]"


@pytest.fixture
def hostile_data(tmp_path, monkeypatch):
    """A copy of the data whose first cluster has a hostile English name and
    specialisation, in a fresh registry store; the app's caches are cleared before and
    after."""
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    path = root / "records" / "clusters.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["name_en"] = HOSTILE
    rows[0]["specialisation"] = HOSTILE
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("CLUSTERMAP_DATA_DIR", str(root))
    # the pages read the registry store (ui/dataset.py), seeded from the data directory
    # when it is first opened: a fresh store here, so it holds the hostile copy
    monkeypatch.setenv(store.ENV_STATE_DIR, str(tmp_path / "state"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield rows[0]["id"]
    st.cache_data.clear()
    st.cache_resource.clear()


def test_hostile_cluster_text_is_shown_literally(hostile_data):
    cid = hostile_data
    pages = [
        open_page("registry", {"q": "script"}),
        open_page("cluster", {"id": cid}),
        open_page("region", {"code": "RU-MOS"}),
        open_page("compare", {"kind": "clusters", "unit": [cid, "PIC-02"]}),
        open_page("mne"),
    ]
    assert registry_ids(pages[0]) == [cid]
    title = pages[1].title[0].value
    assert "\\<script\\>" in title and "\\*\\*bold\\*\\*" in title
    for at in pages:
        for text in texts(at):
            assert "<script>" not in text and "**bold**" not in text, text
            assert "](javascript" not in text and ":red[" not in text, text
        for element in at.get("markdown"):
            assert not element.proto.allow_html
    # in tables the text is plain and complete
    shown = frame_with(pages[1], "Field", "Value")["Value"].tolist()
    assert HOSTILE in shown


# --- the synthetic registry (issue 8) never mixes with the published one --------------------------

SYNTHETIC = {"data": "synthetic", "n": "50", "seed": "3"}


def test_pages_follow_the_chosen_dataset_and_caches_do_not_mix(data):
    at = open_page("registry", SYNTHETIC)
    ids = registry_ids(at)
    assert len(ids) == 50 and not set(ids) & set(data.clusters["id"])
    assert param(at, "data") == ["synthetic"]  # the page's URL rewrite keeps the dataset
    at = open_page("cluster", {**SYNTHETIC, "id": ids[0]})
    # the entry point marks every page while synthetic data is shown (an st.error banner)
    assert any("SYNTHETIC DATA" in e.value for e in at.error)
    assert not [e.value for e in at.error if "SYNTHETIC DATA" not in e.value]
    assert len(at.get("image")) == 1
    assert len(registry_ids(open_page("registry"))) == len(data.clusters)  # published again
    at = open_page("cluster", {"id": ids[0]})
    assert at.error and ids[0] in at.error[0].value.replace("\\", "")


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("registry", {"status": ["**x** <b>y</b>"]}),
        ("compare", {"kind": "clusters", "unit": ["PIC-01", "**x** <b>y</b>"]}),
        ("compare", {"kind": "[k](javascript:alert(1))"}),
    ],
)
def test_url_values_in_messages_are_shown_literally(page, query):
    at = open_page(page, query)
    assert at.warning
    for text in texts(at):
        assert "**x**" not in text and "<b>" not in text and "](javascript" not in text, text


# --- page modules -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", navigation.PAGES, ids=lambda p: p.name)
def test_page_module_has_no_bare_strings(page):
    """Streamlit's "magic" (off in .streamlit/config.toml, and kept harmless here) renders a
    bare string statement of a page on the page: only the module's and functions'
    docstrings may be bare (a class docstring would be shown)."""
    tree = ast.parse((ROOT / page.file).read_text(encoding="utf-8"))
    bare = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for i, statement in enumerate(body):
            docstring = i == 0 and isinstance(
                node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef
            )
            if (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
                and not docstring
            ):
                bare.append(statement.lineno)
    assert not bare, f"{page.file}: bare strings on lines {bare}"


# --- both languages (issue 9) -------------------------------------------------------------------

RUSSIAN = {"lang": "ru"}
BILINGUAL = [
    # page, query, a Russian text the page shows, the same text in English
    ("registry", {}, "Реестр кластеров", "Cluster registry"),
    ("cluster", {"id": FULL_CLUSTER}, "Общие сведения", "General data"),
    ("cluster", {"id": EMPTY_CLUSTER}, "Не оценён: в записях нет показателей", "Not assessed: the"),
    ("region", {"code": FULL_REGION}, "Приволжский федеральный округ", "Volga federal district"),
    ("region", {"code": EMPTY_REGION}, "Ни один кластер реестра", "No cluster of the registry"),
    ("mne", {}, "ТНК в российских кластерах", "MNEs in Russian clusters"),
    (
        "compare",
        {"kind": "clusters", "unit": [FULL_CLUSTER, EMPTY_CLUSTER]},
        "Сравнение",
        "Compare",
    ),
    ("compare", {}, "Открыто на 3 регионах с наибольшим", "Opened on the 3 regions with the"),
]


def open_in(page: str, query: dict, lang: str) -> AppTest:
    """:func:`open_page` with the interface language ``lang`` in the URL."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(navigation.file(page))
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in {**query, "lang": lang}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def cells(at: AppTest) -> set[str]:
    """Every cell and row label of every table on the page, as text."""
    out: set[str] = set()
    for d in at.dataframe:
        out |= set(d.value.astype(str).to_numpy().ravel()) | set(map(str, d.value.index))
    return out


@pytest.mark.parametrize(("page", "query", "russian", "english"), BILINGUAL)
def test_page_in_both_languages(page, query, russian, english):
    ru = open_in(page, query, "ru")
    assert any(russian in t for t in texts(ru)), russian
    assert not any(english in t for t in texts(ru)), english
    assert not {"not reported", "not assessed"} & cells(ru), "English missing-value text"
    en = open_in(page, query, "en")
    assert any(english in t for t in texts(en)), english
    assert not any(russian in t for t in texts(en)), russian


def test_cluster_profile_in_russian_uses_the_data_and_the_vocabularies():
    at = open_in("cluster", {"id": "PIC-20"}, "ru")
    assert at.title[0].value.startswith("Камский")  # the data's Russian name
    m = metrics(at)
    assert m["Индекс интернационализации (пересчитанный)"] == "1,43"  # decimal comma
    assert m["Место в отраслевой группе"] == "1 из 4"
    general = frame_with(at, "Field", "Value").set_index("Field")["Value"]
    assert general["Статус"] == "пилотный инновационный кластер"  # vocabularies.csv
    assert general["Федеральный округ"] == "Приволжский федеральный округ"
    links = frame_with(at, "MNE", "Presence")
    assert "Ford" in set(links["MNE"])  # names from the data stay as recorded
    assert set(links["Presence"]) == {"присутствует", "покинула регион"}
    assert any("Одинокий" in t for t in texts(at))  # the scenario


def test_region_profile_in_russian_formats_numbers_for_the_locale():
    at = open_in("region", {"code": FULL_REGION}, "ru")
    assert at.title[0].value.startswith("Республика Татарстан")
    indicators = frame_with(at, "Indicator", "Rank")
    assert "6\u202f023,03" in set(indicators["Value"])  # thin-space thousands, decimal comma
    assert metrics(at)["Место среди регионов с данными"] == "4 из 19"


def test_registry_in_russian_keeps_the_filters(data):
    at = open_in("registry", FILTER, "ru")
    expected = filters.apply_filter(
        data.clusters, data.regions, urlstate.filter_from_query_params(FILTER)
    )
    table = frame_with(at, "ID", "Profile")
    assert sorted(table["ID"]) == sorted(expected["id"])  # the URL's English values still filter
    assert set(table["Industry group"]) == {"ядерные технологии"}
    assert any(f"{len(expected)} из 30 кластеров" in t for t in texts(at))
    assert param(at, "lang") == ["ru"] and param(at, "industry") == FILTER["industry"]


def test_compare_in_russian_labels_the_facts():
    at = open_in("compare", {"kind": "regions", "unit": [FULL_REGION, EMPTY_REGION]}, "ru")
    table = at.dataframe[0].value
    assert table.loc["Индекс ВЭА (опубликованный)", FULL_REGION] == "0,79"
    assert table.loc["Индекс ВЭА (опубликованный)", EMPTY_REGION] == "нет данных"
    assert table.loc["Название", FULL_REGION] == "Республика Татарстан"


def test_mne_page_in_russian():
    at = open_in("mne", {}, "ru")
    assert metrics(at)["Названо ТНК"] == "8"
    standing = frame_with(at, "Принимающий регион", "ТНК")
    assert "высокий индекс ВЭА (≥ 1,0)" in set(standing["Принимающий регион"])
    status = frame_with(at, "Группа (003)", "Источник")
    assert {"опубликовано (003)", "пересчитано по записям"} == set(status["Источник"])
    assert "инновационные кластеры" in set(status["Группа (003)"])


def test_registry_finds_a_cluster_by_any_of_its_specialisations(data):
    """PIC-10 lists two specialisations: the registry's filter offers each on its own and
    finds PIC-10 by either, from the URL and from the widget; the option's help says a
    cluster is counted under each of its specialisations."""
    for value in ("Nuclear medicine", "Bio- and radiopharmaceuticals"):
        at = open_page("registry", {"specialisation": [value]})
        assert registry_ids(at) == ["PIC-10"], value
        widget = at.sidebar.multiselect(key="registry_filter_specialisation")
        assert widget.value == [value]
    assert "Nuclear medicine" in widget.options or any(
        o.startswith("Nuclear medicine (") for o in widget.options
    )
    assert not any(";" in o for o in widget.options)
    assert "counted under each" in widget.help
    at = open_page("registry")
    at.sidebar.multiselect(key="registry_filter_specialisation").set_value(
        ["Downstream chemical products"]
    ).run()
    assert registry_ids(at) == ["PIC-20"]
    assert param(at, "specialisation") == ["Downstream chemical products"]
    russian = open_page("registry", {"lang": "ru", "specialisation": ["Nuclear medicine"]})
    assert registry_ids(russian) == ["PIC-10"]
    help_ru = russian.sidebar.multiselect(key="registry_filter_specialisation").help
    assert help_ru and "counted" not in help_ru
