"""The registry store: versions, record rows valid over a range of versions, the head.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Every stored record row is valid from the version that wrote it up to (not including)
the version that replaced or removed it (``valid_to`` is NULL while it is current), so
any version's data is a query and nothing is ever overwritten. ``position`` keeps a
record's place in listings when it is changed (the order it was first added in).
``store_head`` holds the latest version in one row that writers lock, so versions are
numbered without gaps.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables and the head row (version 0: nothing stored yet)."""
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("restored_from", sa.Integer, nullable=True),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("valid_from", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("valid_to", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("markers", sa.JSON, nullable=False),
    )
    op.create_index("ix_records_kind_valid_to", "records", ["kind", "valid_to"])
    op.create_index("ix_records_valid_from", "records", ["valid_from"])
    op.create_index("ix_records_valid_to", "records", ["valid_to"])
    head = op.create_table(
        "store_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "version": 0}])


def downgrade() -> None:
    """Drop everything (the data goes with it)."""
    op.drop_table("store_head")
    op.drop_index("ix_records_valid_to", "records")
    op.drop_index("ix_records_valid_from", "records")
    op.drop_index("ix_records_kind_valid_to", "records")
    op.drop_table("records")
    op.drop_table("versions")
