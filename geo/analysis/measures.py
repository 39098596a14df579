"""Region measures a choropleth can show: one value per region, ``NaN`` where there is none.

Two families:

* the regional foreign-economic-activity (FEA) index, recomputed with Equation 1
  (``geo.analysis.indices.region_index``), and its four published components (paper 002, Table 6).
  Only the 19 regions of that table have them; every other region is ``NaN`` ("no data"),
  never zero;
* counts and means derived from the cluster registry: cluster initiatives, MNE links and
  the mean recomputed cluster internationalisation index. The registry lists every cluster
  the sources name, so a region with none has a count of 0 (a known zero, drawn as the
  lowest class); a mean over no assessed cluster is ``NaN``.

Everything here is a pure function of the dataset's frames, so a page can cache it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from geo.analysis import indices
from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.i18n import N_
from geo.base.missing import is_missing

MeasureFamily = Literal["regional table", "cluster registry"]


@dataclass(frozen=True)
class Measure:
    """A region measure: its key (used in URLs), what it is, and how to print it."""

    key: str
    label: str
    description: str
    family: MeasureFamily
    decimals: int


MEASURES: tuple[Measure, ...] = (
    Measure(
        "fea_index",
        N_("Regional foreign-economic-activity index (recomputed)"),
        N_(
            "Equation 1 over the four indicators of paper 002, Table 6, recomputed from them; "
            "only the 19 regions of that table have it."
        ),
        "regional table",
        2,
    ),
    *(
        Measure(
            ind.column,
            ind.label,
            N_(
                "Published indicator of paper 002, Table 6 (one of the index's four "
                "components); only the 19 regions of that table have it."
            ),
            "regional table",
            2,  # as printed in Table 6
        )
        for ind in indices.REGION_INDICATORS
    ),
    Measure(
        "cluster_count",
        N_("Cluster initiatives in the registry"),
        N_("How many clusters of the registry are declared in the region (0 where none is)."),
        "cluster registry",
        0,
    ),
    Measure(
        "mne_links",
        N_("MNE links of the region's clusters"),
        N_(
            "How many links between a multinational enterprise and a cluster of the region "
            "the presentation (003) records (0 where none is)."
        ),
        "cluster registry",
        0,
    ),
    Measure(
        "mean_cluster_index",
        N_("Mean cluster internationalisation index (recomputed)"),
        N_(
            "Mean of the recomputed cluster internationalisation index over the region's "
            "assessed clusters; no data where the region has none."
        ),
        "cluster registry",
        2,
    ),
)
"""Every measure the map offers, in the order the page lists them."""

DEFAULT_MEASURE = "fea_index"

_INDICATOR_COLUMNS = frozenset(ind.column for ind in indices.REGION_INDICATORS)

_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}


def available_measures() -> tuple[Measure, ...]:
    """The measures a user can pick, with labels, in display order."""
    return MEASURES


def measure(key: str) -> Measure:
    """The measure with this key; ``KeyError`` naming the valid keys otherwise."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown measure '{key}'; known: {', '.join(_BY_KEY)}") from None


def _on_regions(values: Mapping[str, float] | pd.Series, codes: pd.Index, key: str) -> pd.Series:
    """``values`` re-indexed on every region code (missing codes become NaN)."""
    series = pd.Series(values, dtype="float64")
    out = series.reindex(codes).astype("float64")
    out.name = key
    out.index.name = "region_code"
    return out


def _region_codes(data: Dataset) -> pd.Index:
    return pd.Index(data.regions["code"].astype(str), name="region_code")


def fea_index(data: Dataset) -> pd.Series:
    """The recomputed regional FEA index (Equation 1 over Table 6), NaN outside the table."""
    recomputed = indices.region_index(data.indicators).index
    return _on_regions(recomputed, _region_codes(data), "fea_index")


def cluster_count(data: Dataset) -> pd.Series:
    """Clusters declared in each region; 0 where the registry has none."""
    counts = data.clusters["region_code"].dropna().value_counts()
    out = _on_regions(counts, _region_codes(data), "cluster_count")
    return out.fillna(0.0)


def mne_links(data: Dataset) -> pd.Series:
    """MNE links of each region's clusters (a link counts in its cluster's region); 0 if none."""
    region_of = data.clusters.set_index("id")["region_code"]
    regions = data.mne_links["cluster_id"].map(region_of).dropna()
    out = _on_regions(regions.value_counts(), _region_codes(data), "mne_links")
    return out.fillna(0.0)


def mean_cluster_index(data: Dataset) -> pd.Series:
    """Mean recomputed cluster index over each region's assessed clusters; NaN if none."""
    frame = data.clusters[["region_code", "cluster_index"]].dropna()
    means = frame.groupby("region_code")["cluster_index"].mean()
    return _on_regions(means, _region_codes(data), "mean_cluster_index")


def compute_measure(key: str, data: Dataset) -> pd.Series:
    """One measure for all regions: a float Series keyed by region code, NaN = no data."""
    measure(key)  # validates the key
    if key == "fea_index":
        return fea_index(data)
    if key == "cluster_count":
        return cluster_count(data)
    if key == "mne_links":
        return mne_links(data)
    if key == "mean_cluster_index":
        return mean_cluster_index(data)
    table = data.indicators.set_index("region_code")[key]
    return _on_regions(table, _region_codes(data), key)


def measure_table(data: Dataset) -> pd.DataFrame:
    """Every measure for every region (rows: region codes; columns: measure keys).

    One call computes all of them, so a page can cache the table once and read any
    measure, or a region's whole row for its panel, from it.
    """
    return pd.DataFrame({m.key: compute_measure(m.key, data) for m in MEASURES})


NO_DATA = N_("no data")
"""What a region without a value reads."""

FAMILY_LABELS: dict[str, str] = {
    "regional table": N_("regional table"),
    "cluster registry": N_("cluster registry"),
}
"""Where a measure comes from, as the region panel's "Source" column says it."""


def format_value(value: float | None, key: str, lang: str = "en") -> str:
    """A measure value printed with the measure's decimals; "no data" for NaN.

    English keeps the narrow no-break space between thousands; other languages follow
    their locale (``geo.base.i18n.format_number``: a decimal comma in Russian).
    """
    if is_missing(value):
        return i18n.translator(lang)(NO_DATA)
    decimals = measure(key).decimals
    if lang == "en":
        return f"{value:,.{decimals}f}".replace(",", "\u202f")
    return i18n.format_number(value, lang, decimals)


def measure_label(key: str, lang: str = "en", labels: i18n.VocabularyLabels | None = None) -> str:
    """The label of a measure in ``lang``. A published indicator of Table 6 takes its
    Russian label from the vocabularies (``labels``) when given, as the other pages do;
    the other measures come from the catalogue."""
    m = measure(key)
    if lang != "en" and labels is not None and m.key in _INDICATOR_COLUMNS:
        return i18n.indicator_label(m.key, lang, labels, m.label)
    return i18n.translator(lang)(m.label)


def measure_description(key: str, lang: str = "en") -> str:
    """The description of a measure in ``lang``."""
    return i18n.translator(lang)(measure(key).description)


def family_label(key: str, lang: str = "en") -> str:
    """Where a measure comes from (regional table / cluster registry), in ``lang``."""
    return i18n.translator(lang)(FAMILY_LABELS[measure(key).family])
