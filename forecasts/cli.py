"""The ``forecasts`` command. Every subcommand calls the service layer; bad input exits
non-zero with a one-line message naming the field and the rule."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import func, select
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from forecasts import migrate, queries, scores, serialize, services
from forecasts.csvsafe import neutralise_frame
from forecasts.db import describe, make_engine, make_session_factory, resolve_database_url
from forecasts.demo_command import demo
from forecasts.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from forecasts.models import Question, Role
from forecasts.phrases.commands import extract, scale
from forecasts.score_command import score
from forecasts.transfer.commands import export, import_command
from forecasts.validation import parse_date


class _Context:
    def __init__(self, database_url: str | None):
        self.url = resolve_database_url(database_url)
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def session(self, require_schema: bool = True) -> Session:
        if require_schema:
            self.require_schema()
        return make_session_factory(self.engine)()

    def require_schema(self) -> None:
        current = migrate.current_revision(self.engine)
        head = migrate.head_revision()
        if current is None:
            raise click.ClickException(
                f"the database {describe(self.url)} has no registry yet; "
                "run `forecasts db upgrade` first"
            )
        if current != head:
            raise click.ClickException(
                f"the database {describe(self.url)} is at revision {current}, the code needs "
                f"{head}; run `forecasts db upgrade`"
            )


class _Group(click.Group):
    """Turns the domain's errors, and a database that cannot be reached, into click's
    one-line ``Error: ...`` with exit status 1 for every subcommand."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ValidationError, NotFoundError, ConflictError, PermissionDenied) as error:
            raise click.ClickException(str(error)) from error
        except ArgumentError as error:
            raise click.ClickException(f"database-url: not a database URL ({error})") from error
        except OperationalError as error:
            first_line = str(error.orig or error).strip().splitlines()[0]
            raise click.ClickException(f"cannot use the database: {first_line}") from error


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
    ctx.obj = _Context(database_url)


# ------------------------------------------------------------------------------- db


@cli.group()
def db() -> None:
    """Create or change the database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_obj
def db_upgrade(obj: _Context, revision: str) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    _run_migration(lambda: migrate.upgrade(obj.url, revision))
    click.echo(f"{describe(obj.url)} is at revision {migrate.current_revision(obj.engine)}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_obj
def db_downgrade(obj: _Context, revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes every table)."""
    _run_migration(lambda: migrate.downgrade(obj.url, revision))
    current = migrate.current_revision(obj.engine) or "base"
    click.echo(f"{describe(obj.url)} is at revision {current}")


@db.command("current")
@click.pass_obj
def db_current(obj: _Context) -> None:
    """Print the database's schema revision and whether it is the latest."""
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


# ----------------------------------------------------------------------------- seed


@cli.command()
@click.pass_obj
def seed(obj: _Context) -> None:
    """Load the seed registry from seeds/ (safe to run again: adds only what is missing)."""
    from forecasts.seeding import load_seeds

    with obj.session() as session:
        report = load_seeds(session)
    click.echo(report.summary())


# ----------------------------------------------------------------------------- list

_LISTS = {
    "pundits": (queries.list_pundits, serialize.pundit_dict, ["id", "slug", "name", "affiliation"]),
    "sources": (
        queries.list_sources,
        serialize.source_dict,
        ["id", "published_on", "title", "outlet", "url"],
    ),
    "questions": (
        queries.list_questions,
        serialize.question_dict,
        ["id", "slug", "resolve_by", "kind", "outcome", "statement"],
    ),
    "predictions": (
        queries.list_predictions,
        serialize.prediction_dict,
        [
            "id",
            "made_at",
            "pundit_slug",
            "question_slug",
            "probability",
            "hedge_phrase",
            "look_ahead",
        ],
    ),
}


@cli.command("list")
@click.argument("kind", type=click.Choice(list(_LISTS)))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.pass_obj
def list_rows(obj: _Context, kind: str, output_format: str) -> None:
    """List pundits, sources, questions or predictions."""
    from forecasts.tables import format_table

    query, as_dict, columns = _LISTS[kind]
    with obj.session() as session:
        rows = [as_dict(row) for row in query(session)]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif rows:
        click.echo(format_table(rows, columns))
    else:
        click.echo(f"no {kind} yet")


# ---------------------------------------------------------------------- leaderboard


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--tag", default=None, help="Only questions with this tag.")
@click.option(
    "--since", default=None, metavar="YYYY-MM-DD", help="Only forecasts made on or after this day."
)
@click.option(
    "--until", default=None, metavar="YYYY-MM-DD", help="Only forecasts made on or before this day."
)
@click.option("--kind", type=click.Choice(["binary", "multiple_choice"]), default=None)
@click.option(
    "--min-n",
    type=click.IntRange(min=1),
    default=scores.DEFAULT_MIN_N,
    show_default=True,
    help="Scored forecasts needed to be ranked.",
)
@click.pass_obj
def leaderboard(
    obj: _Context,
    output_format: str,
    tag: str | None,
    since: str | None,
    until: str | None,
    kind: str | None,
    min_n: int,
) -> None:
    """Rank pundits by mean Brier score (lower is better), with 95% intervals."""
    filters = scores.Filters(
        tag=tag,
        kind=kind,
        since=parse_date(since, "since") if since else None,
        until=parse_date(until, "until") if until else None,
    )
    with obj.session() as session:
        board = scores.leaderboard(session, filters, min_n)
    if output_format == "csv":
        click.echo(neutralise_frame(board).to_csv(index=False), nl=False)
        return
    rows = scores.records(board)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif rows:
        from forecasts.tables import format_table

        click.echo(
            format_table(
                rows,
                [
                    "rank",
                    "pundit",
                    "n",
                    "brier",
                    "brier_ci_low",
                    "brier_ci_high",
                    "log_score",
                    "peer_brier",
                ],
            )
        )
    else:
        click.echo("no scored forecasts yet")


# ---------------------------------------------------------------------------- users


@cli.group()
def users() -> None:
    """Manage the people who can sign in."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", default=None)
@click.pass_obj
def users_create(obj: _Context, name: str, role: str, email: str | None) -> None:
    """Create a user. The password is asked for (or read from the first line of stdin)."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with obj.session() as session:
        user = services.create_user(
            session,
            services.Actor.system(),
            name=name,
            role=role,
            password=password,
            email=email,
        )
    click.echo(f"created {user.role} {user.name!r}")


# ---------------------------------------------------------------------------- serve


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(obj: _Context, host: str, port: int) -> None:
    """Serve the web app (development server). Migrates the database and loads the seeds
    into an empty registry first. In production run gunicorn: see the README."""
    from forecasts.seeding import load_seeds
    from web import create_app

    migrate.upgrade(obj.url)
    with obj.session() as session:
        if session.scalar(select(func.count(Question.id))) == 0:
            click.echo(load_seeds(session).summary())
    app = create_app({"DATABASE_URL": obj.url})
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    click.echo(f"Serving the registry at {describe(obj.url)}")
    click.echo(f"Open http://{shown_host}:{port}/  (Ctrl+C to stop)", err=False)
    sys.stdout.flush()
    app.run(host=host, port=port, debug=False, use_reloader=False)


@cli.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def publish(obj: _Context, outdir: Path) -> None:
    """Write a static copy of the public site, its data (CSV, JSON) and an Atom feed."""
    from web.publish import publish as publish_site

    obj.require_schema()
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / "feed.xml").exists():
        raise click.ClickException(
            f"outdir: {outdir} is not empty and holds no earlier copy; choose an empty folder"
        )

    def progress(items, length):
        with click.progressbar(items, length=length, label="Writing pages", file=sys.stderr) as bar:
            yield from bar

    counts = publish_site(obj.url, outdir, progress)
    click.echo(
        f"published {counts['pages']} pages, {counts['predictions']} predictions, "
        f"{counts['resolutions']} resolutions to {outdir}"
    )


cli.add_command(score)
cli.add_command(scale)
cli.add_command(extract)
cli.add_command(import_command, "import")
cli.add_command(export)
cli.add_command(demo)


def main() -> None:
    cli(prog_name="forecasts")
