"""Composite indices by multivariate comparative analysis (Equation 1 of papers 001/002).

The papers compute a unit's index as

    I_i = sqrt( sum_j ( a_j * x_ij / max_k(a_j * x_kj) )^2 )

where k runs over the unit's *comparison group*: the papers insist that clusters are
compared only within their industry group ("to avoid a distortion of the results"), while
the regional index compares the 19 regions of Table 6 with each other.

Two properties of Equation 1 as printed are worth knowing, and this module makes both
visible instead of hiding them:

* the weight a_j appears in the numerator and in the maximum, so for a_j > 0 it cancels:
  the published indices do not depend on the expert weights. ``weight_placement="outside"``
  offers the reading in which the weights do matter (a_j * x_ij / max_k x_kj);
* a negative value (a trade deficit) gives a negative ratio whose square *adds* to the
  index, so a large deficit raises a region's index. The published regional index does
  exactly this (Kaluga's 1.36 comes mostly from its deficit). ``negatives="zero"`` is the
  alternative reading in which a deficit contributes nothing.

Missing values (``n/a`` in the tables) contribute nothing by default, which is what
reproduces the published numbers; every unit's missing indicators are listed in the
result so that a missing value is never mistaken for data.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": ["a", "b"], "x": [1.0, 2.0], "y": [4.0, 2.0]})
    >>> method = IndexMethod(indicators=(Indicator("x", 1.0), Indicator("y", 1.0)))
    >>> result = compute_index(frame, method, id_column="id")
    >>> [round(v, 3) for v in result.frame["index"]]
    [1.118, 1.118]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

WeightPlacement = Literal["inside", "outside"]
MissingPolicy = Literal["zero", "exclude"]
NegativePolicy = Literal["square", "zero"]

SCENARIOS: tuple[str, ...] = ("potential", "lonely", "supported", "late", "not assessed")
"""The four internationalisation scenarios of papers 001/002, plus units without an index."""


@dataclass(frozen=True)
class Indicator:
    """One input of an index: a column of the frame and its weight a_j."""

    column: str
    weight: float
    label: str = ""


@dataclass(frozen=True)
class IndexMethod:
    """How an index is computed: indicators and weights, comparison groups, policies."""

    indicators: tuple[Indicator, ...]
    group_column: str | None = None
    weight_placement: WeightPlacement = "inside"
    missing: MissingPolicy = "zero"
    negatives: NegativePolicy = "square"

    def with_weights(self, weights: Mapping[str, float]) -> IndexMethod:
        """The same method with some weights replaced (keys are indicator columns)."""
        unknown = set(weights) - {ind.column for ind in self.indicators}
        if unknown:
            raise ValueError(f"unknown indicator(s) for weights: {', '.join(sorted(unknown))}")
        indicators = tuple(
            replace(ind, weight=float(weights.get(ind.column, ind.weight)))
            for ind in self.indicators
        )
        for ind in indicators:
            if not math.isfinite(ind.weight) or ind.weight < 0:
                raise ValueError(f"weight of '{ind.column}' must be a non-negative number")
        return replace(self, indicators=indicators)

    @property
    def attainable_maximum(self) -> float:
        """The largest index any unit can reach (all components equal to their maximum)."""
        if self.weight_placement == "inside":
            return math.sqrt(sum(1 for ind in self.indicators if ind.weight > 0))
        return math.sqrt(sum(ind.weight**2 for ind in self.indicators))


CLUSTER_INDICATORS: tuple[Indicator, ...] = (
    Indicator("intl_members", 0.21, "Number of international cluster members"),
    Indicator("export_bln_rub", 0.31, "Export volume, bln rub."),
    Indicator("publications", 0.22, "Scopus / Web of Science publications"),
    Indicator("joint_rd_bln_rub", 0.26, "Joint international R&D expenditure, bln rub."),
)
"""Cluster indicators and expert weights a (paper 002, Table 4)."""

REGION_INDICATORS: tuple[Indicator, ...] = (
    Indicator("fdi_per_capita", 1.0, "FDI per capita"),
    Indicator("trade_turnover_per_capita", 1.0, "Foreign trade turnover per capita"),
    Indicator("trade_surplus_per_capita", 1.0, "Foreign trade surplus per capita"),
    Indicator("foreign_owned_companies", 1.0, "Number of foreign-owned companies"),
)
"""Regional indicators (paper 002, Table 6). The papers report no weights for the regional
index; equal weights are used, and under Equation 1 as printed weights cancel anyway."""

CLUSTER_METHOD = IndexMethod(CLUSTER_INDICATORS, group_column="industry_group")
"""The cluster internationalisation index as the papers compute it: within industry groups."""

REGION_METHOD = IndexMethod(REGION_INDICATORS, group_column=None)
"""The regional foreign-economic-activity index: all regions of the table in one group."""

CLUSTER_PUBLISHED_TOLERANCE = 0.05
"""Table 5 prints the cluster index to one decimal."""

REGION_PUBLISHED_TOLERANCE = 0.005
"""Table 6 prints the regional index to two decimals."""


@dataclass(frozen=True)
class IndexResult:
    """Per-unit index with its components and what went into it.

    ``frame`` has one row per unit: the id, ``group``, ``group_size``, for each indicator
    ``<column>`` (the input), ``<column>_reference`` (the group maximum it is compared
    with) and ``<column>_component`` (the normalised, weighted ratio), then ``index``,
    ``missing`` (indicators without a value, comma-separated) and ``notes``.
    """

    frame: pd.DataFrame
    method: IndexMethod
    id_column: str
    notes: list[str] = field(default_factory=list)

    @property
    def index(self) -> pd.Series:
        """The index values keyed by unit id."""
        return self.frame.set_index(self.id_column)["index"]


def _group_labels(frame: pd.DataFrame, method: IndexMethod) -> pd.Series:
    if method.group_column is None:
        return pd.Series("all units", index=frame.index)
    if method.group_column not in frame.columns:
        raise KeyError(f"comparison group column '{method.group_column}' is not in the data")
    labels = frame[method.group_column]
    if labels.isna().any():
        raise ValueError(
            f"{int(labels.isna().sum())} unit(s) have no '{method.group_column}': "
            "they cannot be placed in a comparison group"
        )
    return labels.astype(str)


def compute_index(frame: pd.DataFrame, method: IndexMethod, id_column: str) -> IndexResult:
    """Compute Equation 1 for every unit of ``frame`` within its comparison group.

    Units are compared only with the units of their own group. A group with one member,
    an indicator that is zero (or missing) for the whole group, and a zero weight are
    all handled without division by zero: such a component is 0 and a note says why.
    """
    missing_columns = [ind.column for ind in method.indicators if ind.column not in frame]
    if missing_columns:
        raise KeyError(f"indicator column(s) not in the data: {', '.join(missing_columns)}")
    groups = _group_labels(frame, method)
    out = pd.DataFrame({id_column: frame[id_column].to_numpy(), "group": groups.to_numpy()})
    out["group_size"] = groups.map(groups.value_counts()).to_numpy()
    notes: list[list[str]] = [[] for _ in range(len(frame))]
    squares = np.zeros(len(frame))
    missing = np.zeros((len(frame), len(method.indicators)), dtype=bool)

    for j, ind in enumerate(method.indicators):
        raw = pd.to_numeric(frame[ind.column], errors="raise").astype(float).to_numpy()
        missing[:, j] = np.isnan(raw)
        reference, component = _component(ind, raw, groups, method)
        out[ind.column] = raw
        out[f"{ind.column}_reference"] = reference
        out[f"{ind.column}_component"] = component
        squares += component**2
        _add_indicator_notes(notes, ind.column, raw, reference, method)

    out["index"] = np.sqrt(squares)
    out["missing"] = [
        ", ".join(ind.column for j, ind in enumerate(method.indicators) if missing[i, j])
        for i in range(len(frame))
    ]
    if method.missing == "exclude":
        out.loc[missing.any(axis=1), "index"] = np.nan
    _add_unit_notes(notes, out["group_size"], missing, method)
    out["notes"] = ["; ".join(n) for n in notes]
    return IndexResult(frame=out, method=method, id_column=id_column)


def _component(
    ind: Indicator, raw: np.ndarray, groups: pd.Series, method: IndexMethod
) -> tuple[np.ndarray, np.ndarray]:
    """One indicator's group reference (the group maximum) and component per unit."""
    values = np.where(raw < 0, 0.0, raw) if method.negatives == "zero" else raw
    scaled = ind.weight * values if method.weight_placement == "inside" else values
    reference = pd.Series(scaled).groupby(groups.to_numpy()).transform("max").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(reference > 0, scaled / reference, 0.0)
    ratio = np.where(np.isnan(values), 0.0, ratio)
    component = ratio * (ind.weight if method.weight_placement == "outside" else 1.0)
    if method.weight_placement == "inside" and ind.weight == 0:
        component = np.zeros_like(component)
    return reference, component


def _add_indicator_notes(
    notes: list[list[str]],
    column: str,
    raw: np.ndarray,
    reference: np.ndarray,
    method: IndexMethod,
) -> None:
    """Say, per unit, why one indicator's component is 0 or how a negative counted."""
    for i in range(len(raw)):
        if np.isnan(raw[i]):
            continue
        if not reference[i] > 0:
            notes[i].append(f"{column}: no positive value in the group, component 0")
        elif raw[i] < 0 and method.negatives == "square":
            notes[i].append(f"{column}: negative value, its square adds to the index")
        elif raw[i] < 0:
            notes[i].append(f"{column}: negative value counted as 0")


def _add_unit_notes(
    notes: list[list[str]], group_size: pd.Series, missing: np.ndarray, method: IndexMethod
) -> None:
    """Say, per unit, that its group has one member and how missing indicators count."""
    for i in range(len(notes)):
        if group_size.iat[i] == 1:
            notes[i].append("single-member comparison group: every non-zero indicator is at 1")
        if missing[i].any() and method.missing == "zero":
            notes[i].append("missing indicator(s) count as 0")
        if missing[i].any() and method.missing == "exclude":
            notes[i].append("not assessed: missing indicator(s)")


def compare_with_published(
    result: IndexResult, published: pd.Series, tolerance: float
) -> pd.DataFrame:
    """Put the recomputed index beside the published one, flagging real differences.

    ``published`` is keyed by unit id. A unit is flagged when the two differ by more
    than ``tolerance`` (half the last printed digit); a unit with only one of the two
    values is flagged too, with the reason.
    """
    recomputed = result.index
    table = pd.DataFrame({"recomputed": recomputed})
    table["published"] = published.reindex(table.index).astype(float)
    table["difference"] = table["recomputed"] - table["published"]
    beyond = table["difference"].abs() > tolerance + 1e-9
    one_sided = table["recomputed"].isna() != table["published"].isna()
    table["flag"] = beyond | one_sided
    table["reason"] = np.select(
        [one_sided & table["published"].isna(), one_sided, beyond],
        ["no published value", "not computed", "differs beyond the published rounding"],
        default="",
    )
    table.index.name = result.id_column
    return table.reset_index()


def classify_scenarios(
    cluster_index: pd.Series,
    cluster_region: pd.Series,
    region_index: pd.Series,
    cluster_threshold: float = 1.0,
    region_threshold: float = 1.0,
) -> pd.DataFrame:
    """Cross a cluster's index with its region's index into the four scenarios.

    A cluster is "high" when its index is at or above ``cluster_threshold``, a region when
    its index is at or above ``region_threshold``. The defaults are the midpoint of the
    index range (0 to 2 for four indicators), which reproduces the papers' classification.
    A cluster without an index, or in a region without one, is "not assessed".

    ``cluster_index`` and ``cluster_region`` are keyed by cluster id; ``region_index`` by
    region code.
    """
    table = pd.DataFrame({"cluster_index": cluster_index.astype(float)})
    table["region_code"] = cluster_region.reindex(table.index)
    table["region_index"] = table["region_code"].map(region_index.astype(float))
    high_cluster = table["cluster_index"] >= cluster_threshold
    high_region = table["region_index"] >= region_threshold
    assessed = table["cluster_index"].notna() & table["region_index"].notna()
    table["scenario"] = np.select(
        [
            ~assessed,
            high_cluster & high_region,
            high_cluster & ~high_region,
            ~high_cluster & high_region,
        ],
        ["not assessed", "supported", "lonely", "late"],
        default="potential",
    )
    table.index.name = cluster_index.index.name or "cluster_id"
    return table.reset_index()


def scenario_counts(scenarios: pd.DataFrame) -> dict[str, int]:
    """How many clusters fall in each scenario (all five keys, zeros included)."""
    counts = scenarios["scenario"].value_counts()
    return {name: int(counts.get(name, 0)) for name in SCENARIOS}


def parse_weights(text: str, indicators: Sequence[Indicator]) -> dict[str, float]:
    """Read ``"intl_members=0.3,export_bln_rub=0.2"`` into a weight mapping.

    Raises ``ValueError`` naming the bad entry.
    """
    known = {ind.column for ind in indicators}
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"weight '{part}' is not of the form name=value")
        name = name.strip()
        if name not in known:
            raise ValueError(f"unknown indicator '{name}'; expected one of {', '.join(known)}")
        try:
            weights[name] = float(value.replace(",", "."))
        except ValueError:
            raise ValueError(f"weight of '{name}' is not a number: '{value}'") from None
    return weights


# --- the dataset's indices and scenarios ---------------------------------------------------


def cluster_index(clusters: pd.DataFrame, method: IndexMethod = CLUSTER_METHOD) -> IndexResult:
    """Recompute the cluster internationalisation index for the clusters that have
    indicators (the pilot clusters of Table 5); others are left out, not zero-filled. A
    cluster with indicators but no comparison group (a registered cluster whose industry
    group is not reported) cannot be compared with its group: it is left out too ("not
    assessed"), rather than failing the index of every other cluster."""
    columns = [ind.column for ind in method.indicators]
    has_indicators = clusters[columns].notna().any(axis=1)
    group = method.group_column
    has_group = clusters[group].notna() if group is not None and group in clusters else True
    assessed = clusters.loc[has_indicators & has_group]
    return compute_index(assessed, method, id_column="id")


def region_index(indicators: pd.DataFrame, method: IndexMethod = REGION_METHOD) -> IndexResult:
    """Recompute the regional foreign-economic-activity index for the regions of the table."""
    return compute_index(indicators.reset_index(drop=True), method, "region_code")


def scenario_table(
    clusters: pd.DataFrame,
    indicators: pd.DataFrame,
    cluster_method: IndexMethod = CLUSTER_METHOD,
    region_method: IndexMethod = REGION_METHOD,
    cluster_threshold: float = 1.0,
    region_threshold: float = 1.0,
) -> pd.DataFrame:
    """Scenario of every cluster from the recomputed cluster and region

    Clusters without indicators (those only the presentation names) are "not assessed".
    """
    cl = cluster_index(clusters, cluster_method).index
    rg = region_index(indicators, region_method).index
    all_ids = pd.Series(float("nan"), index=pd.Index(clusters["id"], name="cluster_id"))
    all_ids.update(cl)
    region_of = pd.Series(clusters["region_code"].to_numpy(), index=clusters["id"].to_numpy())
    return classify_scenarios(all_ids, region_of, rg, cluster_threshold, region_threshold)
