"""Reading the CSV file of ``forecasts score``: pandas parses it, and a bad row becomes
a message naming its line in the file (the header is line 1), the column and the rule.

Imported by the command when it runs, never when the command line is built: it loads
pandas and numpy.
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

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


def check_blank_labels(path: Path, frame: pd.DataFrame) -> None:
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
            raise row_error(path, name, row, "must not be blank", str(column.iloc[row]))


def row_error(path: Path, column: str, row: int, rule: str, value: Any) -> click.ClickException:
    """The error for data row *row* (0-based): its line in the file, the column and the
    rule, or that the cell is empty."""
    line = line_of_row(path, row)
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing:
        message = f"line {line}, column {column!r}: must not be empty"
    else:
        message = f"line {line}, column {column!r}: {rule} (got {show_value(value)})"
    return _fail(path, message)


#: How an outcome may be written: as ``forecasts import`` reads it.
OUTCOME_RULE = "must be 1 or 0, yes or no, true or false, y or n (any case)"
#: The optional columns the look-ahead rule reads.
WHEN_COLUMNS = ("made_at", "known_at")
WHEN_RULE = "must be an ISO 8601 date (YYYY-MM-DD) or moment (YYYY-MM-DDTHH:MM[:SS][+HH:MM])"


def read_outcomes(path: Path, frame: pd.DataFrame) -> np.ndarray:
    """The ``outcome`` column as 0.0 and 1.0, each distinct spelling read once with the
    importer's rule (``yes``/``no``/``true``/``false``/``y``/``n``/``1``/``0``, any case;
    a number equal to 0 or 1 too)."""
    from forecasts.transfer.cells import outcome_of

    column = frame["outcome"]
    codes, spellings = pd.factorize(column, use_na_sentinel=True)
    if (codes < 0).any():
        raise row_error(path, "outcome", int(np.argmax(codes < 0)), OUTCOME_RULE, None)
    values = np.full(len(spellings), np.nan)
    for i, spelling in enumerate(spellings):
        word = outcome_of(spelling if isinstance(spelling, str) else str(spelling))
        if word in ("yes", "no"):
            values[i] = 1.0 if word == "yes" else 0.0
        elif isinstance(spelling, int | float | np.number) and spelling in (0, 1):
            values[i] = float(spelling)
    bad = np.isnan(values)
    if bad.any():
        row = int(np.argmax(bad[codes]))
        raise row_error(path, "outcome", row, OUTCOME_RULE, column.iloc[row])
    return values[codes]


def read_moments(path: Path, frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A date-or-moment column as microseconds since 1970 (UTC; a date is its midnight,
    a time without an offset is UTC) and whether each is a date only. Each distinct
    text is parsed once."""
    column = frame[name]
    codes, texts = pd.factorize(column, use_na_sentinel=True)
    if (codes < 0).any():
        raise row_error(path, name, int(np.argmax(codes < 0)), WHEN_RULE, None)
    written = pd.Series([str(text).strip() for text in texts], dtype=object)
    day_only = (written.str.len() <= 10).to_numpy()
    parsed = pd.to_datetime(written, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad[codes]))
        raise row_error(path, name, row, WHEN_RULE, column.iloc[row])
    stamps = parsed.dt.as_unit("us").astype(np.int64).to_numpy()
    return stamps[codes], day_only[codes]
