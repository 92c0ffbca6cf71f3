"""Corrections, retractions and merges: a prediction records when it was last corrected
and whether (when, why) it was retracted; a merged pundit's, question's or source's old
address is kept as a redirect; predictions get the index on ``source_id`` that a
source's page and a source merge read by.

The columns are added in place (no table rebuild on SQLite), so the search index's
triggers on ``predictions`` stay as migration 0005 made them.

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-03 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "predictions", sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "predictions", sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "predictions",
        sa.Column("retraction_reason", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_predictions_source_id", "predictions", ["source_id"])
    op.create_table(
        "redirects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("old_key", sa.String(length=80), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('pundit', 'question', 'source')", name=op.f("ck_redirects_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redirects")),
        sa.UniqueConstraint("kind", "old_key", name="uq_redirects_address"),
    )
    op.create_index("ix_redirects_target_id", "redirects", ["target_id"])


def downgrade() -> None:
    op.drop_index("ix_redirects_target_id", table_name="redirects")
    op.drop_table("redirects")
    op.drop_index("ix_predictions_source_id", table_name="predictions")
    op.drop_column("predictions", "retraction_reason")
    op.drop_column("predictions", "retracted_at")
    op.drop_column("predictions", "corrected_at")
