"""Kept board totals: what each final forecast brings to its pundit's row, each pundit's
totals, and the difficulty-adjusted fit with the moment it was made.

``prediction_scores`` gains the per-forecast board numbers and is emptied (it is derived
data): ``forecasts db upgrade`` fills it and ``pundit_scores`` from the registry's rows
right after migrating, as it did when the table was new. ``board_state`` starts empty:
the first board read fits it.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-03 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROW_COLUMNS = ("peer_brier", "peer_log", "time_averaged", "pair_brier", "vs_reference_brier")
# A pundit's final rows with the numbers of their totals, read from the index alone.
TOTALS = (
    "pundit_id",
    "final",
    "prediction_id",
    "question_id",
    "kind",
    "probability",
    "outcome",
    "brier",
    "log_score",
    *ROW_COLUMNS,
)


def upgrade() -> None:
    op.execute("DELETE FROM prediction_scores")
    with op.batch_alter_table("prediction_scores") as table:
        for name in ROW_COLUMNS:
            table.add_column(sa.Column(name, sa.Float(), nullable=True))
    op.create_index("ix_prediction_scores_pundit_totals", "prediction_scores", list(TOTALS))
    op.create_table(
        "pundit_scores",
        sa.Column("pundit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("brier", sa.Float(), nullable=False),
        sa.Column("brier_ci_low", sa.Float(), nullable=True),
        sa.Column("brier_ci_high", sa.Float(), nullable=True),
        sa.Column("brier_ss", sa.Float(), nullable=False),
        sa.Column("log_score", sa.Float(), nullable=False),
        sa.Column("n_peer", sa.Integer(), nullable=False),
        sa.Column("peer_brier", sa.Float(), nullable=True),
        sa.Column("peer_log", sa.Float(), nullable=True),
        sa.Column("time_averaged_brier", sa.Float(), nullable=True),
        sa.Column("n_reference", sa.Integer(), nullable=False),
        sa.Column("vs_reference_brier", sa.Float(), nullable=True),
        sa.Column("vs_reference_ci_low", sa.Float(), nullable=True),
        sa.Column("vs_reference_ci_high", sa.Float(), nullable=True),
        sa.Column("weighted_brier", sa.Float(), nullable=True),
        sa.Column("claims_scorable", sa.Integer(), nullable=False),
        sa.Column("claims_unscorable", sa.Integer(), nullable=False),
        sa.Column("calibration", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pundit_id", name=op.f("pk_pundit_scores")),
    )
    op.create_table(
        "board_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("adjusted", sa.Text(), nullable=False),
        sa.Column("stamp", sa.String(length=80), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_state")),
    )


def downgrade() -> None:
    op.drop_table("board_state")
    op.drop_table("pundit_scores")
    op.drop_index("ix_prediction_scores_pundit_totals", table_name="prediction_scores")
    with op.batch_alter_table("prediction_scores") as table:
        for name in ROW_COLUMNS:
            table.drop_column(name)
