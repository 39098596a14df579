"""``clustermap export``: a regional view to a file, through the same code as the page buttons.

    clustermap export --territory RU-TA --measure fea_index --format png -o tatarstan.png
    clustermap export --territory Central --format pdf --layout a4-landscape -o central.pdf
    clustermap export --territory Volga --status "pilot innovative" --mne with \\
        --format xlsx -o exports/

Filters take the map page's URL keys as options (``--industry``, ``--level``,
``--status``, ``--scenario``, ``--district``, ``--region``, ``--specialisation``; each may
be repeated) and ``--mne any|with|without``. ``--layout`` chooses the page of a static map
(png, svg, pdf): ``screen`` (default, 1650 × 1050 px), ``a4-landscape``, ``a4-portrait``,
``a3-landscape`` or ``a3-portrait`` (300 dpi). ``-o`` is a file, an existing directory in
which the export is saved under its safe default name, or ``-`` for standard output (a
binary format only when standard output is not a terminal). The file name's extension
must be the format's (the CSV export is a ZIP: ``.zip``). A bad option, territory, measure,
filter value or target is an error naming it, checked before any work, and no file is
written; the file is written atomically (``geo.base.safefiles``): a device, a pipe or a
full disk never leaves a partial file behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from geo.analysis import filters, measures
from geo.analysis.dataset import Dataset
from geo.base import safefiles
from geo.base.i18n import N_
from geo.cli.commands import command_help
from geo.cli.data import add_source_options, loaded
from geo.render import classify, views
from geo.render.cartography.layouts import LAYOUTS
from geo.render.exports import formats

TEXT: dict[str, str] = {
    "unknown_filter": N_(
        "unknown filter value(s): {values} (values as the map page's filters offer them, "
        "e.g. 'pilot innovative')"
    ),
    "bad_time": N_("--exported-at '{text}' is not an ISO 8601 time such as 2025-11-23T09:41:00Z"),
    "written": N_("{path} ({size} bytes, {format})"),
    "description": N_(
        "Export a view: a territory (RU, a federal district or a region code), the cluster "
        "filters and a region measure, as a map, geodata or tables."
    ),
    "territory": N_("RU (all of Russia), a federal district (e.g. Volga) or a region code (RU-TA)"),
    "measure": N_("the region measure that colours the regions"),
    "output": N_("file, existing folder, or - for standard output"),
    "k": N_("number of classes"),
    "lang": N_("language of the export: names, titles, legends, XLSX sheets and headers"),
    "exported_at": N_(
        "export time to state in the file (ISO 8601, default now): makes an export "
        "reproducible byte for byte where the format allows"
    ),
    "filters": N_("filters (repeat an option to select several values)"),
    "layout": N_(
        "page of a static map (png, svg, pdf): screen (default, 1650 × 1050 px), or A4/A3 "
        "portrait/landscape at 300 dpi for print"
    ),
    "layout_format": N_(
        "--layout applies to the static maps ({formats}), not to --format {format}"
    ),
    "facet": N_("{facet} to keep"),
}
"""Help texts and messages of ``clustermap export`` (English literals, one place)."""


def _text(args: argparse.Namespace, key: str) -> str:
    """The message ``key`` in the command line's language."""
    return getattr(args, "translate", str)(TEXT[key])


def _view(args: argparse.Namespace, data: Dataset) -> views.View:
    """The view the options describe; filter values are checked against the data."""
    flt = filters.ClusterFilter(
        **{facet.field: tuple(getattr(args, facet.field) or ()) for facet in filters.FACETS},
        mne=args.mne,
    )
    options = filters.filter_options(data.clusters, data.regions)
    _, dropped = filters.sanitise(flt, options)
    if dropped:
        raise ValueError(_text(args, "unknown_filter").format(values="; ".join(dropped)))
    return views.View(
        territory=args.territory,
        filters=flt,
        measure=args.measure,
        scheme=args.scheme,
        k=args.k,
        lang=args.lang,
    )


def _exported_at(text: str | None, message: str = TEXT["bad_time"]) -> datetime | None:
    """The export time ``--exported-at`` gives (ISO 8601; no zone = UTC), ``None`` = now."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(message.format(text=text)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _target(output: str, entry: formats.ExportFormat) -> Path | None:
    """The file ``-o`` names (a folder: checked again with the export's name), or None for
    standard output; refused before any work when it cannot be written."""
    target = safefiles.check_output(output)
    if target is not None and not target.is_dir():
        safefiles.check_suffix(target, entry.extension, entry.key)
    return target


def _is_binary(mime: str) -> bool:
    """True for a format that is not text (it is refused on a terminal)."""
    return not (mime.startswith("text/") or mime in {"image/svg+xml", "application/geo+json"})


def cmd_export(args: argparse.Namespace) -> int:
    """Resolve the view, export it and write the file; prints the path written."""
    entry = formats.check_format(args.format)
    if args.layout is not None and not entry.layouts:
        takes = ", ".join(e.key for e in formats.REGISTRY.values() if e.layouts)
        raise ValueError(_text(args, "layout_format").format(formats=takes, format=args.format))
    now = _exported_at(args.exported_at, _text(args, "bad_time"))
    target = _target(args.output, entry)
    data = loaded(args).dataset
    view = _view(args, data)
    views.resolve_territory(data.regions, view.territory)  # fail before any work
    filename, payload, mime = formats.export_view(data, view, args.format, now, args.layout)
    if target is None:
        safefiles.write_stdout(payload, entry.key, _is_binary(mime))
        return 0
    if target.is_dir():
        target = safefiles.check_output(target / filename) or target / filename
    written = safefiles.write_atomic(target, payload)
    line = _text(args, "written").format(
        path=safefiles.display_name(written), size=f"{len(payload):,}", format=args.format
    )
    print(line, file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction, _: Callable[[str], str] = str) -> None:
    """Add the ``export`` subcommand to ``clustermap``'s subparsers (help translated by ``_``).

    The formats are those of the export table (``geo.render.exports.formats``) when the
    parser is built, as the page's export panel offers them.
    """

    def h(key: str) -> str:
        return _(TEXT[key])

    p = sub.add_parser("export", help=command_help("export", _), description=h("description"))
    p.add_argument("--territory", default="RU", help=h("territory"))
    p.add_argument(
        "--measure",
        default=measures.DEFAULT_MEASURE,
        choices=[m.key for m in measures.available_measures()],
        help=h("measure"),
    )
    p.add_argument("--format", required=True, choices=list(formats.FORMATS))
    p.add_argument("--layout", choices=list(LAYOUTS), help=h("layout"))
    add_source_options(p, _)
    p.add_argument("-o", "--output", required=True, metavar="PATH", help=h("output"))
    p.add_argument("--scheme", default=classify.DEFAULT_SCHEME, choices=list(classify.SCHEMES))
    p.add_argument(
        "--k",
        type=int,
        default=classify.DEFAULT_CLASSES,
        choices=range(classify.MIN_CLASSES, classify.MAX_CLASSES + 1),
        metavar=f"{{{classify.MIN_CLASSES}..{classify.MAX_CLASSES}}}",
        help=h("k"),
    )
    p.add_argument("--lang", default="en", choices=["en", "ru"], help=h("lang"))
    p.add_argument("--exported-at", metavar="TIME", help=h("exported_at"))
    group = p.add_argument_group(h("filters"))
    for facet in filters.FACETS:
        group.add_argument(
            f"--{facet.query_key}",
            dest=facet.field,
            action="append",
            metavar="VALUE",
            help=h("facet").format(facet=_(facet.label)),
        )
    group.add_argument("--mne", default="any", choices=filters.MNE_CHOICES)
    p.set_defaults(func=cmd_export)
