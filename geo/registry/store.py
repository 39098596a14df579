"""The registry store: clusters, MNE links and regional indicators in a database, with a
history that nothing erases.

Where the data lives
    One URL chooses the database: ``CLUSTERMAP_DATABASE_URL`` (any SQLAlchemy URL, e.g.
    ``postgresql+psycopg://user:password@host/db``). Unset, the store is an SQLite file,
    ``clustermap.db`` in the state directory: ``$CLUSTERMAP_STATE_DIR``, else
    ``$XDG_DATA_HOME/clustermap``, else ``~/.local/share/clustermap`` (never the
    repository's tracked ``data/``). The schema is created and upgraded by Alembic
    (``geo/migrations``); an empty store is seeded from the published records
    (``data/records``) as version 1.

How history works
    Every write (import, form edit, registration, removal, restore) is one transaction
    that adds one version: who, when, what, and the record rows it replaced and wrote.
    A record row is valid from the version that wrote it until the version that replaced
    or removed it, so any version's data is a query (:meth:`Store.state`) and restoring a
    version writes a new version equal to it. Writers lock the one ``store_head`` row
    (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL) and plan
    their change against the data as it is once they hold the lock, so concurrent
    imports are applied one after the other and versions have no gaps.

Who may write
    Every write takes a :class:`geo.registry.auth.Principal` and checks it with
    :meth:`geo.registry.accounts.Accounts.authorise` for its action (``import``, ``edit``,
    ``register``, ``remove``, ``restore``: moderators and admins, by
    :data:`geo.registry.auth.PERMISSIONS`) before touching the database, re-reading the
    account so a disabled one or an ended session writes nothing; reads need nothing.
    The accounts live in the same database (:attr:`Store.accounts`).

Validation is :mod:`geo.registry.importer`'s: a write whose plan has any issue changes nothing.
"""

from __future__ import annotations

import ast
import csv
import io
import math
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.base.i18n import N_, SOURCE_LANG, translator
from geo.base.paths import records_dir
from geo.registry import card, importer, members
from geo.registry.accounts import Accounts
from geo.registry.auth import Principal
from geo.registry.importer import (
    Change,
    ChangeKind,
    Entry,
    ImportPlan,
    ParsedFile,
    References,
)
from geo.render.exports.formulas import neutralise

__all__ = [
    "ENV_DATABASE_URL",
    "ENV_STATE_DIR",
    "SEED_AUTHOR",
    "RecordRow",
    "Store",
    "VersionInfo",
    "WriteResult",
    "default_url",
    "state_dir",
    "version_at",
]

#: Environment variable holding the database URL (SQLAlchemy form).
ENV_DATABASE_URL = "CLUSTERMAP_DATABASE_URL"
#: Environment variable naming the directory of the default SQLite store.
ENV_STATE_DIR = "CLUSTERMAP_STATE_DIR"
#: Author of version 1, the published records.
SEED_AUTHOR = "published dataset"
#: Author of a data migration's version (:meth:`Store.migrate_members`).
MIGRATION_AUTHOR = "data migration"

Action = Literal["seed", "import", "edit", "register", "remove", "restore", "migrate", "approve"]

#: User-facing wording of version summaries (one place, for translation). Summaries are
#: stored in English; :func:`summary_text` shows them in another language.
LABELS: dict[str, str] = {
    "seed": N_("published records of documents 001-003"),
    "import": N_("import of {kind} from {source} ({mode})"),
    "edit": N_("edit of {kind} {keys}"),
    "register": N_("registration of {kind} {keys}"),
    "remove": N_("removal of {kind} {keys}"),
    "restore": N_("restore of version {version}"),
    "migrate_members": N_("MNE links as member organisations and memberships"),
    "approve": N_("submission {submission} of {cluster} by {submitter}, approved by {approver}"),
    "counts": N_("{added} added, {changed} changed, {removed} removed"),
    "no_version": "there is no version {version} (the latest is {head})",
    "no_kind": "unknown kind {kind!r}; expected one of {kinds}",
    "no_version_at": "the registry has no version at {moment}: {reason}",
    "before_first": "its first version is of {first}",
    "empty": "it is empty",
}
SUMMARY_KEYS: tuple[str, ...] = (
    "seed",
    "import",
    "edit",
    "register",
    "remove",
    "restore",
    "migrate_members",
    "approve",
)
"""The :data:`LABELS` a stored summary starts with (before ``": "`` and the counts)."""

#: The ``action`` of a version, for display (stored in English).
ACTION_NAMES: dict[str, str] = {
    "seed": N_("published data"),
    "import": N_("import"),
    "edit": N_("edit"),
    "register": N_("registration"),
    "remove": N_("removal"),
    "restore": N_("restore"),
    "migrate": N_("data migration"),
    "approve": N_("approved submission"),
}
#: Kinds and import modes inside a summary, for display.
SUMMARY_VALUES: dict[str, dict[str, str]] = {
    "kind": {
        "clusters": N_("Clusters"),
        "mne_links": N_("MNE links"),
        "regional_indicators": N_("Regional indicators"),
        "organisations": N_("Organisations"),
        "memberships": N_("Memberships"),
    },
    "mode": {"upsert": N_("add and update"), "replace": N_("replace")},
}

_STORE_KINDS = importer.IMPORT_KINDS
#: Kinds read and written as a view of other kinds, never stored since the "MNE links as
#: memberships" migration: an MNE link is the membership of a foreign-owned organisation
#: (:mod:`geo.registry.members`). Rows of them stored before it are kept in the history.
VIEW_KINDS: tuple[str, ...] = ("mne_links",)
_LOCK_ID = 7_105_347  # PostgreSQL advisory lock key serialising migrations

_metadata = sa.MetaData()
_versions = sa.Table(
    "versions",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("restored_from", sa.Integer, nullable=True),
)
_records = sa.Table(
    "records",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("key", sa.String(400), nullable=False),
    sa.Column("valid_from", sa.Integer, nullable=False),
    sa.Column("valid_to", sa.Integer, nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("values", sa.JSON, nullable=False),
    sa.Column("markers", sa.JSON, nullable=False),
)
_head = sa.Table(
    "store_head",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)


# --------------------------------------------------------------------------- location


def state_dir() -> Path:
    """Directory of the default SQLite store (see the module docstring)."""
    if os.environ.get(ENV_STATE_DIR):
        return Path(os.environ[ENV_STATE_DIR])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "clustermap"


def default_url() -> str:
    """``CLUSTERMAP_DATABASE_URL``, or the SQLite file in :func:`state_dir`."""
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    if url:
        return url
    return f"sqlite:///{state_dir() / 'clustermap.db'}"


def _make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine whose write transactions serialise.

    SQLite: the driver's own transaction handling is switched off so a write can start
    with ``BEGIN IMMEDIATE`` (taking the write lock before it reads), readers and the
    writer share the file in WAL mode, and a busy writer is waited for (60 s).

    ``read_only``: the database itself refuses writes. SQLite opens the file with
    ``mode=ro`` (a missing file is an error, never created; no directory is made);
    PostgreSQL sessions start with ``default_transaction_read_only`` on.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if read_only:
            options = {"options": "-c default_transaction_read_only=on"}
            return sa.create_engine(url, pool_pre_ping=True, connect_args=options)
        return sa.create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    on_disk = bool(database) and database != ":memory:"
    if read_only and on_disk:
        location = "file:" + quote(str(Path(database).absolute()))
        ro = sa.engine.URL.create("sqlite", database=location, query={"mode": "ro", "uri": "true"})
        engine = sa.create_engine(ro, connect_args={"timeout": 60})
    else:
        if on_disk:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        if on_disk and not read_only:
            _use_wal(dbapi_connection)

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("clustermap_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(dbapi_connection: Any, wait_seconds: float = 60.0) -> None:
    """Put the SQLite file in WAL mode (it stays so). While another connection switches
    it at the same moment SQLite answers "locked" at once, without its busy wait, so the
    switch is retried for up to ``wait_seconds``."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
            finally:
                cursor.close()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VersionInfo:
    """One version of the registry: who made it, when, and what it was."""

    id: int
    created_at: datetime
    author: str
    action: str
    summary: str
    source: str
    restored_from: int | None


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the checked plan, and the new version (None when the plan had
    issues, so nothing changed, or when there was nothing to change)."""

    plan: ImportPlan
    version: int | None

    @property
    def ok(self) -> bool:
        """True when the input was valid (whether or not it changed anything)."""
        return self.plan.ok


@dataclass(frozen=True)
class RecordRow:
    """One stored row of a record: valid from the version that wrote it until the version
    that replaced or removed it (None: still current)."""

    kind: str
    key: str
    valid_from: int
    valid_to: int | None
    entry: Entry


@dataclass(frozen=True)
class _Row:
    kind: str
    key: str
    position: int
    entry: Entry


State = dict[str, dict[str, Entry]]


MIGRATIONS_DIR = Path(__file__).parent / "migrations"
"""The store's Alembic environment and migration scripts."""

_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


def script_heads(versions: Path = MIGRATIONS_DIR / "versions") -> frozenset[str]:
    """The head revisions of the migration scripts, read from their ``revision`` and
    ``down_revision`` lines (as Alembic writes them) without loading Alembic: the
    revisions no other script names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        text = path.read_text("utf-8")
        fields: dict[str, str] = {m[1]: m[2] for m in _REVISION_LINE.finditer(text)}
        if "revision" not in fields:
            continue
        revisions.add(str(ast.literal_eval(fields["revision"])))
        down = ast.literal_eval(fields.get("down_revision", "None"))
        parents.update(down if isinstance(down, tuple | list) else [down] if down else [])
    return frozenset(revisions - parents)


# --------------------------------------------------------------------------- the store


class Store:
    """The registry in a database (see the module docstring).

    Create with :meth:`open` (migrates and seeds) or the constructor followed by
    :meth:`migrate` and :meth:`seed`. ``refs`` (vocabularies and region names) is loaded
    from the shipped tables on first need. ``read_only=True`` (for readers that must never
    change the store, such as the OGC API) opens the database so that it refuses every
    write (see :func:`_make_engine`); such a store is never migrated or seeded.
    """

    def __init__(
        self, url: str | None = None, *, refs: References | None = None, read_only: bool = False
    ) -> None:
        self.url = url or default_url()
        self.read_only = read_only
        self.engine = _make_engine(self.url, read_only)
        self._refs = refs
        self.accounts = Accounts(
            self.engine, key_dir=state_dir(), cluster_exists=self._cluster_exists
        )

    @classmethod
    def open(cls, url: str | None = None, *, refs: References | None = None) -> Store:
        """A store at ``url`` (default :func:`default_url`), migrated and seeded, its MNE
        links stored as memberships (:meth:`migrate_members`: nothing to do, one query,
        once a store has no ``mne_links`` rows left)."""
        store = cls(url, refs=refs)
        store.migrate()
        store.seed()
        store.migrate_members()
        return store

    @property
    def refs(self) -> References:
        """Vocabularies and region names imports are checked against."""
        if self._refs is None:
            self._refs = References.load()
        return self._refs

    def _cluster_exists(self, cluster_id: str) -> bool:
        """Whether the latest version holds the cluster (accounts manage only those)."""
        return cluster_id in self.state().get("clusters", {})

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()

    # ----------------------------------------------------------------- schema and seed

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction holding the store's write lock."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(clustermap_write=True)
            with conn.begin():
                yield conn

    def migrate(self) -> None:
        """Create or upgrade the schema to the latest Alembic revision (idempotent, safe
        when several processes start at once). A store already at the head revision is
        left as it is without loading Alembic (a read, see :meth:`at_head`)."""
        if self.at_head():
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._writing() as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_ID})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def at_head(self) -> bool:
        """True when the database's ``alembic_version`` is the one head revision of the
        migration scripts (:func:`script_heads`). Loading Alembic and its upgrade check
        costs a quarter of a second or more at every start; this query costs a
        millisecond. Any doubt (no table yet, several heads) answers False."""
        heads = script_heads()
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        except sa.exc.DBAPIError:
            return False
        return len(heads) == 1 and {row[0] for row in rows} == heads and len(rows) == 1

    def seed(self) -> int | None:
        """Store the published records as version 1 when the store is empty; returns 1
        when it seeded, None when the store already had data. MNE links are seeded as
        the organisations and memberships transcribed from them (``mne_links.csv`` is
        their source, :data:`VIEW_KINDS`)."""
        if self.head() != 0:
            return None  # checked again under the lock below
        state: State = {}
        changes: list[Change] = []
        for kind in (k for k in _STORE_KINDS if k not in VIEW_KINDS):
            path = records_dir() / f"{kind}.csv"
            parsed = importer.parse_bytes(path.name, path.read_bytes(), kind, self.refs)
            plan = importer.plan_import(parsed, state, self.refs)
            plan.raise_for_issues()
            state[kind] = {c.key: c.after for c in plan.changes if c.after is not None}
            changes.extend(plan.changes)
        with self._writing() as conn:
            if self._lock_head(conn) != 0:
                return None
            plan = ImportPlan("all", "data/records", tuple(changes), 0, ())
            return self._apply(conn, 0, plan, SEED_AUTHOR, "seed", LABELS["seed"], None)

    # ----------------------------------------------------------------- reading

    def head(self) -> int:
        """The latest version (0 before seeding)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(_head.c.version)).scalar_one())

    def versions(self) -> list[VersionInfo]:
        """Every version, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(_versions).order_by(_versions.c.id.desc())).all()
        return [_version_info(row) for row in rows]

    def version(self, version: int) -> VersionInfo:
        """One version; ``KeyError`` naming the range when it does not exist (checked
        before the query: a number beyond the database's integers is not a version)."""
        with self.engine.connect() as conn:
            self._checked(conn, version)
            row = conn.execute(sa.select(_versions).where(_versions.c.id == version)).first()
        if row is None:
            raise KeyError(LABELS["no_version"].format(version=version, head=self.head()))
        return _version_info(row)

    def version_at(self, moment: datetime) -> VersionInfo:
        """The version the registry was at ``moment``: the latest version created at or
        before it (a naive ``moment`` is taken as UTC). ``KeyError`` saying why when there
        is none: ``moment`` is before the first version, or the store is empty.

        Versions are immutable, so the answer for a past moment never changes; a moment
        in the future gives the latest version (until a newer one is written).
        """
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(_versions.c.id, _versions.c.created_at)).all()
        found = version_at([(row.id, _utc(row.created_at)) for row in rows], moment)
        if isinstance(found, str):
            raise KeyError(found)
        return self.version(found)

    def cluster_rows(self, cluster_id: str) -> list[RecordRow]:
        """Every stored row of the cluster ``cluster_id``, of the MNE links (``mne_links``
        rows of an older store) and memberships that named it in any version, and of the
        organisations of those memberships, oldest first: the material of a cluster's
        timeline (:func:`geo.registry.history.cluster_timeline` reads the links in it)."""
        is_cluster = sa.and_(_records.c.kind == "clusters", _records.c.key == cluster_id)
        member_kinds = ("mne_links", "memberships")
        naming = sa.and_(
            _records.c.kind.in_(member_kinds),
            _records.c["values"]["cluster_id"].as_string() == cluster_id,
        )
        pairs = sa.select(_records.c.kind, _records.c.key).where(naming).distinct()
        with self.engine.connect() as conn:
            named = [(r.kind, r.key) for r in conn.execute(pairs)]
            keys = {kind: [k for k_, k in named if k_ == kind] for kind in member_kinds}
            of_named = sa.or_(
                *(sa.and_(_records.c.kind == k, _records.c.key.in_(v)) for k, v in keys.items())
            )
            rows = _record_rows(conn, sa.or_(is_cluster, of_named))
            orgs = {str(r.entry.values.get("org_id")) for r in rows if r.kind == "memberships"}
            of_orgs = sa.and_(_records.c.kind == "organisations", _records.c.key.in_(orgs))
            rows += _record_rows(conn, of_orgs) if orgs else []
        return sorted(rows, key=lambda r: r.valid_from)

    def history(self) -> pd.DataFrame:
        """Versions as a table, newest first, with the number of records each added,
        changed and removed."""
        counts: dict[int, dict[str, int]] = {}
        with self.engine.connect() as conn:
            for change in _changes_between(conn):
                version, what = change
                counts.setdefault(version, {"added": 0, "changed": 0, "removed": 0})[what] += 1
        rows = []
        for info in self.versions():
            count = counts.get(info.id, {"added": 0, "changed": 0, "removed": 0})
            rows.append(
                {
                    "version": info.id,
                    "created_at": info.created_at.isoformat(timespec="seconds"),
                    "author": info.author,
                    "action": info.action,
                    "summary": info.summary,
                    "source": info.source,
                    **count,
                    "restored_from": info.restored_from,
                }
            )
        frame = pd.DataFrame(
            rows,
            columns=[
                "version",
                "created_at",
                "author",
                "action",
                "summary",
                "source",
                "added",
                "changed",
                "removed",
                "restored_from",
            ],
        )
        frame["restored_from"] = frame["restored_from"].astype("Int64")
        return frame

    def state(self, version: int | None = None) -> State:
        """The records (kind → key → entry) at ``version`` (default: the latest), MNE links
        included: the view of the memberships (:data:`VIEW_KINDS`,
        :func:`geo.registry.members.view_state`), as files and forms of links are planned
        against it."""
        return members.view_state(self.stored_state(version))

    def stored_state(self, version: int | None = None) -> State:
        """The records as stored at ``version``: no ``mne_links`` after the "MNE links as
        memberships" migration (:meth:`migrate_members`), only memberships."""
        with self.engine.connect() as conn:
            return _state_of(_rows_at(conn, self._checked(conn, version)))

    def links(self, version: int | None = None) -> dict[str, Entry]:
        """The MNE links at ``version`` (default: the latest) by id: the view of the
        memberships of foreign-owned organisations
        (:func:`geo.registry.members.mne_link_entries`)."""
        return self.state(version)["mne_links"]

    def frames(self, version: int | None = None) -> dict[str, pd.DataFrame]:
        """The records at ``version`` as frames shaped like :func:`geo.data.records.read_table`'s
        (``clusters``, ``mne_links``, ``regional_indicators`` in long form)."""
        state = self.state(version)
        return {kind: records_frame(kind, _entries(state, kind)) for kind in _STORE_KINDS}

    def changes(self, version: int) -> tuple[Change, ...]:
        """What ``version`` added, changed and removed."""
        with self.engine.connect() as conn:
            self._checked(conn, version)
            before = {(r.kind, r.key): r for r in _rows_where(conn, _records.c.valid_to == version)}
            after = {
                (r.kind, r.key): r for r in _rows_where(conn, _records.c.valid_from == version)
            }
        out: list[Change] = []
        keys = sorted(
            set(before) | set(after),
            key=lambda k: (_STORE_KINDS.index(k[0]), (after.get(k) or before[k]).position),
        )
        for kind, key in keys:
            old, new = before.get((kind, key)), after.get((kind, key))
            what: ChangeKind = "changed" if old and new else "added" if new else "removed"
            out.append(
                Change(kind, key, what, old.entry if old else None, new.entry if new else None)
            )
        return tuple(out)

    def changes_frame(self, version: int, lang: str | None = None) -> pd.DataFrame:
        """One row per changed cell of ``version``: kind, key, change, column, before,
        after (the change and missing markers in ``lang`` when given, for a page)."""
        return importer.changes_frame(self.changes(version), lang)

    def export(self, kind: str, version: int | None = None) -> str:
        """The ``kind`` records at ``version`` as CSV in the import schema (UTF-8, missing
        values written as their marker): importing it back changes nothing."""
        if kind not in _STORE_KINDS:
            raise ValueError(LABELS["no_kind"].format(kind=kind, kinds=", ".join(_STORE_KINDS)))
        return records_csv(kind, _entries(self.state(version), kind))

    def table(self, kind: str, version: int | None = None, lang: str | None = None) -> pd.DataFrame:
        """The ``kind`` records at ``version`` as text cells for display: what
        :meth:`export` writes (a missing value shows its marker, e.g. ``not reported``;
        with ``lang`` the markers ``not reported`` and ``n/a`` read in that language)."""
        if kind not in _STORE_KINDS:
            raise ValueError(LABELS["no_kind"].format(kind=kind, kinds=", ".join(_STORE_KINDS)))
        columns = card.public_columns(kind, importer.kind_columns(kind))
        entries = _entries(self.state(version), kind)
        marker = _marker_text(lang)
        rows = [[_cell_text(entry, column, marker) for column in columns] for entry in entries]
        return pd.DataFrame(rows, columns=columns, dtype=object)

    def contacts(
        self, principal: Principal, cluster_id: str, version: int | None = None
    ) -> dict[str, Any]:
        """The private fields (:data:`geo.registry.card.PRIVATE_FIELDS`: contact person,
        e-mail, phone) of the cluster ``cluster_id`` at ``version`` (default: the latest),
        each ``None`` when not reported; only for a principal allowed
        :data:`geo.registry.card.VIEW_CONTACTS` (``NotAuthorised`` otherwise, before
        anything is read). ``KeyError`` when the version does not hold the cluster. The
        one read of personal data: every other output is built without it."""
        self.accounts.authorise(principal, card.VIEW_CONTACTS)
        entry = self.state(version).get("clusters", {}).get(cluster_id)
        if entry is None:
            raise KeyError(cluster_id)
        return card.private_values("clusters", entry.values)

    # ----------------------------------------------------------------- planning (no write)

    def preview(
        self, parsed: ParsedFile, mode: Literal["upsert", "replace"] = "upsert"
    ) -> ImportPlan:
        """What importing ``parsed`` would do now (nothing is written; no sign-in)."""
        return self._plan(parsed, self.stored_state(), mode)

    def _plan(
        self,
        parsed: ParsedFile,
        state: State,
        mode: Literal["upsert", "replace"] = "upsert",
        new_id: Callable[[str], str] | None = None,
    ) -> ImportPlan:
        """The plan of ``parsed`` against ``state``; an MNE link file (or form) is checked
        as links (its problems name its rows and columns) and written as the memberships
        and organisations they are (:func:`geo.registry.members.plan_link_writes`)."""
        if parsed.kind not in VIEW_KINDS:
            return importer.plan_import(parsed, state, self.refs, mode=mode)
        links = importer.plan_import(parsed, members.view_state(state), self.refs, mode=mode)
        return members.plan_link_writes(links, state, self.refs, new_id)

    # ----------------------------------------------------------------- writing

    def import_file(
        self,
        editor: Principal,
        parsed: ParsedFile,
        mode: Literal["upsert", "replace"] = "upsert",
    ) -> WriteResult:
        """Import a parsed file as one new version, or change nothing if any row is bad."""
        summary = LABELS["import"].format(kind=parsed.kind, source=parsed.name, mode=mode)
        return self._write(
            editor,
            "import",
            parsed.name,
            summary,
            lambda state, conn: self._plan(parsed, state, mode, _id_source(conn)),
        )

    def save_record(self, editor: Principal, kind: str, values: Mapping[str, Any]) -> WriteResult:
        """Add or change one record typed into a form (``values`` keyed by schema column;
        columns left out keep their stored values)."""
        parsed = importer.form_file(kind, values, self.refs)
        key = next(
            (values[c] for c in ("link_id", "id", "org_id", "membership_id") if values.get(c)),
            values.get("region_as_published"),
        )
        summary = LABELS["edit"].format(kind=kind, keys=key)
        return self._write(
            editor,
            "edit",
            "form",
            summary,
            lambda state, conn: self._plan(parsed, state, new_id=_id_source(conn)),
        )

    def register_cluster(self, editor: Principal, values: Mapping[str, Any]) -> WriteResult:
        """Register a new cluster; its id (``CL-NNNN``) is assigned under the write lock,
        one above any registered id ever stored (a removed id is not reused)."""
        return self._register(editor, "clusters", values)

    def register_mne_link(self, editor: Principal, values: Mapping[str, Any]) -> WriteResult:
        """Add a new MNE link; its id (``MNE-NN``, continuing the published numbering) is
        assigned under the write lock."""
        return self._register(editor, "mne_links", values)

    def _register(self, editor: Principal, kind: str, values: Mapping[str, Any]) -> WriteResult:
        column, prefix, width = importer.NEW_IDS[kind]
        if column in values:
            raise ValueError(f"a new record gets its {column} from the store; leave it out")

        def plan(state: State, conn: Connection) -> ImportPlan:
            new_id = _next_key(conn, kind, prefix, width)
            parsed = importer.form_file(kind, {column: new_id, **values}, self.refs)
            return self._plan(parsed, state, new_id=_id_source(conn))

        return self._write(editor, "register", "form", LABELS["register"], plan)

    def remove(self, editor: Principal, kind: str, keys: Sequence[str]) -> WriteResult:
        """Remove records (a cluster that MNE links still refer to cannot be removed).
        Removing an MNE link removes the membership it is (its organisation stays)."""
        summary = LABELS["remove"].format(kind=kind, keys=", ".join(keys))

        def plan(state: State, conn: Connection) -> ImportPlan:
            if kind not in VIEW_KINDS:
                return importer.plan_removal(kind, list(keys), state, "form")
            view = members.view_state(state)
            links = importer.plan_removal(kind, list(keys), view, "form")
            return members.plan_link_writes(links, state, self.refs, _id_source(conn))

        return self._write(editor, "remove", "form", summary, plan)

    def restore(self, editor: Principal, version: int) -> WriteResult:
        """A new version whose data equals ``version``'s exactly (values and markers). A
        version that stored MNE links as ``mne_links`` rows (before :meth:`migrate_members`)
        is restored as it was, then migrated again by the next version."""
        self.accounts.authorise(editor, "restore")
        summary = LABELS["restore"].format(version=version)

        def plan(state: State, conn: Connection) -> ImportPlan:
            target = _rows_at(conn, self._checked(conn, version))
            wanted = _state_of(target)
            changes: list[Change] = []
            for kind in _STORE_KINDS:
                now, then = state.get(kind, {}), wanted.get(kind, {})
                for row in (r for r in target if r.kind == kind):
                    if row.key not in now:
                        changes.append(Change(kind, row.key, "added", None, row.entry))
                    elif not now[row.key].same_as(row.entry):
                        changes.append(Change(kind, row.key, "changed", now[row.key], row.entry))
                for key, entry in now.items():
                    if key not in then:
                        changes.append(Change(kind, key, "removed", entry, None))
            return ImportPlan("all", f"version {version}", tuple(changes), 0, ())

        result = self._write(editor, "restore", f"version {version}", summary, plan, version)
        if result.version is not None:  # a version older than the links as memberships
            self.migrate_members()
        return result

    def migrate_members(self, author: str = MIGRATION_AUTHOR) -> int | None:
        """Store the MNE links of the latest version as memberships, the one truth: add
        organisations and memberships for the links that have none
        (:func:`geo.registry.members.plan_members_from_links`) and retire every stored
        ``mne_links`` row (its membership now stands for it, field by field), as one new
        version by ``author``; returns it, or None when no ``mne_links`` row is left
        (checked by one query, so :meth:`open` runs it every time; running it again
        changes nothing). A data migration, like ``seed``: the MNE links the dataset shows
        (:func:`geo.registry.members.mne_link_entries`) are the same before and after;
        the rows it retires stay in the history (older versions read them)."""
        if self.read_only or not self._stored_links():
            return None
        with self._writing() as conn:
            head = self._lock_head(conn)
            state = _state_of(_rows_at(conn, head))
            plan = members.plan_members_from_links(state, self.refs)
            plan.raise_for_issues()
            retired = [
                Change(kind, key, "removed", entry, None)
                for kind in VIEW_KINDS
                for key, entry in state.get(kind, {}).items()
            ]
            if not retired:
                return None
            plan = replace(plan, changes=(*plan.changes, *retired))
            summary = LABELS["migrate_members"]
            return self._apply(conn, head, plan, author, "migrate", summary, None)

    def _stored_links(self) -> bool:
        """Whether the latest version still stores rows of a :data:`VIEW_KINDS` kind."""
        query = sa.select(_records.c.key).where(
            _records.c.kind.in_(VIEW_KINDS), _records.c.valid_to.is_(None)
        )
        with self.engine.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def next_id(self, kind: str) -> str | None:
        """The id the next new ``kind`` record would get now (``CL-NNNN``, ``MNE-NN``), or
        None for a kind whose records carry their own keys. Only a preview: the id is
        assigned under the write lock (:meth:`write_plan`)."""
        if kind not in importer.NEW_IDS:
            return None
        with self.engine.connect() as conn:
            return _next_key(conn, kind, *importer.NEW_IDS[kind][1:])

    def write_plan(
        self,
        editor: Principal,
        permission: str,
        summary: Callable[[ImportPlan], str],
        plan_for: Callable[[State, Callable[[str], str]], ImportPlan],
        then: Callable[[Connection, int | None, ImportPlan], None] | None = None,
    ) -> WriteResult:
        """Records of several kinds (a cluster with its members) written as ONE new version
        (action ``approve``, author ``editor``, summary ``summary(plan)``), as the seed
        writes all kinds at once.

        ``editor`` must hold ``permission``. Under the write lock, ``plan_for`` plans
        against the data as it is now; its second argument gives the next new id of a kind
        (``clusters`` → ``CL-NNNN``, one more at each call). A plan with any issue writes
        nothing. ``then`` (when the plan is valid) runs in the same transaction with the
        new version (None when the plan changes nothing): what it writes, and the
        version, are committed together or not at all.
        """
        self.accounts.authorise(editor, permission)
        with self._writing() as conn:
            head = self._lock_head(conn)
            stored, new_id = _state_of(_rows_at(conn, head)), _id_source(conn)
            plan = self._stored_plan(plan_for(members.view_state(stored), new_id), stored, new_id)
            if not plan.ok:
                return WriteResult(plan, None)
            self._authorise_fields(editor, plan)
            version = None
            if plan.changes:
                text = summary(plan)
                version = self._apply(conn, head, plan, editor.name, "approve", text, None)
            if then is not None:
                then(conn, version, plan)
            return WriteResult(plan, version)

    # ----------------------------------------------------------------- internals

    def _stored_plan(
        self, plan: ImportPlan, state: State, new_id: Callable[[str], str]
    ) -> ImportPlan:
        """``plan`` (of several kinds, planned against the view) with its MNE link changes
        written as memberships and organisations, planned after its other changes (a link
        may name a cluster the plan adds)."""
        links = tuple(c for c in plan.changes if c.kind in VIEW_KINDS)
        if not links or not plan.ok:
            return plan
        others = tuple(c for c in plan.changes if c.kind not in VIEW_KINDS)
        now = {kind: dict(entries) for kind, entries in state.items()}
        for change in others:
            if change.after is None:
                now.get(change.kind, {}).pop(change.key, None)
            else:
                now.setdefault(change.kind, {})[change.key] = change.after
        link_plan = ImportPlan(VIEW_KINDS[0], plan.source, links, 0, ())
        written = members.plan_link_writes(link_plan, now, self.refs, new_id)
        changes = members.merged([*others, *written.changes])
        return replace(plan, changes=changes, issues=written.issues)

    def _checked(self, conn: Connection, version: int | None) -> int:
        head = int(conn.execute(sa.select(_head.c.version)).scalar_one())
        if version is None:
            return head
        if not 1 <= version <= head:
            raise KeyError(LABELS["no_version"].format(version=version, head=head))
        return version

    def _lock_head(self, conn: Connection) -> int:
        query = sa.select(_head.c.version).where(_head.c.id == 1).with_for_update()
        return int(conn.execute(query).scalar_one())

    def _write(
        self,
        editor: Principal,
        action: Action,
        source: str,
        summary: str,
        plan_for: Callable[[State, Connection], ImportPlan],
        restored_from: int | None = None,
    ) -> WriteResult:
        """Check the principal may do ``action``, lock, plan against the current data,
        apply if valid."""
        self.accounts.authorise(editor, action)
        with self._writing() as conn:
            head = self._lock_head(conn)
            plan = plan_for(_state_of(_rows_at(conn, head)), conn)
            if not plan.ok or not plan.changes:
                return WriteResult(plan, None)
            self._authorise_fields(editor, plan)
            if action == "register":
                summary = LABELS["register"].format(kind=plan.kind, keys=_registered(plan))
            version = self._apply(conn, head, plan, editor.name, action, summary, restored_from)
            return WriteResult(plan, version)

    def _authorise_fields(self, editor: Principal, plan: ImportPlan) -> None:
        """Refuse (``NotAuthorised``) a plan that sets a moderator-only field
        (:data:`geo.registry.card.MODERATOR_FIELDS`) unless ``editor`` may
        :data:`geo.registry.card.ASSESS`: the development level is the observatory's."""
        for change in plan.changes:
            before = change.before.values if change.before else None
            after = change.after.values if change.after else None
            if card.assessed_fields(change.kind, before, after):
                self.accounts.authorise(editor, card.ASSESS)
                return

    def _apply(
        self,
        conn: Connection,
        head: int,
        plan: ImportPlan,
        author: str,
        action: str,
        summary: str,
        restored_from: int | None,
    ) -> int:
        """Write ``plan`` as version ``head + 1`` (the caller holds the write lock)."""
        version = head + 1
        counts = plan.counts()
        conn.execute(
            _versions.insert().values(
                id=version,
                created_at=datetime.now(UTC),
                author=author,
                action=action,
                summary=f"{summary}: {LABELS['counts'].format(**counts)}",
                source=plan.source,
                restored_from=restored_from,
            )
        )
        positions = _positions(conn)
        inserts: list[dict[str, Any]] = []
        for change in plan.changes:
            if change.before is not None:
                conn.execute(
                    _records.update()
                    .where(
                        _records.c.kind == change.kind,
                        _records.c.key == change.key,
                        _records.c.valid_to.is_(None),
                    )
                    .values(valid_to=version)
                )
            if change.after is not None:
                kind_positions = positions.setdefault(change.kind, {})
                position = kind_positions.get(change.key)
                if position is None:
                    position = max(kind_positions.values(), default=0) + 1
                    kind_positions[change.key] = position
                inserts.append(
                    {
                        "kind": change.kind,
                        "key": change.key,
                        "valid_from": version,
                        "valid_to": None,
                        "position": position,
                        "values": _jsonable(change.after.values),
                        "markers": dict(change.after.markers),
                    }
                )
        if inserts:
            conn.execute(_records.insert(), inserts)
        conn.execute(_head.update().where(_head.c.id == 1).values(version=version))
        return version


# --------------------------------------------------------------------------- queries


def _utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; a naive one is taken as UTC (SQLite returns
    naive datetimes, and they were written in UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def version_at(created: Sequence[tuple[int, datetime]], moment: datetime) -> int | str:
    """Of versions given as ``(id, created_at)`` (any order), the id of the one in force
    at ``moment``: the highest id created at or before it. When there is none, the reason
    as text (:data:`LABELS`). Naive datetimes are taken as UTC.

    >>> from datetime import datetime
    >>> versions = [(1, datetime(2026, 1, 1)), (2, datetime(2026, 3, 1))]
    >>> version_at(versions, datetime(2026, 2, 1)), version_at(versions, datetime(2027, 1, 1))
    (1, 2)
    >>> print(version_at(versions, datetime(2025, 1, 1)))  # doctest: +NORMALIZE_WHITESPACE
    the registry has no version at 2025-01-01T00:00:00+00:00:
    its first version is of 2026-01-01T00:00:00+00:00
    """
    when = _utc(moment)
    stamp = when.isoformat(timespec="seconds")
    if not created:
        return LABELS["no_version_at"].format(moment=stamp, reason=LABELS["empty"])
    earlier = [version for version, at in created if _utc(at) <= when]
    if earlier:
        return max(earlier)
    first = min(_utc(at) for _, at in created).isoformat(timespec="seconds")
    reason = LABELS["before_first"].format(first=first)
    return LABELS["no_version_at"].format(moment=stamp, reason=reason)


def _version_info(row: Any) -> VersionInfo:
    return VersionInfo(
        row.id,
        _utc(row.created_at),
        row.author,
        row.action,
        row.summary,
        row.source,
        row.restored_from,
    )


def _record_rows(conn: Connection, condition: Any) -> list[RecordRow]:
    """The stored rows meeting ``condition`` as :class:`RecordRow`, oldest first."""
    query = (
        sa.select(
            _records.c.kind,
            _records.c.key,
            _records.c.valid_from,
            _records.c.valid_to,
            _records.c["values"],
            _records.c.markers,
        )
        .where(condition)
        .order_by(_records.c.valid_from, _records.c.kind, _records.c.position)
    )
    return [
        RecordRow(
            r.kind, r.key, r.valid_from, r.valid_to, Entry(r.key, dict(r[4]), dict(r.markers))
        )
        for r in conn.execute(query)
    ]


def _rows_where(conn: Connection, condition: Any) -> list[_Row]:
    query = (
        sa.select(
            _records.c.kind,
            _records.c.key,
            _records.c.position,
            _records.c["values"],
            _records.c.markers,
        )
        .where(condition)
        .order_by(_records.c.kind, _records.c.position)
    )
    return [
        _Row(r.kind, r.key, r.position, Entry(r.key, dict(r[3]), dict(r.markers)))
        for r in conn.execute(query)
    ]


def _rows_at(conn: Connection, version: int) -> list[_Row]:
    """Record rows valid at ``version``, in listing order."""
    valid = sa.and_(
        _records.c.valid_from <= version,
        sa.or_(_records.c.valid_to.is_(None), _records.c.valid_to > version),
    )
    return _rows_where(conn, valid)


def _state_of(rows: Sequence[_Row]) -> State:
    state: State = {kind: {} for kind in _STORE_KINDS}
    for row in rows:
        state.setdefault(row.kind, {})[row.key] = row.entry
    return state


def _positions(conn: Connection) -> dict[str, dict[str, int]]:
    """The listing position of every key ever stored (a restored record gets its place
    back)."""
    out: dict[str, dict[str, int]] = {}
    query = sa.select(_records.c.kind, _records.c.key, sa.func.min(_records.c.position)).group_by(
        _records.c.kind, _records.c.key
    )
    for kind, key, position in conn.execute(query):
        out.setdefault(kind, {})[key] = int(position)
    return out


def _changes_between(conn: Connection) -> list[tuple[int, str]]:
    """(version, added|changed|removed) for every record change (all versions)."""
    starts = {
        (r.kind, r.key, r.valid_from)
        for r in conn.execute(sa.select(_records.c.kind, _records.c.key, _records.c.valid_from))
    }
    ends = {
        (r.kind, r.key, r.valid_to)
        for r in conn.execute(
            sa.select(_records.c.kind, _records.c.key, _records.c.valid_to).where(
                _records.c.valid_to.is_not(None)
            )
        )
    }
    out = [(v, "changed" if (k, key, v) in ends else "added") for k, key, v in starts]
    out += [(v, "removed") for k, key, v in ends if (k, key, v) not in starts]
    return out


def _next_id(conn: Connection, kind: str, prefix: str, width: int) -> str:
    """One above the highest ``prefix``-numbered key ever stored for ``kind``."""
    keys = conn.execute(
        sa.select(_records.c.key).where(_records.c.kind == kind, _records.c.key.like(f"{prefix}%"))
    ).scalars()
    numbers = [int(k[len(prefix) :]) for k in keys if k[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


def _next_key(conn: Connection, kind: str, prefix: str, width: int) -> str:
    """:func:`_next_id`; for an MNE link, also above every ``mne_link_id`` a membership
    ever held (links are stored as memberships)."""
    found = _next_id(conn, kind, prefix, width)
    if kind not in VIEW_KINDS:
        return found
    keys = conn.execute(
        sa.select(_records.c["values"]["mne_link_id"].as_string()).where(
            _records.c.kind == "memberships"
        )
    ).scalars()
    numbers = [int(k[len(prefix) :]) for k in keys if k and k[len(prefix) :].isdigit()]
    number = max(int(found[len(prefix) :]), max(numbers, default=0) + 1)
    return f"{prefix}{number:0{width}d}"


def _registered(plan: ImportPlan) -> str:
    """The key a registration added: the new record's, or for an MNE link the link id of
    its new membership."""
    for change in plan.changes:
        if plan.kind in VIEW_KINDS and change.kind == "memberships" and change.after:
            return str(change.after.values.get("mne_link_id") or change.key)
    return plan.changes[0].key


def _entries(state: State, kind: str) -> list[Entry]:
    """The records of ``kind`` in ``state``; MNE links as the view of the memberships
    (:func:`geo.registry.members.mne_link_entries`)."""
    if kind in VIEW_KINDS:
        return members.mne_link_entries(state)
    return list(state.get(kind, {}).values())


def _id_source(conn: Connection) -> Callable[[str], str]:
    """A function giving successive new ids of a kind (:data:`geo.registry.importer.NEW_IDS`)
    within one write: the first is one above any stored, each further call one more."""
    issued: dict[str, int] = {}

    def new_id(kind: str) -> str:
        _, prefix, width = importer.NEW_IDS[kind]
        if kind not in issued:
            issued[kind] = int(_next_key(conn, kind, prefix, width)[len(prefix) :])
        else:
            issued[kind] += 1
        return f"{prefix}{issued[kind]:0{width}d}"

    return new_id


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as JSON can hold them (no NaN: missing is None)."""
    out: dict[str, Any] = {}
    for column, value in values.items():
        if isinstance(value, float) and math.isnan(value):
            value = None
        out[column] = value
    return out


# --------------------------------------------------------------------------- display


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching ``template`` with any text for each placeholder."""
    parts = re.split(r"\{(\w+)\}", template)  # text, name, text, name, ..., text
    return re.compile(
        "".join(f"(?P<{p}>.+?)" if i % 2 else re.escape(p) for i, p in enumerate(parts))
    )


def summary_text(summary: str, lang: str) -> str:
    """A stored version summary (English, :data:`LABELS`) in ``lang``: kinds and modes
    named in that language, keys, file names and counts as stored. A summary that does not
    follow :data:`LABELS` (an older wording) is shown as it is."""
    if lang == SOURCE_LANG:
        return summary  # stored in English: as it is (kinds and modes by their names)
    _ = translator(lang)
    head, sep, counts = summary.rpartition(": ")
    found_counts = _pattern(LABELS["counts"]).fullmatch(counts) if sep else None
    if found_counts is None:
        return summary
    for key in SUMMARY_KEYS:
        found = _pattern(LABELS[key]).fullmatch(head)
        if found is None:
            continue
        values = {
            name: _(SUMMARY_VALUES[name][value]) if value in SUMMARY_VALUES.get(name, {}) else value
            for name, value in found.groupdict().items()
        }
        text = _(LABELS[key]).format(**values)
        return f"{text}: {_(LABELS['counts']).format(**found_counts.groupdict())}"
    return summary


def localise_history(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:meth:`Store.history` for display in ``lang``: the action and the summary
    translated (authors, sources and numbers as stored; in English all as stored)."""
    if lang == SOURCE_LANG:
        return history
    _ = translator(lang)
    out = history.copy()
    out["action"] = out["action"].map(lambda a: _(ACTION_NAMES[a]) if a in ACTION_NAMES else a)
    out["summary"] = out["summary"].map(lambda s: summary_text(s, lang))
    return out


# --------------------------------------------------------------------------- frames and files


def records_frame(kind: str, entries: Sequence[Entry] | Any) -> pd.DataFrame:
    """Stored entries as a frame shaped like :func:`geo.data.records.read_table`'s: numeric
    columns ``float64``, text columns strings with missing values missing, ``notes`` an
    empty string when there is no note, and the markers in ``attrs["missing_markers"]``."""
    columns = card.public_columns(kind, importer.kind_columns(kind))
    numeric = importer.numeric_columns(kind)
    entries = list(entries)
    frame = pd.DataFrame.from_records([e.values for e in entries], columns=columns)
    for column in columns:
        if column in numeric:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        else:
            frame[column] = frame[column].astype("str")
    frame.attrs["kind"] = kind
    frame.attrs["missing_markers"] = {
        column: {i: e.markers[column] for i, e in enumerate(entries) if column in e.markers}
        for column in columns
        if any(column in e.markers for e in entries)
    }
    return frame


def _marker_text(lang: str | None) -> Callable[[str], str]:
    """How a missing-value marker reads: as stored, or translated into ``lang``
    (:data:`geo.registry.importer.MARKER_NAMES`; other markers such as ``—`` as they are)."""
    if lang is None:
        return str
    _ = translator(lang)
    return lambda marker: (
        _(importer.MARKER_NAMES[marker]) if marker in importer.MARKER_NAMES else marker
    )


def _cell_text(entry: Entry, column: str, marker: Callable[[str], str] = str) -> str:
    value = entry.values.get(column)
    if value is None:
        return "" if column == "notes" else marker(entry.markers.get(column, "not reported"))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def records_csv(kind: str, entries: Sequence[Entry] | Any) -> str:
    """Entries as CSV in the import schema (the published files' conventions).

    The file is meant to be opened in a spreadsheet and imported back: a text value a
    spreadsheet would run as a formula (``=cmd|' /C calc'!A0``, ``+SUM(1,2)``, ``@A1``) is
    written with a leading ``'`` (:func:`geo.render.exports.formulas.neutralise`), which
    the importer reads back as the original text; numbers, negative ones included, and
    missing-value markers are written as they are.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = card.public_columns(kind, importer.kind_columns(kind))
    writer.writerow(columns)
    for entry in entries:
        writer.writerow([_csv_cell(entry, c) for c in columns])
    return buffer.getvalue()


def _csv_cell(entry: Entry, column: str) -> str:
    """A cell of :func:`records_csv`: text values neutralised, the rest as they are."""
    text = _cell_text(entry, column)
    return str(neutralise(text)) if isinstance(entry.values.get(column), str) else text


def current_indicators(long: pd.DataFrame, store_refs: References) -> pd.DataFrame:
    """One value per region and indicator from a long table that may hold several
    reference years: the latest year wins (a value without a year counts as older than
    any dated one); every row of a region takes the region's first spelling so the wide
    table has one row per region."""
    if long.empty:
        return long
    frame = long.copy()
    frame["_code"] = [store_refs.resolver.resolve(str(n)) for n in frame["region_as_published"]]
    frame["_year"] = frame["reference_year"].fillna(-math.inf)
    frame["_order"] = range(len(frame))
    latest = frame.sort_values(["_year", "_order"]).groupby(["_code", "indicator"]).tail(1)
    latest = latest.sort_values("_order")
    first = frame.groupby("_code", sort=False)["region_as_published"].first()
    latest["region_as_published"] = latest["_code"].map(first)
    out = latest.drop(columns=["_code", "_year", "_order"]).reset_index(drop=True)
    out.attrs = dict(long.attrs)
    return out
