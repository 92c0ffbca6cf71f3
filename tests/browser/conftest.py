"""A live server on localhost and Debian's headless Chromium, driven by Playwright.

Chromium is found at ``$FORECASTS_CHROMIUM`` or on the PATH (``chromium``); without it the
browser tests are skipped, unless ``FORECASTS_REQUIRE_BROWSER=1`` (CI) makes that a
failure. Playwright's own browser download is never used.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from forecasts import services
from forecasts.db import make_engine, make_session_factory
from forecasts.seeding import load_seeds
from support import PASSWORD
from web import create_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str:
    path = os.environ.get("FORECASTS_CHROMIUM") or shutil.which("chromium")
    if path:
        return path
    message = "browser tests need Debian's chromium (apt-get install chromium)"
    if os.environ.get("FORECASTS_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; FORECASTS_REQUIRE_BROWSER=1 makes this a failure")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


EDITORS = ("erin", "ed")
SCREENSHOTS = Path(os.environ.get("FORECASTS_SCREENSHOTS", "test-artifacts/screenshots"))


@pytest.fixture
def seeded_url(database_url):
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        load_seeds(session)
        for name in EDITORS:
            services.create_user(
                session, services.Actor.system(), name=name, role="editor", password=PASSWORD
            )
    engine.dispose()
    return database_url


@pytest.fixture
def shoot(request):
    """Save a full-page screenshot per page a flow visits, numbered in visiting order."""
    folder = SCREENSHOTS / request.node.name.split("[")[0]
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take


@pytest.fixture
def live_server(seeded_url):
    """The app on a free localhost port, in a thread, for one test."""
    app = create_app({"DATABASE_URL": seeded_url, "TESTING": True})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["forecasts.engine"].dispose()
