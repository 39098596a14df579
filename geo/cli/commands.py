"""``clustermap``: the command line, calling the same ``geo`` functions as the pages."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from geo.analysis import indices
from geo.base import i18n
from geo.base.errors import DataValidationError
from geo.base.i18n import N_
from geo.base.tables import render_table
from geo.cli import export as cli_export
from geo.cli import store as cli_store
from geo.cli import synth as cli_synth

Translate = Callable[[str], str]
"""A gettext function: English msgid in, text in the command line's language out."""

ARGPARSE_TEXT: dict[str, str] = {
    "usage": N_("usage: "),
    "positionals": N_("positional arguments"),
    "options": N_("options"),
    "help": N_("show this help message and exit"),
    "error": N_("{prog}: error: {message}"),
}
"""argparse's own words in a help page and an error, in English as argparse writes them."""


class LocalisedParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose own words (usage, section titles, ``-h``, the error
    line) are in the command line's language; in English it prints what argparse prints.

    argparse translates through the process-wide gettext domain, which follows the
    environment rather than ``CLUSTERMAP_LANG``; these few words are set here instead.
    Subcommand parsers inherit the translator (see :func:`build_parser`).
    """

    def __init__(self, *args: Any, translate: Translate = str, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.translate = translate
        self._positionals.title = translate(ARGPARSE_TEXT["positionals"])
        self._optionals.title = translate(ARGPARSE_TEXT["options"])
        self.add_argument("-h", "--help", action="help", help=translate(ARGPARSE_TEXT["help"]))

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = super()._get_formatter()
        prefix = self.translate(ARGPARSE_TEXT["usage"])
        add_usage = formatter.add_usage
        formatter.add_usage = functools.partial(_add_usage, add_usage, prefix)  # type: ignore[method-assign]
        return formatter

    def error(self, message: str) -> Any:  # argparse's signature; never returns
        self.print_usage(sys.stderr)
        line = self.translate(ARGPARSE_TEXT["error"]).format(prog=self.prog, message=message)
        self.exit(2, line + "\n")


def _add_usage(add_usage: Callable[..., None], prefix: str, *args: Any, **kwargs: Any) -> None:
    """``HelpFormatter.add_usage`` with the usage prefix in the parser's language."""
    if kwargs.get("prefix") is None and len(args) < 4:
        kwargs["prefix"] = prefix
    add_usage(*args, **kwargs)


VALIDATE_TEXT: dict[str, str] = {"problems": N_("{n} problem(s)"), "ok": N_("ok")}
"""What ``clustermap validate`` says of each file."""

REGION_COLUMNS = ["code", "name_en", "name_ru", "type", "federal_district", "area_km2"]


def _emit(frame: pd.DataFrame, fmt: str) -> int:
    sys.stdout.write(render_table(frame, fmt))  # type: ignore[arg-type]
    return 0


def cmd_regions(args: argparse.Namespace) -> int:
    from geo.data.regions import load_regions

    regions = load_regions(args.resolution)
    return _emit(pd.DataFrame(regions[REGION_COLUMNS]), args.format)


def cmd_clusters(args: argparse.Namespace) -> int:
    from geo.analysis.dataset import cluster_listing
    from geo.registry.sources import load_dataset

    return _emit(cluster_listing(load_dataset().clusters), args.format)


def cmd_validate(args: argparse.Namespace) -> int:
    from geo.data.records import validate_file

    status = 0
    for path in args.paths:
        issues = validate_file(Path(path))
        if issues:
            status = 1
            problems = args.translate(VALIDATE_TEXT["problems"]).format(n=len(issues))
            print(f"{path}: {problems}", file=sys.stderr)
            for issue in issues:
                print(f"  {issue}", file=sys.stderr)
        else:
            print(f"{path}: {args.translate(VALIDATE_TEXT['ok'])}")
    return status


def cmd_joins(args: argparse.Namespace) -> int:
    from geo.data.joins import mismatch_report
    from geo.registry.sources import load_dataset

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
    from geo.analysis.dataset import index_comparison
    from geo.registry.sources import load_dataset

    base = indices.CLUSTER_METHOD if args.table == "clusters" else indices.REGION_METHOD
    return _emit(index_comparison(load_dataset(), args.table, _method(args, base)), args.format)


def cmd_scenarios(args: argparse.Namespace) -> int:
    from geo.analysis.indices import scenario_table
    from geo.registry.sources import load_dataset

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


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser, its help in ``lang`` (exposed for tests and ``--help`` docs).

    Names of commands, options and choices are the same in every language (scripts use
    them); help texts, messages and argparse's own words are translated.
    """
    _ = i18n.translator(lang)
    parser = LocalisedParser(
        prog="clustermap",
        description=_("Cluster Map of Russia: data, indices and exports."),
        epilog=_(
            "Language: CLUSTERMAP_LANG=ru|en, else the locale (LANGUAGE, LC_ALL, "
            "LC_MESSAGES, LANG), else English."
        ),
        translate=_,
    )
    parser.set_defaults(translate=_, ui_lang=lang)
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        title=_("commands"),
        metavar="COMMAND",
        parser_class=functools.partial(LocalisedParser, translate=_),
    )

    p = sub.add_parser("regions", help=_("list the regions"))
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.add_argument("--resolution", choices=["web", "detailed"], default="web")
    p.set_defaults(func=cmd_regions)

    p = sub.add_parser("clusters", help=_("list the clusters with their region and location"))
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.set_defaults(func=cmd_clusters)

    p = sub.add_parser("validate", help=_("validate record files (clusters, MNE links, ...)"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("joins", help=_("clusters whose point falls outside their declared region"))
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.set_defaults(func=cmd_joins)

    p = sub.add_parser("indices", help=_("recomputed vs published indices"))
    p.add_argument("--table", choices=["clusters", "regions"], default="clusters")
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    _add_method_options(p, _)
    p.set_defaults(func=cmd_indices)

    p = sub.add_parser("scenarios", help=_("internationalisation scenario of every cluster"))
    p.add_argument("--format", choices=["csv", "md", "json"], default="csv")
    p.add_argument("--cluster-threshold", type=float, default=1.0)
    p.add_argument("--region-threshold", type=float, default=1.0)
    _add_method_options(p, _)
    p.set_defaults(func=cmd_scenarios)

    for module in _COMMAND_MODULES:
        module.register(sub, _)
    return parser


# Subcommands that live next to the feature they expose; each module has ``register(sub)``.
_COMMAND_MODULES = (cli_export, cli_synth, cli_store)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser(i18n.lang_from_environment(os.environ))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except DataValidationError as err:
        print(str(err), file=sys.stderr)
        return 2
    except (ValueError, KeyError) as err:
        message = args.translate(ARGPARSE_TEXT["error"]).format(prog="clustermap", message=err)
        print(message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
