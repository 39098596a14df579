"""Where the API's data comes from: a :class:`Provider` names the version a request means
(cheap, every request) and builds that version's dataset (costly, once per version).

* :class:`StoreProvider`: the registry store the app and the command line read
  (``geo.registry.sources.dataset_from_store``), opened **read only**: never migrated or
  seeded, the database refuses writes, and a missing SQLite file is not created. While
  the store does not exist yet (no file, no schema, no version), the published files are
  served as version 0, exactly what the app would seed as version 1; once the app or a
  command has created the store, the next request reads it.
* :class:`StaticProvider`: one dataset as the only version: the published files
  (``--source published``) or a synthetic registry (``--synthetic N``), marked synthetic.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from geo.analysis.dataset import Dataset
from geo.api.errors import bad_parameter
from geo.data import synth
from geo.registry import sources
from geo.registry.store import Store, VersionInfo, default_url, version_at

PUBLISHED_INFO = VersionInfo(
    id=0,
    created_at=datetime(1970, 1, 1, tzinfo=UTC),
    author="published dataset",
    action="seed",
    summary="published records of documents 001-003 as shipped in data/records",
    source="data/records",
    restored_from=None,
)
"""The version label of the published files when they are served without a store."""


class Provider(Protocol):
    """A source of registry versions."""

    def resolve(self, version: int | None, at: datetime | None) -> VersionInfo:
        """The version a request means: ``version`` by number, ``at`` the one in force at
        that instant, neither the latest. A 400 :class:`geo.api.errors.ApiError` saying
        why when there is no such version."""
        ...

    def dataset(self, info: VersionInfo) -> Dataset:
        """The dataset of a version :meth:`resolve` returned."""
        ...


def _pick(versions: list[VersionInfo], version: int | None, at: datetime | None) -> VersionInfo:
    """The version ``version``/``at`` names among ``versions`` (non-empty, any order)."""
    by_id = {info.id: info for info in versions}
    if version is not None:
        if version not in by_id:
            raise bad_parameter("no_version", version=version, known=_ids_text(sorted(by_id)))
        return by_id[version]
    if at is not None:
        found = version_at([(info.id, info.created_at) for info in versions], at)
        if isinstance(found, str):
            first = min(info.created_at for info in versions)
            raise bad_parameter("before_first", moment=_stamp(at), first=_stamp(first))
        return by_id[found]
    return by_id[max(by_id)]


def _ids_text(ids: list[int]) -> str:
    """``0`` or ``1-7``: the version numbers there are (they have no gaps)."""
    return str(ids[0]) if len(ids) == 1 else f"{ids[0]}-{ids[-1]}"


def _stamp(moment: datetime) -> str:
    """An instant as RFC 3339 UTC text, to the second."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="seconds")


class StaticProvider:
    """One dataset as the only version."""

    def __init__(self, data: Dataset, info: VersionInfo) -> None:
        self.data = data
        self.info = info

    def resolve(self, version: int | None, at: datetime | None) -> VersionInfo:
        """The one version, if ``version``/``at`` allow it."""
        return _pick([self.info], version, at)

    def dataset(self, info: VersionInfo) -> Dataset:
        """The dataset."""
        return self.data


def published_provider() -> StaticProvider:
    """The published files as shipped, as version 0."""
    return StaticProvider(sources.load_dataset(), PUBLISHED_INFO)


def synthetic_provider(n: int, seed: int) -> StaticProvider:
    """A synthetic registry of ``n`` clusters as version 1 (every row marked synthetic)."""
    info = VersionInfo(
        id=1,
        created_at=datetime.now(UTC),
        author="synthetic",
        action="seed",
        summary=f"synthetic registry: {n} clusters, seed {seed} (not real data)",
        source=synth.command_for(n, seed),
        restored_from=None,
    )
    return StaticProvider(sources.synthetic_dataset(n, seed), info)


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL (None for other databases and memory)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


class StoreProvider:
    """The registry store at ``url`` (default: the app's), read only; the published files
    as version 0 while the store does not exist yet."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self._store: Store | None = None
        self._ready = False
        self._published: StaticProvider | None = None
        self._lock = threading.Lock()

    def store(self) -> Store | None:
        """The store once it exists (checked on every call until it does)."""
        with self._lock:
            if self._ready:
                return self._store
            path = sqlite_file(self.url)
            if path is not None and not path.is_file():
                return None
            if self._store is None:
                self._store = Store(self.url, read_only=True)
            engine = self._store.engine
            self._ready = sa.inspect(engine).has_table("store_head") and self._store.head() > 0
            return self._store if self._ready else None

    def published(self) -> StaticProvider:
        """The published files (loaded on first need)."""
        with self._lock:
            if self._published is None:
                self._published = published_provider()
            return self._published

    def resolve(self, version: int | None, at: datetime | None) -> VersionInfo:
        """The store's version ``version``/``at`` names (one small query), or version 0."""
        store = self.store()
        if store is None:
            return self.published().resolve(version, at)
        try:
            if version is not None:
                return store.version(version)
            if at is not None:
                return store.version_at(at)
            return store.version(store.head())
        except KeyError:  # no such version: described with the versions there are
            return _pick(store.versions(), version, at)

    def dataset(self, info: VersionInfo) -> Dataset:
        """The stored dataset of ``info`` (the published files for version 0)."""
        store = self.store()
        if store is None or info.id == 0:
            return self.published().data
        return sources.dataset_from_store(store, info.id)

    def dispose(self) -> None:
        """Close the store's connections."""
        if self._store is not None:
            self._store.dispose()
