"""Users' session tokens: every signed-in session and remember-me cookie carries its
user's token, so a new token (sign-out, password change, deactivation) ends them all.

Each existing user gets a random token of their own. Sessions signed in before this
revision carry no token and end with it: everyone signs in again once.

SQLite cannot make an existing table's column NOT NULL without rebuilding the table,
and rebuilding ``users`` drops it first, which with foreign keys on deletes (cascades)
the API tokens pointing at it. So the column is added in place with a placeholder
default that the rows are then filled over; PostgreSQL drops the default afterwards,
SQLite keeps it (a row written by the app always gets a token; an empty one signs no
one in). Dropping the column on downgrade is in place too (SQLite 3.35 or newer).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("session_token", sa.String(length=64), nullable=False, server_default=""),
    )
    connection = op.get_bind()
    for user_id in connection.scalars(sa.select(_users.c.id)).all():
        connection.execute(
            _users.update()
            .where(_users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    if connection.dialect.name != "sqlite":
        op.alter_column("users", "session_token", server_default=None)


def downgrade() -> None:
    op.drop_column("users", "session_token")
