"""Alembic environment: the only way the registry's schema is made or changed.

The URL comes from the caller (``forecasts db upgrade`` passes it), else from
``DATABASE_URL``, else the default SQLite file. Batch mode lets SQLite alter tables:
on SQLite the migrations run with foreign keys unenforced (a rebuilt table must not
cascade to the rows pointing at it), and the references are checked afterwards.
"""

from alembic import context

from forecasts.db import make_engine, resolve_database_url
from forecasts.models import Base, UTCDateTime
from forecasts.search import is_index_table

config = context.config
target_metadata = Base.metadata


def _render_item(type_, obj, autogen_context):
    """Write the UTC datetime column as the plain type it stores, so revisions do not
    import the models (a later model change must not change an old revision)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name, type_, _parent_names) -> bool:
    """Leave the search index (migration 0005's tables, not the models') out of
    autogenerate's comparison."""
    return not (type_ == "table" and is_index_table(name))


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=resolve_database_url(config.get_main_option("sqlalchemy.url")),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A batch migration rebuilds a table (copy, drop, rename); with foreign
                # keys enforced, dropping the old table would cascade to the rows that
                # point at it. The pragma only takes effect outside a transaction.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
                if broken:
                    raise RuntimeError(f"the migration left broken references: {broken[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
