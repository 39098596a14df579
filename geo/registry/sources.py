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
and MNE counts are computed the same way whatever the source. Callers cache at their
boundary (``st.cache_resource`` in the app); nothing here caches.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.analysis.dataset import Dataset, build_dataset, complete_dataset
from geo.data import joins, records, synth
from geo.data.regions import Resolution, load_regions
from geo.registry.store import Store, current_indicators


def load_dataset(resolution: Resolution = "web") -> Dataset:
    """Load, validate and join the shipped records; geometry at ``resolution``.

    Points are joined against the detailed geometry (more exact borders), whatever
    resolution is returned for drawing.
    """
    return build_dataset(
        records.load_clusters(),
        records.load_mne_links(),
        records.load_regional_indicators(),
        resolution,
    )


def dataset_from_store(
    store: Store, version: int | None = None, resolution: Resolution = "web"
) -> Dataset:
    """The :class:`geo.analysis.dataset.Dataset` of the stored records at ``version`` (default: the
    latest), joined and computed exactly as :func:`geo.analysis.dataset.load_dataset` does for the
    shipped files. Regional indicators stored for several years contribute their latest
    year (:func:`current_indicators`)."""
    frames = store.frames(version)
    long = current_indicators(frames["regional_indicators"], store.refs)
    return build_dataset(frames["clusters"], frames["mne_links"], long, resolution)


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

    clusters = registry.clusters.copy()
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

    return complete_dataset(
        regions, detailed, located, registry.mne_links, records.load_regional_indicators(), resolver
    )
