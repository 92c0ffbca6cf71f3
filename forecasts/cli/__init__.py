"""The ``forecasts`` command. Every subcommand calls the service layer; bad input exits
non-zero with a one-line message naming the field and the rule.

One module per command group. Building the command line imports only click and a few
light modules: each command imports SQLAlchemy, Alembic, pandas or Flask in its body,
when it runs, so that ``forecasts --help`` starts about as fast as click itself
(``benchmarks/startup_benchmark.py`` measures it).
"""

from __future__ import annotations

import sys

import click

from forecasts.cli import (
    db,
    demo,
    digest,
    leaderboard,
    lists,
    phrases,
    publish,
    score,
    scores,
    seed,
    serve,
    transfer,
    users,
)
from forecasts.cli.context import Context
from forecasts.errors import RegistryError


class _Group(click.Group):
    """Turns the domain's errors, and a database that cannot be reached, into click's
    one-line ``Error: ...`` with exit status 1 for every subcommand."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RegistryError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:
            message = _database_problem(error)
            if message is None:
                raise
            raise click.ClickException(message) from error


def _database_problem(error: Exception) -> str | None:
    """The one-line message for a database URL that does not parse or a database that
    cannot be used, else None. Looked up in ``sys.modules`` rather than imported: if
    SQLAlchemy was never loaded, the error cannot be one of its own, and a command that
    needs no database should not load it just to find that out."""
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is None:
        return None
    if isinstance(error, exc.ArgumentError):
        return f"database-url: not a database URL ({error})"
    if isinstance(error, exc.OperationalError):
        first_line = str(error.orig or error).strip().splitlines()[0]
        return f"cannot use the database: {first_line}"
    return None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=None,
    metavar="URL",
    help="sqlite:///path or postgresql+psycopg://user:pass@host/db "
    "(default: $DATABASE_URL, else a SQLite file in $FORECASTS_HOME).",
)
@click.version_option(package_name="forecasts")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """A registry of pundits' forecasts, scored."""
    ctx.obj = Context(database_url)


cli.add_command(db.db)
cli.add_command(seed.seed)
cli.add_command(lists.list_rows)
cli.add_command(leaderboard.leaderboard)
cli.add_command(users.users)
cli.add_command(serve.serve)
cli.add_command(publish.publish)
cli.add_command(score.score)
cli.add_command(scores.scores)
cli.add_command(phrases.scale)
cli.add_command(phrases.extract)
cli.add_command(transfer.import_command)
cli.add_command(transfer.export)
cli.add_command(demo.demo)
cli.add_command(digest.digest)


def main() -> None:
    cli(prog_name="forecasts")
