"""The transaction kernel every action runs on: who acts, one unit of work per action
with its audit event, and the row helpers the actions share.

An action validates everything first, then writes its rows and its audit event inside
``unit_of_work``: one commit, or a rollback of the whole on any error. ``batch`` makes
many actions (an import) one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from forecasts import bulk
from forecasts.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from forecasts.models import AuditEvent, Role, User


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the system (command line, seed loader)."""

    name: str
    role: Role
    user_id: int | None = None

    @classmethod
    def system(cls, name: str = "cli") -> Actor:
        return cls(name=name, role=Role.ADMIN)

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(name=user.name, role=Role(user.role), user_id=user.id)

    def require(self, role: Role, action: str) -> None:
        if not self.role.allows(role):
            raise PermissionDenied(
                f"{action} needs the {role.value} role; {self.name} is a {self.role.value}"
            )


@contextlib.contextmanager
def unit_of_work(session: Session) -> Iterator[None]:
    """One user action: commit once at the end; roll back everything on any error.

    Inside ``batch(session)`` it only flushes, so many actions (an import) commit or
    roll back together.
    """
    nested = session.info.get(_BATCH_KEY, False)
    try:
        yield
        session.flush()
        if not nested:
            session.commit()
    except StaleDataError as error:
        session.rollback()
        raise ConflictError("row", str(error)) from error
    except IntegrityError as error:
        session.rollback()
        raise _integrity_to_validation(error) from error
    except BaseException:
        if not nested:
            session.rollback()
        raise


_BATCH_KEY = "forecasts.batch"


@contextlib.contextmanager
def batch(session: Session) -> Iterator[None]:
    """Run several actions as one transaction: all are written, or none is."""
    if session.info.get(_BATCH_KEY):
        raise RuntimeError("batches do not nest")
    session.info[_BATCH_KEY] = True
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_BATCH_KEY, None)


def _integrity_to_validation(error: IntegrityError) -> ValidationError:
    # The service checks first; this is the backstop for a race between two writers.
    message = str(error.orig).lower()
    for field in ("slug", "statement", "url", "name", "label"):
        if field in message:
            return ValidationError(field, "must be unique; another row already has this value")
    return ValidationError("database", f"refused the change ({error.orig})")


def record_audit(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict | None,
    after: dict | None,
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.user_id,
            actor_name=actor.name,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )


def get_row(session: Session, model, key: int | None, kind: str, field: str | None = None):
    row = session.get(model, key) if key is not None else None
    if row is None:
        if field is not None:
            raise ValidationError(field, f"no {kind} with id {key!r}")
        raise NotFoundError(kind, key)
    return row


def lock_for_update(session: Session, row) -> None:
    """Hold ``row`` against other writers until this transaction ends, then read it
    afresh: of two writers that checked the same state, the second waits for the first
    to commit and then sees what it wrote (and refuses, as a conflict). PostgreSQL locks
    the row (``SELECT ... FOR UPDATE``); SQLite takes its database write lock."""
    model = type(row)
    if session.connection().dialect.name == "sqlite":
        bulk.lock_for_writing(session)
    else:
        session.execute(select(model.id).where(model.id == row.id).with_for_update())
    session.expire(row)


@contextlib.contextmanager
def locked(session: Session, row) -> Iterator[None]:
    """``lock_for_update`` for the checks inside the block; a refusal raised there ends
    the transaction, so the lock is not held past the action."""
    lock_for_update(session, row)
    try:
        yield
    except BaseException:
        if not session.info.get(_BATCH_KEY, False):
            session.rollback()
        raise


def check_version(row, expected_version: int | None, kind: str, as_dict) -> None:
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(kind, row.id, as_dict(row))


def insert_row(session: Session, actor: Actor, row, kind: str, as_dict) -> None:
    """Write a new row and its ``KIND.create`` audit event."""
    session.add(row)
    session.flush()
    record_audit(session, actor, f"{kind}.create", kind, row.id, None, as_dict(row))


def bump_version_if_changed(session: Session, row, before: dict, as_dict) -> None:
    """Flush, making sure any change bumps the row's version, even one that touches only
    related rows (a question's tags): otherwise a concurrent edit would not conflict."""
    if as_dict(row) != before and not session.is_modified(row, include_collections=False):
        # Re-writing any plain column makes the UPDATE that increments the version.
        column = next(
            attr.key for attr in row.__mapper__.column_attrs if attr.key not in ("id", "version")
        )
        flag_modified(row, column)
    session.flush()


def apply_edit(
    session: Session,
    actor: Actor,
    row,
    kind: str,
    changes: Mapping | Callable[[], Mapping],
    as_dict,
    *,
    expected_version: int | None = None,
    then: Callable[[], None] | None = None,
    action: str = "update",
    why: Mapping | None = None,
):
    """Set ``changes`` on ``row`` in one unit of work with its ``KIND.ACTION`` audit
    event (none if nothing changed; ``why``, such as a correction's reason, is recorded
    beside the row's new values). ``changes`` may be a callable, called inside the
    transaction before any attribute is set: a lookup it makes (a question's tag rows)
    then cannot flush half the edit and give the row two version increments. ``then``
    runs last, in the same transaction (the annulments a new condition causes). With
    ``expected_version``, the row's version is checked again under a lock first."""
    with unit_of_work(session):
        if expected_version is not None:
            # Checked again under the lock: of two editors saving the same version at
            # once, the second sees the first's commit and gets the conflict.
            lock_for_update(session, row)
            check_version(row, expected_version, kind, as_dict)
        before = as_dict(row)
        for key, value in (changes() if callable(changes) else changes).items():
            setattr(row, key, value)
        bump_version_if_changed(session, row, before, as_dict)
        after = as_dict(row)
        if after != before:
            record_audit(
                session, actor, f"{kind}.{action}", kind, row.id, before, {**after, **(why or {})}
            )
        if then is not None:
            then()
    return row
