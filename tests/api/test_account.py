"""The account page: any signed-in user makes API tokens (shown once, stored hashed) and
revokes them, through CSRF-protected forms."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from forecasts.models import ApiToken, AuditEvent
from support import PASSWORD, bearer, csrf_token

TOKEN_RE = re.compile(r"fct_[A-Za-z0-9_-]{40,}")


def created_token(response) -> str:
    found = TOKEN_RE.findall(response.get_data(as_text=True))
    assert len(set(found)) == 1, found
    return found[0]


def test_the_account_page_needs_a_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 302


@pytest.mark.parametrize("role", ["reader", "editor", "admin"])
def test_any_signed_in_user_creates_a_token_shown_once_and_stored_hashed(
    as_role, role, engine, snapshot_of, sessions
):
    browser = as_role(role)
    page = browser.get("/account")
    assert page.status_code == 200 and "No tokens yet" in page.get_data(as_text=True)
    response = browser.post("/account/tokens", data={"name": "newsroom importer"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    raw = created_token(response)
    assert "will not be shown again" in response.get_data(as_text=True)

    everything = repr(snapshot_of(engine))
    assert raw not in everything
    assert hashlib.sha256(raw.encode()).hexdigest() in everything
    with sessions() as session:
        row = session.scalar(select(ApiToken))
        assert (row.name, row.prefix) == ("newsroom importer", raw[:12])
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor_name) == ("api_token.create", role)
        assert raw not in repr(event.after)

    later = browser.get("/account").get_data(as_text=True)
    assert raw not in later and TOKEN_RE.search(later) is None
    assert "newsroom importer" in later and raw[:12] in later and "never" in later
    assert browser.get("/api/v1/pundits", headers=bearer(raw)).status_code == 200
    assert "never" not in browser.get("/account").get_data(as_text=True).split("token-list")[1]


def test_a_readers_token_reads_but_does_not_write(as_role):
    browser = as_role("reader")
    raw = created_token(browser.post("/account/tokens", data={"name": "reading"}))
    assert browser.get("/api/v1/questions", headers=bearer(raw)).status_code == 200
    response = browser.post(
        "/api/v1/questions",
        headers=bearer(raw),
        json={"statement": "x?", "resolution_criteria": "y"},
    )
    assert response.status_code == 403


def test_revoking_stops_the_token(as_role, sessions):
    browser = as_role("editor")
    raw = created_token(browser.post("/account/tokens", data={"name": "laptop"}))
    with sessions() as session:
        token_id = session.scalar(select(ApiToken.id))
    response = browser.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    page = browser.get("/account").get_data(as_text=True)
    assert "is revoked" in page and "revoked 20" in page
    assert f"/account/tokens/{token_id}/revoke" not in page
    assert browser.get("/api/v1/pundits", headers=bearer(raw)).status_code == 401
    with sessions() as session:
        assert session.get(ApiToken, token_id).revoked_at is not None
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions[-2:] == ["api_token.create", "api_token.revoke"]
    # Revoking again changes nothing.
    assert browser.post(f"/account/tokens/{token_id}/revoke").status_code == 302


def test_nobody_revokes_another_users_token(as_role, token_for, engine, snapshot_of):
    row, raw = token_for("editor")
    before = snapshot_of(engine)
    for role in ("reader", "admin"):
        assert as_role(role).post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert as_role("editor").post("/account/tokens/999/revoke").status_code == 404
    assert snapshot_of(engine) == before
    assert as_role("reader").get("/api/v1/pundits", headers=bearer(raw)).status_code == 200


def test_a_token_needs_a_name(as_role, engine, snapshot_of):
    browser = as_role("reader")
    before = snapshot_of(engine)
    response = browser.post("/account/tokens", data={"name": "   "})
    assert response.status_code == 422
    assert "is required" in response.get_data(as_text=True)
    assert TOKEN_RE.search(response.get_data(as_text=True)) is None
    assert snapshot_of(engine) == before


def test_token_forms_need_the_csrf_token(make_app, engine, snapshot_of, token_for):
    row, _ = token_for("admin")
    app = make_app(WTF_CSRF_ENABLED=True)
    browser = app.test_client()
    login_page = browser.get("/login").get_data(as_text=True)
    browser.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf_token": csrf_token(login_page)}
    )
    before = snapshot_of(engine)
    assert browser.post("/account/tokens", data={"name": "x"}).status_code == 400
    assert browser.post(f"/account/tokens/{row.id}/revoke").status_code == 400
    assert snapshot_of(engine) == before
    page = browser.get("/account").get_data(as_text=True)
    made = browser.post("/account/tokens", data={"name": "x", "csrf_token": csrf_token(page)})
    assert made.status_code == 200 and created_token(made)
    revoked = browser.post(
        f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert revoked.status_code == 302
    # The API itself takes no CSRF token: it is authenticated by bearer tokens only.
    assert browser.post("/api/v1/questions", json={}).status_code == 401
