"""Import predictions from a CSV or JSON file (``forecasts import``); the format is in
``docs/import-format.md``.

How it works, in one streaming pass over the file and one transaction:

* **The rules are the services' own.** Each cell goes through the parsers the web forms
  use (``parse_probability``, ``parse_distribution``, ``parse_scale_reference``) and each
  noun through the service layer's pure checks (``check_pundit_fields``,
  ``check_source_fields``, ``check_question_fields``, ``check_kind_and_options``,
  ``check_tags``, ``check_condition_outcome``, ``check_prediction_moment`` and
  ``check_prediction_forecast`` (the two halves of ``check_prediction_fields``),
  ``check_resolution_fields``, ``check_condition_allows``), which ``add_pundit``,
  ``log_prediction``, ``resolve_question``... call too. Only the look-ups differ: they
  are made against maps of the registry's nouns loaded once, not one query per row, and
  a check whose inputs a file repeats (a noun's cells, a forecast's cells) runs once.
* **Matching, by natural keys.** A pundit is matched by slug (else by name), a source by
  URL (else title and publication date), a question by statement (else slug); what is
  not found is created. A prediction is the same as one already in the registry (or
  earlier in the file) when pundit, question, made-at, probability or distribution, and
  quote are equal: it is counted, not added. A resolution is appended only when the
  question's standing outcome differs (or its known-at date does, unless annulled).
  Matching never edits an existing row.
* **All or nothing.** Every row is checked, and every bad row is reported (line,
  column, rule, value); if there is one, the transaction is rolled back and nothing is
  written. Rows are written as they are checked, in chunks of ``CHUNK_ROWS``, by the
  driver's ``executemany`` with ids handed out beforehand (``bulk.Ids``) and each value
  converted by its column's own type (``bulk.Writer``): no ORM object per row. Memory holds
  the nouns (few), caches of repeated cells (bounded) and one 64-bit hash per prediction
  (its natural key), not the rows.
* **Large loads into SQLite** take the write lock first, use a bounded 128 MiB page
  cache, and, when the predictions table starts empty, build its two indexes once at the
  end instead of updating them for every row (same transaction, same CREATE statements).
* **Audit.** One ``KIND.create`` event per new pundit, source and question, one
  ``question.resolve`` / ``annul`` / ``re_resolve`` event per resolution appended (the
  same actions and before/after shapes the services record), and one ``import`` event
  with the file name, format, counts, the ids of the predictions written and the actor.
  Predictions are summarised by the import event: each carries the import's time as
  ``logged_at`` and its actor as ``logged_by``. An import that adds nothing writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from forecasts import bulk, rules, search, serialize, services
from forecasts.errors import FieldError, FieldErrors, ValidationError
from forecasts.models import (
    AuditEvent,
    Outcome,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionKind,
    QuestionOption,
    Resolution,
    Role,
    Source,
    Tag,
    User,
    question_tags,
    utcnow,
)
from forecasts.transfer import columns as C
from forecasts.transfer.probabilities import column_reading
from forecasts.transfer.reading import BadRow, Progress, detect_format, read_column, read_rows
from forecasts.validation import (
    FRACTION,
    READINGS,
    check_slug,
    check_url,
    parse_date,
    parse_distribution,
    parse_probability,
    parse_scale_reference,
    slugify,
)

CHUNK_ROWS = 5_000  # predictions written per executemany
MAX_LISTED_ERRORS = 1_000  # errors kept for the report; the rest are counted
_CACHE_LIMIT = 200_000  # distinct cell values remembered per cache
_ID_BATCH = 500  # ids per IN (...) query


# ------------------------------------------------------------------------------ results


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

    @property
    def changed(self) -> bool:
        return any(self.added.values())

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
        }


# ------------------------------------------------------------------------------- entry


def actor_for(session: Session, user_name: str | None) -> services.Actor:
    """The import's actor: the named user (active, editor or admin), else the command line."""
    if not user_name:
        return services.Actor.system("cli")
    user = session.scalar(select(User).where(User.name == user_name.strip()))
    if user is None:
        raise ValidationError("as", f"no user named {user_name!r}")
    if not user.is_active:
        raise ValidationError("as", f"the user {user.name!r} is deactivated")
    return services.Actor.of(user)


def import_file(
    session: Session,
    path: Path,
    *,
    actor: services.Actor | None = None,
    file_format: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_listed: int = MAX_LISTED_ERRORS,
    probabilities: str | None = None,
) -> ImportReport:
    """Import ``path`` in one transaction; raises ``ImportRefused`` listing every bad row
    (nothing written), or ``ValidationError`` for a file it cannot read.

    ``probabilities`` (``fraction`` or ``percent``) says how the bare numbers of the file
    are read; without it the probability column is read once first to decide
    (``forecasts.transfer.probabilities``), and ``progress`` sees the file twice."""
    path = Path(path)
    actor = actor or services.Actor.system("cli")
    actor.require(Role.EDITOR, "importing")
    if probabilities is not None and probabilities not in READINGS:
        raise ValidationError(
            "probabilities", f"must be one of {', '.join(READINGS)} (got {probabilities!r})"
        )
    file_format = detect_format(path, file_format)
    reading = probabilities or _column_reading(path, file_format, progress, max_listed)
    rows = read_rows(path, file_format, progress)

    def importer() -> _Importer:  # reads the registry: made once this import has its turn
        return _Importer(
            session, actor, path.name, file_format, dry_run, max_listed, reading, probabilities
        )

    cache = contextlib.nullcontext() if dry_run else bulk.sqlite_page_cache(session)
    with _no_cyclic_gc(), cache:
        if dry_run:
            try:
                return importer().run(rows)
            finally:
                session.rollback()
        try:
            with services.batch(session):
                _one_import_at_a_time(session)
                with search.bulk_indexing(session):
                    return importer().run(rows)
        except IntegrityError as error:  # another writer added the same row meanwhile
            raise ValidationError(
                "database",
                f"refused the import ({error.orig}); someone else changed the "
                "registry meanwhile. Nothing was imported: run it again",
            ) from error


def _column_reading(
    path: Path, file_format: str, progress: Progress | None, max_listed: int
) -> str:
    """The probability column's reading, or ``ImportRefused`` naming the rows that
    disagree (the file's other rows are not checked then: this is the first thing wrong)."""
    verdict = column_reading(read_column(path, file_format, "probability", progress))
    if verdict.refused_count:
        rows = [
            RowError(line, "probability", rule, _display(value))
            for line, value, rule in verdict.refused[:max_listed]
        ]
        raise ImportRefused(path.name, rows, verdict.refused_count, verdict.refused_count)
    return verdict.reading


# Any fixed number: the key of the PostgreSQL advisory lock that imports take.
IMPORT_LOCK_KEY = 73_012_020


def _one_import_at_a_time(session: Session) -> None:
    """On PostgreSQL, wait for any other import to commit before reading what the
    registry has: two imports of the same file then add it once (predictions have no
    unique key to refuse the second). The lock is the transaction's, released at its end.
    SQLite needs none: its writers already take turns, and a writer that read a stale
    snapshot is refused as busy, writing nothing."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector: with a million rows passing through, its full passes
    over the (acyclic) nouns and keys cost a fifth of the time. Reference counting still
    frees every row as soon as it is written."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -------------------------------------------------------------------------------- nouns


class _Standing:
    """A question's standing resolution, as far as matching and conditions need it."""

    __slots__ = ("outcome", "label", "known_at")

    def __init__(self, outcome: str, label: str, known_at: dt.date):
        self.outcome, self.label, self.known_at = outcome, label, known_at


class _Noun:
    __slots__ = ("ref", "id", "new", "line", "bad", "cells")

    def __init__(self, ref: int, row_id: int | None, new: bool, line: int = 0):
        self.ref = ref  # the id for an existing row; a negative number for a new one
        self.id = row_id
        self.new = new
        self.line = line  # the line that defined a new one
        self.bad = False
        self.cells: tuple = ()  # a new one's cells as the defining row gave them


class _Pundit(_Noun):
    __slots__ = ("slug", "name", "clean")


class _Source(_Noun):
    __slots__ = ("published_on", "clean")


class _Question(_Noun):
    __slots__ = (
        "slug",
        "statement",
        "kind",
        "resolve_by",
        "labels",
        "option_ids",
        "clean",
        "tags",
        "condition",
        "condition_id",
        "condition_text",
        "condition_outcome",
        "standing",
        "resolution",
        "resolution_line",
        "resolution_cells",
        "resolution_problems",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_ids: dict[str, int] = {}
        self.labels: tuple[str, ...] = ()
        self.tags: list[str] = []
        self.clean: dict = {}
        self.condition: _Question | None = None
        self.condition_id: int | None = None
        self.condition_text = ""
        self.condition_outcome: str | None = None
        self.standing: _Standing | None = None
        self.resolution: dict | None = None  # the file's resolution, checked
        self.resolution_line: int | None = None
        self.resolution_cells: tuple = ()
        self.resolution_problems: list = []


# ------------------------------------------------------------------------------- cells


def _blank(cell) -> bool:
    if cell.__class__ is str:
        return not cell or cell.isspace()
    return cell is None or cell == () or (isinstance(cell, str) and not cell.strip())


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, tuple):
        return " | ".join(_text(item) for item in cell)
    return str(cell).strip()


def _items(cell, column: str) -> list[str]:
    """A list-valued cell: a JSON list, or text with one item per line or between '|'
    (tags may also be separated by commas, links by spaces)."""
    if _blank(cell):
        return []
    if isinstance(cell, tuple):
        return [_text(item) for item in cell if not _blank(item)]
    text = str(cell).replace("\r", "\n").replace("|", "\n")
    if column == "tags":
        text = text.replace(",", "\n")
    elif column == "pundit_links":
        text = "\n".join(text.split())
    return [item.strip() for item in text.split("\n") if item.strip()]


def _norm(column: str, cell) -> object:
    """A cell in a form two rows can be compared in (a new noun's later mentions)."""
    if column in ("options", "pundit_links"):
        return tuple(_items(cell, column))
    if column == "tags":
        return tuple(sorted({slugify(tag, 60) for tag in _items(cell, column)}))
    if column == "kind":
        return _text(cell) or QuestionKind.BINARY.value
    return _text(cell)


def _shown(value) -> str:
    text = " | ".join(map(str, value)) if isinstance(value, tuple) else str(value)
    if not text:
        return "nothing"
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _display(cell) -> str:
    if isinstance(cell, tuple):
        return " | ".join(
            f"{item[0]}: {item[1]}" if isinstance(item, tuple) else str(item) for item in cell
        )
    text = "" if cell is None else str(cell)
    return text if len(text) <= 200 else text[:197] + "..."


# Which import column a service's field error belongs to, per noun.
_FIELD_COLUMNS = {
    "pundit": {
        "name": "pundit",
        "slug": "pundit_slug",
        "bio": "pundit_bio",
        "affiliation": "pundit_affiliation",
        "links": "pundit_links",
    },
    "source": {
        "title": "source_title",
        "url": "source_url",
        "published_on": "source_published_on",
        "outlet": "source_outlet",
    },
    "question": {"slug": "question_slug", "condition_question_id": "condition"},
    "prediction": {"scale_name": "scale", "scale_version": "scale"},
    "resolution": {"note": "resolution_note"},
}


def _columns(noun: str, errors: Iterable[FieldError]) -> list[tuple[str, str]]:
    """Service field errors as (column, rule); a field's qualifier ('[Red]', 'line 2')
    goes in front of the rule."""
    mapping = _FIELD_COLUMNS[noun]
    result = []
    for error in errors:
        base = error.field.split("[", 1)[0].split(" ", 1)[0]
        column = mapping.get(base, base)
        qualifier = error.field[len(base) :].strip()
        if qualifier.startswith("["):
            qualifier = qualifier[1:-1]
            if base == "links" and qualifier.isdigit():
                qualifier = f"link {int(qualifier) + 1}"
        elif qualifier.startswith("line "):
            qualifier = "entry " + qualifier[5:]
        result.append((column, f"{qualifier}: {error.rule}" if qualifier else error.rule))
    return result


def _parse_distribution_cell(cell, reading: str | None) -> dict[str, float]:
    if isinstance(cell, tuple):  # a JSON object: (label, value) pairs
        lines = []
        for item in cell:
            if not isinstance(item, tuple) or len(item) != 2:
                raise ValidationError("distribution", "must be an object of option: probability")
            lines.append(f"{item[0]}: {item[1]}")
        text = "\n".join(lines)
    else:
        text = str(cell).replace("|", "\n")
    return parse_distribution(text, "distribution", reading)


# ----------------------------------------------------------------------------- importer


class _Importer:
    def __init__(
        self,
        session: Session,
        actor: services.Actor,
        name: str,
        file_format: str,
        dry_run: bool,
        max_listed: int,
        reading: str = FRACTION,
        distribution_reading: str | None = None,
    ):
        self.session = session
        # how bare numbers are read: the probability column's decided reading; the
        # distribution cells', only when the command said it (else each cell decides)
        self.reading = reading
        self.distribution_reading = distribution_reading
        self.actor = actor
        self.now = utcnow()
        self.today = self.now.date()
        self.dry_run = dry_run
        self.max_listed = max_listed
        self.report = ImportReport(name, file_format, dry_run)
        self.text_cells = file_format == "csv"  # every cell a str
        self.errors: list[RowError] = []
        self.error_count = 0
        self.bad_lines: set[int] = set()
        self._next_ref = -1
        # caches: a noun's cells as given -> (noun or None, [(column, rule)])
        self._pundit_cache: dict = {}
        self._source_cache: dict = {}
        self._question_cache: dict = {}
        self._resolution_cache: dict = {}
        self._forecasts: dict = {}
        # new nouns, in the order they were defined; the ones not yet written
        self.new_pundits: list[_Pundit] = []
        self.new_sources: list[_Source] = []
        self.new_questions: list[_Question] = []
        self._unwritten = {"pundits": 0, "sources": 0, "questions": 0}
        # predictions checked, waiting to be written:
        # (key, pundit, source, question, made_at, forecast, quote, note)
        self.buffer: list[tuple] = []
        self.db_keys: set[int] = set()
        self.file_keys: set[int] = set()
        self._keys_loaded: set[int] = set()
        self.appends: list[dict] = []  # resolutions to append, in order
        self.writer = bulk.Writer(session)
        self._dropped_indexes: list[str] | None = None  # None: not decided yet
        self.ids = bulk.Ids(session)
        if not dry_run:
            self.ids.lock()  # SQLite: the maps below stay true until this import commits
        self._load_registry()

    # ----------------------------------------------------------------- the registry

    def _ref(self) -> int:
        self._next_ref -= 1
        return self._next_ref

    def _load_registry(self) -> None:
        """Maps of the registry's nouns by their natural keys (one query per table)."""
        s = self.session
        self.pundit_by_slug: dict[str, _Pundit] = {}
        self.pundits_by_name: dict[str, list[_Pundit]] = defaultdict(list)
        for pundit_id, slug, name in s.execute(select(Pundit.id, Pundit.slug, Pundit.name)):
            pundit = _Pundit(pundit_id, pundit_id, False)
            pundit.slug, pundit.name = slug, name
            self.pundit_by_slug[slug] = pundit
            self.pundits_by_name[name].append(pundit)
        self.source_by_url: dict[str, _Source] = {}
        self.sources_by_title: dict[tuple, list[_Source]] = defaultdict(list)
        for source_id, url, title, published_on in s.execute(
            select(Source.id, Source.url, Source.title, Source.published_on)
        ):
            source = _Source(source_id, source_id, False)
            source.published_on = published_on
            if url:
                self.source_by_url[url] = source
            self.sources_by_title[(title, published_on)].append(source)
        self.question_by_statement: dict[str, _Question] = {}
        self.question_by_slug: dict[str, _Question] = {}
        by_id: dict[int, _Question] = {}
        for row in s.execute(
            select(
                Question.id,
                Question.slug,
                Question.statement,
                Question.kind,
                Question.resolve_by,
                Question.condition_question_id,
                Question.condition_outcome,
            )
        ):
            question = _Question(row.id, row.id, False)
            question.slug, question.statement, question.kind = row.slug, row.statement, row.kind
            question.resolve_by = row.resolve_by
            question.condition_id = row.condition_question_id
            question.condition_outcome = row.condition_outcome
            by_id[row.id] = question
            self.question_by_statement[row.statement] = question
            self.question_by_slug[row.slug] = question
        labels: dict[int, list[str]] = defaultdict(list)
        for question_id, option_id, label in s.execute(
            select(QuestionOption.question_id, QuestionOption.id, QuestionOption.label).order_by(
                QuestionOption.question_id, QuestionOption.position
            )
        ):
            labels[question_id].append(label)
            by_id[question_id].option_ids[label] = option_id
        for question_id, names in labels.items():
            by_id[question_id].labels = tuple(names)
        for question in by_id.values():
            if question.condition_id is not None:
                question.condition = by_id[question.condition_id]
        latest = (
            select(Resolution.question_id, func.max(Resolution.id).label("rid"))
            .group_by(Resolution.question_id)
            .subquery()
        )
        for question_id, outcome, label, known_at in s.execute(
            select(
                Resolution.question_id,
                Resolution.outcome,
                QuestionOption.label,
                Resolution.known_at,
            )
            .join(latest, latest.c.rid == Resolution.id)
            .outerjoin(QuestionOption, QuestionOption.id == Resolution.option_id)
        ):
            by_id[question_id].standing = _Standing(outcome, label or outcome, known_at)
        self.questions_by_id = by_id
        self.tag_ids: dict[str, int] = dict(s.execute(select(Tag.slug, Tag.id)).tuples().all())
        self.pundit_slugs = set(self.pundit_by_slug)
        self.question_slugs = set(self.question_by_slug)

    # ----------------------------------------------------------------------- errors

    @property
    def writing(self) -> bool:
        return not self.dry_run and not self.error_count

    def _bad(
        self,
        line: int,
        cells,
        items: Iterable[tuple[str, str]],
        values: dict[str, str] | None = None,
    ) -> None:
        self.bad_lines.add(line)
        for column, rule in items:
            self.error_count += 1
            if len(self.errors) < self.max_listed:
                if values is not None:
                    value = values.get(column, "")
                elif cells is not None and column in C.INDEX:
                    value = _display(cells[C.INDEX[column]])
                else:
                    value = ""
                self.errors.append(RowError(line, column, rule, value))
        self.buffer.clear()  # nothing more will be written

    # ------------------------------------------------------------------------- rows

    def run(self, rows) -> ImportReport:
        for line, cells in rows:
            if isinstance(cells, BadRow):
                self.report.rows += 1
                self._bad(line, None, [(cells.column, cells.rule)], {cells.column: cells.value})
                continue
            if not any(cells):
                continue  # an empty row
            self.report.rows += 1
            entry = cells[0]
            if not entry or entry == "prediction":
                self._prediction_row(line, cells)
            else:
                self._entry_row(line, cells)
        return self._finish()

    def _prediction_row(self, line: int, cells: tuple) -> None:
        items: list[tuple[str, str]] = []
        # Each noun's cells were most likely seen on an earlier row: a cache hit.
        pundit_cells = cells[C.PUNDIT_CELLS]
        pundit, problems = self._pundit_cache.get(pundit_cells) or self._pundit(line, pundit_cells)
        if problems:
            items.extend(problems)
        source = None
        source_cells = cells[C.SOURCE_CELLS]
        if any(source_cells):
            source, problems = self._source_cache.get(source_cells) or self._source(
                line, source_cells
            )
            if problems:
                items.extend(problems)
        question_cells = cells[C.QUESTION_CELLS]
        question, problems = self._question_cache.get(question_cells) or self._question(
            line, question_cells
        )
        if problems:
            items.extend(problems)
        moment, forecast, dist_key, quote, note = self._prediction_fields(
            cells, question, source, items
        )
        resolution_cells = cells[C.RESOLUTION_CELLS]
        if question is not None and any(resolution_cells):
            items.extend(self._resolution(line, question, resolution_cells))
        if items or pundit is None or question is None or (source is None and any(source_cells)):
            self._bad(line, cells, items)
            return
        if self.error_count:
            return  # the file will be refused: only check the remaining rows
        key = hash((pundit.ref, question.ref, moment, forecast["probability"], dist_key, quote))
        self.buffer.append((key, pundit, source, question, moment, forecast, quote, note))
        if len(self.buffer) >= CHUNK_ROWS:
            self._flush()

    def _entry_row(self, line: int, cells: tuple) -> None:
        entry = _text(cells[0]).lower()
        if entry not in C.ENTRY_COLUMNS:
            if entry == "prediction":
                self._prediction_row(line, ("", *cells[1:]))
                return
            self._bad(
                line,
                cells,
                [(C.ENTRY, f"must be one of {', '.join(C.ENTRIES)} (empty means prediction)")],
            )
            return
        allowed = C.ENTRY_COLUMNS[entry]
        items = [
            (column, f"must be empty on a {entry} row")
            for column, cell in zip(C.COLUMNS[1:], cells[1:], strict=True)
            if column not in allowed and not _blank(cell)
        ]
        if entry == "pundit":
            items.extend(self._pundit(line, cells[C.PUNDIT_CELLS])[1])
        elif entry == "source":
            items.extend(self._source(line, cells[C.SOURCE_CELLS])[1])
        else:
            question, problems = self._question(line, cells[C.QUESTION_CELLS])
            items.extend(problems)
            resolution_cells = cells[C.RESOLUTION_CELLS]
            if question is not None and any(resolution_cells):
                items.extend(self._resolution(line, question, resolution_cells))
        if items:
            self._bad(line, cells, items)

    # ----------------------------------------------------------------------- nouns

    def _matched(
        self, noun: _Noun, cells: tuple, names: tuple[str, ...], kind: str, key_column: str
    ):
        """An existing noun is used as it is; a new one's later mentions must agree with
        the row that defined it (an empty cell agrees with anything)."""
        if noun.bad:
            return None, [(key_column, f"the {kind} defined on line {noun.line} has errors")]
        if not noun.new:
            return noun, []
        conflicts = []
        for column, cell, first_cell in zip(names, cells, noun.cells, strict=True):
            if _blank(cell):
                continue
            if column in ("pundit_slug", "question_slug"):
                first = noun.slug  # given, or made from the name or statement
            else:
                first = _norm(column, first_cell)
            if _norm(column, cell) != first:
                conflicts.append(
                    (
                        column,
                        f"differs from line {noun.line}, which gave "
                        f"{_shown(first)} for this {kind}",
                    )
                )
        return (None if conflicts else noun), conflicts

    def _pundit(self, line: int, cells: tuple):
        hit = self._pundit_cache.get(cells)
        if hit is None:
            hit = self._match_pundit(line, cells)
            if len(self._pundit_cache) >= _CACHE_LIMIT:
                self._pundit_cache.clear()
            self._pundit_cache[cells] = hit
        return hit

    def _match_pundit(self, line: int, cells: tuple):
        name, slug = _text(cells[0]), _text(cells[1])
        if slug:
            found = self.pundit_by_slug.get(slug)
        elif name:
            named = self.pundits_by_name.get(name, ())
            if len(named) > 1:
                return None, [
                    ("pundit", f"several pundits are named {name!r}; give pundit_slug to say which")
                ]
            found = named[0] if named else None
        else:
            return None, [("pundit", "is required")]
        if found is not None:
            return self._matched(found, cells, C.PUNDIT, "pundit", "pundit")
        if not name:
            return None, [
                (
                    "pundit",
                    f"is required: no pundit in the registry or the file has the slug {slug!r}",
                )
            ]
        errors = FieldErrors()
        clean = rules.check_pundit_fields(
            errors,
            name=cells[0],
            bio=_text(cells[3]),
            affiliation=_text(cells[2]),
            links=_items(cells[4], "pundit_links"),
        )
        if slug:
            with errors.field():
                slug = check_slug(slug)
        else:
            slug = rules.unique_slug(slugify(clean.get("name") or name), self.pundit_slugs)
        pundit = _Pundit(self._ref(), None, True, line)
        pundit.slug, pundit.name, pundit.clean = slug, clean.get("name") or name, clean
        pundit.cells = cells
        self.pundit_by_slug[slug] = pundit
        self.pundit_slugs.add(slug)
        self.pundits_by_name[name].append(pundit)
        problems = _columns("pundit", errors.items)
        if problems:
            pundit.bad = True
            return None, problems
        self.new_pundits.append(pundit)
        self._unwritten["pundits"] += 1
        return pundit, []

    def _source(self, line: int, cells: tuple):
        hit = self._source_cache.get(cells)
        if hit is None:
            hit = self._match_source(line, cells)
            if len(self._source_cache) >= _CACHE_LIMIT:
                self._source_cache.clear()
            self._source_cache[cells] = hit
        return hit

    def _match_source(self, line: int, cells: tuple):
        title = _text(cells[0])
        try:
            url = check_url(_text(cells[1]), "url")
        except ValidationError:
            url = None
        try:
            published_on = parse_date(_text(cells[2]), "published_on")
        except ValidationError:
            published_on = None
        if url:
            found = self.source_by_url.get(url)
        else:
            found_list = self.sources_by_title.get((title, published_on), ())
            if len(found_list) > 1:
                return None, [
                    (
                        "source_url",
                        "several sources have this title and date; give "
                        "the source's URL to say which",
                    )
                ]
            found = found_list[0] if found_list else None
        if found is not None:
            return self._matched(found, cells, C.SOURCE, "source", "source_title")
        errors = FieldErrors()
        clean = rules.check_source_fields(
            errors,
            title=cells[0],
            url=_text(cells[1]),
            published_on=_text(cells[2]),
            outlet=_text(cells[3]),
            today=self.today,
        )
        clean["note"] = _text(cells[4])
        clean["full_text"] = "" if _blank(cells[5]) else str(cells[5])
        source = _Source(self._ref(), None, True, line)
        source.published_on, source.clean = clean.get("published_on"), clean
        source.cells = cells
        if url:
            self.source_by_url[url] = source
        self.sources_by_title[(title, published_on)].append(source)
        problems = _columns("source", errors.items)
        if problems:
            source.bad = True
            return None, problems
        self.new_sources.append(source)
        self._unwritten["sources"] += 1
        return source, []

    def _question(self, line: int, cells: tuple):
        hit = self._question_cache.get(cells)
        if hit is None:
            hit = self._match_question(line, cells)
            if len(self._question_cache) >= _CACHE_LIMIT:
                self._question_cache.clear()
            self._question_cache[cells] = hit
        return hit

    def _match_question(self, line: int, cells: tuple):
        statement, slug = _text(cells[0]), _text(cells[1])
        if statement:
            found = self.question_by_statement.get(statement)
            if found is not None and slug and slug != found.slug:
                return None, [
                    (
                        "question_slug",
                        "does not match the question with this "
                        f"statement, whose slug is {found.slug!r}",
                    )
                ]
            if found is None and slug in self.question_by_slug:
                return None, [
                    (
                        "question_slug",
                        rules.slug_taken_rule(slug) + " by a question with another statement",
                    )
                ]
        elif slug:
            found = self.question_by_slug.get(slug)
            if found is None:
                return None, [
                    (
                        "statement",
                        "is required: no question in the registry or the "
                        f"file has the slug {slug!r}",
                    )
                ]
        else:
            return None, [("statement", "is required")]
        if found is not None:
            return self._matched(found, cells, C.QUESTION, "question", "statement")
        errors = FieldErrors()
        clean = rules.check_question_fields(
            errors,
            statement=cells[0],
            resolution_criteria=_text(cells[2]),
            resolve_by=_text(cells[3]) or None,
        )
        kind = _text(cells[4]) or QuestionKind.BINARY.value
        labels = rules.check_kind_and_options(errors, kind, _items(cells[5], "options"))
        tags = rules.check_tags(errors, _items(cells[6], "tags"))
        if slug:
            with errors.field():
                slug = check_slug(slug)
        else:
            slug = rules.unique_slug(slugify(statement), self.question_slugs)
        question = _Question(self._ref(), None, True, line)
        question.slug, question.statement, question.kind = slug, statement, kind
        question.resolve_by = clean.get("resolve_by")
        question.labels, question.tags = tuple(labels), tags
        question.clean = {**clean, "note": _text(cells[9])}
        question.condition_text = _text(cells[7])
        question.condition_outcome = _text(cells[8])
        if question.condition_outcome and not question.condition_text:
            errors.add("condition_question_id", rules.CONDITION_REQUIRED)
        question.cells = cells
        self.question_by_statement[statement] = question
        self.question_by_slug[slug] = question
        self.question_slugs.add(slug)
        problems = _columns("question", errors.items)
        if problems:
            question.bad = True
            return None, problems
        self.new_questions.append(question)
        self._unwritten["questions"] += 1
        return question, []

    def _resolution(self, line: int, question: _Question, cells: tuple) -> list:
        if cells == question.resolution_cells:  # as the question's first resolution
            return question.resolution_problems
        key = (question.ref, cells)
        hit = self._resolution_cache.get(key)
        if hit is not None:
            return hit
        if question.resolution_line is not None:
            problems = []
            for column, cell, first_cell in zip(
                C.RESOLUTION, cells, question.resolution_cells, strict=True
            ):
                first = _norm(column, first_cell)
                if not _blank(cell) and _norm(column, cell) != first:
                    problems.append(
                        (
                            column,
                            f"differs from line {question.resolution_line}, "
                            f"which gave {_shown(first)} for this question",
                        )
                    )
                elif _blank(cell) and first and column in ("outcome", "known_at"):
                    problems.append(
                        (
                            column,
                            "is empty here but the question's resolution on "
                            f"line {question.resolution_line} gives "
                            f"{_shown(first)}",
                        )
                    )
            if question.resolution is None and not problems:
                problems.append(
                    ("outcome", f"the resolution on line {question.resolution_line} has errors")
                )
        else:
            errors = FieldErrors()
            clean = rules.check_resolution_fields(
                errors,
                kind=question.kind,
                option_labels=question.labels,
                outcome=_text(cells[0]),
                known_at=_text(cells[1]),
                evidence_url=_text(cells[2]),
                note=_text(cells[3]),
                today=self.today,
            )
            question.resolution_line = line
            question.resolution_cells = cells
            problems = _columns("resolution", errors.items)
            question.resolution = None if problems else clean
            question.resolution_problems = problems
            return problems
        if len(self._resolution_cache) >= _CACHE_LIMIT:
            self._resolution_cache.clear()
        self._resolution_cache[key] = problems
        return problems

    # ------------------------------------------------------------------ predictions

    def _prediction_fields(
        self, cells: tuple, question: _Question | None, source: _Source | None, items: list
    ) -> tuple:
        """The prediction's cells, checked by the service's rules: (made-at, the forecast
        as ``check_prediction_forecast`` cleans it, its distribution as a key, quote, note)."""
        (probability, distribution, quote, hedge_phrase, origin, scale, made_at, note) = cells[
            C.PREDICTION_CELLS
        ]
        if question is not None:
            kind, labels, resolve_by = question.kind, question.labels, question.resolve_by
        else:
            kind, labels, resolve_by = None, (), None
        if _blank(made_at) and source is not None:
            made_at = source.published_on  # as the log-a-prediction form does
        errors = FieldErrors()
        moment = rules.check_prediction_moment(
            errors,
            made_at=made_at,
            kind=kind,
            resolve_by=resolve_by,
            source_published_on=source.published_on if source is not None else None,
            now=self.now,
        )
        if errors.items:
            items.extend(_columns("prediction", errors.items))
        if self.text_cells:
            # The forecast depends only on these cells and the question's kind and options,
            # which a file repeats: check each combination once.
            key = (kind, labels, probability, distribution, origin, scale, hedge_phrase)
            hit = self._forecasts.get(key)
            if hit is None:
                hit = self._check_forecast(
                    kind, labels, probability, distribution, origin, scale, hedge_phrase
                )
                if len(self._forecasts) >= _CACHE_LIMIT:
                    self._forecasts.clear()
                self._forecasts[key] = hit
        else:  # JSON values: as text, like a CSV cell
            quote, hedge_phrase, origin, note = map(_text, (quote, hedge_phrase, origin, note))
            hit = self._check_forecast(
                kind, labels, probability, distribution, origin, scale, hedge_phrase
            )
        forecast, dist_key, problems = hit
        if problems:
            items.extend(problems)
        return moment, forecast, dist_key, quote.strip(), note.strip()

    def _check_forecast(
        self, kind, labels, probability, distribution, origin, scale, hedge_phrase
    ) -> tuple:
        """(forecast, distribution key, problems): the form's parsers, then the service's
        ``check_prediction_forecast``."""
        problems: list[tuple[str, str]] = []
        failed: tuple[str, ...] = ()
        probability_value = distribution_value = scale_name = scale_version = None
        if not _blank(probability):
            try:
                probability_value = parse_probability(probability, reading=self.reading)
            except ValidationError as error:
                problems.extend(_columns("prediction", error.errors))
                failed += ("probability",)
        if not _blank(distribution):
            try:
                distribution_value = _parse_distribution_cell(
                    distribution, self.distribution_reading
                )
            except ValidationError as error:
                problems.extend(_columns("prediction", error.errors))
                failed += ("distribution",)
        if not _blank(scale):
            try:
                scale_name, scale_version = parse_scale_reference(scale)
            except ValidationError as error:
                problems.extend(_columns("prediction", error.errors))
                failed += ("scale_name", "scale_version")
        errors = FieldErrors()
        forecast = rules.check_prediction_forecast(
            errors,
            kind=kind,
            option_labels=labels,
            probability=probability_value,
            distribution=distribution_value,
            probability_origin=origin.strip() or "stated",
            scale_name=scale_name,
            scale_version=scale_version,
            hedge_phrase=hedge_phrase,
        )
        problems.extend(
            _columns(
                "prediction", [e for e in errors.items if e.field.split("[", 1)[0] not in failed]
            )
        )
        dist = forecast["distribution"]
        return forecast, tuple(sorted(dist.items())) if dist else None, problems

    def _flush(self) -> None:
        """Drop the buffered predictions the registry (or the file) already has; write the
        rest, after any new nouns they need."""
        rows, self.buffer = self.buffer, []
        if not rows or self.error_count:
            return
        self._load_keys({row[3] for row in rows if not row[3].new})
        keep = []
        db_keys, file_keys = self.db_keys, self.file_keys
        for row in rows:
            key = row[0]
            if key in db_keys:
                self.report.already_present += 1
            elif key in file_keys:
                self.report.duplicates += 1
            else:
                file_keys.add(key)
                keep.append(row)
        self.report.added["predictions"] += len(keep)
        if self.writing and keep:
            self._write_nouns()
            self._write_predictions(keep)

    def _load_keys(self, questions: set[_Question]) -> None:
        """The natural keys of the predictions already made on these existing questions."""
        ids = sorted(q.id for q in questions if q.id not in self._keys_loaded)
        self._keys_loaded.update(ids)
        for start in range(0, len(ids), _ID_BATCH):
            batch = ids[start : start + _ID_BATCH]
            distributions: dict[int, list] = defaultdict(list)
            for prediction_id, label, probability in self.session.execute(
                select(
                    PredictionOption.prediction_id,
                    QuestionOption.label,
                    PredictionOption.probability,
                )
                .join(QuestionOption, QuestionOption.id == PredictionOption.option_id)
                .where(QuestionOption.question_id.in_(batch))
            ):
                distributions[prediction_id].append((label, probability))
            for row in self.session.execute(
                select(
                    Prediction.id,
                    Prediction.pundit_id,
                    Prediction.question_id,
                    Prediction.made_at,
                    Prediction.probability,
                    Prediction.quote,
                ).where(Prediction.question_id.in_(batch))
            ):
                dist = distributions.get(row.id)
                self.db_keys.add(
                    hash(
                        (
                            row.pundit_id,
                            row.question_id,
                            row.made_at,
                            row.probability,
                            tuple(sorted(dist)) if dist else None,
                            row.quote,
                        )
                    )
                )

    # ----------------------------------------------------------------------- writing

    def _write_nouns(self) -> None:
        """Write the new pundits, sources and questions not written yet."""
        writer, now = self.writer, self.now
        count = self._unwritten["pundits"]
        if count:
            pundits = self.new_pundits[-count:]
            for pundit, new_id in zip(pundits, self.ids.take(Pundit.__table__, count), strict=True):
                pundit.id = new_id
            created = writer.value(Pundit.__table__.c.created_at, now)
            writer.executemany(
                Pundit.__table__,
                ("id", "slug", "name", "bio", "affiliation", "links", "created_at", "version"),
                [
                    (
                        p.id,
                        p.slug,
                        p.clean["name"],
                        p.clean["bio"],
                        p.clean["affiliation"],
                        p.clean["links"],
                        created,
                        1,
                    )
                    for p in pundits
                ],
                process=("links",),
            )
            self._unwritten["pundits"] = 0
        count = self._unwritten["sources"]
        if count:
            sources = self.new_sources[-count:]
            for source, new_id in zip(sources, self.ids.take(Source.__table__, count), strict=True):
                source.id = new_id
            created = writer.value(Source.__table__.c.created_at, now)
            writer.executemany(
                Source.__table__,
                (
                    "id",
                    "title",
                    "outlet",
                    "url",
                    "published_on",
                    "full_text",
                    "note",
                    "created_at",
                    "version",
                ),
                [
                    (
                        s.id,
                        s.clean["title"],
                        s.clean["outlet"],
                        s.clean["url"],
                        s.clean["published_on"],
                        s.clean["full_text"],
                        s.clean["note"],
                        created,
                        1,
                    )
                    for s in sources
                ],
                process=("published_on",),
            )
            self._unwritten["sources"] = 0
        count = self._unwritten["questions"]
        if count:
            self._write_questions(self.new_questions[-count:])
            self._unwritten["questions"] = 0

    def _write_questions(self, questions: list[_Question]) -> None:
        # Conditions are written at the end: a condition may be defined later in the file.
        writer = self.writer
        for question, new_id in zip(
            questions, self.ids.take(Question.__table__, len(questions)), strict=True
        ):
            question.id = new_id
        created = writer.value(Question.__table__.c.created_at, self.now)
        writer.executemany(
            Question.__table__,
            (
                "id",
                "slug",
                "statement",
                "resolution_criteria",
                "resolve_by",
                "kind",
                "note",
                "created_at",
                "created_by_id",
                "version",
            ),
            [
                (
                    q.id,
                    q.slug,
                    q.statement,
                    q.clean["resolution_criteria"],
                    q.resolve_by,
                    q.kind,
                    q.clean["note"],
                    created,
                    self.actor.user_id,
                    1,
                )
                for q in questions
            ],
            process=("resolve_by",),
        )
        options = [
            (q, position, label) for q in questions for position, label in enumerate(q.labels)
        ]
        option_ids = self.ids.take(QuestionOption.__table__, len(options))
        for (question, _, label), option_id in zip(options, option_ids, strict=True):
            question.option_ids[label] = option_id
        writer.executemany(
            QuestionOption.__table__,
            ("id", "question_id", "position", "label"),
            [
                (option_id, q.id, position, label)
                for (q, position, label), option_id in zip(options, option_ids, strict=True)
            ],
        )
        missing = sorted({tag for q in questions for tag in q.tags} - set(self.tag_ids))
        self.tag_ids.update(zip(missing, self.ids.take(Tag.__table__, len(missing)), strict=True))
        writer.executemany(
            Tag.__table__, ("id", "slug"), [(self.tag_ids[tag], tag) for tag in missing]
        )
        writer.executemany(
            question_tags,
            ("question_id", "tag_id"),
            [(q.id, self.tag_ids[tag]) for q in questions for tag in q.tags],
        )

    def _write_predictions(self, rows: list[tuple]) -> None:
        """The million-row table: tuples straight to the driver's executemany, each value
        already in the form the column's own type gives it (its bind processor)."""
        table = Prediction.__table__
        if self._dropped_indexes is None:
            self._dropped_indexes = self.writer.drop_indexes_if_empty(table)
        made = self.writer.processor(table.c.made_at)
        logged = self.writer.processor(table.c.logged_at)(self.now)
        user_id = self.actor.user_id
        ids = self.ids.take(table, len(rows))
        self.writer.executemany(
            table,
            _PREDICTION_COLUMNS,
            [
                (
                    prediction_id,
                    question.id,
                    pundit.id,
                    source.id if source is not None else None,
                    forecast["probability"],
                    quote,
                    forecast["hedge_phrase"],
                    forecast["probability_origin"],
                    forecast["scale_name"],
                    forecast["scale_version"],
                    made(moment),
                    logged,
                    user_id,
                    note,
                    1,
                )
                for prediction_id, (
                    _,
                    pundit,
                    source,
                    question,
                    moment,
                    forecast,
                    quote,
                    note,
                ) in zip(ids, rows, strict=True)
            ],
        )
        known = self.report.prediction_ids
        self.report.prediction_ids = (known[0] if known else ids[0], ids[-1])
        options = [
            (prediction_id, row[3].option_ids[label], probability)
            for row, prediction_id in zip(rows, ids, strict=True)
            if row[5]["distribution"]
            for label, probability in row[5]["distribution"].items()
        ]
        if options:
            self.writer.executemany(
                PredictionOption.__table__, ("prediction_id", "option_id", "probability"), options
            )

    # ------------------------------------------------------------------------ finish

    def _finish(self) -> ImportReport:
        self._flush()
        self._resolve_conditions()
        self._plan_resolutions()
        for kind in ("pundits", "sources", "questions"):
            self.report.added[kind] = len(getattr(self, f"new_{kind}"))
        self.report.added["resolutions"] = len(self.appends)
        if self.error_count:
            ordered = sorted(self.errors, key=lambda e: e.line)
            raise ImportRefused(self.report.file, ordered, self.error_count, len(self.bad_lines))
        if self.dry_run or not self.report.changed:
            return self.report  # nothing to write (a no-op import leaves no audit event)
        self._write_nouns()
        self.writer.restore_indexes(self._dropped_indexes or [])
        self._write_conditions()
        # The existing questions' audit "before", read before their resolutions are written.
        states = self._existing_question_dicts(
            [a["question"] for a in self.appends if not a["question"].new]
        )
        resolution_ids = self._write_resolutions()
        self._write_audit(states, resolution_ids)
        return self.report

    def _resolve_conditions(self) -> None:
        """Link each new question to its condition (named by statement or slug, in the
        registry or anywhere in the file) and check the outcome it needs."""
        for question in self.new_questions:
            text = question.condition_text
            if not text:
                continue
            values = {"condition": text, "condition_outcome": question.condition_outcome or ""}
            target = self.question_by_statement.get(text) or self.question_by_slug.get(text)
            if target is None:
                problem = (
                    "condition",
                    "names no question in the registry or the file (give its statement or slug)",
                )
            elif target.bad:
                problem = ("condition", f"the question defined on line {target.line} has errors")
            elif target is question or self._depends_on(target, question):
                problem = ("condition", rules.CONDITION_CYCLE)
            else:
                errors = FieldErrors()
                outcome = rules.check_condition_outcome(
                    errors,
                    rules.outcome_labels(target.kind, target.labels),
                    question.condition_outcome,
                )
                if outcome is not None:
                    question.condition, question.condition_outcome = target, outcome
                    continue
                problem = _columns("question", errors.items)[0]
            self._bad(question.line, None, [problem], values)

    @staticmethod
    def _depends_on(question: _Question, target: _Question) -> bool:
        seen = set()
        current: _Question | None = question
        while current is not None and current.ref not in seen:
            if current is target:
                return True
            seen.add(current.ref)
            current = current.condition
        return False

    def _plan_resolutions(self) -> None:
        """Decide, in memory, which resolutions to append: the file's, where they differ from
        the standing ones, and the automatic annulments of questions whose condition fails
        (as ``resolve_question`` and ``add_question`` cascade), conditions first."""
        involved = [q for q in self.new_questions if q.condition is not None or q.resolution]
        involved += [q for q in self.questions_by_id.values() if q.resolution is not None]
        if not involved:
            return
        self.dependents: dict[int, list[_Question]] = defaultdict(list)
        for question in [*self.questions_by_id.values(), *self.new_questions]:
            if question.condition is not None:
                self.dependents[question.condition.ref].append(question)

        def depth(question: _Question) -> int:
            n, current, seen = 0, question.condition, {question.ref}
            while current is not None and current.ref not in seen:
                seen.add(current.ref)
                n, current = n + 1, current.condition
            return n

        for question in sorted(involved, key=depth):
            if question.new and question.condition is not None and question.standing is None:
                reason = self._failure(question)
                if reason:  # added after its condition failed: starts annulled
                    self._append_automatic(question, reason)
                    self._cascade(question)
            wanted = question.resolution
            if wanted is None:
                continue
            errors = FieldErrors()
            rules.check_condition_allows(
                errors, self._failure(question), wanted["option_label"] or wanted["outcome"]
            )
            if errors.items:
                values = {
                    column: _display(cell)
                    for column, cell in zip(C.RESOLUTION, question.resolution_cells, strict=True)
                }
                self._bad(
                    question.resolution_line, None, _columns("resolution", errors.items), values
                )
                continue
            label = wanted["option_label"] or wanted["outcome"]
            standing = question.standing
            if (
                standing is not None
                and standing.label == label
                and (
                    standing.outcome == Outcome.ANNULLED or standing.known_at == wanted["known_at"]
                )
            ):
                continue  # the registry already says so
            self._append(
                question,
                outcome=wanted["outcome"],
                label=label,
                known_at=wanted["known_at"],
                evidence_url=wanted["evidence_url"],
                note=wanted["note"],
                automatic=False,
            )
            self._cascade(question)

    def _failure(self, question: _Question) -> str | None:
        condition = question.condition
        if condition is None or condition.standing is None:
            return None
        standing = condition.standing
        return rules.condition_failure(
            condition.slug, standing.outcome, standing.label, question.condition_outcome
        )

    def _cascade(self, condition: _Question) -> None:
        for dependent in self.dependents.get(condition.ref, ()):
            reason = self._failure(dependent)
            standing = dependent.standing
            if reason is None or (standing is not None and standing.outcome == Outcome.ANNULLED):
                continue
            wanted = dependent.resolution
            if (
                wanted is not None
                and wanted["outcome"] == Outcome.ANNULLED
                and wanted["note"] != rules.automatic_annulment_note(reason)
            ):
                # The file annuls it with its own reason (annulled by hand before the
                # condition failed, as an export shows it): keep that annulment.
                self._append(
                    dependent,
                    outcome=wanted["outcome"],
                    label=wanted["outcome"],
                    known_at=wanted["known_at"],
                    evidence_url=wanted["evidence_url"],
                    note=wanted["note"],
                    automatic=False,
                )
            else:
                self._append_automatic(dependent, reason)
            self._cascade(dependent)

    def _append_automatic(self, question: _Question, reason: str) -> None:
        self._append(
            question,
            outcome=Outcome.ANNULLED.value,
            label=Outcome.ANNULLED.value,
            known_at=question.condition.standing.known_at,
            evidence_url=None,
            note=rules.automatic_annulment_note(reason),
            automatic=True,
        )

    def _append(self, question: _Question, **resolution) -> None:
        self.appends.append(
            {"question": question, "had_resolution": question.standing is not None, **resolution}
        )
        question.standing = _Standing(
            resolution["outcome"], resolution["label"], resolution["known_at"]
        )

    def _write_conditions(self) -> None:
        rows = [
            {"b_id": q.id, "b_condition": q.condition.id, "b_outcome": q.condition_outcome}
            for q in self.new_questions
            if q.condition is not None
        ]
        if not rows:
            return
        table = Question.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                condition_question_id=bindparam("b_condition"),
                condition_outcome=bindparam("b_outcome"),
            )
        )
        self.session.connection().execute(statement, rows)

    def _write_resolutions(self) -> list[int]:
        table = Resolution.__table__
        ids = self.ids.take(table, len(self.appends))
        resolved = self.writer.value(table.c.resolved_at, self.now)
        self.writer.executemany(
            table,
            (
                "id",
                "question_id",
                "outcome",
                "option_id",
                "known_at",
                "evidence_url",
                "note",
                "automatic",
                "resolved_at",
                "resolved_by_id",
            ),
            [
                (
                    resolution_id,
                    a["question"].id,
                    a["outcome"],
                    a["question"].option_ids.get(a["label"])
                    if a["outcome"] == Outcome.OPTION
                    else None,
                    a["known_at"],
                    a["evidence_url"],
                    a["note"],
                    a["automatic"],
                    resolved,
                    self.actor.user_id,
                )
                for a, resolution_id in zip(self.appends, ids, strict=True)
            ],
            process=("known_at", "automatic"),
        )
        return ids

    # -------------------------------------------------------------------------- audit

    def _write_audit(self, states: dict[int, dict], resolution_ids: list[int]) -> None:
        """The services' events for what was created and resolved, and one import event."""
        events: list[tuple] = []
        table = AuditEvent.__table__
        at = self.writer.value(table.c.at, self.now)
        names = (
            "at",
            "actor_id",
            "actor_name",
            "action",
            "entity_type",
            "entity_id",
            "before",
            "after",
        )

        def write() -> None:
            self.writer.executemany(table, names, events, process=("before", "after"))
            events.clear()

        def event(action: str, kind: str | None, entity_id: int | None, before, after):
            events.append(
                (at, self.actor.user_id, self.actor.name, action, kind, entity_id, before, after)
            )
            if len(events) >= CHUNK_ROWS:
                write()

        for pundit in self.new_pundits:
            event(
                "pundit.create",
                "pundit",
                pundit.id,
                None,
                {
                    "id": pundit.id,
                    "slug": pundit.slug,
                    "name": pundit.clean["name"],
                    "bio": pundit.clean["bio"],
                    "affiliation": pundit.clean["affiliation"],
                    "links": list(pundit.clean["links"]),
                    "version": 1,
                },
            )
        for source in self.new_sources:
            clean = source.clean
            event(
                "source.create",
                "source",
                source.id,
                None,
                {
                    "id": source.id,
                    "title": clean["title"],
                    "outlet": clean["outlet"],
                    "url": clean["url"],
                    "published_on": clean["published_on"].isoformat(),
                    "note": clean["note"],
                    "has_full_text": bool(clean["full_text"]),
                    "version": 1,
                },
            )
        resolved = {append["question"].ref for append in self.appends}
        for question in self.new_questions:
            after = self._new_question_dict(question)
            if question.ref in resolved:
                states[question.ref] = after
            event("question.create", "question", question.id, None, after)
        resolver = self.actor.name if self.actor.user_id is not None else None
        for append, resolution_id in zip(self.appends, resolution_ids, strict=True):
            question = append["question"]
            before = states[question.ref]
            resolution = {
                "id": resolution_id,
                "question_id": question.id,
                "outcome": append["label"],
                "known_at": append["known_at"].isoformat(),
                "evidence_url": append["evidence_url"],
                "note": append["note"],
                "automatic": append["automatic"],
                "resolved_at": serialize._iso(self.now),
                "resolved_by": resolver,
            }
            after = {
                **before,
                "outcome": append["label"],
                "known_at": resolution["known_at"],
                "resolution": resolution,
            }
            states[question.ref] = after
            event(
                rules.resolution_action(append["outcome"], append["had_resolution"]),
                "question",
                question.id,
                before,
                after,
            )
        event(
            "import",
            "import",
            None,
            None,
            {
                **self.report.as_dict(),
                "logged_at": serialize._iso(self.now),
                "logged_by": self.actor.name,
            },
        )
        write()

    def _new_question_dict(self, question: _Question) -> dict:
        """``serialize.question_dict`` of a question just written (no resolution yet)."""
        condition = question.condition
        return {
            "id": question.id,
            "slug": question.slug,
            "statement": question.statement,
            "resolution_criteria": question.clean["resolution_criteria"],
            "resolve_by": question.resolve_by.isoformat() if question.resolve_by else None,
            "kind": question.kind,
            "options": list(question.labels),
            "tags": list(question.tags),
            "condition": {
                "question_id": condition.id,
                "question_slug": condition.slug,
                "outcome": question.condition_outcome,
            }
            if condition
            else None,
            "note": question.clean["note"],
            "scorable": question.resolve_by is not None,
            "outcome": None,
            "known_at": None,
            "resolution": None,
            "version": 1,
        }

    def _existing_question_dicts(self, questions: list[_Question]) -> dict[int, dict]:
        ids = sorted({q.id for q in questions})
        result = {}
        for start in range(0, len(ids), _ID_BATCH):
            rows = self.session.scalars(
                select(Question)
                .where(Question.id.in_(ids[start : start + _ID_BATCH]))
                .options(
                    selectinload(Question.options),
                    selectinload(Question.tags),
                    selectinload(Question.condition_question),
                    selectinload(Question.resolutions).selectinload(Resolution.option),
                    selectinload(Question.resolutions).selectinload(Resolution.resolved_by),
                )
            )
            for row in rows:
                result[row.id] = serialize.question_dict(row)
        return result


_PREDICTION_COLUMNS = (
    "id",
    "question_id",
    "pundit_id",
    "source_id",
    "probability",
    "quote",
    "hedge_phrase",
    "probability_origin",
    "scale_name",
    "scale_version",
    "made_at",
    "logged_at",
    "logged_by_id",
    "note",
    "version",
)
