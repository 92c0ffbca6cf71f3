"""Read-only queries shared by the command line, the web app and the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from forecasts.models import Prediction, Pundit, Question, Resolution, Source


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
