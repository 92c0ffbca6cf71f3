"""The app's own defences: one signing key for every worker, a bounded request size."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

from forecasts.db import SECRET_KEY_FILE, stored_secret_key
from web import create_app


def test_without_a_configured_key_every_worker_uses_the_one_kept_in_home(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECASTS_HOME", str(tmp_path))
    monkeypatch.delenv("FORECASTS_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(4) as pool:  # workers starting at once agree on one key
        keys = set(pool.map(lambda _: stored_secret_key(), range(8)))
    apps = [create_app({"DATABASE_URL": "sqlite://"}) for _ in range(2)]
    assert len(keys) == 1 and {app.secret_key for app in apps} == keys
    path = tmp_path / SECRET_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    monkeypatch.setenv("FORECASTS_SECRET_KEY", "configured")
    assert create_app({"DATABASE_URL": "sqlite://"}).secret_key == "configured"


def test_a_page_request_larger_than_the_cap_is_413_with_a_plain_sentence(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    page = app.test_client().post("/login", data={"name": "x" * 2000})
    assert page.status_code == 413 and "larger than this server accepts" in page.get_data(True)
