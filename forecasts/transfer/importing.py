"""Import predictions from a CSV or JSON file (``forecasts import``); the format is in
``docs/import-format.md``.

The layers, each in its own module of ``forecasts.transfer``: ``reading`` gives the file's
rows, ``cells`` names their cells (``Row``) and reads a cell, ``nouns`` holds what the
import knows of each pundit, source and question (``Registry``: the registry's, loaded
once), this module checks the rows, ``planning`` decides the resolutions to append,
``writing`` writes the rows and their audit events, ``report`` is what it says back.

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
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forecasts import bulk, kept, moments, rules, search, services
from forecasts.errors import FieldErrors, ValidationError
from forecasts.models import QuestionKind, Role, User, utcnow
from forecasts.transfer import columns as C
from forecasts.transfer.cells import (
    PredictionCells,
    PunditCells,
    QuestionCells,
    ResolutionCells,
    Row,
    SourceCells,
    blank,
    columns_of,
    date_of,
    display,
    list_of,
    norm,
    outcome_of,
    parse_distribution_cell,
    shown,
    text_of,
)
from forecasts.transfer.nouns import Checked, Noun, PunditNoun, QuestionNoun, Registry, SourceNoun
from forecasts.transfer.planning import ResolutionPlan
from forecasts.transfer.probabilities import column_reading
from forecasts.transfer.reading import BadRow, Progress, detect_format, read_column, read_rows
from forecasts.transfer.report import MAX_LISTED_ERRORS, ImportRefused, ImportReport, RowError
from forecasts.transfer.writing import CHUNK_ROWS, Writes
from forecasts.validation import (
    FRACTION,
    READINGS,
    check_slug,
    check_url,
    parse_date,
    parse_datetime,
    parse_probability,
    parse_scale_reference,
    slugify,
)

__all__ = ["ImportRefused", "ImportReport", "RowError", "actor_for", "import_file"]

_CACHE_LIMIT = 200_000  # distinct cell values remembered per cache


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
    platform: str | None = None,
    options=None,
) -> ImportReport:
    """Import ``path`` in one transaction; raises ``ImportRefused`` listing every bad row
    (nothing written), or ``ValidationError`` for a file it cannot read.

    ``platform`` (one of ``models.PLATFORMS``) reads ``path`` as that platform's own
    export, through its adapter in ``forecasts.transfer.platforms`` (``options``: its
    ``Options``); the report then says what came from where and what was skipped.

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
    dump = None
    if platform is not None:
        from forecasts.transfer import platforms

        dump = platforms.read(platform, path, options)
        file_format, reading = platform, FRACTION  # an adapter writes fractions or "N%"
        rows = dump.rows(progress)
    else:
        file_format = detect_format(path, file_format)
        reading = probabilities or _column_reading(path, file_format, progress, max_listed)
        rows = read_rows(path, file_format, progress)

    def importer() -> _Importer:  # reads the registry: made once this import has its turn
        made = _Importer(
            session, actor, path.name, file_format, dry_run, max_listed, reading, probabilities
        )
        made.dump = dump
        return made

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
                kept.watch(session)  # the scores of what is added are kept at commit
                with search.bulk_indexing(session):
                    return importer().run(rows)
        except IntegrityError as error:  # another writer added the same row meanwhile
            raise ValidationError(
                "database",
                f"refused the import ({error.orig}); someone else changed the "
                "registry meanwhile. Nothing was imported: run it again",
            ) from error


def _retraction(at, reason, items: list) -> tuple[dt.datetime | None, str]:
    """A prediction's retraction as an export writes it: the time and the reason, both
    or neither (a retracted prediction is imported retracted, so never scored)."""
    reason_text = "" if blank(reason) else text_of(reason).strip()
    if blank(at):
        if reason_text:
            items.append(("retracted_at", "is required with a retraction_reason"))
        return None, ""
    try:
        moment = parse_datetime(text_of(at).strip(), "retracted_at")
    except ValidationError as error:
        items.extend(("retracted_at", e.rule) for e in error.errors)
        return None, ""
    if not reason_text:
        items.append(("retraction_reason", "is required when retracted_at is given"))
    return moment, reason_text


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _provenance_problems(platform: tuple[str, str], key: tuple[str, str, int]) -> list:
    """(column, rule) for a platform's name and the id (or handle) it gives a noun: both
    given, the name a slug of at most 40 characters, the id at most ``limit``."""
    (platform_column, name), (key_column, value, limit) = platform, key
    problems = []
    if not name:
        problems.append((platform_column, f"is required when {key_column} is given"))
    elif len(name) > 40 or slugify(name, 40) != name:
        problems.append(
            (platform_column, "must be a platform's name in lower case (letters, digits, -)")
        )
    if not value:
        problems.append((key_column, f"is required when {platform_column} is given"))
    elif len(value) > limit:
        problems.append((key_column, f"must be at most {limit} characters"))
    return problems


def _column_reading(
    path: Path, file_format: str, progress: Progress | None, max_listed: int
) -> str:
    """The probability column's reading, or ``ImportRefused`` naming the rows that
    disagree (the file's other rows are not checked then: this is the first thing wrong)."""
    verdict = column_reading(read_column(path, file_format, "probability", progress))
    if verdict.refused_count:
        rows = [
            RowError(line, "probability", rule, display(value))
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


# ----------------------------------------------------------------------------- importer


class _Importer:
    """One import's pass over the rows: each row checked by the services' rules, each noun
    matched against the registry (``Registry``) or defined by the file, checked predictions
    buffered and written in chunks (``Writes``), the resolutions planned at the end
    (``ResolutionPlan``); every problem kept as a ``RowError``."""

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
        self.text_cells = file_format != "json"  # every cell a str (CSV, an adapter's rows)
        self.dump = None  # a platform adapter's Dump: its references, skips and origins
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
        self.new_pundits: list[PunditNoun] = []
        self.new_sources: list[SourceNoun] = []
        self.new_questions: list[QuestionNoun] = []
        self._unwritten = {"pundits": 0, "sources": 0, "questions": 0}
        self.buffer: list[Checked] = []  # predictions checked, waiting to be written
        self.file_keys: set[int] = set()
        self.appends: list[dict] = []  # resolutions to append, in order
        self.late: list[tuple] = []  # (line, question, day) of forecasts after the deadline
        self.out = Writes(session, actor, self.now, {}, self.report)
        if not dry_run:
            self.out.ids.lock()  # SQLite: the maps below stay true until this import commits
        self.known = Registry(session)
        self.out.tag_ids.update(self.known.tag_ids)

    def _ref(self) -> int:
        self._next_ref -= 1
        return self._next_ref

    # ----------------------------------------------------------------------- errors

    @property
    def writing(self) -> bool:
        return not self.dry_run and not self.error_count

    def _bad(
        self,
        line: int,
        row: Row | None,
        items: Iterable[tuple[str, str]],
        values: dict[str, str] | None = None,
    ) -> None:
        self.bad_lines.add(line)
        for column, rule in items:
            self.error_count += 1
            if len(self.errors) < self.max_listed:
                if values is not None:
                    value = values.get(column, "")
                elif row is not None and column in C.INDEX:
                    value = display(row.cell(column))
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
            row = Row.of(cells)
            if not row.entry or row.entry == "prediction":
                self._prediction_row(line, row)
            else:
                self._entry_row(line, row)
        return self._finish()

    def _prediction_row(self, line: int, row: Row) -> None:
        items: list[tuple[str, str]] = []
        # Each noun's cells were most likely seen on an earlier row: a cache hit.
        pundit_cells = row.pundit
        pundit, problems = self._pundit_cache.get(pundit_cells) or self._pundit(line, pundit_cells)
        if problems:
            items.extend(problems)
        source = None
        source_cells = row.source
        if any(source_cells):
            source, problems = self._source_cache.get(source_cells) or self._source(
                line, source_cells
            )
            if problems:
                items.extend(problems)
        question_cells = row.question
        question, problems = self._question_cache.get(question_cells) or self._question(
            line, question_cells
        )
        if problems:
            items.extend(problems)
        moment, forecast, dist_key, quote, note, retraction = self._prediction_fields(
            line, row.prediction, question, source, items
        )
        if question is not None and any(row.resolution):
            items.extend(self._resolution(line, question, row.resolution))
        if items or pundit is None or question is None or (source is None and any(source_cells)):
            self._bad(line, row, items)
            return
        if self.error_count:
            return  # the file will be refused: only check the remaining rows
        key = hash((pundit.ref, question.ref, moment, forecast["probability"], dist_key, quote))
        self.buffer.append(
            Checked(key, pundit, source, question, moment, forecast, quote, note, *retraction)
        )
        if len(self.buffer) >= CHUNK_ROWS:
            self._flush()

    def _entry_row(self, line: int, row: Row) -> None:
        entry = text_of(row.entry).lower()
        if entry not in C.ENTRY_COLUMNS:
            if entry == "prediction":
                self._prediction_row(line, row._replace(entry=""))
                return
            self._bad(
                line,
                row,
                [(C.ENTRY, f"must be one of {', '.join(C.ENTRIES)} (empty means prediction)")],
            )
            return
        allowed = C.ENTRY_COLUMNS[entry]
        items = [
            (column, f"must be empty on a {entry} row")
            for column, cell in row.named()
            if column not in allowed and not blank(cell)
        ]
        if entry == "pundit":
            items.extend(self._pundit(line, row.pundit)[1])
        elif entry == "source":
            items.extend(self._source(line, row.source)[1])
        else:
            question, problems = self._question(line, row.question)
            items.extend(problems)
            if question is not None and any(row.resolution):
                items.extend(self._resolution(line, question, row.resolution))
        if items:
            self._bad(line, row, items)

    # ----------------------------------------------------------------------- nouns

    def _matched(
        self, noun: Noun, cells: tuple, names: tuple[str, ...], kind: str, key_column: str
    ):
        """An existing noun is used as it is; a new one's later mentions must agree with
        the row that defined it (an empty cell agrees with anything)."""
        if noun.bad:
            return None, [(key_column, f"the {kind} defined on line {noun.line} has errors")]
        if not noun.new:
            return noun, []
        conflicts = []
        for column, cell, first_cell in zip(names, cells, noun.cells, strict=True):
            if blank(cell):
                continue
            if column in ("pundit_slug", "question_slug"):
                first = noun.slug  # given, or made from the name or statement
            else:
                first = norm(column, first_cell)
            if norm(column, cell) != first:
                conflicts.append(
                    (
                        column,
                        f"differs from line {noun.line}, which gave {shown(first)} for this {kind}",
                    )
                )
        return (None if conflicts else noun), conflicts

    def _pundit(self, line: int, cells: PunditCells):
        hit = self._pundit_cache.get(cells)
        if hit is None:
            hit = self._match_pundit(line, cells)
            if len(self._pundit_cache) >= _CACHE_LIMIT:
                self._pundit_cache.clear()
            self._pundit_cache[cells] = hit
        return hit

    def _match_pundit(self, line: int, cells: PunditCells):
        name, slug = text_of(cells.name), text_of(cells.slug)
        platform, handle = text_of(cells.platform), text_of(cells.handle)
        if platform or handle:  # a platform's user: found by platform and handle alone
            problems = _provenance_problems(
                ("pundit_platform", platform), ("pundit_handle", handle, 200)
            )
            if problems:
                return None, problems
            found = self.known.pundit_by_platform.get((platform, handle))
            if found is not None:
                return self._matched(found, cells, C.PUNDIT, "pundit", "pundit_handle")
            if slug and slug in self.known.pundit_by_slug:
                return None, [("pundit_slug", rules.slug_taken_rule(slug))]
            return self._new_pundit(line, cells, name or handle, slug, (platform, handle))
        if slug:
            found = self.known.pundit_by_slug.get(slug)
        elif name:
            named = self.known.pundits_by_name.get(name, ())
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
        return self._new_pundit(line, cells, name, slug, None)

    def _new_pundit(self, line: int, cells: PunditCells, name: str, slug: str, platform):
        errors = FieldErrors()
        clean = rules.check_pundit_fields(
            errors,
            name=name,
            bio=text_of(cells.bio),
            affiliation=text_of(cells.affiliation),
            links=list_of(cells.links, "pundit_links"),
        )
        if slug:
            with errors.field():
                slug = check_slug(slug)
        else:
            slug = rules.unique_slug(slugify(clean.get("name") or name), self.known.pundit_slugs)
        pundit = PunditNoun(self._ref(), None, True, line)
        pundit.slug, pundit.name, pundit.clean = slug, clean.get("name") or name, clean
        clean["platform"], clean["platform_handle"] = platform or (None, None)
        pundit.cells = cells
        self.known.pundit_by_slug[slug] = pundit
        self.known.pundit_slugs.add(slug)
        if platform:
            self.known.pundit_by_platform[platform] = pundit
        else:
            self.known.pundits_by_name[name].append(pundit)
        problems = columns_of("pundit", errors.items)
        if problems:
            pundit.bad = True
            return None, problems
        self.new_pundits.append(pundit)
        self._unwritten["pundits"] += 1
        return pundit, []

    def _source(self, line: int, cells: SourceCells):
        hit = self._source_cache.get(cells)
        if hit is None:
            hit = self._match_source(line, cells)
            if len(self._source_cache) >= _CACHE_LIMIT:
                self._source_cache.clear()
            self._source_cache[cells] = hit
        return hit

    def _match_source(self, line: int, cells: SourceCells):
        title = text_of(cells.title)
        try:
            url = check_url(text_of(cells.url), "url")
        except ValidationError:
            url = None
        try:
            published_on = parse_date(date_of(cells.published_on), "published_on")
        except ValidationError:
            published_on = None
        if url:
            found = self.known.source_by_url.get(url)
        else:
            found_list = self.known.sources_by_title.get((title, published_on), ())
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
            title=cells.title,
            url=text_of(cells.url),
            published_on=date_of(cells.published_on),
            outlet=text_of(cells.outlet),
            today=self.today,
        )
        clean["note"] = text_of(cells.note)
        clean["full_text"] = "" if blank(cells.full_text) else str(cells.full_text)
        source = SourceNoun(self._ref(), None, True, line)
        source.published_on, source.clean = clean.get("published_on"), clean
        source.cells = cells
        if url:
            self.known.source_by_url[url] = source
        self.known.sources_by_title[(title, published_on)].append(source)
        problems = columns_of("source", errors.items)
        if problems:
            source.bad = True
            return None, problems
        self.new_sources.append(source)
        self._unwritten["sources"] += 1
        return source, []

    def _question(self, line: int, cells: QuestionCells):
        hit = self._question_cache.get(cells)
        if hit is None:
            hit = self._match_question(line, cells)
            if len(self._question_cache) >= _CACHE_LIMIT:
                self._question_cache.clear()
            self._question_cache[cells] = hit
        return hit

    def _match_question(self, line: int, cells: QuestionCells):
        statement, slug = text_of(cells.statement), text_of(cells.slug)
        platform, platform_id = text_of(cells.platform), text_of(cells.platform_id)
        url = text_of(cells.url)
        if platform or platform_id or url:  # a platform's question: found by its id there
            problems = _provenance_problems(
                ("question_platform", platform), ("question_platform_id", platform_id, 200)
            )
            if url:
                try:
                    url = check_url(url, "question_url")
                except ValidationError as error:
                    problems.extend(("question_url", e.rule) for e in error.errors)
            if problems:
                return None, problems
            found = self.known.question_by_platform.get((platform, platform_id))
            if found is not None:
                return self._matched(found, cells, C.QUESTION, "question", "question_platform_id")
            if not statement:
                return None, [("statement", "is required")]
            if slug and slug in self.known.question_by_slug:
                return None, [("question_slug", rules.slug_taken_rule(slug))]
            return self._new_question(line, cells, statement, slug, (platform, platform_id, url))
        if statement in self.known.repeated_statements:
            found = self.known.question_by_slug.get(slug) if slug else None
            if found is None or found.statement != statement:
                return None, [
                    (
                        "question_slug" if slug else "statement",
                        "names no question with this statement"
                        if slug
                        else "several questions have this statement; give question_slug "
                        "(or question_platform and question_platform_id) to say which",
                    )
                ]
            return self._matched(found, cells, C.QUESTION, "question", "statement")
        if statement:
            found = self.known.question_by_statement.get(statement)
            if found is not None and slug and slug != found.slug:
                return None, [
                    (
                        "question_slug",
                        "does not match the question with this "
                        f"statement, whose slug is {found.slug!r}",
                    )
                ]
            if found is None and slug in self.known.question_by_slug:
                return None, [
                    (
                        "question_slug",
                        rules.slug_taken_rule(slug) + " by a question with another statement",
                    )
                ]
        elif slug:
            found = self.known.question_by_slug.get(slug)
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
        return self._new_question(line, cells, statement, slug, None)

    def _new_question(self, line: int, cells: QuestionCells, statement: str, slug: str, platform):
        errors = FieldErrors()
        clean = rules.check_question_fields(
            errors,
            statement=cells.statement,
            resolution_criteria=text_of(cells.resolution_criteria),
            resolve_by=date_of(cells.resolve_by) or None,
            imported=True,
        )
        clean["platform"], clean["platform_id"], clean["platform_url"] = platform or (None,) * 3
        kind = text_of(cells.kind) or QuestionKind.BINARY.value
        labels = rules.check_kind_and_options(errors, kind, list_of(cells.options, "options"))
        tags = rules.check_tags(errors, list_of(cells.tags, "tags"))
        if slug:
            with errors.field():
                slug = check_slug(slug)
        else:
            slug = rules.unique_slug(slugify(statement), self.known.question_slugs)
        question = QuestionNoun(self._ref(), None, True, line)
        question.slug, question.statement, question.kind = slug, statement, kind
        question.resolve_by = clean.get("resolve_by")
        question.labels, question.tags = tuple(labels), tags
        question.clean = {**clean, "note": text_of(cells.note)}
        question.condition_text = text_of(cells.condition)
        question.condition_outcome = text_of(cells.condition_outcome)
        if question.condition_outcome and not question.condition_text:
            errors.add("condition_question_id", rules.CONDITION_REQUIRED)
        question.cells = cells
        if platform:
            question.platform_key = platform[:2]
            self.known.question_by_platform[question.platform_key] = question
            self.known.add_statement(statement, question)
        else:
            self.known.question_by_statement[statement] = question
        self.known.question_by_slug[slug] = question
        self.known.question_slugs.add(slug)
        problems = columns_of("question", errors.items)
        if problems:
            question.bad = True
            return None, problems
        self.new_questions.append(question)
        self._unwritten["questions"] += 1
        return question, []

    def _resolution(self, line: int, question: QuestionNoun, cells: ResolutionCells) -> list:
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
                first = norm(column, first_cell)
                if not blank(cell) and norm(column, cell) != first:
                    problems.append(
                        (
                            column,
                            f"differs from line {question.resolution_line}, "
                            f"which gave {shown(first)} for this question",
                        )
                    )
                elif blank(cell) and first and column in ("outcome", "known_at"):
                    problems.append(
                        (
                            column,
                            "is empty here but the question's resolution on "
                            f"line {question.resolution_line} gives "
                            f"{shown(first)}",
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
                outcome=outcome_of(cells.outcome),
                known_at=text_of(cells.known_at),
                evidence_url=text_of(cells.evidence_url),
                note=text_of(cells.note),
                today=self.today,
            )
            question.resolution_line = line
            question.resolution_cells = cells
            problems = columns_of("resolution", errors.items)
            question.resolution = None if problems else clean
            question.resolution_problems = problems
            return problems
        if len(self._resolution_cache) >= _CACHE_LIMIT:
            self._resolution_cache.clear()
        self._resolution_cache[key] = problems
        return problems

    # ------------------------------------------------------------------ predictions

    def _prediction_fields(
        self,
        line: int,
        cells: PredictionCells,
        question: QuestionNoun | None,
        source: SourceNoun | None,
        items: list,
    ) -> tuple:
        """The prediction's cells, checked by the service's rules: (made-at, the forecast
        as ``check_prediction_forecast`` cleans it, its distribution as a key, quote, note,
        and its retraction: a time and a reason, or None and "")."""
        (probability, distribution, quote, hedge_phrase, origin, scale, made_at, note) = cells[:8]
        retraction = _retraction(cells.retracted_at, cells.retraction_reason, items)
        if question is not None:
            kind, labels, resolve_by = question.kind, question.labels, question.resolve_by
        else:
            kind, labels, resolve_by = None, (), None
        if blank(made_at) and source is not None:
            made_at = source.published_on  # as the log-a-prediction form does
        errors = FieldErrors()
        moment = rules.check_prediction_moment(
            errors,
            made_at=made_at,
            kind=kind,
            resolve_by=resolve_by,
            source_published_on=source.published_on if source is not None else None,
            now=self.now,
            late_allowed=True,
        )
        if errors.items:
            items.extend(columns_of("prediction", errors.items))
        elif resolve_by is not None and moments.day_of(moment) > resolve_by:
            # After the deadline: kept if the question was still open then (``_late``).
            self.late.append((line, question, moments.day_of(moment)))
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
            quote, hedge_phrase, origin, note = map(text_of, (quote, hedge_phrase, origin, note))
            hit = self._check_forecast(
                kind, labels, probability, distribution, origin, scale, hedge_phrase
            )
        forecast, dist_key, problems = hit
        if problems:
            items.extend(problems)
        return moment, forecast, dist_key, quote.strip(), note.strip(), retraction

    def _check_forecast(
        self, kind, labels, probability, distribution, origin, scale, hedge_phrase
    ) -> tuple:
        """(forecast, distribution key, problems): the form's parsers, then the service's
        ``check_prediction_forecast``."""
        problems: list[tuple[str, str]] = []
        failed: tuple[str, ...] = ()
        probability_value = distribution_value = scale_name = scale_version = None
        if not blank(probability):
            try:
                probability_value = parse_probability(probability, reading=self.reading)
            except ValidationError as error:
                problems.extend(columns_of("prediction", error.errors))
                failed += ("probability",)
        if not blank(distribution):
            try:
                distribution_value = parse_distribution_cell(
                    distribution, self.distribution_reading
                )
            except ValidationError as error:
                problems.extend(columns_of("prediction", error.errors))
                failed += ("distribution",)
        if not blank(scale):
            try:
                scale_name, scale_version = parse_scale_reference(scale)
            except ValidationError as error:
                problems.extend(columns_of("prediction", error.errors))
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
            columns_of(
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
        self.known.load_keys({row.question for row in rows if not row.question.new})
        keep = []
        db_keys, file_keys = self.known.prediction_keys, self.file_keys
        for row in rows:
            if row.key in db_keys:
                self.report.already_present += 1
            elif row.key in file_keys:
                self.report.duplicates += 1
            else:
                file_keys.add(row.key)
                keep.append(row)
        self.report.added["predictions"] += len(keep)
        if self.writing and keep:
            self._write_nouns()
            self.out.predictions(keep)

    def _write_nouns(self) -> None:
        """Write the new pundits, sources and questions not written yet."""
        for kind, write in (
            ("pundits", self.out.pundits),
            ("sources", self.out.sources),
            ("questions", self.out.questions),
        ):
            count = self._unwritten[kind]
            if count:
                write(getattr(self, f"new_{kind}")[-count:])
                self._unwritten[kind] = 0

    # ------------------------------------------------------------------------ finish

    def _plan_references(self) -> list[tuple]:
        """A platform's aggregate points to add: (question, source, at, probability, url)
        for the questions the import knows, less those the registry (or the dump
        itself) already has; the report counts both, and what names no question."""
        dump = self.dump
        if dump is None:
            return []
        report = self.report
        report.platform = dump.platform
        report.origins = list(dump.origins)
        report.skipped = dict(dump.skipped)
        by_platform = self.known.question_by_platform
        points: dict[tuple, tuple] = {}
        unknown = 0
        for point in dump.references:
            question = by_platform.get(point.question)
            if question is None or question.bad:
                unknown += 1
                continue
            key = (question.ref, point.source, point.at)
            points[key] = (question, point.source, point.at, point.probability, point.url)
        if unknown:
            report.skipped["reference points on questions not imported"] = unknown
        existing = self.out.existing_reference_keys(
            [q for q in {p[0] for p in points.values()} if not q.new]
        )
        new = [p for key, p in points.items() if key not in existing]
        report.references, report.references_present = len(new), len(points) - len(new)
        return new

    def _check_late(self) -> None:
        """Forecasts made after their question's deadline are kept (imported history: the
        platform took them) while the question was still open: not once its outcome was
        known on an earlier day. The question page says which were judged late."""
        for line, question, made_on in self.late:
            standing = question.standing
            if standing is None or standing.outcome == "annulled":
                continue
            known_on = _day(standing.known_at)
            if known_on < made_on:
                self._bad(
                    line,
                    None,
                    [("made_at", rules.late_forecast_rule(question.resolve_by, known_on))],
                    {"made_at": made_on.isoformat()},
                )
            else:
                self.report.late += 1

    def _finish(self) -> ImportReport:
        self._flush()
        plan = ResolutionPlan(self.known, self.new_questions, self._bad)
        plan.link_conditions()
        self.appends = plan.plan()
        self._check_late()
        for kind in ("pundits", "sources", "questions"):
            self.report.added[kind] = len(getattr(self, f"new_{kind}"))
        self.report.added["resolutions"] = len(self.appends)
        points = self._plan_references()
        if self.error_count:
            ordered = sorted(self.errors, key=lambda e: e.line)
            raise ImportRefused(self.report.file, ordered, self.error_count, len(self.bad_lines))
        if self.dry_run or not self.report.changed:
            return self.report  # nothing to write (a no-op import leaves no audit event)
        self._write_nouns()
        self.out.restore_indexes()
        self.out.conditions(self.new_questions)
        # The existing questions' audit "before", read before their resolutions are written.
        states = self.out.existing_question_dicts(
            [a["question"] for a in self.appends if not a["question"].new]
        )
        resolution_ids = self.out.resolutions(self.appends)
        self.out.references(points)
        self.out.audit(
            self.new_pundits,
            self.new_sources,
            self.new_questions,
            self.appends,
            states,
            resolution_ids,
        )
        return self.report
