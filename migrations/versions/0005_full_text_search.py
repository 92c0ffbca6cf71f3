"""Full-text search over questions (statement, tags, criteria), pundits (name), sources
(title, outlet, text) and predictions (quote), on each database's own engine.

SQLite: FTS5 tables. Pundits, sources and predictions are *external-content* tables
(the text stays in the registry's own table; the index holds only the tokens), kept
current by triggers in the documented FTS5 pattern (insert the new values; 'delete' the
old ones). A question's tags live in another table, so its index is an ordinary FTS5
table holding its own copy of statement, tags and criteria: triggers on ``questions``
and on ``question_tags`` delete the question's row and write it again.

PostgreSQL: one table per kind of a ``tsvector`` per row (weights: A the title-like
field, B the next, C the body) with a GIN index, kept current by row triggers (a
deleted row's document goes with it, ON DELETE CASCADE). The 'simple' configuration:
words are lowercased, not stemmed, nor dropped as stop words (names and quotes in any
language). A source's text is indexed up to its first 200,000 characters (a
``tsvector`` holds at most 1 MB).

Triggers are the one path every write takes (the services, the importer and the demo
generator's bulk INSERTs, SQL typed by hand), so nothing has to remember to refresh the
index. Upgrading indexes the rows already there. A later revision that rebuilds one of
these tables in batch mode on SQLite (copy, DROP, rename) drops its triggers with it
and must create them again; the search tests write through the services and would
notice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

# (index table, registry table, indexed columns) of the external-content tables.
_EXTERNAL = (
    ("search_pundits", "pundits", ("name",)),
    ("search_sources", "sources", ("title", "outlet", "full_text")),
    ("search_predictions", "predictions", ("quote",)),
)

_QUESTION_ROW = """
    INSERT INTO search_questions (rowid, statement, tags, resolution_criteria)
    SELECT q.id, q.statement,
           coalesce((SELECT group_concat(t.slug, ' ') FROM question_tags AS qt
                     JOIN tags AS t ON t.id = qt.tag_id WHERE qt.question_id = q.id), ''),
           q.resolution_criteria
    FROM questions AS q WHERE q.id = {id};
"""


def _sqlite_upgrade() -> None:
    for index, table, columns in _EXTERNAL:
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        insert = f"INSERT INTO {index} (rowid, {names}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {index} ({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content = '{table}', "
            f"content_rowid = 'id', {TOKENIZE})"
        )
        op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names} ON {table} "
            f"BEGIN {delete} {insert} END"
        )
        op.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")

    op.execute(
        f"CREATE VIRTUAL TABLE search_questions USING fts5(statement, tags, resolution_criteria, {TOKENIZE})"
    )
    forget = "DELETE FROM search_questions WHERE rowid = {id};"
    for name, event, row in (
        ("insert", "AFTER INSERT ON questions", "new.id"),
        ("update", "AFTER UPDATE OF statement, resolution_criteria ON questions", "new.id"),
        ("tag", "AFTER INSERT ON question_tags", "new.question_id"),
        ("untag", "AFTER DELETE ON question_tags", "old.question_id"),
    ):
        op.execute(
            f"CREATE TRIGGER search_questions_{name} {event} BEGIN "
            f"{forget.format(id=row)} {_QUESTION_ROW.format(id=row)} END"
        )
    op.execute(
        "CREATE TRIGGER search_questions_delete AFTER DELETE ON questions BEGIN "
        f"{forget.format(id='old.id')} END"
    )
    op.execute(_QUESTION_ROW.replace("WHERE q.id = {id}", ""))


# (index table, key column, registry table, the document from a row called r)
_POSTGRES = (
    ("search_pundits", "pundit_id", "pundits", "to_tsvector('simple', r.name)"),
    (
        "search_sources",
        "source_id",
        "sources",
        "setweight(to_tsvector('simple', r.title), 'A')"
        " || setweight(to_tsvector('simple', r.outlet), 'B')"
        " || setweight(to_tsvector('simple', left(r.full_text, 200000)), 'C')",
    ),
    ("search_predictions", "prediction_id", "predictions", "to_tsvector('simple', r.quote)"),
    (
        "search_questions",
        "question_id",
        "questions",
        "setweight(to_tsvector('simple', r.statement), 'A')"
        " || setweight(to_tsvector('simple', coalesce((SELECT string_agg(t.slug, ' ')"
        " FROM question_tags AS qt JOIN tags AS t ON t.id = qt.tag_id"
        " WHERE qt.question_id = r.id), '')), 'B')"
        " || setweight(to_tsvector('simple', r.resolution_criteria), 'C')",
    ),
)
_WATCHED = {
    "pundits": "name",
    "sources": "title, outlet, full_text",
    "predictions": "quote",
    "questions": "statement, resolution_criteria",
}


def _postgres_upgrade() -> None:
    for index, key, table, document in _POSTGRES:
        op.execute(
            f"CREATE TABLE {index} ({key} integer PRIMARY KEY REFERENCES {table} (id) "
            "ON DELETE CASCADE, document tsvector NOT NULL)"
        )
        # The function (re)writes the document of one row of the registry table.
        op.execute(
            f"CREATE FUNCTION {index}_write(row_id integer) RETURNS void LANGUAGE sql AS $$ "
            f"INSERT INTO {index} ({key}, document) SELECT r.id, {document} FROM {table} AS r "
            f"WHERE r.id = row_id ON CONFLICT ({key}) DO UPDATE SET document = EXCLUDED.document "
            "$$"
        )
        op.execute(
            f"CREATE FUNCTION {index}_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM {index}_write(NEW.id); RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {index}_refresh AFTER INSERT OR UPDATE OF {_WATCHED[table]} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {index}_refresh()"
        )
        op.execute(
            f"INSERT INTO {index} ({key}, document) SELECT r.id, {document} FROM {table} AS r"
        )
        op.execute(
            f"CREATE INDEX ix_{index}_document ON {index} USING gin (document) "
            "WITH (fastupdate = off)"
        )
    op.execute(
        "CREATE FUNCTION search_questions_retag() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM search_questions_write(CASE WHEN TG_OP = 'DELETE' "
        "THEN OLD.question_id ELSE NEW.question_id END); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER search_questions_retag AFTER INSERT OR DELETE ON question_tags "
        "FOR EACH ROW EXECUTE FUNCTION search_questions_retag()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Dropping an FTS5 table drops its shadow tables; the triggers go by name.
        for name in ("insert", "update", "tag", "untag", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_questions_{name}")
        for index, _table, _columns in _EXTERNAL:
            for name in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {index}_{name}")
        for index in ("search_questions", *(index for index, _, _ in _EXTERNAL)):
            op.execute(f"DROP TABLE IF EXISTS {index}")
        return
    op.execute("DROP TRIGGER IF EXISTS search_questions_retag ON question_tags")
    op.execute("DROP FUNCTION IF EXISTS search_questions_retag()")
    for index, _key, table, _document in _POSTGRES:
        op.execute(f"DROP TRIGGER IF EXISTS {index}_refresh ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {index}_refresh()")
        op.execute(f"DROP TABLE IF EXISTS {index}")
        op.execute(f"DROP FUNCTION IF EXISTS {index}_write(integer)")
