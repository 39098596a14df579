"""``clustermap validate``: a records file checked exactly as ``clustermap import --dry-run``
checks it (the importer's reader, rules and reference data), so the two never disagree.

A command module of its own (``geo.cli.commands.COMMANDS``), so the listing commands of
:mod:`geo.cli.data` start without the importer and the store.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.base import safefiles
from geo.base.catalogue import N_
from geo.base.errors import ValidationIssue
from geo.cli.commands import Translate, command_help
from geo.data import records
from geo.data.records import validate_file
from geo.registry import importer
from geo.registry.store import Store

VALIDATE_TEXT: dict[str, str] = {"problems": N_("{n} problem(s)"), "ok": N_("ok")}
"""What ``clustermap validate`` says of each file."""


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


def run(args: argparse.Namespace) -> int:
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


def register(sub: argparse._SubParsersAction, _: Translate = str) -> None:
    """Add ``clustermap validate PATH...`` (help translated by ``_``)."""
    p = sub.add_parser("validate", help=command_help("validate", _))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=run)
