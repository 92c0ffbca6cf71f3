"""Helpers the API tests share."""

from __future__ import annotations

from seeded_users import PASSWORD, ROLES, csrf_token, sign_in

from web import create_app

__all__ = ["PASSWORD", "ROLES", "csrf_token", "sign_in"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def field_rules(response) -> dict[str, str]:
    """A JSON error's {field: rule}."""
    body = response.get_json()
    assert set(body) >= {"errors", "message"}, body
    return {error["field"]: error["rule"] for error in body["errors"]}


# Generous limits: only the rate-limit tests meet one.
CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test",
    "API_READ_RATE_LIMIT": "10000 per minute",
    "API_WRITE_RATE_LIMIT": "10000 per minute",
}


def make_api_app(url: str, **config):
    """The app with the API and the account page (registered here until the factory
    does it)."""
    app = create_app({"DATABASE_URL": url, **CONFIG, **config})
    if "api" not in app.blueprints:
        from web import api

        api.init_app(app)
    if "account" not in app.blueprints:
        from web import account

        app.register_blueprint(account.blueprint)
    return app
