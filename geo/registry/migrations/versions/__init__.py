"""Alembic revisions of the registry store, oldest first."""
