"""Reference forecasts: what a market, a forecasting platform or a panel said about a
question, point by point, so that a pundit's forecast can be compared with the value
standing when it was made (``forecasts.scores._standing_references``: the median over
the sources of each one's latest point at or before the forecast; the score against it).

``add_references`` takes rows as a file gives them (question by slug or statement,
source, time, probability, optional link and licence note), checks every row by field
and rule, and writes them in one transaction with one audit event; a point the registry
already has (same question, source and moment) is counted, not added, so importing a
newer dump adds only what is new. ``read_reference_file`` reads such a file (CSV or JSON).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts.errors import FieldError, ValidationError
from forecasts.models import Question, ReferenceForecast, Role
from forecasts.services import Actor
from forecasts.services.kernel import record_audit, unit_of_work
from forecasts.validation import check_url, parse_datetime, parse_probability

COLUMNS = ("question", "source", "time", "probability", "url", "licence")
REQUIRED = ("question", "source", "time", "probability")


@dataclass
class ReferenceReport:
    rows: int
    added: int
    already_present: int

    def summary(self, name: str, dry_run: bool = False) -> str:
        if not self.added:
            return f"{name}: nothing to add; the registry already has its {self.rows} points"
        kept = f"; {self.already_present} were already there" if self.already_present else ""
        verb = "would add" if dry_run else "added"
        return f"{name}: {verb} {self.added} reference point{'s' * (self.added != 1)}{kept}"


def _moment(value: object, field: str) -> dt.datetime:
    text = str(value or "").strip()
    if len(text) == 10:  # a date alone: its start, in UTC
        text += "T00:00:00+00:00"
    return parse_datetime(text, field)


def _given(value: object) -> bool:
    """Whether a cell holds something (a JSON 0 is a probability, not a blank)."""
    return value is not None and str(value).strip() != ""


def add_references(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, object]],
    *,
    dry_run: bool = False,
    reading: str | None = None,
) -> ReferenceReport:
    """Check and add reference points; ``ValidationError`` lists every bad cell as
    ``line N, COLUMN`` (the first row is line 2, after a CSV header) and writes nothing.
    ``dry_run`` checks everything and reports what would be added, writing nothing.
    ``reading`` says how bare numbers are read (``FRACTION`` in the API); without one, as
    a value typed alone (``parse_probability``)."""
    actor.require(Role.EDITOR, "adding reference forecasts")
    by_slug = dict(session.execute(select(Question.slug, Question.id)).tuples().all())
    by_statement = dict(session.execute(select(Question.statement, Question.id)).tuples().all())
    errors: list[FieldError] = []
    points: dict[tuple, dict] = {}
    count = 0
    for line, row in enumerate(rows, start=2):
        count += 1
        problems: list[FieldError] = []

        def bad(column: str, rule: str) -> None:
            problems.append(FieldError(f"line {line}, {column}", rule))  # noqa: B023

        unknown = sorted(set(row) - set(COLUMNS))
        if unknown:
            bad(unknown[0], f"is not a column of a reference file ({', '.join(COLUMNS)})")
        for column in REQUIRED:
            if not _given(row.get(column)):
                bad(column, "is required")
        name = str(row.get("question") or "").strip()
        question_id = by_slug.get(name) or by_statement.get(name)
        if name and question_id is None:
            bad("question", f"names no question (no slug or statement {name[:80]!r})")
        source = str(row.get("source") or "").strip()
        if len(source) > 120:
            bad("source", "must be at most 120 characters")
        point: dict = {}
        for column, read in (
            ("time", lambda v: _moment(v, "time")),
            ("probability", lambda v: parse_probability(v, reading=reading)),
            ("url", lambda v: check_url(str(v or ""), "url")),
        ):
            if _given(row.get(column)) or column == "url":
                try:
                    point[column] = read(row.get(column))
                except ValidationError as error:
                    for item in error.errors:
                        bad(column, item.rule)
        licence = str(row.get("licence") or "").strip()
        if len(licence) > 300:
            bad("licence", "must be at most 300 characters")
        if problems:
            errors.extend(problems)
            continue
        key = (question_id, source, point["time"])
        points[key] = {
            "question_id": question_id,
            "source": source,
            "at": point["time"],
            "probability": point["probability"],
            "url": point["url"],
            "licence": licence,
        }
    if errors:
        raise ValidationError(errors)
    existing = set()
    question_ids = sorted({key[0] for key in points})
    for start in range(0, len(question_ids), 500):
        existing.update(
            (q, s, a.astimezone(dt.UTC))
            for q, s, a in session.execute(
                select(
                    ReferenceForecast.question_id, ReferenceForecast.source, ReferenceForecast.at
                ).where(ReferenceForecast.question_id.in_(question_ids[start : start + 500]))
            )
        )
    new = [values for key, values in points.items() if key not in existing]
    if new and not dry_run:
        with unit_of_work(session):
            session.add_all(ReferenceForecast(**values) for values in new)
            session.flush()
            record_audit(
                session,
                actor,
                "reference.import",
                "reference",
                None,
                None,
                {
                    "added": len(new),
                    "questions": sorted({values["question_id"] for values in new}),
                    "sources": sorted({values["source"] for values in new}),
                },
            )
    return ReferenceReport(rows=count, added=len(new), already_present=len(points) - len(new))


def read_reference_file(path: Path) -> list[dict]:
    """The rows of a reference file: CSV with a header of ``COLUMNS`` (``url`` and
    ``licence`` optional), or a JSON array of objects with those keys."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError("file", f"cannot be read as UTF-8 text ({error})") from error
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                "file", f"is not valid JSON ({error.msg}, line {error.lineno})"
            ) from error
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ValidationError("file", "must be a JSON array of objects")
        return data
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise ValidationError("file", "is empty")
    missing = [column for column in REQUIRED if column not in reader.fieldnames]
    if missing:
        raise ValidationError(
            "file", f"has no column {', '.join(missing)} (needs {', '.join(REQUIRED)})"
        )
    return [{k: v for k, v in row.items() if k is not None} for row in reader]
