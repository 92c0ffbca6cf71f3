"""A source may name its author, when a pundit wrote it (an op-ed, a column):
``sources.author_pundit_id``, none by default, set to none if the pundit goes.

On SQLite the table is rebuilt (batch mode), with foreign keys unenforced meanwhile
(``migrations/env.py``), so the predictions pointing at ``sources`` are left as they are.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(
            sa.Column(
                "author_pundit_id",
                sa.Integer(),
                sa.ForeignKey(
                    "pundits.id", name="fk_sources_author_pundit_id_pundits", ondelete="SET NULL"
                ),
                nullable=True,
            )
        )
        batch.create_index("ix_sources_author_pundit_id", ["author_pundit_id"])


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_index("ix_sources_author_pundit_id")
        batch.drop_constraint("fk_sources_author_pundit_id_pundits", type_="foreignkey")
        batch.drop_column("author_pundit_id")
