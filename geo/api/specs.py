"""What each collection is, whatever the version: id, title, geometry, filters, and the
public fields of a cluster. Adding a collection is one :class:`CollectionSpec` here and
one builder in :mod:`geo.api.collections`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from geo.analysis import cluster_columns, filters
from geo.base.catalogue import N_
from geo.data.cardfields import read_sources


@dataclass(frozen=True)
class FilterParam:
    """A query parameter filtering on the property of the same name (GDAL sends a
    ``where`` comparison to the server only for a parameter named after the field).
    Repeated values are alternatives (OR), different parameters must all match (AND), as
    in the app's sidebar. ``description`` is for the OpenAPI document (English)."""

    name: str
    description: str


@dataclass(frozen=True)
class JsonProperty:
    """A property held as text in the property table (HTML, CSV: one cell) and written in
    GeoJSON as the JSON value ``value(text)`` gives (a list, an object), with its JSON
    Schema."""

    schema: dict[str, Any]
    value: Callable[[str], Any]


@dataclass(frozen=True)
class CollectionSpec:
    """A collection: id, title and description (English msgids), geometry, filters, and
    its structured properties (:class:`JsonProperty`)."""

    id: str
    title: str
    description: str
    geometry: Literal["point", "polygon"]
    filters: tuple[FilterParam, ...]
    json_properties: Mapping[str, JsonProperty] = field(default_factory=dict)


def specialisation_list(text: str) -> list[str]:
    """A cluster's specialisations as a list (``"A; B"`` → ``["A", "B"]``), split as the
    map's facet splits them.

    >>> specialisation_list("Aircraft; Shipbuilding")
    ['Aircraft', 'Shipbuilding']
    """
    return [v for v in filters.split_specialisations(text) if v != filters.NOT_REPORTED]


def source_notes(text: str) -> dict[str, dict[str, str]]:
    """The card's ``field | source | date`` lines as ``{field: {"source", "date"}}``.

    >>> source_notes("website | site of the cluster | 2025")
    {'website': {'source': 'site of the cluster', 'date': '2025'}}
    """
    return {name: {"source": s, "date": d} for name, (s, d) in read_sources(text).items()}


CLUSTER_JSON: dict[str, JsonProperty] = {
    "specialisations": JsonProperty(
        {
            "type": "array",
            "items": {"type": "string"},
            "description": "The specialisations of 'specialisation' as a list.",
        },
        specialisation_list,
    ),
    "field_sources": JsonProperty(
        {
            "type": "object",
            "description": "Source and date of each card field, by field name.",
            "additionalProperties": {
                "type": "object",
                "properties": {"source": {"type": "string"}, "date": {"type": "string"}},
            },
        },
        source_notes,
    ),
}
"""The clusters' structured properties: text in CSV and HTML, JSON in GeoJSON."""


CLUSTER_FILTERS: tuple[FilterParam, ...] = (
    FilterParam("industry_group", "Industry group (the map's facet 'industry')."),
    FilterParam(
        "specialisation",
        "Specialisation; a cluster listing several matches each of them (the map's facet "
        "'specialisation').",
    ),
    FilterParam("org_level", "Organisation development level (the map's facet 'level')."),
    FilterParam("status", "Status (the map's facet 'status')."),
    FilterParam("scenario", "Internationalisation scenario (the map's facet 'scenario')."),
    FilterParam(
        "federal_district", "Federal district of the declared region (the map's 'district')."
    ),
    FilterParam("region_code", "ISO 3166-2 code of the declared region (the map's 'region')."),
    FilterParam("mne_presence", "'with' or 'without' MNE links (the map's facet 'mne')."),
)
"""The clusters' filters: the map's facets, named after the properties they filter."""

CLUSTER_FACET_PARAMS: dict[str, str] = {"region": "region_code", "mne": "mne_presence"}
"""Facet fields of ``geo.analysis.filters`` whose parameter has another name."""

SPECS: dict[str, CollectionSpec] = {
    spec.id: spec
    for spec in (
        CollectionSpec(
            "clusters",
            N_("Clusters"),
            N_(
                "Cluster initiatives: points with their card fields, recomputed index and "
                "scenario (public fields only)."
            ),
            "point",
            CLUSTER_FILTERS,
            CLUSTER_JSON,
        ),
        CollectionSpec(
            "regions",
            N_("Regions"),
            N_(
                "Russia's regions (polygons simplified for the web) with the regional "
                "indicators of paper 002 (Table 6), the recomputed and published "
                "foreign-economic-activity index and the registry's counts."
            ),
            "polygon",
            (
                FilterParam("federal_district", "Federal district."),
                FilterParam("code", "ISO 3166-2 code of the region."),
                FilterParam("type", "Type of region (oblast, republic, ...)."),
            ),
        ),
        CollectionSpec(
            "mne_links",
            N_("MNE links"),
            N_(
                "Links between multinational enterprises and clusters, located at the "
                "cluster's point (no geometry where the cluster has none)."
            ),
            "point",
            (
                FilterParam("cluster_id", "Id of the linked cluster."),
                FilterParam("hq_country", "Headquarters country of the MNE."),
                FilterParam("relation", "Relation of the MNE to the cluster."),
                FilterParam("presence", "Presence of the MNE."),
                FilterParam("interplay_type", "Type of interplay."),
                FilterParam("region_code", "ISO 3166-2 code of the cluster's region."),
                FilterParam("federal_district", "Federal district of the cluster's region."),
            ),
        ),
        CollectionSpec(
            "federal_districts",
            N_("Federal districts"),
            N_("Federal districts, merged from their regions, with the registry's counts."),
            "polygon",
            (FilterParam("name", "Name of the federal district."),),
        ),
    )
}
"""Every collection, in the order ``/collections`` lists them."""

CLUSTER_PROPERTIES: tuple[str, ...] = cluster_columns.columns_for(cluster_columns.API)
"""The public fields of a cluster, in order (:data:`geo.analysis.cluster_columns.CLUSTER_COLUMNS`,
the exports' table too): an allow-list, so a column added to the registry (notes,
internal columns such as ``located_region_code``, personal contact data) is not published
until it is named there. The card of issue 16 (founding year, web site, descriptions,
employees, revenue, management organisation, status document, the assessment of the
development level, ``field_sources``) and the member counts (reported, listed and their
basis) are in it. CSV adds ``lon`` and ``lat`` (GeoJSON has the geometry)."""

WHOLE_NUMBER_PROPERTIES: tuple[str, ...] = (
    *cluster_columns.whole_number_columns(),
    "area_km2",
    "cluster_count",
    "mne_link_count",
)
"""Counts, published as integers when every value is whole."""
