"""Sessions end on the server: a session or remember-me cookie copied before sign-out,
deactivation or a password change opens nothing afterwards and writes nothing, on SQLite
and PostgreSQL, with CSRF on; remember-me lasts 30 days unless configured."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from forecasts import services
from forecasts.db import make_engine, make_session_factory
from forecasts.models import User
from support import PASSWORD, csrf_token
from web import create_app

NEW_PASSWORD = "a new and longer passphrase"


@pytest.fixture
def registry(database_url):
    """An admin (ada) and an editor (ed) in a fresh database of each backend, and an app
    over it that checks CSRF tokens."""
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        for name, role in (("ada", "admin"), ("ed", "editor")):
            services.create_user(
                session, services.Actor.system(), name=name, role=role, password=PASSWORD
            )
    app = create_app(
        {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test"}
        | {"WTF_CSRF_ENABLED": True}
    )
    yield app, engine
    app.extensions["forecasts.engine"].dispose()
    engine.dispose()


def _form_token(client, path: str = "/login") -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def _try_signing_in(app, name: str, password: str = PASSWORD):
    """A new browser signing in, kept signed in ("remember me")."""
    client = app.test_client()
    data = {"name": name, "password": password, "remember": "y"}
    return client, client.post("/login", data=data | {"csrf_token": _form_token(client)})


def _sign_in(app, name: str, password: str = PASSWORD):
    client, response = _try_signing_in(app, name, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _holding(app, client, cookie: str):
    """Another browser that holds nothing but a copy of this cookie of ``client``."""
    copy = app.test_client()
    copy.set_cookie(cookie, client.get_cookie(cookie).value)
    return copy


def _signed_in(client) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _make_api_token(client):
    """POST the account page's token form (a write any signed-in user may make)."""
    return client.post(
        "/account/tokens", data={"name": "made here", "csrf_token": _form_token(client)}
    )


def _write_is_refused(client, engine, snapshot_of) -> None:
    before = snapshot_of(engine)
    response = _make_api_token(client)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert snapshot_of(engine) == before


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_cookie_copied_before_signing_out_opens_nothing_after_it(registry, snapshot_of, cookie):
    app, engine = registry
    browser = _sign_in(app, "ed")
    copied = _holding(app, browser, cookie)
    other_device = _sign_in(app, "ed")
    made = _make_api_token(copied)  # while the session lives, the copy is a working key
    assert made.status_code == 200 and _signed_in(copied) and _signed_in(other_device)
    api_token = re.search(r'id="new-token-value"[^>]* value="([^"]+)"', made.get_data(True))[1]

    signed_out = browser.post(
        "/logout", data={"csrf_token": _form_token(browser, "/account")}, follow_redirects=True
    )

    for client in (copied, other_device):  # sign-out ends every session of the user
        assert not _signed_in(client)
        _write_is_refused(client, engine, snapshot_of)
    assert "Signed out on every device" in signed_out.get_data(as_text=True)
    api = app.test_client().get("/api/v1/pundits", headers={"Authorization": f"Bearer {api_token}"})
    assert api.status_code == 200  # API tokens are separate credentials and still work


def test_deactivation_ends_every_session_of_the_user_for_good(registry, snapshot_of):
    app, engine = registry
    browser = _sign_in(app, "ed")
    copies = [_holding(app, browser, "session"), _holding(app, browser, "remember_token")]
    assert all(_signed_in(client) for client in [browser, *copies])
    admin = _sign_in(app, "ada")
    with make_session_factory(engine)() as session:
        ed = f"/admin/users/{session.scalar(select(User.id).where(User.name == 'ed'))}"

    def save_ed(**fields):
        page = admin.get(ed).get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page)[1]
        data = {"role": "editor", "version": version, "csrf_token": csrf_token(page)}
        assert admin.post(ed, data=data | fields).status_code == 302

    save_ed()  # the box left unticked: deactivated
    for client in [browser, *copies]:
        assert not _signed_in(client)
        _write_is_refused(client, engine, snapshot_of)
    save_ed(is_active="y")  # active again: the old sessions stay ended
    assert not any(_signed_in(client) for client in [browser, *copies])
    assert _signed_in(_sign_in(app, "ed"))


def test_changing_the_password_keeps_this_session_and_ends_the_others(registry, snapshot_of):
    app, engine = registry
    here = _sign_in(app, "ed")
    old_remember = _holding(app, here, "remember_token")
    elsewhere = _sign_in(app, "ed")

    def change(current: str):
        data = {"current_password": current, "new_password": NEW_PASSWORD}
        data |= {"new_password_again": NEW_PASSWORD, "csrf_token": _form_token(here, "/account")}
        return here.post("/account/password", data=data)

    before = snapshot_of(engine)
    refused = change("not my password")
    assert refused.status_code == 422 and "is not your current password" in refused.get_data(True)
    assert snapshot_of(engine) == before and _signed_in(elsewhere)

    assert change(PASSWORD).status_code == 302
    assert _signed_in(here) and _make_api_token(here).status_code == 200
    assert _signed_in(_holding(app, here, "remember_token"))  # kept signed in, new cookie
    for client in (elsewhere, old_remember):
        assert not _signed_in(client)
        _write_is_refused(client, engine, snapshot_of)
    assert _try_signing_in(app, "ed", PASSWORD)[1].status_code == 401
    assert _signed_in(_sign_in(app, "ed", NEW_PASSWORD))


def test_remember_me_lasts_30_days_unless_configured(make_app, monkeypatch):
    monkeypatch.delenv("FORECASTS_REMEMBER_DAYS", raising=False)
    client = make_app().test_client()
    client.post("/login", data={"name": "editor", "password": PASSWORD, "remember": "y"})
    expires = client.get_cookie("remember_token").expires.replace(tzinfo=dt.UTC)
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=30) - dt.timedelta(minutes=1) < left <= dt.timedelta(days=30)

    monkeypatch.setenv("FORECASTS_REMEMBER_DAYS", "7")
    assert make_app().config["REMEMBER_COOKIE_DURATION"] == dt.timedelta(days=7)
    assert "For 7 days" in make_app().test_client().get("/login").get_data(as_text=True)
    for bad in ("0", "a week", "-1"):
        monkeypatch.setenv("FORECASTS_REMEMBER_DAYS", bad)
        with pytest.raises(ValueError, match="FORECASTS_REMEMBER_DAYS"):
            make_app()
