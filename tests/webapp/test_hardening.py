"""The app's own defences: one signing key for every worker, a bounded request size."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from seeded_users import PASSWORD

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


ABSURD = "9" * 24


@pytest.mark.parametrize(
    "path",
    [
        f"/questions/?page={ABSURD}",
        f"/pundits/?page={ABSURD}",
        f"/sources/?page={ABSURD}",
        f"/admin/audit?page={ABSURD}",
        "/sources/2147483648",
        f"/sources/{ABSURD}",
        f"/sources/{ABSURD}/candidates",
        "/sources/1/candidates?scale=nope",
    ],
)
def test_absurd_numbers_and_unknown_names_in_a_url_are_a_404_or_400_never_a_500(as_role, path):
    assert as_role("admin").get(path).status_code in (400, 404)


def test_a_next_address_with_a_line_break_cannot_steer_the_sign_in(app):
    response = app.test_client().post(
        "/login?next=%0d%0aSet-Cookie:%20x=1", data={"name": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "Set-Cookie" not in response.headers.get(
        "Location", ""
    )
