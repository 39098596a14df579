"""``clustermap api``: serve the registry as OGC API - Features, read only.

Usage::

    clustermap api [--host 127.0.0.1] [--port 8080] [--source store|published]
    clustermap api --synthetic N [--seed S]

By default it serves the registry store the app shows (``CLUSTERMAP_DATABASE_URL``, else
the local SQLite file), every version of it, opened read only; until the store exists it
serves the published files as version 0. ``--source published`` serves the files as
shipped, ``--synthetic N`` a synthetic registry (marked synthetic in every feature). The
line printed at start says which, and where to point a browser, QGIS or GDAL.
"""

from __future__ import annotations

import argparse
import socket
import sys

import sqlalchemy as sa

from geo.api.app import serve
from geo.api.providers import (
    Provider,
    StoreProvider,
    published_provider,
    synthetic_provider,
)
from geo.base.i18n import N_
from geo.cli.commands import Translate, command_help
from geo.registry import sources

TEXT: dict[str, str] = {
    "host": N_("address to listen on (default 127.0.0.1: this machine only)"),
    "port": N_("port to listen on (default 8080)"),
    "source": N_(
        "what to serve: the registry store, read only (default; what the app shows), or the "
        "published files as shipped"
    ),
    "synthetic": N_("serve a synthetic registry of N clusters instead (marked synthetic)"),
    "seed": N_("seed of the synthetic registry (default 1)"),
    "bad_port": N_("--port must be from 1 to 65535, not {port}"),
    "serving": N_(
        "Serving {what} as OGC API - Features at http://{host}:{port}/ (read only; Ctrl+C "
        "stops). In QGIS: Layer > Add Layer > Add WFS / OGC API - Features Layer, URL "
        "http://{host}:{port}/"
    ),
    "store": N_("the registry store {url}, version {version}"),
    "no_store": N_(
        "the published files as version 0: the registry store {url} does not exist yet (it "
        "is read as soon as the app or a command creates it)"
    ),
    "published": N_("the published files as shipped"),
    "synthetic_what": N_("a SYNTHETIC registry of {n} clusters (seed {seed}), not real data"),
    "unreadable": N_("the registry store {url} cannot be read: {error}"),
    "cannot_listen": N_("cannot listen on {host} port {port}: {error}"),
}
"""The command's words (English msgids)."""


def _hidden(url: str) -> str:
    """A database URL without its password (it is printed)."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _store_provider(_: Translate) -> tuple[Provider, str]:
    """The read-only store provider and the line saying what it serves."""
    provider = StoreProvider()
    url = _hidden(provider.url)
    try:
        store = provider.store()
        if store is None:
            return provider, _(TEXT["no_store"]).format(url=url)
        head = store.head()
    except sa.exc.SQLAlchemyError as err:
        reason = str(err.orig) if isinstance(err, sa.exc.DBAPIError) else str(err)
        raise ValueError(_(TEXT["unreadable"]).format(url=url, error=reason.strip())) from None
    return provider, _(TEXT["store"]).format(url=url, version=head)


def provider_for(args: argparse.Namespace) -> tuple[Provider, str]:
    """The provider the options name, and what it serves in the user's language."""
    _: Translate = args.translate
    if args.synthetic:
        what = _(TEXT["synthetic_what"]).format(n=args.synthetic, seed=args.seed)
        return synthetic_provider(args.synthetic, args.seed), what
    if args.source == "published":
        return published_provider(), _(TEXT["published"])
    return _store_provider(_)


def check_listen(host: str, port: int, _: Translate) -> None:
    """ValueError in the user's language when ``host``:``port`` cannot be listened on
    (an unknown host name, a port in use), before any data is read: the server's own
    report of it is an English log line."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind((host, port))
    except OSError as err:
        reason = err.strerror or str(err)
        message = _(TEXT["cannot_listen"]).format(host=host, port=port, error=reason)
        raise ValueError(message) from None


def cmd_api(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    if not 0 < args.port < 65536:
        raise ValueError(args.translate(TEXT["bad_port"]).format(port=args.port))
    check_listen(args.host, args.port, args.translate)
    provider, what = provider_for(args)
    line = args.translate(TEXT["serving"]).format(what=what, host=args.host, port=args.port)
    print(line, file=sys.stderr, flush=True)
    serve(provider, args.host, args.port)
    return 0


def register(sub: argparse._SubParsersAction, _: Translate = str) -> None:
    """Add ``clustermap api`` (help translated by ``_``)."""
    p = sub.add_parser("api", help=command_help("api", _), description=command_help("api", _))
    p.add_argument("--host", default="127.0.0.1", help=_(TEXT["host"]))
    p.add_argument("--port", type=int, default=8080, help=_(TEXT["port"]))
    p.add_argument("--source", choices=sources.SOURCES, default="store", help=_(TEXT["source"]))
    p.add_argument("--synthetic", type=int, default=0, metavar="N", help=_(TEXT["synthetic"]))
    p.add_argument("--seed", type=int, default=1, help=_(TEXT["seed"]))
    p.set_defaults(func=cmd_api)
