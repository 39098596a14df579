"""The methodology page as plain data: the index methods the page's parameters describe,
the scenario of every cluster under them, the points of the scenario chart, and the tables
of published against recomputed indices, with their texts in the interface language.

The page (``app_pages/methodology.py``) draws the parameters, the chart and the tables.
:data:`TEXT` and the ``*_LABELS`` dictionaries hold its words (English msgids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from geo.analysis import indices
from geo.analysis.dataset import Dataset, index_comparison
from geo.base import i18n
from geo.base.i18n import N_

TEXT: dict[str, str] = {
    "title": N_("Methodology: internationalisation indices and scenarios"),
    "intro": N_(
        "Both indices are computed by multivariate comparative analysis (Equation 1 of the "
        "papers 001/002): each indicator, multiplied by its weight, is divided by its maximum "
        "in the unit's **comparison group**; the ratios are squared, summed, and the square "
        "root taken. See `docs/INDICES.md` for what reproduces the published tables and why "
        "two clusters differ."
    ),
    "parameters": N_("Parameters"),
    "weights": N_("Cluster weights α (paper 002, Table 4)"),
    "placement": N_("Where the weights act"),
    "grouping": N_("Comparison groups for clusters"),
    "missing": N_("Missing values"),
    "negatives": N_("Negative values"),
    "cluster_threshold": N_("Cluster threshold (high at or above)"),
    "region_threshold": N_("Region threshold (high at or above)"),
    "published_counts": N_(
        "The papers report 3 supported, 14 lonely and 8 potential among the 25 pilot clusters."
    ),
    "scenarios": N_("Scenarios: cluster index against region index"),
    "region_axis": N_("Regional foreign-economic-activity index"),
    "cluster_axis": N_("Cluster internationalisation index"),
    "scenario": N_("Scenario"),
    "numbers": N_("Numbers behind the chart"),
    "clusters_table": N_("Clusters: published vs recomputed (Table 5)"),
    "regions_table": N_("Regions: published vs recomputed (Table 6)"),
}
"""The page's own words (English msgids in one place)."""
EQUATION = (
    r"I_i = \sqrt{\sum_{j=1}^{m}\left(\frac{\alpha_j x_{ij}}"
    r"{\max_{k \in G(i)} \alpha_j x_{kj}}\right)^2}"
)
"""Equation 1 of the papers, in LaTeX (language-neutral)."""

OPTIONS: dict[str, dict[str, str]] = {
    "placement": {
        "inside": N_("Equation 1 as printed (weights cancel)"),
        "outside": N_("α·x / max(x) (weights count)"),
    },
    "grouping": {
        "industry_group": N_("Within industry group (papers)"),
        "all": N_("All clusters together"),
    },
    "missing": {"zero": N_("Count as 0 (papers)"), "exclude": N_("Leave unit unassessed")},
    "negatives": {"square": N_("Squared (papers)"), "zero": N_("Count as 0")},
}
"""The choices of each method parameter (the first is the papers'), with their labels."""

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
"""Display headers of the tables; the frames keep their column names."""
COMPONENT = N_("{indicator}: component")
NUMERIC = {"cluster_index", "region_index", "recomputed", "published", "difference"}
QUADRANTS = ("lonely", "supported", "potential", "late")
"""The scenarios in the chart's corners: top left, top right, bottom left, bottom right."""


def text(key: str, lang: str = "en") -> str:
    """``TEXT[key]`` in ``lang``."""
    return i18n.translator(lang)(TEXT[key])


def option_labels(parameter: str, lang: str = "en") -> dict[str, str]:
    """The choices of a method parameter with their labels in ``lang``, the papers' first."""
    _ = i18n.translator(lang)
    return {value: _(label) for value, label in OPTIONS[parameter].items()}


def indicator_label(column: str, lang: str = "en", vocab=None) -> str:
    """An index indicator in ``lang`` (Russian labels from the data)."""
    english = {i.column: i.label for i in (*indices.CLUSTER_INDICATORS, *indices.REGION_INDICATORS)}
    return i18n.indicator_label(column, lang, vocab, english.get(column))


@dataclass(frozen=True)
class Header:
    """How a table column is headed, and whether it holds numbers."""

    title: str
    numeric: bool


def headers(columns: Iterable[str], lang: str = "en", vocab=None) -> dict[str, Header]:
    """The display headers of a table's columns in ``lang`` (columns without one are left
    out): an indicator's component, a number, or a plain column."""
    _ = i18n.translator(lang)
    out: dict[str, Header] = {}
    for column in columns:
        if column.endswith("_component"):
            indicator = indicator_label(column.removesuffix("_component"), lang, vocab)
            out[column] = Header(_(COMPONENT).format(indicator=indicator), True)
        elif column in TABLE_LABELS:
            out[column] = Header(_(TABLE_LABELS[column]), column in NUMERIC)
    return out


def methods(
    weights: Mapping[str, float],
    placement: indices.WeightPlacement,
    grouping: str,
    missing: indices.MissingPolicy,
    negatives: indices.NegativePolicy,
) -> tuple[indices.IndexMethod, indices.IndexMethod]:
    """The cluster and region index methods the page's parameters describe: the cluster
    ``weights`` by indicator, where they act, the cluster comparison groups (by industry
    group or all together), and how missing and negative values count."""
    cluster = indices.IndexMethod(
        indices.CLUSTER_METHOD.with_weights(weights).indicators,
        group_column="industry_group" if grouping == "industry_group" else None,
        weight_placement=placement,
        missing=missing,
        negatives=negatives,
    )
    region = indices.IndexMethod(
        indices.REGION_INDICATORS, weight_placement=placement, missing=missing, negatives=negatives
    )
    return cluster, region


def scenario_metrics(scenarios: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """How many assessed clusters fall in each scenario, by the scenario's name."""
    counts = indices.scenario_counts(scenarios.loc[scenarios["cluster_index"].notna()])
    return {i18n.scenario_name(name, lang): i18n.format_int(n, lang) for name, n in counts.items()}


def scenario_points(
    clusters: pd.DataFrame, scenarios: pd.DataFrame, lang: str = "en", vocab=None
) -> pd.DataFrame:
    """The chart's points: every cluster with both indices, with its name, industry group
    and scenario name in ``lang``."""
    points = scenarios.merge(
        pd.DataFrame(clusters[["id", "name_en", "name_ru", "industry_group"]]),
        left_on="cluster_id",
        right_on="id",
    ).dropna(subset=["cluster_index", "region_index"])
    points["name"] = i18n.localised_names(points, lang)
    points["industry_group"] = vocab.terms("industry_group", points["industry_group"], lang)
    names = {s: i18n.scenario_name(s, lang) for s in i18n.SCENARIO_DESCRIPTIONS}
    points["scenario_name"] = points["scenario"].map(names)
    return points


def axis_top(points: pd.DataFrame) -> float:
    """The upper end of both axes: 2, or just above the largest index."""
    return max(2.0, float(points[["cluster_index", "region_index"]].max().max()) + 0.1)


def quadrant_labels(top: float, region_threshold: float, lang: str = "en") -> pd.DataFrame:
    """Where the chart names its four scenarios (``x``, ``y``, ``text``)."""
    return pd.DataFrame(
        {
            "x": [region_threshold / 2, (region_threshold + top) / 2] * 2,
            "y": [top - 0.08, top - 0.08, 0.08, 0.08],
            "text": [i18n.scenario_name(s, lang) for s in QUADRANTS],
        }
    )


def _translate_column(values: pd.Series, translate: Callable[[str], str]) -> pd.Series:
    """``translate`` each distinct value once (tables of a synthetic registry are long)."""
    return values.map({v: translate(v) for v in values.unique()})


def comparison(
    data: Dataset,
    unit: Literal["clusters", "regions"],
    method: indices.IndexMethod,
    lang: str = "en",
    vocab=None,
) -> pd.DataFrame:
    """:func:`geo.analysis.dataset.index_comparison` of ``unit`` ("clusters" or "regions")
    with its texts in ``lang``: comparison groups, reasons, notes, missing indicators."""
    _ = i18n.translator(lang)

    def label(column: str) -> str:
        return indicator_label(column, lang, vocab)

    def group(name: str) -> str:
        # an industry group from the data, or the regional "all units"
        if name in i18n.INDEX_TEXT:
            return _(i18n.INDEX_TEXT[name])
        return vocab.term("industry_group", name, lang)

    out = index_comparison(data, unit, method).copy()
    out["group"] = _translate_column(out["group"], group)
    for column in ("reason", "notes"):
        out[column] = _translate_column(out[column], lambda t: i18n.index_text(t, lang, label))
    out["missing"] = _translate_column(out["missing"], lambda t: i18n.column_list(t, label))
    return out
