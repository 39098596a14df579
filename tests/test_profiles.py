"""Registry rows, search, cluster and region profiles and comparisons (``geo.analysis.profiles``).

Text helpers are tested on hand-made values; the profiles on the shipped dataset, with
the expected numbers read from the CSV files here (so a wrong join or rank shows up as a
difference from what the source prints).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis import profiles, ranks
from geo.base.missing import is_missing
from geo.data import records

RECORDS = Path(__file__).resolve().parent.parent / "data" / "records"
FULL_CLUSTER, EMPTY_CLUSTER = "PIC-01", "P003-05"
FULL_REGION, EMPTY_REGION = "RU-TA", "RU-CHU"


def csv_rows(name: str) -> list[dict[str, str]]:
    with (RECORDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, "", "   ", np.nan])
def test_missing_values_read_not_reported(value):
    assert is_missing(value)
    assert profiles.text(value) == "not reported"
    assert profiles.number(value) == "not reported"
    assert profiles.whole(value) == "not reported"


def test_zero_is_a_value_not_a_gap():
    assert not is_missing(0)
    assert profiles.number(0) == "0"
    assert profiles.whole(0.0) == "0"
    assert profiles.number(1.42977, 2) == "1.43"


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "**bold** _it_ [link](http://example.com) `code`",
        "$x^2$ :red[colour] <img src=x onerror=alert(1)>",
        "# heading\n- item",
    ],
)
def test_md_literal_escapes_every_markdown_and_html_character(raw):
    out = profiles.md_literal(raw)
    # every ASCII punctuation character is preceded by a backslash
    assert not re.search(r"(?<!\\)[<>*_\[\]`$:#()]", out.replace("\\\\", ""))
    assert "\n" not in out
    # removing the escapes gives the text back (line breaks as spaces)
    assert re.sub(r"\\(.)", r"\1", out) == " ".join(raw.split())


def test_fold_ignores_case_and_yo():
    assert profiles.fold("Ёлка") == profiles.fold("елка")
    assert profiles.fold(None) == ""


def test_urls_are_relative_and_quoted():
    assert profiles.cluster_url("PIC-01") == "/cluster?id=PIC-01"
    assert profiles.region_url("RU-TA") == "/region?code=RU-TA"
    assert profiles.cluster_url("a&b=<c>") == "/cluster?id=a%26b%3D%3Cc%3E"


def test_display_name_falls_back_to_russian_then_id():
    assert profiles.cluster_display_name({"id": "X", "name_en": "A", "name_ru": "Б"}) == "A"
    assert profiles.cluster_display_name({"id": "X", "name_en": None, "name_ru": "Б"}) == "Б"
    assert profiles.cluster_display_name({"id": "X", "name_en": np.nan, "name_ru": ""}) == "X"


def test_rank_in_shares_ties_and_skips_missing():
    values = pd.Series({"a": 2.0, "b": 1.0, "c": 2.0, "d": np.nan})
    assert ranks.rank_of(values, "a", "g") == ranks.Rank(1, 3, tied=2, among="g")
    assert str(ranks.rank_of(values, "b", "g")) == "3 of 3 (g)"
    assert ranks.rank_of(values, "d", "g") is None
    assert ranks.rank_text(None) == "not assessed"


# --- cluster profile ------------------------------------------------------------------------------


def test_full_cluster_profile_has_the_five_blocks_and_source_values(data):
    row = next(r for r in csv_rows("clusters.csv") if r["id"] == FULL_CLUSTER)
    p = profiles.cluster_profile(data, FULL_CLUSTER)
    assert tuple(b.title for b in p.blocks) == profiles.BLOCK_TITLES
    general = p.block("General data")
    assert general.value("Name (English)") == row["name_en"]
    assert general.value("City") == row["city"]
    assert general.value("Region") == "Moscow Oblast (RU-MOS)"
    assert general.value("Federal district") == "Central"
    assert general.value("Name (Russian)") == "not reported"  # as the CSV says
    values = dict(zip(p.indicators["Indicator"], p.indicators["Value"], strict=True))
    assert list(values.values()) == [
        row["intl_members"], row["export_bln_rub"], row["publications"], row["joint_rd_bln_rub"]
    ]  # fmt: skip
    assert p.index_published == float(row["index_published"])
    assert p.scenario in {"potential", "lonely", "supported", "late"}
    assert p.lat is not None and p.lon is not None


def test_cluster_rank_is_within_its_industry_group(data):
    rows = csv_rows("clusters.csv")
    group = next(r for r in rows if r["id"] == FULL_CLUSTER)["industry_group"]
    peers = {r["id"]: float(r["index_published"]) for r in rows if r["industry_group"] == group}
    own = peers[FULL_CLUSTER]
    expected = 1 + sum(v > own for v in peers.values())
    p = profiles.cluster_profile(data, FULL_CLUSTER)
    assert p.rank_published == ranks.Rank(expected, len(peers), among=group)
    assert set(p.group_table["id"]) == set(peers)
    recomputed = data.clusters.set_index("id").loc[list(peers), "cluster_index"]
    assert p.rank.position == 1 + int((recomputed > recomputed[FULL_CLUSTER]).sum())
    assert p.rank.of == len(peers)


def test_cluster_with_almost_no_data_reads_not_reported(data):
    p = profiles.cluster_profile(data, EMPTY_CLUSTER)
    assert p.name == "Уральский машиностроительный кластер"  # only a Russian name
    assert p.region_code is None and p.region_name == "not reported"
    assert p.cluster_index is None and p.rank is None and p.group_table.empty
    assert p.scenario == "not assessed"
    assert set(p.indicators["Value"]) == {"not reported"}
    assert set(p.indicators["Component"]) == {"not assessed"}
    assert p.block("General data").value("Federal district") == "not reported"
    assert p.lat is None and "not located" in p.location
    assert p.mne_links.empty


def test_cluster_mne_links_are_listed_with_not_reported_fields(data):
    p = profiles.cluster_profile(data, "PIC-20")
    assert len(p.mne_links) == 6
    assert set(p.mne_links["HQ country"]) == {"not reported"}
    assert "Ford (left)" in p.block("Partners and projects").value(
        "MNEs whose relation is not reported"
    )
    assert "Daimler" in p.block("Members").value(
        "MNE members or strategic partners (003 does not say which)"
    )


def test_unknown_cluster_is_a_named_error(data):
    with pytest.raises(profiles.UnknownUnitError, match="NOPE-1"):
        profiles.cluster_profile(data, "NOPE-1")
    with pytest.raises(profiles.UnknownUnitError):
        profiles.comparison_group(data.clusters, "NOPE-1")


# --- region profile -------------------------------------------------------------------------------


def test_full_region_profile_against_the_regional_table(data):
    table = [r for r in csv_rows("regional_indicators.csv")]
    own = {r["indicator"]: float(r["value"]) for r in table
           if r["region_as_published"] == "Tatarstan republic"}  # fmt: skip
    published = [float(r["value"]) for r in table if r["indicator"] == "fea_index_published"]
    p = profiles.region_profile(data, FULL_REGION)
    assert p.has_indicators
    assert p.general.value("Federal district") == "Volga"
    values = dict(zip(p.indicators["Indicator"], p.indicators["Value"], strict=True))
    assert values["FDI per capita"] == f"{own['fdi_per_capita']:.2f}"
    assert p.fea_published == own["fea_index_published"]
    expected = 1 + sum(v > own["fea_index_published"] for v in published)
    assert p.rank_published == ranks.Rank(expected, len(published), among=profiles.REGION_GROUP)
    assert p.fea_index == pytest.approx(own["fea_index_published"], abs=0.005)
    assert p.clusters["ID"].tolist() == ["PIC-20"]
    assert p.scenario_counts[p.clusters["Scenario"].iloc[0]] == 1
    assert len(p.mne_links) == 6 and set(p.mne_links["Profile"]) == {"/cluster?id=PIC-20"}


def test_region_with_nothing_says_not_reported(data):
    p = profiles.region_profile(data, EMPTY_REGION)
    assert not p.has_indicators
    assert p.fea_index is None and p.rank is None
    assert set(p.indicators["Value"]) == {"not reported"}
    assert p.clusters.empty and p.mne_links.empty
    assert p.general.value("Federal district") == "Far Eastern"


def test_region_code_is_matched_without_case_and_unknown_is_named(data):
    assert profiles.region_profile(data, "ru-ta").code == "RU-TA"
    with pytest.raises(profiles.UnknownUnitError, match="RU-XX"):
        profiles.region_profile(data, "RU-XX")


def test_cluster_located_in_another_region_is_listed_there(data):
    # PIC-16's city lies in Moscow (city) while the source declares Moscow region
    p = profiles.region_profile(data, "RU-MOW")
    assert "PIC-16" in set(p.located_here_declared_elsewhere["ID"])
    assert "PIC-16" not in set(p.clusters["ID"])


# --- registry -------------------------------------------------------------------------------------


def test_registry_has_a_row_and_a_link_per_cluster(data):
    table = profiles.registry_table(data.clusters, data.regions)
    assert list(table.columns) == list(profiles.REGISTRY_COLUMNS)
    assert len(table) == len(csv_rows("clusters.csv"))
    assert (table["Profile"] == "/cluster?id=" + table["ID"]).all()
    empty = table.set_index("ID").loc[EMPTY_CLUSTER]
    assert empty["Region"] == "not reported" and empty["Scenario"] == "not assessed"
    assert np.isnan(empty["Index (recomputed)"])
    assert table["Index (recomputed)"].dtype.kind == "f"  # sorts as numbers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("камский", {"PIC-20"}),  # Russian name, any case
        ("KAMSK", {"PIC-20"}),  # English name
        ("dubna", {"PIC-01"}),  # city
        ("Tatarstan", {"PIC-20"}),  # region (official English name)
        ("Татарстан", {"PIC-20"}),  # region (Russian name)
        ("radiopharmaceuticals", {"PIC-10"}),  # specialisation
        ("nuclear sarov", {"PIC-02"}),  # every word must match
        ("no such thing", set()),
    ],
)
def test_search(data, query, expected):
    mask = profiles.search_mask(data.clusters, data.regions, query)
    assert set(data.clusters.loc[mask, "id"]) == expected


def test_empty_search_matches_all(data):
    assert profiles.search_mask(data.clusters, data.regions, "   ").all()


# --- comparison -----------------------------------------------------------------------------------


def test_compare_clusters_side_by_side(data):
    table = profiles.compare_clusters(data, [FULL_CLUSTER, EMPTY_CLUSTER, FULL_CLUSTER])
    assert list(table.columns) == [FULL_CLUSTER, EMPTY_CLUSTER]  # repeats dropped
    assert table.at["Scenario", EMPTY_CLUSTER] == "not assessed"
    assert table.at["Index (published)", FULL_CLUSTER] == "1.1"
    assert table.at["Rank in group (published)", FULL_CLUSTER] == "3 of 4 (Nuclear industries)"


def test_compare_regions_side_by_side(data):
    table = profiles.compare_regions(data, [FULL_REGION, EMPTY_REGION])
    assert table.at["FEA index (published)", FULL_REGION] == "0.79"
    assert table.at["FEA index (recomputed)", EMPTY_REGION] == "not reported"
    assert table.at["Clusters declared in the region", EMPTY_REGION] == "0"
    assert table.at["Scenarios of its clusters", EMPTY_REGION] == "no cluster"


@pytest.mark.parametrize(
    "units", [["PIC-01"], ["PIC-01", "PIC-01"], [f"PIC-0{i}" for i in range(1, 6)]]
)
def test_compare_needs_two_to_four(data, units):
    with pytest.raises(ValueError, match="2 to 4"):
        profiles.compare_clusters(data, units)


def test_compare_names_an_unknown_unit(data):
    with pytest.raises(profiles.UnknownUnitError, match="RU-XX"):
        profiles.compare_regions(data, [FULL_REGION, "RU-XX"])


def test_profile_components_equal_the_whole_dataset_computation(data):
    """The profile computes Equation 1 over the cluster's group only; the components must
    be those of the computation over every cluster."""
    full = profiles.cluster_index_frame(data.clusters)
    columns = ["intl_members", "export_bln_rub", "publications", "joint_rd_bln_rub"]
    for cid in full.index:
        shown = profiles.cluster_profile(data, cid).indicators["Component"].tolist()
        assert shown == [f"{full.at[cid, f'{c}_component']:.3f}" for c in columns], cid


# --- Russian and English (issue 9) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def vocab():
    return records.vocabulary_labels()


def test_numbers_and_missing_values_in_russian():
    assert profiles.number(1177.5, lang="ru") == "1\u202f177,5"  # the digits ``g`` prints
    assert profiles.number(1.42977, 2, lang="ru") == "1,43"
    assert profiles.number(None, lang="ru") == "нет данных"
    assert profiles.number(None, 2, profiles.NOT_ASSESSED, lang="ru") == "не оценён"
    assert profiles.whole(67917.4, lang="ru") == "67\u202f917"
    assert profiles.text(None, "", lang="ru") == ""  # an empty "missing" is not a msgid
    assert profiles.number(1177.5) == "1177.5"  # English as before: as printed


def test_rank_texts_in_both_languages():
    rank = ranks.Rank(2, 19, among="group")
    assert ranks.rank_text(rank) == "2 of 19 (group)" == str(rank)
    assert ranks.rank_text(rank, lang="ru") == "2 из 19 (group)"
    assert ranks.rank_short(None, lang="ru", missing=profiles.NOT_REPORTED) == "нет данных"


def test_cluster_profile_in_russian(data, vocab):
    english = profiles.cluster_profile(data, FULL_CLUSTER)
    p = profiles.cluster_profile(data, FULL_CLUSTER, "ru", vocab)
    assert [b.key for b in p.blocks] == [b.title for b in english.blocks]
    assert [b.title for b in p.blocks][0] == "Общие сведения"
    general = p.block("General data")  # found by its English key in any language
    assert general.value("Status") == general.value("Статус") == "пилотный инновационный кластер"
    assert general.value("Federal district") == "Центральный федеральный округ"
    assert general.value("Region") == "Московская область (RU-MOS)"
    assert general.value("Name (Russian)") == "нет данных"
    assert general.value("Location on the map").endswith("город (GeoNames)")
    assert p.scenario == "Одинокий" and p.scenario_label.startswith("Одинокий:")
    assert p.indicators["Value"].tolist() == ["0", "1,2", "1\u202f177", "1,9"]
    assert set(p.indicators["Indicator"]) <= set(vocab.russian.values())
    # names from the data: a cluster with only a Russian name reads it in both languages
    only_russian = profiles.cluster_profile(data, EMPTY_CLUSTER, "en")
    assert only_russian.name == "Уральский машиностроительный кластер"


def test_unknown_units_are_named_in_the_language(data):
    with pytest.raises(profiles.UnknownUnitError, match="нет кластера с кодом «NOPE»"):
        profiles.cluster_profile(data, "NOPE", "ru")
    with pytest.raises(profiles.UnknownUnitError, match="'RU-XX'"):
        profiles.region_profile(data, "RU-XX", "en")


def test_region_profile_in_russian(data, vocab):
    p = profiles.region_profile(data, FULL_REGION, "ru", vocab)
    assert p.name == "Республика Татарстан"
    assert p.general.value("Type") == "республика"
    assert p.general.value("Disputed territory") == "нет"
    assert p.indicators.loc[1, "Rank"] == "4 из 19 (регионы таблицы 6 статьи 002)"
    assert p.clusters.loc[0, "Scenario"] == "Одинокий"
    empty = profiles.region_profile(data, EMPTY_REGION, "ru", vocab)
    assert set(empty.indicators["Value"]) == {"нет данных"}


def test_registry_in_russian_keeps_its_columns_and_numbers(data, vocab):
    english = profiles.registry_table(data.clusters, data.regions)
    russian = profiles.registry_table(data.clusters, data.regions, "ru", vocab)
    assert list(russian.columns) == list(english.columns) == list(profiles.REGISTRY_COLUMNS)
    assert russian["ID"].tolist() == english["ID"].tolist()
    assert russian["Index (recomputed)"].equals(english["Index (recomputed)"])  # still numbers
    row = russian.set_index("ID").loc["PIC-20"]
    assert row["Name"].startswith("Камский") and row["Region"] == "Республика Татарстан"
    assert row["Status"] == "пилотный инновационный кластер"
    assert "not reported" not in set(russian.astype(str).to_numpy().ravel())
    assert set(profiles.REGISTRY_COLUMNS) <= set(profiles.COLUMN_LABELS)


def test_comparisons_in_russian(data, vocab):
    clusters = profiles.compare_clusters(data, [FULL_CLUSTER, EMPTY_CLUSTER], "ru", vocab)
    assert clusters.loc["Сценарий", EMPTY_CLUSTER] == "Не оценён"
    assert clusters.loc["Индекс (пересчитанный)", FULL_CLUSTER] == "1,07"
    regions = profiles.compare_regions(data, [FULL_REGION, EMPTY_REGION], "ru", vocab)
    assert regions.loc["Сценарии его кластеров", FULL_REGION] == "Одинокий 1"
    assert regions.loc["Сценарии его кластеров", EMPTY_REGION] == "нет кластеров"
    with pytest.raises(ValueError, match="от 2 до 4"):
        profiles.compare_regions(data, [FULL_REGION], "ru")
