"""``clustermap users``: accounts on the command line.

``users add NAME --role admin`` creates an account (the first admin of a deployment is
made so), ``users list`` lists them (pending requests first), ``users accept``/``reject``
answer an account request, ``users set-role``, ``set-clusters``, ``disable``, ``enable``,
``reset-password`` and ``unlock`` change one, ``users import-env`` copies the bootstrap
editors of ``CLUSTERMAP_EDITORS`` and ``[editors]`` of ``.streamlit/secrets.toml`` into
the database as moderators, and ``users log`` shows who did what to which account.

Who may run them: whoever runs ``clustermap`` with the database's configuration
(``CLUSTERMAP_DATABASE_URL`` and its password, or the SQLite file) already controls the
data, so these commands act as that operator with admin rights, recorded in the account
log as ``operator:<login>``; this is also how a deployment whose admins are locked out
recovers. In the app, the same operations need an admin (or a moderator, for accepting
requests and assigning clusters).

A new password comes from ``CLUSTERMAP_PASSWORD`` or the first line of standard input
(scripts), or from a prompt asked twice; with none of them the command stops with one line
(exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

from geo.base.i18n import N_
from geo.base.tables import render_table
from geo.cli.commands import LocalisedParser, command_help
from geo.registry import auth
from geo.registry.accounts import Accounts, accounts_frame
from geo.registry.store import Store

ENV_PASSWORD = "CLUSTERMAP_PASSWORD"

#: User-facing wording (one place, for translation).
MESSAGES: dict[str, str] = {
    "password": N_("Password for {user}: "),
    "new_password": N_("New password for {user}: "),
    "repeat": N_("Repeat: "),
    "mismatch": N_("the passwords differ"),
    "no_password": N_(
        "no password: set CLUSTERMAP_PASSWORD, give it as one line on standard input, or run "
        "the command in a terminal"
    ),
    "added": N_("account {name} added ({roles})"),
    "done": N_("{name}: done"),
    "imported": N_("{count} editor(s) copied into the database as moderators: {names}"),
    "role": N_("a role: submitter, moderator or admin (repeat for several)"),
    "cluster": N_("a cluster the account manages (repeat for several)"),
    "name_help": N_("the user name"),
    "display_name": N_("the person's name (default: the user name)"),
    "email": N_("e-mail address"),
    "organisation": N_("organisation"),
}

ACTIONS: dict[str, str] = {
    "add": N_("add an active account"),
    "list": N_("list the accounts, pending requests first"),
    "accept": N_("accept a pending account request"),
    "reject": N_("reject (delete) a pending account request"),
    "set-role": N_("replace an account's roles"),
    "set-clusters": N_("replace the clusters an account manages"),
    "disable": N_("disable an account (its sessions end at once)"),
    "enable": N_("enable a disabled account"),
    "reset-password": N_("give an account a new password (its sessions end)"),
    "unlock": N_("lift a lockout after failed sign-ins"),
    "import-env": N_("copy the editors of CLUSTERMAP_EDITORS and [editors] into the database"),
    "log": N_("who did what to which account, newest first"),
}
"""The ``users`` actions and their one-line help."""


def _message(args: argparse.Namespace, key: str) -> str:
    """The message ``key`` in the command line's language."""
    return getattr(args, "translate", str)(MESSAGES[key])


def read_password(args: argparse.Namespace, user: str, *, new: bool) -> str:
    """A password from ``CLUSTERMAP_PASSWORD``; else, when standard input is not a
    terminal, its first line (``echo "$PW" | clustermap users add ...``); else a prompt
    (twice for a new one). ``ValueError`` (one line, exit 2) when none gives one."""
    password = os.environ.get(ENV_PASSWORD)
    if password is not None:
        return password
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        line = stdin.readline(2048).rstrip("\r\n") if stdin is not None else ""
        if not line:
            raise ValueError(_message(args, "no_password"))
        return line
    try:
        prompt = _message(args, "new_password" if new else "password").format(user=user)
        password = getpass.getpass(prompt)
        if new and getpass.getpass(_message(args, "repeat")) != password:
            raise ValueError(_message(args, "mismatch"))
    except EOFError:
        raise ValueError(_message(args, "no_password")) from None
    return password


def secrets_editors() -> dict[str, str]:
    """``[editors]`` of the Streamlit secrets files (the user's, then the project's)."""
    editors: dict[str, str] = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit/secrets.toml")):
        if path.is_file():
            with path.open("rb") as fh:
                editors.update(tomllib.load(fh).get("editors", {}))
    return editors


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _accounts() -> tuple[Accounts, auth.Principal]:
    """The accounts of the store, and the operator acting on them (see the module doc)."""
    accounts = Store.open().accounts
    return accounts, accounts.operator(_login())


def cmd_add(args: argparse.Namespace) -> int:
    """Add an active account with the given roles."""
    accounts, operator = _accounts()
    password = read_password(args, args.name, new=True)
    accounts.add(
        operator,
        args.name,
        password,
        args.role,
        display_name=args.display_name or "",
        email=args.email or "",
        organisation=args.organisation or "",
        clusters=args.cluster or (),
    )
    roles = ", ".join(sorted(set(args.role)))
    print(_message(args, "added").format(name=args.name, roles=roles))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Every account as a table."""
    accounts, operator = _accounts()
    frame = accounts_frame(accounts.listing(operator), getattr(args, "ui_lang", "en"))
    sys.stdout.write(render_table(frame, args.format))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    """The account log as a table."""
    accounts, _operator = _accounts()
    sys.stdout.write(render_table(accounts.log(), args.format))
    return 0


def cmd_import_env(args: argparse.Namespace) -> int:
    """Copy the bootstrap editors into the database as moderators."""
    accounts, operator = _accounts()
    added = accounts.import_env(operator, auth.editor_credentials(secrets_editors()))
    print(_message(args, "imported").format(count=len(added), names=", ".join(added) or "-"))
    return 0


def _one(action: Callable[[Accounts, auth.Principal, argparse.Namespace], None]):
    """A command changing one account: run ``action``, say so."""

    def run(args: argparse.Namespace) -> int:
        accounts, operator = _accounts()
        action(accounts, operator, args)
        print(_message(args, "done").format(name=args.name))
        return 0

    return run


ONE_ACCOUNT: dict[str, Callable[[Accounts, auth.Principal, argparse.Namespace], None]] = {
    "accept": lambda a, o, args: a.accept(o, args.name, args.cluster),
    "reject": lambda a, o, args: a.reject(o, args.name),
    "set-role": lambda a, o, args: a.set_roles(o, args.name, args.roles),
    "set-clusters": lambda a, o, args: a.set_clusters(o, args.name, args.clusters),
    "disable": lambda a, o, args: a.disable(o, args.name),
    "enable": lambda a, o, args: a.enable(o, args.name),
    "unlock": lambda a, o, args: a.unlock(o, args.name),
    "reset-password": lambda a, o, args: a.reset_password(
        o, args.name, read_password(args, args.name, new=True)
    ),
}
"""The ``users`` actions on one named account: what each calls."""


def _add_arguments(parsers: dict[str, argparse.ArgumentParser], h: Callable[[str], str]) -> None:
    """The arguments of every ``users`` action."""
    for name in (*ONE_ACCOUNT, "add"):
        parsers[name].add_argument("name", help=h("name_help"))
    add = parsers["add"]
    add.add_argument("--role", action="append", required=True, choices=auth.ROLES, help=h("role"))
    add.add_argument("--display-name", help=h("display_name"))
    add.add_argument("--email", help=h("email"))
    add.add_argument("--organisation", help=h("organisation"))
    for name in ("add", "accept"):
        parsers[name].add_argument("--cluster", action="append", help=h("cluster"))
    parsers["set-role"].add_argument("roles", nargs="+", choices=auth.ROLES)
    parsers["set-clusters"].add_argument("clusters", nargs="*")
    for name in ("list", "log"):
        parsers[name].add_argument("--format", choices=("csv", "md", "json"), default="md")


def register(sub: argparse._SubParsersAction, _: Callable[[str], str] = str) -> None:
    """Add ``users`` and its actions to ``clustermap`` (help translated by ``_``)."""

    def h(key: str) -> str:
        return _(MESSAGES[key])

    users = sub.add_parser("users", help=command_help("users", _))
    actions = users.add_subparsers(
        dest="users_command",
        required=True,
        metavar="ACTION",
        parser_class=functools.partial(LocalisedParser, translate=_),
    )
    parsers = {name: actions.add_parser(name, help=_(text)) for name, text in ACTIONS.items()}
    _add_arguments(parsers, h)
    runs: dict[str, Callable[[argparse.Namespace], int]] = {
        "add": cmd_add,
        "list": cmd_list,
        "log": cmd_log,
        "import-env": cmd_import_env,
        **{name: _one(action) for name, action in ONE_ACCOUNT.items()},
    }
    for name, run in runs.items():
        parsers[name].set_defaults(func=run)
