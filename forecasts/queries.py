"""Read-only queries shared by the command line, the web app and the API."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from forecasts.models import (
    AuditEvent,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    Resolution,
    Source,
    User,
)


def list_pundits(session: Session) -> list[Pundit]:
    return list(session.scalars(select(Pundit).order_by(Pundit.slug)))


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.published_on, Source.id)))


def _question_page_options():
    return (
        selectinload(Question.options),
        selectinload(Question.tags),
        selectinload(Question.resolutions).selectinload(Resolution.option),
        selectinload(Question.resolutions).selectinload(Resolution.resolved_by),
        selectinload(Question.condition_question),
        selectinload(Question.predictions).selectinload(Prediction.pundit),
        selectinload(Question.predictions).selectinload(Prediction.distribution)
        .selectinload(PredictionOption.option),
    )


def list_questions(session: Session) -> list[Question]:
    """Every question with its options, tags, resolutions and predictions loaded."""
    return list(session.scalars(
        select(Question).options(*_question_page_options()).order_by(Question.id)))


def question_page(session: Session, page: int, size: int) -> tuple[list[Question], int]:
    """One page of questions (by id) with what the list shows loaded, and the total."""
    total = session.scalar(select(func.count(Question.id)))
    questions = session.scalars(
        select(Question).options(*_question_page_options()).order_by(Question.id)
        .offset((page - 1) * size).limit(size))
    return list(questions), total


def question_choices(session: Session) -> list[tuple[int, str]]:
    """(id, statement) of every question, for a form's choice of condition."""
    return [tuple(row) for row in session.execute(
        select(Question.id, Question.statement).order_by(Question.id))]


def pundits_with_counts(session: Session) -> list[tuple[Pundit, int]]:
    """Every pundit by slug, with how many predictions they have (one grouped query)."""
    counts = (select(Prediction.pundit_id, func.count(Prediction.id).label("n"))
              .group_by(Prediction.pundit_id).subquery())
    rows = session.execute(
        select(Pundit, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.pundit_id == Pundit.id).order_by(Pundit.slug))
    return [(pundit, n) for pundit, n in rows]


def list_predictions(session: Session) -> list[Prediction]:
    return list(
        session.scalars(
            select(Prediction)
            .options(
                selectinload(Prediction.question).selectinload(Question.resolutions),
                selectinload(Prediction.pundit),
                selectinload(Prediction.logged_by),
                selectinload(Prediction.distribution),
            )
            .order_by(Prediction.made_at, Prediction.id)
        )
    )


def question_by_slug(session: Session, slug: str) -> Question | None:
    return session.scalar(
        select(Question)
        .where(Question.slug == slug)
        .options(
            selectinload(Question.options),
            selectinload(Question.tags),
            selectinload(Question.resolutions).selectinload(Resolution.option),
            selectinload(Question.resolutions).selectinload(Resolution.resolved_by),
            selectinload(Question.predictions).selectinload(Prediction.pundit),
            selectinload(Question.predictions).selectinload(Prediction.source),
            selectinload(Question.predictions).selectinload(Prediction.logged_by),
            selectinload(Question.predictions).selectinload(Prediction.distribution),
        )
    )


def pundit_by_slug(session: Session, slug: str) -> Pundit | None:
    """The pundit alone: their predictions are read a page at a time."""
    return session.scalar(select(Pundit).where(Pundit.slug == slug))


def pundit_predictions(session: Session, pundit_id: int, page: int,
                       size: int) -> tuple[list[Prediction], int]:
    """One page of a pundit's predictions (oldest first) with what a prediction's line
    shows loaded, and how many there are."""
    total = session.scalar(select(func.count(Prediction.id))
                           .where(Prediction.pundit_id == pundit_id))
    predictions = session.scalars(
        select(Prediction).where(Prediction.pundit_id == pundit_id)
        .options(
            selectinload(Prediction.question).selectinload(Question.resolutions),
            selectinload(Prediction.source),
            selectinload(Prediction.distribution).selectinload(PredictionOption.option),
        )
        .order_by(Prediction.made_at, Prediction.id)
        .offset((page - 1) * size).limit(size))
    return list(predictions), total


def source_predictions(session: Session, source_id: int) -> list[Prediction]:
    return list(
        session.scalars(
            select(Prediction)
            .where(Prediction.source_id == source_id)
            .options(selectinload(Prediction.pundit),
                     selectinload(Prediction.question).selectinload(Question.resolutions))
            .order_by(Prediction.made_at, Prediction.id)
        )
    )


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def audit_page(session: Session, page: int, size: int) -> tuple[list[AuditEvent], int]:
    """Newest first; returns the page's events and the total count."""
    total = session.scalar(select(func.count(AuditEvent.id)))
    events = session.scalars(
        select(AuditEvent).order_by(AuditEvent.id.desc()).offset((page - 1) * size).limit(size)
    )
    return list(events), total
