"""The Flask app through its test client (pages are also driven in Chromium, tests/browser)."""

from __future__ import annotations

import pytest

from forecasts.db import make_engine, make_session_factory
from forecasts.seeding import load_seeds
from web import create_app, percent


@pytest.fixture
def client(database_url):
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        load_seeds(session)
    engine.dispose()
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield app.test_client()
    app.extensions["forecasts.engine"].dispose()


def test_home_lists_every_seeded_question(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="question"') == 7
    assert "tiny possibility" in html and "not scorable: no deadline given" in html
    assert response.headers["Content-Type"].startswith("text/html")


def test_health_and_missing_page(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/no-such-page").status_code == 404


def test_session_cookie_settings():
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("value, shown", [(0.05, "5%"), (0.125, "12.5%"), (1.0, "100%"),
                                          (0.0, "0%"), (None, "-")])
def test_percent_filter(value, shown):
    assert percent(value) == shown
