"""What every ``forecasts`` command receives as ``obj``: the database to work on."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class Context:
    """The database URL, and an engine and sessions made on first use, so that a command
    that needs no database (``score``, ``scale``, ``--help``) loads no SQLAlchemy."""

    def __init__(self, database_url: str | None):
        self._database_url = database_url
        self._engine = None

    @functools.cached_property
    def url(self) -> str:
        from forecasts.db import resolve_database_url

        return resolve_database_url(self._database_url)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from forecasts.db import make_engine

            self._engine = make_engine(self.url)
        return self._engine

    def session(self, require_schema: bool = True) -> Session:
        from forecasts.db import make_session_factory

        if require_schema:
            self.require_schema()
        return make_session_factory(self.engine)()

    def require_schema(self) -> None:
        from forecasts import migrate
        from forecasts.db import describe

        current = migrate.current_revision(self.engine)
        head = migrate.head_revision()
        if current is None:
            raise click.ClickException(
                f"the database {describe(self.url)} has no registry yet; "
                "run `forecasts db upgrade` first"
            )
        if current != head:
            raise click.ClickException(
                f"the database {describe(self.url)} is at revision {current}, the code needs "
                f"{head}; run `forecasts db upgrade`"
            )
