"""Pundits: adding and editing the people whose forecasts are logged."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from forecasts import serialize
from forecasts.errors import FieldErrors
from forecasts.models import (
    Pundit,
    Role,
)
from forecasts.rules import (
    check_links,
    check_pundit_fields,
)
from forecasts.services.kernel import (
    Actor,
    apply_edit,
    check_version,
    get_row,
    insert_row,
    unit_of_work,
)
from forecasts.services.slugs import check_new_slug
from forecasts.validation import limit_text, require_text


def add_pundit(
    session: Session,
    actor: Actor,
    *,
    name: str,
    slug: str | None = None,
    bio: str = "",
    affiliation: str = "",
    links: Iterable[str] | None = None,
) -> Pundit:
    actor.require(Role.EDITOR, "adding a pundit")
    errors = FieldErrors()
    clean = check_pundit_fields(errors, name=name, bio=bio, affiliation=affiliation, links=links)
    slug = check_new_slug(session, Pundit, slug, clean.get("name") or name or "", errors)
    errors.raise_any()
    with unit_of_work(session):
        pundit = Pundit(**clean, slug=slug)
        insert_row(session, actor, pundit, "pundit", serialize.pundit_dict)
    return pundit


def edit_pundit(
    session: Session,
    actor: Actor,
    pundit_id: int,
    *,
    expected_version: int,
    name: str | None = None,
    slug: str | None = None,
    bio: str | None = None,
    affiliation: str | None = None,
    links: Iterable[str] | None = None,
) -> Pundit:
    actor.require(Role.EDITOR, "editing a pundit")
    pundit = get_row(session, Pundit, pundit_id, "pundit")
    check_version(pundit, expected_version, "pundit", serialize.pundit_dict)
    errors = FieldErrors()
    changes: dict = {}
    if name is not None:
        with errors.field():
            changes["name"] = require_text(name, "name", 200)
    if slug is not None and slug != pundit.slug:
        changes["slug"] = check_new_slug(session, Pundit, slug, "", errors, exclude_id=pundit.id)
    if bio is not None:
        changes["bio"] = bio.strip()
    if affiliation is not None:
        with errors.field():
            changes["affiliation"] = limit_text(affiliation, "affiliation", 200)
    if links is not None:
        changes["links"] = check_links(errors, links)
    errors.raise_any()
    return apply_edit(
        session,
        actor,
        pundit,
        "pundit",
        changes,
        serialize.pundit_dict,
        expected_version=expected_version,
    )
