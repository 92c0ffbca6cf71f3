"""``forecasts serve``: the web app on the development server."""

from __future__ import annotations

import sys

import click

from forecasts.cli.context import Context


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the web app (development server). Migrates the database and loads the seeds
    into an empty registry first. In production run gunicorn: see the README."""
    from sqlalchemy import func, select

    from forecasts import migrate
    from forecasts.db import describe
    from forecasts.models import Question
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
