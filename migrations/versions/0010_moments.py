"""Moments, not days: a resolution's known-at and a prediction's made-at keep the
precision their source gives, a moment (UTC) or a day.

``resolutions.known_at`` becomes a timestamp (a day is stored as midnight UTC) with
``known_at_precision`` beside it; every existing known-at was a date, so each becomes
that day at 'day' precision. ``predictions.made_at`` was already a timestamp; it gets
``made_at_precision``. Until now a date typed in a form or an import was stored as
midnight UTC, so an existing made-at at exactly 00:00:00 UTC is taken as a date alone
('day'); any other time is a 'moment'.

Downgrading keeps every row: a known-at becomes its day in UTC (the time of a moment is
dropped, as the old schema cannot hold it), and a made-at keeps its timestamp.

SQLite: ``predictions`` gets its column in place (its search-index triggers stay as
migration 0005 made them); ``resolutions`` is rebuilt with its column declared as a
timestamp, the old text copied unconverted (a CAST would read '2020-01-05' as the
number 2020), then written out in full. Its append-only triggers are dropped for the
conversion and made again.

Revision ID: 0010
Revises: 0013
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PRECISION = "{column} IN ('moment', 'day')"


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def upgrade() -> None:
    op.execute(
        "ALTER TABLE predictions ADD COLUMN made_at_precision VARCHAR(6) DEFAULT 'moment' "
        "NOT NULL CONSTRAINT ck_predictions_made_at_precision CHECK ("
        + _PRECISION.format(column="made_at_precision")
        + ")"
    )
    if _sqlite():
        op.execute(
            "UPDATE predictions SET made_at_precision = 'day' "
            "WHERE strftime('%H:%M:%f', made_at) = '00:00:00.000'"
        )
    else:
        op.execute(
            "UPDATE predictions SET made_at_precision = 'day' "
            "WHERE (made_at AT TIME ZONE 'UTC')::time = '00:00:00'"
        )

    _drop_append_only_trigger("resolutions")
    if _sqlite():
        with op.batch_alter_table(
            "resolutions",
            recreate="always",
            reflect_args=[sa.Column("known_at", sa.DateTime(timezone=True), nullable=False)],
        ) as batch:
            batch.add_column(
                sa.Column("known_at_precision", sa.String(6), nullable=False, server_default="day")
            )
            batch.create_check_constraint(
                "known_at_precision", _PRECISION.format(column="known_at_precision")
            )
        op.execute(
            "UPDATE resolutions SET known_at = substr(known_at, 1, 10) || ' 00:00:00.000000'"
        )
    else:
        op.execute(
            "ALTER TABLE resolutions ALTER COLUMN known_at TYPE TIMESTAMP WITH TIME ZONE "
            "USING known_at::timestamp AT TIME ZONE 'UTC'"
        )
        op.execute(
            "ALTER TABLE resolutions ADD COLUMN known_at_precision VARCHAR(6) DEFAULT 'day' "
            "NOT NULL CONSTRAINT ck_resolutions_known_at_precision CHECK ("
            + _PRECISION.format(column="known_at_precision")
            + ")"
        )
    _create_append_only_trigger("resolutions")


def downgrade() -> None:
    _drop_append_only_trigger("resolutions")
    if _sqlite():
        with op.batch_alter_table(
            "resolutions",
            recreate="always",
            reflect_args=[sa.Column("known_at", sa.Date(), nullable=False)],
        ) as batch:
            batch.drop_constraint(op.f("ck_resolutions_known_at_precision"), type_="check")
            batch.drop_column("known_at_precision")
        op.execute("UPDATE resolutions SET known_at = substr(known_at, 1, 10)")
    else:
        op.execute("ALTER TABLE resolutions DROP COLUMN known_at_precision")
        op.execute(
            "ALTER TABLE resolutions ALTER COLUMN known_at TYPE DATE "
            "USING (known_at AT TIME ZONE 'UTC')::date"
        )
    _create_append_only_trigger("resolutions")
    op.drop_column("predictions", "made_at_precision")


# The append-only triggers as migration 0001 makes them.
def _create_append_only_trigger(table: str) -> None:
    if not _sqlite():
        op.execute(
            f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only: % refused', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )


def _drop_append_only_trigger(table: str) -> None:
    if not _sqlite():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
