"""Command-line access to the registry store: import, history, restore, password hashes.

``clustermap import KIND PATH`` imports a file (all-or-nothing; the report names row,
column and reason), ``clustermap history`` lists versions, ``clustermap history N`` shows
what version N changed and ``--records KIND`` writes its data, ``clustermap restore N``
makes a new version equal to N, ``clustermap hash-password`` prints a hash for the
bootstrap editor list. Writes need a sign-in of a moderator or an admin: the user name
from ``--user`` or ``CLUSTERMAP_USER``, the password from ``CLUSTERMAP_PASSWORD`` or a
prompt (no terminal and no variable: one line, exit 2), checked against the accounts of
the database (``clustermap users``) and, for a name without an account, the bootstrap
editors of ``CLUSTERMAP_EDITORS`` and ``[editors]`` of ``.streamlit/secrets.toml``, with the
same throttling and lockout as the app. A refused sign-in or role exits with status 3.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.base import safefiles
from geo.base.errors import localised
from geo.base.i18n import N_
from geo.cli.commands import command_help
from geo.cli.users import read_password, secrets_editors
from geo.registry import auth, importer
from geo.registry.store import Store
from geo.render.exports.formulas import safe_table

ENV_USER = "CLUSTERMAP_USER"
ENV_PASSWORD = "CLUSTERMAP_PASSWORD"

#: User-facing wording (one place, for translation).
MESSAGES: dict[str, str] = {
    "no_user": N_(
        "a write needs an editor (a moderator or an admin): pass --user or set CLUSTERMAP_USER"
    ),
    "denied": N_("sign-in failed: {reason}"),
    "new_password": N_("New password: "),
    "repeat": N_("Repeat: "),
    "mismatch": N_("the passwords differ"),
    "invalid": N_("nothing was imported: {count} problem(s)"),
    "nothing": N_("nothing to change: the store already holds this data (version {head})"),
    "done": N_("version {version}: {added} added, {changed} changed, {removed} removed"),
    "dry_run": N_(
        "valid; importing would add {added}, change {changed}, remove {removed} "
        "({unchanged} unchanged); nothing written (--dry-run)"
    ),
    "note": N_("note: {notice}"),
    "import_description": N_(
        "All-or-nothing: a file with any problem changes nothing and the report names row, "
        "column and reason (exit status 2). A valid file becomes a new version. Schema: "
        "data/README-import.md."
    ),
    "mode": N_("upsert: add and update (default); replace: also remove records not in the file"),
    "dry_run_option": N_("check and show the changes only"),
    "user": N_("user name of a moderator or admin (default ${variable})"),
    "records": N_("write this kind's data at VERSION (default: the latest) as CSV"),
    "records_output": N_(
        "with --records: the CSV file to write (default: standard output); text a "
        "spreadsheet would run as a formula is written with a leading '"
    ),
    "written": N_("{path} ({size} bytes)"),
    "output_without_records": N_("-o applies only with --records (which data to write)"),
    "hash_user": N_("print 'user:hash', ready for CLUSTERMAP_EDITORS"),
    "migrate_members": N_(
        "store the MNE links of a store built by older code as member organisations and "
        "memberships, as one new version (opening the store does it too; running it again "
        "changes nothing)"
    ),
    "migrated": N_("version {version}: {added} organisations and memberships added"),
    "migrated_already": N_(
        "nothing to migrate: every MNE link has its membership (version {head})"
    ),
}


def _ui_lang(args: argparse.Namespace) -> str:
    """The command line's language (English when the namespace does not say)."""
    return getattr(args, "ui_lang", "en")


def _message(args: argparse.Namespace, key: str) -> str:
    """The message ``key`` in the command line's language."""
    return getattr(args, "translate", str)(MESSAGES[key])


@contextmanager
def _signed_in(args: argparse.Namespace, store: Store) -> Iterator[auth.Principal]:
    """The signed-in principal for one command (its session ends with the command), or
    ``NotAuthorised`` (exit status 3). What it may do the store checks at the write."""
    user = args.user or os.environ.get(ENV_USER, "")
    if not user:
        raise auth.NotAuthorised(MESSAGES["no_user"])
    password = read_password(args, user, new=False)
    bootstrap = auth.editor_credentials(secrets_editors(), os.environ)
    result = store.accounts.sign_in(user, password, bootstrap=bootstrap)
    if result.principal is None:
        raise auth.NotAuthorised(MESSAGES["denied"], reason=result.text(_ui_lang(args)))
    try:
        yield result.principal
    finally:
        store.accounts.sign_out(result.principal)


def _open_store() -> Store:
    return Store.open()


def cmd_import(args: argparse.Namespace) -> int:
    """Import one file; exit 2 with the report when it is invalid."""
    store = _open_store()
    parsed = importer.read_file(args.path, args.kind, store.refs)
    for notice in parsed.notices:
        notice_text = localised(notice, _ui_lang(args))
        print(_message(args, "note").format(notice=notice_text), file=sys.stderr)
    if args.dry_run:
        plan = store.preview(parsed, args.mode)
    else:
        with _signed_in(args, store) as principal:
            result = store.import_file(principal, parsed, args.mode)
        plan = result.plan
    if not plan.ok:
        print(_message(args, "invalid").format(count=len(plan.issues)), file=sys.stderr)
        sys.stdout.write(safe_table(plan.report(_ui_lang(args)), args.format))
        return 2
    counts = plan.counts()
    if args.dry_run:
        print(_message(args, "dry_run").format(**counts))
        sys.stdout.write(safe_table(importer.changes_frame(plan.changes), args.format))
    elif result.version is None:
        print(_message(args, "nothing").format(head=store.head()))
    else:
        print(_message(args, "done").format(version=result.version, **counts))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """List versions; with a version, its changes or (``--records``) its data."""
    if args.output and not args.records:
        raise ValueError(_message(args, "output_without_records"))
    store = _open_store()
    if args.records:
        _write_records(args, store.export(args.records, args.version))
    elif args.version is None:
        sys.stdout.write(safe_table(store.history(), args.format))
    else:
        store.version(args.version)  # KeyError naming the range when it does not exist
        sys.stdout.write(safe_table(store.changes_frame(args.version), args.format))
    return 0


def _write_records(args: argparse.Namespace, text: str) -> None:
    """The CSV of ``history --records`` to ``-o`` (a regular file, written atomically) or
    standard output."""
    target = safefiles.check_output(args.output) if args.output else None
    if target is None:
        sys.stdout.write(text)
        return
    if target.is_dir():
        target = target / f"{args.records}.csv"
    safefiles.check_suffix(target, "csv", "CSV")
    data = text.encode("utf-8")
    written = safefiles.write_atomic(target, data)
    line = _message(args, "written").format(path=safefiles.display_name(written), size=len(data))
    print(line, file=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> int:
    """Make a new version equal to VERSION."""
    store = _open_store()
    with _signed_in(args, store) as principal:
        result = store.restore(principal, args.version)
    if result.version is None:
        print(_message(args, "nothing").format(head=store.head()))
    else:
        print(_message(args, "done").format(version=result.version, **result.plan.counts()))
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Print a salted hash for ``CLUSTERMAP_EDITORS`` or ``[editors]`` in secrets."""
    if sys.stdin.isatty():
        password = getpass.getpass(_message(args, "new_password"))
        if getpass.getpass(_message(args, "repeat")) != password:
            raise ValueError(_message(args, "mismatch"))
    else:
        password = sys.stdin.readline().rstrip("\n")
    encoded = auth.hash_password(password)
    print(f"{args.user}:{encoded}" if args.user else encoded)
    return 0


def cmd_migrate_members(args: argparse.Namespace) -> int:
    """Store the MNE link rows of an older store as memberships (one version), saying
    what it did: the store is opened without :meth:`Store.open`, which would do it first."""
    store = Store()
    store.migrate()
    store.seed()
    version = store.migrate_members()
    if version is None:
        print(_message(args, "migrated_already").format(head=store.head()))
    else:
        added = store.history().set_index("version").loc[version, "added"]
        print(_message(args, "migrated").format(version=version, added=added))
    return 0


def _main_with_permissions(func):
    """Run ``func``; a refused sign-in exits with status 3 and a message."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except auth.NotAuthorised as exc:
            print(f"clustermap: {exc.localised(_ui_lang(args))}", file=sys.stderr)
            return 3

    return run


def register(sub: argparse._SubParsersAction, _: Callable[[str], str] = str) -> None:
    """Add ``import``, ``history``, ``restore``, ``store migrate-members`` and
    ``hash-password`` to ``clustermap``
    (help translated by ``_``)."""

    def h(key: str) -> str:
        return _(MESSAGES[key])

    user_help = h("user").format(variable=ENV_USER)
    p = sub.add_parser(
        "import", help=command_help("import", _), description=h("import_description")
    )
    p.add_argument("kind", choices=importer.IMPORT_KINDS)
    p.add_argument("path", type=Path)
    p.add_argument("--mode", choices=("upsert", "replace"), default="upsert", help=h("mode"))
    p.add_argument("--dry-run", action="store_true", help=h("dry_run_option"))
    p.add_argument("--user", help=user_help)
    p.add_argument("--format", choices=("csv", "md", "json"), default="md")
    p.set_defaults(func=_main_with_permissions(cmd_import))

    p = sub.add_parser("history", help=command_help("history", _))
    p.add_argument("version", type=int, nargs="?")
    p.add_argument("--records", choices=importer.IMPORT_KINDS, help=h("records"))
    p.add_argument("-o", "--output", metavar="PATH", help=h("records_output"))
    p.add_argument("--format", choices=("csv", "md", "json"), default="md")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("restore", help=command_help("restore", _))
    p.add_argument("version", type=int)
    p.add_argument("--user", help=user_help)
    p.set_defaults(func=_main_with_permissions(cmd_restore))

    p = sub.add_parser("store", help=command_help("store", _))
    actions = p.add_subparsers(dest="action", required=True)
    m = actions.add_parser("migrate-members", help=h("migrate_members"))
    m.set_defaults(func=cmd_migrate_members)

    p = sub.add_parser("hash-password", help=command_help("hash-password", _))
    p.add_argument("--user", help=h("hash_user"))
    p.set_defaults(func=cmd_hash_password)
