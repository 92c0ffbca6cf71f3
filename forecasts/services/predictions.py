"""Predictions: logging a pundit's forecast (a revision is a new prediction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.orm import Session

from forecasts import moments, serialize
from forecasts.errors import FieldErrors
from forecasts.models import (
    Prediction,
    PredictionOption,
    ProbabilityOrigin,
    Pundit,
    Question,
    Role,
    Source,
    utcnow,
)
from forecasts.rules import (
    check_prediction_fields,
)
from forecasts.services.kernel import (
    Actor,
    get_row,
    insert_row,
    unit_of_work,
)


def log_prediction(
    session: Session,
    actor: Actor,
    *,
    question_id: int,
    pundit_id: int,
    made_at: dt.datetime | dt.date | str,
    probability: float | None = None,
    distribution: Mapping[str, float] | None = None,
    source_id: int | None = None,
    quote: str = "",
    hedge_phrase: str = "",
    probability_origin: str = ProbabilityOrigin.STATED.value,
    scale_name: str | None = None,
    scale_version: str | None = None,
    note: str = "",
) -> Prediction:
    """Log one pundit's forecast. A revision is a new prediction: history is kept.

    ``made_at`` is a moment or a day (``forecasts.moments``). A prediction made after
    its question's outcome became known is accepted but flagged (``look_ahead``) and
    never scored.
    """
    actor.require(Role.EDITOR, "logging a prediction")
    errors = FieldErrors()
    question = pundit = source = None
    with errors.field():
        question = get_row(session, Question, question_id, "question", "question_id")
    with errors.field():
        pundit = get_row(session, Pundit, pundit_id, "pundit", "pundit_id")
    if source_id not in (None, ""):
        with errors.field():
            source = get_row(session, Source, source_id, "source", "source_id")
    clean = check_prediction_fields(
        errors,
        kind=question.kind if question is not None else None,
        resolve_by=question.resolve_by if question is not None else None,
        option_labels=question.option_labels() if question is not None else (),
        source_published_on=source.published_on if source is not None else None,
        made_at=made_at,
        probability=probability,
        distribution=distribution,
        probability_origin=probability_origin,
        scale_name=scale_name,
        scale_version=scale_version,
        hedge_phrase=hedge_phrase,
        quote=quote,
        note=note,
    )
    errors.raise_any()
    made = moments.columns(clean["made_at"])
    with unit_of_work(session):
        by_label = {option.label: option for option in question.options}
        prediction = Prediction(
            question=question,
            pundit=pundit,
            source=source,
            probability=clean["probability"],
            quote=clean["quote"],
            hedge_phrase=clean["hedge_phrase"],
            probability_origin=clean["probability_origin"],
            scale_name=clean["scale_name"],
            scale_version=clean["scale_version"],
            made_at=made[0],
            made_at_precision=made[1],
            logged_at=utcnow(),
            logged_by_id=actor.user_id,
            note=clean["note"],
        )
        prediction.distribution = [
            PredictionOption(option=by_label[label], probability=value)
            for label, value in clean["distribution"].items()
        ]
        insert_row(session, actor, prediction, "prediction", serialize.prediction_dict)
    return prediction
