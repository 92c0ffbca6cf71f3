"""The JSON API under ``/api/v1``, described by OpenAPI (flask-smorest + marshmallow).

``init_app(app)`` registers it. Settings (app config, or the environment):

- ``API_READ_RATE_LIMIT`` (``FORECASTS_API_READ_RATE_LIMIT``, default ``300 per
  minute``): requests to the read endpoints, per token, or per client address without
  one.
- ``API_WRITE_RATE_LIMIT`` (``FORECASTS_API_WRITE_RATE_LIMIT``, default ``60 per
  minute``): requests to the write endpoints, per token.
- ``API_BAD_TOKEN_RATE_LIMIT`` (``FORECASTS_API_BAD_TOKEN_RATE_LIMIT``, default ``20 per
  minute``): refused tokens per client address; past it every request from that
  address is a 429 until the window passes (guessing tokens is not free).

Limits use Flask-Limiter's notation and the storage of ``RATELIMIT_STORAGE_URI``.
"""

from __future__ import annotations

import os

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from flask_smorest import Api

from web.api import docs, routes
from web.api.schemas import MAX_PER_PAGE, ErrorOut

DESCRIPTION = """The forecast registry's data as JSON: pundits, questions, predictions,
resolutions and the leaderboard, and the writes an editor makes.

**Reading** needs no token. Lists are paged: `page` (from 1) and `per_page` (at most
{max_per_page}); each answer gives `total` and `pages`.

**Writing** (logging a prediction, adding a question, resolving, annulling) needs a token
whose user is an editor or admin *now*: send `Authorization: Bearer <token>`. Create and
revoke tokens on your account page (`/account`); a token is shown once. A token acts
with its user's current role: a reader's token can only read, and a deactivated user's
tokens are refused. A token sent with a read must be good too.

**Errors** are JSON: `{{"errors": [{{"field": ..., "rule": ...}}], "message": ...}}`.
400: the request cannot be read (malformed JSON, a wrong type, an unknown field, a bad
query parameter). 401: no token, or a bad or revoked one. 403: the role may not.
404: no such row. 409: `expected_resolution_id` is stale (`current` holds the question
as it now is). 422: the input breaks a rule (the same rules as the site's forms). 429:
rate limit: {read_limit} for reads (per token, or per client address without one) and
{write_limit} for writes (per token) on this site.

Resolving appends: the latest resolution stands. Send `expected_resolution_id` (the
standing resolution you saw, or null for none) so that a resolution made against a
stale view is refused rather than silently appended."""


def _schema_name(schema) -> str:
    """Schema names in the document: PunditOut -> Pundit, PredictionIn -> PredictionInput."""
    name = resolve_schema_cls(schema).__name__
    if name.endswith("Out"):
        return name[:-3]
    if name.endswith("In"):
        return name[:-2] + "Input"
    return name


class _Api(Api):
    ERROR_SCHEMA = ErrorOut
    DEFAULT_ERROR_RESPONSE_NAME = None  # every answer is documented per route instead

    def _register_error_handlers(self) -> None:
        # flask-smorest would answer every error of the whole site in JSON; the API
        # blueprint answers its own (web.api.errors) and the web pages keep their HTML.
        return None


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "API_READ_RATE_LIMIT", os.environ.get("FORECASTS_API_READ_RATE_LIMIT", "300 per minute")
    )
    app.config.setdefault(
        "API_WRITE_RATE_LIMIT", os.environ.get("FORECASTS_API_WRITE_RATE_LIMIT", "60 per minute")
    )
    app.config.setdefault(
        "API_BAD_TOKEN_RATE_LIMIT",
        os.environ.get("FORECASTS_API_BAD_TOKEN_RATE_LIMIT", "20 per minute"),
    )
    api = _Api(
        app,
        spec_kwargs={
            "title": "Forecast registry API",
            "version": "1",
            "openapi_version": "3.0.3",
            "info": {
                "description": DESCRIPTION.format(
                    max_per_page=MAX_PER_PAGE,
                    read_limit=app.config["API_READ_RATE_LIMIT"],
                    write_limit=app.config["API_WRITE_RATE_LIMIT"],
                )
            },
            "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name),
        },
    )
    api.spec.components.security_scheme(
        routes.BEARER,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from your account page (/account).",
        },
    )
    # flask-smorest documents its pagination header; the API pages in the body instead.
    api.spec.components.schemas.pop("PaginationMetadataSchema", None)
    api.register_blueprint(routes.blueprint)
    app.register_blueprint(docs.blueprint)
    app.extensions["forecasts.api"] = api
