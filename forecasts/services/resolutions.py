"""Resolutions: recording what happened, annulling, and the annulments a failed
condition causes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import moments, serialize
from forecasts.errors import ConflictError, FieldErrors
from forecasts.models import (
    Outcome,
    Question,
    Resolution,
    Role,
    utcnow,
)
from forecasts.rules import (
    automatic_annulment_note,
    check_resolution_fields,
    condition_failure,
    resolution_action,
)
from forecasts.services.kernel import (
    Actor,
    get_row,
    locked,
    record_audit,
    unit_of_work,
)

_UNSET = object()


def resolve_question(
    session: Session,
    actor: Actor,
    question_id: int,
    *,
    outcome: str,
    known_at: dt.date | dt.datetime | str,
    evidence_url: str | None = None,
    note: str = "",
    expected_resolution_id: int | None | object = _UNSET,
) -> Resolution:
    """Record what happened: ``yes``/``no``, an option's label, or ``annulled`` (note = reason).

    Resolving again appends a resolution; the latest stands. Pass
    ``expected_resolution_id`` (the standing resolution the resolver saw, or None for
    "unresolved") to refuse a resolution made against a stale view. Questions whose
    condition this outcome fails are annulled automatically, with the reason.
    """
    actor.require(Role.EDITOR, "resolving a question")
    question = get_row(session, Question, question_id, "question")
    # One resolver at a time per question: the standing resolution checked below is
    # still the standing one when the new one is appended.
    with locked(session, question):
        standing = question.standing_resolution
        if expected_resolution_id is not _UNSET:
            standing_id = standing.id if standing else None
            if standing_id != expected_resolution_id:
                raise ConflictError("question", question.id, serialize.question_dict(question))
        errors = FieldErrors()
        clean = check_resolution_fields(
            errors,
            kind=question.kind,
            option_labels=question.option_labels(),
            outcome=outcome,
            known_at=known_at,
            evidence_url=evidence_url,
            note=note,
            failed_condition=failed_condition(question),
        )
        errors.raise_any()
        option = None
        if clean["option_label"] is not None:
            option = next(o for o in question.options if o.label == clean["option_label"])
    with unit_of_work(session):
        resolution = _append_resolution(
            session,
            actor,
            question,
            outcome=clean["outcome"],
            option=option,
            known_at=clean["known_at"],
            evidence_url=clean["evidence_url"],
            note=clean["note"],
        )
        cascade_condition(session, actor, question)
    return resolution


def annul_question(
    session: Session,
    actor: Actor,
    question_id: int,
    *,
    reason: str,
    known_at: dt.date | dt.datetime | str,
    evidence_url: str | None = None,
    expected_resolution_id: int | None | object = _UNSET,
) -> Resolution:
    """Annul: the question will not be scored (ambiguous, or its premise failed)."""
    return resolve_question(
        session,
        actor,
        question_id,
        outcome=Outcome.ANNULLED.value,
        known_at=known_at,
        evidence_url=evidence_url,
        note=reason,
        expected_resolution_id=expected_resolution_id,
    )


def _append_resolution(
    session: Session,
    actor: Actor,
    question: Question,
    *,
    outcome: str,
    option,
    known_at,
    evidence_url,
    note,
    automatic: bool = False,
) -> Resolution:
    before = serialize.question_dict(question)
    known_moment, precision = moments.columns(known_at)
    resolution = Resolution(
        question=question,
        outcome=outcome,
        option=option,
        known_at=known_moment,
        known_at_precision=precision,
        evidence_url=evidence_url,
        note=note,
        automatic=automatic,
        resolved_at=utcnow(),
        resolved_by_id=actor.user_id,
    )
    session.add(resolution)
    session.flush()
    session.refresh(question, ["resolutions"])
    action = resolution_action(outcome, before["resolution"] is not None)
    record_audit(
        session, actor, action, "question", question.id, before, serialize.question_dict(question)
    )
    return resolution


def failed_condition(question: Question) -> str | None:
    """Why the question's condition has failed, or None if it holds or is not yet known."""
    condition = question.condition_question
    if condition is None:
        return None
    standing = condition.standing_resolution
    if standing is None:
        return None
    return condition_failure(
        condition.slug, standing.outcome, standing.outcome_label, question.condition_outcome
    )


def cascade_condition(session: Session, actor: Actor, condition: Question) -> None:
    """Annul every question whose condition ``condition``'s outcome has failed, and theirs."""
    dependents = session.scalars(
        select(Question).where(Question.condition_question_id == condition.id)
    ).all()
    for dependent in dependents:
        reason = failed_condition(dependent)
        standing = dependent.standing_resolution
        if reason is None or (standing is not None and standing.outcome == Outcome.ANNULLED):
            continue
        _append_resolution(
            session,
            actor,
            dependent,
            outcome=Outcome.ANNULLED.value,
            option=None,
            known_at=condition.standing_resolution.known,
            evidence_url=None,
            note=automatic_annulment_note(reason),
            automatic=True,
        )
        cascade_condition(session, actor, dependent)
