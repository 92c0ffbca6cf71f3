"""``forecasts list KIND``: the registry's pundits, sources, questions or predictions."""

from __future__ import annotations

import json

import click

from forecasts.cli.context import Context

_COLUMNS = {
    "pundits": ["id", "slug", "name", "affiliation"],
    "sources": ["id", "published_on", "title", "outlet", "url"],
    "questions": ["id", "slug", "resolve_by", "kind", "outcome", "statement"],
    "predictions": [
        "id",
        "made_at",
        "pundit_slug",
        "question_slug",
        "probability",
        "hedge_phrase",
        "look_ahead",
    ],
}


def _reader(kind: str):
    """The query that lists *kind* and the function that turns a row into a dict, looked
    up when the command runs: the query modules load SQLAlchemy."""
    from forecasts import queries, serialize

    return {
        "pundits": (queries.list_pundits, serialize.pundit_dict),
        "sources": (queries.list_sources, serialize.source_dict),
        "questions": (queries.list_questions, serialize.question_dict),
        "predictions": (queries.list_predictions, serialize.prediction_dict),
    }[kind]


@click.command("list")
@click.argument("kind", type=click.Choice(list(_COLUMNS)))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.pass_obj
def list_rows(obj: Context, kind: str, output_format: str) -> None:
    """List pundits, sources, questions or predictions."""
    from forecasts.tables import format_table

    query, as_dict = _reader(kind)
    with obj.session() as session:
        rows = [as_dict(row) for row in query(session)]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif rows:
        click.echo(format_table(rows, _COLUMNS[kind]))
    else:
        click.echo(f"no {kind} yet")
