"""The API's list queries: filtered, ordered and cut into pages in the database.

Read-only, like ``forecasts.queries`` (these could move there once the web pages filter
the same way).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from forecasts import queries
from forecasts.models import (
    Outcome,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    Resolution,
    Tag,
    question_tags,
    utcnow,
)

QUESTION_STATUSES = ("open", "due", "resolved", "annulled")


def pundits() -> Select:
    return select(Pundit).order_by(Pundit.slug)


def _standing_outcomes():
    """Each resolved question's standing (latest) outcome."""
    latest = (
        select(Resolution.question_id, func.max(Resolution.id).label("resolution_id"))
        .group_by(Resolution.question_id)
        .subquery()
    )
    return (
        select(Resolution.question_id, Resolution.outcome)
        .join(latest, latest.c.resolution_id == Resolution.id)
        .subquery()
    )


def questions(
    tag: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    today: dt.date | None = None,
) -> Select:
    """Questions by id; ``status`` is open (unresolved, deadline not passed or none), due
    (unresolved, past its resolve-by date), resolved, or annulled (by the standing
    resolution)."""
    query = select(Question).options(*queries.question_loads()).order_by(Question.id)
    if tag:
        query = query.where(
            Question.id.in_(
                select(question_tags.c.question_id)
                .join(Tag, Tag.id == question_tags.c.tag_id)
                .where(Tag.slug == tag)
            )
        )
    if kind:
        query = query.where(Question.kind == kind)
    if status:
        standing = _standing_outcomes()
        query = query.outerjoin(standing, standing.c.question_id == Question.id)
        today = today or utcnow().date()
        if status == "resolved":
            query = query.where(
                standing.c.outcome.is_not(None), standing.c.outcome != Outcome.ANNULLED.value
            )
        elif status == "annulled":
            query = query.where(standing.c.outcome == Outcome.ANNULLED.value)
        elif status == "due":
            query = query.where(standing.c.outcome.is_(None), Question.resolve_by < today)
        else:
            query = query.where(
                standing.c.outcome.is_(None),
                Question.resolve_by.is_(None) | (Question.resolve_by >= today),
            )
    return query


def predictions(pundit: str | None = None, question: str | None = None) -> Select:
    """Predictions in the order they were made; by a pundit's or a question's slug."""
    query = (
        select(Prediction)
        .options(
            selectinload(Prediction.question).selectinload(Question.resolutions),
            selectinload(Prediction.pundit),
            selectinload(Prediction.logged_by),
            selectinload(Prediction.distribution).selectinload(PredictionOption.option),
        )
        .order_by(Prediction.made_at, Prediction.id)
    )
    if pundit:
        query = query.where(
            Prediction.pundit_id.in_(select(Pundit.id).where(Pundit.slug == pundit))
        )
    if question:
        query = query.where(
            Prediction.question_id.in_(select(Question.id).where(Question.slug == question))
        )
    return query


def resolutions(question: str | None = None) -> Select:
    """Every resolution ever recorded (re-resolutions too), oldest first."""
    query = (
        select(Resolution)
        .options(selectinload(Resolution.option), selectinload(Resolution.resolved_by))
        .order_by(Resolution.id)
    )
    if question:
        query = query.where(
            Resolution.question_id.in_(select(Question.id).where(Question.slug == question))
        )
    return query
