"""Re-map stored predictions with another scale (or another version of one).

Only predictions whose probability was mapped from their hedge phrase
(``probability_origin == "mapped"``) are re-mapped: a number the pundit stated, or an
editor's estimate, is not a reading of a scale and is left alone. ``plan_remap`` reads
the registry and says what would change; ``apply_remap`` writes the changes in one
transaction, each with a ``prediction.remap`` audit event, and refuses (ConflictError)
if a prediction changed since the plan was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import serialize
from forecasts.errors import ConflictError
from forecasts.models import Prediction, ProbabilityOrigin, Role
from forecasts.phrases.mapping import ORIGIN_STATED, map_phrase
from forecasts.phrases.scales import Scale, load_scale
from forecasts.services import Actor, record_audit, unit_of_work

AUDIT_ACTION = "prediction.remap"


@dataclass(frozen=True)
class Remap:
    """One mapped prediction read again on the new scale."""

    prediction_id: int
    version: int
    question_slug: str
    pundit_slug: str
    hedge_phrase: str
    old_probability: float
    old_scale: str
    new_probability: float
    new_low: float
    new_high: float
    new_scale: str
    scale_phrase: str | None
    negated: bool

    @property
    def changed(self) -> bool:
        return (
            abs(self.new_probability - self.old_probability) > 1e-12
            or self.new_scale != self.old_scale
        )

    def to_dict(self) -> dict:
        return {
            "prediction_id": self.prediction_id,
            "question_slug": self.question_slug,
            "pundit_slug": self.pundit_slug,
            "hedge_phrase": self.hedge_phrase,
            "old_probability": self.old_probability,
            "old_scale": self.old_scale,
            "new_probability": self.new_probability,
            "new_band": [self.new_low, self.new_high],
            "new_scale": self.new_scale,
            "scale_phrase": self.scale_phrase,
            "negated": self.negated,
        }


@dataclass(frozen=True)
class Unmapped:
    prediction_id: int
    hedge_phrase: str
    reason: str

    def to_dict(self) -> dict:
        return {
            "prediction_id": self.prediction_id,
            "hedge_phrase": self.hedge_phrase,
            "reason": self.reason,
        }


@dataclass
class RemapPlan:
    scale: Scale
    changes: list[Remap] = field(default_factory=list)
    unchanged: list[Remap] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "scale": self.scale.ref,
            "changes": [r.to_dict() for r in self.changes],
            "unchanged": [r.to_dict() for r in self.unchanged],
            "unmapped": [u.to_dict() for u in self.unmapped],
        }


def _scale_ref(prediction: Prediction) -> str:
    return f"{prediction.scale_name}@{prediction.scale_version}"


def plan_remap(session: Session, scale: Scale | str) -> RemapPlan:
    """What re-mapping every mapped prediction with ``scale`` would change (reads only)."""
    scale = load_scale(scale)
    plan = RemapPlan(scale)
    predictions = session.scalars(
        select(Prediction)
        .where(Prediction.probability_origin == ProbabilityOrigin.MAPPED.value)
        .order_by(Prediction.id)
    )
    for prediction in predictions:
        if prediction.probability is None:
            plan.unmapped.append(
                Unmapped(
                    prediction.id,
                    prediction.hedge_phrase,
                    "a multiple-choice prediction has no single phrase",
                )
            )
            continue
        match = map_phrase(prediction.hedge_phrase, scale)
        if match is None:
            plan.unmapped.append(
                Unmapped(
                    prediction.id, prediction.hedge_phrase, f"no phrase of {scale.ref} in the hedge"
                )
            )
            continue
        if match.origin == ORIGIN_STATED:
            plan.unmapped.append(
                Unmapped(
                    prediction.id,
                    prediction.hedge_phrase,
                    "the hedge is a stated number, not a phrase",
                )
            )
            continue
        remap = Remap(
            prediction_id=prediction.id,
            version=prediction.version,
            question_slug=prediction.question.slug,
            pundit_slug=prediction.pundit.slug,
            hedge_phrase=prediction.hedge_phrase,
            old_probability=prediction.probability,
            old_scale=_scale_ref(prediction),
            new_probability=match.probability,
            new_low=match.low,
            new_high=match.high,
            new_scale=scale.ref,
            scale_phrase=match.scale_phrase,
            negated=match.negated,
        )
        (plan.changes if remap.changed else plan.unchanged).append(remap)
    return plan


def apply_remap(session: Session, actor: Actor, plan: RemapPlan) -> list[Prediction]:
    """Write the plan's changes in one transaction, one ``prediction.remap`` audit event
    each. Raises ConflictError, writing nothing, if a prediction changed since the plan."""
    actor.require(Role.EDITOR, "re-mapping predictions")
    changed: list[Prediction] = []
    with unit_of_work(session):
        for remap in plan.changes:
            prediction = session.get(Prediction, remap.prediction_id)
            if (
                prediction is None
                or prediction.version != remap.version
                or prediction.probability_origin != ProbabilityOrigin.MAPPED.value
            ):
                current = serialize.prediction_dict(prediction) if prediction else None
                raise ConflictError("prediction", remap.prediction_id, current)
            before = serialize.prediction_dict(prediction)
            prediction.probability = remap.new_probability
            prediction.scale_name = plan.scale.name
            prediction.scale_version = plan.scale.version
            session.flush()
            after = serialize.prediction_dict(prediction)
            after["remap"] = {
                "band": [remap.new_low, remap.new_high],
                "scale_phrase": remap.scale_phrase,
            }
            record_audit(session, actor, AUDIT_ACTION, "prediction", prediction.id, before, after)
            changed.append(prediction)
    return changed
