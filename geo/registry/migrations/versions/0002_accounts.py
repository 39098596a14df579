"""Accounts, roles, managed clusters, sessions, sign-in throttling and the account log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Adds tables only: the registry's versions, records and head are untouched, so every
record and version of an existing store is kept as it was. See
:mod:`geo.registry.accounts` for what each table holds. Times are seconds since the epoch
(UTC); a session is stored by the SHA-256 of its secret, never the secret.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the six account tables (empty: the first admin is added on the command
    line, ``clustermap users add NAME --role admin``)."""
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("changed_at", sa.Float, nullable=False),
        sa.CheckConstraint("status IN ('pending', 'active', 'disabled')", name="ck_status"),
    )
    op.create_table(
        "account_roles",
        sa.Column("name", sa.String(64), sa.ForeignKey("accounts.name"), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
    )
    op.create_table(
        "cluster_managers",
        sa.Column("name", sa.String(64), sa.ForeignKey("accounts.name"), primary_key=True),
        sa.Column("cluster_id", sa.String(40), primary_key=True),
    )
    op.create_index("ix_cluster_managers_cluster", "cluster_managers", ["cluster_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
    )
    op.create_index("ix_sessions_name", "sessions", ["name"])
    op.create_table(
        "sign_in_throttle",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.Float, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
    )
    op.create_table(
        "account_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop the account tables (the registry's data stays)."""
    op.drop_table("account_log")
    op.drop_table("sign_in_throttle")
    op.drop_index("ix_sessions_name", "sessions")
    op.drop_table("sessions")
    op.drop_index("ix_cluster_managers_cluster", "cluster_managers")
    op.drop_table("cluster_managers")
    op.drop_table("account_roles")
    op.drop_table("accounts")
