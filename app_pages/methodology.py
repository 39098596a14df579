"""Methodology page: Equation 1, its parameters, live recomputation and the scenario figure
(Russian and English); the methods, points and tables come from ``geo.analysis.methodology``."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import indices, methodology as method
from geo.analysis.indices import scenario_table
from geo.base import i18n
from geo.render.palette import SCENARIO_COLOURS
from ui.dataset import dataset
from ui.lang import current_lang, vocabulary_labels

data = dataset()
lang = current_lang()
vocab = vocabulary_labels()


def t(key: str) -> str:
    """The page's text ``key`` in the interface language."""
    return method.text(key, lang)


def column_config(columns: pd.Index) -> dict[str, st.column_config.Column]:
    """Translated headers (and number columns) for a table of this page."""
    return {
        c: (st.column_config.NumberColumn if h.numeric else st.column_config.Column)(h.title)
        for c, h in method.headers(columns, lang, vocab).items()
    }


def choice(parameter: str) -> str:
    """A radio button of the method ``parameter``, the papers' choice first."""
    labels = method.option_labels(parameter, lang)
    return st.radio(t(parameter), list(labels), format_func=labels.get, key=f"method_{parameter}")


def table(frame: pd.DataFrame, **options) -> None:
    st.dataframe(frame, hide_index=True, column_config=column_config(frame.columns), **options)


st.title(t("title"))
st.markdown(t("intro"))
st.latex(method.EQUATION)

with st.sidebar:
    st.header(t("parameters"))
    st.caption(t("weights"))
    weights = {
        ind.column: st.number_input(
            method.indicator_label(ind.column, lang, vocab),
            min_value=0.0,
            max_value=1.0,
            value=ind.weight,
            step=0.01,
            key=f"w_{ind.column}",
        )
        for ind in indices.CLUSTER_INDICATORS
    }
    placement, grouping, missing, negatives = map(
        choice, ("placement", "grouping", "missing", "negatives")
    )
    cluster_threshold = st.slider(
        t("cluster_threshold"), 0.0, 2.0, 1.0, 0.05, key="method_cluster_threshold"
    )
    region_threshold = st.slider(
        t("region_threshold"), 0.0, 2.0, 1.0, 0.05, key="method_region_threshold"
    )

cluster_method, region_method = method.methods(weights, placement, grouping, missing, negatives)
scenarios = scenario_table(
    data.clusters,
    data.indicators,
    cluster_method,
    region_method,
    cluster_threshold,
    region_threshold,
)
for col, (name, n) in zip(
    st.columns(5), method.scenario_metrics(scenarios, lang).items(), strict=True
):
    col.metric(name, n)
st.caption(t("published_counts"))

st.subheader(t("scenarios"))
points = method.scenario_points(data.clusters, scenarios, lang, vocab)
top = method.axis_top(points)
title = {c: h.title for c, h in method.headers(points.columns, lang, vocab).items()}
scale = alt.Scale(domain=[0, top])
dots = (
    alt.Chart(points)
    .mark_circle(size=90, opacity=0.9)
    .encode(
        x=alt.X("region_index:Q", title=t("region_axis"), scale=scale),
        y=alt.Y("cluster_index:Q", title=t("cluster_axis"), scale=scale),
        color=alt.Color(
            "scenario_name:N",
            scale=alt.Scale(
                domain=[i18n.scenario_name(s, lang) for s in SCENARIO_COLOURS],
                range=list(SCENARIO_COLOURS.values()),
            ),
            legend=alt.Legend(title=t("scenario")),
        ),
        tooltip=[
            alt.Tooltip("cluster_id:N", title=title["cluster_id"]),
            alt.Tooltip("name:N", title=title["name"]),
            alt.Tooltip("industry_group:N", title=title["industry_group"]),
            alt.Tooltip("region_code:N", title=title["region_code"]),
            alt.Tooltip("cluster_index:Q", title=title["cluster_index"], format=".2f"),
            alt.Tooltip("region_index:Q", title=title["region_index"], format=".2f"),
            alt.Tooltip("scenario_name:N", title=title["scenario"]),
        ],
    )
)
rules = alt.Chart(pd.DataFrame({"x": [region_threshold]})).mark_rule(strokeDash=[4, 4]).encode(
    x="x:Q"
) + alt.Chart(pd.DataFrame({"y": [cluster_threshold]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
quadrants = (
    alt.Chart(method.quadrant_labels(top, region_threshold, lang))
    .mark_text(fontWeight="bold", opacity=0.6)
    .encode(x="x:Q", y="y:Q", text="text:N")
)
st.altair_chart(
    (dots + rules + quadrants).configure(locale=i18n.vega_locale(lang)), width="stretch"
)
with st.expander(t("numbers")):
    columns = [
        "cluster_id",
        "name",
        "cluster_index",
        "region_code",
        "region_index",
        "scenario_name",
    ]
    table(points[columns].rename(columns={"scenario_name": "scenario"}))

st.subheader(t("clusters_table"))
table(method.comparison(data, "clusters", cluster_method, lang, vocab), width="stretch")
st.subheader(t("regions_table"))
table(method.comparison(data, "regions", region_method, lang, vocab), width="stretch")
