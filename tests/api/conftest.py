"""A seeded registry on a SQLite file, an app with the API and the account page, users
of every role, and API tokens made through ``forecasts.tokens``."""

from __future__ import annotations

import shutil

import pytest
from api_support import make_api_app, sign_in
from sqlalchemy import select

import forecasts.tokens  # noqa: F401  (the api_tokens table in the models' metadata)
from forecasts import services, tokens
from forecasts.db import make_engine, make_session_factory
from forecasts.models import User


@pytest.fixture
def database_url(tmp_path, seeded_template):
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(seeded_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(database_url):
    apps = []

    def factory(**config):
        apps.append(make_api_app(database_url, **config))
        return apps[-1]

    yield factory
    for app in apps:
        app.extensions["forecasts.engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_role(app):
    def client_for(role: str | None):
        client = app.test_client()
        return sign_in(client, role) if role else client

    return client_for


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


@pytest.fixture
def user(sessions):
    def get(name: str) -> User:
        with sessions() as session:
            return session.scalar(select(User).where(User.name == name))

    return get


@pytest.fixture
def token_for(sessions, user):
    """A new API token for the user named (its row and the token itself)."""

    def make(name: str, label: str = "test token"):
        with sessions() as session:
            owner = session.scalar(select(User).where(User.name == name))
            return tokens.create_token(session, services.Actor.of(owner), name=label)

    return make


@pytest.fixture
def editor_token(token_for) -> str:
    return token_for("editor")[1]
