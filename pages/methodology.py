"""Methodology page: Equation 1, its parameters, live recomputation and the scenario figure."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo import indices
from geo.dataset import index_comparison, scenario_table
from geo.palette import SCENARIO_COLOURS
from pages.common import dataset

data = dataset()

st.title("Methodology: internationalisation indices and scenarios")
st.markdown(
    "Both indices are computed by multivariate comparative analysis (Equation 1 of the "
    "papers 001/002): each indicator, multiplied by its weight, is divided by its maximum "
    "in the unit's **comparison group**; the ratios are squared, summed, and the square "
    "root taken. See `docs/INDICES.md` for what reproduces the published tables and why "
    "two clusters differ."
)
st.latex(
    r"I_i = \sqrt{\sum_{j=1}^{m}\left(\frac{\alpha_j x_{ij}}"
    r"{\max_{k \in G(i)} \alpha_j x_{kj}}\right)^2}"
)

with st.sidebar:
    st.header("Parameters")
    st.caption("Cluster weights α (paper 002, Table 4)")
    weights = {
        ind.column: st.number_input(
            ind.label,
            min_value=0.0,
            max_value=1.0,
            value=ind.weight,
            step=0.01,
            key=f"w_{ind.column}",
        )
        for ind in indices.CLUSTER_INDICATORS
    }
    placement = st.radio(
        "Where the weights act",
        ["inside", "outside"],
        format_func=lambda v: {
            "inside": "Equation 1 as printed (weights cancel)",
            "outside": "α·x / max(x) (weights count)",
        }[v],
    )
    grouping = st.radio(
        "Comparison groups for clusters",
        ["industry_group", "all"],
        format_func=lambda v: {
            "industry_group": "Within industry group (papers)",
            "all": "All clusters together",
        }[v],
    )
    missing = st.radio(
        "Missing values",
        ["zero", "exclude"],
        format_func=lambda v: {"zero": "Count as 0 (papers)", "exclude": "Leave unit unassessed"}[
            v
        ],
    )
    negatives = st.radio(
        "Negative values",
        ["square", "zero"],
        format_func=lambda v: {"square": "Squared (papers)", "zero": "Count as 0"}[v],
    )
    cluster_threshold = st.slider("Cluster threshold (high at or above)", 0.0, 2.0, 1.0, 0.05)
    region_threshold = st.slider("Region threshold (high at or above)", 0.0, 2.0, 1.0, 0.05)

cluster_method = indices.IndexMethod(
    indices.CLUSTER_METHOD.with_weights(weights).indicators,
    group_column="industry_group" if grouping == "industry_group" else None,
    weight_placement=placement,
    missing=missing,
    negatives=negatives,
)
region_method = indices.IndexMethod(
    indices.REGION_INDICATORS, weight_placement=placement, missing=missing, negatives=negatives
)

clusters = data.clusters
scenarios = scenario_table(
    clusters, data.indicators, cluster_method, region_method, cluster_threshold, region_threshold
)

counts = indices.scenario_counts(scenarios.loc[scenarios["cluster_index"].notna()])
cols = st.columns(5)
for col, (name, n) in zip(cols, counts.items(), strict=True):
    col.metric(name.capitalize(), n)
st.caption("The papers report 3 supported, 14 lonely and 8 potential among the 25 pilot clusters.")

st.subheader("Scenarios: cluster index against region index")
points = scenarios.merge(
    pd.DataFrame(clusters[["id", "name_en", "industry_group"]]),
    left_on="cluster_id",
    right_on="id",
).dropna(subset=["cluster_index", "region_index"])
top = max(2.0, float(points[["cluster_index", "region_index"]].max().max()) + 0.1)
scale_x = alt.Scale(domain=[0, top])
scale_y = alt.Scale(domain=[0, top])
dots = (
    alt.Chart(points)
    .mark_circle(size=90, opacity=0.9)
    .encode(
        x=alt.X("region_index:Q", title="Regional foreign-economic-activity index", scale=scale_x),
        y=alt.Y("cluster_index:Q", title="Cluster internationalisation index", scale=scale_y),
        color=alt.Color(
            "scenario:N",
            scale=alt.Scale(domain=list(SCENARIO_COLOURS), range=list(SCENARIO_COLOURS.values())),
            legend=alt.Legend(title="Scenario"),
        ),
        tooltip=[
            "cluster_id",
            "name_en",
            "industry_group",
            "region_code",
            alt.Tooltip("cluster_index:Q", format=".2f"),
            alt.Tooltip("region_index:Q", format=".2f"),
            "scenario",
        ],
    )
)
rules = alt.Chart(pd.DataFrame({"x": [region_threshold]})).mark_rule(strokeDash=[4, 4]).encode(
    x="x:Q"
) + alt.Chart(pd.DataFrame({"y": [cluster_threshold]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
labels = pd.DataFrame(
    {
        "x": [region_threshold / 2, (region_threshold + top) / 2] * 2,
        "y": [top - 0.08, top - 0.08, 0.08, 0.08],
        "text": ["Lonely", "Supported", "Potential", "Late"],
    }
)
quadrants = (
    alt.Chart(labels)
    .mark_text(fontWeight="bold", opacity=0.6)
    .encode(x="x:Q", y="y:Q", text="text:N")
)
st.altair_chart(dots + rules + quadrants, use_container_width=True)
with st.expander("Numbers behind the chart"):
    st.dataframe(
        points[
            ["cluster_id", "name_en", "cluster_index", "region_code", "region_index", "scenario"]
        ],
        hide_index=True,
    )

st.subheader("Clusters: published vs recomputed (Table 5)")
st.dataframe(
    index_comparison(data, "clusters", cluster_method), hide_index=True, use_container_width=True
)

st.subheader("Regions: published vs recomputed (Table 6)")
st.dataframe(
    index_comparison(data, "regions", region_method), hide_index=True, use_container_width=True
)
