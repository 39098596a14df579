"""The MNE analysis (``geo.analysis.mne``) and the MNE page.

Two kinds of test: the functions on small hand-made frames whose answers are counted by
eye, and the page's numbers against counts computed here straight from the CSV files
with the ``csv`` module (never through ``geo.analysis.mne`` or ``geo.data.records``), so a
bug in the analysis cannot hide behind the same bug in the check.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis import mne
from geo.data import records

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "data" / "records"
MISSING = {"", "n/a", "not reported", "—"}


# --- small fixtures ----------------------------------------------------------------------------


@pytest.fixture
def clusters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["A", "B", "C", "D", "E"],
            "status": ["pilot innovative", "pilot innovative", "none", None, "pilot innovative"],
            "region_code": ["RU-KLU", "RU-TA", "RU-TA", None, "RU-MOW"],
        }
    )


@pytest.fixture
def links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mne_name": ["X", "Y", "X", "Z", "W"],
            "hq_country": ["DE", None, "DE", "US", None],
            "industry": [None, None, None, "cars", None],
            "cluster_id": ["A", "A", "B", "C", "E"],
            "relation": ["co-founder", "partner", "member", None, "member"],
            "presence": ["present", "present", "present", "left", "left"],
            "interplay_type": ["MNEs as founders", "MNEs as founders", None,
                               "MNE as an anchor member", None],
        }
    )  # fmt: skip


def test_clusters_with_mnes_ignores_mnes_that_left(links):
    assert mne.clusters_with_mnes(links) == {"A", "B"}
    assert mne.clusters_with_mnes(links, include_left=True) == {"A", "B", "C", "E"}


def test_share_by_status_keeps_vocabulary_order_and_empty_statuses(clusters, links):
    table = mne.share_by_status(clusters, links, ["leading", "pilot innovative", "none"])
    assert table["status"].tolist() == ["leading", "pilot innovative", "none", "not reported"]
    rows = table.set_index("status")
    assert rows.loc["pilot innovative", ["clusters", "with_mnes"]].tolist() == [3, 2]
    assert rows.loc["pilot innovative", "share"] == pytest.approx(2 / 3)
    assert rows.loc["none", ["clusters", "with_mnes", "share"]].tolist() == [1, 0, 0.0]
    assert rows.loc["leading", "clusters"] == 0 and np.isnan(rows.loc["leading", "share"])
    assert rows.loc["not reported", "clusters"] == 1  # missing status is not "none"


def test_published_and_recomputed_are_separate_rows(clusters, links):
    aggregates = pd.DataFrame(
        {
            "metric": ["innovation_clusters_with_mnes", "innovation_clusters_total"],
            "value": [15, 25],
        }
    )
    table = mne.published_vs_recomputed(clusters, links, aggregates)
    rows = table.set_index(["group", "source"])
    pub = rows.loc[("innovation clusters", mne.PUBLISHED)]
    rec = rows.loc[("innovation clusters", mne.RECOMPUTED)]
    assert (pub["with_mnes"], pub["clusters"]) == (15, 25)
    assert (rec["with_mnes"], rec["clusters"]) == (2, 3)
    missing = rows.loc[("clusters without any status", mne.PUBLISHED)]
    assert np.isnan(missing["share"]) and "not in published_aggregates" in missing["basis"]


def test_mnes_by_counts_distinct_mnes_and_puts_not_reported_last(links):
    table = mne.mnes_by(links, "hq_country")
    assert table["value"].tolist() == ["DE", "US", "not reported"]
    assert table.set_index("value").loc["DE", ["mnes", "links"]].tolist() == [1, 2]
    assert table.set_index("value").loc["not reported", ["mnes", "links"]].tolist() == [2, 2]


def test_standing_reads_the_threshold_inclusively():
    assert mne.standing(1.0) == mne.STANDING_HIGH
    assert mne.standing(0.99) == mne.STANDING_LOW
    assert mne.standing(None) == mne.STANDING_NONE
    assert mne.standing(float("nan")) == mne.STANDING_NONE


def test_mnes_by_standing_lists_every_standing(clusters, links):
    index = pd.Series({"RU-KLU": 1.36, "RU-TA": 0.79})
    table = mne.mnes_by_standing(clusters, links, index).set_index("standing")
    assert table.loc[mne.STANDING_HIGH, ["mnes", "regions"]].tolist() == [2, 1]  # X, Y
    assert table.loc[mne.STANDING_LOW, ["mnes", "regions"]].tolist() == [2, 1]  # X, Z
    assert table.loc[mne.STANDING_NONE, ["mnes", "regions"]].tolist() == [1, 1]  # W in Moscow


def test_host_regions_rank_and_missing_rankings(clusters, links):
    regions = pd.DataFrame({"code": ["RU-KLU", "RU-TA", "RU-MOW"],
                            "name_en": ["Kaluga", "Tatarstan", "Moscow"]})  # fmt: skip
    index = pd.Series({"RU-KLU": 1.36, "RU-TA": 0.79, "RU-SPE": 0.93})
    hosts = mne.host_regions(clusters, links, regions, index, pd.Series({"RU-KLU": 1.36}))
    rows = hosts.set_index("region_code")
    assert rows.loc["RU-KLU", "fea_rank"] == "1 of 3"
    assert rows.loc["RU-TA", "fea_rank"] == "3 of 3"
    assert rows.loc["RU-MOW", "fea_rank"] == "not reported"
    assert rows.loc["RU-TA", ["mnes", "links", "present"]].tolist() == [2, 2, 1]
    assert set(hosts["innovation_rank"]) == {"not reported"}


def test_interplay_types_keep_types_without_links(links):
    types = ["MNEs as founders", "MNE as an anchor member", "cluster as an MNE environment per se"]
    table = mne.interplay_types(links, types).set_index("interplay_type")
    assert table.index.tolist() == [*types, "not reported"]
    assert table.loc["MNEs as founders", ["mnes", "links", "clusters"]].tolist() == [2, 2, 1]
    assert table.loc["cluster as an MNE environment per se", "mnes"] == 0
    assert table.loc["not reported", "cluster_ids"] == "B, E"


def test_departed_and_summary(links):
    assert mne.departed(links)["mne_name"].tolist() == ["Z", "W"]
    s = mne.summary(links)
    assert (s.mnes, s.links, s.clusters_with_links, s.clusters_with_present_mnes) == (4, 5, 4, 2)
    assert (s.left, s.hq_country_reported, s.industry_reported) == (2, 2, 1)


# --- the page, against counts from the CSV files -----------------------------------------------


def read_csv(name: str) -> list[dict[str, str]]:
    with (RECORDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reported(value: str) -> bool:
    return value.strip().casefold() not in MISSING


@pytest.fixture(scope="module")
def expected() -> dict:
    """The MNE page's numbers, counted from the CSV files with plain Python."""
    links = read_csv("mne_links.csv")
    clusters = read_csv("clusters.csv")
    indicators = read_csv("regional_indicators.csv")
    status_of = {c["id"]: c["status"] if reported(c["status"]) else "not reported"
                 for c in clusters}  # fmt: skip
    region_of = {c["id"]: c["region_as_published"] for c in clusters}
    published_fea = {r["region_as_published"]: float(r["value"])
                     for r in indicators if r["indicator"] == "fea_index_published"}  # fmt: skip
    with_present = {link["cluster_id"] for link in links if link["presence"] == "present"}
    by_status = Counter(status_of.values())
    with_by_status = Counter(status_of[c] for c in with_present)
    hq = {}
    for link in links:
        key = link["hq_country"] if reported(link["hq_country"]) else "not reported"
        hq.setdefault(key, set()).add(link["mne_name"])
    industry = {}
    for link in links:
        key = link["industry"] if reported(link["industry"]) else "not reported"
        industry.setdefault(key, set()).add(link["mne_name"])
    interplay = {}
    for link in links:
        interplay.setdefault(link["interplay_type"], set()).add(link["mne_name"])
    standing = {"high": set(), "low": set(), "none": set()}
    for link in links:
        fea = published_fea.get(region_of[link["cluster_id"]])  # Table 6 = recomputed, 2 d.p.
        key = "none" if fea is None else ("high" if fea >= 1.0 else "low")
        standing[key].add(link["mne_name"])
    return {
        "mnes": len({link["mne_name"] for link in links}),
        "links": len(links),
        "clusters_with_present": len(with_present),
        "left": sorted({link["mne_name"] for link in links if link["presence"] == "left"}),
        "by_status": by_status,
        "with_by_status": with_by_status,
        "hq": {k: len(v) for k, v in hq.items()},
        "industry": {k: len(v) for k, v in industry.items()},
        "interplay": {k: len(v) for k, v in interplay.items()},
        "standing": {k: len(v) for k, v in standing.items()},
        "published": {r["metric"]: float(r["value"]) for r in read_csv("published_aggregates.csv")},
    }


@pytest.fixture(scope="module")
def page(app_test) -> AppTest:
    at = app_test("app_pages/mne.py", lang="en").run()  # the tests read English labels
    assert not at.exception, [e.message for e in at.exception]
    return at


def table_with(at: AppTest, column: str, *others: str) -> pd.DataFrame:
    """The one dataframe on the page that has ``column`` and ``others`` and no MNE names
    (the link tables repeat some column names)."""
    wanted = {column, *others}
    found = [
        d.value
        for d in at.dataframe
        if wanted <= set(d.value.columns) and "MNE" not in d.value.columns
    ]
    assert len(found) == 1, f"expected one table with columns {wanted}, found {len(found)}"
    return found[0]


def test_page_headline_counts(page, expected):
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["MNEs named"] == str(expected["mnes"])
    assert metrics["MNE links"] == str(expected["links"])
    assert metrics["Clusters with MNEs present"] == str(expected["clusters_with_present"])
    assert metrics["MNEs that left"] == str(len(expected["left"]))


def test_page_share_by_status_is_recomputed_beside_the_published(page, expected):
    table = table_with(page, "Group (003)").set_index(["Group (003)", "Source"])
    pub = table.loc[("innovation clusters", mne.PUBLISHED)]
    assert pub["Clusters with MNEs"] == expected["published"]["innovation_clusters_with_mnes"]
    assert pub["Clusters"] == expected["published"]["innovation_clusters_total"]
    rec = table.loc[("innovation clusters", mne.RECOMPUTED)]
    assert rec["Clusters with MNEs"] == expected["with_by_status"]["pilot innovative"]
    assert rec["Clusters"] == expected["by_status"]["pilot innovative"]
    share = (
        100
        * expected["with_by_status"]["pilot innovative"]
        / expected["by_status"]["pilot innovative"]
    )
    assert rec["Share, %"] == f"{share:.1f}"
    none_pub = table.loc[("clusters without any status", mne.PUBLISHED)]
    assert (
        none_pub["Clusters with MNEs"] == expected["published"]["clusters_without_status_with_mnes"]
    )
    none_rec = table.loc[("clusters without any status", mne.RECOMPUTED)]
    assert none_rec["Clusters"] == expected["by_status"].get("none", 0)
    if none_rec["Clusters"] == 0:
        assert none_rec["Share, %"] == "no cluster with this status"  # 0 of 0 is no share


def test_page_all_statuses(page, expected):
    table = table_with(page, "With MNEs").set_index("Status")
    for status, n in expected["by_status"].items():
        assert table.loc[status, "Clusters"] == n
        assert table.loc[status, "With MNEs"] == expected["with_by_status"].get(status, 0)
    assert table["Clusters"].sum() == sum(expected["by_status"].values())
    empty = table.loc[table["Clusters"] == 0, "Share, %"]
    assert len(empty) and set(empty) == {"no cluster with this status"}  # never "None" or 0


@pytest.mark.parametrize(
    ("column", "key"), [("Headquarters country", "hq"), ("Industry", "industry")]
)
def test_page_mnes_by_property(page, expected, column, key):
    table = table_with(page, column, "MNEs")
    assert dict(zip(table[column], table["MNEs"], strict=True)) == expected[key]


def test_page_interplay_types(page, expected):
    table = table_with(page, "Interplay type").set_index("Interplay type")
    for kind, n in expected["interplay"].items():
        assert table.loc[kind, "MNEs"] == n
    # 003's third case names no MNE: listed, with zero
    assert table.loc["cluster as an MNE environment per se", "MNEs"] == expected["interplay"].get(
        "cluster as an MNE environment per se", 0
    )


def test_page_host_region_standing(page, expected):
    table = table_with(page, "Host region").set_index("Host region")
    assert table.loc[mne.STANDING_HIGH, "MNEs"] == expected["standing"]["high"]
    assert table.loc[mne.STANDING_LOW, "MNEs"] == expected["standing"]["low"]
    assert table.loc[mne.STANDING_NONE, "MNEs"] == expected["standing"]["none"]


def test_page_mnes_that_left(page, expected):
    tables = [d.value for d in page.dataframe if "MNE" in d.value.columns]
    left = [t for t in tables if set(t["Presence"]) == {"left"}]
    assert len(left) == 1
    assert sorted(left[0]["MNE"]) == expected["left"]


def test_page_has_a_chart_per_analysis(page):
    charts = page.get("vega_lite_chart")
    assert len(charts) == 5  # status shares, HQ country, industry, standing, interplay


def test_analyse_bundles_the_same_tables(clusters, links):
    regions = pd.DataFrame({"code": ["RU-KLU", "RU-TA", "RU-MOW"], "name_en": ["K", "T", "M"]})
    indicators = pd.DataFrame(
        {
            "region_code": ["RU-KLU", "RU-TA"],
            "fdi_per_capita": [2.0, 1.0],
            "trade_turnover_per_capita": [2.0, 1.0],
            "trade_surplus_per_capita": [2.0, 1.0],
            "foreign_owned_companies": [2.0, 1.0],
            "fea_index_published": [2.0, 1.0],
        }
    )
    aggregates = pd.DataFrame({"metric": ["innovation_clusters_total"], "value": [25]})
    result = mne.analyse(clusters, links, regions, indicators, aggregates, ["none"], [])
    assert result.summary == mne.summary(links)
    pd.testing.assert_frame_equal(result.by_industry, mne.mnes_by(links, "industry"))
    standing = result.by_standing.set_index("standing")["mnes"]
    assert standing[mne.STANDING_HIGH] == 3  # RU-KLU (index 2.0): X, Y; RU-TA (1.0): X, Z
    assert standing[mne.STANDING_NONE] == 1  # W in Moscow, not in the table
    assert result.departed["mne_name"].tolist() == ["Z", "W"]


# --- display in Russian (issue 9) -----------------------------------------------------------------


def test_localise_translates_fixed_texts_and_vocabularies(clusters, links):

    vocab = records.vocabulary_labels()
    aggregates = pd.DataFrame(
        {
            "metric": ["innovation_clusters_with_mnes", "innovation_clusters_total"],
            "value": [10.0, 25.0],
        }
    )
    table = mne.published_vs_recomputed(clusters, links, aggregates)
    assert mne.localise(table, "en", vocab).equals(table)  # English: as computed
    ru = mne.localise(table, "ru", vocab)
    assert list(ru.columns) == list(table.columns)
    assert set(ru["source"]) == {"опубликовано (003)", "пересчитано по записям"}
    assert "инновационные кластеры" in set(ru["group"])
    assert ru.loc[0, "basis"] == (
        "published_aggregates.csv: innovation_clusters_with_mnes из innovation_clusters_total"
    )
    assert "нет в published_aggregates.csv" in ru.loc[2, "basis"]
    assert ru["with_mnes"].equals(table["with_mnes"])  # numbers untouched
    standing = mne.localise(pd.DataFrame({"standing": list(mne.STANDINGS)}), "ru")
    assert standing["standing"].tolist()[0] == "высокий индекс ВЭА (≥ 1,0)"
    ranks = mne.localise(pd.DataFrame({"fea_rank": ["3 of 19", mne.NOT_REPORTED]}), "ru")
    assert ranks["fea_rank"].tolist() == ["3 из 19", "нет данных"]
