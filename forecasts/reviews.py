"""Editors' decisions on forecast candidates extracted from a source's text (the review
queue). A decision names its candidate by the sentence's offsets in the source's stored
text, so it is remembered however often the text is extracted again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import queries, serialize, services
from forecasts.models import CandidateReview, Decision, Pundit, Role, Source, utcnow
from forecasts.phrases.attribution import match_pundit


def review_candidate(
    session: Session,
    actor: services.Actor,
    *,
    source_id: int,
    start: int,
    end: int,
    decision: str,
    hedge_phrase: str = "",
) -> CandidateReview:
    """Remember an editor's decision (accepted / dismissed) on the forecast candidate at
    ``full_text[start:end]`` of a source; deciding again replaces the decision."""
    actor.require(Role.EDITOR, "reviewing a candidate")
    source = services.get_row(session, Source, source_id, "source")
    errors = services.FieldErrors()
    if decision not in {d.value for d in Decision}:
        errors.add("decision", f"must be accepted or dismissed (got {decision!r})")
    text = source.full_text or ""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        errors.add(
            "start",
            f"must mark a span of the source's text (0 to {len(text)}, got {start!r}-{end!r})",
        )
    errors.raise_any()
    existing = session.scalar(
        select(CandidateReview).where(
            CandidateReview.source_id == source.id,
            CandidateReview.start == start,
            CandidateReview.end == end,
        )
    )
    with services.unit_of_work(session):
        if existing is None:
            review = CandidateReview(
                source_id=source.id,
                start=start,
                end=end,
                sentence=text[start:end],
                hedge_phrase=(hedge_phrase or "").strip()[:200],
                decision=decision,
                decided_by_id=actor.user_id,
                decided_at=utcnow(),
            )
            services.insert_row(session, actor, review, "candidate", serialize.candidate_dict)
            return review
        before = serialize.candidate_dict(existing)
        existing.decision = decision
        existing.decided_by_id = actor.user_id
        existing.decided_at = utcnow()
        session.flush()
        services.record_audit(
            session,
            actor,
            "candidate.update",
            "candidate",
            existing.id,
            before,
            serialize.candidate_dict(existing),
        )
    return existing


def reviews_for(session: Session, source_id: int) -> dict[tuple[int, int], CandidateReview]:
    """The source's decisions, by (start, end) of the candidate's sentence."""
    rows = session.scalars(select(CandidateReview).where(CandidateReview.source_id == source_id))
    return {(row.start, row.end): row for row in rows}


def pundit_for_speaker(session: Session, speaker: str | None) -> Pundit | None:
    """The registry's pundit whose name fits a candidate's speaker ("Ana Ortiz", "Dr Ortiz"
    when only one Ortiz is known), or None: the review queue proposes them."""
    return match_pundit(speaker, queries.list_pundits(session))
