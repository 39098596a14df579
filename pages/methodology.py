"""Methodology page: Equation 1, its parameters, live recomputation and the scenario figure
(Russian and English)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import indices
from geo.analysis.dataset import index_comparison
from geo.analysis.indices import scenario_table
from geo.base import i18n
from geo.base.i18n import N_
from geo.render.palette import SCENARIO_COLOURS
from ui.dataset import dataset
from ui.lang import current_lang, translator, vocabulary_labels

data = dataset()
lang = current_lang()
_ = translator()
vocab = vocabulary_labels()

PLACEMENT_LABELS = {
    "inside": N_("Equation 1 as printed (weights cancel)"),
    "outside": N_("α·x / max(x) (weights count)"),
}
GROUPING_LABELS = {
    "industry_group": N_("Within industry group (papers)"),
    "all": N_("All clusters together"),
}
MISSING_LABELS = {"zero": N_("Count as 0 (papers)"), "exclude": N_("Leave unit unassessed")}
NEGATIVE_LABELS = {"square": N_("Squared (papers)"), "zero": N_("Count as 0")}

# Display headers of the tables; the frames keep their column names.
TABLE_LABELS: dict[str, str] = {
    "cluster_id": N_("Cluster"),
    "id": N_("Cluster"),
    "name": N_("Name"),
    "industry_group": N_("Industry group"),
    "region_code": N_("Region"),
    "cluster_index": N_("Cluster index"),
    "region_index": N_("Region index"),
    "scenario": N_("Scenario"),
    "group": N_("Comparison group"),
    "recomputed": N_("Recomputed"),
    "published": N_("Published"),
    "difference": N_("Difference"),
    "flag": N_("Flagged"),
    "reason": N_("Reason"),
    "missing": N_("Missing indicators"),
    "notes": N_("Notes"),
}
COMPONENT = N_("{indicator}: component")
NUMERIC = {"cluster_index", "region_index", "recomputed", "published", "difference"}


def header(column: str) -> str:
    """The translated display header of a table column."""
    return _(TABLE_LABELS[column])


def indicator_label(column: str) -> str:
    """An index indicator in the current language (Russian labels from the data)."""
    english = {i.column: i.label for i in (*indices.CLUSTER_INDICATORS, *indices.REGION_INDICATORS)}
    return i18n.indicator_label(column, lang, vocab, english.get(column))


def column_config(columns: pd.Index) -> dict[str, st.column_config.Column]:
    """Translated headers (and number columns) for a table of this page."""
    config: dict[str, st.column_config.Column] = {}
    for column in columns:
        if column.endswith("_component"):
            title = _(COMPONENT).format(
                indicator=indicator_label(column.removesuffix("_component"))
            )
            config[column] = st.column_config.NumberColumn(title)
        elif column in NUMERIC:
            config[column] = st.column_config.NumberColumn(header(column))
        elif column in TABLE_LABELS:
            config[column] = st.column_config.Column(header(column))
    return config


def _translate_column(values: pd.Series, translate) -> pd.Series:
    """``translate`` each distinct value once (tables of a synthetic registry are long)."""
    return values.map({v: translate(v) for v in values.unique()})


def group_label(group: str) -> str:
    """A comparison group: an industry group from the data, or the regional "all units"."""
    if group in i18n.INDEX_TEXT:
        return _(i18n.INDEX_TEXT[group])
    return vocab.term("industry_group", group, lang)


def localised_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """``index_comparison``'s table with its texts in the current language."""
    out = table.copy()
    out["group"] = _translate_column(out["group"], group_label)
    for column in ("reason", "notes"):
        out[column] = _translate_column(
            out[column], lambda t: i18n.index_text(t, lang, indicator_label)
        )
    out["missing"] = _translate_column(
        out["missing"], lambda t: i18n.column_list(t, indicator_label)
    )
    return out


st.title(_("Methodology: internationalisation indices and scenarios"))
st.markdown(
    _(
        "Both indices are computed by multivariate comparative analysis (Equation 1 of the "
        "papers 001/002): each indicator, multiplied by its weight, is divided by its maximum "
        "in the unit's **comparison group**; the ratios are squared, summed, and the square "
        "root taken. See `docs/INDICES.md` for what reproduces the published tables and why "
        "two clusters differ."
    )
)
st.latex(
    r"I_i = \sqrt{\sum_{j=1}^{m}\left(\frac{\alpha_j x_{ij}}"
    r"{\max_{k \in G(i)} \alpha_j x_{kj}}\right)^2}"
)

with st.sidebar:
    st.header(_("Parameters"))
    st.caption(_("Cluster weights α (paper 002, Table 4)"))
    weights = {
        ind.column: st.number_input(
            indicator_label(ind.column),
            min_value=0.0,
            max_value=1.0,
            value=ind.weight,
            step=0.01,
            key=f"w_{ind.column}",
        )
        for ind in indices.CLUSTER_INDICATORS
    }
    placement = st.radio(
        _("Where the weights act"),
        ["inside", "outside"],
        format_func=lambda v: _(PLACEMENT_LABELS[v]),
        key="method_placement",
    )
    grouping = st.radio(
        _("Comparison groups for clusters"),
        ["industry_group", "all"],
        format_func=lambda v: _(GROUPING_LABELS[v]),
        key="method_grouping",
    )
    missing = st.radio(
        _("Missing values"),
        ["zero", "exclude"],
        format_func=lambda v: _(MISSING_LABELS[v]),
        key="method_missing",
    )
    negatives = st.radio(
        _("Negative values"),
        ["square", "zero"],
        format_func=lambda v: _(NEGATIVE_LABELS[v]),
        key="method_negatives",
    )
    cluster_threshold = st.slider(
        _("Cluster threshold (high at or above)"),
        0.0,
        2.0,
        1.0,
        0.05,
        key="method_cluster_threshold",
    )
    region_threshold = st.slider(
        _("Region threshold (high at or above)"), 0.0, 2.0, 1.0, 0.05, key="method_region_threshold"
    )

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
    col.metric(i18n.scenario_name(name, lang), i18n.format_int(n, lang))
st.caption(
    _("The papers report 3 supported, 14 lonely and 8 potential among the 25 pilot clusters.")
)

st.subheader(_("Scenarios: cluster index against region index"))
points = scenarios.merge(
    pd.DataFrame(clusters[["id", "name_en", "name_ru", "industry_group"]]),
    left_on="cluster_id",
    right_on="id",
).dropna(subset=["cluster_index", "region_index"])
points["name"] = i18n.localised_names(points, lang)
points["industry_group"] = vocab.terms("industry_group", points["industry_group"], lang)
points["scenario_name"] = points["scenario"].map(
    {s: i18n.scenario_name(s, lang) for s in SCENARIO_COLOURS}
)
top = max(2.0, float(points[["cluster_index", "region_index"]].max().max()) + 0.1)
scale_x = alt.Scale(domain=[0, top])
scale_y = alt.Scale(domain=[0, top])
dots = (
    alt.Chart(points)
    .mark_circle(size=90, opacity=0.9)
    .encode(
        x=alt.X(
            "region_index:Q", title=_("Regional foreign-economic-activity index"), scale=scale_x
        ),
        y=alt.Y("cluster_index:Q", title=_("Cluster internationalisation index"), scale=scale_y),
        color=alt.Color(
            "scenario_name:N",
            scale=alt.Scale(
                domain=[i18n.scenario_name(s, lang) for s in SCENARIO_COLOURS],
                range=list(SCENARIO_COLOURS.values()),
            ),
            legend=alt.Legend(title=_("Scenario")),
        ),
        tooltip=[
            alt.Tooltip("cluster_id:N", title=header("cluster_id")),
            alt.Tooltip("name:N", title=header("name")),
            alt.Tooltip("industry_group:N", title=header("industry_group")),
            alt.Tooltip("region_code:N", title=header("region_code")),
            alt.Tooltip("cluster_index:Q", title=header("cluster_index"), format=".2f"),
            alt.Tooltip("region_index:Q", title=header("region_index"), format=".2f"),
            alt.Tooltip("scenario_name:N", title=header("scenario")),
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
        "text": [i18n.scenario_name(s, lang) for s in ("lonely", "supported", "potential", "late")],
    }
)
quadrants = (
    alt.Chart(labels)
    .mark_text(fontWeight="bold", opacity=0.6)
    .encode(x="x:Q", y="y:Q", text="text:N")
)
chart = (dots + rules + quadrants).configure(locale=i18n.vega_locale(lang))
st.altair_chart(chart, width="stretch")
with st.expander(_("Numbers behind the chart")):
    numbers = points[
        ["cluster_id", "name", "cluster_index", "region_code", "region_index", "scenario_name"]
    ].rename(columns={"scenario_name": "scenario"})
    st.dataframe(numbers, hide_index=True, column_config=column_config(numbers.columns))

st.subheader(_("Clusters: published vs recomputed (Table 5)"))
cluster_table = localised_comparison(index_comparison(data, "clusters", cluster_method))
st.dataframe(
    cluster_table,
    hide_index=True,
    width="stretch",
    column_config=column_config(cluster_table.columns),
)

st.subheader(_("Regions: published vs recomputed (Table 6)"))
region_table = localised_comparison(index_comparison(data, "regions", region_method))
st.dataframe(
    region_table,
    hide_index=True,
    width="stretch",
    column_config=column_config(region_table.columns),
)
