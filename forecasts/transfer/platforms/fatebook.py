"""Fatebook: the CSV of "Export all your forecasts" (one row per forecast) as Fatebook
writes it: ``Question title``, ``Multiple choice option``, ``Forecast created by``,
``Forecast (scale = 0-1)``, ``Forecast created at``, ``Question created by``,
``Question created at``, ``Question resolve by``, ``Resolution`` and ``Resolved at``
(older exports: ``Question resolution``, ``Question resolved at``), ``Question notes``,
and columns of scores and sharing that the import does not need.

Times are written in the exporting browser's local time without an offset, seconds
unpadded (``2024-03-05 09:07:5``): ``--timezone`` names that zone (default UTC).
The export has no question ids: a question is known by its title, creator and creation
time (hashed into its ``question_platform_id``), so a newer export finds it again.

Mapping: a binary question's ``Resolution`` ``YES`` / ``NO`` is the outcome,
``AMBIGUOUS`` an annulment (with the reason); a multiple-choice question's options are
resolved and scored one by one in Fatebook, and need not sum to one, so each option
becomes its own binary question "TITLE: OPTION" (a forecast on it is the option's
probability). Fatebook has notes, not resolution criteria: the notes are the question's
note. A forecast made after the resolve-by date while the question was open is kept
(judged late)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import zoneinfo
from pathlib import Path

from forecasts.errors import ValidationError
from forecasts.transfer.platforms import Dump, Options, row_maker
from forecasts.transfer.reading import BadRow

PLATFORM = "fatebook"

TITLE = "Question title"
OPTION = "Multiple choice option"
BY = "Forecast created by"
FORECAST = "Forecast (scale = 0-1)"
AT = "Forecast created at"
CREATOR = "Question created by"
CREATED = "Question created at"
RESOLVE_BY = "Question resolve by"
RESOLUTION = ("Resolution", "Question resolution")
RESOLVED_AT = ("Resolved at", "Question resolved at")
NOTES = "Question notes"
REQUIRED = (TITLE, BY, FORECAST, AT, RESOLVE_BY)

_ROW = row_maker(
    (
        "pundit",
        "pundit_platform",
        "pundit_handle",
        "statement",
        "resolve_by",
        "question_note",
        "question_platform",
        "question_platform_id",
        "probability",
        "made_at",
        "outcome",
        "known_at",
        "resolution_note",
    )
)

_TIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?"
)
_EMPTY = {"", "undefined", "null", "none"}


class _Times:
    """Fatebook's local times as ISO 8601 moments in UTC (each distinct text once)."""

    def __init__(self, zone: dt.tzinfo):
        self.zone = zone
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        hit = self.seen.get(text)
        if hit is None:
            hit = self.seen[text] = self._read(text)
            if len(self.seen) > 500_000:
                self.seen.clear()
        return hit

    def _read(self, text: str) -> str:
        text = text.strip()
        if text.lower() in _EMPTY:
            return ""
        match = _TIME.fullmatch(text)
        if match is None:
            try:  # a moment with its offset (what a later export may write)
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(text) from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self.zone)
        else:
            y, m, d, hh, mm, ss, frac = match.groups()
            moment = dt.datetime(
                int(y),
                int(m),
                int(d),
                int(hh or 0),
                int(mm or 0),
                int(ss or 0),
                int((frac or "0").ljust(6, "0")),
                tzinfo=self.zone,
            )
        return moment.astimezone(dt.UTC).isoformat()


def _zone(name: str | None) -> dt.tzinfo:
    if not name:
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "timezone", f"must be an IANA time zone such as Europe/London (got {name!r})"
        ) from None


def read(path: Path, options: Options) -> Dump:
    zone = _zone(options.timezone)
    dump = Dump(PLATFORM, rows=lambda progress: _rows(path, zone, dump, progress))
    return dump


def _records(path: Path, progress):
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            yield 1, header
            for record in reader:
                if progress is not None:
                    progress(sum(map(len, record)) + len(record))
                yield reader.line_num, record
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"{path.name} is not UTF-8 ({error.reason})") from error


def _rows(path: Path, zone: dt.tzinfo, dump: Dump, progress):
    records = _records(path, progress)
    _, header = next(records)
    if not header:
        raise ValidationError("file", f"{path.name} is empty")
    header = [name.strip() for name in header]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            "file",
            f"{path.name} is not a Fatebook export: no column {', '.join(map(repr, missing))}",
        )

    def column(*names: str) -> int | None:
        return next((header.index(n) for n in names if n in header), None)

    at = {
        name: column(name)
        for name in (TITLE, OPTION, BY, FORECAST, AT, CREATOR, CREATED, RESOLVE_BY, NOTES)
    }
    resolution_at, resolved_at = column(*RESOLUTION), column(*RESOLVED_AT)
    width = len(header)
    times = _Times(zone)
    ids: dict[tuple, str] = {}
    forecasts = 0
    questions: set[str] = set()

    def cell(record, place):
        return record[place].strip() if place is not None and place < len(record) else ""

    for line, record in records:
        if not any(record):
            continue
        if len(record) != width:
            yield line, BadRow("row", f"has {len(record)} values; the header has {width}", "")
            continue
        title, option = cell(record, at[TITLE]), cell(record, at[OPTION])
        value = cell(record, at[FORECAST])
        try:
            probability = float(value)
        except ValueError:
            probability = -1.0
        if not 0 <= probability <= 1:
            yield line, BadRow(FORECAST, "must be a number from 0 to 1", value)
            continue
        try:
            made_at = times(cell(record, at[AT]))
            resolve_by = times(cell(record, at[RESOLVE_BY]))
            created = times(cell(record, at[CREATED])) if at[CREATED] is not None else ""
            known_at = times(cell(record, resolved_at))
        except ValueError as error:
            bad = next(
                name
                for name, place in (
                    (AT, at[AT]),
                    (RESOLVE_BY, at[RESOLVE_BY]),
                    (CREATED, at[CREATED]),
                    (RESOLVED_AT[0], resolved_at),
                )
                if cell(record, place).strip() == str(error)
            )
            yield line, BadRow(bad, "must be a date and time as Fatebook writes them", str(error))
            continue
        creator = cell(record, at[CREATOR])
        key = (title, creator, created, option)
        platform_id = ids.get(key)
        if platform_id is None:
            digest = hashlib.sha256("\x1f".join(key[:3]).encode()).hexdigest()[:20]
            platform_id = ids[key] = digest + (f"/{option}" if option else "")
        statement = f"{title}: {option}" if option else title
        resolution = cell(record, resolution_at).upper()
        note = ""
        if resolution in ("YES", "NO"):
            outcome = resolution.lower()
        elif resolution == "AMBIGUOUS":
            outcome, note = "annulled", "resolved AMBIGUOUS on Fatebook"
        elif resolution.lower() in _EMPTY:
            outcome, known_at = "", ""
        else:
            outcome = resolution  # the importer names the outcome it cannot read
        by = cell(record, at[BY])
        forecasts += 1
        questions.add(platform_id)
        yield (
            line,
            _ROW(
                by,
                PLATFORM,
                by,
                statement,
                resolve_by,
                cell(record, at[NOTES]) if at[NOTES] is not None else "",
                PLATFORM,
                platform_id,
                value,
                made_at,
                outcome,
                known_at if outcome else "",
                note,
            ),
        )
    zone_name = getattr(zone, "key", "UTC")
    dump.origins.append(
        f"from {path.name}: {forecasts} Fatebook forecasts on {len(questions)} questions "
        f"(multiple-choice options counted one by one), times read in {zone_name}"
    )
