"""``forecasts score FILE``: score the forecasts in a CSV file.

The file has one row per forecast with the columns ``probability`` (a number
in [0, 1]) and ``outcome`` (1/0, yes/no, true/false or y/n in any case, as
``forecasts import`` reads it), and optionally ``forecaster`` and ``question``,
and ``made_at`` with ``known_at`` (an ISO 8601 date or moment each) to leave out
the forecasts made after their outcome was known (the registry's look-ahead rule:
moments compared when both are moments, days when either is a date only; the
report counts them, ``excluded``). Other columns are ignored. The report is computed by
:func:`forecasts.scoring.score_table` and printed as JSON (default) or as an
aligned table for people. A bad row stops the command with a message naming
its line in the file (the header is line 1), the column and the rule, and
nothing is printed on standard output (see :mod:`forecasts.cli.forecast_file`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from forecasts.cli import defaults
from forecasts.wording import counted

#: Why a forecast of the file is left out when the file gives made_at and known_at.
LOOK_AHEAD_REASON = "made after the outcome was known (not scored)"


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _interval(low: float | None, high: float | None, digits: int = 4) -> str:
    if low is None or high is None:
        return "-"
    return f"{low:.{digits}f}-{high:.{digits}f}"


def _align(rows: list[list[str]], align: str) -> list[str]:
    """Rows of cells padded to common column widths; *align* has 'l' or 'r' per column."""
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    lines = []
    for cells in rows:
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        lines.append("  " + "  ".join(padded).rstrip())
    return lines


def _bin_label(entry: dict[str, Any]) -> str:
    upper = entry["bin_upper"]
    closing = "]" if upper >= 1.0 else ")"
    return f"[{entry['bin_lower']:.3g}, {upper:.3g}{closing}"


def format_table(report: dict[str, Any], source: str, bins: int) -> str:
    """The report as aligned text for people, forecasters ranked by Brier, best first."""
    overall = report["overall"]
    lines = [f"Scored {counted(overall['n'], 'forecast')} from {source}"]
    if "excluded" in report:
        left = report["excluded"]
        lines.append(
            f"Left out: {counted(left['look_ahead'], 'forecast')} {left['reason']} "
            f"({left['compared_by_moment']} compared by moment, "
            f"{left['compared_by_day']} by day)"
        )
    lines += ["", "Overall"]
    summary = [
        ["Brier score", _number(overall["brier"]),
         f"95% CI {_interval(overall['brier_ci_low'], overall['brier_ci_high'])};"
         " 0 is perfect, 0.25 is always 50%"],
        ["Log score", _number(overall["log_score"]), "0 is perfect; higher is better"],
        ["Brier skill vs always 50%", _number(overall["brier_skill_vs_uniform"]),
         "1 is perfect, 0 is no better than always 50%"],
        ["Brier skill vs base rate", _number(overall["brier_skill_vs_base_rate"]),
         "1 is perfect, 0 is no better than the base rate"
         if overall["brier_skill_vs_base_rate"] is not None
         else "undefined: every outcome is the same"],
        ["Reliability", _number(overall["reliability"]), "lower is better"],
        ["Resolution", _number(overall["resolution"]), "higher is better"],
        ["Uncertainty", _number(overall["uncertainty"]), "base rate x (1 - base rate)"],
        ["Within-bin", _number(overall["within_bin"]), "within-bin variance - 2 x covariance"],
    ]  # fmt: skip
    lines += _align(summary, "lrl")
    lines += ["", f"Calibration ({bins} bins; observed frequency with Wilson 95% interval)"]
    calibration_rows = [
        [
            _bin_label(entry),
            str(entry["n"]),
            _number(entry["mean_forecast"], 3),
            _number(entry["observed_frequency"], 3),
            _interval(entry["ci_low"], entry["ci_high"], 3),
        ]
        for entry in overall["calibration"]
    ]
    headers = ["Bin", "n", "Mean forecast", "Observed", "95% CI"]
    lines += _align([headers, *calibration_rows], "lrrrr")
    if "by_forecaster" in report:
        lines += ["", "By forecaster, ranked by Brier score (best first)"]
        rows = [
            [
                str(rank),
                str(entry["forecaster"]),
                str(entry["n"]),
                _number(entry["brier"]),
                _interval(entry["brier_ci_low"], entry["brier_ci_high"]),
                _number(entry["log_score"]),
                _number(entry["peer_brier"]),
                _number(entry["peer_log"]),
                "-" if entry["n_peer"] is None else str(entry["n_peer"]),
            ]
            for rank, entry in enumerate(report["by_forecaster"], start=1)
        ]
        headers = ["Rank", "Forecaster", "n", "Brier", "95% CI", "Log score",
                   "Peer Brier", "Peer log", "Shared"]  # fmt: skip
        lines += _align([headers, *rows], "rlrrrrrrr")
        lines += [
            "",
            "Peer scores: own score minus the mean of the others' on shared questions;",
            "a negative peer Brier and a positive peer log are better than the peers.",
        ]
    return "\n".join(lines)


@click.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help="JSON for programs, an aligned table for people.",
)
@click.option(
    "--bins",
    type=click.IntRange(min=1),
    default=defaults.BINS,
    show_default=True,
    help="Number of equal-width forecast bins for calibration and the decomposition.",
)
@click.option(
    "--eps",
    type=click.FloatRange(0.0, 0.5, min_open=True, max_open=True),
    default=defaults.EPS,
    show_default=True,
    help="Log-score clipping: probabilities are clipped to [eps, 1 - eps].",
)
def score(file: Path, output_format: str, bins: int, eps: float) -> None:
    """Score the forecasts in the CSV FILE.

    FILE has the columns probability (0 to 1) and outcome (1/0, yes/no,
    true/false or y/n, any case), and optionally forecaster and question (for
    per-forecaster and peer scores), and made_at with known_at (ISO 8601 dates
    or moments) to leave out, and count, the forecasts made after their outcome
    was known: moments are compared when both are moments, days otherwise.
    Prints the Brier score with a bootstrap 95% interval, the log score, skill
    scores, the Murphy decomposition and a calibration table; with a
    forecaster column, the same per forecaster, ranked by Brier score.
    """
    import numpy as np

    from forecasts.cli import forecast_file as ff
    from forecasts.scoring import InvalidInput, look_ahead, score_table

    frame = ff.read_forecast_csv(file)
    ff.check_blank_labels(file, frame)
    frame["outcome"] = ff.read_outcomes(file, frame)
    rows = np.arange(len(frame))  # the file's data rows that are scored
    excluded = None
    given = [name for name in ff.WHEN_COLUMNS if name in frame.columns]
    if given:
        if len(given) == 1:
            other = next(name for name in ff.WHEN_COLUMNS if name != given[0])
            raise click.ClickException(
                f"{click.format_filename(file)}: column {given[0]!r} needs a column "
                f"{other!r} too: the look-ahead rule compares when each forecast was made "
                "with when its outcome became known"
            )
        late, by_day = look_ahead(
            *ff.read_moments(file, frame, "made_at"), *ff.read_moments(file, frame, "known_at")
        )
        excluded = {
            "look_ahead": int(late.sum()),
            "compared_by_moment": int((late & ~by_day).sum()),
            "compared_by_day": int((late & by_day).sum()),
            "reason": LOOK_AHEAD_REASON,
        }
        rows = np.flatnonzero(~late)
        if not len(rows):
            raise click.ClickException(
                f"{click.format_filename(file)}: nothing to score: every forecast was "
                "made after its outcome was known"
            )
        frame = frame.iloc[rows].reset_index(drop=True)
    try:
        report = score_table(frame, bins=bins, eps=eps)
    except InvalidInput as error:
        if error.argument in frame.columns and isinstance(error.position, int):
            row = int(rows[error.position])
            raise ff.row_error(file, error.argument, row, error.rule, error.value) from None
        raise click.ClickException(str(error)) from None
    if excluded is not None:
        report["excluded"] = excluded
    if output_format == "json":
        click.echo(json.dumps(report, allow_nan=False))
    else:
        click.echo(format_table(report, click.format_filename(file), bins))
