"""Where the registry lives: the database URL, the engine, and sessions.

``DATABASE_URL`` picks the database (``sqlite:///path`` or
``postgresql+psycopg://user:pass@host/db``). Without it, the registry is a SQLite file
at ``$FORECASTS_HOME/registry.sqlite3`` (``FORECASTS_HOME`` defaults to
``~/.local/share/forecasts``). SQLite is opened in WAL mode with a busy timeout so the
web app and the command line can share it.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000


def default_home() -> Path:
    home = os.environ.get("FORECASTS_HOME")
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "forecasts"


SECRET_KEY_FILE = "secret_key"


def stored_secret_key(home: Path | None = None) -> str:
    """The key kept in ``$FORECASTS_HOME/secret_key`` (owner-only, mode 600), made once
    on first use, so every worker of one installation signs cookies with the same key.
    Two processes starting at once agree: the file is created exclusively, and the
    loser reads the winner's key."""
    path = (home or default_home()) / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner may not have written it yet
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: remove it to make a new key") from None
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def default_database_url() -> str:
    return f"sqlite:///{default_home() / 'registry.sqlite3'}"


def resolve_database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, else ``DATABASE_URL``, else the default SQLite file."""
    url = explicit or os.environ.get("DATABASE_URL") or default_database_url()
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _on_sqlite_connect(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = resolve_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from forecasts import kept  # noqa: F401 - its hooks keep the scores on every commit

    # expire_on_commit=False: services return rows that callers read after commit.
    return sessionmaker(bind=engine, expire_on_commit=False)


def describe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)
