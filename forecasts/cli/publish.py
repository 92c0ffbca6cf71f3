"""``forecasts publish OUTDIR``: a static copy of the public site."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from forecasts.cli.context import Context


@click.command("publish")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def publish(obj: Context, outdir: Path) -> None:
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
    from forecasts.wording import counted

    click.echo(
        f"published {counted(counts['pages'], 'page')}, "
        f"{counted(counts['predictions'], 'prediction')}, "
        f"{counted(counts['resolutions'], 'resolution')} to {outdir}"
    )
