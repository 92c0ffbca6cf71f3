"""``forecasts import`` and ``forecasts export``: the registry from and to files."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from forecasts.cli import defaults
from forecasts.cli.context import Context


def _progress(label: str, *, length: int | None = None, iterable=None):
    """A progress bar on standard error when it is a terminal; otherwise nothing at all
    (a pipe, a log file and the tests see only the report)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(iterable)
    return click.progressbar(iterable, length=length, label=label, file=sys.stderr)


@click.command("import")
@click.argument("target", metavar="[references] FILE")
@click.argument(
    "second", required=False, metavar="", type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "json"]),
    default=None,
    help="The file's format (default: from its extension).",
)
@click.option(
    "--dry-run", is_flag=True, help="Check every row and report what would be added; write nothing."
)
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    default=None,
    help="Import as this user (an active editor or admin); default: the command line.",
)
@click.option(
    "--max-errors",
    type=click.IntRange(min=1),
    default=defaults.MAX_LISTED_ERRORS,
    show_default=True,
    help="Errors to list when the file is refused (all are counted).",
)
@click.option(
    "--probabilities",
    type=click.Choice(["fraction", "percent"]),
    default=None,
    help="How bare numbers are read: fraction (0 to 1) or percent (0 to 100). Default: "
    "from the probability column, which must be all one or the other.",
)
@click.option(
    "--from",
    "platform",
    type=click.Choice(["predictionbook", "fatebook", "metaculus", "manifold"]),
    default=None,
    help="Read FILE as this platform's own export (docs/import-format.md, Platform "
    "exports): its users become pundits, its aggregates reference forecasts.",
)
@click.option(
    "--timezone",
    metavar="ZONE",
    default=None,
    help="With --from fatebook: the time zone of the export's times, which carry no "
    "offset (an IANA name such as Europe/London; default UTC).",
)
@click.pass_obj
def import_command(
    obj: Context,
    target: str,
    second: Path | None,
    file_format: str | None,
    dry_run: bool,
    as_user: str | None,
    max_errors: int,
    probabilities: str | None,
    platform: str | None,
    timezone: str | None,
) -> None:
    """Import predictions from FILE (CSV or JSON, one row per prediction; the columns are
    in docs/import-format.md). All or nothing: one bad row and nothing is written, and
    every bad row is listed. Importing the same file again adds nothing.

    `forecasts import references FILE` adds reference forecasts instead: a market's,
    platform's or panel's probability for questions over time (CSV or JSON with the
    columns question, source, time, probability, and optionally url and licence)."""
    from forecasts.transfer.importing import ImportRefused, actor_for, import_file

    if second is not None:
        if target != "references":
            raise click.UsageError("give one FILE, or `references FILE` for reference forecasts")
        _import_references(obj, second, as_user, dry_run)
        return
    file = Path(target)
    options = None
    if platform is not None:
        from forecasts.transfer.platforms import Options

        if file_format or probabilities:
            raise click.UsageError(
                "--from reads the platform's own format: drop --format and --probabilities"
            )
        options = Options(timezone=timezone)
        passes = 1
    elif timezone:
        raise click.UsageError("--timezone goes with --from fatebook")

    with obj.session() as session:
        actor = actor_for(session, as_user)
        size = file.stat().st_size if file.is_file() else 0
        if platform is None:
            passes = 1 if probabilities else 2  # the probability column is read first
        try:
            with _progress(f"Importing {file.name}", length=max(size * passes, 1)) as bar:
                report = import_file(
                    session,
                    file,
                    actor=actor,
                    file_format=file_format,
                    dry_run=dry_run,
                    progress=bar.update if bar is not None else None,
                    max_listed=max_errors,
                    probabilities=probabilities,
                    platform=platform,
                    options=options,
                )
        except ImportRefused as refused:
            for line in refused.report_lines():
                click.echo(line, err=True)
            raise click.ClickException(refused.summary()) from refused
    click.echo(report.summary())
    for line in report.details():
        click.echo(line)


@click.command("export")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "file_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.pass_obj
def export(obj: Context, outdir: Path, file_format: str) -> None:
    """Write the registry to OUTDIR: predictions (importable with `forecasts import`),
    pundits, sources, questions, resolutions, scores and the leaderboard."""
    from forecasts.transfer.exporting import export as export_registry

    with obj.session() as session:
        counts = export_registry(session, outdir, file_format)
    parts = ", ".join(f"{n} {name}" for name, n in counts.items())
    click.echo(f"exported to {outdir}: {parts}")


def _import_references(obj: Context, file: Path, as_user: str | None, dry_run: bool) -> None:
    from forecasts import references
    from forecasts.transfer.importing import actor_for

    rows = references.read_reference_file(file)
    with obj.session() as session:
        actor = actor_for(session, as_user)
        with _progress(f"Checking {file.name}", iterable=rows) as checked:
            report = references.add_references(session, actor, checked, dry_run=dry_run)
    if dry_run:
        click.echo(f"dry run: {report.summary(file.name, dry_run=True)}; nothing was written")
    else:
        click.echo(report.summary(file.name))
