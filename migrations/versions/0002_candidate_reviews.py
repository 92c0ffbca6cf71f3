"""Candidate reviews: editors' decisions on forecasts extracted from a source's text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:56:48.270923
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candidate_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("hedge_phrase", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('accepted', 'dismissed')", name=op.f("ck_candidate_reviews_decision")
        ),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_candidate_reviews_span")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_candidate_reviews_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_candidate_reviews_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_reviews")),
        sa.UniqueConstraint("source_id", "start", "end", name="uq_candidate_reviews_span"),
    )
    with op.batch_alter_table("candidate_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_reviews_source_id"), ["source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("candidate_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_reviews_source_id"))

    op.drop_table("candidate_reviews")
