"""How a file's probability column is read: all fractions or all percents, never both.

Cell by cell, ``2`` can only be a percent and ``0.3`` only a fraction, but ``1`` can be
either: certainty, or one percent in a spreadsheet of percents. So before the import reads
a row, it reads the column once and decides for all of it:

* a column whose bare numbers (no ``%``) include one above 1 is read as percents, so its
  bare ``1`` is one percent; one whose bare numbers include one strictly between 0 and 1
  is read as fractions, so its ``1`` is certainty;
* a column with both is refused, naming the rows that disagree (a ``1.7`` among
  ``0.2, 0.35, 0.6`` is a slip, not 1.7%);
* a column whose bare numbers are all 0 or 1 is read as percents when some cells carry
  ``%``; with none, a bare ``1`` is refused as ambiguous.

``forecasts import --probabilities fraction|percent`` says the reading outright and skips
the vote. Cells with ``%`` are percents either way. A distribution cell is read on its
own (``forecasts.validation.parse_distribution``): its entries must add up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from forecasts.errors import ValidationError
from forecasts.validation import AMBIGUOUS_ONE, FRACTION, PERCENT, read_written

SAY_IT = "write % on the percents, or say --probabilities fraction|percent"
NAMED_LINES = 5  # lines of the other side named in each message
KEPT_LINES = 1_000  # rows kept per side for the report (all are counted)
KIND_CACHE = 100_000  # distinct cells remembered


@dataclass
class Side:
    """The cells that need one reading: how many, and the first ``KEPT_LINES`` of them."""

    count: int = 0
    cells: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, cell: object) -> None:
        self.count += 1
        if len(self.cells) < KEPT_LINES:
            self.cells.append((line, str(cell)))

    def named(self) -> str:
        shown = ", ".join(str(line) for line, _ in self.cells[:NAMED_LINES])
        more = self.count - min(self.count, NAMED_LINES)
        return f"{shown} and {more} more" if more > 0 else shown


@dataclass
class Votes:
    """A column's cells by the reading they need, and its bare ones."""

    percent: Side = field(default_factory=Side)
    fraction: Side = field(default_factory=Side)
    ones: Side = field(default_factory=Side)
    written_percent: bool = False

    _kinds: dict = field(default_factory=dict)  # cell -> its kind (cells repeat)

    def add(self, line: int, cell: object) -> None:
        kind = self._kinds.get(cell) if isinstance(cell, str) else None
        if kind is None:
            kind = _kind(cell)
            if isinstance(cell, str) and len(self._kinds) < KIND_CACHE:
                self._kinds[cell] = kind
        if kind == "%":
            self.written_percent = True
        elif kind == "1":
            self.ones.add(line, cell)
        elif kind == PERCENT:
            self.percent.add(line, cell)
        elif kind == FRACTION:
            self.fraction.add(line, cell)


def _kind(cell: object) -> str:
    """'%' for a written percent, '1' for a bare one, the reading a bare number needs, or
    '' for a cell that says nothing (blank, 0, or not a number: its row's check says so)."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return ""
    try:
        written = read_written(cell)
    except ValidationError:
        return ""
    if written.percent:
        return "%"
    if written.bare_one:
        return "1"
    return written.reading or ""


@dataclass(frozen=True)
class Verdict:
    """The column's reading, or the rows that stop it from having one (the first
    ``KEPT_LINES`` as (line, value, rule), and how many there are)."""

    reading: str
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    refused_count: int = 0


def decide(votes: Votes) -> Verdict:
    """The reading the module docstring describes."""
    if votes.percent.count and votes.fraction.count:
        # Name the rows of the smaller side; each message names the other side's lines.
        if votes.percent.count <= votes.fraction.count:
            odd, rest, odd_as, rest_as = votes.percent, votes.fraction, "a percent", "fractions"
        else:
            odd, rest, odd_as, rest_as = votes.fraction, votes.percent, "a fraction", "percents"
        rule = (
            f"reads as {odd_as} but line(s) {rest.named()} read as {rest_as}: the bare "
            f"numbers of one column are read one way; {SAY_IT}"
        )
        return Verdict(FRACTION, [(line, value, rule) for line, value in odd.cells], odd.count)
    if votes.percent.count:
        return Verdict(PERCENT)
    if votes.fraction.count:
        return Verdict(FRACTION)
    if votes.written_percent or not votes.ones.count:
        return Verdict(PERCENT if votes.written_percent else FRACTION)
    rule = (
        f"{AMBIGUOUS_ONE}; no other number in the column says which (or say "
        "--probabilities fraction|percent)"
    )
    ones = votes.ones
    return Verdict(FRACTION, [(line, value, rule) for line, value in ones.cells], ones.count)


def column_reading(cells: Iterable[tuple[int, object]]) -> Verdict:
    """``decide`` over (line, cell) pairs."""
    votes = Votes()
    for line, cell in cells:
        votes.add(line, cell)
    return decide(votes)
