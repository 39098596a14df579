"""``clustermap export``: a regional view to a file, through the same code as the page buttons.

    clustermap export --territory RU-TA --measure fea_index --format png -o tatarstan.png
    clustermap export --territory Volga --status "pilot innovative" --mne with \\
        --format xlsx -o exports/

Filters take the map page's URL keys as options (``--industry``, ``--level``,
``--status``, ``--scenario``, ``--district``, ``--region``, ``--specialisation``; each may
be repeated) and ``--mne any|with|without``. ``-o`` is a file, or an existing directory in
which the export is saved under its safe default name. A bad option, territory, measure
or filter value is an error naming it, and no file is written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from geo import filters, maps, measures


def _view(args: argparse.Namespace, data) -> object:
    """The view the options describe; filter values are checked against the data."""
    from geo import views

    flt = filters.ClusterFilter(
        **{facet.field: tuple(getattr(args, facet.field) or ()) for facet in filters.FACETS},
        mne=args.mne,
    )
    options = filters.filter_options(data.clusters, data.regions)
    _, dropped = filters.sanitise(flt, options)
    if dropped:
        raise ValueError(
            "unknown filter value(s): "
            + "; ".join(dropped)
            + " (values as the map page's filters offer them, e.g. 'pilot innovative')"
        )
    return views.View(
        territory=args.territory,
        filters=flt,
        measure=args.measure,
        scheme=args.scheme,
        k=args.k,
        lang=args.lang,
    )


def _exported_at(text: str | None) -> datetime | None:
    """The export time ``--exported-at`` gives (ISO 8601; no zone = UTC), ``None`` = now."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--exported-at '{text}' is not an ISO 8601 time such as 2025-11-23T09:41:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_export(args: argparse.Namespace) -> int:
    """Resolve the view, export it and write the file; prints the path written."""
    from geo import exports, views
    from geo.dataset import load_dataset

    exports.check_format(args.format)
    now = _exported_at(args.exported_at)
    data = load_dataset()
    view = _view(args, data)
    views.resolve_territory(data.regions, view.territory)  # fail before any work
    target = Path(args.output)
    if not target.is_dir() and not target.parent.is_dir():
        raise ValueError(f"folder '{target.parent}' does not exist (for -o {args.output})")
    filename, payload, _ = exports.export_view(data, view, args.format, now)
    if target.is_dir():
        target = target / filename
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(payload)
    partial.replace(target)  # never a half-written file under the final name
    print(f"{target} ({len(payload):,} bytes, {args.format})", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand to ``clustermap``'s subparsers."""
    from geo.exports import FORMATS

    p = sub.add_parser(
        "export",
        help="export a regional view (map, geodata or tables) to a file",
        description="Export a view: a territory (RU, a federal district or a region code), "
        "the cluster filters and a region measure, as a map, geodata or tables.",
    )
    p.add_argument(
        "--territory",
        default="RU",
        help="RU (all of Russia), a federal district (e.g. Volga) or a region code (RU-TA)",
    )
    p.add_argument(
        "--measure",
        default=measures.DEFAULT_MEASURE,
        choices=[m.key for m in measures.available_measures()],
        help="the region measure that colours the regions",
    )
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="file, or existing folder")
    p.add_argument("--scheme", default=maps.DEFAULT_SCHEME, choices=list(maps.SCHEMES))
    p.add_argument(
        "--k",
        type=int,
        default=maps.DEFAULT_CLASSES,
        choices=range(maps.MIN_CLASSES, maps.MAX_CLASSES + 1),
        metavar=f"{{{maps.MIN_CLASSES}..{maps.MAX_CLASSES}}}",
        help="number of classes",
    )
    p.add_argument("--lang", default="en", choices=["en", "ru"], help="language of names")
    p.add_argument(
        "--exported-at",
        metavar="TIME",
        help="export time to state in the file (ISO 8601, default now): makes an export "
        "reproducible byte for byte where the format allows",
    )
    group = p.add_argument_group("filters (repeat an option to select several values)")
    for facet in filters.FACETS:
        group.add_argument(
            f"--{facet.query_key}",
            dest=facet.field,
            action="append",
            metavar="VALUE",
            help=f"{facet.label.lower()} to keep",
        )
    group.add_argument("--mne", default="any", choices=filters.MNE_CHOICES)
    p.set_defaults(func=cmd_export)
