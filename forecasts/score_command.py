"""``forecasts score FILE``: score the forecasts in a CSV file.

The file has one row per forecast with the columns ``probability`` (a number
in [0, 1]) and ``outcome`` (0 or 1), and optionally ``forecaster`` and
``question``; other columns are ignored. The report is computed by
:func:`forecasts.scoring.score_table` and printed as JSON (default) or as an
aligned table for people. A bad row stops the command with a message naming
its line in the file (the header is line 1), the column and the rule, and
nothing is printed on standard output.
"""

from __future__ import annotations

import csv
import json
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from forecasts.scoring import DEFAULT_BINS, DEFAULT_EPS, InvalidInput, score_table
from forecasts.scoring.report import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from forecasts.scoring.validate import show_value

LABEL_COLUMNS = OPTIONAL_COLUMNS  # forecaster, question: read as categories


def _fail(path: Path, message: str) -> click.ClickException:
    return click.ClickException(f"{click.format_filename(path)}: {message}")


def read_forecast_csv(path: Path) -> pd.DataFrame:
    """Read the forecasts of *path*.

    Every column but ``probability`` and ``outcome`` is read as categories: the
    parser hashes each string once and makes no Python string object per row,
    which is what keeps a million-row file fast. Only an empty cell counts as
    missing; text such as ``NA`` is kept as text (and refused where a number
    is required). A row with more fields than the header is refused.
    """
    try:
        header = pd.read_csv(path, nrows=0)
        columns = [str(name) for name in header.columns]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            found = ", ".join(repr(name) for name in columns) or "none"
            names = " and ".join(repr(name) for name in missing)
            noun = "column" if len(missing) == 1 else "columns"
            raise _fail(path, f"missing required {noun} {names} (columns found: {found})")
        with warnings.catch_warnings():
            # A first row longer than the header only warns; make it an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                dtype={name: "category" for name in columns if name not in REQUIRED_COLUMNS},
                index_col=False,
                keep_default_na=False,
                na_values=[""],
                low_memory=False,
            )
    except pd.errors.EmptyDataError:
        raise _fail(path, "the file is empty (expected a header line with the columns)") from None
    except UnicodeDecodeError:
        raise _fail(path, "cannot read the file: it is not UTF-8 text") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as error:
        raise _fail(path, _malformed(path, error)) from None
    except OSError as error:
        raise _fail(path, f"cannot read the file ({error.strerror or error})") from None
    if frame.empty:
        raise _fail(path, "no forecasts (the file has a header but no rows)")
    return frame


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each non-blank record of *path*, header first.

    Blank lines, which the CSV parser skips, are skipped here too, and a
    quoted field spanning several lines counts all of them.
    """
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        end_of_previous = 0
        for record in reader:
            start = end_of_previous + 1
            end_of_previous = reader.line_num
            if len(record) <= 1 and not "".join(record).strip(" \t"):
                continue
            yield start, record


def _malformed(path: Path, error: Exception) -> str:
    """Say which line has more fields than the header, if one does."""
    try:
        records = _records(path)
        _, header = next(records)
        for line, record in records:
            if len(record) > len(header):
                return f"line {line}: has {len(record)} fields but the header has {len(header)}"
    except (OSError, csv.Error, StopIteration):
        pass
    detail = str(error).strip().splitlines()[-1]
    return f"not a valid CSV file ({detail})"


def line_of_row(path: Path, row: int) -> int:
    """Line number in *path* (header = line 1) where data row *row* (0-based) starts.

    Only used to report an error, so a plain scan of the file is fine.
    """
    for index, (line, _) in enumerate(_records(path), start=-1):
        if index == row:
            return line
    return row + 2


def _check_blank_labels(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a forecaster or question made only of spaces (empty cells are NaN)."""
    for name in LABEL_COLUMNS:
        if name not in frame.columns:
            continue
        column = frame[name]
        labels = column.cat.categories.tolist()
        blank = [i for i, label in enumerate(labels) if not str(label).strip()]
        if blank:
            rows = np.isin(column.cat.codes.to_numpy(), blank)
            row = int(np.argmax(rows))
            raise _row_error(path, name, row, "must not be blank", str(column.iloc[row]))


def _row_error(path: Path, column: str, row: int, rule: str, value: Any) -> click.ClickException:
    line = line_of_row(path, row)
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing:
        message = f"line {line}, column {column!r}: must not be empty"
    else:
        message = f"line {line}, column {column!r}: {rule} (got {show_value(value)})"
    return _fail(path, message)


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
    lines = [f"Scored {overall['n']:,} forecasts from {source}", "", "Overall"]
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
    default=DEFAULT_BINS,
    show_default=True,
    help="Number of equal-width forecast bins for calibration and the decomposition.",
)
@click.option(
    "--eps",
    type=click.FloatRange(0.0, 0.5, min_open=True, max_open=True),
    default=DEFAULT_EPS,
    show_default=True,
    help="Log-score clipping: probabilities are clipped to [eps, 1 - eps].",
)
def score(file: Path, output_format: str, bins: int, eps: float) -> None:
    """Score the forecasts in the CSV FILE.

    FILE has the columns probability (0 to 1) and outcome (0 or 1), and
    optionally forecaster and question (for per-forecaster and peer scores).
    Prints the Brier score with a bootstrap 95% interval, the log score, skill
    scores, the Murphy decomposition and a calibration table; with a
    forecaster column, the same per forecaster, ranked by Brier score.
    """
    frame = read_forecast_csv(file)
    _check_blank_labels(file, frame)
    try:
        report = score_table(frame, bins=bins, eps=eps)
    except InvalidInput as error:
        if error.argument in frame.columns and isinstance(error.position, int):
            raise _row_error(
                file, error.argument, error.position, error.rule, error.value
            ) from None
        raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(report, allow_nan=False))
    else:
        click.echo(format_table(report, click.format_filename(file), bins))
