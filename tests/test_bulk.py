"""The bulk-write module the demo and the importer share, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from forecasts import bulk
from forecasts.models import Pundit, utcnow
from forecasts.services import Actor, add_pundit

TABLE = Pundit.__table__


def test_reserved_ids_are_new_and_ordinary_inserts_come_after_them(session):
    add_pundit(session, Actor.system(), name="Before")
    ids = bulk.Ids(session)
    taken = ids.take(TABLE, 3)
    first = ids.block(TABLE, 4)
    existing = session.scalar(select(func.max(Pundit.id)))
    assert taken == sorted(taken) and len(set(taken)) == 3 and min(taken) > existing
    assert first > max(taken)
    writer = bulk.Writer(session)
    names = ("id", "slug", "name", "bio", "affiliation", "links", "created_at", "version")
    now = writer.value(TABLE.c.created_at, utcnow())  # converted once, as the importer does
    rows = [(i, f"p{i}", f"P {i}", "", "", [], now, 1) for i in [*taken, *range(first, first + 4)]]
    writer.executemany(TABLE, names, rows, process=("links",))
    session.commit()
    after = add_pundit(session, Actor.system(), name="After")
    assert after.id > first + 3  # the sequence (or the largest id) is past the reserved ids
    assert session.scalar(select(func.count(Pundit.id))) == 9


def test_the_page_cache_is_restored_after_the_block(session):
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL has no page-cache setting to change
    read = "PRAGMA cache_size"
    before = connection.exec_driver_sql(read).scalar()
    with bulk.sqlite_page_cache(session):
        assert connection.exec_driver_sql(read).scalar() == -bulk.SQLITE_CACHE_KIB
    assert connection.exec_driver_sql(read).scalar() == before
