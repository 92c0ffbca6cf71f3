"""Migrations are the schema: on SQLite and PostgreSQL, `upgrade head` builds exactly the
models, downgrade to base and upgrade again work, and append-only tables stay so."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from forecasts import migrate
from forecasts.db import make_engine, make_session_factory
from forecasts.models import Base, Question
from forecasts.seeding import load_seeds

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


def _diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_head_matches_the_models(empty_database_url):
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _diff(engine) == []
        tables = set(inspect(engine).get_table_names())
        assert {table.name for table in Base.metadata.sorted_tables} <= tables
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade_again(empty_database_url):
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "base")
    engine = make_engine(empty_database_url)
    try:
        assert migrate.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(empty_database_url)
        assert _diff(engine) == []
        with make_session_factory(engine)() as session:
            load_seeds(session)
            assert session.scalar(select(Question).limit(1)) is not None
    finally:
        engine.dispose()


def test_upgrade_at_head_keeps_the_data(empty_database_url):
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with make_session_factory(engine)() as session:
            load_seeds(session)
        with engine.connect() as connection:
            before = connection.execute(text("SELECT id, slug FROM questions ORDER BY id")).all()
        migrate.upgrade(empty_database_url)
        with engine.connect() as connection:
            after = connection.execute(text("SELECT id, slug FROM questions ORDER BY id")).all()
        assert after == before and len(after) == 7
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE resolutions SET note = 'rewritten'",
        "DELETE FROM resolutions",
        "UPDATE audit_events SET actor_name = 'someone else'",
        "DELETE FROM audit_events",
    ],
)
def test_history_tables_are_append_only(empty_database_url, statement):
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with make_session_factory(engine)() as session:
            load_seeds(session)
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM resolutions")).scalar() == 6
    finally:
        engine.dispose()


SEEDED_TABLES = (
    "pundits",
    "sources",
    "questions",
    "predictions",
    "resolutions",
    "audit_events",
    "tags",
    "question_tags",
)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in SEEDED_TABLES
        }


def test_every_revision_steps_up_and_down_keeping_the_data(empty_database_url):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(empty_database_url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert len(revisions) >= 2 and revisions[-1] == migrate.head_revision()
    migrate.upgrade(empty_database_url, revisions[0])
    engine = make_engine(empty_database_url)
    try:
        with make_session_factory(engine)() as session:
            load_seeds(session)
        seeded = _counts(engine)
        assert seeded["predictions"] == 7
        for revision in revisions[1:]:
            migrate.upgrade(empty_database_url, revision)
            assert _counts(engine) == seeded, f"upgrade to {revision} lost rows"
        assert _diff(engine) == []
        for revision in reversed(revisions[:-1]):
            migrate.downgrade(empty_database_url, revision)
            assert migrate.current_revision(engine) == revision
            assert _counts(engine) == seeded, f"downgrade to {revision} lost rows"
    finally:
        engine.dispose()


def test_a_seeded_registry_downgrades_to_base_and_upgrades_again(empty_database_url):
    # The seed has a question conditional on another: dropping the questions table must
    # not trip over that link (SQLite checks foreign keys row by row as it drops).
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with make_session_factory(engine)() as session:
            load_seeds(session)
            conditional = session.scalar(
                select(Question).where(Question.condition_question_id.is_not(None))
            )
            assert conditional is not None
        seeded = _counts(engine)
        migrate.downgrade(empty_database_url, "base")
        assert migrate.current_revision(engine) is None
        assert not set(SEEDED_TABLES) & set(inspect(engine).get_table_names())
        migrate.upgrade(empty_database_url)
        assert _diff(engine) == []
        with make_session_factory(engine)() as session:
            load_seeds(session)
        assert _counts(engine) == seeded
    finally:
        engine.dispose()
