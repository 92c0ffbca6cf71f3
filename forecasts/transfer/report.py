"""What an import says back: the report of what it added, and the refusal listing every
bad row (``RowError``: line, column, rule, value) when it wrote nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from forecasts.errors import FieldError, ValidationError

MAX_LISTED_ERRORS = 1_000  # errors kept for the report; the rest are counted


@dataclass(frozen=True)
class RowError:
    """One bad cell: where (line, column), the rule it broke, and what it held."""

    line: int
    column: str
    rule: str
    value: str = ""

    def __str__(self) -> str:
        shown = f", value {self.value!r}" if self.value else ""
        return f"line {self.line}, column {self.column}{shown}: {self.rule}"


class ImportRefused(ValidationError):
    """The file has bad rows; nothing was written. ``rows`` lists them (up to a limit)."""

    def __init__(self, file: str, rows: list[RowError], error_count: int, bad_rows: int):
        self.file = file
        self.rows = rows
        self.error_count = error_count
        self.bad_rows = bad_rows
        shown = rows or [RowError(0, "file", "has bad rows")]
        super().__init__([FieldError(f"line {r.line}, {r.column}", r.rule) for r in shown])

    def summary(self) -> str:
        rows = "row" if self.bad_rows == 1 else "rows"
        return f"{self.file}: {self.bad_rows} bad {rows}; nothing was imported"

    def report_lines(self) -> list[str]:
        lines = [str(row) for row in self.rows]
        hidden = self.error_count - len(self.rows)
        if hidden > 0:
            lines.append(f"... and {hidden} more errors (the first {len(self.rows)} are shown)")
        return lines


KINDS = ("pundits", "sources", "questions", "predictions", "resolutions")


@dataclass
class ImportReport:
    file: str
    file_format: str
    dry_run: bool
    rows: int = 0
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    already_present: int = 0  # prediction rows whose prediction the registry already has
    duplicates: int = 0  # rows repeating an earlier row's prediction
    prediction_ids: tuple[int, int] | None = None  # first and last id written
    late: int = 0  # forecasts made after the deadline while the question was still open
    # From a platform's export (``forecasts import --from``): what was read from where,
    # what was left out and why (reason -> count), and the reference points added.
    platform: str | None = None
    origins: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    references: int = 0
    references_present: int = 0

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or bool(self.references)

    def details(self) -> list[str]:
        """Lines after the summary: where the rows came from, the late forecasts kept,
        the reference points, and what was skipped and why."""
        lines = [f"  {origin}" for origin in self.origins]
        if self.late:
            lines.append(
                f"  kept {self.late} forecast{'s' * (self.late != 1)} made after the "
                "deadline while the question was still open (judged late)"
            )
        if self.references:
            present = (
                f" ({self.references_present} already in the registry)"
                if self.references_present
                else ""
            )
            verb = "would add" if self.dry_run else "added"
            lines.append(f"  {verb} {self.references} reference points{present}")
        elif self.references_present:
            lines.append(
                f"  reference points: the registry already has all {self.references_present}"
            )
        for reason, count in sorted(self.skipped.items(), key=lambda item: -item[1]):
            lines.append(f"  skipped {count}: {reason}")
        return lines

    def summary(self) -> str:
        rows = f"{self.rows} row{'s' if self.rows != 1 else ''}"
        parts = [f"{n} {kind if n != 1 else kind[:-1]}" for kind, n in self.added.items() if n]
        notes = []
        if self.already_present:
            notes.append(
                f"{self.already_present} prediction"
                f"{' was' if self.already_present == 1 else 's were'} already in "
                "the registry"
            )
        if self.duplicates:
            notes.append(
                f"{self.duplicates} row{'s' if self.duplicates != 1 else ''} "
                "repeated an earlier row"
            )
        tail = f"; {', '.join(notes)}" if notes else ""
        if self.dry_run:
            if not parts:
                return f"dry run of {self.file}: {rows}, nothing to add{tail}; nothing was written"
            return (
                f"dry run of {self.file}: {rows} are valid; would add {', '.join(parts)}"
                f"{tail}; nothing was written"
            )
        if not parts:
            repeated = f"; {notes[-1]}" if self.duplicates else ""
            return (
                f"{self.file}: nothing to add; the registry already has everything in its "
                f"{rows}{repeated}"
            )
        return f"imported {self.file}: {rows}; added {', '.join(parts)}{tail}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "format": self.file_format,
            "rows": self.rows,
            "added": dict(self.added),
            "already_present": self.already_present,
            "duplicate_rows": self.duplicates,
            "prediction_ids": list(self.prediction_ids) if self.prediction_ids else None,
            **({"late": self.late} if self.late else {}),
            **(
                {
                    "platform": self.platform,
                    "skipped": dict(self.skipped),
                    "references": self.references,
                }
                if self.platform
                else {}
            ),
        }
