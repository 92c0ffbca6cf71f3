"""Migration 0005 (the search index) on SQLite and PostgreSQL: upgrading a registry
indexes the rows already there, downgrading removes the index and keeps every row, and
the index works again after upgrading once more."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from forecasts import migrate, search
from forecasts.db import make_engine, make_session_factory
from forecasts.seeding import load_seeds

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)

TABLES = ("pundits", "sources", "questions", "question_tags", "predictions", "audit_events")


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def _totals(engine, query: str) -> dict[str, int]:
    with make_session_factory(engine)() as session:
        results = search.search(session, query)
        return {group.kind: group.page.total for group in results.groups}


def _index_tables(engine) -> set[str]:
    return {name for name in inspect(engine).get_table_names() if search.is_index_table(name)}


def test_upgrading_indexes_the_registry_and_downgrading_keeps_every_row(empty_database_url):
    # The seeds are written by today's models (at head), then the registry is taken back
    # to the revision before the index, keeping every row.
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with make_session_factory(engine)() as session:
            load_seeds(session)
        before = _counts(engine)
        migrate.downgrade(empty_database_url, "0009")
        assert _counts(engine) == before
        assert _index_tables(engine) == set()

        migrate.upgrade(empty_database_url)  # through 0005, which indexes what is there
        assert _counts(engine) == before
        assert set(search.INDEX_TABLES) <= _index_tables(engine)
        # The seed registry: questions on Iran (statement, tags), its op-ed author, the
        # op-ed, and the quotes naming Iran.
        seeded = _totals(engine, "iran")
        assert seeded["question"] >= 3 and seeded["prediction"] >= 2
        assert seeded["pundit"] == 1 and seeded["source"] == 1

        migrate.downgrade(empty_database_url, "0009")
        assert _index_tables(engine) == set()
        assert _counts(engine) == before
        with engine.begin() as connection:  # writes work without the index
            connection.execute(
                text(
                    "INSERT INTO pundits (slug, name, bio, affiliation, links, created_at, "
                    "version) VALUES ('written-meanwhile', 'Written Meanwhile', '', '', '[]', "
                    "CURRENT_TIMESTAMP, 1)"
                )
            )
        after_write = _counts(engine)

        migrate.upgrade(empty_database_url)
        assert _counts(engine) == after_write
        assert _totals(engine, "iran") == seeded
        assert _totals(engine, "meanwhile")["pundit"] == 1  # written while unindexed
    finally:
        engine.dispose()
