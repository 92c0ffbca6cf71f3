"""In a real browser: make a token on the account page, use it over HTTP against the
live API, see it listed (never shown again), revoke it. Screenshots go to
FORECASTS_SCREENSHOTS, as for the other browser tests."""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from support import PASSWORD, make_test_app

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(os.environ.get("FORECASTS_SCREENSHOTS", "test-artifacts/screenshots"))


@pytest.fixture
def page():
    executable = os.environ.get("FORECASTS_CHROMIUM") or shutil.which("chromium")
    if not executable:
        message = "browser tests need Debian's chromium (apt-get install chromium)"
        if os.environ.get("FORECASTS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        browser.close()


@pytest.fixture
def live_server(seeded_sqlite_url):
    app = make_test_app(seeded_sqlite_url, WTF_CSRF_ENABLED=True, TESTING=False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["forecasts.engine"].dispose()


def shoot(page, name: str) -> None:
    folder = SCREENSHOTS / "test_api_token_lifecycle"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def api_post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_api_token_lifecycle(page, live_server):
    page.goto(live_server + "/login")
    page.get_by_label("Name").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/account")
    assert page.get_by_text("No tokens yet.").is_visible()
    page.get_by_label("Token name").fill("newsroom importer")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New token", exact=True).input_value()
    assert token.startswith("fct_") and "will not be shown again" in page.content()
    shoot(page, "01-token-created")

    status, body = api_post(
        live_server + "/api/v1/questions",
        token,
        {"statement": "Will the importer work?", "resolution_criteria": "It logs a row."},
    )
    assert status == 201, body

    page.goto(live_server + "/account")
    assert token not in page.content()
    row = page.locator("#token-list tbody tr").first
    assert "newsroom importer" in row.inner_text() and token[:12] in row.inner_text()
    assert "never" not in row.inner_text() and "active" in row.inner_text()
    shoot(page, "02-token-listed")
    row.get_by_role("button", name="Revoke newsroom importer").click()
    page.wait_for_url(live_server + "/account")
    assert "is revoked" in page.locator(".flash").inner_text()
    assert "revoked 20" in page.locator("#token-list tbody tr").first.inner_text()
    shoot(page, "03-token-revoked")

    status, body = api_post(
        live_server + "/api/v1/questions",
        token,
        {"statement": "Still working?", "resolution_criteria": "No."},
    )
    assert status == 401 and body["errors"] == []

    page.goto(live_server + "/api/v1/docs")
    assert page.get_by_role("heading", name="POST /api/v1/questions/{slug}/resolve").count()
    shoot(page, "04-api-docs")
