"""The compiled versions an app serves: the provider names the version a request means,
and each version is compiled once (:func:`geo.api.collections.compile_dataset`) and kept
while it is among the :data:`CACHED_VERSIONS` most recently used. Two requests for a
version being compiled wait for the one compilation; requests for other versions do not
wait for it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from geo.api.collections import compile_dataset
from geo.api.compiled import CompiledDataset
from geo.api.errors import bad_parameter
from geo.api.providers import Provider
from geo.registry.store import VersionInfo

CACHED_VERSIONS = 4
"""Compiled versions kept in memory (a 10,000-cluster version takes some 20 MB)."""

VersionKey = tuple[int, datetime]


def version_json(view: CompiledDataset) -> dict[str, Any]:
    """The public facts of the version a response comes from (``registryVersion``): its
    number, time, action and summary, and the dataset's version text as the app and the
    command line show it. The author, an editor's name, is left out."""
    info = view.info
    return {
        "id": info.id,
        "createdAt": info.created_at.isoformat(timespec="seconds"),
        "action": info.action,
        "summary": info.summary,
        "dataset": view.data.version,
    }


class ApiState:
    """The provider and the compiled versions."""

    def __init__(self, provider: Provider, cached: int = CACHED_VERSIONS) -> None:
        self.provider = provider
        self.cached = cached
        self._compiled: OrderedDict[VersionKey, CompiledDataset] = OrderedDict()
        self._building: dict[VersionKey, threading.Lock] = {}
        self._lock = threading.Lock()

    def resolve(self, version: int | None, at: datetime | None) -> VersionInfo:
        """The version a request's ``version`` or ``datetime`` names (one small query; a
        400 when both are given or there is no such version)."""
        if version is not None and at is not None:
            raise bad_parameter("both_versions")
        return self.provider.resolve(version, at)

    def compiled(self, info: VersionInfo) -> CompiledDataset:
        """The version ``info`` compiled (once while it stays cached)."""
        key = (info.id, info.created_at)
        found = self._cached(key)
        if found is not None:
            return found
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            found = self._cached(key)
            if found is None:
                found = compile_dataset(self.provider.dataset(info), info)
                self._keep(key, found)
        return found

    def view(self, version: int | None, at: datetime | None) -> CompiledDataset:
        """:meth:`resolve` then :meth:`compiled`."""
        return self.compiled(self.resolve(version, at))

    def _cached(self, key: VersionKey) -> CompiledDataset | None:
        """The compiled version if kept (marked most recently used)."""
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
            return found

    def _keep(self, key: VersionKey, compiled: CompiledDataset) -> None:
        """Keep ``compiled``, dropping the least recently used beyond :attr:`cached`."""
        with self._lock:
            self._compiled[key] = compiled
            self._building.pop(key, None)
            while len(self._compiled) > self.cached:
                self._compiled.popitem(last=False)

    def versions_kept(self) -> list[int]:
        """The numbers of the compiled versions kept, least recently used first."""
        with self._lock:
            return [key[0] for key in self._compiled]
