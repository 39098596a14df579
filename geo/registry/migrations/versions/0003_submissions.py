"""Submissions of cluster managers, and the audit log of every submission action.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Adds tables only: the registry's versions, records and head and the account tables are
untouched, so every row of an existing store is kept as it was. See
:mod:`geo.registry.submissions` for what each table holds.

``submissions`` holds a proposal (a new cluster, or a change of cluster ``cluster_id``)
with its payload (kind → rows, as a form sends them), its status, the reviewer's reason
or questions, and, once approved, the registry ``version`` it became: a version made
from a submission says "submitted by ``submitter``, approved by ``reviewer``" through
this row (the version's author is the approver, its summary names both).
``submission_log`` is the audit log: who did what to which submission, when, and from
which session (the ``sessions.id`` digest; empty for the command line).
Times are seconds since the epoch (UTC).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATUSES = "('submitted', 'sent_back', 'approved', 'rejected', 'withdrawn')"


def upgrade() -> None:
    """Create the two submission tables (empty)."""
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("cluster_id", sa.String(40), nullable=True),
        sa.Column("submitter", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=True),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=True, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("changed_at", sa.Float, nullable=False),
        sa.CheckConstraint("kind IN ('new', 'change')", name="ck_submission_kind"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_submission_status"),
    )
    op.create_index("ix_submissions_submitter", "submissions", ["submitter"])
    op.create_index("ix_submissions_status", "submissions", ["status"])
    op.create_table(
        "submission_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("session", sa.String(64), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_submission_log_submission", "submission_log", ["submission_id"])


def downgrade() -> None:
    """Drop the submission tables (the registry's data and the accounts stay)."""
    op.drop_index("ix_submission_log_submission", "submission_log")
    op.drop_table("submission_log")
    op.drop_index("ix_submissions_status", "submissions")
    op.drop_index("ix_submissions_submitter", "submissions")
    op.drop_table("submissions")
