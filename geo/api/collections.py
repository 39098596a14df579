"""The four collections of a version, built from its :class:`Dataset` (the one the app
shows): what each feature carries, and the filters with the app's semantics.

* ``clusters``: points with the public card fields (:data:`geo.api.specs.CLUSTER_PROPERTIES`),
  region names, federal district, recomputed index, scenario, MNE presence. Filter masks
  come from ``geo.analysis.filters`` (``cluster_facets``/``filter_options``), so
  "not reported" is a value, every scenario, district and region is known even without
  clusters, and a cluster with several specialisations matches each of them.
* ``regions``: every region (web geometry) with ``geo.analysis.measures.measure_table``
  (what the choropleth shows: the four indicators of Table 6, the recomputed FEA index,
  cluster and MNE-link counts, mean cluster index) and the published FEA index.
* ``mne_links``: located at their cluster's point (no geometry where it has none).
* ``federal_districts``: the regions merged by district, with counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import shapely

from geo.analysis import filters, measures
from geo.analysis.dataset import Dataset
from geo.api.compiled import (
    CompiledCollection,
    CompiledDataset,
    compile_collection,
    text_or_none,
    value_masks,
)
from geo.api.geometry import point_geometries, polygon_geometries
from geo.api.specs import (
    CLUSTER_FACET_PARAMS,
    CLUSTER_PROPERTIES,
    SPECS,
    WHOLE_NUMBER_PROPERTIES,
)
from geo.data.records import load_vocabularies
from geo.registry.store import VersionInfo

Masks = dict[str, dict[str, np.ndarray]]

VOCABULARY_FILTERS: dict[str, tuple[str, ...]] = {
    "clusters": ("industry_group", "org_level", "status"),
    "mne_links": ("relation", "presence", "interplay_type"),
}
"""Filters whose values come from a controlled vocabulary (``data/records/vocabularies.csv``):
every value of it is known, even in a version where no record has it (it then selects
nothing), so only a value outside the vocabulary and the data is refused."""


def add_vocabulary(masks: Masks, collection: str, n: int) -> Masks:
    """``masks`` with an empty mask for every vocabulary value no record has."""
    vocabularies = load_vocabularies()
    for name in VOCABULARY_FILTERS.get(collection, ()):
        values = vocabularies.loc[vocabularies["vocabulary"] == name, "value"]
        for value in values.astype(str):
            masks.setdefault(name, {}).setdefault(value, np.zeros(n, dtype=bool))
    return masks


def whole_numbers(frame: pd.DataFrame, columns: Iterable[str] = WHOLE_NUMBER_PROPERTIES) -> None:
    """Counts as nullable integers (written without a decimal point) where every value
    is whole."""
    for column in columns:
        if column in frame:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if bool((numbers.dropna() % 1 == 0).all()):
                frame[column] = numbers.round().astype("Int64")


def column_masks(frame: pd.DataFrame, names: Iterable[str]) -> Masks:
    """Filter masks of single-valued text columns (a missing value is "not reported")."""
    out: Masks = {}
    for name in names:
        text = text_or_none(frame[name])
        rows = ([filters.NOT_REPORTED if v is None else str(v)] for v in text)
        out[name] = value_masks(rows, len(frame))
    return out


def cluster_table(data: Dataset) -> pd.DataFrame:
    """The clusters' public properties, in :data:`CLUSTER_PROPERTIES` order."""
    clusters = data.clusters.reset_index(drop=True)
    regions = data.regions.set_index("code")
    frame = pd.DataFrame(clusters.drop(columns="geometry"))
    for column in ("name_en", "name_ru", "federal_district"):
        target = column if column == "federal_district" else f"region_{column}"
        frame[target] = frame["region_code"].map(regions[column])
    frame["specialisations"] = frame["specialisation"]  # a list in GeoJSON (specs.CLUSTER_JSON)
    frame["mne_presence"] = np.where(frame["mne_count"].fillna(0) > 0, "with", "without")
    synthetic = frame["synthetic"] if "synthetic" in frame else pd.Series(False, frame.index)
    frame["synthetic"] = synthetic.fillna(False).astype(bool)
    table = frame.reindex(columns=list(CLUSTER_PROPERTIES))
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = text_or_none(table[column])
    whole_numbers(table)
    return table


def cluster_masks(data: Dataset) -> Masks:
    """One mask per value of every facet, as the map's filter selects (a value with no
    cluster, such as a scenario nobody is in, is known and selects nothing)."""
    clusters = data.clusters.reset_index(drop=True)
    facets = filters.cluster_facets(clusters, data.regions)
    options = filters.filter_options(clusters, data.regions)
    options["mne"] = {"with": 0, "without": 0}
    masks: Masks = {}
    for field in [f.field for f in filters.FACETS] + ["mne"]:
        name = CLUSTER_FACET_PARAMS.get(field, field)
        rows = facets[field] if field != "mne" else ([v] for v in facets[field])
        masks[name] = value_masks(rows, len(clusters))
        for value in options.get(field, {}):
            masks[name].setdefault(value, np.zeros(len(clusters), dtype=bool))
    return masks


def clusters_collection(data: Dataset) -> CompiledCollection:
    """The clusters (see the module docstring); CSV adds ``lon`` and ``lat``."""
    geometries = point_geometries(data.clusters.geometry.tolist())
    masks = add_vocabulary(cluster_masks(data), "clusters", len(data.clusters))
    compiled = compile_collection(SPECS["clusters"], cluster_table(data), geometries, masks)
    compiled.table["lon"], compiled.table["lat"] = geometries.x, geometries.y
    return compiled


def regions_collection(data: Dataset) -> CompiledCollection:
    """The regions with what the choropleth shows and the published FEA index."""
    regions = data.regions.reset_index(drop=True)
    table = pd.DataFrame(regions.drop(columns="geometry")).rename(columns={"code": "id"})
    table.insert(1, "code", table["id"])
    measured = measures.measure_table(data).rename(
        columns={"fea_index": "fea_index_recomputed", "mne_links": "mne_link_count"}
    )
    published = data.indicators.set_index("region_code")["fea_index_published"]
    for column in measured.columns:
        table[column] = table["code"].map(measured[column]).astype(float)
    table["fea_index_published"] = table["code"].map(published).astype(float)
    for column in table.columns:
        if pd.api.types.is_string_dtype(table[column]):
            table[column] = text_or_none(table[column])
    whole_numbers(table)
    masks = column_masks(table, ("federal_district", "code", "type"))
    geometries = polygon_geometries(regions.geometry.tolist())
    return compile_collection(SPECS["regions"], table, geometries, masks)


def mne_links_collection(data: Dataset) -> CompiledCollection:
    """The MNE links at their cluster's point, with the cluster's name and region."""
    links = data.mne_links.reset_index(drop=True)
    clusters = data.clusters.drop_duplicates("id").set_index("id")
    district = data.regions.set_index("code")["federal_district"]
    table = pd.DataFrame({"id": links["link_id"]})
    for column in ("mne_name", "hq_country", "industry", "cluster_id"):
        table[column] = links[column]
    name = clusters["name_en"].where(clusters["name_en"].notna(), clusters["name_ru"])
    table["cluster_name"] = links["cluster_id"].map(name)
    table["region_code"] = links["cluster_id"].map(clusters["region_code"])
    table["federal_district"] = table["region_code"].map(district)
    for column in ("relation", "presence", "interplay_type", "source_doc", "source_ref"):
        table[column] = links[column]
    for column in table.columns:
        table[column] = text_or_none(table[column])
    geometries = point_geometries(links["cluster_id"].map(clusters.geometry).tolist())
    masks = column_masks(table, [p.name for p in SPECS["mne_links"].filters])
    add_vocabulary(masks, "mne_links", len(table))
    return compile_collection(SPECS["mne_links"], table, geometries, masks)


def districts_collection(data: Dataset) -> CompiledCollection:
    """The federal districts: their regions merged, with counts."""
    regions = data.regions
    district_of = regions.set_index("code")["federal_district"]
    region_of_cluster = data.clusters.drop_duplicates("id").set_index("id")["region_code"]
    cluster_district = data.clusters["region_code"].map(district_of)
    link_district = data.mne_links["cluster_id"].map(region_of_cluster).map(district_of)
    rows, shapes = [], []
    for name, group in regions.groupby("federal_district", sort=True):
        rows.append(
            {
                "id": str(name).lower().replace(" ", "-"),
                "name": str(name),
                "region_count": len(group),
                "area_km2": int(group["area_km2"].sum()),
                "cluster_count": int((cluster_district == name).sum()),
                "mne_link_count": int((link_district == name).sum()),
            }
        )
        shapes.append(shapely.union_all(group.geometry.to_numpy()))
    table = pd.DataFrame(rows)
    masks = column_masks(table, ("name",))
    return compile_collection(SPECS["federal_districts"], table, polygon_geometries(shapes), masks)


BUILDERS: dict[str, Callable[[Dataset], CompiledCollection]] = {
    "clusters": clusters_collection,
    "regions": regions_collection,
    "mne_links": mne_links_collection,
    "federal_districts": districts_collection,
}
"""The builder of every collection of :data:`geo.api.specs.SPECS`."""


def compile_dataset(data: Dataset, info: VersionInfo) -> CompiledDataset:
    """Every collection of one version, compiled."""
    return CompiledDataset(data, info, {key: build(data) for key, build in BUILDERS.items()})
