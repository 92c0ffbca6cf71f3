"""Unscorable claims: logging a claim that cannot be scored as it stands, with why."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from forecasts import serialize
from forecasts.errors import FieldErrors
from forecasts.models import Pundit, Question, Role, Source, UnscorableClaim, utcnow
from forecasts.rules import check_unscorable_claim_fields
from forecasts.services.kernel import Actor, get_row, insert_row, unit_of_work


def log_unscorable_claim(
    session: Session,
    actor: Actor,
    *,
    pundit_id: int,
    made_at: dt.datetime | dt.date | str | None,
    reason: str | None,
    quote: str = "",
    note: str = "",
    hedge_phrase: str = "",
    source_id: int | None = None,
    question_id: int | None = None,
) -> UnscorableClaim:
    """Log what a pundit said that cannot be scored as it stands (no deadline, no
    criteria, an escape clause, vague wording): counted in the pundit's share of
    scorable claims and listed on their page, never scored. ``question_id`` names the
    question it was about, if there is one."""
    actor.require(Role.EDITOR, "logging an unscorable claim")
    errors = FieldErrors()
    pundit = source = question = None
    with errors.field():
        pundit = get_row(session, Pundit, pundit_id, "pundit", "pundit_id")
    if source_id not in (None, ""):
        with errors.field():
            source = get_row(session, Source, source_id, "source", "source_id")
    if question_id not in (None, ""):
        with errors.field():
            question = get_row(session, Question, question_id, "question", "question_id")
    clean = check_unscorable_claim_fields(
        errors,
        reason=reason,
        note=note,
        quote=quote,
        hedge_phrase=hedge_phrase,
        made_at=made_at,
        source_published_on=source.published_on if source is not None else None,
    )
    errors.raise_any()
    with unit_of_work(session):
        claim = UnscorableClaim(
            pundit=pundit,
            source=source,
            question=question,
            logged_at=utcnow(),
            logged_by_id=actor.user_id,
            **clean,
        )
        insert_row(session, actor, claim, "unscorable_claim", serialize.unscorable_claim_dict)
    return claim
