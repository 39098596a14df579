"""A small on-disk cache of derived data, in the user's cache directory.

Some derived data is slow to build and the same on every start: the index of Russian
GeoNames cities, for instance, parses a 17 MB JSON file (half a second) to give the same
dictionary every time. :func:`cached` keeps such a value as a pickle so the next process
(a command, a server start) loads it in milliseconds.

Where
    ``$CLUSTERMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/clustermap``, else
    ``~/.cache/clustermap`` (:func:`cache_dir`); never the repository or the package. The
    directory is created with mode 0700; a directory owned by another user is not used.

Key
    A SHA-256 over the value's name, :data:`FORMAT`, the Python version and every part the
    caller names (:func:`cache_key`): typically the input files (:func:`file_digest` for
    their bytes, :func:`file_stamp` for the path, size and time of large package files),
    the source of the modules that compute the value (:func:`file_digest` of their
    ``__file__``) and the installed versions of the packages that shape it
    (:func:`package_versions`). A change to any of them is a different key, so a stale
    value is never read; older entries of the same name are removed when a new one is
    written.

Failure
    The cache is an optimisation only: a missing, unreadable or corrupt entry is computed
    again (and rewritten), and a cache that cannot be written is skipped. Writes are
    atomic (a temporary file in the same directory, then ``os.replace``).

Trust
    Entries are pickles, which run code when loaded: they are read only from the user's own
    directory (checked), the same trust as the user's installed packages.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")

ENV_CACHE_DIR = "CLUSTERMAP_CACHE_DIR"
"""Environment variable naming the cache directory (tests point it at a temporary one)."""

FORMAT = 1
"""Version of the cache's own layout; raising it invalidates every entry."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def cache_dir() -> Path:
    """The cache directory: ``$CLUSTERMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/clustermap``,
    else ``~/.cache/clustermap`` (XDG Base Directory specification)."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not Path(base).is_absolute():  # the specification ignores relative paths
        base = str(Path.home() / ".cache")
    return Path(base) / "clustermap"


def file_digest(path: str | Path) -> str:
    """The file's path and the SHA-256 of its bytes: for inputs and source code."""
    return f"{path}:{hashlib.sha256(Path(path).read_bytes()).hexdigest()}"


def file_stamp(path: str | Path) -> str:
    """The file's path, size and modification time: for large files installed with a
    package (cheaper than hashing them; the package's version is in the key too)."""
    stat = os.stat(path)
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def package_versions(names: Iterable[str]) -> str:
    """The installed versions of the distributions ``names``, as ``name=version`` pairs.

    Read from the ``*.dist-info`` directory names on ``sys.path`` (one directory listing
    per path entry): ``importlib.metadata.version`` costs tens of milliseconds a package.
    A package not found is ``name=?``.
    """
    wanted = {_normalised(n): n for n in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if item.endswith(".dist-info") and "-" in item:
                dist, version = item[: -len(".dist-info")].split("-", 1)
                found.setdefault(_normalised(dist), version)
    return ";".join(f"{wanted[n]}={found.get(n, '?')}" for n in sorted(wanted))


def cache_key(name: str, parts: Iterable[str]) -> str:
    """The key of value ``name`` computed from ``parts`` (hex SHA-256)."""
    digest = hashlib.sha256(f"{name}\0{FORMAT}\0{sys.version}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def entry_path(name: str, parts: Iterable[str]) -> Path:
    """Where the value ``name`` with key ``parts`` is kept."""
    if not _NAME.match(name):
        raise ValueError(f"cache name must match {_NAME.pattern}, not {name!r}")
    return cache_dir() / f"{name}-{cache_key(name, parts)[:40]}.pickle"


def _own_directory(path: Path) -> bool:
    """True when ``path`` is a directory of this user that others cannot write."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if not path.is_dir() or stat.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or stat.st_uid == os.getuid()


def _load(path: Path, check: Callable[[object], bool]) -> tuple[bool, object]:
    """``(True, value)`` when the entry exists, loads and passes ``check``."""
    if not _own_directory(path.parent):
        return False, None
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable or corrupt entry is rebuilt
        return False, None
    return (True, value) if check(value) else (False, None)


def _store(path: Path, value: object) -> None:
    """Write ``value`` atomically; drop older entries of the same name. Errors are ignored:
    the cache is an optimisation."""
    directory = path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_directory(directory):
            return
        descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        prefix = path.name.rsplit("-", 1)[0] + "-"
        for old in directory.glob(f"{prefix}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def cached(
    name: str,
    parts: Iterable[str],
    compute: Callable[[], T],
    check: Callable[[object], bool] = lambda value: True,
) -> T:
    """The value ``name`` for the key ``parts``: loaded from the cache, else computed by
    ``compute`` and stored. ``check`` rejects a loaded value of the wrong shape (it is then
    computed again). See the module docstring for the key, failures and trust."""
    try:
        path = entry_path(name, list(parts))
    except OSError:
        return compute()
    hit, loaded = _load(path, check)
    if hit:
        return cast(T, loaded)  # ``check`` vouches for its shape
    value = compute()
    _store(path, value)
    return value


def load(name: str, parts: Iterable[str], check: Callable[[object], bool]) -> tuple[bool, object]:
    """``(True, value)`` when the value ``name`` for the key ``parts`` is in the cache and
    passes ``check``, else ``(False, None)``: for a caller that keeps a value it updates
    (read once, then :func:`store` after each change) rather than one :func:`cached`
    computes whole."""
    try:
        return _load(entry_path(name, list(parts)), check)
    except OSError:
        return False, None


def store(name: str, parts: Iterable[str], value: object) -> None:
    """Keep ``value`` as the value ``name`` for the key ``parts`` (atomically, replacing
    older entries of that name); a cache that cannot be written is skipped."""
    try:
        path = entry_path(name, list(parts))
    except OSError:
        return
    _store(path, value)
