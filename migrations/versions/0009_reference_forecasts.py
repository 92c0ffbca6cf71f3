"""Reference forecasts: probability series from outside the registry for a question (a
market's price, a platform's community forecast, a panel's median), each point with its
source, time, link and licence note. One point per question, source and moment.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("licence", sa.String(length=300), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "probability >= 0 AND probability <= 1", name=op.f("ck_reference_forecasts_probability")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_reference_forecasts_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_forecasts")),
        sa.UniqueConstraint(
            "question_id", "source", "at", name=op.f("uq_reference_forecasts_point")
        ),
    )
    op.create_index("ix_reference_forecasts_question_id", "reference_forecasts", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_reference_forecasts_question_id", table_name="reference_forecasts")
    op.drop_table("reference_forecasts")
