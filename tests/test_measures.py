"""geo.analysis.measures: region measures from the regional table and from the cluster registry."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.analysis import measures, ranks
from geo.analysis.dataset import Dataset
from geo.data import records
from tests.support.datasets import small_dataset


@pytest.fixture
def data() -> Dataset:
    regions = pd.DataFrame({"code": ["RU-A", "RU-B", "RU-C", "RU-D"]})
    clusters = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3", "c4"],
            "region_code": ["RU-A", "RU-A", "RU-B", None],
            "cluster_index": [0.5, 1.5, math.nan, 0.7],
        }
    )
    links = pd.DataFrame({"link_id": ["l1", "l2", "l3"], "cluster_id": ["c1", "c3", "c4"]})
    indicators = pd.DataFrame(
        {
            "region_code": ["RU-A", "RU-B"],
            "fdi_per_capita": [100.0, 50.0],
            "trade_turnover_per_capita": [10.0, 20.0],
            "trade_surplus_per_capita": [5.0, -5.0],
            "foreign_owned_companies": [3.0, math.nan],
        }
    )
    return small_dataset(regions=regions, clusters=clusters, mne_links=links, indicators=indicators)


def test_every_measure_has_a_unique_key_and_the_default_exists():
    keys = [m.key for m in measures.available_measures()]
    assert len(keys) == len(set(keys))
    assert measures.DEFAULT_MEASURE in keys
    assert {"fea_index", "cluster_count", "mne_links", "mean_cluster_index"} <= set(keys)
    assert {"fdi_per_capita", "foreign_owned_companies"} <= set(keys), "each FEA component"


def test_unknown_measure_names_the_valid_keys(data):
    with pytest.raises(KeyError, match="unknown measure 'nope'; known: fea_index"):
        measures.compute_measure("nope", data)


def test_registry_counts_are_zero_where_a_region_has_none(data):
    counts = measures.compute_measure("cluster_count", data)
    assert counts.to_dict() == {"RU-A": 2.0, "RU-B": 1.0, "RU-C": 0.0, "RU-D": 0.0}
    links = measures.compute_measure("mne_links", data)
    assert links.to_dict() == {"RU-A": 1.0, "RU-B": 1.0, "RU-C": 0.0, "RU-D": 0.0}, (
        "a link counts in its cluster's region; a cluster without a region counts nowhere"
    )


def test_mean_index_and_table_indicators_are_nan_where_there_is_no_data(data):
    mean = measures.compute_measure("mean_cluster_index", data)
    assert mean["RU-A"] == pytest.approx(1.0)
    assert math.isnan(mean["RU-B"]), "no assessed cluster: no data, not zero"
    assert math.isnan(mean["RU-C"])
    fdi = measures.compute_measure("fdi_per_capita", data)
    assert fdi["RU-A"] == 100.0 and math.isnan(fdi["RU-C"])
    assert math.isnan(measures.compute_measure("foreign_owned_companies", data)["RU-B"])


def test_fea_index_is_recomputed_for_the_table_regions_only(data):
    fea = measures.compute_measure("fea_index", data)
    assert list(fea.index) == ["RU-A", "RU-B", "RU-C", "RU-D"]
    assert fea[["RU-A", "RU-B"]].notna().all()
    assert fea[["RU-C", "RU-D"]].isna().all()
    assert fea["RU-A"] > fea["RU-B"] > 0


def test_measure_table_has_one_column_per_measure(data):
    table = measures.measure_table(data)
    assert list(table.columns) == [m.key for m in measures.MEASURES]
    assert list(table.index) == ["RU-A", "RU-B", "RU-C", "RU-D"]


def test_rank_counts_only_regions_with_data_and_reports_ties():
    values = pd.Series({"a": 3.0, "b": 5.0, "c": 3.0, "d": math.nan})
    assert ranks.rank_of(values, "b") == ranks.Rank(1, 3, 1)
    assert ranks.rank_of(values, "a") == ranks.Rank(2, 3, 2)
    assert str(ranks.rank_of(values, "c")) == "2 of 3 (2 tied)"
    assert ranks.rank_of(values, "d") is None
    assert ranks.rank_of(values, "zz") is None


def test_values_print_with_the_measure_decimals_and_no_data():
    assert measures.format_value(1234.5, "fea_index") == "1\u202f234.50"
    assert measures.format_value(7.0, "cluster_count") == "7"
    assert measures.format_value(math.nan, "fea_index") == "no data"
    assert measures.format_value(None, "cluster_count") == "no data"


def test_published_dataset_has_the_fea_index_for_nineteen_regions():
    from geo.registry.sources import load_dataset

    table = measures.measure_table(load_dataset())
    assert table["fea_index"].notna().sum() == 19
    assert len(table) == 85
    assert (table["cluster_count"] >= 0).all()


def test_ranks_of_all_regions_agree_with_rank_of():
    values = pd.Series({"a": 3.0, "b": 5.0, "c": 3.0, "d": math.nan, "e": 0.0})
    all_ranks = ranks.all_ranks(values)
    assert set(all_ranks) == {"a", "b", "c", "e"}
    for code in values.index:
        assert all_ranks.get(code) == ranks.rank_of(values, code)
    assert ranks.all_ranks(pd.Series([math.nan], index=["x"])) == {}


# --- Russian (issue 9) ----------------------------------------------------------------------


def test_values_in_russian_take_a_decimal_comma_and_thin_space_groups():
    from geo.base import i18n

    assert measures.format_value(1234.5, "fea_index", "ru") == "1\u202f234,50"
    assert measures.format_value(12.0, "cluster_count", "ru") == "12"
    missing = measures.format_value(math.nan, "fea_index", "ru")
    assert missing == i18n.translator("ru")(measures.NO_DATA)
    assert measures.format_value(1234.5, "fea_index") == "1\u202f234.50", "English unchanged"


def test_labels_ranks_and_sources_follow_the_language():
    from geo.base import i18n

    labels = records.vocabulary_labels()
    assert measures.measure_label("fdi_per_capita", "ru", labels) == "ПИИ на душу населения"
    assert measures.measure_label("fdi_per_capita") == measures.measure("fdi_per_capita").label
    _ = i18n.translator("ru")
    assert measures.measure_label("cluster_count", "ru") == _(
        measures.measure("cluster_count").label
    )
    assert measures.family_label("mne_links", "ru") == _("cluster registry")
    tied = ranks.Rank(3, 19, 2)
    assert ranks.rank_text(tied) == str(tied), "English reads as before"
    assert ranks.rank_text(ranks.Rank(1, 1234, 1), "ru") == _("{rank} of {of}").format(
        rank="1", of="1\u202f234"
    )
