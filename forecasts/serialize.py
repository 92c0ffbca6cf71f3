"""Rows as plain, JSON-ready dicts: one shape for the CLI, the audit trail and the API."""

from __future__ import annotations

from forecasts import moments
from forecasts.models import (
    PLATFORM_NAMES,
    AuditEvent,
    CandidateReview,
    Prediction,
    Pundit,
    Question,
    Resolution,
    Source,
    UnscorableClaim,
    User,
)

# ISO 8601: a moment in UTC with its offset (Z), a day as a date.
_iso = moments.iso


def look_ahead_of(prediction: Prediction) -> moments.Comparison | None:
    """The look-ahead rule applied to a prediction and its question's standing
    resolution (None while unresolved): moments compared when both are moments."""
    standing = prediction.question.standing_resolution
    if standing is None:
        return None
    return moments.compare(prediction.made, standing.known)


def is_look_ahead(made: moments.When, known: moments.When | None) -> bool:
    """A prediction made after its outcome became known (never scored)."""
    return known is not None and moments.compare(made, known).look_ahead


def is_judged_late(prediction: Prediction) -> bool:
    """Made after its question's resolve-by date (imported history, kept because the
    question was still open then: ``rules.late_forecast_rule``)."""
    resolve_by = prediction.question.resolve_by
    return resolve_by is not None and moments.day_of(prediction.made) > resolve_by


def platform_name(platform: str | None) -> str:
    """A platform as its users write it (``predictionbook`` is PredictionBook)."""
    return PLATFORM_NAMES.get(platform or "", platform or "")


def pundit_dict(pundit: Pundit) -> dict:
    return {
        "id": pundit.id,
        "slug": pundit.slug,
        "name": pundit.name,
        "bio": pundit.bio,
        "affiliation": pundit.affiliation,
        "links": list(pundit.links or []),
        "version": pundit.version,
        **platform_of_pundit(pundit.platform, pundit.platform_handle),
    }


def platform_of_pundit(platform: str | None, handle: str | None) -> dict:
    """A platform pundit's provenance as a dict's extra key (none for one entered here)."""
    return {"platform": {"name": platform, "handle": handle}} if platform else {}


def platform_of_question(platform: str | None, platform_id: str | None, url: str | None) -> dict:
    """A platform question's provenance as a dict's extra key (none for one entered here)."""
    return {"platform": {"name": platform, "id": platform_id, "url": url}} if platform else {}


def source_dict(source: Source, with_text: bool = False) -> dict:
    data = {
        "id": source.id,
        "title": source.title,
        "outlet": source.outlet,
        "url": source.url,
        "published_on": _iso(source.published_on),
        "note": source.note,
        "has_full_text": bool(source.full_text),
        "author_pundit_id": source.author_pundit_id,
        "version": source.version,
    }
    if with_text:
        data["full_text"] = source.full_text
    return data


def resolution_dict(resolution: Resolution) -> dict:
    return {
        "id": resolution.id,
        "question_id": resolution.question_id,
        "outcome": resolution.outcome_label,
        "known_at": moments.iso(resolution.known),
        "evidence_url": resolution.evidence_url,
        "note": resolution.note,
        "automatic": resolution.automatic,
        "resolved_at": _iso(resolution.resolved_at),
        "resolved_by": resolution.resolved_by.name if resolution.resolved_by else None,
    }


def question_dict(question: Question) -> dict:
    standing = question.standing_resolution
    return {
        "id": question.id,
        "slug": question.slug,
        "statement": question.statement,
        "resolution_criteria": question.resolution_criteria,
        "resolve_by": _iso(question.resolve_by),
        "kind": question.kind,
        "options": question.option_labels(),
        "tags": [tag.slug for tag in question.tags],
        "condition": (
            {
                "question_id": question.condition_question_id,
                "question_slug": question.condition_question.slug,
                "outcome": question.condition_outcome,
            }
            if question.condition_question_id is not None
            else None
        ),
        "note": question.note,
        "scorable": question.resolve_by is not None,
        "outcome": standing.outcome_label if standing else None,
        "known_at": moments.iso(standing.known) if standing else None,
        "resolution": resolution_dict(standing) if standing else None,
        "version": question.version,
        **platform_of_question(question.platform, question.platform_id, question.platform_url),
    }


def prediction_dict(prediction: Prediction) -> dict:
    comparison = look_ahead_of(prediction)
    return {
        "id": prediction.id,
        "question_id": prediction.question_id,
        "question_slug": prediction.question.slug,
        "pundit_id": prediction.pundit_id,
        "pundit_slug": prediction.pundit.slug,
        "source_id": prediction.source_id,
        "probability": prediction.probability,
        "distribution": (
            {entry.option.label: entry.probability for entry in prediction.distribution}
            if prediction.distribution
            else None
        ),
        "quote": prediction.quote,
        "hedge_phrase": prediction.hedge_phrase,
        "probability_origin": prediction.probability_origin,
        "scale_name": prediction.scale_name,
        "scale_version": prediction.scale_version,
        "made_at": moments.iso(prediction.made),
        "logged_at": _iso(prediction.logged_at),
        "logged_by": prediction.logged_by.name if prediction.logged_by else None,
        "note": prediction.note,
        "look_ahead": comparison is not None and comparison.look_ahead,
        # How the look-ahead rule compared the made-at with the known-at: 'moment' or
        # 'day' (either is a date only); None while unresolved.
        "look_ahead_by": comparison.by if comparison is not None else None,
        "corrected_at": _iso(prediction.corrected_at),
        "retracted_at": _iso(prediction.retracted_at),
        "retraction_reason": prediction.retraction_reason or "",
        "version": prediction.version,
    }


def unscorable_claim_dict(claim: UnscorableClaim) -> dict:
    return {
        "id": claim.id,
        "pundit_id": claim.pundit_id,
        "pundit_slug": claim.pundit.slug,
        "source_id": claim.source_id,
        "question_id": claim.question_id,
        "question_slug": claim.question.slug if claim.question is not None else None,
        "quote": claim.quote,
        "hedge_phrase": claim.hedge_phrase,
        "reason": claim.reason,
        "note": claim.note,
        "made_at": _iso(claim.made_at),
        "logged_at": _iso(claim.logged_at),
        "logged_by": claim.logged_by.name if claim.logged_by else None,
        "version": claim.version,
    }


def user_dict(user: User) -> dict:
    """Public-safe: never the password hash."""
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "version": user.version,
    }


def audit_dict(event: AuditEvent) -> dict:
    return {
        "id": event.id,
        "at": _iso(event.at),
        "actor": event.actor_name,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "before": event.before,
        "after": event.after,
    }


def candidate_dict(review: CandidateReview) -> dict:
    return {
        "id": review.id,
        "source_id": review.source_id,
        "start": review.start,
        "end": review.end,
        "sentence": review.sentence,
        "hedge_phrase": review.hedge_phrase,
        "decision": review.decision,
        "decided_at": _iso(review.decided_at),
        "version": review.version,
    }
