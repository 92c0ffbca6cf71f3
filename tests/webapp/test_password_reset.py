"""An admin sets a user's password from the user's page: the user's sessions end, the
new password works and the old one does not; a short password or a non-admin changes
nothing."""

from __future__ import annotations

from sqlalchemy import select

from forecasts import services
from forecasts.db import make_session_factory
from forecasts.models import User
from support import PASSWORD, sign_in

NEW = "a fresh passphrase for ed"


def _id(engine, name: str) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(User.id).where(User.name == name))


def test_an_admin_sets_a_forgotten_password_and_the_old_sessions_end(app, as_role, engine):
    editor = as_role("editor")
    assert editor.get("/predictions/new").status_code == 200
    admin = as_role("admin")
    page = admin.get(f"/admin/users/{_id(engine, 'editor')}").get_data(as_text=True)
    assert "Set a new password" in page
    response = admin.post(
        f"/admin/users/{_id(engine, 'editor')}/password", data={"new_password": NEW}
    )
    assert response.status_code == 302
    assert "sessions have ended" in admin.get(response.location).get_data(as_text=True)
    assert editor.get("/predictions/new").status_code in (302, 401)  # signed out
    with make_session_factory(engine)() as session:
        assert services.authenticate(session, "editor", NEW) is not None
        assert services.authenticate(session, "editor", PASSWORD) is None
    fresh = app.test_client()
    assert fresh.post("/login", data={"name": "editor", "password": NEW}).status_code == 302


def test_a_short_password_or_a_non_admin_changes_nothing(app, as_role, engine, snapshot_of):
    before = snapshot_of(engine)
    target = f"/admin/users/{_id(engine, 'reader')}/password"
    short = as_role("admin").post(target, data={"new_password": "short"})
    assert short.status_code == 422
    assert "must be at least 8 characters" in short.get_data(as_text=True)
    assert as_role("editor").post(target, data={"new_password": NEW}).status_code == 403
    assert app.test_client().post(target, data={"new_password": NEW}).status_code in (302, 401)
    assert as_role("admin").post("/admin/users/999999/password", data={}).status_code == 404
    assert snapshot_of(engine) == before
    sign_in(app.test_client(), "reader")  # the old password still works
