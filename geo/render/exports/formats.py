"""The export formats: one table that the page's export panel and ``clustermap export``
both read, and ``export_view``, the one entry point that makes a file.

A format is one ``ExportFormat`` entry (key, button label, help, MIME type, file extension,
group, render function) in ``ENTRIES``; adding a format is one entry plus its function,
which takes a resolved view (``geo.render.views.resolve_view``) and the keyword arguments
``now`` and ``version`` and returns the file's bytes.
"""

from __future__ import annotations

from collections.abc import Callable, KeysView
from dataclasses import dataclass
from datetime import datetime

from geo.analysis.dataset import Dataset
from geo.base.i18n import N_
from geo.render import views
from geo.render.exports.context import ExportContext, export_stem, make_context
from geo.render.exports.geodata import export_geojson, export_gpkg
from geo.render.exports.interactive import export_html
from geo.render.exports.static import export_pdf, export_png, export_svg
from geo.render.exports.tables import export_csv, export_xlsx

Exporter = Callable[..., bytes]
"""``render(rv, *, now=None, version=None) -> bytes``: one format of a resolved view."""

GROUPS: dict[str, str] = {"maps": N_("Maps"), "data": N_("Data")}
"""The groups formats are offered in (panel headings), in order."""


@dataclass(frozen=True)
class ExportFormat:
    """One export format: how it is offered (``label`` of its button and ``help``, both
    msgids or untranslated format names; ``group``, a key of ``GROUPS``), how its file is
    saved (``mime``, ``extension``) and the function that makes it (``render``)."""

    key: str
    label: str
    help: str
    mime: str
    extension: str
    group: str
    render: Exporter


ENTRIES: tuple[ExportFormat, ...] = (
    ExportFormat(
        "html", N_("HTML map"),
        N_("Interactive map in one file: opens from disk with no network."),
        "text/html", "html", "maps", export_html,
    ),
    ExportFormat(
        "png", "PNG", N_("Static map for slides and print (1650 × 1050 px)."),
        "image/png", "png", "maps", export_png,
    ),
    ExportFormat(
        "svg", "SVG", N_("Static map as vector graphics; text stays editable."),
        "image/svg+xml", "svg", "maps", export_svg,
    ),
    ExportFormat(
        "pdf", "PDF", N_("Static map as a one-page PDF."),
        "application/pdf", "pdf", "maps", export_pdf,
    ),
    ExportFormat(
        "geojson", "GeoJSON",
        N_("Regions (measure and indicators) and cluster points in one file."),
        "application/geo+json", "geojson", "data", export_geojson,
    ),
    ExportFormat(
        "gpkg", "GeoPackage", N_("GeoPackage with two layers: regions and clusters."),
        "application/geopackage+sqlite3", "gpkg", "data", export_gpkg,
    ),
    ExportFormat(
        "csv", N_("CSV (zip)"),
        N_("Clusters, MNE links and regional indicators as CSV files in a zip."),
        "application/zip", "csv.zip", "data", export_csv,
    ),
    ExportFormat(
        "xlsx", "Excel",
        N_("Excel workbook: metadata, clusters, MNE links and regional indicators."),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "data",
        export_xlsx,
    ),
)  # fmt: skip
"""Every format, in the order they are offered."""

REGISTRY: dict[str, ExportFormat] = {entry.key: entry for entry in ENTRIES}
"""The formats by key: what the panel, the command line and ``export_view`` read."""

FORMATS: KeysView[str] = REGISTRY.keys()
"""The format keys, in order (a live view of ``REGISTRY``)."""


def register(entry: ExportFormat) -> ExportFormat:
    """Add (or replace) a format at run time; the panel and the command line offer it from
    then on. Returns ``entry``."""
    if entry.group not in GROUPS:
        raise ValueError(f"unknown export group '{entry.group}'; known: {', '.join(GROUPS)}")
    REGISTRY[entry.key] = entry
    return entry


def by_group() -> list[tuple[str, list[ExportFormat]]]:
    """The formats of each group (``GROUPS`` order; groups without formats left out)."""
    groups = [(g, [f for f in REGISTRY.values() if f.group == g]) for g in GROUPS]
    return [(g, entries) for g, entries in groups if entries]


def check_format(fmt: str) -> ExportFormat:
    """The format ``fmt``; ``ValueError`` naming the formats when there is none."""
    if fmt not in REGISTRY:
        raise ValueError(f"unknown export format '{fmt}'; known: {', '.join(FORMATS)}")
    return REGISTRY[fmt]


def export_filename(ctx: ExportContext, fmt: str) -> str:
    """``clustermap_<territory>_<measure>[_filtered]_<yyyymmdd>.<ext>``, all parts slugs."""
    return export_stem(ctx) + "." + check_format(fmt).extension


def export_resolved(
    rv: views.ResolvedView,
    fmt: str,
    now: datetime | None = None,
    version: str | None = None,
) -> tuple[str, bytes, str]:
    """``(file name, bytes, MIME type)`` of a resolved view in ``fmt``."""
    entry = check_format(fmt)
    ctx = make_context(rv, now, version)
    data = entry.render(rv, now=ctx.exported_at, version=ctx.dataset_version)
    return export_filename(ctx, fmt), data, entry.mime


def export_view(
    dataset: Dataset,
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
