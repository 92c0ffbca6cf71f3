"""Walk the app's URL map: no write route accepts an anonymous or reader POST, and every
POST without a CSRF token is refused, each leaving the database unchanged."""

from __future__ import annotations

from support import PASSWORD, csrf_token, sign_in

SAMPLE_VALUES = {
    "pundits": {"slug": "op-ed-author-iran-us-iraq-2020"},
    "questions": {"slug": "us-iran-war-by-end-2020"},
    "resolutions": {"slug": "us-iran-war-by-end-2020"},
    "sources": {"source_id": 1},
    "admin": {"user_id": 1},
    "reviews": {"source_id": 1, "start": 0, "end": 10},
    "account": {"token_id": 1},
    "corrections": {
        "prediction_id": 1,
        "nouns": "pundits",
        "key": "op-ed-author-iran-us-iraq-2020",
    },
}
# A sign-in is the one POST open to everyone; signing out needs a session but no role.
OPEN_POSTS = {"auth.login"}
ANY_SIGNED_IN = {
    "auth.logout",
    "account.create_token",
    "account.revoke_token",
    "account.change_password",
}

# Admins' routes outside the admin blueprint.
ADMIN_ONLY = {"corrections.merge", "corrections.delete"}


def post_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in OPEN_POSTS:
            continue
        blueprint = rule.endpoint.split(".")[0]
        if blueprint == "api":
            continue  # token-authenticated, no cookies: tests/api covers its refusals
        values = {arg: SAMPLE_VALUES[blueprint][arg] for arg in rule.arguments}
        routes.append((rule.endpoint, rule.build(values)[1]))
    return routes


def test_the_walk_covers_every_write_route(app):
    endpoints = {endpoint for endpoint, _ in post_routes(app)}
    assert {
        "predictions.create",
        "resolutions.resolve",
        "questions.create",
        "questions.edit",
        "pundits.create",
        "pundits.edit",
        "sources.create",
        "sources.edit",
        "admin.users",
        "admin.user",
        "auth.logout",
        "reviews.extract",
        "reviews.decide",
        "corrections.correct",
        "corrections.retract",
        "corrections.merge",
        "corrections.delete",
    } <= endpoints


def test_anonymous_posts_go_to_sign_in_and_write_nothing(app, engine, snapshot_of):
    client = app.test_client()
    before = snapshot_of(engine)
    for endpoint, path in post_routes(app):
        response = client.post(path, data={"name": "x", "statement": "x", "outcome": "yes"})
        assert response.status_code == 302, endpoint
        assert "/login" in response.headers["Location"], endpoint
    assert snapshot_of(engine) == before


def test_reader_posts_are_forbidden_and_write_nothing(app, engine, snapshot_of):
    client = sign_in(app.test_client(), "reader")
    before = snapshot_of(engine)
    for endpoint, path in post_routes(app):
        if endpoint in ANY_SIGNED_IN:
            continue
        response = client.post(path, data={"name": "x", "statement": "x", "outcome": "yes"})
        assert response.status_code == 403, endpoint
    assert snapshot_of(engine) == before


def test_editor_may_not_use_admin_routes(app, engine, snapshot_of):
    client = sign_in(app.test_client(), "editor")
    before = snapshot_of(engine)
    for endpoint, path in post_routes(app):
        if endpoint.startswith("admin.") or endpoint in ADMIN_ONLY:
            assert client.post(path, data={"name": "x", "role": "admin"}).status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert snapshot_of(engine) == before


def test_every_post_without_csrf_token_is_refused(make_app, engine, snapshot_of):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    before = snapshot_of(engine)
    refused = client.post("/login", data={"name": "admin", "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    signed_in = client.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf_token": csrf_token(login_page)}
    )
    assert signed_in.status_code == 302
    for endpoint, path in post_routes(app):
        response = client.post(path, data={"name": "x", "statement": "x", "outcome": "yes"})
        assert response.status_code == 400, endpoint
    assert snapshot_of(engine) == before
