"""The Flask app: a factory, one blueprint per feature, thin routes over forecasts.services.

Production: ``gunicorn 'web:create_app()'`` with ``DATABASE_URL`` and
``FORECASTS_SECRET_KEY`` set (see the README).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from forecasts import moments
from forecasts.db import (
    make_engine,
    make_session_factory,
    resolve_database_url,
    stored_secret_key,
)
from forecasts.demo import has_demo_data
from forecasts.models import MAX_ROW_ID
from forecasts.rules import utc_today
from forecasts.serialize import is_judged_late, look_ahead_of, platform_name
from web import errors
from web.extensions import csrf, limiter, login_manager


class RowId(IntegerConverter):
    """``<int:...>`` in a URL: a whole number a database id can be (PostgreSQL's
    ``integer``); a larger one matches no route, so it is a 404, never an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask(__name__)
    app.url_map.converters["int"] = RowId
    secure = os.environ.get("FORECASTS_SECURE_COOKIES") == "1"
    app.config.update(
        DATABASE_URL=None,
        SECRET_KEY=os.environ.get("FORECASTS_SECRET_KEY"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        # "Keep me signed in" lasts this long from the sign-in, then the user signs in again.
        REMEMBER_COOKIE_DURATION=dt.timedelta(days=remember_days()),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        # Failed sign-ins allowed per client address (successful ones are not counted).
        LOGIN_RATE_LIMIT=os.environ.get("FORECASTS_LOGIN_RATE_LIMIT", "10 per 15 minutes"),
        RATELIMIT_STORAGE_URI=os.environ.get("FORECASTS_RATELIMIT_STORAGE", "memory://"),
        PAGE_SIZE=50,
        # A larger request body is refused with 413 before it is read.
        MAX_CONTENT_LENGTH=int(os.environ.get("FORECASTS_MAX_REQUEST_BYTES", 2 * 1024 * 1024)),
    )
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        # No key configured: the one kept in FORECASTS_HOME, shared by every worker.
        app.config["SECRET_KEY"] = stored_secret_key()
    app.config["DATABASE_URL"] = resolve_database_url(app.config["DATABASE_URL"])
    from web.pagecache import key_prefix

    # One registry's rate-limit counters apart from another's in a shared store.
    app.config.setdefault("RATELIMIT_KEY_PREFIX", key_prefix(app.config["DATABASE_URL"]) + "limits")

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["forecasts.engine"] = engine
    app.extensions["forecasts.sessions"] = make_session_factory(engine)

    from web import (
        account,
        admin,
        api,
        auth,
        corrections,
        database,
        feeds,
        leaderboards,
        pagecache,
        predictions,
        pundits,
        questions,
        resolutions,
        reviews,
        scales,
        search,
        sources,
        tags,
    )

    database.init_app(app)
    pagecache.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    for module in (
        auth,
        questions,
        leaderboards,
        pundits,
        sources,
        predictions,
        resolutions,
        reviews,
        account,
        admin,
        feeds,
        scales,
        search,
        tags,
        corrections,
    ):
        app.register_blueprint(module.blueprint)
    api.init_app(app)

    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["when"] = moments.shown
    app.jinja_env.filters["iso"] = moments.iso
    app.jinja_env.globals["look_ahead_of"] = look_ahead_of
    app.jinja_env.globals["platform_name"] = platform_name
    app.jinja_env.tests["judged_late"] = is_judged_late
    app.context_processor(auth.navigation_context)
    app.jinja_env.globals["utc_today"] = utc_today
    app.jinja_env.globals["can"] = auth.can
    app.context_processor(lambda: {"synthetic_data": has_demo_data(database.get_session())})
    errors.register_pages(app)
    return app


def remember_days() -> int:
    """``FORECASTS_REMEMBER_DAYS``: how many days "keep me signed in" lasts (30)."""
    text = os.environ.get("FORECASTS_REMEMBER_DAYS", "30").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 3650:
        raise ValueError(
            f"FORECASTS_REMEMBER_DAYS must be a whole number of days from 1 to 3650 (got {text!r})"
        )
    return int(text)


def percent(value: float | None) -> str:
    """0.05 -> '5%', 0.125 -> '12.5%'; None -> '-'."""
    if value is None:
        return "-"
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
