"""A seeded registry on a SQLite file, an app over it, and users of every role."""

from __future__ import annotations

import shutil

import pytest
from webapp_support import sign_in

from forecasts.db import make_engine
from web import create_app


@pytest.fixture
def seeded_sqlite(tmp_path, seeded_template):
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(seeded_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def _app(url: str, **config):
    return create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            **config,
        }
    )


@pytest.fixture
def app(seeded_sqlite):
    app = _app(seeded_sqlite[0])
    yield app
    app.extensions["forecasts.engine"].dispose()


@pytest.fixture
def engine(seeded_sqlite):
    return seeded_sqlite[1]


@pytest.fixture
def make_app(seeded_sqlite):
    apps = []

    def factory(**config):
        apps.append(_app(seeded_sqlite[0], **config))
        return apps[-1]

    yield factory
    for app in apps:
        app.extensions["forecasts.engine"].dispose()


@pytest.fixture
def as_role(app):
    def client_for(role: str | None):
        client = app.test_client()
        return sign_in(client, role) if role else client

    return client_for
