"""Provenance of history imported from forecasting platforms (``forecasts import --from``):
pundits record the platform and the user's handle, questions the platform, their id
there and their link, each pair unique. A statement stays unique among the questions
entered here (a partial unique index) but imported questions may repeat one, and a
statement may be as long as a platform's title (2,000 characters; the forms keep 500).

SQLite cannot drop a table's UNIQUE constraint in place: ``questions`` is rebuilt, and
the search index's triggers on it (migration 0005) are saved first and made again
(and on ``pundits`` when a downgrade rebuilds it), with the views they read.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENTERED = "platform IS NULL"


def _triggers(table: str) -> list[str]:
    """On PostgreSQL, the triggers on ``table``; on SQLite, every view and trigger, dropped here to be made again after ``table``
    is rebuilt: a rebuild drops the table's own triggers, and a view (or a trigger that
    reads one) naming the table blocks its rename."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # a trigger naming a column blocks its new type
        saved = bind.exec_driver_sql(
            "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger AS t "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            (table,),
        ).fetchall()
        for name, _ in saved:
            op.execute(f'DROP TRIGGER "{name}" ON {table}')
        return [sql for _, sql in saved]
    if bind.dialect.name != "sqlite":
        return []
    saved = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type = 'trigger', rowid"
    ).fetchall()
    for kind, name, _ in reversed(saved):
        op.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    return [sql for _, _, sql in saved]


def _restore(saved: list[str]) -> None:
    for sql in saved:
        op.execute(sql)


def upgrade() -> None:
    with op.batch_alter_table("pundits") as batch:
        batch.add_column(sa.Column("platform", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("platform_handle", sa.String(length=200), nullable=True))
    op.create_index(
        "uq_pundits_platform_handle", "pundits", ["platform", "platform_handle"], unique=True
    )
    triggers = _triggers("questions")
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("platform", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("platform_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("platform_url", sa.String(length=2000), nullable=True))
        batch.drop_constraint("uq_questions_statement", type_="unique")
        batch.alter_column(
            "statement",
            existing_type=sa.String(length=500),
            type_=sa.String(length=2000),
            existing_nullable=False,
        )
    _restore(triggers)
    op.create_index(
        "uq_questions_platform_id", "questions", ["platform", "platform_id"], unique=True
    )
    op.create_index(
        "uq_questions_statement_entered",
        "questions",
        ["statement"],
        unique=True,
        sqlite_where=sa.text(_ENTERED),
        postgresql_where=sa.text(_ENTERED),
    )


def downgrade() -> None:
    op.drop_index("uq_questions_statement_entered", table_name="questions")
    op.drop_index("uq_questions_platform_id", table_name="questions")
    triggers = _triggers("questions")
    with op.batch_alter_table("questions") as batch:
        batch.alter_column(
            "statement",
            existing_type=sa.String(length=2000),
            type_=sa.String(length=500),
            existing_nullable=False,
        )
        batch.create_unique_constraint("uq_questions_statement", ["statement"])
        batch.drop_column("platform_url")
        batch.drop_column("platform_id")
        batch.drop_column("platform")
    _restore(triggers)
    op.drop_index("uq_pundits_platform_handle", table_name="pundits")
    triggers = _triggers("pundits")
    with op.batch_alter_table("pundits") as batch:
        batch.drop_column("platform_handle")
        batch.drop_column("platform")
    _restore(triggers)
