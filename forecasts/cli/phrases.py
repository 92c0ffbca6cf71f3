"""``forecasts scale ...`` and ``forecasts extract``: the command line of the phrases
package. Bad input exits with status 1 and a one-line ``Error: ...`` naming the
argument or option and the rule."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from forecasts.errors import RegistryError
from forecasts.tables import format_table

if TYPE_CHECKING:
    from forecasts.phrases.extraction import Extraction
    from forecasts.phrases.scales import Scale

_FORMATS = click.Choice(["table", "json"])


def _readable_errors(command):
    """The domain's errors as click's one-line ``Error: ...`` (also when these commands
    run outside the ``forecasts`` group, as in tests)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RegistryError as error:
            raise click.ClickException(str(error)) from error

    return wrapper


def _percent(value: float) -> str:
    return f"{value * 100:.4g}%"


def _band(low: float, high: float) -> str:
    return _percent(low) if low == high else f"{_percent(low)}-{_percent(high)}"


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


# ---------------------------------------------------------------------------- scale


@click.group("scale")
def scale() -> None:
    """Scales of estimative words: list and show them, map a phrase, re-apply one to the
    registry's mapped predictions."""


@scale.command("list")
@click.option("--format", "output_format", type=_FORMATS, default="table", show_default=True)
@_readable_errors
def scale_list(output_format: str) -> None:
    """The scales (latest version of each), the default first."""
    from forecasts.phrases.scales import list_scales

    scales = list_scales()
    rows = [
        {
            "scale": s.ref,
            "name": s.name,
            "version": s.version,
            "title": s.title,
            "phrases": len(s.entries),
            "citation": s.citation,
        }
        for s in scales
    ]
    if output_format == "json":
        _echo_json(rows)
        return
    click.echo(format_table(rows, ["scale", "phrases", "title"]))


@scale.command("show")
@click.argument("name")
@click.option("--format", "output_format", type=_FORMATS, default="table", show_default=True)
@_readable_errors
def scale_show(name: str, output_format: str) -> None:
    """A scale's citation and phrases (NAME or NAME@VERSION)."""
    from forecasts.phrases.scales import load_scale

    chosen = load_scale(name)
    if output_format == "json":
        _echo_json(chosen.to_dict())
        return
    click.echo(f"{chosen.ref}: {chosen.title}")
    click.echo(f"Citation: {chosen.citation}")
    if chosen.url:
        click.echo(f"Source: {chosen.url}")
    if chosen.note:
        click.echo(f"Note: {chosen.note}")
    click.echo("")
    rows = []
    for entry in chosen.entries:
        row = {
            "phrase": entry.phrase,
            "probability": _percent(entry.probability),
            "band": _band(entry.low, entry.high),
            "also": ", ".join(f for f in entry.forms if f != entry.phrase) or None,
        }
        if entry.source:
            row["source"] = entry.source
        rows.append(row)
    columns = ["phrase", "probability", "band", "source" if chosen.entries[0].source else "also"]
    click.echo(format_table(rows, columns))
    if chosen.softener is not None:
        rule = chosen.softener
        click.echo("")
        click.echo(
            f"Softeners ({rule.phrase!r}): an unhedged {'/'.join(rule.applies_to)} is "
            f"pulled {rule.pull:g} of the way toward 50% (90% -> "
            f"{_percent(rule.soften(0.9))})."
        )
    if chosen.entries and chosen.entries[0].why:
        click.echo(
            f"Why each phrase reads as it does: forecasts scale show {chosen.ref} --format json"
        )


@scale.command("map")
@click.argument("text")
@click.option(
    "--scale",
    "scale_ref",
    default=None,
    metavar="NAME[@VERSION]",
    help="the scale to read the phrase on (default: registry-default)",
)
@click.option("--format", "output_format", type=_FORMATS, default="table", show_default=True)
@_readable_errors
def scale_map(text: str, scale_ref: str | None, output_format: str) -> None:
    """The estimative phrase in TEXT, read as a probability on a scale."""
    from forecasts.phrases.mapping import map_phrase
    from forecasts.phrases.scales import load_scale

    chosen = load_scale(scale_ref)
    match = map_phrase(text, chosen)
    if match is None:
        raise click.ClickException(f"no estimative phrase found in {text!r}")
    if output_format == "json":
        _echo_json(match.to_dict())
        return
    lines = [
        ("phrase", f"{match.phrase} (as written: {match.text!r})"),
        ("probability", f"{_percent(match.probability)} (band {_band(match.low, match.high)})"),
        ("negated", "yes" if match.negated else "no"),
        ("origin", match.origin),
    ]
    if match.scale_name:
        lines.append(
            ("scale", f"{match.scale_name}@{match.scale_version}, read as {match.scale_phrase!r}")
        )
    for note in match.notes:
        lines.append(("note", note))
    width = max(len(key) for key, _ in lines)
    for key, value in lines:
        click.echo(f"{key + ':':<{width + 1}} {value}")


@scale.command("reapply")
@click.argument("ref", metavar="NAME@VERSION")
@click.option("--dry-run", is_flag=True, help="show the differences and write nothing")
@click.option("--yes", is_flag=True, help="write without asking")
@click.pass_context
@_readable_errors
def scale_reapply(ctx: click.Context, ref: str, dry_run: bool, yes: bool) -> None:
    """Re-map with NAME@VERSION every prediction whose probability was mapped from its
    hedge phrase, show the differences, and write them (an audit event each) once
    confirmed. Stated and estimated probabilities are left alone."""
    from forecasts.phrases.reapply import apply_remap, plan_remap
    from forecasts.phrases.scales import load_scale
    from forecasts.services import Actor

    chosen = load_scale(ref)
    root = ctx.find_root().obj
    if root is None or not hasattr(root, "session"):
        raise click.ClickException(
            "scale reapply needs the registry: run it as `forecasts scale reapply`"
        )
    with root.session() as session:
        plan = plan_remap(session, chosen)
        _show_plan(plan, chosen)
        if dry_run or not plan.changes:
            click.echo("dry run: nothing written" if dry_run else "nothing to change")
            return
        if not yes:
            click.confirm(f"Write {len(plan.changes)} change(s)?", abort=True)
        changed = apply_remap(session, Actor.system(), plan)
    click.echo(
        f"re-mapped {len(changed)} prediction(s) with {chosen.ref}; "
        f"one 'prediction.remap' audit event each"
    )


def _show_plan(plan, chosen: Scale) -> None:
    total = len(plan.changes) + len(plan.unchanged) + len(plan.unmapped)
    click.echo(f"{total} prediction(s) mapped from a phrase; re-read with {chosen.ref}:")
    if plan.changes:
        rows = [
            {
                "id": r.prediction_id,
                "question": r.question_slug,
                "hedge": r.hedge_phrase,
                "from": f"{_percent(r.old_probability)} ({r.old_scale})",
                "to": f"{_percent(r.new_probability)} ({r.scale_phrase})",
            }
            for r in plan.changes
        ]
        click.echo(format_table(rows, ["id", "question", "hedge", "from", "to"]))
    click.echo(
        f"{len(plan.changes)} to change, {len(plan.unchanged)} unchanged, "
        f"{len(plan.unmapped)} not readable on this scale"
    )
    for item in plan.unmapped:
        click.echo(f"  prediction {item.prediction_id} ({item.hedge_phrase!r}): {item.reason}")


# --------------------------------------------------------------------------- extract


def _read_text(path: str) -> str:
    file = Path(path)
    if not file.exists():
        raise click.ClickException(f"FILE: no such file: {path}")
    if file.is_dir():
        raise click.ClickException(f"FILE: is a directory, not a text file: {path}")
    data = file.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"FILE: must be UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start} is not); convert it first: {path}"
        ) from None


def _published(value: str | None) -> dt.date:
    if value is None or not value.strip():
        raise click.ClickException(
            "--published: is required: the date the text was published, as YYYY-MM-DD"
        )
    try:
        published = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.ClickException(
            f"--published: must be a date as YYYY-MM-DD (got {value!r})"
        ) from None
    if published > dt.date.today() + dt.timedelta(days=1):
        raise click.ClickException(f"--published: must not be in the future (got {value!r})")
    return published


@click.command("extract")
@click.argument("file", metavar="FILE")
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    default=None,
    help="when the text was published (deadlines are resolved against it)",
)
@click.option("--format", "output_format", type=_FORMATS, default="table", show_default=True)
@click.option(
    "--scale",
    "scale_ref",
    default=None,
    metavar="NAME[@VERSION]",
    help="the scale to read the phrases on (default: registry-default)",
)
@_readable_errors
def extract(file: str, published: str | None, output_format: str, scale_ref: str | None) -> None:
    """Propose the forecasts in a text FILE (UTF-8): each with its sentence and offsets,
    hedge phrase, probability and band, negation, condition, a suggested question and a
    deadline resolved against the publication date."""
    from forecasts.phrases.extraction import extract as run_extraction
    from forecasts.phrases.scales import load_scale

    day = _published(published)
    chosen = load_scale(scale_ref)
    text = _read_text(file)
    result = run_extraction(text, day, chosen)
    if output_format == "json":
        data = result.to_dict()
        data["file"] = file
        _echo_json(data)
        return
    _echo_table(result)


def _echo_table(result: Extraction) -> None:
    from forecasts.phrases.extraction import UNDATED_FLAG

    scale_ref = f"{result.scale_name}@{result.scale_version}"
    if not result.candidates:
        click.echo(f"no forecasts found (scale {scale_ref})")
    else:
        with_speakers = any(c.speaker for c in result.candidates)
        rows = []
        for number, c in enumerate(result.candidates, start=1):
            reading = c.match
            rows.append(
                {
                    "#": number,
                    "chars": f"{c.start}-{c.end}",
                    "speaker": c.speaker,
                    "hedge": reading.text,
                    "p": _percent(reading.probability)
                    + (" (stated)" if reading.origin == "stated" else ""),
                    "band": _band(reading.low, reading.high),
                    "neg": "yes" if reading.negated else "",
                    "condition": c.condition or "",
                    "deadline": c.deadline.isoformat() if c.deadline else UNDATED_FLAG,
                    "question": c.question,
                }
            )
        columns = (
            ["#", "chars"]
            + (["speaker"] if with_speakers else [])
            + ["hedge", "p", "band", "neg", "condition", "deadline", "question"]
        )
        click.echo(format_table(rows, columns, max_width=48))
        click.echo("")
        click.echo(f"{len(result.candidates)} forecast candidate(s), read on {scale_ref}")
    if result.set_aside:
        reasons = Counter(s.reason for s in result.set_aside)
        summary = ", ".join(f"{reason}: {n}" for reason, n in reasons.most_common())
        click.echo(
            f"{len(result.set_aside)} sentence(s) with estimative words set aside "
            f"({summary}); --format json lists them"
        )
