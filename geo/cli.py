"""``clustermap``: the command line, calling the same ``geo`` functions as the pages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo import cli_bench, cli_export, cli_store, cli_synth, indices
from geo.errors import DataValidationError
from geo.tables import render_table

REGION_COLUMNS = ["code", "name_en", "name_ru", "type", "federal_district", "area_km2"]


def _emit(frame: pd.DataFrame, fmt: str) -> int:
    sys.stdout.write(render_table(frame, fmt))  # type: ignore[arg-type]
    return 0


def cmd_regions(args: argparse.Namespace) -> int:
    from geo.regions import load_regions

    regions = load_regions(args.resolution)
    return _emit(pd.DataFrame(regions[REGION_COLUMNS]), args.format)


def cmd_clusters(args: argparse.Namespace) -> int:
    from geo.dataset import cluster_listing, load_dataset

    return _emit(cluster_listing(load_dataset().clusters), args.format)


def cmd_validate(args: argparse.Namespace) -> int:
    from geo.records import validate_file

    status = 0
    for path in args.paths:
        issues = validate_file(Path(path))
        if issues:
            status = 1
            print(f"{path}: {len(issues)} problem(s)", file=sys.stderr)
            for issue in issues:
                print(f"  {issue}", file=sys.stderr)
        else:
            print(f"{path}: ok")
    return status


def cmd_joins(args: argparse.Namespace) -> int:
    from geo.dataset import load_dataset
    from geo.joins import mismatch_report

    data = load_dataset()
    return _emit(mismatch_report(data.clusters, data.detailed), args.format)


def _method(args: argparse.Namespace, base: indices.IndexMethod) -> indices.IndexMethod:
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
    from geo.dataset import index_comparison, load_dataset

    base = indices.CLUSTER_METHOD if args.table == "clusters" else indices.REGION_METHOD
    return _emit(index_comparison(load_dataset(), args.table, _method(args, base)), args.format)


def cmd_scenarios(args: argparse.Namespace) -> int:
    from geo.dataset import load_dataset, scenario_table

    data = load_dataset()
    table = scenario_table(
        data.clusters,
        data.indicators,
        _method(args, indices.CLUSTER_METHOD),
        _method(args, indices.REGION_METHOD),
        args.cluster_threshold,
        args.region_threshold,
    )
    return _emit(table, args.format)


def _add_method_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--weights",
        help="override weights, e.g. 'intl_members=0.4,export_bln_rub=0.1'",
    )
    parser.add_argument(
        "--grouping",
        choices=["industry", "none"],
        default="industry",
        help="comparison groups for clusters: within industry groups (the papers) or all",
    )
    parser.add_argument(
        "--weight-placement",
        choices=["inside", "outside"],
        default="inside",
        help="'inside': Equation 1 as printed (weights cancel); 'outside': a*x/max(x)",
    )
    parser.add_argument("--missing", choices=["zero", "exclude"], default="zero")
    parser.add_argument("--negatives", choices=["square", "zero"], default="square")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and for ``--help`` documentation)."""
    parser = argparse.ArgumentParser(
        prog="clustermap", description="Cluster Map of Russia: data, indices and exports."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("regions", help="list the regions")
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.add_argument("--resolution", choices=["web", "detailed"], default="web")
    p.set_defaults(func=cmd_regions)

    p = sub.add_parser("clusters", help="list the clusters with their region and location")
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.set_defaults(func=cmd_clusters)

    p = sub.add_parser("validate", help="validate record files (clusters, MNE links, ...)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("joins", help="clusters whose point falls outside their declared region")
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.set_defaults(func=cmd_joins)

    p = sub.add_parser("indices", help="recomputed vs published indices")
    p.add_argument("--table", choices=["clusters", "regions"], default="clusters")
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    _add_method_options(p)
    p.set_defaults(func=cmd_indices)

    p = sub.add_parser("scenarios", help="internationalisation scenario of every cluster")
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.add_argument("--cluster-threshold", type=float, default=1.0)
    p.add_argument("--region-threshold", type=float, default=1.0)
    _add_method_options(p)
    p.set_defaults(func=cmd_scenarios)

    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


# Subcommands that live next to the feature they expose; each module has ``register(sub)``.
_COMMAND_MODULES = (cli_export, cli_synth, cli_store, cli_bench)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except DataValidationError as err:
        print(str(err), file=sys.stderr)
        return 2
    except (ValueError, KeyError) as err:
        print(f"clustermap: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
