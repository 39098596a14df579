"""Fixtures of the hostile-input suite (``tests/test_hostile*.py`` import them by name).

* ``template``: a seeded SQLite store, built once and copied for every test that may write;
* ``reference``: its reference data and state (read-only) for the in-process entry;
* ``sandbox``: ``input/`` (the case's file), ``cwd/`` (the working directory of the
  command) and ``state/`` (a copy of the template store) in a fresh temporary folder;
* ``mounts``: a 64 KB tmpfs (a full disk) and a read-only tmpfs, mounted only when the
  tests run as root (None otherwise: those cases are skipped);
* ``warm``: what the command line needs, imported once in the test process, so each forked
  child starts warm (about 0.2 s instead of 8 s for a cold ``python -m geo``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import hostile_harness as harness


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite store (copied for every test)."""
    return harness.make_template_store(tmp_path_factory.mktemp("hostile-template"))


@pytest.fixture(scope="session")
def reference(template: Path) -> tuple[Any, Any]:
    """Reference data and the seeded state (read-only) for the library entry."""
    from geo.registry.store import Store

    store = Store(f"sqlite:///{template}")
    refs, state = store.refs, store.state()
    store.dispose()
    return refs, state


@pytest.fixture
def sandbox(tmp_path: Path, template: Path) -> tuple[Path, str]:
    """``input/`` (the file), ``cwd/`` (working directory), ``state/`` (the store)."""
    for name in ("input", "cwd", "state"):
        (tmp_path / name).mkdir()
    url = harness.copy_store(template, tmp_path / "state")
    return tmp_path, url


def _mount(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture(scope="session")
def mounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path | None, Path | None]]:
    """A 64 KB tmpfs (full disk) and a read-only tmpfs; None where mount is not allowed."""
    base = tmp_path_factory.mktemp("hostile-mounts")
    full, readonly = base / "full", base / "readonly"
    have_full = _mount(full, "size=64k")
    have_ro = _mount(readonly, "ro,size=64k")
    yield (full if have_full else None), (readonly if have_ro else None)
    for path, mounted in ((full, have_full), (readonly, have_ro)):
        if mounted:
            subprocess.run(["umount", str(path)], check=False)


@pytest.fixture(scope="session")
def warm(template: Path) -> None:
    """Import and load in the test process what the command line needs, so each forked
    child starts warm."""
    import openpyxl  # noqa: F401

    from geo.cli import commands, data, export, store  # noqa: F401
    from geo.data import records
    from geo.registry import importer, sources

    importer.References.load()
    sources.load_dataset()
    for kind in importer.IMPORT_KINDS:
        records.read_table(kind)
