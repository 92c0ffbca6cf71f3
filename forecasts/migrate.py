"""Run the Alembic migrations in ``migrations/`` from code (``forecasts db ...``, tests).

The folder installs with the package as ``forecasts._migrations``, and is found through
the import system: the same code works from a wheel and from an editable install.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from forecasts import _migrations
from forecasts.db import make_engine, resolve_database_url

MIGRATIONS_DIR = Path(_migrations.__file__).parent


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' is ConfigParser's interpolation character; escape it in passwords.
    config.set_main_option("sqlalchemy.url", resolve_database_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        fill_kept_scores(url)


def fill_kept_scores(url: str | None = None) -> int:
    """Compute the kept scores of a registry that has predictions but none kept (the
    table was just made); returns how many rows were written (0 if nothing to do)."""
    from forecasts import kept
    from forecasts.db import make_session_factory

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return kept.rebuild(session) if kept.needs_rebuild(session) else 0
    finally:
        engine.dispose()


def downgrade(url: str | None, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(url: str | None = None) -> bool:
    engine = make_engine(url)
    try:
        return current_revision(engine) == head_revision()
    finally:
        engine.dispose()
