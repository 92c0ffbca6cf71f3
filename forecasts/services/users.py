"""Accounts: creating and changing users, signing in, and ending their sessions.

Every signed-in session and remember-me cookie of a user carries the user's session
token (``User.session_token``); the web app refuses one whose token is not the user's
current one. A new token therefore ends them all: signing out (``end_sessions``),
changing the password and deactivation each issue one, in the transaction of their
audit event. API tokens are separate credentials (``forecasts.tokens``) and stay.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from forecasts import serialize
from forecasts.errors import FieldErrors, NotFoundError, PermissionDenied, ValidationError
from forecasts.models import (
    Role,
    User,
    new_session_token,
)
from forecasts.rules import (
    check_account_fields,
    check_password,
    check_role,
)
from forecasts.services.kernel import (
    Actor,
    check_version,
    get_row,
    insert_row,
    record_audit,
    unit_of_work,
)
from forecasts.validation import require_text


def create_user(
    session: Session,
    actor: Actor,
    *,
    name: str,
    role: str,
    password: str,
    email: str | None = None,
) -> User:
    actor.require(Role.ADMIN, "creating a user")
    errors = FieldErrors()
    with errors.field():
        name = require_text(name, "name", 80)
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            errors.add("name", f"must be unique; a user named {name!r} exists")
    clean = check_account_fields(errors, role=role, password=password, email=email)
    errors.raise_any()
    role, email = clean["role"], clean["email"]
    with unit_of_work(session):
        user = User(
            name=name,
            role=role,
            email=email,
            password_hash=generate_password_hash(password),
            is_active=True,
        )
        insert_row(session, actor, user, "user", serialize.user_dict)
    return user


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    expected_version: int | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> User:
    actor.require(Role.ADMIN, "changing a user")
    user = get_row(session, User, user_id, "user")
    check_version(user, expected_version, "user", serialize.user_dict)
    if role is not None:
        role = check_role(role)
    demoted = role is not None and role != Role.ADMIN.value
    if user.role == Role.ADMIN.value and (demoted or is_active is False):
        other_admins = session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user.id
            )
        )
        if not other_admins:
            field = "role" if demoted else "is_active"
            raise ValidationError(field, "the last active admin must stay an active admin")
    before = serialize.user_dict(user)
    with unit_of_work(session):
        if role is not None:
            user.role = role
        if is_active is not None:
            if user.is_active and not is_active:
                user.session_token = new_session_token()  # deactivated: signed out now
            user.is_active = bool(is_active)
        session.flush()
        record_audit(
            session, actor, "user.update", "user", user.id, before, serialize.user_dict(user)
        )
    return user


def change_password(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    current_password: str,
    new_password: str,
) -> User:
    """A user changes their own password, giving the current one. Every session of the
    user ends (a new session token), the one asking too: the caller signs that one in
    again with the returned user's new token."""
    user = get_row(session, User, user_id, "user")
    if actor.user_id != user.id:
        raise PermissionDenied(f"only {user.name} can change {user.name}'s password")
    errors = FieldErrors()
    if not check_password_hash(user.password_hash, current_password or ""):
        errors.add("current_password", "is not your current password")
    check_password(errors, "new_password", new_password)
    errors.raise_any()
    return _set_password(session, actor, user, new_password, "user.password_change")


def reset_password(session: Session, actor: Actor, user_id: int, *, new_password: str) -> User:
    """An admin sets a user's password (one who forgot theirs). Every session of the
    user ends; the user signs in with the new password."""
    actor.require(Role.ADMIN, "resetting a password")
    user = get_row(session, User, user_id, "user")
    errors = FieldErrors()
    check_password(errors, "new_password", new_password)
    errors.raise_any()
    return _set_password(session, actor, user, new_password, "user.password_reset")


def _set_password(session: Session, actor: Actor, user: User, password: str, action: str) -> User:
    """The new password's hash and a new session token (every session ends), audited."""
    before = serialize.user_dict(user)
    with unit_of_work(session):
        user.password_hash = generate_password_hash(password)
        user.session_token = new_session_token()
        session.flush()
        record_audit(session, actor, action, "user", user.id, before, serialize.user_dict(user))
    return user


def user_by_name(session: Session, name: str) -> User:
    """The user named ``name``, or ``NotFoundError`` ("user 'ada' not found")."""
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None:
        raise NotFoundError("user", name)
    return user


def end_sessions(session: Session, actor: Actor, user_id: int) -> None:
    """End every session and remember-me cookie of the user, on every device (what
    signing out does). The user's own action, or an admin's. Not an edit of the account:
    the row's version stays, so an admin's open form for the user does not conflict."""
    if actor.user_id != user_id:
        actor.require(Role.ADMIN, "ending another user's sessions")
    user = get_row(session, User, user_id, "user")
    with unit_of_work(session):
        session.execute(
            update(User).where(User.id == user.id).values(session_token=new_session_token())
        )
        record_audit(session, actor, "user.end_sessions", "user", user.id, None, None)


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None or not user.is_active:
        return None
    return user if check_password_hash(user.password_hash, password or "") else None
