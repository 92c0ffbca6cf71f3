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
index. A bulk writer may pause the *inserting* triggers for its own transaction (SQLite:
a TEMP table ``search_paused`` on its connection; PostgreSQL: ``SET LOCAL
forecasts.search_paused = 'on'``) and index its new rows in one statement per kind
instead (``forecasts.search.bulk_indexing``): row by row, an FTS5 write from a trigger
costs about ten times its share of one INSERT ... SELECT. Updates and deletes are never
paused. Upgrading indexes the rows already there. A later revision that rebuilds one of
these tables in batch mode on SQLite (copy, DROP, rename) drops its triggers with it
and must create them again; the search tests write through the services and would
notice.

Revision ID: 0005
Revises: 0009
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

# (index table, registry table, indexed columns) of the external-content tables.
_EXTERNAL = (
    ("search_pundits", "pundits", ("name",)),
    ("search_sources", "sources", ("title", "outlet", "full_text")),
    ("search_predictions", "predictions", ("quote",)),
)
# Inserting triggers do nothing while the connection has this TEMP table: a bulk writer
# (forecasts.search.bulk_indexing) then indexes its new rows in one statement per kind.
LIVE = "(SELECT count(*) FROM pragma_table_info('search_paused', 'temp')) = 0"


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
        op.execute(
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} WHEN {LIVE} BEGIN {insert} END"
        )
        op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names} ON {table} "
            f"BEGIN {delete} {insert} END"
        )
        op.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")

    # A question's row of the index: its statement, its tags' slugs, its criteria.
    op.execute(
        "CREATE VIEW search_question_rows AS SELECT q.id AS id, q.statement AS statement, "
        "coalesce((SELECT group_concat(t.slug, ' ') FROM question_tags AS qt "
        "JOIN tags AS t ON t.id = qt.tag_id WHERE qt.question_id = q.id), '') AS tags, "
        "q.resolution_criteria AS resolution_criteria FROM questions AS q"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_questions USING fts5("
        f"statement, tags, resolution_criteria, {TOKENIZE})"
    )
    write = (
        "DELETE FROM search_questions WHERE rowid = {id}; "
        "INSERT INTO search_questions (rowid, statement, tags, resolution_criteria) "
        "SELECT id, statement, tags, resolution_criteria FROM search_question_rows "
        "WHERE id = {id};"
    )
    for name, event, row in (
        ("insert", f"AFTER INSERT ON questions WHEN {LIVE}", "new.id"),
        ("update", "AFTER UPDATE OF statement, resolution_criteria ON questions", "new.id"),
        ("tag", f"AFTER INSERT ON question_tags WHEN {LIVE}", "new.question_id"),
        ("untag", "AFTER DELETE ON question_tags", "old.question_id"),
    ):
        op.execute(
            f"CREATE TRIGGER search_questions_{name} {event} BEGIN {write.format(id=row)} END"
        )
    op.execute(
        "CREATE TRIGGER search_questions_delete AFTER DELETE ON questions BEGIN "
        "DELETE FROM search_questions WHERE rowid = old.id; END"
    )
    op.execute(
        "INSERT INTO search_questions (rowid, statement, tags, resolution_criteria) "
        "SELECT id, statement, tags, resolution_criteria FROM search_question_rows"
    )


# (index table, key column, registry table, the document of the row named {row})
_POSTGRES = (
    ("search_pundits", "pundit_id", "pundits", "to_tsvector('simple', {row}.name)"),
    (
        "search_sources",
        "source_id",
        "sources",
        "setweight(to_tsvector('simple', {row}.title), 'A')"
        " || setweight(to_tsvector('simple', {row}.outlet), 'B')"
        " || setweight(to_tsvector('simple', left({row}.full_text, 200000)), 'C')",
    ),
    ("search_predictions", "prediction_id", "predictions", "to_tsvector('simple', {row}.quote)"),
    (
        "search_questions",
        "question_id",
        "questions",
        "setweight(to_tsvector('simple', {row}.statement), 'A')"
        " || setweight(to_tsvector('simple', coalesce((SELECT string_agg(t.slug, ' ')"
        " FROM question_tags AS qt JOIN tags AS t ON t.id = qt.tag_id"
        " WHERE qt.question_id = {row}.id), '')), 'B')"
        " || setweight(to_tsvector('simple', {row}.resolution_criteria), 'C')",
    ),
)
_WATCHED = {
    "pundits": "name",
    "sources": "title, outlet, full_text",
    "predictions": "quote",
    "questions": "statement, resolution_criteria",
}
# A bulk writer sets this for its transaction (SET LOCAL): inserting triggers skip.
PAUSED_SETTING = "coalesce(current_setting('forecasts.search_paused', true), '') = 'on'"


def _postgres_upgrade() -> None:
    # Each kind's document is one SQL function of its row (the triggers, the backfill and
    # forecasts.search's bulk indexing all use it); the trigger functions are PL/pgSQL,
    # whose statements are planned once per session, not once per row of a bulk load.
    for index, key, table, document in _POSTGRES:
        op.execute(
            f"CREATE TABLE {index} ({key} integer PRIMARY KEY REFERENCES {table} (id) "
            "ON DELETE CASCADE, document tsvector NOT NULL)"
        )
        op.execute(
            f"CREATE FUNCTION {index}_document(r {table}) RETURNS tsvector LANGUAGE sql "
            f"STABLE AS $$ SELECT {document.format(row='r')} $$"
        )
        op.execute(
            f"CREATE FUNCTION {index}_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' AND {PAUSED_SETTING} THEN RETURN NULL; END IF; "
            f"INSERT INTO {index} ({key}, document) VALUES (NEW.id, {index}_document(NEW)) "
            f"ON CONFLICT ({key}) DO UPDATE SET document = EXCLUDED.document; "
            "RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {index}_refresh AFTER INSERT OR UPDATE OF {_WATCHED[table]} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {index}_refresh()"
        )
        op.execute(
            f"INSERT INTO {index} ({key}, document) SELECT r.id, {index}_document(r) "
            f"FROM {table} AS r"
        )
        op.execute(
            f"CREATE INDEX ix_{index}_document ON {index} USING gin (document) "
            "WITH (fastupdate = off)"
        )
    op.execute(
        "CREATE FUNCTION search_questions_retag() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE changed integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.question_id "
        "ELSE NEW.question_id END; BEGIN "
        f"IF TG_OP = 'INSERT' AND {PAUSED_SETTING} THEN RETURN NULL; END IF; "
        "INSERT INTO search_questions (question_id, document) "
        "SELECT r.id, search_questions_document(r) FROM questions AS r WHERE r.id = changed "
        "ON CONFLICT (question_id) DO UPDATE SET document = EXCLUDED.document; "
        "RETURN NULL; END $$"
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
        op.execute("DROP VIEW IF EXISTS search_question_rows")
        return
    op.execute("DROP TRIGGER IF EXISTS search_questions_retag ON question_tags")
    op.execute("DROP FUNCTION IF EXISTS search_questions_retag()")
    for index, _key, table, _document in _POSTGRES:
        op.execute(f"DROP TRIGGER IF EXISTS {index}_refresh ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {index}_refresh()")
        op.execute(f"DROP TABLE IF EXISTS {index}")
        op.execute(f"DROP FUNCTION IF EXISTS {index}_document({table})")
