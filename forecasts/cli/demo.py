"""``forecasts demo``: fill a database with a synthetic demo registry (see forecasts.demo).

The demo normally goes into a database of its own (``forecasts --database-url
sqlite:///demo.sqlite3 demo ...``); it is migrated first if it has no schema yet.
"""

from __future__ import annotations

import sys
import time

import click

from forecasts.cli.context import Context
from forecasts.errors import ValidationError

_STAGES = ("pundits", "questions", "predictions")


class _Bar:
    """One progress bar on stderr over the pundits, questions and predictions written."""

    def __init__(self, pundits: int, questions: int, predictions: int):
        self.totals = {"pundits": pundits, "questions": questions, "predictions": predictions}
        self.done = dict.fromkeys(self.totals, 0)
        self.bar = click.progressbar(
            length=max(1, sum(self.totals.values())),
            label="demo: pundits",
            file=sys.stderr,
            show_pos=True,
            width=30,
        )

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.done:
            return
        step = done - self.done[stage]
        self.done[stage] = done
        self.bar.label = f"demo: {stage:<11}"
        self.bar.update(step)


@click.command("demo")
@click.option(
    "--pundits",
    type=click.IntRange(min=1, max=1_000_000),
    required=True,
    help="How many synthetic pundits.",
)
@click.option(
    "--questions",
    type=click.IntRange(min=1, max=10_000_000),
    required=True,
    help="How many synthetic questions.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    required=True,
    help="Random seed: the same seed and sizes give the same registry.",
)
@click.option(
    "--predictions",
    type=click.IntRange(min=0, max=100_000_000),
    default=None,
    help="How many predictions, revisions and look-ahead ones included "
    "(default: 10 per question, at most 3 per pundit and question).",
)
@click.option(
    "--allow-mixed",
    is_flag=True,
    help="Add synthetic rows to a database that already holds a real registry.",
)
@click.pass_obj
def demo(
    obj: Context,
    pundits: int,
    questions: int,
    seed: int,
    predictions: int | None,
    allow_mixed: bool,
) -> None:
    """Fill a database with a synthetic demo registry (marked synthetic everywhere).

    Use a database of its own: --database-url before the command, e.g.
    `forecasts --database-url sqlite:///demo.sqlite3 demo --pundits 200 --questions 2000
    --seed 1`. Refused if the database already has demo data, and, without --allow-mixed,
    if it holds real pundits, questions, sources or predictions.
    """
    from forecasts import migrate
    from forecasts.db import describe
    from forecasts.demo import default_predictions, generate_demo

    if migrate.current_revision(obj.engine) is None:
        migrate.upgrade(obj.url)
    obj.require_schema()
    total = default_predictions(pundits, questions) if predictions is None else predictions
    started = time.perf_counter()
    try:
        with _Bar(pundits, questions, total) as bar:
            counts = generate_demo(
                obj.engine,
                pundits,
                questions,
                seed,
                predictions,
                progress=bar,
                allow_mixed=allow_mixed,
            )
    except ValidationError as error:
        option = "--" + error.field.replace("_", "-")
        raise click.ClickException(f"{option}: {error.rule}") from error
    elapsed = time.perf_counter() - started
    click.echo(
        f"Synthetic demo registry written to {describe(obj.url)} in {elapsed:.1f}s: "
        f"{counts['pundits']:,} pundits, {counts['questions']:,} questions "
        f"({counts['multiple_choice_questions']:,} multiple choice, "
        f"{counts['conditional_questions']:,} conditional, {counts['open_questions']:,} open), "
        f"{counts['predictions']:,} predictions ({counts['revisions']:,} revisions, "
        f"{counts['look_ahead']:,} made after the outcome was known), "
        f"{counts['resolutions']:,} resolutions, {counts['sources']:,} sources."
    )
