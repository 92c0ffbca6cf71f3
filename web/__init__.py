"""The Flask app: a factory, one blueprint per feature, thin routes over forecasts.services.

Production: ``gunicorn 'web:create_app()'`` with ``DATABASE_URL`` and
``FORECASTS_SECRET_KEY`` set (see the README).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

from flask import Flask

from forecasts.db import make_engine, make_session_factory, resolve_database_url


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=None,
        SECRET_KEY=os.environ.get("FORECASTS_SECRET_KEY") or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("FORECASTS_SECURE_COOKIES") == "1",
    )
    if config:
        app.config.update(config)
    app.config["DATABASE_URL"] = resolve_database_url(app.config["DATABASE_URL"])

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["forecasts.engine"] = engine
    app.extensions["forecasts.sessions"] = make_session_factory(engine)

    from web import database
    from web.questions import blueprint as questions

    database.init_app(app)
    app.register_blueprint(questions)
    app.jinja_env.filters["percent"] = percent
    return app


def percent(value: float | None) -> str:
    """0.05 -> '5%', 0.125 -> '12.5%'; None -> '-'."""
    if value is None:
        return "-"
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
