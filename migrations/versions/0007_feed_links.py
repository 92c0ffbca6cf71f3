"""Reminder feeds: each user may have one secret link to an Atom and an iCalendar feed
of the questions falling due; only the secret's SHA-256 is kept (``users.feed_token_hash``,
unique, none by default).

Both the column and its unique index are added and dropped in place (no table rebuild:
on SQLite that would cascade to the rows pointing at ``users``).

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-03 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("feed_token_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_users_feed_token_hash", "users", ["feed_token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_feed_token_hash", table_name="users")
    op.drop_column("users", "feed_token_hash")
