"""API tokens: a user's bearer credentials for the JSON API.

A token is a high-entropy random string shown to its owner once. Only its SHA-256 hash
is stored (a fast hash is enough: the secret is 256 random bits, not a password), with a
short non-secret prefix to tell tokens apart on the account page. A token carries no
rights of its own: each use acts as its user with the user's role *at that moment*, so
a deactivated user's tokens stop working and a demoted editor's tokens can only read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from forecasts import services
from forecasts.errors import NotFoundError, ValidationError
from forecasts.models import ApiToken, utcnow
from forecasts.validation import require_text

TOKEN_MARK = "fct_"  # says what a leaked string is (and lets secret scanners find it)
PREFIX_LENGTH = len(TOKEN_MARK) + 8  # the shown part: 48 of the 256 random bits
MAX_ACTIVE_TOKENS = 25
# Recording every use would write on every request; once a minute is "last used" enough.
USE_RECORD_INTERVAL = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_dict(token: ApiToken) -> dict:
    """Safe to show and to audit: never the token or its hash."""
    return {
        "id": token.id,
        "user_id": token.user_id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
    }


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def create_token(session: Session, actor: services.Actor, *, name: str) -> tuple[ApiToken, str]:
    """A new token for the acting user; returns the row and the token itself, which is
    not stored and cannot be shown again. Any signed-in user may have tokens."""
    if actor.user_id is None:
        raise ValidationError("user", "API tokens belong to a user account")
    name = require_text(name, "name", 80)
    active = session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == actor.user_id, ApiToken.revoked_at.is_(None)
        )
    )
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            "name",
            f"you have {MAX_ACTIVE_TOKENS} active tokens, the most allowed; revoke one first",
        )
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    with services.unit_of_work(session):
        token = ApiToken(
            user_id=actor.user_id,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            token_hash=hash_token(raw),
            created_at=utcnow(),
        )
        session.add(token)
        session.flush()
        services.record_audit(
            session, actor, "api_token.create", "api_token", token.id, None, token_dict(token)
        )
    return token, raw


def revoke_token(session: Session, actor: services.Actor, token_id: int) -> ApiToken:
    """Revoke one of the acting user's tokens; revoking a revoked token changes nothing.
    Another user's token is 'not found', so its existence is not revealed."""
    token = session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None or token.user_id != actor.user_id:
        raise NotFoundError("api token", token_id)
    if token.is_revoked:
        return token
    before = token_dict(token)
    with services.unit_of_work(session):
        token.revoked_at = utcnow()
        session.flush()
        services.record_audit(
            session, actor, "api_token.revoke", "api_token", token.id, before, token_dict(token)
        )
    return token


def authenticate_token(session: Session, raw: str | None) -> ApiToken | None:
    """The live token this string is (with its user loaded), or None if it is unknown,
    revoked, or its user is deactivated."""
    if not raw or not raw.startswith(TOKEN_MARK) or len(raw) > 200:
        return None
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(raw))
        .options(selectinload(ApiToken.user))
    )
    if token is None or token.is_revoked or not token.user.is_active:
        return None
    return token


def actor_for(token: ApiToken) -> services.Actor:
    """Who acts with this token: its user, with the user's current role."""
    return services.Actor.of(token.user)


def record_token_use(session: Session, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used (at most once per ``USE_RECORD_INTERVAL``). Not
    audited: it is bookkeeping, not a change anyone made."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORD_INTERVAL:
        return
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    set_committed_value(token, "last_used_at", now)


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first (revoked ones too: they are history)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
