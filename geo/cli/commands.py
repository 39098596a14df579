"""``clustermap``: the command line, calling the same ``geo`` functions as the pages.

The commands are a table (:data:`COMMANDS`): name, the module that implements it, and its
one-line help. ``clustermap --help`` is built from the table alone, and a command's module
is imported only when that command runs, so the help and a listing start quickly without
loading the map and export machinery they do not use. A new command is one entry here
plus a ``register(sub, _)`` function in its module.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from geo.base import catalogue
from geo.base.catalogue import N_

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


@dataclass(frozen=True)
class Command:
    """A subcommand: the module that registers and runs it, and its one-line help."""

    module: str
    help: str


COMMANDS: dict[str, Command] = {
    "regions": Command("geo.cli.data", N_("list the regions")),
    "clusters": Command("geo.cli.data", N_("list the clusters with their region and location")),
    "validate": Command(
        "geo.cli.validation", N_("validate record files (clusters, MNE links, ...)")
    ),
    "joins": Command(
        "geo.cli.data", N_("clusters whose point falls outside their declared region")
    ),
    "indices": Command("geo.cli.data", N_("recomputed vs published indices")),
    "scenarios": Command("geo.cli.data", N_("internationalisation scenario of every cluster")),
    "export": Command(
        "geo.cli.export", N_("export a regional view (map, geodata or tables) to a file")
    ),
    "synth": Command(
        "geo.cli.synth",
        N_("generate a synthetic registry (clearly marked) for demos and load tests"),
    ),
    "import": Command(
        "geo.cli.store",
        N_(
            "import clusters, MNE links, regional indicators, organisations or memberships "
            "(CSV, XLSX, GeoJSON)"
        ),
    ),
    "history": Command(
        "geo.cli.store", N_("versions of the registry; a version's changes or data")
    ),
    "restore": Command("geo.cli.store", N_("make a new version equal to an earlier one")),
    "store": Command(
        "geo.cli.store",
        N_("data migrations of the registry store (migrate-members: MNE links as members)"),
    ),
    "hash-password": Command("geo.cli.store", N_("print a password hash for the editor list")),
    "users": Command(
        "geo.cli.users",
        N_("accounts: add, list, accept requests, roles, disable, unlock, reset passwords"),
    ),
    "api": Command(
        "geo.cli.api", N_("serve the registry as OGC API - Features (read only; QGIS, GDAL)")
    ),
}
"""Every subcommand, in the order ``--help`` lists them."""


def command_help(name: str, translate: Translate = str) -> str:
    """The one-line help of command ``name`` in the language of ``translate``."""
    return translate(COMMANDS[name].help)


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


def _root(_: Translate, lang: str) -> tuple[LocalisedParser, argparse._SubParsersAction]:
    """The top-level parser and its (empty) subcommand group."""
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
    # argparse calls parser_class like a class; a partial binding the translator is one.
    sub = parser.add_subparsers(  # type: ignore[call-overload]
        dest="command",
        required=True,
        title=_("commands"),
        metavar="COMMAND",
        parser_class=functools.partial(LocalisedParser, translate=_),
    )
    return parser, sub


def build_parser(lang: str = "en", command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, its help in ``lang``.

    With ``command``, only that command's module is imported and registers its commands
    in full; every other command is listed by name and help only. Without it, every
    module registers (the whole parser: tests and documentation read it).

    Names of commands, options and choices are the same in every language (scripts use
    them); help texts, messages and argparse's own words are translated.
    """
    _ = catalogue.translator(lang)
    parser, sub = _root(_, lang)
    wanted = {COMMANDS[command].module} if command in COMMANDS else set()
    if command is None:
        wanted = {c.module for c in COMMANDS.values()}
    registered: set[str] = set()
    for name, entry in COMMANDS.items():
        if entry.module in wanted and entry.module not in registered:
            importlib.import_module(entry.module).register(sub, _)
            registered.add(entry.module)
        elif entry.module not in wanted:
            sub.add_parser(name, help=command_help(name, _))
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (its first word that is not an option)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    A refused command (a ``ValueError`` or ``KeyError`` naming what is wrong) prints its
    message and exits with status 2. So does, as a last resort, an operating-system error
    no command caught (a full disk, a closed pipe, a missing permission): one line naming
    the file and the reason, never a traceback. Standard output is flushed here, so a
    write error there is reported the same way.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = catalogue.lang_from_environment(os.environ)
    parser = build_parser(lang, _command_of(argv) or "")
    args = parser.parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()
        return status
    except (ValueError, KeyError) as err:
        print(_error_text(args, err), file=sys.stderr)
        return 2
    except OSError as err:
        print(_error_text(args, _os_error(err)), file=sys.stderr)
        return 2


def _os_error(err: OSError) -> Exception:
    """An operating-system error as one line: the file (when known) and the reason."""
    where = err.filename if err.filename is not None else ""
    reason = err.strerror or str(err)
    return ValueError(f"{where}: {reason}" if where else reason)


def _error_text(args: argparse.Namespace, err: Exception) -> str:
    """What a refused command prints: every problem of a validation error (file, row,
    column, reason), else one ``clustermap: error: ...`` line in the user's language (a
    translatable message of ``geo`` is translated; a ``KeyError`` prints its text, not
    its quoted repr)."""
    errors = sys.modules.get("geo.base.errors")  # loaded whenever one of its errors was raised
    if errors is not None and isinstance(err, errors.DataValidationError):
        return str(err)
    message: object = err.args[0] if len(err.args) == 1 else err
    if errors is not None and isinstance(message, errors.Message):
        message = message.localised(args.ui_lang)
    line = args.translate(ARGPARSE_TEXT["error"]).format(prog="clustermap", message=message)
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


if __name__ == "__main__":
    raise SystemExit(main())
