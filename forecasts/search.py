"""Full-text search over the registry: questions (statement, tags, criteria), pundits
(name), sources (title, outlet, text) and predictions (quote).

The index is each database's own engine, made by migration 0005 and kept current by
triggers on every write: SQLite FTS5 ranked by bm25, PostgreSQL ``tsvector`` with a GIN
index ranked by ``ts_rank``. This module reads it.

A query is read as words (runs of letters and digits); everything else in it (quotes,
operators, brackets) only separates words, so no input can reach either engine's query
syntax. A result matches every word; a word of three or more characters also matches
the words it begins ("elect" finds "election"). Words are lowercased; SQLite also
ignores accents. Matched words are marked in the result's text by ``Snippet``, which
escapes the text first and marks it after: stored text is never trusted as HTML.

Ranking is bounded: a query is ranked among its ``CANDIDATES`` newest matches of each
kind (a word in half the registry would otherwise rank half the registry on every
request); ``Group.more`` says when there were more, and the page asks for more words.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session, selectinload

from forecasts.errors import FieldError, ValidationError
from forecasts.models import Prediction, Pundit, Question, Source
from forecasts.queries import Page

MAX_QUERY_CHARACTERS = 200
MAX_WORDS = 10
PREFIX_FROM = 3  # words at least this long match as prefixes
CANDIDATES = 1000
MAX_PAGE_SIZE = 100

# The kinds, in the order the results show them, with their names for people.
KINDS = ("question", "pundit", "source", "prediction")
LABELS = {
    "question": "Questions",
    "pundit": "Pundits",
    "source": "Sources",
    "prediction": "Quotes",
}

# The index tables migration 0005 makes (with SQLite's shadow tables, named after them).
INDEX_TABLES = ("search_questions", "search_pundits", "search_sources", "search_predictions")


def is_index_table(name: str) -> bool:
    """Whether a table belongs to the search index (migration 0005's, not the models'):
    Alembic's comparison of the models with the database leaves these out."""
    return name.startswith("search_")


# ------------------------------------------------------------------ bulk writes

# Each kind's index table, the registry table it indexes, and (PostgreSQL) its key.
_INDEXED = (
    ("search_pundits", Pundit, "pundit_id"),
    ("search_sources", Source, "source_id"),
    ("search_questions", Question, "question_id"),
    ("search_predictions", Prediction, "prediction_id"),
)


@contextlib.contextmanager
def bulk_indexing(bind: Session | Connection) -> Iterator[None]:
    """Index the rows a bulk writer adds once, at the end, not row by row.

    For the rest of the block the index's inserting triggers skip (on this connection,
    in this transaction only); when the block ends without an error, every row added
    since it began is indexed with one INSERT ... SELECT per kind, and the triggers are
    live again. For writers that only add rows (the importer, the demo generator): an
    update or delete is indexed by its trigger as ever, but a tag added to an older
    question inside the block would not be. On an error nothing is indexed (the caller
    rolls back) and the pause ends all the same."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    sqlite = connection.dialect.name == "sqlite"
    if not _has_index(connection, sqlite):  # a database before migration 0005
        yield
        return
    marks = {
        index: connection.scalar(select(func.coalesce(func.max(model.id), 0)))
        for index, model, _ in _INDEXED
    }
    if not sqlite:  # SET LOCAL: the pause ends with the transaction, however it ends
        connection.exec_driver_sql("SET LOCAL forecasts.search_paused = 'on'")
        yield
        _catch_up(connection, marks, sqlite)
        connection.exec_driver_sql("SET LOCAL forecasts.search_paused = 'off'")
        return
    # SQLite: the driver begins no transaction for DDL, so begin one (deferred: no lock
    # yet) for the TEMP table to go with a rollback; it is also dropped on the way out.
    driver = connection.connection.dbapi_connection
    if not driver.in_transaction:
        driver.execute("BEGIN")
    connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS search_paused (paused)")
    try:
        yield
        _catch_up(connection, marks, sqlite)
    finally:
        connection.exec_driver_sql("DROP TABLE IF EXISTS temp.search_paused")


def _catch_up(connection: Connection, marks: dict[str, int], sqlite: bool) -> None:
    for index, model, key in _INDEXED:
        sql = (
            _sqlite_catch_up(connection, index, model)
            if sqlite
            else _postgres_catch_up(index, model, key)
        )
        connection.execute(text(sql), {"mark": marks[index]})


def _has_index(connection: Connection, sqlite: bool) -> bool:
    if sqlite:
        found = "SELECT count(*) FROM sqlite_master WHERE name = 'search_pundits'"
    else:
        found = "SELECT count(*) FROM pg_class WHERE oid = to_regclass('search_pundits')"
    return bool(connection.exec_driver_sql(found).scalar())


def _sqlite_catch_up(connection: Connection, index: str, model) -> str:
    """Index the rows after ``:mark`` that are not in ``index`` (its ``_docsize`` table
    has a row per indexed row), from the registry table (a question's from the
    migration's view, which adds its tags)."""
    columns = [row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({index})")]
    source = "search_question_rows" if model is Question else model.__tablename__
    names = ", ".join(columns)
    return (
        f"INSERT INTO {index} (rowid, {names}) SELECT r.id, "
        + ", ".join(f"r.{column}" for column in columns)
        + f" FROM {source} AS r WHERE r.id > :mark AND NOT EXISTS "
        f"(SELECT 1 FROM {index}_docsize AS d WHERE d.id = r.id) ORDER BY r.id"
    )


def _postgres_catch_up(index: str, model, key: str) -> str:
    table = model.__tablename__
    return (
        f"INSERT INTO {index} ({key}, document) SELECT r.id, {index}_document(r) "
        f"FROM {table} AS r WHERE r.id > :mark "
        f"ON CONFLICT ({key}) DO UPDATE SET document = EXCLUDED.document"
    )


# ---------------------------------------------------------------------- the query

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """A query as the user typed it, and the words it is read as."""

    text: str
    words: tuple[str, ...]

    def fts5(self) -> str:
        """The FTS5 MATCH expression: each word a quoted string (a prefix if long)."""
        return " ".join(
            f'"{word}"*' if len(word) >= PREFIX_FROM else f'"{word}"' for word in self.words
        )

    def tsquery(self) -> str:
        """The ``to_tsquery('simple', ...)`` expression: the words joined by AND."""
        return " & ".join(
            f"'{word}':*" if len(word) >= PREFIX_FROM else f"'{word}'" for word in self.words
        )


def parse_query(raw: str | None, field_name: str = "q") -> Query:
    """Read what the user typed as a ``Query``; refuse (``ValidationError`` naming
    ``field_name``) a query longer than ``MAX_QUERY_CHARACTERS``, with no word at all,
    or with more than ``MAX_WORDS`` words.

    >>> parse_query('"Iran" AND (war*)').words
    ('iran', 'and', 'war')
    """
    raw = raw or ""
    if len(raw) > MAX_QUERY_CHARACTERS:
        raise ValidationError(
            field_name,
            f"must be at most {MAX_QUERY_CHARACTERS} characters (got {len(raw)})",
        )
    words = list(dict.fromkeys(_WORD.findall(unicodedata.normalize("NFKC", raw).lower())))
    if not words:
        raise ValidationError(field_name, "must contain a word to search for (letters or digits)")
    if len(words) > MAX_WORDS:
        raise ValidationError(
            field_name, f"must have at most {MAX_WORDS} different words (got {len(words)})"
        )
    return Query(raw, tuple(words))


# ------------------------------------------------------------------- highlighting


@functools.lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    """A word without case or accents, for marking it (the engines match more finely)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Snippet:
    """Text cut into parts, each marked as a matched word or not. ``html`` escapes every
    part and wraps the matched ones in ``<mark>``; Jinja renders it through
    ``__html__``, so templates never mark text safe themselves."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(part for part, _ in self.parts)

    @property
    def matched(self) -> bool:
        return any(matched for _, matched in self.parts)

    @property
    def html(self) -> str:
        return "".join(
            f"<mark>{html.escape(part)}</mark>" if matched else html.escape(part)
            for part, matched in self.parts
        )

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text


class Marker:
    """Marks the words of a text that match a query's words."""

    def __init__(self, words: Iterable[str]):
        folded = [_folded(word) for word in words]
        self.prefixes = tuple(word for word in folded if len(word) >= PREFIX_FROM)
        self.exact = frozenset(word for word in folded if len(word) < PREFIX_FROM)

    def matches(self, word: str) -> bool:
        folded = _folded(word)
        return folded in self.exact or folded.startswith(self.prefixes)

    def mark(self, value: str) -> Snippet:
        parts: list[tuple[str, bool]] = []
        at = 0
        for word in _WORD.finditer(value):
            if self.matches(word.group()):
                if word.start() > at:
                    parts.append((value[at : word.start()], False))
                parts.append((word.group(), True))
                at = word.end()
        if at < len(value):
            parts.append((value[at:], False))
        return Snippet(tuple(parts))

    def excerpt(self, value: str, width: int = 240) -> Snippet | None:
        """About ``width`` characters of ``value`` around its first matched word, marked,
        with an ellipsis where it was cut; None when no word of it matches."""
        first = next((w for w in _WORD.finditer(value) if self.matches(w.group())), None)
        if first is None:
            return None
        if len(value) <= width:
            return self.mark(value)
        start = max(0, first.start() - width // 3)
        stop = min(len(value), start + width)
        if start > 0:  # begin at a word
            space = value.find(" ", start, first.start())
            start = space + 1 if space != -1 else start
        if stop < len(value):
            space = value.rfind(" ", first.end(), stop)
            stop = space if space != -1 else stop
        snippet = self.mark(" ".join(value[start:stop].split()))
        before = (("… ", False),) if start > 0 else ()
        after = ((" …", False),) if stop < len(value) else ()
        return Snippet(before + snippet.parts + after)


# ------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Hit:
    """One result: what it is (``kind``, the registry row ``item``), its rank score
    (higher is better, whichever the engine), and its text with the matches marked:
    ``title``, and ``excerpt`` of the longer text where a word matched (or None);
    ``tags`` for a question."""

    kind: str
    item: object
    score: float
    title: Snippet
    excerpt: Snippet | None = None
    tags: tuple[tuple[str, Snippet], ...] = ()


@dataclass(frozen=True)
class Group:
    """The results of one kind: ``page`` of them (its ``total`` counts at most
    ``CANDIDATES``), and ``more`` when the query matched more than that."""

    kind: str
    page: Page
    more: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class Results:
    query: Query
    kind: str | None
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.page.total for group in self.groups)


def _check(kind: str | None, page: int, size: int) -> None:
    problems = []
    if kind is not None and kind not in KINDS:
        problems.append(FieldError("kind", f"must be one of {', '.join(KINDS)} (got {kind!r})"))
    if not isinstance(page, int) or page < 1:
        problems.append(FieldError("page", f"must be a whole number of at least 1 (got {page!r})"))
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        problems.append(
            FieldError("per_page", f"must be between 1 and {MAX_PAGE_SIZE} (got {size!r})")
        )
    if problems:
        raise ValidationError(problems)


def search(
    session: Session,
    query: str | Query | None,
    kind: str | None = None,
    page: int = 1,
    size: int = 20,
) -> Results:
    """Search the registry: for each kind (or only ``kind``), page ``page`` of ``size``
    results, best first. A query that cannot be read, an unknown kind or a bad page is
    refused with a ``ValidationError`` naming the field."""
    _check(kind, page, size)
    parsed = query if isinstance(query, Query) else parse_query(query)
    marker = Marker(parsed.words)
    offset = (page - 1) * size
    groups = []
    for name in [kind] if kind else KINDS:
        ranked, total = _ranked(session, name, parsed, offset, size)
        hits = _hits(session, name, ranked, marker)
        shown = min(total, CANDIDATES)
        groups.append(Group(name, Page(hits, shown, page, size), more=total > CANDIDATES))
    return Results(parsed, kind, groups)


# ------------------------------------------------------------------ the engines

_SQLITE_RANK = {
    "question": ("search_questions", "bm25(search_questions, 10.0, 5.0, 1.0)"),
    "pundit": ("search_pundits", "bm25(search_pundits)"),
    "source": ("search_sources", "bm25(search_sources, 10.0, 5.0, 1.0)"),
    "prediction": ("search_predictions", "bm25(search_predictions)"),
}
_POSTGRES_KEY = {
    "question": ("search_questions", "question_id"),
    "pundit": ("search_pundits", "pundit_id"),
    "source": ("search_sources", "source_id"),
    "prediction": ("search_predictions", "prediction_id"),
}


def _sqlite_sql(kind: str) -> str:
    table, rank = _SQLITE_RANK[kind]
    # bm25 is lower for better matches; it is computed for the candidates only.
    return (
        "SELECT id, -score, count(*) OVER () FROM ("
        f"SELECT rowid AS id, {rank} AS score FROM {table} WHERE {table} MATCH :match "
        "ORDER BY rowid DESC LIMIT :candidates) "
        "ORDER BY score, id DESC LIMIT :limit OFFSET :offset"
    )


def _postgres_sql(kind: str) -> str:
    table, key = _POSTGRES_KEY[kind]
    return (
        "SELECT c.id, ts_rank(c.document, to_tsquery('simple', :match)) AS score, "
        "count(*) OVER () FROM ("
        f"SELECT {key} AS id, document FROM {table} "
        f"WHERE document @@ to_tsquery('simple', :match) ORDER BY {key} DESC "
        "LIMIT :candidates) AS c ORDER BY score DESC, c.id DESC LIMIT :limit OFFSET :offset"
    )


def _ranked(
    session: Session, kind: str, query: Query, offset: int, size: int
) -> tuple[list[tuple[int, float]], int]:
    """(id, score) of one page of a kind's matches, best first, and how many matches
    there are (up to ``CANDIDATES + 1``)."""
    if offset >= CANDIDATES:
        return [], _count(session, kind, query)
    postgres = session.get_bind().dialect.name == "postgresql"
    sql = _postgres_sql(kind) if postgres else _sqlite_sql(kind)
    rows = session.execute(
        text(sql),
        {
            "match": query.tsquery() if postgres else query.fts5(),
            "candidates": CANDIDATES + 1,
            "limit": min(size, CANDIDATES - offset),
            "offset": offset,
        },
    ).all()
    if not rows and offset:
        return [], _count(session, kind, query)
    return [(row[0], float(row[1])) for row in rows], (rows[0][2] if rows else 0)


def _count(session: Session, kind: str, query: Query) -> int:
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        table, key = _POSTGRES_KEY[kind]
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE document @@ "
            "to_tsquery('simple', :match) LIMIT :candidates) AS c"
        )
    else:
        table, _ = _SQLITE_RANK[kind]
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH :match "
            "LIMIT :candidates)"
        )
    return session.scalar(
        text(sql),
        {"match": query.tsquery() if postgres else query.fts5(), "candidates": CANDIDATES + 1},
    )


# ----------------------------------------------------------------- loading rows


def _rows(session: Session, kind: str, ids: Sequence[int]) -> dict[int, object]:
    if not ids:
        return {}
    if kind == "question":
        statement = (
            select(Question).where(Question.id.in_(ids)).options(selectinload(Question.tags))
        )
    elif kind == "pundit":
        statement = select(Pundit).where(Pundit.id.in_(ids))
    elif kind == "source":
        statement = select(Source).where(Source.id.in_(ids))
    else:
        statement = (
            select(Prediction)
            .where(Prediction.id.in_(ids))
            .options(selectinload(Prediction.pundit), selectinload(Prediction.question))
        )
    return {row.id: row for row in session.scalars(statement)}


def _hit(kind: str, item, score: float, marker: Marker) -> Hit:
    if kind == "question":
        return Hit(
            kind,
            item,
            score,
            marker.mark(item.statement),
            marker.excerpt(item.resolution_criteria or ""),
            tuple((tag.slug, marker.mark(tag.slug)) for tag in item.tags),
        )
    if kind == "pundit":
        return Hit(
            kind, item, score, marker.mark(item.name), marker.excerpt(item.affiliation or "")
        )
    if kind == "source":
        found = marker.excerpt(item.full_text or "") or marker.excerpt(item.outlet or "")
        return Hit(kind, item, score, marker.mark(item.title), found)
    return Hit(kind, item, score, marker.excerpt(item.quote or "") or marker.mark(item.quote or ""))


def _hits(
    session: Session, kind: str, ranked: list[tuple[int, float]], marker: Marker
) -> list[Hit]:
    rows = _rows(session, kind, [row_id for row_id, _ in ranked])
    return [_hit(kind, rows[row_id], score, marker) for row_id, score in ranked if row_id in rows]
