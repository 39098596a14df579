"""The published dataset, loaded, validated and joined: the one entry point pages and the
command line share.

Data flows one way: load (``geo.data.regions``, ``geo.data.records``), validate (on load), join
(``geo.data.joins``), compute (``geo.analysis.indices``). Callers cache the result at their boundary
(``st.cache_data`` in pages); nothing here caches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import geopandas as gpd
import pandas as pd

from geo.analysis import cluster_columns, indices, members
from geo.data import joins, records
from geo.data.regions import Resolution, load_regions


@dataclass(frozen=True)
class Dataset:
    """Everything the app shows, joined to region codes.

    ``clusters`` is a GeoDataFrame of points (EPSG:4326) with the declared
    ``region_code``, the ``located_region_code`` its point falls in, the scenario and
    ``mne_count``. ``regions`` is the geometry to draw, ``detailed`` the full-resolution
    geometry points were joined against (and exports use). ``indicators`` has one row
    per region of the regional table, keyed by ``region_code``. ``version`` says which data
    this is (set by ``geo.registry.sources``: the published files' fingerprint, the
    registry store's version, or the synthetic registry's size and seed), so every page,
    command, export and API response can say what it shows.
    """

    regions: gpd.GeoDataFrame
    detailed: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame
    mne_links: pd.DataFrame
    indicators: pd.DataFrame
    resolver: joins.RegionResolver
    version: str = ""
    organisations: pd.DataFrame = field(default_factory=pd.DataFrame)
    memberships: pd.DataFrame = field(default_factory=pd.DataFrame)
    members_year: int = 0


@dataclass(frozen=True)
class MemberFrames:
    """Organisations and memberships (frames as :func:`geo.data.records.read_table` gives
    them) and the year their current memberships are counted at (the view's year)."""

    organisations: pd.DataFrame
    memberships: pd.DataFrame
    year: int


def build_dataset(
    clusters: pd.DataFrame,
    mne_links: pd.DataFrame,
    regional_indicators: pd.DataFrame,
    resolution: Resolution = "web",
    *,
    members_of: MemberFrames | None = None,
) -> Dataset:
    """Join record frames to the regions and compute indices and scenarios.

    The frames have the columns and dtypes :func:`geo.data.records.read_table` returns
    (``clusters``, ``mne_links`` and the long ``regional_indicators`` table), whether they
    come from the shipped files (:func:`load_dataset`) or from the store
    (:func:`geo.registry.sources.dataset_from_store`). The long table must hold one value per
    region and indicator. The frames are not modified. ``members_of`` (organisations,
    memberships and the year they are counted at) gives the counts of
    :func:`geo.analysis.members.apply_member_counts`; without it every count is as reported.
    """
    detailed = load_regions("detailed")
    regions = detailed if resolution == "detailed" else load_regions(resolution)
    resolver = joins.RegionResolver.from_tables(detailed, records.load_region_aliases())

    clusters = clusters.copy()
    clusters["region_code"] = resolver.resolve_column(
        clusters, "region_as_published", "clusters.csv"
    )
    located = joins.locate_records(clusters, detailed)
    return complete_dataset(
        regions, detailed, located, mne_links, regional_indicators, resolver, members_of
    )


def complete_dataset(
    regions: gpd.GeoDataFrame,
    detailed: gpd.GeoDataFrame,
    located: gpd.GeoDataFrame,
    mne_links: pd.DataFrame,
    regional_indicators: pd.DataFrame,
    resolver: joins.RegionResolver,
    members_of: MemberFrames | None = None,
) -> Dataset:
    """The computing half of :func:`build_dataset`, for clusters already located (the
    shipped records through ``geo.data.joins``, synthetic ones through ``geo.data.synth``):
    member and MNE counts, the wide regional indicators, indices and scenarios."""
    found = members_of or MemberFrames(pd.DataFrame(), pd.DataFrame(), datetime.now(UTC).year)
    counted = members.apply_member_counts(
        located, found.organisations, found.memberships, found.year
    )
    located = gpd.GeoDataFrame(counted, geometry="geometry", crs=located.crs)
    mne_links = mne_links.copy()
    counts = mne_links.groupby("cluster_id").size()
    located["mne_count"] = located["id"].map(counts).fillna(0).astype(int)

    long = regional_indicators.copy()
    long["region_code"] = resolver.resolve_column(
        long, "region_as_published", "regional_indicators.csv"
    )
    indicators = records.regional_indicators_wide(long)

    scenarios = indices.scenario_table(located, indicators)
    located = located.merge(
        scenarios[["cluster_id", "cluster_index", "region_index", "scenario"]],
        left_on="id",
        right_on="cluster_id",
        how="left",
    ).drop(columns="cluster_id")
    located = gpd.GeoDataFrame(located, geometry="geometry", crs="EPSG:4326")
    return Dataset(
        regions,
        detailed,
        located,
        mne_links,
        indicators,
        resolver,
        organisations=found.organisations,
        memberships=found.memberships,
        members_year=found.year,
    )


CLUSTER_COLUMNS = [
    "id",
    "name",
    "city",
    "region_code",
    "lat",
    "lon",
    "industry_group",
    "status",
    "org_level",
    "participants",
    "index_published",
    "mne_count",
]
"""Columns of the cluster listing (``clustermap clusters``, the data page)."""


def _listing_columns(clusters: pd.DataFrame) -> list[str]:
    """:data:`CLUSTER_COLUMNS` with the member counts as the exports write them (the
    columns of :data:`geo.analysis.cluster_columns.MEMBER_COLUMNS` the frame has) in place
    of ``participants``."""
    at = CLUSTER_COLUMNS.index("participants")
    after = CLUSTER_COLUMNS[at + 1 :]
    counts = [c for c in cluster_columns.MEMBER_COLUMNS if c in clusters and c not in after]
    return [*CLUSTER_COLUMNS[:at], *counts, *after]


def cluster_listing(clusters: pd.DataFrame, counts: bool = False) -> pd.DataFrame:
    """One row per cluster with its region, location and key facts; missing text fields
    read "not reported" so the listing never looks like an empty value was data.

    With ``counts`` (a listing written to a file one may edit and import back) the member
    counts are the exports' columns (:func:`_listing_columns`): ``participants_basis``
    says where ``participants`` and ``intl_members`` are the listed members' counts, and
    the card's own numbers are beside them, so an import stores the card's numbers, not
    the counts (``geo.registry.importer.REPORTED_COUNTS``)."""
    columns = _listing_columns(clusters) if counts else CLUSTER_COLUMNS
    table = pd.DataFrame(clusters.rename(columns={"name_en": "name"})[columns])
    table["lat"] = table["lat"].round(5)
    table["lon"] = table["lon"].round(5)
    text = ["name", "city", "region_code", "industry_group", "status", "org_level"]
    table[text] = table[text].astype(object).where(table[text].notna(), "not reported")
    return table


def index_comparison(
    data: Dataset, table: Literal["clusters", "regions"], method: indices.IndexMethod
) -> pd.DataFrame:
    """Published vs recomputed index for every unit: group, each normalised component,
    recomputed and published values, difference, flag, reason, missing inputs, notes."""
    if table == "clusters":
        result = indices.cluster_index(data.clusters, method)
        published = data.clusters.set_index("id")["index_published"]
        tolerance = indices.CLUSTER_PUBLISHED_TOLERANCE
    else:
        result = indices.region_index(data.indicators, method)
        published = data.indicators.set_index("region_code")["fea_index_published"]
        tolerance = indices.REGION_PUBLISHED_TOLERANCE
    comparison = indices.compare_with_published(result, published, tolerance)
    key = result.id_column
    columns = [key, "group"] + [f"{i.column}_component" for i in method.indicators]
    merged = result.frame[columns + ["missing", "notes"]].merge(comparison, on=key)
    ordered = ["recomputed", "published", "difference", "flag", "reason", "missing", "notes"]
    return merged[columns + ordered]
