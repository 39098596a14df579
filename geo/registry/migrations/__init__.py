"""Alembic migrations of the registry store (:mod:`geo.registry.store` runs them
programmatically)."""
