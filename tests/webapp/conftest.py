"""The web-app tests work on the seeded registry (``app``, ``as_role``: tests/conftest.py):
here ``engine`` is its engine, not a fresh database's."""

from __future__ import annotations

import pytest


@pytest.fixture
def engine(seeded_engine):
    return seeded_engine
