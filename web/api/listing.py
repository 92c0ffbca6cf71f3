"""The API's list queries: filtered, ordered and cut into pages in the database.

Read-only, like ``forecasts.queries`` (these could move there once the web pages filter
the same way).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from forecasts import queries
from forecasts.models import (
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    Resolution,
    UnscorableClaim,
)

QUESTION_STATUSES = queries.QUESTION_STATUSES


def pundits() -> Select:
    return select(Pundit).order_by(Pundit.slug)


def questions(
    tag: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    today: dt.date | None = None,
) -> Select:
    """Questions by id, by tag, kind and status (``queries.filtered_questions``)."""
    return queries.filtered_questions(tag=tag, kind=kind, status=status, today=today)


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


def unscorable_claims(pundit: str | None = None) -> Select:
    """Claims logged as unscorable, in the order they were made; by a pundit's slug."""
    query = select(UnscorableClaim).options(
        selectinload(UnscorableClaim.pundit),
        selectinload(UnscorableClaim.question),
        selectinload(UnscorableClaim.logged_by),
    )
    if pundit:
        query = query.where(
            UnscorableClaim.pundit_id.in_(select(Pundit.id).where(Pundit.slug == pundit))
        )
    return query.order_by(UnscorableClaim.made_at, UnscorableClaim.id)
