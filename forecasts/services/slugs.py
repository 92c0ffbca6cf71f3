"""Values that must be unique in the database: is one taken by another row; a free slug,
or a chosen one checked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts.errors import FieldErrors
from forecasts.rules import (
    slug_taken_rule,
    unique_slug,
)
from forecasts.validation import check_slug, slugify


def free_slug(session: Session, model, base: str, field: str = "slug") -> str:
    base = base or "item"
    taken = set(
        session.scalars(
            select(model.slug).where((model.slug == base) | model.slug.like(f"{base}-%"))
        )
    )
    return unique_slug(base, taken)


def value_taken(session: Session, column, value, exclude_id: int | None = None) -> bool:
    """Whether a row other than ``exclude_id`` has ``value`` in the unique ``column``."""
    table = column.class_
    query = select(table.id).where(column == value)
    if exclude_id is not None:
        query = query.where(table.id != exclude_id)
    return session.scalar(query) is not None


def check_new_slug(
    session: Session,
    model,
    slug: str | None,
    fallback: str,
    errors: FieldErrors,
    exclude_id: int | None = None,
) -> str | None:
    if slug is None or not str(slug).strip():
        return free_slug(session, model, slugify(fallback))
    with errors.field():
        slug = check_slug(slug)
        if value_taken(session, model.slug, slug, exclude_id):
            errors.add("slug", slug_taken_rule(slug))
        return slug
    return None
