"""Accounts: creating and changing users, and signing in."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from forecasts import serialize
from forecasts.errors import FieldErrors, ValidationError
from forecasts.models import (
    Role,
    User,
)
from forecasts.rules import (
    check_account_fields,
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
            user.is_active = bool(is_active)
        session.flush()
        record_audit(
            session, actor, "user.update", "user", user.id, before, serialize.user_dict(user)
        )
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None or not user.is_active:
        return None
    return user if check_password_hash(user.password_hash, password or "") else None
