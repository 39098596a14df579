"""Alembic environment of the registry store.

:func:`geo.registry.store.Store.migrate` runs this with an open connection in
``config.attributes["connection"]`` (so migrations share the store's locking); the
``alembic`` command line works too when ``sqlalchemy.url`` or ``CLUSTERMAP_DATABASE_URL``
names the database.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    url = config.get_main_option("sqlalchemy.url") or os.environ["CLUSTERMAP_DATABASE_URL"]
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or os.environ["CLUSTERMAP_DATABASE_URL"]
    with create_engine(url).connect() as conn:
        _run(conn)
