"""Command-line access to the registry store: import, history, restore, password hashes.

``clustermap import KIND PATH`` imports a file (all-or-nothing; the report names row,
column and reason), ``clustermap history`` lists versions, ``clustermap history N`` shows
what version N changed and ``--records KIND`` writes its data, ``clustermap restore N``
makes a new version equal to N, ``clustermap hash-password`` prints a hash for the editor
list. Writes need an editor sign-in: the user name from ``--user`` or
``CLUSTERMAP_USER``, the password from ``CLUSTERMAP_PASSWORD`` or a prompt, checked
against the editors of ``CLUSTERMAP_EDITORS`` and ``[editors]`` of
``.streamlit/secrets.toml`` (the same list the app uses).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tomllib
from pathlib import Path

from geo import auth, importer
from geo.tables import render_table

ENV_USER = "CLUSTERMAP_USER"
ENV_PASSWORD = "CLUSTERMAP_PASSWORD"

#: User-facing wording (one place, for translation).
MESSAGES: dict[str, str] = {
    "no_user": "a write needs an editor: pass --user or set CLUSTERMAP_USER",
    "denied": "sign-in failed: unknown user or wrong password",
    "password": "Password for {user}: ",
    "new_password": "New password: ",
    "repeat": "Repeat: ",
    "mismatch": "the passwords differ",
    "invalid": "nothing was imported: {count} problem(s)",
    "nothing": "nothing to change: the store already holds this data (version {head})",
    "done": "version {version}: {added} added, {changed} changed, {removed} removed",
    "dry_run": "valid; importing would add {added}, change {changed}, remove {removed} "
    "({unchanged} unchanged); nothing written (--dry-run)",
}


def _secrets_editors() -> dict[str, str]:
    """``[editors]`` of the Streamlit secrets files (project, then user), when present."""
    editors: dict[str, str] = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit/secrets.toml")):
        if path.is_file():
            with path.open("rb") as fh:
                editors.update(tomllib.load(fh).get("editors", {}))
    return editors


def _sign_in(args: argparse.Namespace) -> auth.Editor:
    """The signed-in editor, or ``PermissionError`` (exit status 3)."""
    user = args.user or os.environ.get(ENV_USER, "")
    if not user:
        raise auth.NotAuthorised(MESSAGES["no_user"])
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        password = getpass.getpass(MESSAGES["password"].format(user=user))
    editor = auth.authenticate(
        user, password, auth.editor_credentials(_secrets_editors(), os.environ)
    )
    if editor is None:
        raise auth.NotAuthorised(MESSAGES["denied"])
    return editor


def _open_store():
    from geo.store import Store

    return Store.open()


def cmd_import(args: argparse.Namespace) -> int:
    """Import one file; exit 2 with the report when it is invalid."""
    store = _open_store()
    parsed = importer.read_file(args.path, args.kind, store.refs)
    for notice in parsed.notices:
        print(f"note: {notice}", file=sys.stderr)
    if args.dry_run:
        plan = store.preview(parsed, args.mode)
    else:
        result = store.import_file(_sign_in(args), parsed, args.mode)
        plan = result.plan
    if not plan.ok:
        print(MESSAGES["invalid"].format(count=len(plan.issues)), file=sys.stderr)
        sys.stdout.write(render_table(plan.report(), args.format))
        return 2
    counts = plan.counts()
    if args.dry_run:
        print(MESSAGES["dry_run"].format(**counts))
        sys.stdout.write(render_table(importer.changes_frame(plan.changes), args.format))
    elif result.version is None:
        print(MESSAGES["nothing"].format(head=store.head()))
    else:
        print(MESSAGES["done"].format(version=result.version, **counts))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """List versions; with a version, its changes or (``--records``) its data."""
    store = _open_store()
    if args.records:
        sys.stdout.write(store.export(args.records, args.version))
    elif args.version is None:
        sys.stdout.write(render_table(store.history(), args.format))
    else:
        store.version(args.version)  # KeyError naming the range when it does not exist
        sys.stdout.write(render_table(store.changes_frame(args.version), args.format))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Make a new version equal to VERSION."""
    store = _open_store()
    result = store.restore(_sign_in(args), args.version)
    if result.version is None:
        print(MESSAGES["nothing"].format(head=store.head()))
    else:
        print(MESSAGES["done"].format(version=result.version, **result.plan.counts()))
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Print a salted hash for ``CLUSTERMAP_EDITORS`` or ``[editors]`` in secrets."""
    if sys.stdin.isatty():
        password = getpass.getpass(MESSAGES["new_password"])
        if getpass.getpass(MESSAGES["repeat"]) != password:
            raise ValueError(MESSAGES["mismatch"])
    else:
        password = sys.stdin.readline().rstrip("\n")
    encoded = auth.hash_password(password)
    print(f"{args.user}:{encoded}" if args.user else encoded)
    return 0


def _main_with_permissions(func):
    """Run ``func``; a refused sign-in exits with status 3 and a message."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except auth.NotAuthorised as exc:
            print(f"clustermap: {exc}", file=sys.stderr)
            return 3

    return run


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``import``, ``history``, ``restore`` and ``hash-password`` to ``clustermap``."""
    p = sub.add_parser(
        "import",
        help="import clusters, MNE links or regional indicators (CSV, XLSX, GeoJSON)",
        description="All-or-nothing: a file with any problem changes nothing and the "
        "report names row, column and reason (exit status 2). A valid file becomes a new "
        "version. Schema: data/README-import.md.",
    )
    p.add_argument("kind", choices=importer.IMPORT_KINDS)
    p.add_argument("path", type=Path)
    p.add_argument(
        "--mode",
        choices=("upsert", "replace"),
        default="upsert",
        help="upsert: add and update (default); replace: also remove records not in the file",
    )
    p.add_argument("--dry-run", action="store_true", help="check and show the changes only")
    p.add_argument("--user", help=f"editor name (default ${ENV_USER})")
    p.add_argument("--format", choices=("csv", "md", "json"), default="md")
    p.set_defaults(func=_main_with_permissions(cmd_import))

    p = sub.add_parser("history", help="versions of the registry; a version's changes or data")
    p.add_argument("version", type=int, nargs="?")
    p.add_argument(
        "--records",
        choices=importer.IMPORT_KINDS,
        help="write this kind's data at VERSION (default: the latest) as CSV",
    )
    p.add_argument("--format", choices=("csv", "md", "json"), default="md")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("restore", help="make a new version equal to an earlier one")
    p.add_argument("version", type=int)
    p.add_argument("--user", help=f"editor name (default ${ENV_USER})")
    p.set_defaults(func=_main_with_permissions(cmd_restore))

    p = sub.add_parser("hash-password", help="print a password hash for the editor list")
    p.add_argument("--user", help="print 'user:hash', ready for CLUSTERMAP_EDITORS")
    p.set_defaults(func=cmd_hash_password)
