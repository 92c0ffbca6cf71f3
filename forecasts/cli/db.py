"""``forecasts db upgrade|downgrade|current``: the schema, through Alembic."""

from __future__ import annotations

from collections.abc import Callable

import click

from forecasts.cli.context import Context


@click.group("db")
def db() -> None:
    """Create or change the database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_obj
def db_upgrade(obj: Context, revision: str) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    from forecasts import migrate
    from forecasts.db import describe

    _run_migration(lambda: migrate.upgrade(obj.url, revision))
    click.echo(f"{describe(obj.url)} is at revision {migrate.current_revision(obj.engine)}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_obj
def db_downgrade(obj: Context, revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes every table)."""
    from forecasts import migrate
    from forecasts.db import describe

    _run_migration(lambda: migrate.downgrade(obj.url, revision))
    current = migrate.current_revision(obj.engine) or "base"
    click.echo(f"{describe(obj.url)} is at revision {current}")


@db.command("current")
@click.pass_obj
def db_current(obj: Context) -> None:
    """Print the database's schema revision and whether it is the latest."""
    from forecasts import migrate
    from forecasts.db import describe

    current = migrate.current_revision(obj.engine)
    head = migrate.head_revision()
    state = "up to date" if current == head else f"behind (latest is {head})"
    click.echo(f"{describe(obj.url)}: revision {current or 'none'}, {state}")


def _run_migration(step: Callable[[], None]) -> None:
    from alembic.util import CommandError

    try:
        step()
    except CommandError as error:
        raise click.ClickException(f"revision: {error}") from error
