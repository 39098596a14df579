"""What the pages show, computed by ``geo`` without Streamlit: the map's region panel
(``geo.analysis.panels``), the registry (``listing``), the compare page's choice
(``compare``), the profile pages' lines (``profile_views``), the MNE tables
(``mne_tables``), the methodology (``methodology``) and the edit forms
(``geo.registry.forms``). The pages themselves run under AppTest in ``test_app*.py``."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from geo.analysis import (
    compare,
    filters,
    listing,
    measures,
    methodology,
    mne_tables,
    panels,
    profile_views,
    profiles,
)
from geo.registry import forms
from geo.registry.sources import load_dataset

ROOT = Path(__file__).resolve().parent.parent
MODULES = {
    "geo/analysis/panels.py": "analysis",
    "geo/analysis/listing.py": "analysis",
    "geo/analysis/compare.py": "analysis",
    "geo/analysis/profile_views.py": "analysis",
    "geo/analysis/mne_tables.py": "analysis",
    "geo/analysis/methodology.py": "analysis",
    "geo/registry/forms.py": "registry",
}
STAGES = ("base", "data", "analysis", "render", "registry", "cli")


@pytest.fixture(scope="module")
def data():
    return load_dataset()


@pytest.mark.parametrize("path", MODULES)
def test_page_logic_is_plain_geo(path: str) -> None:
    """No Streamlit, no import inside a function, and only modules of the same or an
    earlier stage."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    stage = STAGES.index(MODULES[path])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                assert not name.startswith("streamlit"), (path, name)
                if name.startswith("geo."):
                    assert STAGES.index(name.split(".")[1]) <= stage, (path, name)
        if isinstance(node, ast.FunctionDef):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert not inner, (path, node.name)


# --- the map's region panel -------------------------------------------------------------------


def test_region_panel_is_plain_data(data) -> None:
    table = measures.measure_table(data)
    tatarstan = data.clusters.loc[data.clusters["region_code"] == "RU-TA", "id"].tolist()
    panel = panels.region_panel(data, table, "RU-TA", "cluster_count", [], "en")
    assert panel.title == "Republic of Tatarstan · Республика Татарстан"
    assert panel.facts == "Republic · Volga federal district · RU-TA"
    assert panel.rank.startswith("Rank ") and "regions with data" in panel.rank
    assert list(panel.measures.columns) == ["Measure", "Value", "Rank", "Source"]
    assert len(panel.measures) == len(measures.available_measures())
    assert panel.clusters["Profile"].tolist() == [profiles.cluster_url(i) for i in tatarstan]
    assert not panel.clusters["On the map"].any()  # nothing passes the filters given
    assert panel.clusters_heading == f"**Clusters in the region ({len(tatarstan)})**"
    ru = panels.region_panel(data, table, "RU-TA", "cluster_count", tatarstan, "ru")
    assert ru.title.startswith("Республика Татарстан") and ru.clusters.iloc[:, -1].all()


def test_region_without_data_or_clusters(data) -> None:
    table = measures.measure_table(data)
    empty = next(c for c in data.regions["code"] if c not in set(data.clusters["region_code"]))
    panel = panels.region_panel(data, table, empty, "fea_index", [], "en")
    assert panel.rank == "No data"
    assert panel.clusters.empty and panel.clusters_heading.endswith("(0)**")


@pytest.mark.parametrize(
    ("tied", "russian", "english"),
    [
        (2, "имеет ещё 1 регион", "tied with 1 other"),
        (3, "имеют ещё 2 региона", "tied with 2 others"),
        (6, "имеют ещё 5 регионов", "tied with 5 others"),
        (12, "имеют ещё 11 регионов", "tied with 11 others"),
        (22, "имеет ещё 21 регион", "tied with 21 others"),
        (23, "имеют ещё 22 региона", "tied with 22 others"),
    ],
)
def test_the_rank_line_says_ties_in_the_plural_form_of_the_language(tied, russian, english):
    values = pd.Series([1.0] * tied + [2.0], index=[f"R{i}" for i in range(tied + 1)])
    assert panels._rank_line(values, "R0", "ru").endswith(f", то же значение {russian}")
    assert panels._rank_line(values, "R0", "en") == (
        f"Rank 2 of {tied + 1} regions with data, {english}"
    )


def test_clicks_and_counts() -> None:
    assert panels.clicked_region(None) == (None, None)
    assert panels.clicked_region({"last_active_drawing": {}}) == (None, None)
    region = {"last_active_drawing": {"properties": {"kind": "region", "code": "RU-TA"}}}
    assert panels.clicked_region(region) == (("region", "RU-TA"), "RU-TA")
    cluster = {"properties": {"kind": "cluster", "id": "PIC-20", "region": "RU-TA"}}
    assert panels.clicked_region({"last_active_drawing": cluster}) == (
        ("cluster", "PIC-20"),
        "RU-TA",
    )
    shown = pd.DataFrame({"lat": [55.0, None], "lon": [37.0, 38.0]})
    assert panels.shown_count(shown, 30, "en") == (
        "2 of 30 clusters",
        " (1 without a location, not drawn)",
    )
    assert panels.shown_count(shown.iloc[:1], 30, "en")[1] == ""
    body, legend = panels.how_to_read("en", 300)
    assert "more than 300 clusters" in body and "**Lonely**" in legend


# --- the registry -----------------------------------------------------------------------------


def test_registry_sort_search_and_counts(data) -> None:
    assert listing.sort_key(None) == ("id", [])
    assert listing.sort_key("index") == ("index", [])
    assert listing.sort_key("nope") == ("id", ["sort: 'nope'"])
    assert listing.search_params("", "id", False) == {}
    assert listing.search_params(" x ", "mne", True) == {
        "q": [" x "],
        "sort": ["mne"],
        "desc": ["1"],
    }
    table = profiles.registry_table(data.clusters, data.regions, "en")
    flt = filters.ClusterFilter(mne="with")
    rows = listing.shown_rows(table, data.clusters, data.regions, flt, "", "mne", True)
    assert (rows["MNE links"] > 0).all() and rows["MNE links"].is_monotonic_decreasing
    assert listing.metrics(rows, data.clusters)["Clusters shown"] == str(len(rows))
    assert (
        listing.shown_line(2, 30, True, True) == "**2 of 30 clusters** shown (filters and search)"
    )
    assert "21 кластера" in listing.shown_line(1, 21, False, False, "ru")


# --- compare ----------------------------------------------------------------------------------


def test_compare_reads_what_it_can_and_names_the_rest(data) -> None:
    options = compare.unit_options(data, "en")
    assert compare.choice(None, [], data.regions, options) == ("regions", [], [])
    kind, units, problems = compare.choice("x", ["PIC-01"], data.regions, options)
    assert (kind, units) == ("regions", []) and problems == ["kind 'x'", "'PIC-01'"]
    asked = ["RU-TA", "ru-ta", "RU-XX", "RU-MOW", "RU-KLU", "RU-SPE", "RU-MOS"]
    kind, units, problems = compare.choice("regions", asked, data.regions, options)
    assert units == ["RU-TA", "RU-MOW", "RU-KLU", "RU-SPE"]
    assert problems == ["'RU-XX'", "more than 4 units (kept the first 4)"]
    table, values = compare.comparison(data, "clusters", ["PIC-01", "PIC-20"])
    assert list(table.columns) == ["PIC-01", "PIC-20"]
    shown = compare.index_table(values, ["PIC-20", "PIC-01"])
    assert shown.index.tolist() == ["PIC-20", "PIC-01"]


# --- profiles, MNEs, methodology --------------------------------------------------------------


def test_profile_lines(data) -> None:
    p = profiles.cluster_profile(data, "PIC-20", "en")
    assert profile_views.cluster_subtitle(p, "en").startswith("PIC\\-20 · Камский")
    assert list(profile_views.cluster_metrics(p, "en").values())[0] == "1.43"
    r = profiles.region_profile(data, "RU-TA", "ru")
    assert profile_views.region_title(r, "ru").startswith("Республика Татарстан")
    assert profile_views.region_metrics(r, "ru")["Место среди регионов с данными"] == "4 из 19"
    names = list(profile_views.region_choices(data.regions, "en").values())
    assert names == sorted(names, key=lambda n: n.rsplit(" (", 1)[0])


def test_mne_tables(data) -> None:
    from geo.data import records

    result = mne_tables.analyse(data, records.load_aggregates(), records.load_vocabularies())
    assert mne_tables.metrics(result.summary)["MNEs named"] == str(result.summary.mnes)
    ru = mne_tables.comparison_table(result, "ru")
    assert {"Группа (003)", "Источник", "Доля, %"} <= set(ru.columns)
    shares = mne_tables.percent_text(pd.Series([0.125, None]), "—", "ru").tolist()
    assert shares == ["12,5", "—"]
    kinds = [b.category for b in mne_tables.breakdowns(result, "en")]
    assert kinds == ["value", "value"]
    assert mne_tables.standing(result, "en").grey == "not reported (region not in 002 Table 6)"


def test_methodology_with_the_papers_parameters_reproduces_their_counts(data) -> None:
    from geo.analysis import indices
    from geo.data import records

    weights = {i.column: i.weight for i in indices.CLUSTER_INDICATORS}
    first = {p: next(iter(methodology.OPTIONS[p])) for p in methodology.OPTIONS}
    cluster, region = methodology.methods(weights, **first)
    scenarios = indices.scenario_table(data.clusters, data.indicators, cluster, region, 1.0, 1.0)
    counts = methodology.scenario_metrics(scenarios, "en")
    assert (counts["Supported"], counts["Lonely"], counts["Potential"]) == ("3", "14", "8")
    vocab = records.vocabulary_labels()
    headers = methodology.headers(["cluster_index", "name", "x", "export_component"], "en", vocab)
    assert headers["cluster_index"].numeric and not headers["name"].numeric
    assert "x" not in headers and headers["export_component"].title.endswith(": component")


# --- the edit forms ---------------------------------------------------------------------------


def test_edit_forms() -> None:
    assert [forms.shown(v) for v in (None, float("nan"), 3.0, 2.5, "x")] == [
        "",
        "",
        "3",
        "2.5",
        "x",
    ]
    assert forms.filled({"a": "", "b": "x"}) == {"b": "x"}
    assert forms.changed({"a": "1", "b": "2"}, {"a": "1", "b": "3"}) == {"b": "2"}
    refs = SimpleNamespace(vocabularies={"status": frozenset({"pilot", "leader"})})
    assert forms.choices("city", "Kazan", refs) is None
    assert forms.choices("status", "", refs) == ["", "leader", "pilot"]
    assert forms.choices("status", "old", refs) == ["", "leader", "pilot", "old"]
    new = forms.initial_cluster({"clusters": {}}, None)
    assert new["source_doc"] == "registry" and new["name_en"] == ""
    assert forms.cluster_labels({"clusters": {}}, "ru") == {
        forms.NEW: "Зарегистрировать новый кластер"
    }
