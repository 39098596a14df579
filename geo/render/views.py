"""A regional view: a territory, the cluster filters and the chosen measure, resolved to data.

A ``View`` is what a user is looking at, as plain values: the territory (all of Russia
``"RU"``, a federal district such as ``"Volga"``, or a region code such as ``"RU-TA"``),
the cluster filters (``geo.analysis.filters.ClusterFilter``), the region measure
(``geo.analysis.measures``), the classification scheme and number of classes
(``geo.render.classify``) and the language of names. ``resolve_view`` turns it into the
rows the view contains, so every export (``geo.render.exports``), the command line and the
pages show the same numbers.

What is "in" a view, and why:

* regions: every region of the territory (85 for ``RU``);
* clusters: the clusters passing the filters (``geo.analysis.filters.apply_filter``, the map
  page's own function) whose *declared* region is in the territory: the declared region
  is what the registry, the filters and the measures count by. ``RU`` also keeps a
  cluster whose region is not reported;
* MNE links: the links of those clusters;
* indicators: the regional-table rows (paper 002, Table 6) of the territory's regions;
* measure values: ``geo.analysis.measures.measure_table`` over all 85 regions, classified over
  all 85 with ``geo.render.classify.classify``, exactly as the map page does, so a region has the
  same class and colour in an export of its district as on the country map. Measures do
  not depend on the filters (the map page colours regions from the whole registry too).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import geopandas as gpd
import pandas as pd

from geo.analysis import filters, measures
from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.i18n import N_
from geo.data import records
from geo.data.regions import FEDERAL_DISTRICT_NAMES_RU, FEDERAL_DISTRICTS
from geo.render import classify

Projection = Literal["albers", "mercator"]
"""How the interactive map is drawn: Albers conic offline, or Web Mercator with tiles."""

COUNTRY = "RU"
"""The territory code of the whole country."""

Lang = Literal["en", "ru"]
LANGS: tuple[str, ...] = get_args(Lang)


MESSAGES: dict[str, str] = {
    "empty_territory": "territory is empty; give RU, a federal district or a region code",
    "scheme": "unknown classification scheme '{value}'; known: {known}",
    "k_type": "number of classes must be a whole number, not {value!r}",
    "k_range": "number of classes must be {low}–{high}, not {value}",
    "lang": "language must be one of {known}, not {value!r}",
    "territory": "unknown territory '{value}': give RU (all of Russia), a federal district "
    "({known}) or a region code such as RU-TA",
    "district": "{name} Federal District",
}
"""Every message and name this module gives users (English literals in one place)."""

TERRITORY_QUERY_KEY = "territory"
LANG_QUERY_KEY = "lang"


@dataclass(frozen=True)
class View:
    """Territory, cluster filters, measure, classification, language and basemap of a view:
    the one description of what a user looks at, shared by the map page, the exports, the
    command line and the URL (``geo.render.urlstate``).

    Invalid settings raise ``ValueError`` naming the setting and the valid choices; the
    territory is checked against the regions when the view is resolved.
    """

    territory: str = COUNTRY
    filters: filters.ClusterFilter = field(default_factory=filters.ClusterFilter)
    measure: str = measures.DEFAULT_MEASURE
    scheme: str = classify.DEFAULT_SCHEME
    k: int = classify.DEFAULT_CLASSES
    lang: Lang = "en"
    tiles: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "territory", str(self.territory).strip())
        if not self.territory:
            raise ValueError(MESSAGES["empty_territory"])
        try:
            measures.measure(self.measure)
        except KeyError as err:
            raise ValueError(err.args[0]) from None
        if self.scheme not in classify.SCHEMES:
            known = ", ".join(classify.SCHEMES)
            raise ValueError(MESSAGES["scheme"].format(value=self.scheme, known=known))
        if isinstance(self.k, bool) or not isinstance(self.k, int):
            raise ValueError(MESSAGES["k_type"].format(value=self.k))
        if not classify.MIN_CLASSES <= self.k <= classify.MAX_CLASSES:
            raise ValueError(
                MESSAGES["k_range"].format(
                    low=classify.MIN_CLASSES, high=classify.MAX_CLASSES, value=self.k
                )
            )
        if self.lang not in LANGS:
            raise ValueError(MESSAGES["lang"].format(known=", ".join(LANGS), value=self.lang))

    @property
    def projection(self) -> Projection:
        """How the interactive map draws it: Albers offline, or Web Mercator with tiles."""
        return "mercator" if self.tiles else "albers"

    def for_territory(self, territory: str, lang: Lang | None = None) -> View:
        """The same view of ``territory`` (in ``lang``), as an export draws it: always
        offline, so without basemap tiles."""
        return replace(self, territory=territory, lang=lang or self.lang, tiles=False)


# --- territories ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    """A resolved territory: what it is, its names and the codes of its regions."""

    code: str
    kind: Literal["country", "federal district", "region"]
    name_en: str
    name_ru: str
    region_codes: tuple[str, ...]

    def name(self, lang: str = "en") -> str:
        """The territory's name in ``lang`` (English in any other language, and when there
        is no Russian name)."""
        return self.name_ru if lang == "ru" and self.name_ru else self.name_en


def territory_choices(regions: pd.DataFrame) -> list[str]:
    """Every valid territory: ``RU``, the federal districts, then the region codes."""
    return [COUNTRY, *FEDERAL_DISTRICTS, *sorted(regions["code"].astype(str))]


def resolve_territory(regions: pd.DataFrame, territory: str) -> Territory:
    """The territory named by ``territory``: ``RU``, a federal district name or a region code.

    Codes and names are matched without regard to case (``ru-ta`` is ``RU-TA``,
    ``far eastern`` is ``Far Eastern``). Anything else raises ``ValueError`` listing the
    federal districts and an example code.
    """
    text = str(territory).strip()
    folded = text.casefold()
    codes = regions["code"].astype(str)
    if folded in {COUNTRY.casefold(), "russia"}:
        return Territory(COUNTRY, "country", "Russia", "Россия", tuple(sorted(codes)))
    for district in FEDERAL_DISTRICTS:
        if folded in {district.casefold(), f"{district} federal district".casefold()}:
            members = regions.loc[regions["federal_district"] == district, "code"].astype(str)
            return Territory(
                district,
                "federal district",
                MESSAGES["district"].format(name=district),
                FEDERAL_DISTRICT_NAMES_RU[district],
                tuple(sorted(members)),
            )
    match = regions.loc[codes.str.casefold() == folded]
    if len(match) == 1:
        row = match.iloc[0]
        return Territory(
            str(row["code"]),
            "region",
            str(row["name_en"]),
            str(row["name_ru"]),
            (str(row["code"]),),
        )
    raise ValueError(MESSAGES["territory"].format(value=text, known=", ".join(FEDERAL_DISTRICTS)))


# --- resolved view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedView:
    """The rows of a view, ready for a map, a table or a file.

    ``regions``/``detailed`` are the territory's regions (web and full-resolution
    geometry, sorted by code); ``clusters`` the clusters of the view (sorted by id);
    ``mne_links`` their links; ``indicators`` the regional-table rows of the territory;
    ``values`` the measure for the territory's regions and ``all_values`` for all 85
    (what the classes were computed from); ``measure_table`` every measure for the
    territory's regions (``geo.analysis.measures.measure_table``); ``classification`` the
    classes of all 85 regions, as on the map page, and ``view_classification`` the same
    classes restricted to the territory (its counts are the territory's); ``total_clusters``
    how many clusters the dataset has before filtering; ``synthetic`` whether the dataset is a
    synthetic registry (``geo.data.synth``: its rows carry ``synthetic=True``), which every
    export then says in its title and metadata; ``dataset_version`` the dataset's version
    (``Dataset.version``), which every export carries.
    """

    view: View
    territory: Territory
    regions: gpd.GeoDataFrame
    detailed: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame
    mne_links: pd.DataFrame
    indicators: pd.DataFrame
    values: pd.Series
    all_values: pd.Series
    measure_table: pd.DataFrame
    classification: classify.Classification
    total_clusters: int
    synthetic: bool = False
    dataset_version: str = ""

    @property
    def measure(self) -> measures.Measure:
        """The chosen measure (key, label, description, decimals)."""
        return measures.measure(self.view.measure)

    @property
    def view_classification(self) -> classify.Classification:
        """The country-wide classes restricted to the territory's regions."""
        codes = list(self.territory.region_codes)
        return replace(self.classification, classes=self.classification.classes.reindex(codes))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the territory in degrees (detailed geometry)."""
        west, south, east, north = self.detailed.total_bounds
        return float(west), float(south), float(east), float(north)


def _in_territory(codes: pd.Series, territory: Territory) -> pd.Series:
    if territory.kind == "country":
        return pd.Series(True, index=codes.index)
    return codes.isin(territory.region_codes)


def resolve_view(data: Dataset, view: View) -> ResolvedView:
    """The regions, clusters, MNE links, indicators and measure values of ``view``.

    Clusters are filtered with ``geo.analysis.filters.apply_filter`` (the map page's function),
    measures computed with ``geo.analysis.measures.measure_table`` and classified with
    ``geo.render.classify.classify`` over all regions, as the map page does. An unknown territory
    raises ``ValueError`` (nothing else is touched).
    """
    territory = resolve_territory(data.regions, view.territory)
    keep_regions = _in_territory(data.regions["code"], territory)
    regions = data.regions.loc[keep_regions].sort_values("code").reset_index(drop=True)
    keep_detailed = _in_territory(data.detailed["code"], territory)
    detailed = data.detailed.loc[keep_detailed].sort_values("code").reset_index(drop=True)

    shown = filters.apply_filter(data.clusters, data.regions, view.filters)
    shown = shown.loc[_in_territory(shown["region_code"], territory)]
    clusters = shown.sort_values("id", kind="stable").reset_index(drop=True)

    links = data.mne_links.loc[data.mne_links["cluster_id"].isin(clusters["id"])]
    links = links.sort_values(["cluster_id", "link_id"], kind="stable").reset_index(drop=True)

    indicators = data.indicators.loc[_in_territory(data.indicators["region_code"], territory)]
    indicators = indicators.sort_values("region_code").reset_index(drop=True)

    table = measures.measure_table(data)
    all_values = table[view.measure]
    classification = classify.classify(all_values, view.scheme, view.k)
    codes = list(territory.region_codes)
    values = all_values.reindex(codes)
    return ResolvedView(
        view=view,
        territory=territory,
        regions=regions,
        detailed=detailed,
        clusters=clusters,
        mne_links=links,
        indicators=indicators,
        values=values,
        all_values=all_values,
        measure_table=table.reindex(codes),
        classification=classification,
        total_clusters=len(data.clusters),
        synthetic=is_synthetic(data.clusters),
        dataset_version=data.version,
    )


def is_synthetic(clusters: pd.DataFrame) -> bool:
    """True when any cluster row is marked ``synthetic`` (a ``geo.data.synth`` registry)."""
    if "synthetic" not in clusters.columns:
        return False
    return bool(clusters["synthetic"].astype("boolean").fillna(False).any())


# --- describing a view --------------------------------------------------------------------------


ALL_VALUES = N_("all")
MNE_PRESENCE = N_("MNE presence")
"""The words of :func:`filter_summary` besides the facets' own labels (English literals)."""
VOCABULARY_FACETS: tuple[str, ...] = ("industry_group", "org_level", "status")
"""Facets whose values are ``vocabularies.csv`` terms (Russian labels from there)."""


def filter_value_text(
    field: str, value: str, lang: str = "en", vocab: i18n.VocabularyLabels | None = None
) -> str:
    """One selected filter value as read in ``lang``: vocabulary terms by their label in
    ``vocab`` (``vocabularies.csv``), scenarios and federal districts by their names, "not
    reported" translated; specialisations (free text) and region codes as given."""
    if lang == "en":
        return value
    if value == filters.NOT_REPORTED:
        return filters.not_reported_label(lang)
    if field in VOCABULARY_FACETS and vocab is not None:
        return vocab.term(field, value, lang)
    if field == "scenario":
        return i18n.scenario_name(value, lang)
    if field == "federal_district" and lang == "ru":
        return FEDERAL_DISTRICT_NAMES_RU.get(value, value)
    return value


def filter_summary(
    flt: filters.ClusterFilter, lang: str = "en", vocab: i18n.VocabularyLabels | None = None
) -> list[tuple[str, str]]:
    """Every filter as ``(label, selection)``, "all" where nothing is selected.

    English gives the labels and the values as stored (machine-read metadata relies on
    them); another language translates labels and "all", and shows the values as
    :func:`filter_value_text` does (vocabulary labels read from ``vocabularies.csv`` when
    ``vocab`` is not given).
    """
    if lang == "en":
        rows = [
            (facet.label, "; ".join(flt.selected(facet.field)) or ALL_VALUES)
            for facet in filters.FACETS
        ]
        rows.append((MNE_PRESENCE, filters.MNE_LABELS[flt.mne]))
        return rows
    _ = i18n.translator(lang)
    if vocab is None:
        vocab = records.vocabulary_labels()
    rows = []
    for facet in filters.FACETS:
        chosen = [filter_value_text(facet.field, v, lang, vocab) for v in flt.selected(facet.field)]
        rows.append((filters.facet_label(facet.field, lang), "; ".join(chosen) or _(ALL_VALUES)))
    rows.append((_(MNE_PRESENCE), filters.mne_label(flt.mne, lang)))
    return rows


