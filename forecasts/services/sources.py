"""Sources: the published commentary a prediction is quoted from."""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy.orm import Session

from forecasts import serialize
from forecasts.errors import FieldErrors
from forecasts.models import (
    Pundit,
    Role,
    Source,
)
from forecasts.rules import (
    check_source_fields,
)
from forecasts.services.kernel import (
    Actor,
    apply_edit,
    check_version,
    get_row,
    insert_row,
    unit_of_work,
)
from forecasts.services.slugs import value_taken


def _check_source_fields(
    session: Session,
    errors: FieldErrors,
    *,
    title,
    url,
    published_on,
    outlet,
    exclude_id: int | None = None,
) -> dict:
    return check_source_fields(
        errors,
        title=title,
        url=url,
        published_on=published_on,
        outlet=outlet,
        url_taken=partial(value_taken, session, Source.url, exclude_id=exclude_id),
    )


_KEEP = object()  # edit_source: leave the author as it is


def _check_author(session: Session, errors: FieldErrors, author_pundit_id) -> int | None:
    """The author's pundit id, which must name a pundit; empty means none."""
    if author_pundit_id in (None, ""):
        return None
    try:
        pundit_id = int(author_pundit_id)
    except (TypeError, ValueError):
        errors.add("author_pundit_id", f"must be a pundit's id (got {author_pundit_id!r})")
        return None
    if session.get(Pundit, pundit_id) is None:
        errors.add("author_pundit_id", f"names no pundit (no pundit has the id {pundit_id})")
        return None
    return pundit_id


def add_source(
    session: Session,
    actor: Actor,
    *,
    title: str,
    published_on: dt.date | str,
    url: str | None = None,
    outlet: str = "",
    full_text: str = "",
    note: str = "",
    author_pundit_id: int | None = None,
) -> Source:
    actor.require(Role.EDITOR, "adding a source")
    errors = FieldErrors()
    clean = _check_source_fields(
        session, errors, title=title, url=url, published_on=published_on, outlet=outlet
    )
    clean["author_pundit_id"] = _check_author(session, errors, author_pundit_id)
    errors.raise_any()
    with unit_of_work(session):
        source = Source(**clean, full_text=full_text or "", note=(note or "").strip())
        insert_row(session, actor, source, "source", serialize.source_dict)
    return source


def edit_source(
    session: Session,
    actor: Actor,
    source_id: int,
    *,
    expected_version: int,
    title: str,
    published_on: dt.date | str,
    url: str | None = None,
    outlet: str = "",
    full_text: str | None = None,
    note: str | None = None,
    author_pundit_id=_KEEP,
) -> Source:
    """Edit a source; ``author_pundit_id`` left out keeps the author, None clears it."""
    actor.require(Role.EDITOR, "editing a source")
    source = get_row(session, Source, source_id, "source")
    check_version(source, expected_version, "source", serialize.source_dict)
    errors = FieldErrors()
    changes = _check_source_fields(
        session,
        errors,
        title=title,
        url=url,
        published_on=published_on,
        outlet=outlet,
        exclude_id=source.id,
    )
    if author_pundit_id is not _KEEP:
        changes["author_pundit_id"] = _check_author(session, errors, author_pundit_id)
    errors.raise_any()
    if full_text is not None:
        changes["full_text"] = full_text
    if note is not None:
        changes["note"] = note.strip()
    return apply_edit(
        session,
        actor,
        source,
        "source",
        changes,
        serialize.source_dict,
        expected_version=expected_version,
    )
