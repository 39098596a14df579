"""The cluster filter model: what a user selected, applied to clusters, and carried in URLs.

A ``ClusterFilter`` is a frozen value: for each facet the selected values (empty = no
constraint) and whether clusters must, or must not, have MNE links. Missing values are a
real option, spelled ``NOT_REPORTED``, so "clusters whose level is not reported" can be
selected like any other value instead of silently disappearing.

The filter is normalised on construction (values de-duplicated and sorted), so two
filters that select the same clusters by the same values are equal, and the URL written
for a filter reads back to an equal filter: ``from_query_params(to_query_params(f)) == f``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from geo.analysis.indices import SCENARIOS
from geo.base.i18n import N_, format_int, ngettext, translations

NOT_REPORTED = "not reported"
"""The option standing for a missing value (the source does not report it)."""

MnePresence = Literal["any", "with", "without"]
MNE_CHOICES: tuple[str, ...] = get_args(MnePresence)
MNE_LABELS: dict[str, str] = {
    "any": N_("Any"),
    "with": N_("With MNE links"),
    "without": N_("Without MNE links"),
}

UNKNOWN_VALUE = N_("{facet}: '{value}'")
"""What :func:`sanitise` says about a URL value it dropped (English literal, translated)."""

SPECIALISATION_SEPARATOR = ";"
"""A cluster may list several specialisations, separated by this character."""


@dataclass(frozen=True)
class Facet:
    """A multi-valued filter: its field on ``ClusterFilter``, URL key and label."""

    field: str
    query_key: str
    label: str


FACETS: tuple[Facet, ...] = (
    Facet("industry_group", "industry", N_("Industry group")),
    Facet("specialisation", "specialisation", N_("Specialisation")),
    Facet("org_level", "level", N_("Organisation development level")),
    Facet("status", "status", N_("Status")),
    Facet("scenario", "scenario", N_("Scenario")),
    Facet("federal_district", "district", N_("Federal district")),
    Facet("region", "region", N_("Region")),
)
"""The multi-select facets, in the order the sidebar shows them."""

MNE_QUERY_KEY = "mne"
QUERY_KEYS: tuple[str, ...] = (*(f.query_key for f in FACETS), MNE_QUERY_KEY)
"""Every URL parameter the filter reads and writes."""


def _canonical(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values if str(v) != ""}))


@dataclass(frozen=True)
class ClusterFilter:
    """Selected values per facet (empty tuple = all) and the MNE presence constraint."""

    industry_group: tuple[str, ...] = ()
    specialisation: tuple[str, ...] = ()
    org_level: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    scenario: tuple[str, ...] = ()
    federal_district: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    mne: MnePresence = "any"

    def __post_init__(self) -> None:
        for facet in FACETS:
            value = getattr(self, facet.field)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, facet.field, _canonical(value))
        if self.mne not in MNE_CHOICES:
            raise ValueError(f"mne must be one of {', '.join(MNE_CHOICES)}, not {self.mne!r}")

    @property
    def is_default(self) -> bool:
        """True when nothing is filtered out."""
        return self == ClusterFilter()

    def selected(self, field: str) -> tuple[str, ...]:
        """The values selected for a facet field."""
        return getattr(self, field)


# --- facet values of each cluster ---------------------------------------------------------


def _text_or_missing(series: pd.Series) -> pd.Series:
    """Strings (object dtype), with missing and blank values spelled ``NOT_REPORTED``."""
    text = series.astype("string").str.strip()
    return text.where(text.notna() & (text != ""), NOT_REPORTED).astype("object")


def _facet_text(clusters: pd.DataFrame, regions: pd.DataFrame, field: str) -> pd.Series:
    """The one value of a single-valued facet for each cluster (``NOT_REPORTED`` if none)."""
    if field == "federal_district":
        district_of = regions.set_index("code")["federal_district"]
        return _text_or_missing(clusters["region_code"].map(district_of))
    if field == "region":
        return _text_or_missing(clusters["region_code"])
    return _text_or_missing(clusters[field])


def split_specialisations(value: str) -> tuple[str, ...]:
    """The specialisations of one cluster (``"A; B"`` → ``("A", "B")``)."""
    if value == NOT_REPORTED:
        return (NOT_REPORTED,)
    parts = [p.strip() for p in value.split(SPECIALISATION_SEPARATOR)]
    return tuple(p for p in parts if p) or (NOT_REPORTED,)


def cluster_facets(clusters: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Each cluster's value for every facet (a tuple of strings), indexed like ``clusters``.

    Federal districts come from the region table through the cluster's declared region;
    missing values are ``NOT_REPORTED``. The MNE column holds ``"with"``/``"without"``.
    """
    district_of = regions.set_index("code")["federal_district"]
    region = _text_or_missing(clusters["region_code"])
    district = _text_or_missing(clusters["region_code"].map(district_of))
    single = {
        "industry_group": _text_or_missing(clusters["industry_group"]),
        "org_level": _text_or_missing(clusters["org_level"]),
        "status": _text_or_missing(clusters["status"]),
        "scenario": _text_or_missing(clusters["scenario"]),
        "federal_district": district,
        "region": region,
    }
    out = pd.DataFrame({k: v.map(lambda x: (x,)) for k, v in single.items()}, index=clusters.index)
    out["specialisation"] = _text_or_missing(clusters["specialisation"]).map(split_specialisations)
    out["mne"] = (clusters["mne_count"].fillna(0) > 0).map({True: "with", False: "without"})
    return out[[f.field for f in FACETS] + ["mne"]]


def filter_mask(clusters: pd.DataFrame, regions: pd.DataFrame, flt: ClusterFilter) -> pd.Series:
    """Which clusters pass the filter (boolean Series indexed like ``clusters``).

    Within a facet the selected values are alternatives (OR: a cluster matches if any of
    its values is selected); different facets must all match (AND).
    """
    mask = np.ones(len(clusters), dtype=bool)
    for facet in FACETS:
        chosen = set(flt.selected(facet.field))
        if not chosen:
            continue
        if facet.field == "specialisation":
            values = _text_or_missing(clusters["specialisation"]).map(split_specialisations)
            hit = values.map(lambda v, c=chosen: bool(c.intersection(v))).to_numpy(dtype=bool)
        else:
            hit = _facet_text(clusters, regions, facet.field).isin(chosen).to_numpy()
        mask &= hit
    if flt.mne != "any":
        with_mne = (pd.to_numeric(clusters["mne_count"], errors="coerce").fillna(0) > 0).to_numpy()
        mask &= with_mne if flt.mne == "with" else ~with_mne
    return pd.Series(mask, index=clusters.index)


def apply_filter(clusters: pd.DataFrame, regions: pd.DataFrame, flt: ClusterFilter):
    """The clusters passing the filter, in their original order (same frame type).

    The default filter passes everything, so it returns ``clusters`` without computing
    any facet (the common case, and the costly one with many clusters).
    """
    if flt.is_default:
        return clusters
    return clusters.loc[filter_mask(clusters, regions, flt)]


# --- options and counts ---------------------------------------------------------------------


def _ordered(values: Iterable[str], preferred: Sequence[str] = ()) -> list[str]:
    """Preferred values first (in their order), then the rest sorted; "not reported" last."""
    present = set(values)
    first = [v for v in preferred if v in present and v != NOT_REPORTED]
    rest = sorted(present - set(first) - {NOT_REPORTED}, key=str.casefold)
    tail = [NOT_REPORTED] if NOT_REPORTED in present else []
    return first + rest + tail


def filter_options(clusters: pd.DataFrame, regions: pd.DataFrame) -> dict[str, dict[str, int]]:
    """For every facet field, the selectable values and how many clusters have each.

    Values are those present in the data, in a stable order; every scenario and federal
    district is offered even when no cluster has it (with a count of 0), and "not
    reported" is offered wherever a value is missing.
    """
    facets = cluster_facets(clusters, regions)
    options: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        counts: dict[str, int] = {}
        for values in facets[facet.field]:
            for v in values:
                counts[v] = counts.get(v, 0) + 1
        preferred: Sequence[str] = ()
        if facet.field == "scenario":
            preferred = SCENARIOS
            for s in SCENARIOS:
                counts.setdefault(s, 0)
        elif facet.field == "federal_district":
            districts = sorted(regions["federal_district"].dropna().unique())
            preferred = districts
            for d in districts:
                counts.setdefault(d, 0)
        elif facet.field == "region":
            by_name = regions.sort_values("name_en")["code"].tolist()
            preferred = by_name
            for code in by_name:
                counts.setdefault(code, 0)
        options[facet.field] = {v: counts[v] for v in _ordered(counts, preferred)}
    return options


def unknown_value(label: str, value: object, lang: str = "en") -> str:
    """How a page names a URL value it ignored: ``label: 'value'`` in ``lang`` (``label``
    already in ``lang``), e.g. ``Status: 'bogus'``, ``Статус: «bogus»``."""
    return translations(lang).gettext(UNKNOWN_VALUE).format(facet=label, value=value)


def sanitise(
    flt: ClusterFilter, options: Mapping[str, Mapping[str, int]], lang: str = "en"
) -> tuple[ClusterFilter, list[str]]:
    """The filter without values that are not options (e.g. from an old bookmark).

    Returns the cleaned filter and a message per dropped value in ``lang`` (the facet's
    label and the value as given: ``Status: 'bogus'``, ``Статус: «bogus»``), so the page
    can say what it ignored instead of failing. The value is the URL's text: a page that
    renders Markdown escapes the messages (``geo.analysis.profiles.md_literal``).
    """
    dropped: list[str] = []
    changes: dict[str, Any] = {}  # facet field → kept values (``replace`` keywords)
    for facet in FACETS:
        known = options.get(facet.field, {})
        kept = tuple(v for v in flt.selected(facet.field) if v in known)
        for v in flt.selected(facet.field):
            if v not in known:
                dropped.append(unknown_value(facet_label(facet.field, lang), v, lang))
        changes[facet.field] = kept
    return replace(flt, **changes), dropped


def count_text(shown: int, total: int, noun: str = "clusters", lang: str = "en") -> str:
    """What the map shows, e.g. "12 of 30 clusters" ("12 из 30 кластеров").

    In English any ``noun`` is accepted (kept for existing callers); in another language
    the cluster count comes from the catalogue, with the plural form of ``total``
    (Russian has three), and numbers grouped for the locale.
    """
    if lang == "en":
        return f"{shown} of {total} {noun}"
    text = ngettext("{shown} of {total} cluster", "{shown} of {total} clusters", total, lang)
    return text.format(shown=format_int(shown, lang), total=format_int(total, lang))


def facet_label(field: str, lang: str = "en") -> str:
    """The label of the facet on ``field`` in ``lang`` (English: ``Facet.label``)."""
    label = next(f.label for f in FACETS if f.field == field)
    return translations(lang).gettext(label)


def mne_label(choice: str, lang: str = "en") -> str:
    """The label of an MNE-presence choice in ``lang``."""
    return translations(lang).gettext(MNE_LABELS[choice])


def not_reported_label(lang: str = "en") -> str:
    """The option ``NOT_REPORTED`` as shown in ``lang`` (the filter value stays English)."""
    return translations(lang).gettext(NOT_REPORTED)


# --- URLs -----------------------------------------------------------------------------------


def filter_fields() -> tuple[str, ...]:
    """Names of every field of ``ClusterFilter`` (facets and ``mne``)."""
    return tuple(f.name for f in fields(ClusterFilter))
