"""``forecasts serve``: the web app on the development server."""

from __future__ import annotations

import sys

import click

from forecasts.cli.context import Context

PRODUCTION = "gunicorn --workers 4 --bind 0.0.0.0:8000 'web:create_app()'"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the web app (development server). Migrates the database and loads the seeds
    into an empty registry first. In production run gunicorn: see the README."""
    from sqlalchemy import func, select
    from werkzeug.serving import make_server

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
    # werkzeug's own start-up lines would add a second address (127.0.0.1 beside
    # localhost) and its warning in red with no word of context: this command prints
    # the one address, and says what the server is for and what to run instead.
    server = make_server(host, port, app, threaded=True)
    everywhere = host in ("0.0.0.0", "::")
    shown_host = "localhost" if everywhere or host == "127.0.0.1" else host
    click.echo(f"Serving the registry at {describe(obj.url)}")
    click.echo(
        "This is Flask's development server: right for local use, not for production. In "
        'production run gunicorn, as in the README\'s "PostgreSQL and production" '
        f"section: {PRODUCTION}"
    )
    listening = " (listening on every network interface)" if everywhere else ""
    click.echo(f"Open http://{shown_host}:{server.server_port}/{listening}  (Ctrl+C to stop)")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
