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
    return pd.Series({key: int(n) for key, n in rows}, dtype="int64")


#: Per pundit id, the counts ``claim_count_table`` gives (and the kept totals keep).
COUNT_COLUMNS = ["claims_scorable", "claims_unscorable"]


def claim_count_table(session: Session, pundit_ids: list[int] | None = None) -> pd.DataFrame:
    """Per pundit id (of ``pundit_ids``; None: every pundit with a logged claim): how
    many of their claims are scorable and how many are not (``COUNT_COLUMNS``)."""
    questions = (
        select(Prediction.pundit_id, func.count(distinct(Prediction.question_id)))
        .join(Question, Question.id == Prediction.question_id)
        .where(Prediction.retracted_at.is_(None))
        .group_by(Prediction.pundit_id)
    )
    logged = select(UnscorableClaim.pundit_id, func.count(UnscorableClaim.id)).group_by(
        UnscorableClaim.pundit_id
    )
    parts: dict[str, list[pd.Series]] = {"scorable": [], "no_deadline": [], "logged": []}
    chunks = [None] if pundit_ids is None else _chunks(sorted(pundit_ids))
    for chunk in chunks:
        some = questions if chunk is None else questions.where(Prediction.pundit_id.in_(chunk))
        claimed = logged if chunk is None else logged.where(UnscorableClaim.pundit_id.in_(chunk))
        parts["scorable"].append(_per_pundit(session, some.where(Question.resolve_by.is_not(None))))
        parts["no_deadline"].append(_per_pundit(session, some.where(Question.resolve_by.is_(None))))
        parts["logged"].append(_per_pundit(session, claimed))
    frame = pd.DataFrame(
        {
            name: pd.concat(series) if series else pd.Series(dtype="int64")
            for name, series in parts.items()
        }
    )
    frame = frame.fillna(0).astype("int64")
    frame.index.name = "pundit_id"
    return pd.DataFrame(
        {
            "claims_scorable": frame["scorable"],
            "claims_unscorable": frame["no_deadline"] + frame["logged"],
        },
        columns=COUNT_COLUMNS,
    )


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def claim_counts(session: Session, pundit_id: int | None = None) -> pd.DataFrame:
    """Per pundit slug (every pundit with a logged claim): ``n_claims`` logged,
    ``n_unscorable`` of them, and ``scorable_share`` (scorable over all, 0 to 1).
    ``pundit_id`` limits it to one pundit."""
    counts = claim_count_table(session, None if pundit_id is None else [pundit_id])
    named = select(Pundit.id, Pundit.slug)
    if pundit_id is not None:
        named = named.where(Pundit.id == pundit_id)
    slugs = dict(session.execute(named).all())
    counts.index = [slugs.get(i) for i in counts.index]
    return share_table(counts["claims_scorable"], counts["claims_unscorable"])


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
