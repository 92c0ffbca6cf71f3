"""Metaculus: a question's, project's or user's data download, as the site gives it: a
zip (or its unpacked folder, or its ``forecast_data.csv`` with ``question_data.csv``
beside it) described by its own README.

``question_data.csv``: ``Question ID``, ``Question URL``, ``Question Title`` (up to 2,000
characters), ``Label`` (a group's sub-question), ``Question Type`` (binary, multiple
choice, numeric, discrete, date), ``MC Options (All)`` (the options as list text,
``['A', 'B']``), ``Scheduled Close Time``, ``Resolution``, ``Resolution Known Time``.
``forecast_data.csv``: ``Question ID``, ``Forecaster ID``, ``Forecaster Username``,
``Start Time``, ``End Time``, ``Forecaster Count``, ``Probability Yes``, ``Probability
Yes Per Category`` (list text, ``None`` where an option was not open yet).

Mapping: binary and multiple-choice questions are questions (their id and URL); numeric,
discrete and date questions are skipped with their forecasts, and counted. A user's row
is a forecast by the pundit named by their username; an aggregate's row (no forecaster
id, a forecaster count: the community prediction by each aggregation method) is a
reference point "Metaculus <method>" on a binary question, and skipped on a
multiple-choice one (a reference is one probability). A forecast with an ``End Time``
that no later forecast of the same user starts at was withdrawn (or expired): it is
kept, with the withdrawal in its note. ``annulled`` and ``ambiguous`` resolutions are
annulments, with the reason. The close time is the deadline."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from forecasts.errors import ValidationError
from forecasts.transfer.platforms import Dump, Options, Reference, row_maker
from forecasts.transfer.reading import BadRow

PLATFORM = "metaculus"
QUESTIONS, FORECASTS = "question_data.csv", "forecast_data.csv"
KINDS = {"binary": "binary", "multiple_choice": "multiple_choice"}

_ROW = row_maker(
    (
        "pundit",
        "pundit_platform",
        "pundit_handle",
        "statement",
        "resolve_by",
        "kind",
        "options",
        "question_platform",
        "question_platform_id",
        "question_url",
        "probability",
        "distribution",
        "made_at",
        "note",
        "outcome",
        "known_at",
        "evidence_url",
        "resolution_note",
    )
)


@contextmanager
def _open(path: Path, name: str):
    """A text handle on ``name`` in the download (zip, folder, or beside the file)."""
    try:
        if path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if m.rsplit("/", 1)[-1] == name]
                if not members:
                    raise ValidationError(
                        "file", f"{path.name} is not a Metaculus data download: no {name}"
                    )
                with archive.open(members[0]) as raw:
                    yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            return
        folder = path if path.is_dir() else path.parent
        target = folder / name
        if not target.is_file():
            raise ValidationError(
                "file", f"{path.name} is not a Metaculus data download: no {name} in {folder.name}"
            )
        with target.open(encoding="utf-8-sig", newline="") as handle:
            yield handle
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"{name} is not UTF-8 ({error.reason})") from error


def _table(handle, name: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    reader = csv.reader(handle)
    header = [cell.strip() for cell in next(reader, [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(
            "file", f"{name} is not Metaculus's: no column {', '.join(map(repr, missing))}"
        )
    for record in reader:
        if any(record):
            yield reader.line_num, dict(zip(header, record, strict=False))


def _list(text: str):
    """Metaculus's list text (``['A', 'B']``, ``[0.2, None, 0.8]``) as a list, or None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return list(value) if isinstance(value, list | tuple) else None


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class _Question:
    __slots__ = ("id", "statement", "url", "kind", "labels", "options", "close", "resolution")


def read(path: Path, options: Options) -> Dump:
    dump = Dump(PLATFORM, rows=lambda progress: _rows(path, dump, progress))
    return dump


def _questions(path: Path, dump: Dump) -> tuple[dict[str, _Question], Counter]:
    questions: dict[str, _Question] = {}
    skipped_ids: Counter = Counter()
    required = ("Question ID", "Question Title", "Question Type", "Resolution")
    with _open(path, QUESTIONS) as handle:
        for _, row in _table(handle, QUESTIONS, required):
            qid = row["Question ID"].strip()
            kind = KINDS.get(row["Question Type"].strip().lower().replace(" ", "_"))
            if kind is None:
                skipped_ids[qid] = 0
                dump.skipped[
                    f"{row['Question Type'].strip().lower()} questions (not yes/no or options)"
                ] += 1
                continue
            question = _Question()
            question.id, question.kind = qid, kind
            title, label = row["Question Title"].strip(), row.get("Label", "").strip()
            question.statement = f"{title}: {label}" if label and label not in title else title
            question.url = row.get("Question URL", "").strip()
            question.close = row.get("Scheduled Close Time", "").strip()
            question.labels = ()
            question.options = ""
            if kind == "multiple_choice":
                labels = _list(row.get("MC Options (All)", "")) or _list(
                    row.get("MC Options (Current)", "")
                )
                if not labels or any("|" in str(label) for label in labels):
                    skipped_ids[qid] = 0
                    dump.skipped[
                        "multiple-choice questions whose options cannot be read (list text, no '|')"
                    ] += 1
                    continue
                question.labels = tuple(str(label) for label in labels)
                question.options = " | ".join(question.labels)
            resolution = row["Resolution"].strip()
            known = row.get("Resolution Known Time", "").strip()
            if resolution.lower() in ("", "none", "null"):
                question.resolution = ("", "", "", "")
            elif resolution.lower() in ("annulled", "ambiguous"):
                question.resolution = (
                    "annulled",
                    known,
                    question.url,
                    f"resolved {resolution.lower()} on Metaculus",
                )
            else:
                outcome = resolution.lower() if kind == "binary" else resolution
                question.resolution = (outcome, known, question.url, "")
            questions[qid] = question
    return questions, skipped_ids


def _rows(path: Path, dump: Dump, progress):
    questions, skipped_ids = _questions(path, dump)
    required = ("Question ID", "Forecaster ID", "Forecaster Username", "Start Time")
    # A forecast ends where the user's next one starts; an end no forecast starts at is a
    # withdrawal (or an expiry): the first pass keeps the starts' hashes.
    starts: set[int] = set()
    with _open(path, FORECASTS) as handle:
        for _, row in _table(handle, FORECASTS, required):
            fid = row["Forecaster ID"].strip()
            if fid:
                starts.add(hash((row["Question ID"].strip(), fid, row["Start Time"].strip())))
    users = aggregates = withdrawn = 0
    with _open(path, FORECASTS) as handle:
        for line, row in _table(handle, FORECASTS, required):
            if progress is not None:
                progress(sum(map(len, row.values())) + len(row))
            qid = row["Question ID"].strip()
            question = questions.get(qid)
            if question is None:
                if qid in skipped_ids:
                    dump.skipped["forecasts on the questions skipped"] += 1
                else:
                    yield line, BadRow("Question ID", f"names no question in {QUESTIONS}", qid)
                continue
            fid = row["Forecaster ID"].strip()
            start = row["Start Time"].strip()
            if not fid or row.get("Forecaster Count", "").strip():
                aggregates += 1
                method = row["Forecaster Username"].strip() or "aggregate"
                if question.kind != "binary":
                    dump.skipped["aggregate forecasts on multiple-choice questions"] += 1
                    continue
                moment = _moment(start)
                try:
                    probability = float(row.get("Probability Yes", ""))
                except ValueError:
                    probability = -1.0
                if moment is None or not 0 <= probability <= 1:
                    bad = "Start Time" if moment is None else "Probability Yes"
                    yield (
                        line,
                        BadRow(
                            bad,
                            "must be an ISO 8601 moment"
                            if moment is None
                            else "must be a number from 0 to 1",
                            row.get(bad, ""),
                        ),
                    )
                    continue
                dump.references.append(
                    Reference(
                        (PLATFORM, qid), f"Metaculus {method}", moment, probability, question.url
                    )
                )
                continue
            probability = distribution = ""
            if question.kind == "binary":
                probability = row.get("Probability Yes", "").strip()
            else:
                values = _list(row.get("Probability Yes Per Category", ""))
                if values is None or len(values) != len(question.labels):
                    yield (
                        line,
                        BadRow(
                            "Probability Yes Per Category",
                            f"must list a probability for each of the {len(question.labels)} "
                            "options",
                            row.get("Probability Yes Per Category", "")[:200],
                        ),
                    )
                    continue
                distribution = " | ".join(
                    f"{label}: {0 if value is None else value}"
                    for label, value in zip(question.labels, values, strict=True)
                )
            note = ""
            end = row.get("End Time", "").strip()
            if end and hash((qid, fid, end)) not in starts:
                withdrawn += 1
                note = f"withdrawn (or expired) on Metaculus at {end}"
            name = row["Forecaster Username"].strip() or fid
            users += 1
            outcome, known_at, evidence, resolution_note = question.resolution
            yield (
                line,
                _ROW(
                    name,
                    PLATFORM,
                    name,
                    question.statement,
                    question.close,
                    question.kind,
                    question.options,
                    PLATFORM,
                    qid,
                    question.url,
                    probability,
                    distribution,
                    start,
                    note,
                    outcome,
                    known_at,
                    evidence,
                    resolution_note,
                ),
            )
    dump.origins.append(
        f"from {path.name}: {len(questions)} Metaculus questions from {QUESTIONS}; from "
        f"{FORECASTS}, {users} users' forecasts and {aggregates} aggregate rows "
        "(reference points)"
    )
    if withdrawn:
        dump.origins.append(
            f"{withdrawn} forecasts were later withdrawn (or expired): kept, the "
            "withdrawal in their note"
        )
