"""The review queue: extract forecast candidates from a source's text, then accept each
(into a pre-filled prediction form) or dismiss it. Decisions are remembered per source."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from forecasts import queries, reviews, services
from forecasts.errors import ValidationError
from forecasts.models import Prediction, ProbabilityOrigin, Source
from forecasts.phrases.extraction import extract_candidates
from forecasts.phrases.scales import load_scale
from forecasts.validation import written_percent
from web.auth import current_actor, editor_required
from web.database import get_session
from web.forms import ExtractForm, choices
from web.formtools import submit

blueprint = Blueprint("reviews", __name__)


@blueprint.route("/extract", methods=["GET", "POST"])
@editor_required
def extract():
    """Pick a source with stored text, or paste a new one."""
    session = get_session()
    form = ExtractForm()
    with_text = [s for s in queries.list_sources(session) if s.full_text]
    form.source.choices = choices(
        [("new", "— paste a new text —")]
        + [(s.id, f"{s.published_on} · {s.title}") for s in with_text]
    )

    def create_or_pick():
        if form.source.data != "new":
            return session.get(Source, int(form.source.data)) or abort(404)
        if not (form.full_text.data or "").strip():
            raise ValidationError("full_text", "is required: paste the commentary's text")
        return services.add_source(
            session,
            current_actor(),
            title=form.title.data,
            outlet=form.outlet.data,
            url=form.url.data,
            published_on=form.published_on.data,
            full_text=form.full_text.data,
        )

    return submit(
        form,
        create_or_pick,
        lambda source: redirect(url_for("reviews.candidates", source_id=source.id)),
        "reviews/extract.html",
    )


def _candidates(source: Source, scale_ref: str | None):
    return extract_candidates(source.full_text, source.published_on, scale_ref)


@blueprint.get("/sources/<int:source_id>/candidates")
@editor_required
def candidates(source_id: int):
    session = get_session()
    source = session.get(Source, source_id) or abort(404)
    if not source.full_text:
        flash("This source has no stored text to extract from.", "error")
        return redirect(url_for("sources.show", source_id=source.id))
    scale = load_scale(request.args.get("scale") or None)
    found = _candidates(source, f"{scale.name}@{scale.version}")
    decided = reviews.reviews_for(session, source.id)
    pundits = {c.speaker: reviews.pundit_for_speaker(session, c.speaker) for c in found}
    logged = set(session.scalars(select(Prediction.quote).where(Prediction.source_id == source.id)))
    return render_template(
        "reviews/candidates.html",
        source=source,
        candidates=found,
        decided=decided,
        logged=logged,
        pundits=pundits,
        scale=scale,
        segments=_segments(source.full_text, found),
    )


def _segments(text: str, found) -> list[tuple[str, int | None]]:
    """The text cut into plain runs and candidate sentences (with the candidate's index)."""
    parts, position = [], 0
    for index, candidate in enumerate(sorted(found, key=lambda c: c.start)):
        if candidate.start < position:
            continue
        parts.append((text[position : candidate.start], None))
        parts.append((text[candidate.start : candidate.end], index))
        position = candidate.end
    parts.append((text[position:], None))
    return parts


def criteria_draft(question: str, deadline: str) -> str:
    """A first draft of the resolution criteria for a candidate's question, for the
    editor to make precise (which sources settle it, what counts)."""
    by = f"by {deadline}" if deadline else "by the deadline"
    return (
        f"Resolves yes if, {by}, credible published reporting shows the answer to "
        f'"{question.rstrip("?")}?" is yes; no otherwise. (Draft: name the sources that '
        "settle it and what counts.)"
    )


def _pundit_prefill(session, candidate, source: Source) -> dict:
    """The speaker proposed as the pundit: the existing one whose name fits, else a new
    pundit of that name; when the text names no speaker, the source's author (the
    author's own voice); else nothing."""
    if not candidate.speaker:
        return {"pundit": source.author_pundit_id} if source.author_pundit_id else {}
    known = reviews.pundit_for_speaker(session, candidate.speaker)
    if known is not None:
        return {"pundit": known.id}
    return {"pundit": "new", "new_pundit_name": candidate.speaker}


@blueprint.post("/sources/<int:source_id>/candidates/<int:start>-<int:end>")
@editor_required
def decide(source_id: int, start: int, end: int):
    session = get_session()
    source = session.get(Source, source_id) or abort(404)
    decision = request.form.get("decision", "")
    scale_ref = request.form.get("scale") or None
    candidate = next(
        (c for c in _candidates(source, scale_ref) if (c.start, c.end) == (start, end)), None
    )
    if candidate is None:
        abort(404)
    reading = candidate.match  # the hedge read as a probability
    if decision == "dismissed":
        try:
            reviews.review_candidate(
                session,
                current_actor(),
                source_id=source.id,
                start=start,
                end=end,
                decision=decision,
                hedge_phrase=reading.text,
            )
        except ValidationError as error:
            abort(400, description=str(error))
        flash("Candidate dismissed.", "success")
        return redirect(url_for("reviews.candidates", source_id=source.id))
    if decision != "accepted":
        abort(400, description=f"decision: must be accepted or dismissed (got {decision!r})")
    # Accepting opens the log form filled from the candidate; the candidate is marked
    # accepted when that prediction is saved (the form carries it), not before.
    deadline = candidate.deadline.isoformat() if candidate.deadline else ""
    prefill = {
        **_pundit_prefill(session, candidate, source),
        "source": source.id,
        "quote": candidate.sentence,
        "hedge_phrase": reading.text,
        "probability": written_percent(reading.probability),
        "made_at": source.published_on.isoformat(),
        "probability_origin": reading.origin,
        "question": "new",
        "new_question_statement": candidate.question,
        "new_question_resolve_by": deadline,
        "new_question_resolution_criteria": criteria_draft(candidate.question, deadline),
        "candidate": f"{source.id}:{start}-{end}",
    }
    if reading.scale_name and reading.origin == ProbabilityOrigin.MAPPED:
        prefill["scale"] = f"{reading.scale_name}@{reading.scale_version}"
    return redirect(url_for("predictions.create", **prefill))
