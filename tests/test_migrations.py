"""Migrations are the schema: on SQLite and PostgreSQL, `upgrade head` builds exactly the
models, downgrade to base and upgrade again work, and append-only tables stay so."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column as sa_column
from sqlalchemy import inspect, select, text
from sqlalchemy import table as sa_table

from forecasts import kept, migrate, search, services, tokens
from forecasts.db import make_engine, make_session_factory
from forecasts.models import (
    Base,
    Prediction,
    Pundit,
    Question,
    Resolution,
    Source,
    UTCDateTime,
)
from forecasts.references import add_references
from forecasts.reviews import review_candidate
from forecasts.seeding import load_seeds
from support import seed_at_an_old_revision

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


def _not_the_search_index(name, type_, _parent_names) -> bool:
    return not (type_ == "table" and search.is_index_table(name))


def _diff(engine) -> list:
    """What autogenerate finds between the models and the database; the search index
    (tables of migration 0005, not of the models) is left out."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _not_the_search_index}
        )
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


def _counts(engine, tables=SEEDED_TABLES) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in tables
        }


def _revisions(url: str) -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_revision_upgrades_a_seeded_registry(empty_database_url, tmp_path):
    revisions = _revisions(empty_database_url)
    assert len(revisions) >= 2 and revisions[-1] == migrate.head_revision()
    migrate.upgrade(empty_database_url, revisions[0])
    seed_at_an_old_revision(empty_database_url, tmp_path)
    engine = make_engine(empty_database_url)
    try:
        seeded = _counts(engine)
        assert seeded["predictions"] == 7
        for revision in revisions[1:]:
            migrate.upgrade(empty_database_url, revision)
            assert _counts(engine) == seeded, f"upgrade to {revision} lost rows"
        assert _diff(engine) == []
    finally:
        engine.dispose()


def _registry_tables(engine) -> set[str]:
    """The tables of the models (the search index's own tables, some of which stay
    empty on a small registry, are checked by tests/test_search_migration.py)."""
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not search.is_index_table(name)}


def _add_what_the_seeds_lack(session) -> None:
    """Rows for the tables the seeds leave empty (a user with a token, a candidate review,
    a resolved multiple-choice question): a table dropped empty proves nothing about
    the drop."""
    system = services.Actor.system()
    user = services.create_user(session, system, name="admin", role="admin", password="pw" * 8)
    tokens.create_token(session, services.Actor.of(user), name="cli")
    source = session.scalar(select(Source).limit(1))
    review_candidate(session, system, source_id=source.id, start=0, end=10, decision="accepted")
    first = session.scalar(select(Question).order_by(Question.id))
    add_references(
        session,
        system,
        [{"question": first.slug, "source": "A market", "time": "2020-01-02", "probability": "7%"}],
    )
    question = services.add_question(
        session,
        system,
        statement="Which side takes the cup?",
        resolution_criteria="The final's result.",
        kind="multiple_choice",
        options=["Red", "Blue"],
    )
    services.log_prediction(
        session,
        system,
        question_id=question.id,
        pundit_id=session.scalar(select(Pundit.id).limit(1)),
        made_at="2020-01-01",
        distribution={"Red": 0.7, "Blue": 0.3},
    )
    services.resolve_question(session, system, question.id, outcome="Red", known_at="2020-06-01")
    services.log_unscorable_claim(
        session,
        system,
        pundit_id=session.scalar(select(Pundit.id).limit(1)),
        made_at="2020-01-01",
        reason="escape_clause",
        quote="Something will happen, in some form.",
    )
    duplicate = services.add_pundit(session, system, name="A duplicate spelling")
    services.merge_pundits(
        session,
        system,
        duplicate.id,
        into_id=session.scalar(select(Pundit.id).order_by(Pundit.id).limit(1)),
        expected_version=1,
    )
    kept.refit(session)  # the difficulty-adjusted fit a board read makes
    session.commit()


def test_every_revision_downgrades_a_seeded_registry(empty_database_url):
    """Stepping down from head to base, one revision at a time, keeps every row of the
    tables that revision still has; upgrading again builds the models. The seeds hold a
    question conditional on another, the link SQLite's DROP TABLE used to trip over."""
    revisions = _revisions(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        tables_at = {None: set()}
        for revision in revisions:
            migrate.upgrade(empty_database_url, revision)
            tables_at[revision] = _registry_tables(engine)
        with make_session_factory(engine)() as session:
            load_seeds(session)
            _add_what_the_seeds_lack(session)
            assert session.scalar(
                select(Question).where(Question.condition_question_id.is_not(None))
            )
        filled = _counts(engine, tables_at[revisions[-1]])
        assert all(filled.values()), f"tables left empty: {filled}"
        for target in reversed([None, *revisions[:-1]]):
            migrate.downgrade(empty_database_url, target or "base")
            assert migrate.current_revision(engine) == target
            assert _registry_tables(engine) == tables_at[target]
            kept = {table: filled[table] for table in tables_at[target]}
            assert _counts(engine, tables_at[target]) == kept, f"{target} lost rows"
        migrate.upgrade(empty_database_url)
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_upgrading_to_session_tokens_gives_each_user_a_token_of_their_own(empty_database_url):
    migrate.upgrade(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    columns = "id, name, email, role, password_hash, is_active, created_at, version"
    try:
        with engine.begin() as connection:
            for number, role in enumerate(["admin", "editor", "reader"], start=1):
                connection.execute(
                    text(
                        f"INSERT INTO users ({columns}) VALUES (:id, :name, NULL, :role,"
                        " 'hash', :active, '2020-01-01 00:00:00', 1)"
                    ),
                    {"id": number, "name": f"user{number}", "role": role, "active": number != 3},
                )
            before = connection.execute(text(f"SELECT {columns} FROM users ORDER BY id")).all()
        migrate.upgrade(empty_database_url, "0004")
        with engine.connect() as connection:
            after = connection.execute(text(f"SELECT {columns} FROM users ORDER BY id")).all()
            issued = connection.scalars(text("SELECT session_token FROM users")).all()
        assert after == before
        assert len(set(issued)) == 3 and all(len(token) >= 43 for token in issued)
    finally:
        engine.dispose()


def test_moments_migration_converts_days_and_moments_both_ways(empty_database_url, tmp_path):
    """Revision 0010: every known-at (a date before) becomes that day at 'day' precision,
    a made-at at midnight UTC a day and any other a moment; downgrading gives back the
    dates and keeps every made-at."""
    migrate.upgrade(empty_database_url, "0014")
    seed_at_an_old_revision(empty_database_url, tmp_path)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            timed = connection.execute(text("SELECT min(id) FROM predictions")).scalar()
            connection.execute(
                text("UPDATE predictions SET made_at = :at WHERE id = :id"),
                {"at": dt.datetime(2020, 1, 1, 9, 30, tzinfo=dt.UTC), "id": timed},
            )
        made_before = _made_at(engine)
        known_before = _known_at(engine)
        assert all(isinstance(day, dt.date) for _, day in known_before) and len(known_before) == 6
        migrate.upgrade(empty_database_url)  # through 0010; read with today's models
        with make_session_factory(engine)() as session:
            predictions = session.scalars(select(Prediction).order_by(Prediction.id)).all()
            assert [(p.id, p.made_at) for p in predictions] == made_before
            precision = {p.id: p.made_at_precision for p in predictions}
            assert precision.pop(timed) == "moment" and set(precision.values()) == {"day"}
            assert predictions[0].made == dt.datetime(2020, 1, 1, 9, 30, tzinfo=dt.UTC)
            resolutions = session.scalars(select(Resolution).order_by(Resolution.id)).all()
            assert [(r.id, r.known) for r in resolutions] == known_before
            assert {r.known_at_precision for r in resolutions} == {"day"}
            services.resolve_question(
                session,
                services.Actor.system(),
                resolutions[0].question_id,
                outcome=resolutions[0].outcome_label,
                known_at="2021-01-01T18:45:00-05:00",  # 23:45 UTC
            )
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE resolutions SET note = 'rewritten'"))
        migrate.downgrade(empty_database_url, "0014")
        assert _made_at(engine) == made_before
        known_after = _known_at(engine)
        assert known_after[:6] == known_before and known_after[6][1] == dt.date(2021, 1, 1)
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM resolutions"))
    finally:
        engine.dispose()


def _made_at(engine) -> list[tuple]:
    table = sa_table("predictions", sa_column("id"), sa_column("made_at", UTCDateTime()))
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(table).order_by(table.c.id))]


def _known_at(engine) -> list[tuple]:
    """Each resolution's known-at date as the old schema holds it (on SQLite the text of
    a date; rows copied in by ``seed_at_an_old_revision`` carry a midnight after it)."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, known_at FROM resolutions ORDER BY id"))
        return [
            (i, day if isinstance(day, dt.date) else dt.date.fromisoformat(day[:10]))
            for i, day in rows
        ]
