"""The metadata of an export: every setting, count, method and source of its view, as
``(field, value)`` rows (XLSX sheet, CSV bundle, GeoJSON member, GeoPackage metadata)."""

from __future__ import annotations

import re
from datetime import UTC

import geo
from geo.analysis import cluster_columns, indices, measures
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import classify, views
from geo.render.exports.context import (
    CLUSTER_THRESHOLD,
    LONGITUDE_NOTE,
    MISSING_NOTE,
    PROJECTION_NOTE,
    REGION_THRESHOLD,
    SOURCES,
    SYNTHETIC_MARK,
    SYNTHETIC_NOTE,
    ExportContext,
    text,
)
from geo.render.exports.formulas import FORMULA_NOTE

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
    "cluster card fields": N_("cluster card fields"),
}
"""Field names of the metadata (:func:`metadata_rows`), marked for translation."""
NUMBERED_FIELDS: dict[str, str] = {
    "filter": N_("filter: {label}"),
    "class": N_("class {n}"),
    "source": N_("source {n}"),
    "column": N_("column {name}"),
}
"""Field names with a number, a filter label or a column name in them."""
_NUMBERED = re.compile(
    r"^(?:(filter): (?P<label>.+)|(class|source) (?P<n>\d+)|(column) (?P<name>\w+))$"
)


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
    kind = match.group(1) or match.group(3) or match.group(5)
    return _(NUMBERED_FIELDS[kind]).format(
        label=match.group("label"), n=match.group("n"), name=match.group("name")
    )


def filter_field(label: str, lang: str = "en") -> str:
    """The metadata field of one filter, ``filter: <label>`` (``label`` already in ``lang``)."""
    if lang == "en":
        return f"filter: {label}"
    return i18n.translator(lang)(NUMBERED_FIELDS["filter"]).format(label=label)


def _version_kind(version: str) -> str:
    """Which text describes ``version``: a store version (``registry v3 (...)``), a
    synthetic registry (``synthetic n=... seed=...``), else the files' fingerprint."""
    if version.startswith("registry v"):
        return "store_version"
    if version.startswith("synthetic "):
        return "synthetic_version"
    return "version"


METADATA_TEXT: dict[str, str] = {
    "version": N_("{version} (fingerprint of the shipped data files)"),
    "store_version": N_("{version} (version of the registry store)"),
    "synthetic_version": N_("{version} (synthetic registry)"),
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


def _view_rows(ctx: ExportContext, lang: str) -> list[tuple[str, str]]:
    """Title, time, versions, data, territory and the counts of the view (English fields)."""
    rv = ctx.rv
    territory = rv.territory
    _ = i18n.translator(lang)
    if lang == "en":
        data = f"{SYNTHETIC_MARK}: {SYNTHETIC_NOTE}" if rv.synthetic else "published"
        clusters = ctx.cluster_count_text
    else:
        published = metadata_text_of("published", lang)
        data = f"{_(SYNTHETIC_MARK)}: {_(SYNTHETIC_NOTE)}" if rv.synthetic else published
        n = len(rv.clusters)
        clusters = text("clusters_one" if n == 1 else "clusters_many", lang).format(
            n=_count(n, lang), total=_count(rv.total_clusters, lang)
        )
    kind = metadata_text_of(territory.kind, lang)
    version = metadata_text_of(_version_kind(ctx.dataset_version), lang).format(
        version=ctx.dataset_version
    )
    return [
        ("title", ctx.title),
        ("exported at", ctx.exported_at.astimezone(UTC).isoformat(timespec="seconds")),
        ("dataset version", version),
        ("app version", f"clustermap {geo.__version__}"),
        ("data", data),
        ("territory", f"{territory.code}: {territory.name(lang)} ({kind})"),
        ("regions in view", _count(len(rv.regions), lang)),
        ("clusters in view", clusters),
        ("MNE links in view", _count(len(rv.mne_links), lang)),
        ("regions with indicators (002 Table 6)", _count(len(rv.indicators), lang)),
    ]


def _measure_rows(ctx: ExportContext, lang: str) -> list[tuple[str, str]]:
    """The measure, its description, the classification and each class (English fields)."""
    rv = ctx.rv
    m = rv.measure
    cls = rv.view_classification
    if lang == "en":
        measure_label, description = m.label, m.description
    else:
        measure_label = measures.measure_label(m.key, lang)
        description = measures.measure_description(m.key, lang)
    classification = metadata_text_of("classification", lang).format(
        scheme=classify.scheme_label(cls.scheme, lang),
        k=_count(cls.k, lang),
        requested=_count(rv.view.k, lang),
        n=_count(len(rv.all_values), lang),
    )
    rows: list[tuple[str, str]] = [
        ("measure", f"{m.key}: {measure_label}"),
        ("measure description", description),
        ("classification", classification),
    ]
    entry = metadata_text_of("class", lang)
    labels = classify.class_labels(cls, m.decimals, lang)
    for i, (label, colour, n) in enumerate(zip(labels, cls.colours, cls.counts(), strict=True)):
        rows.append((f"class {i + 1}", entry.format(label=label, colour=colour, n=_count(n, lang))))
    no_data = metadata_text_of("no_data", lang).format(n=_count(cls.no_data, lang))
    rows.append(("class no data", no_data))
    return rows


def _method_rows(lang: str) -> list[tuple[str, str]]:
    """Index weights and method, thresholds, notes and sources (English fields)."""
    _ = i18n.translator(lang)
    weights = ", ".join(f"{ind.column}={ind.weight:g}" for ind in indices.CLUSTER_INDICATORS)
    region_weights = ", ".join(f"{ind.column}={ind.weight:g}" for ind in indices.REGION_INDICATORS)
    rows = [
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
    return rows + [(f"source {i + 1}", source) for i, source in enumerate(SOURCES)]


def _column_rows(lang: str) -> list[tuple[str, str]]:
    """Where the card's fields come from, and what each card and member-count column of
    the cluster table holds (:func:`geo.analysis.cluster_columns.column_descriptions`)."""
    _ = i18n.translator(lang)
    described = cluster_columns.column_descriptions(cluster_columns.EXPORT)
    rows = [("cluster card fields", _(cluster_columns.CARD_SOURCE))]
    return rows + [(f"column {name}", _(text)) for name, text in described.items()]


def metadata_rows(ctx: ExportContext, lang: str = "en") -> list[tuple[str, str]]:
    """Everything an export states about its view, as ``(field, value)`` rows.

    Title, territory, filters, measure and classes, index weights and thresholds, dataset
    version, export time, what the tables hold, and the sources. ``lang`` translates the
    field names and the values' fixed notes, labels and names (the XLSX sheet of a Russian
    view); machine-read metadata (GeoJSON, GPKG, the CSV bundle) asks for English, whose
    fields and values are fixed. The title is the view's own; the sources stay as published.
    """
    summary = views.filter_summary(ctx.rv.view.filters, lang)
    rows = [(metadata_field(field, lang), value) for field, value in _view_rows(ctx, lang)]
    rows += [(filter_field(label, lang), value) for label, value in summary]
    tail = _measure_rows(ctx, lang) + _method_rows(lang) + _column_rows(lang)
    return rows + [(metadata_field(field, lang), value) for field, value in tail]


def metadata_text(ctx: ExportContext) -> str:
    """The metadata rows as plain text, one ``field: value`` per line."""
    return "".join(f"{k}: {v}\n" for k, v in metadata_rows(ctx))
