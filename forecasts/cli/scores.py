"""``forecasts scores verify|rebuild``: the kept scores against the registry's rows."""

from __future__ import annotations

import click

from forecasts.cli.context import Context


@click.group("scores")
def scores() -> None:
    """Check or rebuild the kept scores (each prediction's status and scores, kept
    current by every write and read by the boards)."""


@scores.command("verify")
@click.option("--limit", default=20, show_default=True, help="Differences to list at most.")
@click.pass_obj
def verify(obj: Context, limit: int) -> None:
    """Recompute every score from the rows and compare it with what is kept; exit 1 and
    list the differences when they disagree."""
    from forecasts import kept

    with obj.session() as session:
        problems = kept.verify(session, limit=max(1, limit))
        total = session.scalar(_count())
    if problems:
        for line in problems:
            click.echo(line)
        raise click.ClickException(
            f"the kept scores differ from the registry's rows (first {len(problems)} listed); "
            "`forecasts scores rebuild` recomputes them"
        )
    click.echo(f"The kept scores of {total} predictions equal a computation from scratch.")


@scores.command("rebuild")
@click.pass_obj
def rebuild(obj: Context) -> None:
    """Recompute every kept score from the registry's rows, in one transaction."""
    from forecasts import kept

    with obj.session() as session:
        written = kept.rebuild(session)
    click.echo(f"Kept the scores of {written} predictions.")


def _count():
    from sqlalchemy import func, select

    from forecasts.models import PredictionScore

    return select(func.count()).select_from(PredictionScore)
