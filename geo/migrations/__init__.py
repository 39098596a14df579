"""Alembic migrations of the registry store (:mod:`geo.store` runs them programmatically)."""
