"""``clustermap regions | clusters | joins | indices | scenarios``: the data.

The commands that read the registry take ``--source`` (``store``, the default: the
registry store the app shows, seeded with the published records; or ``published``: the
files as shipped) and ``--version N`` (a version of the store), and say on standard error
which data they read, so a listing, an export and the app never disagree silently.

Start-up: this module imports only what every command needs; each command imports the
code it runs (``regions`` reads region attributes with pandas alone, never the geometry,
the registry store or the map machinery), so a listing starts in well under a second.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from geo.base.catalogue import N_
from geo.cli.commands import Translate, command_help

if TYPE_CHECKING:
    import pandas as pd

    from geo.analysis import indices
    from geo.registry import sources

SOURCE_HELP: dict[str, str] = {
    "source": N_(
        "where the data comes from: the registry store (default; what the app shows) or the "
        "published files as shipped"
    ),
    "version": N_("a version of the registry store (default: the latest)"),
    "read": N_("data: {source}"),
}
"""Help of ``--source`` and ``--version``, and the line saying which data was read."""

REGION_COLUMNS = ["code", "name_en", "name_ru", "type", "federal_district", "area_km2"]
FORMATS = ["csv", "md", "json"]
SOURCE_CHOICES: tuple[str, ...] = ("store", "published")
"""``geo.registry.sources.SOURCES``, spelled out so the parser is built without importing
the registry (a test keeps the two equal)."""


def _emit(frame: pd.DataFrame, fmt: str) -> int:
    """Write ``frame`` in ``fmt`` to standard output (a CSV formula-safe)."""
    from geo.render.exports.formulas import safe_table

    sys.stdout.write(safe_table(frame, fmt))  # type: ignore[arg-type]
    return 0


def add_source_options(parser: argparse.ArgumentParser, _: Translate) -> None:
    """``--source`` and ``--version``, for every command that reads the registry."""
    parser.add_argument(
        "--source", choices=SOURCE_CHOICES, default="store", help=_(SOURCE_HELP["source"])
    )
    parser.add_argument("--version", type=int, metavar="N", help=_(SOURCE_HELP["version"]))


def loaded(args: argparse.Namespace) -> sources.Loaded:
    """The dataset ``--source``/``--version`` name; says on standard error which it is."""
    from geo.registry import sources

    result = sources.open_source(args.source, args.version)
    line = args.translate(SOURCE_HELP["read"]).format(source=result.describe(args.translate))
    print(line, file=sys.stderr)
    return result


def cmd_regions(args: argparse.Namespace) -> int:
    from geo.data.region_attributes import load_region_attributes

    return _emit(load_region_attributes(args.resolution)[REGION_COLUMNS], args.format)


def cmd_clusters(args: argparse.Namespace) -> int:
    """The cluster listing; as CSV or JSON (a file that may be imported back) with the
    member counts' basis and the card's numbers, as the exports write them."""
    from geo.analysis.dataset import cluster_listing

    counts = args.format != "md"
    return _emit(cluster_listing(loaded(args).dataset.clusters, counts), args.format)


def cmd_joins(args: argparse.Namespace) -> int:
    from geo.data.joins import mismatch_report

    data = loaded(args).dataset
    return _emit(mismatch_report(data.clusters, data.detailed), args.format)


def _method(args: argparse.Namespace, base: indices.IndexMethod) -> indices.IndexMethod:
    from geo.analysis import indices

    method = base.with_weights(indices.parse_weights(args.weights or "", base.indicators))
    group = base.group_column
    if getattr(args, "grouping", None) == "none":
        group = None
    return indices.IndexMethod(
        method.indicators,
        group_column=group,
        weight_placement=args.weight_placement,
        missing=args.missing,
        negatives=args.negatives,
    )


def cmd_indices(args: argparse.Namespace) -> int:
    from geo.analysis import indices
    from geo.analysis.dataset import index_comparison

    base = indices.CLUSTER_METHOD if args.table == "clusters" else indices.REGION_METHOD
    data = loaded(args).dataset
    return _emit(index_comparison(data, args.table, _method(args, base)), args.format)


def cmd_scenarios(args: argparse.Namespace) -> int:
    from geo.analysis import indices

    data = loaded(args).dataset
    table = indices.scenario_table(
        data.clusters,
        data.indicators,
        _method(args, indices.CLUSTER_METHOD),
        _method(args, indices.REGION_METHOD),
        args.cluster_threshold,
        args.region_threshold,
    )
    return _emit(table, args.format)


def _add_method_options(parser: argparse.ArgumentParser, _: Translate) -> None:
    parser.add_argument(
        "--weights",
        help=_("override weights, e.g. 'intl_members=0.4,export_bln_rub=0.1'"),
    )
    parser.add_argument(
        "--grouping",
        choices=["industry", "none"],
        default="industry",
        help=_("comparison groups for clusters: within industry groups (the papers) or all"),
    )
    parser.add_argument(
        "--weight-placement",
        choices=["inside", "outside"],
        default="inside",
        help=_("'inside': Equation 1 as printed (weights cancel); 'outside': a*x/max(x)"),
    )
    parser.add_argument("--missing", choices=["zero", "exclude"], default="zero")
    parser.add_argument("--negatives", choices=["square", "zero"], default="square")


def _listing(sub: argparse._SubParsersAction, name: str, _: Translate) -> argparse.ArgumentParser:
    """A command that reads the registry and writes a table."""
    p = sub.add_parser(name, help=command_help(name, _))
    p.add_argument("--format", choices=FORMATS, default="csv")
    add_source_options(p, _)
    return p


def register(sub: argparse._SubParsersAction, _: Translate = str) -> None:
    """Add the data commands to ``clustermap`` (help translated by ``_``)."""
    p = sub.add_parser("regions", help=command_help("regions", _))
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("--resolution", choices=["web", "detailed"], default="web")
    p.set_defaults(func=cmd_regions)

    _listing(sub, "clusters", _).set_defaults(func=cmd_clusters)

    _listing(sub, "joins", _).set_defaults(func=cmd_joins)

    p = _listing(sub, "indices", _)
    p.add_argument("--table", choices=["clusters", "regions"], default="clusters")
    _add_method_options(p, _)
    p.set_defaults(func=cmd_indices)

    p = _listing(sub, "scenarios", _)
    p.add_argument("--cluster-threshold", type=float, default=1.0)
    p.add_argument("--region-threshold", type=float, default=1.0)
    _add_method_options(p, _)
    p.set_defaults(func=cmd_scenarios)
