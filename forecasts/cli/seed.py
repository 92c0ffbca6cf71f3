"""``forecasts seed``: load the seed registry."""

from __future__ import annotations

import click

from forecasts.cli.context import Context


@click.command("seed")
@click.pass_obj
def seed(obj: Context) -> None:
    """Load the seed registry from seeds/ (safe to run again: adds only what is missing)."""
    from forecasts.seeding import load_seeds

    with obj.session() as session:
        report = load_seeds(session)
    click.echo(report.summary())
