"""Stores written by older code, kept under ``tests/data/store_*`` as SQLite files, opened
on the backend a migration test runs on: a copy of the file on SQLite; on PostgreSQL the
old schema made by the migrations up to ``revision``, then every row copied over (as a
dump and restore would, serial sequences included). Used by the migration tests of
``tests/test_accounts.py`` (store_0001, schema 0001) and ``tests/test_submissions.py``
(store_0002, schema 0002)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def _typed(name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row read from SQLite with the Python types PostgreSQL's columns take."""
    if name == "versions":
        row["created_at"] = datetime.fromisoformat(row["created_at"])
    if name == "records":
        row["values"], row["markers"] = map(json.loads, (row["values"], row["markers"]))
    if name == "sign_in_throttle":
        row["locked"] = bool(row["locked"])
    return row


def old_store_at(
    url: str,
    tmp_path: Path,
    folder: Path,
    *,
    config: Config,
    revision: str,
    tables: Sequence[str],
    serials: Sequence[str],
) -> str:
    """The store of ``folder``/store.db at ``url``'s backend; its URL. ``tables`` are copied
    in order; ``serials`` are the tables whose ``id`` sequence is set past the rows."""
    if url.startswith("sqlite"):
        copy = tmp_path / "old.db"
        shutil.copyfile(folder / "store.db", copy)
        return f"sqlite:///{copy}"
    source = sa.create_engine(f"sqlite:///{folder / 'store.db'}")
    target = sa.create_engine(url)
    with target.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    with source.connect() as src, target.begin() as dst:
        dst.execute(sa.text("DELETE FROM store_head"))  # the migration's empty head
        for name in tables:
            table = sa.Table(name, sa.MetaData(), autoload_with=dst)
            rows = [
                _typed(name, dict(r._mapping))
                for r in src.execute(sa.text(f"SELECT * FROM {name}"))
            ]
            if rows:
                dst.execute(table.insert(), rows)
        for name in serials:
            dst.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                )
            )
    source.dispose()
    target.dispose()
    return url
