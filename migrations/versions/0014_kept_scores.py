"""Kept scores, and the indexes of the foreign keys pages filter on.

Kept scores: ``prediction_scores``, each prediction's status and scores as the boards
read them, kept current by every write (``forecasts.kept``). Made empty here;
``forecasts db upgrade`` fills it from the registry's rows right after migrating (the
computation is the application's, not a migration's to copy).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-03 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prediction_scores",
        sa.Column("prediction_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pundit_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("made_at_us", sa.BigInteger(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("known_at_us", sa.BigInteger(), nullable=True),
        sa.Column("reference", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.Float(), nullable=True),
        sa.Column("brier", sa.Float(), nullable=True),
        sa.Column("log_score", sa.Float(), nullable=True),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("prediction_id", name=op.f("pk_prediction_scores")),
    )
    op.create_index("ix_prediction_scores_pundit_id", "prediction_scores", ["pundit_id"])
    op.create_index("ix_prediction_scores_question_id", "prediction_scores", ["question_id"])
    # Foreign keys pages and writes filter on: a tag's questions, the questions
    # conditional on one, the forecasts naming an option.
    op.create_index("ix_question_tags_tag_id", "question_tags", ["tag_id"])
    op.create_index("ix_questions_condition_question_id", "questions", ["condition_question_id"])
    op.create_index("ix_prediction_options_option_id", "prediction_options", ["option_id"])


def downgrade() -> None:
    op.drop_index("ix_prediction_options_option_id", table_name="prediction_options")
    op.drop_index("ix_questions_condition_question_id", table_name="questions")
    op.drop_index("ix_question_tags_tag_id", table_name="question_tags")
    op.drop_index("ix_prediction_scores_question_id", table_name="prediction_scores")
    op.drop_index("ix_prediction_scores_pundit_id", table_name="prediction_scores")
    op.drop_table("prediction_scores")
