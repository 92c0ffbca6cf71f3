"""Unscorable claims: a pundit's claim logged as said but not scorable as it stands (no
deadline, no criteria, an escape clause, vague wording), with the reason from a fixed
list and a note. Counted beside each pundit's scores (the share of scorable claims) and
listed on their page; never scored.

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASONS = "'no_deadline', 'no_criteria', 'escape_clause', 'vague_wording', 'other'"


def upgrade() -> None:
    op.create_table(
        "unscorable_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pundit_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("hedge_phrase", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"reason IN ({REASONS})", name=op.f("ck_unscorable_claims_reason")),
        sa.CheckConstraint(
            "reason <> 'other' OR note <> ''", name=op.f("ck_unscorable_claims_other_has_note")
        ),
        sa.ForeignKeyConstraint(
            ["pundit_id"],
            ["pundits.id"],
            name=op.f("fk_unscorable_claims_pundit_id_pundits"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_unscorable_claims_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_unscorable_claims_question_id_questions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["users.id"],
            name=op.f("fk_unscorable_claims_logged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unscorable_claims")),
    )
    for column in ("pundit_id", "source_id", "question_id"):
        op.create_index(f"ix_unscorable_claims_{column}", "unscorable_claims", [column])


def downgrade() -> None:
    for column in ("question_id", "source_id", "pundit_id"):
        op.drop_index(f"ix_unscorable_claims_{column}", table_name="unscorable_claims")
    op.drop_table("unscorable_claims")
