"""Bearer tokens on the API: who is asking, whether their role allows it, and how often.

A request may carry ``Authorization: Bearer <token>``. Reads need no token; a token that
is sent must be good (401 otherwise) on every endpoint. A token acts as its user with
the user's role at the time of the request. Cookies are never used to authenticate here.
"""

from __future__ import annotations

import functools
import math
import time

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from forecasts import tokens
from forecasts.models import Role
from forecasts.services import Actor
from web.database import get_session
from web.extensions import limiter

NO_TOKEN = "This needs a token: send the header 'Authorization: Bearer <token>'."
BAD_TOKEN = "The token is not valid: it is unknown or revoked, or its user is deactivated."
BAD_HEADER = "The Authorization header must be 'Bearer <token>'."
_BAD_TOKEN_SCOPE = "api-bad-token"


def authenticate_request() -> None:
    """Before each API request: the token sent, if any, or 401."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, raw = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthorized(BAD_HEADER)
    address = get_remote_address()
    limit = parse(current_app.config["API_BAD_TOKEN_RATE_LIMIT"])
    if not limiter.limiter.test(limit, _BAD_TOKEN_SCOPE, address):
        reset_at, _ = limiter.limiter.get_window_stats(limit, _BAD_TOKEN_SCOPE, address)
        error = TooManyRequests(f"{limit} refused tokens from one address")
        error.data = {"headers": {"Retry-After": str(max(1, math.ceil(reset_at - time.time())))}}
        raise error
    token = tokens.authenticate_token(get_session(), raw.strip())
    if token is None:
        limiter.limiter.hit(limit, _BAD_TOKEN_SCOPE, address)  # only refusals count
        raise Unauthorized(BAD_TOKEN)
    g.api_token = token


def record_use(response):
    """After a request the token was accepted for, note its use (for the account page).
    A refused request (4xx, 5xx) writes nothing at all."""
    token = g.get("api_token")
    if token is not None and response.status_code < 400:
        session = get_session()
        try:
            tokens.record_token_use(session, token)
        except SQLAlchemyError:  # bookkeeping must not fail an answer already made
            session.rollback()
            current_app.logger.warning(
                "could not record the use of API token %s", token.id, exc_info=True
            )
    return response


def current_actor() -> Actor:
    return g.api_actor


def token_required(role: Role):
    """The request must carry a good token (401) whose user now has ``role`` (403)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                raise Unauthorized(NO_TOKEN)
            actor = tokens.actor_for(token)
            if not actor.role.allows(role):
                raise Forbidden(
                    f"This needs the {role.value} role; the token's user "
                    f"{actor.name} is a {actor.role.value}."
                )
            g.api_actor = actor
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _client_key() -> str:
    """Whom a limit counts: the token when one was accepted, else the client address."""
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else f"address:{get_remote_address()}"


read_limit = limiter.shared_limit(
    lambda: current_app.config["API_READ_RATE_LIMIT"], scope="api-read", key_func=_client_key
)
write_limit = limiter.shared_limit(
    lambda: current_app.config["API_WRITE_RATE_LIMIT"], scope="api-write", key_func=_client_key
)
