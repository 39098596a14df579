"""Equation 1, the published tables recomputed, and the scenarios."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from geo.analysis import indices
from geo.analysis.indices import cluster_index, region_index, scenario_table

# Units whose published index the published inputs cannot give (see docs/INDICES.md).
EXPECTED_CLUSTER_DIFFERENCES = {"PIC-08", "PIC-14"}
EXPECTED_REGION_DIFFERENCES: set[str] = set()


def _comparison(data, table: str, method=None) -> pd.DataFrame:
    if table == "clusters":
        result = cluster_index(data.clusters, method or indices.CLUSTER_METHOD)
        published = data.clusters.set_index("id")["index_published"]
        tol = indices.CLUSTER_PUBLISHED_TOLERANCE
    else:
        result = region_index(data.indicators, method or indices.REGION_METHOD)
        published = data.indicators.set_index("region_code")["fea_index_published"]
        tol = indices.REGION_PUBLISHED_TOLERANCE
    return indices.compare_with_published(result, published, tol)


def test_cluster_index_agrees_with_table_5_except_the_documented_units(data):
    table = _comparison(data, "clusters")
    assert len(table) == 25
    agreeing = table.loc[~table["flag"]]
    assert (agreeing["difference"].abs() <= 0.05 + 1e-9).all()
    assert set(table.loc[table["flag"], "id"]) == EXPECTED_CLUSTER_DIFFERENCES


def test_the_differing_clusters_are_far_from_their_published_value(data):
    table = _comparison(data, "clusters").set_index("id")
    # PIC-08: members 2 of a group maximum 3 -> 1.26, published 1.5.
    assert table.loc["PIC-08", "recomputed"] == pytest.approx(1.262, abs=1e-3)
    # PIC-14: top of its group in publications and R&D -> 1.49, published 1.1.
    assert table.loc["PIC-14", "recomputed"] == pytest.approx(1.487, abs=1e-3)


def test_region_index_agrees_with_table_6(data):
    table = _comparison(data, "regions")
    assert len(table) == 19
    assert set(table.loc[table["flag"], "region_code"]) == EXPECTED_REGION_DIFFERENCES
    moscow = table.set_index("region_code").loc["RU-MOW"]
    assert moscow["recomputed"] == pytest.approx(2.0)  # the maximum of all four indicators


def test_grouping_by_industry_is_what_reproduces_the_table(data):
    ungrouped = indices.IndexMethod(indices.CLUSTER_INDICATORS, group_column=None)
    table = _comparison(data, "clusters", ungrouped)
    assert table["flag"].sum() > 20  # one national comparison group reproduces almost nothing


def test_published_scenario_counts(data):
    table = scenario_table(data.clusters, data.indicators)
    pilots = table.loc[table["cluster_id"].str.startswith("PIC-")]
    counts = indices.scenario_counts(pilots)
    assert counts == {
        "potential": 8,
        "lonely": 14,
        "supported": 3,
        "late": 0,
        "not assessed": 0,
    }
    supported = set(pilots.loc[pilots["scenario"] == "supported", "cluster_id"])
    assert supported == {"PIC-10", "PIC-15", "PIC-22"}  # Kaluga and two in Moscow


def test_clusters_without_indicators_are_not_assessed(data):
    table = scenario_table(data.clusters, data.indicators)
    others = table.loc[~table["cluster_id"].str.startswith("PIC-")]
    assert len(others) > 0
    assert (others["scenario"] == "not assessed").all()
    assert others["cluster_index"].isna().all()


def test_thresholds_are_parameters(data):
    high_bar = scenario_table(
        data.clusters, data.indicators, cluster_threshold=1.45, region_threshold=0.9
    )
    counts = indices.scenario_counts(high_bar.loc[high_bar["cluster_id"].str.startswith("PIC-")])
    assert counts != {"potential": 8, "lonely": 14, "supported": 3, "late": 0, "not assessed": 0}
    assert counts["late"] > 0  # Saint Petersburg (0.93) becomes an active region


# --- Equation 1 on small frames -------------------------------------------------------


def _frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"id": [f"u{i}" for i in range(n)], **columns})


TWO = (indices.Indicator("x", 0.7), indices.Indicator("y", 0.3))


def test_weights_cancel_in_equation_1_as_printed():
    frame = _frame(x=[1.0, 2.0, 4.0], y=[3.0, 1.0, 2.0])
    a = indices.compute_index(frame, indices.IndexMethod(TWO), "id").index
    b = indices.compute_index(
        frame, indices.IndexMethod(TWO).with_weights({"x": 0.05, "y": 0.95}), "id"
    ).index
    pd.testing.assert_series_equal(a, b)


def test_weights_matter_when_placed_outside_the_ratio():
    frame = _frame(x=[1.0, 2.0, 4.0], y=[3.0, 1.0, 2.0])
    method = indices.IndexMethod(TWO, weight_placement="outside")
    result = indices.compute_index(frame, method, "id").index
    # u0: 0.7 * 1/4 and 0.3 * 3/3
    assert result["u0"] == pytest.approx(math.hypot(0.7 * 0.25, 0.3 * 1.0))
    changed = indices.compute_index(frame, method.with_weights({"x": 0.1}), "id").index
    assert changed["u0"] == pytest.approx(math.hypot(0.1 * 0.25, 0.3 * 1.0))
    assert method.attainable_maximum == pytest.approx(math.hypot(0.7, 0.3))


def test_changed_weights_on_the_published_clusters_only_matter_outside(data):
    heavy_export = {"export_bln_rub": 0.9, "intl_members": 0.01}
    inside = _comparison(data, "clusters", indices.CLUSTER_METHOD.with_weights(heavy_export))
    base = _comparison(data, "clusters")
    np.testing.assert_allclose(inside["recomputed"], base["recomputed"])
    outside = indices.IndexMethod(
        indices.CLUSTER_METHOD.with_weights(heavy_export).indicators,
        group_column="industry_group",
        weight_placement="outside",
    )
    changed = _comparison(data, "clusters", outside)
    assert not np.allclose(changed["recomputed"], base["recomputed"])


def test_bad_weights_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="unknown indicator"):
        indices.IndexMethod(TWO).with_weights({"z": 1.0})
    with pytest.raises(ValueError, match="non-negative"):
        indices.IndexMethod(TWO).with_weights({"x": -1.0})
    with pytest.raises(ValueError, match="not a number"):
        indices.parse_weights("x=abc", TWO)


def test_missing_values_count_as_zero_and_are_reported():
    frame = _frame(x=[2.0, np.nan], y=[1.0, 1.0])
    result = indices.compute_index(frame, indices.IndexMethod(TWO), "id").frame
    row = result.set_index("id").loc["u1"]
    assert row["index"] == pytest.approx(1.0)  # only y, at the group maximum
    assert row["missing"] == "x"
    assert "missing" in row["notes"]
    assert result.set_index("id").loc["u0", "missing"] == ""


def test_missing_values_can_exclude_a_unit():
    frame = _frame(x=[2.0, np.nan], y=[1.0, 1.0])
    method = indices.IndexMethod(TWO, missing="exclude")
    result = indices.compute_index(frame, method, "id").frame.set_index("id")
    assert math.isnan(result.loc["u1", "index"])
    assert "not assessed" in result.loc["u1", "notes"]
    assert result.loc["u0", "index"] == pytest.approx(math.sqrt(2))


def test_negative_values_are_squared_as_in_the_papers():
    frame = _frame(x=[-8.0, 4.0], y=[1.0, 1.0])
    result = indices.compute_index(frame, indices.IndexMethod(TWO), "id").frame.set_index("id")
    assert result.loc["u0", "x_component"] == pytest.approx(-2.0)
    assert result.loc["u0", "index"] == pytest.approx(math.sqrt(4 + 1))
    assert "negative" in result.loc["u0", "notes"]


def test_negative_values_can_count_as_zero():
    frame = _frame(x=[-8.0, 4.0], y=[1.0, 1.0])
    method = indices.IndexMethod(TWO, negatives="zero")
    result = indices.compute_index(frame, method, "id").frame.set_index("id")
    assert result.loc["u0", "index"] == pytest.approx(1.0)
    assert result.loc["u0", "x"] == -8.0  # the input is shown as given


def test_kaluga_index_comes_from_its_trade_deficit(data):
    result = region_index(data.indicators).frame.set_index("region_code")
    kaluga = result.loc["RU-KLU"]
    assert kaluga["trade_surplus_per_capita_component"] < -1
    clipped = region_index(
        data.indicators, indices.IndexMethod(indices.REGION_INDICATORS, negatives="zero")
    ).frame.set_index("region_code")
    assert clipped.loc["RU-KLU", "index"] < 0.6 < kaluga["index"]


def test_single_member_group_gives_a_clear_result():
    frame = _frame(x=[5.0, 1.0, 2.0], y=[0.0, 1.0, 2.0], g=["solo", "pair", "pair"])
    method = indices.IndexMethod(TWO, group_column="g")
    result = indices.compute_index(frame, method, "id").frame.set_index("id")
    solo = result.loc["u0"]
    assert solo["group_size"] == 1
    assert solo["index"] == pytest.approx(1.0)  # x at its own maximum, y zero
    assert "single-member" in solo["notes"]
    assert result.loc["u2", "index"] == pytest.approx(math.sqrt(2))


def test_all_zero_indicator_gives_zero_component_without_warnings():
    frame = _frame(x=[0.0, 0.0], y=[1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = indices.compute_index(frame, indices.IndexMethod(TWO), "id").frame
    assert (result["x_component"] == 0).all()
    assert result["index"].notna().all()
    assert "no positive value" in result["notes"].iat[0]


def test_group_column_must_be_complete():
    frame = _frame(x=[1.0, 2.0], y=[1.0, 1.0], g=["a", None])
    with pytest.raises(ValueError, match="comparison group"):
        indices.compute_index(frame, indices.IndexMethod(TWO, group_column="g"), "id")


def test_scenarios_not_assessed_without_a_region_index():
    table = indices.classify_scenarios(
        pd.Series({"c1": 1.5, "c2": 0.5, "c3": np.nan, "c4": 1.2}),
        pd.Series({"c1": "R1", "c2": "R1", "c3": "R1", "c4": "R9"}),
        pd.Series({"R1": 1.2}),
    ).set_index("cluster_id")
    assert table["scenario"].to_dict() == {
        "c1": "supported",
        "c2": "late",
        "c3": "not assessed",
        "c4": "not assessed",
    }


def test_a_cluster_with_indicators_but_no_industry_group_is_not_assessed(data):
    """A registered cluster may give its export but not its industry group: it cannot be
    compared within a group, so it is "not assessed", and every other cluster keeps its
    index (this failed the whole dataset, hence every page and the API, before)."""
    clusters = data.clusters.copy()
    extra = clusters.iloc[[0]].copy()
    extra["id"], extra["industry_group"], extra["export_bln_rub"] = "CL-0999", None, 0.8
    both = pd.concat([clusters, extra], ignore_index=True)
    result = indices.cluster_index(both)
    assert "CL-0999" not in result.index.index
    before = indices.cluster_index(clusters).index
    assert result.index.reindex(before.index).equals(before)
    table = indices.scenario_table(both, data.indicators)
    assert table.set_index("cluster_id").loc["CL-0999", "scenario"] == "not assessed"
