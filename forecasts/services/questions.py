"""Questions: adding and editing what is forecast, its options, tags and condition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forecasts import serialize
from forecasts.errors import FieldErrors
from forecasts.models import (
    Prediction,
    Question,
    QuestionKind,
    QuestionOption,
    Role,
    Tag,
)
from forecasts.rules import (
    CONDITION_CYCLE,
    CONDITION_REQUIRED,
    IMPORTED_STATEMENT_LIMIT,
    as_utc,
    check_condition_outcome,
    check_kind_and_options,
    check_question_fields,
    check_tags,
    outcome_labels,
)
from forecasts.services.kernel import (
    Actor,
    apply_edit,
    check_version,
    get_row,
    insert_row,
    unit_of_work,
)
from forecasts.services.resolutions import cascade_condition
from forecasts.services.slugs import check_new_slug


def _check_condition(
    session: Session,
    errors: FieldErrors,
    condition_question_id,
    condition_outcome,
    self_id: int | None = None,
) -> tuple[Question | None, str | None]:
    if condition_question_id in (None, "") and not (condition_outcome or "").strip():
        return None, None
    if condition_question_id in (None, ""):
        errors.add("condition_question_id", CONDITION_REQUIRED)
        return None, None
    condition = session.get(Question, condition_question_id)
    if condition is None:
        errors.add("condition_question_id", f"no question with id {condition_question_id!r}")
        return None, None
    if self_id is not None and _depends_on(condition, self_id):
        errors.add("condition_question_id", CONDITION_CYCLE)
        return None, None
    outcome = check_condition_outcome(errors, _outcome_labels(condition), condition_outcome)
    if outcome is None:
        return None, None
    return condition, outcome


def _depends_on(question: Question, target_id: int) -> bool:
    seen = set()
    current: Question | None = question
    while current is not None and current.id not in seen:
        if current.id == target_id:
            return True
        seen.add(current.id)
        current = current.condition_question
    return False


def _outcome_labels(question: Question) -> list[str]:
    return outcome_labels(question.kind, question.option_labels())


def _statement_owner(session: Session, statement: str, exclude_id: int | None = None):
    """The slug of another question with this statement, or None."""
    query = select(Question.slug).where(Question.statement == statement)
    if exclude_id is not None:
        query = query.where(Question.id != exclude_id)
    return session.scalar(query.limit(1))


def _check_question_fields(
    session: Session,
    errors: FieldErrors,
    *,
    statement,
    resolution_criteria,
    resolve_by,
    exclude_id: int | None = None,
    kept_statement: str | None = None,
) -> dict:
    """``kept_statement``: the edited question's statement. Kept as it is, it is not
    checked again (imported history may repeat a statement, or run past 500 characters)."""
    kept = kept_statement is not None and (statement or "").strip() == kept_statement
    return check_question_fields(
        errors,
        statement=statement,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
        statement_taken=None if kept else partial(_statement_owner, session, exclude_id=exclude_id),
        statement_limit=IMPORTED_STATEMENT_LIMIT if kept else None,
    )


def _tag_rows(session: Session, slugs: list[str]) -> list[Tag]:
    existing = {t.slug: t for t in session.scalars(select(Tag).where(Tag.slug.in_(slugs)))}
    rows = []
    for slug in slugs:
        tag = existing.get(slug)
        if tag is None:
            tag = Tag(slug=slug)
            session.add(tag)
        rows.append(tag)
    return rows


def add_question(
    session: Session,
    actor: Actor,
    *,
    statement: str,
    resolution_criteria: str,
    resolve_by: dt.date | str | None = None,
    kind: str = QuestionKind.BINARY.value,
    options: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    condition_question_id: int | None = None,
    condition_outcome: str | None = None,
    slug: str | None = None,
    note: str = "",
) -> Question:
    """A question; ``resolve_by=None`` keeps it but flags it as never scorable."""
    actor.require(Role.EDITOR, "adding a question")
    errors = FieldErrors()
    clean = _check_question_fields(
        session,
        errors,
        statement=statement,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
    )
    labels = check_kind_and_options(errors, kind, options)
    tag_slugs = check_tags(errors, tags)
    condition, condition_outcome = _check_condition(
        session, errors, condition_question_id, condition_outcome
    )
    slug = check_new_slug(session, Question, slug, clean.get("statement") or "", errors)
    errors.raise_any()
    with unit_of_work(session):
        question = Question(
            **clean,
            slug=slug,
            kind=kind,
            condition_question=condition,
            condition_outcome=condition_outcome,
            note=(note or "").strip(),
            created_by_id=actor.user_id,
            options=[QuestionOption(position=i, label=label) for i, label in enumerate(labels)],
            tags=_tag_rows(session, tag_slugs),
        )
        insert_row(session, actor, question, "question", serialize.question_dict)
        if condition is not None:
            # A question added after its condition already failed starts annulled.
            cascade_condition(session, actor, condition)
    return question


def edit_question(
    session: Session,
    actor: Actor,
    question_id: int,
    *,
    expected_version: int,
    statement: str,
    resolution_criteria: str,
    resolve_by: dt.date | str | None = None,
    tags: Iterable[str] | None = None,
    condition_question_id: int | None = None,
    condition_outcome: str | None = None,
    note: str | None = None,
) -> Question:
    """Edit the wording, deadline, tags and condition. Kind and options are fixed once
    predictions exist (changing them would change what those forecasts meant)."""
    actor.require(Role.EDITOR, "editing a question")
    question = get_row(session, Question, question_id, "question")
    check_version(question, expected_version, "question", serialize.question_dict)
    errors = FieldErrors()
    changes = _check_question_fields(
        session,
        errors,
        statement=statement,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
        exclude_id=question.id,
        kept_statement=question.statement,
    )
    new_deadline = changes.get("resolve_by")
    # A deadline left as it was stands, even with forecasts judged late (imported history).
    if new_deadline is not None and new_deadline != question.resolve_by:
        latest = session.scalar(
            select(func.max(Prediction.made_at)).where(Prediction.question_id == question.id)
        )
        if latest is not None and as_utc(latest).date() > new_deadline:
            errors.add(
                "resolve_by",
                f"must not be before a prediction's made-at date ({as_utc(latest).date()})",
            )
    tag_slugs = check_tags(errors, tags) if tags is not None else None
    condition, outcome = _check_condition(
        session, errors, condition_question_id, condition_outcome, self_id=question.id
    )
    errors.raise_any()

    def question_changes() -> dict:
        if tag_slugs is not None:
            changes["tags"] = _tag_rows(session, tag_slugs)
        if note is not None:
            changes["note"] = note.strip()
        return {**changes, "condition_question": condition, "condition_outcome": outcome}

    def annul_failed_dependents() -> None:
        if condition is not None:
            cascade_condition(session, actor, condition)

    return apply_edit(
        session,
        actor,
        question,
        "question",
        question_changes,
        serialize.question_dict,
        expected_version=expected_version,
        then=annul_failed_dependents,
    )
