"""Every way a :class:`~geo.analysis.dataset.Dataset` is built, in one place.

The app, the command line, the exports and the API show one of three sources:

* **published**: the records as shipped in ``data/`` (transcribed from sources 001–003),
  loaded, validated and joined by :func:`load_dataset`;
* **store**: the registry store (``geo.registry.store``) at a version, seeded with the
  published records as version 1 and grown by imports and edits
  (:func:`dataset_from_store`);
* **synthetic**: a generated registry for demonstrations and load tests
  (``geo.data.synth``), marked synthetic on every row (:func:`synthetic_dataset`).

All three go through :func:`geo.analysis.dataset.complete_dataset`, so indices, scenarios
and MNE counts are computed the same way whatever the source. Callers cache in memory at
their boundary (``st.cache_resource`` in the app). Across processes, :func:`open_source`
and :func:`stored_dataset` keep built datasets in the user cache
(:mod:`geo.analysis.dataset_cache`), so a command or a fresh server does not rebuild the
dataset the last one built; :func:`load_dataset` and :func:`dataset_from_store` always build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal, get_args

import geopandas as gpd
import pandas as pd

from geo.analysis.dataset import Dataset, MemberFrames, build_dataset, complete_dataset
from geo.analysis.dataset_cache import cached_dataset
from geo.base.i18n import N_
from geo.data import joins, records, synth
from geo.data.regions import Resolution, load_regions
from geo.data.version import dataset_version
from geo.registry import card, importer, members
from geo.registry.importer import Entry
from geo.registry.store import Store, VersionInfo, current_indicators, records_frame

SourceName = Literal["store", "published"]
SOURCES: tuple[str, ...] = get_args(SourceName)
"""The sources a command can read (``--source``): the registry store (the default: what
the app shows) or the published files as shipped."""

SOURCE_TEXT: dict[str, str] = {
    "store": N_("registry store, version {version} of {time} ({url})"),
    "published": N_("published files as shipped ({version})"),
}
"""How a command says which data it read (English msgids, translated where shown)."""


@dataclass(frozen=True)
class Loaded:
    """A dataset and where it came from: the source, and the store version if any."""

    dataset: Dataset
    source: SourceName
    store_version: VersionInfo | None = None
    store_url: str = ""

    def describe(self, translate: Callable[[str], str] = str) -> str:
        """One line naming the source and version, in the language of ``translate``."""
        if self.store_version is None:
            return translate(SOURCE_TEXT["published"]).format(version=self.dataset.version)
        info = self.store_version
        return translate(SOURCE_TEXT["store"]).format(
            version=info.id,
            time=info.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            url=_safe_url(self.store_url),
        )


def _safe_url(url: str) -> str:
    """The store's URL without its password (it is printed)."""
    head, sep, tail = url.partition("@")
    if not sep or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{tail}"


def store_version_label(info: VersionInfo) -> str:
    """The version text of a stored dataset: ``registry v3 (2026-12-02T10:21:05+00:00)``."""
    return f"registry v{info.id} ({info.created_at.isoformat(timespec='seconds')})"


def open_source(
    source: SourceName = "store", version: int | None = None, url: str | None = None
) -> Loaded:
    """The dataset of ``source``: the registry store at ``version`` (default: the latest;
    ``url`` default: ``CLUSTERMAP_DATABASE_URL`` or the local SQLite file), or the
    published files (``version`` must then be None). The one entry point of the command
    line, the exports and the API, so they read what the app shows."""
    if source == "published":
        if version is not None:
            raise ValueError("--version applies to the registry store, not --source published")
        return Loaded(cached_dataset("published_dataset", ["web"], load_dataset), "published")
    store = Store.open(url)
    try:
        info = store.version(version if version is not None else store.head())
        return Loaded(stored_dataset(store, info.id), "store", info, store.url)
    finally:
        store.dispose()


def stored_dataset(store: Store, version: int | None = None) -> Dataset:
    """:func:`dataset_from_store` through the user cache: a version of the store never
    changes, so its dataset is keyed by the store's URL and the version's number, time (to
    the microsecond: a store dropped and seeded again is a new key), author, action,
    summary and source (:func:`geo.analysis.dataset_cache.cached_dataset` adds the files,
    code and packages it is built from). An import or an edit makes a new head version,
    hence a new key: a cached dataset is never shown in place of a newer one."""
    info = store.version(version if version is not None else store.head())
    when = info.created_at.isoformat()
    parts = [store.url, str(info.id), when, info.author, info.action, info.summary]
    parts += [info.source, str(info.restored_from)]
    return cached_dataset("store_dataset", parts, lambda: dataset_from_store(store, info.id))


def load_dataset(resolution: Resolution = "web") -> Dataset:
    """Load, validate and join the shipped records; geometry at ``resolution``.

    Points are joined against the detailed geometry (more exact borders), whatever
    resolution is returned for drawing. MNE links are a view of the organisations and
    memberships, one per membership of a foreign-owned organisation
    (:func:`geo.registry.members.mne_link_entries`), as for the store: ``mne_links.csv``
    is the transcription they were made from, not read here.
    """
    state = {
        "organisations": members.entries_of(records.load_organisations(), "org_id"),
        "memberships": members.entries_of(records.load_memberships(), "membership_id"),
    }
    frames = _member_frames(state, datetime.now(UTC).year)
    data = build_dataset(
        with_card_columns(records.load_clusters()),
        records_frame("mne_links", members.mne_link_entries(state)),
        records.load_regional_indicators(),
        resolution,
        members_of=frames,
    )
    return replace(data, version=dataset_version())


def with_card_columns(clusters: pd.DataFrame) -> pd.DataFrame:
    """The published clusters with the registry card's public columns they lack
    (:class:`geo.registry.importer.RegistryCluster`: founding year, web site, ...) added
    as missing, typed as :func:`geo.registry.store.records_frame` types them: the
    documents give none of them, and the published and stored datasets have one shape."""
    out = clusters.copy()
    numeric = importer.numeric_columns("clusters")
    for column in card.public_columns("clusters", importer.kind_columns("clusters")):
        if column not in out.columns:
            missing = pd.Series([None] * len(out), index=out.index, dtype="object")
            out[column] = missing.astype("float64" if column in numeric else "str")
    return out


def _member_frames(state: dict[str, dict[str, Entry]], year: int) -> MemberFrames:
    """The organisations and memberships of ``state`` as frames, counted at ``year``."""
    return MemberFrames(
        records_frame("organisations", state.get("organisations", {}).values()),
        records_frame("memberships", state.get("memberships", {}).values()),
        year,
    )


def dataset_from_store(
    store: Store, version: int | None = None, resolution: Resolution = "web"
) -> Dataset:
    """The :class:`geo.analysis.dataset.Dataset` of the stored records at ``version`` (default: the
    latest), joined and computed exactly as :func:`load_dataset` does for the shipped
    files. Regional indicators stored for several years contribute their latest year
    (:func:`current_indicators`); MNE links as :func:`geo.registry.members.mne_link_entries`
    gives them, and member counts taken at the version's year."""
    info = store.version(version if version is not None else store.head())
    state = store.state(info.id)
    frames = {kind: records_frame(kind, state.get(kind, {}).values()) for kind in state}
    long = current_indicators(frames["regional_indicators"], store.refs)
    links = records_frame("mne_links", members.mne_link_entries(state))
    data = build_dataset(
        frames["clusters"],
        links,
        long,
        resolution,
        members_of=_member_frames(state, info.created_at.year),
    )
    return replace(data, version=store_version_label(info))


def synthetic_dataset(
    n: int, seed: int, mne_per_cluster: float | None = None, resolution: Resolution = "web"
) -> Dataset:
    """A synthetic drop-in for :func:`geo.analysis.dataset.load_dataset` (same ``Dataset`` frames).

    Clusters and MNE links are synthetic (marked ``synthetic=True``); regions, the
    regional indicators (002 Table 6) and the resolver are the real ones. Indices and
    scenarios are computed with :func:`geo.analysis.indices.scenario_table`, exactly as for the
    published data; clusters outside the 19 regions of Table 6, or without an industry
    group, are "not assessed".
    """
    detailed = load_regions("detailed")
    regions = detailed if resolution == "detailed" else load_regions(resolution)
    resolver = joins.RegionResolver.from_tables(detailed, records.load_region_aliases())
    registry = synth.generate(n, seed, mne_per_cluster, detailed=detailed, web=regions)

    # the card's columns as the published dataset has them (synth's "employees" is one)
    clusters = with_card_columns(registry.clusters)
    public = card.public_columns("clusters", importer.kind_columns("clusters"))
    clusters = clusters[[*public, *(c for c in clusters.columns if c not in public)]]
    clusters["region_code"] = resolver.resolve_column(
        clusters, "region_as_published", "synthetic clusters"
    )
    points = registry.points
    located = gpd.GeoDataFrame(
        clusters,
        geometry=gpd.points_from_xy(points["lon"], points["lat"]),
        crs="EPSG:4326",
    )
    located["lat"] = points["lat"].to_numpy()
    located["lon"] = points["lon"].to_numpy()
    located["location_basis"] = points["location_basis"].astype("str").to_numpy()
    located["geonameid"] = pd.array([None] * len(located), dtype="Int64")
    joined = gpd.sjoin(
        located[["id", "geometry"]], detailed[["code", "geometry"]], how="left", predicate="within"
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    located["located_region_code"] = joined["code"].reindex(located.index).astype("str")
    located["region_mismatch"] = located["located_region_code"] != located["region_code"]

    data = complete_dataset(
        regions, detailed, located, registry.mne_links, records.load_regional_indicators(), resolver
    )
    return replace(data, version=f"synthetic n={n} seed={seed}")
