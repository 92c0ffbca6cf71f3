"""What the tests share besides fixtures: the users every seeded registry has (one per
role) and signing them in, through the test client or in a browser page; the app with
the test configuration; and reading the API's answers."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"
ROLES = ("reader", "editor", "admin")

# Generous API limits: only the rate-limit tests meet one.
APP_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test",
    "API_READ_RATE_LIMIT": "10000 per minute",
    "API_WRITE_RATE_LIMIT": "10000 per minute",
}


def make_test_app(url: str, **config):
    """The app over the database at ``url``, with ``APP_CONFIG`` and ``config`` on top."""
    from web import create_app

    return create_app({"DATABASE_URL": url, **APP_CONFIG, **config})


def sign_in(client, role: str):
    response = client.post("/login", data={"name": role, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def sign_in_page(page, base_url: str, name: str) -> None:
    """Sign ``name`` in through the login form of a browser page."""
    page.goto(base_url + "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(base_url + "/")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def field_rules(response) -> dict[str, str]:
    """A JSON error's {field: rule}."""
    body = response.get_json()
    assert set(body) >= {"errors", "message"}, body
    return {error["field"]: error["rule"] for error in body["errors"]}


def seed_at_an_old_revision(url: str, tmp_path) -> None:
    """The seed registry written into a database at an old revision: seeded at head in a
    scratch SQLite file through the models, then copied row by row, each table's columns
    that the old revision has (the models' own column types convert the values)."""
    from sqlalchemy import column as sa_column
    from sqlalchemy import inspect, select, text
    from sqlalchemy import table as sa_table

    from forecasts import migrate
    from forecasts.db import make_engine, make_session_factory
    from forecasts.models import Base
    from forecasts.seeding import load_seeds

    scratch = f"sqlite:///{tmp_path / 'seeded-at-head.sqlite3'}"
    migrate.upgrade(scratch)
    source = make_engine(scratch)
    target = make_engine(url)
    try:
        with make_session_factory(source)() as session:
            load_seeds(session)
        old = inspect(target)
        with source.connect() as reading, target.begin() as writing:
            for table in Base.metadata.sorted_tables:
                if not old.has_table(table.name):
                    continue
                present = {column["name"] for column in old.get_columns(table.name)}
                columns = [column for column in table.columns if column.name in present]
                rows = [row._asdict() for row in reading.execute(select(*columns))]
                if rows:  # only the old columns: no model default for a newer one
                    old_table = sa_table(table.name, *(sa_column(c.name, c.type) for c in columns))
                    writing.execute(old_table.insert(), rows)
            if writing.dialect.name == "postgresql":  # ids were given: move the sequences on
                for table in Base.metadata.sorted_tables:
                    if old.has_table(table.name) and "id" in table.c:
                        writing.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table.name}), 1))"
                            )
                        )
    finally:
        source.dispose()
        target.dispose()


def at_once(engine, *actions):
    """Run each action (given a session of its own) in its own thread, all released
    together; what each returned, or the ConflictError it raised."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from forecasts.db import make_session_factory
    from forecasts.errors import ConflictError

    barrier = threading.Barrier(len(actions))

    def run(action):
        with make_session_factory(engine)() as own:
            barrier.wait()
            try:
                return action(own)
            except ConflictError as error:
                return error

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))
