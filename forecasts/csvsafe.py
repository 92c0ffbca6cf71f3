"""Spreadsheet-safe CSV cells: text that a spreadsheet would run as a formula is written
with a leading apostrophe, and read back without it.

A spreadsheet opening a CSV file treats a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula, so a pundit named
``=HYPERLINK("http://x")`` would become a live link in a reader's sheet. OWASP's guidance
(https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such a cell with a
single quote, which spreadsheets take as "this is text" and do not show. Every CSV the
project writes passes its text cells through :func:`neutralise`; ``forecasts import``
undoes it with :func:`restore`, so an export still imports back to the same text.

A plain number (``-0.25``, ``+3``, ``1e-5``) is left alone: a spreadsheet reads it as the
number it is, which is harmless, and a CSV of scores must stay numeric.

So that the two are exact inverses for any text, leading apostrophes count as part of
the prefix: ``'=x`` (an apostrophe the author typed) is written ``''=x`` and read back
as ``'=x``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is loaded by the frame's owner, not by importing this module
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _starts_a_formula(cell: str) -> bool:
    """Whether the cell, after any apostrophes, begins with a formula character."""
    return cell.lstrip(PREFIX).startswith(FORMULA_STARTS)


def neutralise(cell: str) -> str:
    """The cell as written to a CSV file: text that would start a formula gets a leading
    apostrophe; plain numbers and other text are unchanged."""
    if _starts_a_formula(cell) and not _PLAIN_NUMBER.fullmatch(cell):
        return PREFIX + cell
    return cell


def restore(cell: str) -> str:
    """The text a cell written by :func:`neutralise` stood for: one leading apostrophe
    is dropped when a formula character follows it (after any further apostrophes)."""
    if cell.startswith(PREFIX) and _starts_a_formula(cell):
        return cell[1:]
    return cell


def _neutralise_value(value):
    return neutralise(value) if isinstance(value, str) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised, ready for ``to_csv``;
    numeric, boolean and date columns are untouched (they hold no text to run)."""
    safe = frame.copy()
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(_neutralise_value)
    return safe
