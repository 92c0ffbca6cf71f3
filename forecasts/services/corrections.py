"""Keeping the record right: correcting and retracting predictions, and deleting or
merging pundits, questions and sources.

Nothing is physically lost. A correction or a retraction is an edit with its audit event
(the row before and after, and the editor's reason); a retracted prediction stays on the
record, struck through and never scored. A merge moves every prediction of a duplicate
to the row it is merged into, records the duplicate's whole row in its audit event, and
keeps its old address as a redirect. Only a row that nothing refers to can be deleted
(and its audit event keeps it); anything with predictions is merged instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from forecasts import kept, moments, serialize
from forecasts.errors import FieldErrors, ValidationError
from forecasts.models import (
    CandidateReview,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    Redirect,
    ReferenceForecast,
    Resolution,
    Role,
    Source,
    UnscorableClaim,
    utcnow,
)
from forecasts.rules import check_prediction_fields
from forecasts.services.kernel import (
    Actor,
    apply_edit,
    check_version,
    get_row,
    lock_for_update,
    record_audit,
    unit_of_work,
)
from forecasts.validation import require_text

#: The longest reason a correction, a retraction or a restoration may give.
MAX_REASON = 500

#: What a correction may change, as ``log_prediction`` names it.
CORRECTABLE = (
    "quote",
    "hedge_phrase",
    "probability",
    "distribution",
    "probability_origin",
    "scale_name",
    "scale_version",
    "made_at",
    "source_id",
    "note",
)


def _reason(errors: FieldErrors, reason: str | None) -> str:
    with errors.field():
        return require_text(reason, "reason", MAX_REASON)
    return ""


# ------------------------------------------------------------------ predictions


def correct_prediction(
    session: Session,
    actor: Actor,
    prediction_id: int,
    *,
    expected_version: int,
    reason: str,
    changes: Mapping[str, object],
) -> Prediction:
    """Correct the record of what a pundit said: any of ``CORRECTABLE`` (a missing key
    keeps its value; ``source_id`` None removes the source). The whole prediction is
    checked again by the rules that logging applies; the audit event keeps the before,
    the after and the reason, and the prediction says when it was last corrected."""
    actor.require(Role.EDITOR, "correcting a prediction")
    prediction = get_row(session, Prediction, prediction_id, "prediction")
    check_version(prediction, expected_version, "prediction", serialize.prediction_dict)
    errors = FieldErrors()
    unknown = sorted(set(changes) - set(CORRECTABLE))
    for name in unknown:
        errors.add(name, f"cannot be corrected (correctable: {', '.join(CORRECTABLE)})")
    if prediction.retracted_at is not None:
        errors.add("prediction", "is retracted: restore it before correcting it")
    why = _reason(errors, reason)
    question = prediction.question
    source = prediction.source
    if "source_id" in changes:
        source = None
        if changes["source_id"] not in (None, ""):
            with errors.field():
                source = get_row(session, Source, changes["source_id"], "source", "source_id")
    current = {
        "quote": prediction.quote,
        "hedge_phrase": prediction.hedge_phrase,
        "probability": prediction.probability,
        "distribution": {e.option.label: e.probability for e in prediction.distribution} or None,
        "probability_origin": prediction.probability_origin,
        "scale_name": prediction.scale_name,
        "scale_version": prediction.scale_version,
        "made_at": prediction.made,
        "note": prediction.note,
    }
    wanted = {**current, **{k: v for k, v in changes.items() if k in current}}
    if wanted["probability_origin"] != "mapped" and "probability_origin" in changes:
        # A number no longer read from a scale names none.
        wanted["scale_name"] = wanted["scale_name"] if "scale_name" in changes else None
        wanted["scale_version"] = wanted["scale_version"] if "scale_version" in changes else None
    clean = check_prediction_fields(
        errors,
        kind=question.kind,
        resolve_by=question.resolve_by,
        option_labels=question.option_labels(),
        source_published_on=source.published_on if source is not None else None,
        **wanted,
    )
    errors.raise_any()
    proposed = {key: clean[key] for key in current}
    proposed["distribution"] = clean["distribution"] or None
    if proposed == current and (source.id if source else None) == prediction.source_id:
        raise ValidationError("prediction", "the correction changes nothing")

    def new_values() -> dict:
        values = {key: clean[key] for key in current if key != "distribution"}
        values["made_at"], values["made_at_precision"] = moments.columns(clean["made_at"])
        values["source"] = source
        values["corrected_at"] = utcnow()
        if proposed["distribution"] != current["distribution"]:
            by_label = {option.label: option for option in question.options}
            values["distribution"] = [
                PredictionOption(option=by_label[label], probability=value)
                for label, value in clean["distribution"].items()
            ]
        return values

    return apply_edit(
        session,
        actor,
        prediction,
        "prediction",
        new_values,
        serialize.prediction_dict,
        expected_version=expected_version,
        action="correct",
        why={"reason": why},
    )


def retract_prediction(
    session: Session, actor: Actor, prediction_id: int, *, expected_version: int, reason: str
) -> Prediction:
    """Retract a prediction logged in error: it stays on the record, struck through
    with the date and the reason, and is never scored."""
    actor.require(Role.EDITOR, "retracting a prediction")
    prediction = get_row(session, Prediction, prediction_id, "prediction")
    check_version(prediction, expected_version, "prediction", serialize.prediction_dict)
    errors = FieldErrors()
    why = _reason(errors, reason)
    if prediction.retracted_at is not None:
        errors.add("prediction", f"is already retracted (on {prediction.retracted_at.date()})")
    errors.raise_any()
    return apply_edit(
        session,
        actor,
        prediction,
        "prediction",
        {"retracted_at": utcnow(), "retraction_reason": why},
        serialize.prediction_dict,
        expected_version=expected_version,
        action="retract",
    )


def restore_prediction(
    session: Session, actor: Actor, prediction_id: int, *, expected_version: int, reason: str
) -> Prediction:
    """Undo a retraction (it was right after all): scored again, with the reason kept."""
    actor.require(Role.EDITOR, "restoring a prediction")
    prediction = get_row(session, Prediction, prediction_id, "prediction")
    check_version(prediction, expected_version, "prediction", serialize.prediction_dict)
    errors = FieldErrors()
    why = _reason(errors, reason)
    if prediction.retracted_at is None:
        errors.add("prediction", "is not retracted")
    errors.raise_any()
    return apply_edit(
        session,
        actor,
        prediction,
        "prediction",
        {"retracted_at": None, "retraction_reason": ""},
        serialize.prediction_dict,
        expected_version=expected_version,
        action="restore",
        why={"reason": why},
    )


# ------------------------------------------------------------------ delete and merge


def _count(session: Session, column, value: int) -> int:
    return session.scalar(select(func.count()).where(column == value))


def _into(session: Session, model, row, into_id, kind: str):
    """The row a merge keeps: another row of the same kind."""
    if into_id in (None, ""):
        raise ValidationError("into", f"is required: the {kind} to merge this one into")
    into = get_row(session, model, into_id, kind, "into")
    if into.id == row.id:
        raise ValidationError("into", f"is this {kind}: choose the {kind} to keep")
    return into


def _redirect(session: Session, kind: str, old_key: str, old_id: int, into_id: int) -> None:
    """Send the merged row's address, and every address that led to it, to ``into``."""
    session.execute(
        update(Redirect)
        .where(Redirect.kind == kind, Redirect.target_id == old_id)
        .values(target_id=into_id)
    )
    existing = session.scalar(
        select(Redirect).where(Redirect.kind == kind, Redirect.old_key == old_key)
    )
    if existing is not None:
        existing.target_id = into_id
    else:
        session.add(Redirect(kind=kind, old_key=old_key, target_id=into_id))


def _forget_redirects(session: Session, kind: str, row_id: int) -> None:
    session.execute(delete(Redirect).where(Redirect.kind == kind, Redirect.target_id == row_id))


def _move_predictions(session: Session, column, old_id: int, into_id: int) -> list[int]:
    """Point every prediction of ``old_id`` at ``into_id`` (their versions go up, so a
    stale edit of one conflicts); the ids moved, in order."""
    ids = list(
        session.scalars(select(Prediction.id).where(column == old_id).order_by(Prediction.id))
    )
    # The bulk update passes the ORM by: say which questions' kept scores it changes.
    moved_on = select(Prediction.question_id).distinct().where(column == old_id)
    kept.touch(
        session, [*session.scalars(moved_on), into_id if column is Prediction.question_id else None]
    )
    if ids:
        session.execute(
            update(Prediction)
            .where(column == old_id)
            .values({column.key: into_id, "version": Prediction.version + 1})
            .execution_options(synchronize_session=False)
        )
    return ids


def _move_claims(session: Session, column, old_id: int, into_id: int) -> dict:
    """Point the unscorable claims of ``old_id`` at ``into_id``; for the merge's audit
    event, the ids moved (nothing when there were none)."""
    ids = list(session.scalars(select(UnscorableClaim.id).where(column == old_id)))
    if not ids:
        return {}
    session.execute(
        update(UnscorableClaim)
        .where(column == old_id)
        .values({column.key: into_id, "version": UnscorableClaim.version + 1})
        .execution_options(synchronize_session=False)
    )
    return {"unscorable_claims_moved": sorted(ids)}


def _merged(session: Session, actor: Actor, kind: str, row, into, as_dict, extra: dict) -> None:
    record_audit(
        session,
        actor,
        f"{kind}.merge",
        kind,
        row.id,
        as_dict(row),
        {"merged_into_id": into.id, **extra},
    )


def _held(predictions: int, claims: int) -> str:
    """What refers to a row a delete would lose: '3 prediction(s) and 1 unscorable claim(s)'."""
    return f"{predictions} prediction(s)" + (f" and {claims} unscorable claim(s)" if claims else "")


def _deleted(session: Session, actor: Actor, kind: str, row, as_dict) -> None:
    record_audit(session, actor, f"{kind}.delete", kind, row.id, as_dict(row), None)
    _forget_redirects(session, kind, row.id)
    session.delete(row)


def delete_pundit(session: Session, actor: Actor, pundit_id: int, *, expected_version: int) -> None:
    """Delete a pundit added by mistake; one with predictions is merged instead."""
    actor.require(Role.ADMIN, "deleting a pundit")
    pundit = get_row(session, Pundit, pundit_id, "pundit")
    with unit_of_work(session):
        lock_for_update(session, pundit)
        check_version(pundit, expected_version, "pundit", serialize.pundit_dict)
        count = _count(session, Prediction.pundit_id, pundit.id)
        claims = _count(session, UnscorableClaim.pundit_id, pundit.id)
        if count or claims:
            raise ValidationError(
                "pundit",
                f"has {_held(count, claims)}: merge it into another pundit instead, "
                "so that none is lost",
            )
        session.execute(
            update(Source).where(Source.author_pundit_id == pundit.id).values(author_pundit_id=None)
        )
        _deleted(session, actor, "pundit", pundit, serialize.pundit_dict)


def merge_pundits(
    session: Session, actor: Actor, pundit_id: int, *, into_id: int, expected_version: int
) -> Pundit:
    """Merge a duplicate pundit (another spelling of one person) into ``into_id``: its
    predictions and the sources it wrote move; its address redirects."""
    actor.require(Role.ADMIN, "merging pundits")
    pundit = get_row(session, Pundit, pundit_id, "pundit")
    into = _into(session, Pundit, pundit, into_id, "pundit")
    with unit_of_work(session):
        lock_for_update(session, pundit)
        check_version(pundit, expected_version, "pundit", serialize.pundit_dict)
        moved = _move_predictions(session, Prediction.pundit_id, pundit.id, into.id)
        claims = _move_claims(session, UnscorableClaim.pundit_id, pundit.id, into.id)
        session.execute(
            update(Source)
            .where(Source.author_pundit_id == pundit.id)
            .values(author_pundit_id=into.id)
        )
        _merged(
            session,
            actor,
            "pundit",
            pundit,
            into,
            serialize.pundit_dict,
            {"merged_into_slug": into.slug, "predictions_moved": moved, **claims},
        )
        _redirect(session, "pundit", pundit.slug, pundit.id, into.id)
        session.delete(pundit)
    return into


def delete_source(session: Session, actor: Actor, source_id: int, *, expected_version: int) -> None:
    """Delete a source added by mistake (its review decisions go with it); one that
    predictions cite is merged instead."""
    actor.require(Role.ADMIN, "deleting a source")
    source = get_row(session, Source, source_id, "source")
    with unit_of_work(session):
        lock_for_update(session, source)
        check_version(source, expected_version, "source", serialize.source_dict)
        count = _count(session, Prediction.source_id, source.id)
        claims = _count(session, UnscorableClaim.source_id, source.id)
        if count or claims:
            raise ValidationError(
                "source",
                f"is cited by {_held(count, claims)}: merge it into another source instead",
            )
        session.execute(delete(CandidateReview).where(CandidateReview.source_id == source.id))
        _deleted(session, actor, "source", source, lambda row: serialize.source_dict(row, True))


def merge_sources(
    session: Session, actor: Actor, source_id: int, *, into_id: int, expected_version: int
) -> Source:
    """Merge a duplicate source into ``into_id``: the predictions citing it move, and
    what the kept source lacks (outlet, link, text, note, author) is taken from it.
    Review decisions move when the two texts are the same (they name spans of it)."""
    actor.require(Role.ADMIN, "merging sources")
    source = get_row(session, Source, source_id, "source")
    into = _into(session, Source, source, into_id, "source")
    with unit_of_work(session):
        lock_for_update(session, source)
        check_version(source, expected_version, "source", serialize.source_dict)
        early = session.scalar(
            select(func.count()).where(
                Prediction.source_id == source.id,
                Prediction.made_at < dt.datetime.combine(into.published_on, dt.time(), dt.UTC),
            )
        )
        if early:
            raise ValidationError(
                "into",
                f"was published on {into.published_on}, after {early} of the predictions "
                "citing this source were made",
            )
        moved = _move_predictions(session, Prediction.source_id, source.id, into.id)
        claims = _move_claims(session, UnscorableClaim.source_id, source.id, into.id)
        same_text = source.full_text == into.full_text
        reviews = CandidateReview.source_id == source.id
        if same_text:
            taken = select(CandidateReview.start, CandidateReview.end).where(
                CandidateReview.source_id == into.id
            )
            kept = {tuple(row) for row in session.execute(taken)}
            for review in session.scalars(select(CandidateReview).where(reviews)):
                if (review.start, review.end) in kept:
                    session.delete(review)
                else:
                    review.source_id = into.id
        else:
            session.execute(delete(CandidateReview).where(reviews))
        filled = {
            name: getattr(source, name)
            for name in ("outlet", "url", "full_text", "note", "author_pundit_id")
            if not getattr(into, name) and getattr(source, name)
        }
        _merged(
            session,
            actor,
            "source",
            source,
            into,
            lambda row: serialize.source_dict(row, True),
            {"predictions_moved": moved, "filled_from_it": sorted(filled), **claims},
        )
        _redirect(session, "source", str(source.id), source.id, into.id)
        session.delete(source)
        session.flush()  # the duplicate's link is free before the kept source takes it
        before = serialize.source_dict(into, True)
        for name, value in filled.items():
            setattr(into, name, value)
        if filled:
            session.flush()
            record_audit(
                session,
                actor,
                "source.update",
                "source",
                into.id,
                before,
                serialize.source_dict(into, True),
            )
    return into


def _question_blockers(session: Session, question: Question) -> list[str]:
    """What keeps a question from going: a resolution (append-only history) or other
    questions conditional on it, beside its predictions."""
    found = []
    if _count(session, Resolution.question_id, question.id):
        found.append("it has a resolution (resolutions are kept for good)")
    conditional = _count(session, Question.condition_question_id, question.id)
    if conditional:
        found.append(f"{conditional} question(s) are conditional on it")
    return found


def delete_question(
    session: Session, actor: Actor, question_id: int, *, expected_version: int
) -> None:
    """Delete a question created by mistake: no predictions, no resolution, nothing
    conditional on it (its reference forecasts go with it)."""
    actor.require(Role.ADMIN, "deleting a question")
    question = get_row(session, Question, question_id, "question")
    with unit_of_work(session):
        lock_for_update(session, question)
        check_version(question, expected_version, "question", serialize.question_dict)
        blockers = _question_blockers(session, question)
        count = _count(session, Prediction.question_id, question.id)
        if count:
            blockers.insert(0, f"it has {count} prediction(s): merge it into another question")
        if blockers:
            raise ValidationError("question", "cannot be deleted: " + "; ".join(blockers))
        session.execute(
            delete(ReferenceForecast).where(ReferenceForecast.question_id == question.id)
        )
        _deleted(session, actor, "question", question, serialize.question_dict)


def merge_questions(
    session: Session, actor: Actor, question_id: int, *, into_id: int, expected_version: int
) -> Question:
    """Merge a duplicate question into ``into_id``, which asks the same thing: its
    predictions (options matched by label), reference forecasts, tags and the questions
    conditional on it move; its address redirects. The duplicate must be unresolved and
    of the same kind and condition, and its forecasts must fit the kept deadline."""
    actor.require(Role.ADMIN, "merging questions")
    question = get_row(session, Question, question_id, "question")
    into = _into(session, Question, question, into_id, "question")
    with unit_of_work(session):
        lock_for_update(session, question)
        check_version(question, expected_version, "question", serialize.question_dict)
        _check_mergeable(session, question, into)
        options = {option.label: option.id for option in into.options}
        for option in question.options:
            session.execute(
                update(PredictionOption)
                .where(PredictionOption.option_id == option.id)
                .values(option_id=options[option.label])
            )
        moved = _move_predictions(session, Prediction.question_id, question.id, into.id)
        claims = _move_claims(session, UnscorableClaim.question_id, question.id, into.id)
        taken = {
            (point.source, point.at)
            for point in session.scalars(
                select(ReferenceForecast).where(ReferenceForecast.question_id == into.id)
            )
        }
        for point in session.scalars(
            select(ReferenceForecast).where(ReferenceForecast.question_id == question.id)
        ):
            if (point.source, point.at) in taken:
                session.delete(point)
            else:
                point.question_id = into.id
        session.execute(
            update(Question)
            .where(Question.condition_question_id == question.id)
            .values(condition_question_id=into.id, version=Question.version + 1)
            .execution_options(synchronize_session=False)
        )
        before_into = serialize.question_dict(into)
        new_tags = [tag for tag in question.tags if tag not in into.tags]
        _merged(
            session,
            actor,
            "question",
            question,
            into,
            serialize.question_dict,
            {"merged_into_slug": into.slug, "predictions_moved": moved, **claims},
        )
        _redirect(session, "question", question.slug, question.id, into.id)
        session.delete(question)
        if new_tags:
            into.tags.extend(new_tags)
            session.flush()
            record_audit(
                session,
                actor,
                "question.update",
                "question",
                into.id,
                before_into,
                serialize.question_dict(into),
            )
    session.expire_all()
    return session.get(Question, into.id)


def _check_mergeable(session: Session, question: Question, into: Question) -> None:
    errors = FieldErrors()
    if question.kind != into.kind:
        errors.add("into", f"is a {into.kind} question; this one is {question.kind}")
    missing = sorted(set(question.option_labels()) - set(into.option_labels()))
    if missing:
        errors.add("into", f"lacks the option(s) {', '.join(missing)} that this question has")
    if (question.condition_question_id, question.condition_outcome) != (
        into.condition_question_id,
        into.condition_outcome,
    ):
        errors.add("into", "has another condition than this question: they ask different things")
    if into.condition_question_id == question.id:
        errors.add("into", "is conditional on this question")
    if _count(session, Resolution.question_id, question.id):
        errors.add(
            "question",
            "has a resolution (kept for good): merge the other question into this one instead",
        )
    if into.resolve_by is not None:
        late = session.scalar(
            select(func.count()).where(
                Prediction.question_id == question.id,
                Prediction.made_at
                >= dt.datetime.combine(into.resolve_by + dt.timedelta(days=1), dt.time(), dt.UTC),
            )
        )
        if late:
            errors.add(
                "into",
                f"resolves by {into.resolve_by}, before {late} of this question's "
                "predictions were made",
            )
    errors.raise_any()
