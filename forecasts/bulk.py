"""Writing many rows fast, on SQLite and PostgreSQL alike: the demo generator and the
importer both write through this module.

* **One write lock.** ``lock_for_writing`` keeps other writers out for the rest of the
  transaction: on SQLite a no-op write takes the database's write lock; on PostgreSQL
  the tables named are locked against writers (readers go on reading).
* **One page cache.** ``sqlite_page_cache`` gives SQLite a bounded 128 MiB page cache
  while the indexes grow (instead of spilling to the WAL file and reading it back),
  restored afterwards because the connection goes back to the pool.
* **One INSERT builder.** ``Writer`` sends tuples straight to the driver's
  ``executemany`` (``exec_driver_sql``), without the per-value work of a Core insert;
  values are either already in the form the driver stores or converted by the column
  type's own bind processor.
* **One id strategy.** ``Ids`` hands out ids before the rows are written, so rows can
  name each other and one ``executemany`` writes a chunk: PostgreSQL reserves them from
  the table's own sequence (so every other writer's ``INSERT`` gets the ids after them);
  SQLite, holding the write lock, counts on from the largest id.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from forecasts.errors import ConflictError

SQLITE_CACHE_KIB = 128 * 1024


def _connection(bind: Connection | Session) -> Connection:
    return bind.connection() if isinstance(bind, Session) else bind


def lock_for_writing(bind: Connection | Session, tables: Iterable[str] = ()) -> None:
    """Keep other writers out until this transaction ends. SQLite: take the database's
    write lock now (a no-op write), so the largest ids stay the largest. PostgreSQL:
    lock ``tables`` against other writers (none named: no lock; the sequences already
    keep ids apart)."""
    connection = _connection(bind)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("UPDATE pundits SET version = version WHERE 1 = 0")
    elif tables:
        quote = connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(name) for name in tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")


@contextlib.contextmanager
def sqlite_page_cache(bind: Connection | Session) -> Iterator[None]:
    """A 128 MiB SQLite page cache for the block, the connection's own size restored
    after it (also after a commit: the setting is the driver connection's). Nothing on
    PostgreSQL."""
    connection = _connection(bind)
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    before = int(driver.execute("PRAGMA cache_size").fetchone()[0])
    driver.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")  # negative: KiB, not pages
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size = {before}")


def _same(value):
    return value


class Writer:
    """Plain driver ``executemany`` of INSERTs through one connection (or a session's)."""

    def __init__(self, bind: Connection | Session):
        self.bind = bind
        self._sql: dict[tuple, str] = {}

    @property
    def connection(self) -> Connection:
        return _connection(self.bind)

    @property
    def dialect(self):
        return self.connection.dialect

    def processor(self, column) -> Callable:
        """The column type's own conversion of a Python value for the driver."""
        dialect = self.dialect
        return column.type.dialect_impl(dialect).bind_processor(dialect) or _same

    def value(self, column, value):
        """One value as the driver stores it in ``column`` (for a value every row shares)."""
        return self.processor(column)(value)

    def insert_sql(self, table, names: Sequence[str]) -> str:
        key = (table.name, tuple(names))
        sql = self._sql.get(key)
        if sql is None:
            dialect = self.dialect
            quote = dialect.identifier_preparer.quote
            mark = "?" if dialect.paramstyle == "qmark" else "%s"
            sql = self._sql[key] = (
                f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
                f"VALUES ({', '.join([mark] * len(names))})"
            )
        return sql

    def executemany(
        self, table, names: Sequence[str], rows: list[tuple], process: Sequence[str] = ()
    ) -> None:
        """INSERT ``rows`` (tuples in ``names`` order); the columns named in ``process``
        go through their type's bind processor, the others are given as stored."""
        if not rows:
            return
        steps = [(names.index(name), self.processor(table.c[name])) for name in process]
        steps = [(index, step) for index, step in steps if step is not _same]
        if steps:
            converted = []
            for row in rows:
                row = list(row)
                for index, step in steps:
                    row[index] = step(row[index])  # None too: JSON stores it as 'null'
                converted.append(tuple(row))
            rows = converted
        self.connection.exec_driver_sql(self.insert_sql(table, names), rows)

    def insert_columns(
        self,
        table,
        columns: Mapping[str, Sequence],
        chunk: int,
        written: Callable[[int], None] | None = None,
    ) -> None:
        """INSERT rows given column-wise (values as stored), ``chunk`` rows per
        ``executemany``; ``written(n)`` is told how many rows are written so far."""
        names = list(columns)
        size = len(columns[names[0]])
        for start in range(0, size, chunk):
            stop = min(size, start + chunk)
            rows = list(zip(*(columns[name][start:stop] for name in names), strict=True))
            self.executemany(table, names, rows)
            if written is not None:
                written(stop)

    def drop_indexes_if_empty(self, table) -> list[str]:
        """Loading an empty SQLite table: drop its secondary indexes, to be built again in
        one pass before the commit (``restore_indexes``, with their own CREATE statements),
        instead of updated at a random place for every row. The same transaction: readers
        meanwhile see the committed table with its indexes, and a rollback keeps them."""
        connection = self.connection
        if (
            connection.dialect.name != "sqlite"
            or connection.exec_driver_sql(f"SELECT 1 FROM {table.name} LIMIT 1").first() is not None
        ):
            return []
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table.name,),
        ).all()
        for name, _ in rows:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        return [sql for _, sql in rows]

    def restore_indexes(self, statements: list[str]) -> None:
        for sql in statements:
            self.connection.exec_driver_sql(sql)


_RESERVE = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"


class Ids:
    """Ids for new rows, handed out before they are written."""

    def __init__(self, bind: Connection | Session):
        self.bind = bind
        self.next: dict[str, int] = {}
        self.locked = False

    def lock(self) -> None:
        """SQLite: take the write lock now, so the largest ids (and whatever else was
        read) stay true until this transaction ends. PostgreSQL needs none for ids."""
        connection = _connection(self.bind)
        if not self.locked and connection.dialect.name == "sqlite":
            lock_for_writing(connection)
            self.locked = True

    def _sqlite_first(self, table, count: int) -> int:
        connection = _connection(self.bind)
        self.lock()
        first = self.next.get(table.name)
        if first is None:
            first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
        self.next[table.name] = first + count
        return first

    def take(self, table, count: int) -> list[int]:
        """``count`` new ids of ``table``, in increasing order."""
        if count == 0:
            return []
        connection = _connection(self.bind)
        if connection.dialect.name == "postgresql":
            return sorted(
                row[0] for row in connection.exec_driver_sql(_RESERVE, (table.name, count))
            )
        first = self._sqlite_first(table, count)
        return list(range(first, first + count))

    def block(self, table, count: int) -> int:
        """The first of ``count`` consecutive new ids of ``table``. On PostgreSQL the run
        is consecutive unless another writer drew from the sequence at the same moment:
        then the transaction is refused as a conflict (run it again)."""
        connection = _connection(self.bind)
        if connection.dialect.name != "postgresql":
            return self._sqlite_first(table, count)
        if count == 0:
            return 0
        first, last = connection.exec_driver_sql(
            f"SELECT min(id), max(id) FROM ({_RESERVE}) AS reserved(id)", (table.name, count)
        ).one()
        if last - first + 1 != count:
            raise IdsTaken(table.name)
        return first


class IdsTaken(ConflictError):
    """Another writer drew ids from a sequence while a block of them was reserved."""

    def __init__(self, table: str):
        self.kind, self.key, self.current = table, None, {}
        Exception.__init__(
            self, f"another writer added {table} rows meanwhile; nothing was written: run again"
        )
