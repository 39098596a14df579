"""``clustermap regions | clusters | validate | joins | indices | scenarios``: the data.

The commands that read the registry take ``--source`` (``store``, the default: the
registry store the app shows, seeded with the published records; or ``published``: the
files as shipped) and ``--version N`` (a version of the store), and say on standard error
which data they read, so a listing, an export and the app never disagree silently.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from geo.analysis import indices
from geo.analysis.dataset import cluster_listing, index_comparison
from geo.base import safefiles
from geo.base.errors import ValidationIssue
from geo.base.i18n import N_
from geo.cli.commands import Translate, command_help
from geo.data import records
from geo.data.joins import mismatch_report
from geo.data.records import validate_file
from geo.data.regions import load_regions
from geo.registry import importer, sources
from geo.registry.store import Store
from geo.render.exports.formulas import safe_table

VALIDATE_TEXT: dict[str, str] = {"problems": N_("{n} problem(s)"), "ok": N_("ok")}
"""What ``clustermap validate`` says of each file."""

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


def _emit(frame: pd.DataFrame, fmt: str) -> int:
    """Write ``frame`` in ``fmt`` to standard output (a CSV formula-safe)."""
    sys.stdout.write(safe_table(frame, fmt))  # type: ignore[arg-type]
    return 0


def add_source_options(parser: argparse.ArgumentParser, _: Translate) -> None:
    """``--source`` and ``--version``, for every command that reads the registry."""
    parser.add_argument(
        "--source", choices=sources.SOURCES, default="store", help=_(SOURCE_HELP["source"])
    )
    parser.add_argument("--version", type=int, metavar="N", help=_(SOURCE_HELP["version"]))


def loaded(args: argparse.Namespace) -> sources.Loaded:
    """The dataset ``--source``/``--version`` name; says on standard error which it is."""
    result = sources.open_source(args.source, args.version)
    line = args.translate(SOURCE_HELP["read"]).format(source=result.describe(args.translate))
    print(line, file=sys.stderr)
    return result


def cmd_regions(args: argparse.Namespace) -> int:
    regions = load_regions(args.resolution)
    return _emit(pd.DataFrame(regions[REGION_COLUMNS]), args.format)


def cmd_clusters(args: argparse.Namespace) -> int:
    return _emit(cluster_listing(loaded(args).dataset.clusters), args.format)


def validate_path(path: str, store: Store) -> list[ValidationIssue]:
    """Every problem of the records file ``path`` (empty when it is valid).

    A file of clusters, MNE links or regional indicators (CSV, XLSX or GeoJSON; English or
    Russian headers) is checked exactly as ``clustermap import KIND PATH --dry-run`` checks
    it: the importer's reader, rules and reference data (the registry store), so the two
    never disagree. Any other records table (vocabularies, region aliases, published
    aggregates, index weights) is checked against its published schema
    (:func:`geo.data.records.validate_file`).
    """
    name, data, problem = importer.read_path(path)
    if data is None:
        return [problem] if problem else []
    fmt = importer.file_format(name)
    if fmt is None:
        return [ValidationIssue(name, None, None, importer.unknown_type())]
    kind = importer.detect_kind(name, data, store.refs)
    if kind is None and fmt == "csv" and _reference_table(Path(path)):
        return validate_file(Path(path))
    parsed = importer.parse_bytes(name, data, kind or importer.IMPORT_KINDS[0], store.refs)
    if kind is None:  # why it could not be read (encoding, syntax, shape, a header with
        # control characters), else that its header matches no table
        found = [i for i in parsed.issues if i.column is None or i.template in _HEADER_PROBLEMS]
        return found or [ValidationIssue(name, 1, None, records.no_kind(name))]
    return list(store.preview(parsed).issues)


_HEADER_PROBLEMS = frozenset(
    {records.ERROR_TEMPLATES["unsafe_characters"], importer.MESSAGES["header_long"]}
)
"""Problems of a header cell that say why no table's header matches (the header is not
compared with any table's columns before they are fixed)."""


def _reference_table(path: Path) -> bool:
    """True for a records table that is not imported (vocabularies, region aliases,
    published aggregates, index weights): its header says so."""
    try:
        return records.detect_kind(path) not in importer.IMPORT_KINDS
    except ValueError:
        return False


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate each file; exit status 2 when any has a problem (as a refused import)."""
    status = 0
    store = Store.open()
    for path in args.paths:
        issues = validate_path(path, store)
        shown = safefiles.display_name(path)
        if issues:
            status = 2
            problems = args.translate(VALIDATE_TEXT["problems"]).format(n=len(issues))
            print(f"{shown}: {problems}", file=sys.stderr)
            for issue in issues:
                problem = issue.localised(args.ui_lang)
                print(f"  {issue.file}{_where(issue)}: {problem}", file=sys.stderr)
        else:
            print(f"{shown}: {args.translate(VALIDATE_TEXT['ok'])}")
    return status


def _where(issue: ValidationIssue) -> str:
    """``, row N, column 'X'`` of an issue (as ``ValidationIssue.__str__`` writes it)."""
    where = f", row {issue.row}" if issue.row is not None else ""
    return where + (f", column '{issue.column}'" if issue.column else "")


def cmd_joins(args: argparse.Namespace) -> int:
    data = loaded(args).dataset
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
    base = indices.CLUSTER_METHOD if args.table == "clusters" else indices.REGION_METHOD
    data = loaded(args).dataset
    return _emit(index_comparison(data, args.table, _method(args, base)), args.format)


def cmd_scenarios(args: argparse.Namespace) -> int:
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

    p = sub.add_parser("validate", help=command_help("validate", _))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_validate)

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
