"""How much of what a pundit says can be scored at all.

A *claim* is one thing a pundit said that the registry logged. It is **scorable** when
it was logged as a prediction (not retracted) on a question with a deadline: a
question, its criteria and a resolve-by date make it checkable. It is **unscorable**
when an editor logged it as such (``UnscorableClaim``: no deadline, no criteria, an
escape clause, vague wording...), or when it was logged as a prediction on a question
that has no deadline (the registry never scores those). A pundit's revisions restate
one claim: a question counts once per pundit, however often they revised.

The scorable share is scorable claims over all claims logged for the pundit, over the
whole registry (the board's filters choose the scored forecasts, not what a pundit
said). Vague claims are how a pundit stays safe; the share counts them rather than
hiding them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, selectinload

from forecasts.models import (
    Prediction,
    Pundit,
    Question,
    UnscorableClaim,
    UnscorableReason,
)

#: The columns ``claim_counts`` gives per pundit slug (and the board carries).
CLAIM_COLUMNS = ["n_claims", "n_unscorable", "scorable_share"]


def _per_pundit(session: Session, statement) -> pd.Series:
    rows = session.execute(statement).all()
    return pd.Series({slug: int(n) for slug, n in rows}, dtype="int64")


def claim_counts(session: Session, pundit_id: int | None = None) -> pd.DataFrame:
    """Per pundit slug (every pundit with a logged claim): ``n_claims`` logged,
    ``n_unscorable`` of them, and ``scorable_share`` (scorable over all, 0 to 1).
    ``pundit_id`` limits it to one pundit."""
    questions = (
        select(Pundit.slug, func.count(distinct(Prediction.question_id)))
        .join(Prediction, Prediction.pundit_id == Pundit.id)
        .join(Question, Question.id == Prediction.question_id)
        .where(Prediction.retracted_at.is_(None))
        .group_by(Pundit.slug)
    )
    logged = (
        select(Pundit.slug, func.count(UnscorableClaim.id))
        .join(UnscorableClaim, UnscorableClaim.pundit_id == Pundit.id)
        .group_by(Pundit.slug)
    )
    if pundit_id is not None:
        questions = questions.where(Pundit.id == pundit_id)
        logged = logged.where(Pundit.id == pundit_id)
    scorable = _per_pundit(session, questions.where(Question.resolve_by.is_not(None)))
    no_deadline = _per_pundit(session, questions.where(Question.resolve_by.is_(None)))
    frame = pd.DataFrame(
        {
            "scorable": scorable,
            "no_deadline": no_deadline,
            "logged": _per_pundit(session, logged),
        }
    )
    frame = frame.fillna(0).astype("int64")
    return share_table(frame["scorable"], frame["no_deadline"] + frame["logged"])


def share_table(scorable: pd.Series, unscorable: pd.Series) -> pd.DataFrame:
    """``CLAIM_COLUMNS`` from counts of scorable and unscorable claims per pundit; a
    pundit with no claim at all has no share (NaN), not 0.

    >>> share_table(pd.Series({"a": 3, "b": 0}), pd.Series({"a": 1, "b": 0}))
       n_claims  n_unscorable  scorable_share
    a         4             1            0.75
    b         0             0             NaN
    """
    total = scorable + unscorable
    share = scorable / total.where(total > 0)
    return pd.DataFrame(
        {"n_claims": total, "n_unscorable": unscorable, "scorable_share": share},
        columns=CLAIM_COLUMNS,
    )


def with_claim_counts(board: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The board with each pundit's ``CLAIM_COLUMNS`` from ``counts`` (``claim_counts``);
    a pundit ``counts`` does not hold has them empty (NA)."""
    board = board.copy()
    found = counts.reindex(board["pundit"].to_numpy())
    for column in ("n_claims", "n_unscorable"):
        board[column] = pd.array(found[column].to_numpy(dtype=float), dtype="Float64").astype(
            "Int64"
        )
    board["scorable_share"] = found["scorable_share"].to_numpy(dtype=float)
    return board


@dataclass(frozen=True)
class Unscorable:
    """One unscorable claim as a pundit's page lists it: an editor's logged claim, or a
    prediction on a question without a deadline."""

    made_at: dt.datetime
    quote: str
    hedge_phrase: str
    reason: str  # an ``UnscorableReason`` value
    reason_label: str
    note: str
    question: Question | None
    source_id: int | None
    claim_id: int | None  # None for a prediction on a question without a deadline
    prediction_id: int | None


def unscorable_claims(session: Session, pundit_id: int) -> list[Unscorable]:
    """The pundit's unscorable claims, oldest first: those logged as such, and the
    latest prediction on each question of theirs that has no deadline."""
    claims = session.scalars(
        select(UnscorableClaim)
        .where(UnscorableClaim.pundit_id == pundit_id)
        .options(selectinload(UnscorableClaim.question))
    )
    listed = [
        Unscorable(
            made_at=claim.made_at,
            quote=claim.quote,
            hedge_phrase=claim.hedge_phrase,
            reason=claim.reason,
            reason_label=claim.reason_label,
            note=claim.note,
            question=claim.question,
            source_id=claim.source_id,
            claim_id=claim.id,
            prediction_id=None,
        )
        for claim in claims
    ]
    latest: dict[int, Prediction] = {}
    for prediction in session.scalars(
        select(Prediction)
        .join(Question, Question.id == Prediction.question_id)
        .where(
            Prediction.pundit_id == pundit_id,
            Prediction.retracted_at.is_(None),
            Question.resolve_by.is_(None),
        )
        .options(selectinload(Prediction.question))
        .order_by(Prediction.made_at, Prediction.id)
    ):
        latest[prediction.question_id] = prediction
    reason = UnscorableReason.NO_DEADLINE
    listed += [
        Unscorable(
            made_at=prediction.made_at,
            quote=prediction.quote,
            hedge_phrase=prediction.hedge_phrase,
            reason=reason.value,
            reason_label=reason.label,
            note="logged as a prediction on a question with no resolve-by date",
            question=prediction.question,
            source_id=prediction.source_id,
            claim_id=None,
            prediction_id=prediction.id,
        )
        for prediction in latest.values()
    ]
    return sorted(listed, key=lambda item: (item.made_at, item.claim_id or 0))
