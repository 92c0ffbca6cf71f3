"""The API tests work on the seeded registry (``app``, ``as_role``: tests/conftest.py):
here ``engine`` is its engine, not a fresh database's; and API tokens are made through
``forecasts.tokens``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forecasts import services, tokens
from forecasts.db import make_session_factory
from forecasts.models import User


@pytest.fixture
def engine(seeded_engine):
    return seeded_engine


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
