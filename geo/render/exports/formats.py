"""The export formats: one table that the page's export panel and ``clustermap export``
both read, and ``export_view``, the one entry point that makes a file.

A format is one ``ExportFormat`` entry (key, button label, help, MIME type, file extension,
group, render function, whether it takes a page layout) in ``ENTRIES``; adding a format is
one entry plus its function, which takes a resolved view (``geo.render.views.resolve_view``)
and the keyword arguments ``now`` and ``version`` (and ``layout``, a key of
``geo.render.cartography.layouts.LAYOUTS``, when the entry says ``layouts=True``) and
returns the file's bytes.

The shipped entries name their function by path (``"module:function"``), imported when a
file of that format is first made. The table is read by every page that offers exports
(the landing map among them) and by ``clustermap export``; importing the static maps with
it would load matplotlib (about 0.4 s of CPU) into every page's start (issue 18). An entry
may also hold the function itself (a format registered at run time).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, KeysView
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from geo.analysis.dataset import Dataset
from geo.base.i18n import N_
from geo.render import views
from geo.render.cartography.layouts import DEFAULT_LAYOUT, check_layout
from geo.render.exports.context import ExportContext, export_stem, make_context

Exporter = Callable[..., bytes]
"""``render(rv, *, now=None, version=None[, layout=...]) -> bytes``: one format of a
resolved view."""

GROUPS: dict[str, str] = {"maps": N_("Maps"), "data": N_("Data")}
"""The groups formats are offered in (panel headings), in order."""


@dataclass(frozen=True)
class ExportFormat:
    """One export format: how it is offered (``label`` of its button and ``help``, both
    msgids or untranslated format names; ``group``, a key of ``GROUPS``), how its file is
    saved (``mime``, ``extension``), the function that makes it (``renderer``: the function,
    or its path ``"package.module:function"``, imported on first use) and whether that
    function takes a page layout (``layouts``: the static maps)."""

    key: str
    label: str
    help: str
    mime: str
    extension: str
    group: str
    renderer: Exporter | str
    layouts: bool = False

    def function(self) -> Exporter:
        """The render function: ``renderer`` itself, or the function its path names
        (imported now; Python keeps the module, so only the first call pays)."""
        if callable(self.renderer):
            return self.renderer
        module, _, name = self.renderer.partition(":")
        return cast(Exporter, getattr(importlib.import_module(module), name))

    def render(self, rv: views.ResolvedView, **options: object) -> bytes:
        """The file's bytes: ``rv`` rendered by this format's function."""
        return self.function()(rv, **options)


ENTRIES: tuple[ExportFormat, ...] = (
    ExportFormat(
        "html", N_("HTML map"),
        N_("Interactive map in one file: opens from disk with no network."),
        "text/html", "html", "maps", "geo.render.exports.interactive:export_html",
    ),
    ExportFormat(
        "png", "PNG", N_("Static map as an image, in the page layout chosen."),
        "image/png", "png", "maps", "geo.render.exports.static:export_png", layouts=True,
    ),
    ExportFormat(
        "svg", "SVG", N_("Static map as vector graphics; text stays editable."),
        "image/svg+xml", "svg", "maps", "geo.render.exports.static:export_svg", layouts=True,
    ),
    ExportFormat(
        "pdf", "PDF", N_("Static map as a one-page PDF; text stays searchable."),
        "application/pdf", "pdf", "maps", "geo.render.exports.static:export_pdf", layouts=True,
    ),
    ExportFormat(
        "geojson", "GeoJSON",
        N_("Regions (measure and indicators) and cluster points in one file."),
        "application/geo+json", "geojson", "data", "geo.render.exports.geodata:export_geojson",
    ),
    ExportFormat(
        "gpkg", "GeoPackage", N_("GeoPackage with two layers: regions and clusters."),
        "application/geopackage+sqlite3", "gpkg", "data", "geo.render.exports.geodata:export_gpkg",
    ),
    ExportFormat(
        "csv", N_("CSV (zip)"),
        N_("Clusters, MNE links and regional indicators as CSV files in a zip."),
        "application/zip", "csv.zip", "data", "geo.render.exports.tables:export_csv",
    ),
    ExportFormat(
        "xlsx", "Excel",
        N_("Excel workbook: metadata, clusters, MNE links and regional indicators."),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "data",
        "geo.render.exports.tables:export_xlsx",
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


def check_layout_for(fmt: str, layout: str | None) -> str | None:
    """The page layout an export of ``fmt`` is made on: ``layout`` (checked) or the
    default for a format that takes one, ``None`` for one that does not. A layout given
    for a format without layouts is a ``ValueError`` naming the formats that take one."""
    entry = check_format(fmt)
    if not entry.layouts:
        if layout is not None:
            takes = ", ".join(e.key for e in REGISTRY.values() if e.layouts)
            raise ValueError(
                f"format '{fmt}' has no page layout; layouts apply to {takes} (got '{layout}')"
            )
        return None
    return check_layout(layout or DEFAULT_LAYOUT).name


def export_filename(ctx: ExportContext, fmt: str, layout: str | None = None) -> str:
    """``clustermap_<territory>_<measure>[_filtered]_<yyyymmdd>[_<layout>].<ext>``, all
    parts slugs; the layout is named when it is not the default."""
    suffix = f"_{layout}" if layout and layout != DEFAULT_LAYOUT else ""
    return export_stem(ctx) + suffix + "." + check_format(fmt).extension


def export_resolved(
    rv: views.ResolvedView,
    fmt: str,
    now: datetime | None = None,
    version: str | None = None,
    layout: str | None = None,
) -> tuple[str, bytes, str]:
    """``(file name, bytes, MIME type)`` of a resolved view in ``fmt`` (on ``layout``, a
    key of ``geo.render.cartography.layouts.LAYOUTS``, for the static maps)."""
    entry = check_format(fmt)
    chosen = check_layout_for(fmt, layout)
    ctx = make_context(rv, now, version)
    options = {"layout": chosen} if chosen is not None else {}
    data = entry.render(rv, now=ctx.exported_at, version=ctx.dataset_version, **options)
    return export_filename(ctx, fmt, chosen), data, entry.mime


def export_view(
    dataset: Dataset,
    view: views.View,
    fmt: str,
    now: datetime | None = None,
    layout: str | None = None,
) -> tuple[str, bytes, str]:
    """Resolve ``view`` against ``dataset`` and export it: ``(file name, bytes, MIME)``.

    The one entry point of the page buttons and ``clustermap export``. ``layout`` is the
    page of a static map (default ``screen``). A bad format, layout or territory raises
    ``ValueError`` before anything is written.
    """
    check_layout_for(fmt, layout)
    return export_resolved(views.resolve_view(dataset, view), fmt, now, layout=layout)
