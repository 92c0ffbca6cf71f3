"""``forecasts leaderboard``: pundits ranked by mean Brier score."""

from __future__ import annotations

import json

import click

from forecasts.cli import defaults
from forecasts.cli.context import Context

_TABLE_COLUMNS = [
    "rank",
    "pundit",
    "n",
    "brier",
    "brier_ci_low",
    "brier_ci_high",
    "log_score",
    "peer_brier",
]


@click.command("leaderboard")
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
    default=defaults.MIN_N,
    show_default=True,
    help="Scored forecasts needed to be ranked.",
)
@click.pass_obj
def leaderboard(
    obj: Context,
    output_format: str,
    tag: str | None,
    since: str | None,
    until: str | None,
    kind: str | None,
    min_n: int,
) -> None:
    """Rank pundits by mean Brier score (lower is better), with 95% intervals."""
    from forecasts import scores
    from forecasts.validation import parse_date

    filters = scores.Filters(
        tag=tag,
        kind=kind,
        since=parse_date(since, "since") if since else None,
        until=parse_date(until, "until") if until else None,
    )
    with obj.session() as session:
        board = scores.leaderboard(session, filters, min_n)
    if output_format == "csv":
        from forecasts.csvsafe import neutralise_frame

        click.echo(neutralise_frame(board).to_csv(index=False), nl=False)
        return
    rows = scores.records(board)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif rows:
        from forecasts.tables import format_table

        click.echo(format_table(rows, _TABLE_COLUMNS))
    else:
        click.echo("no scored forecasts yet")
