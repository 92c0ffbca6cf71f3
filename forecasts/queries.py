"""Read-only queries shared by the command line, the web app and the API."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from forecasts.models import AuditEvent, Prediction, Pundit, Question, Resolution, Source, User


def list_pundits(session: Session) -> list[Pundit]:
    return list(session.scalars(select(Pundit).order_by(Pundit.slug)))


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.published_on, Source.id)))


def list_questions(session: Session) -> list[Question]:
    """Every question with its options, tags, resolutions and predictions loaded."""
    return list(
        session.scalars(
            select(Question)
            .options(
                selectinload(Question.options),
                selectinload(Question.tags),
                selectinload(Question.resolutions).selectinload(Resolution.option),
                selectinload(Question.resolutions).selectinload(Resolution.resolved_by),
                selectinload(Question.condition_question),
                selectinload(Question.predictions).selectinload(Prediction.pundit),
            )
            .order_by(Question.id)
        )
    )


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
    return session.scalar(
        select(Pundit)
        .where(Pundit.slug == slug)
        .options(
            selectinload(Pundit.predictions)
            .selectinload(Prediction.question)
            .selectinload(Question.resolutions),
            selectinload(Pundit.predictions).selectinload(Prediction.source),
        )
    )


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
