"""Log a prediction: one page to pick or create the pundit, source and question, paste the
quote and phrase, and give the probability."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, request, url_for
from sqlalchemy import select

from forecasts import queries, reviews, services
from forecasts.errors import FieldError, ValidationError
from forecasts.models import (
    MAX_ROW_ID,
    Decision,
    Prediction,
    ProbabilityOrigin,
    Pundit,
    Question,
    Source,
    UnscorableClaim,
)
from forecasts.phrases.mapping import map_phrase
from forecasts.phrases.scales import all_scales, default_scale, load_scale
from forecasts.validation import (
    parse_distribution,
    parse_probability,
    written_percent,
)
from web.auth import current_actor, editor_required
from web.database import get_session
from web.forms import PredictionForm, choices, when_text
from web.formtools import comma_list, lines, prefixed, submit

blueprint = Blueprint("predictions", __name__, url_prefix="/predictions")

NEW = "new"


def _choices(form: PredictionForm) -> None:
    """The scale list; and a picker given an id (from a page's link or the review
    queue) shows the row as a person reads it (what ``_resolve`` reads back)."""
    session = get_session()
    for picker, shown in (
        (form.pundit, lambda row_id: getattr(session.get(Pundit, row_id), "slug", None)),
        (form.question, lambda row_id: getattr(session.get(Question, row_id), "slug", None)),
        (form.source, lambda row_id: _source_label(session.get(Source, row_id))),
    ):
        value = (picker.data or "").strip()
        row_id = _row_id(value)
        if row_id is not None:
            picker.data = shown(row_id) or value
    form.scale.choices = choices(
        [(scale.ref, f"{scale.title} ({scale.ref})") for scale in all_scales()]
    )
    if not form.scale.data:
        form.scale.data = default_scale().ref


@blueprint.route("/new", methods=["GET", "POST"])
@editor_required
def create():
    form = PredictionForm(data=_prefill())
    _choices(form)

    def saved(prediction):
        if isinstance(prediction, UnscorableClaim):
            flash(
                f"Claim logged as one that cannot be scored ({prediction.reason_label}).",
                "success",
            )
            return redirect(
                url_for("pundits.show", slug=prediction.pundit.slug, _anchor="unscorable")
            )
        if prediction.probability is not None:
            read = written_percent(prediction.probability)
        else:
            entries = prediction.distribution
            read = ", ".join(f"{e.option.label} {written_percent(e.probability)}" for e in entries)
        flash(f"Prediction logged at {read}.", "success")
        return redirect(url_for("questions.show", slug=prediction.question.slug))

    return submit(form, lambda: _log(form), saved, "predictions/form.html", earlier=_earlier(form))


def _earlier(form: PredictionForm):
    """The pundit's latest forecast on the question, when both are chosen: the form says
    this would be a revision, and what they said before."""
    pundit = _resolve("pundit", form.pundit.data or "") if form.pundit.data else None
    question = _resolve("question", form.question.data or "") if form.question.data else None
    if pundit is None or question is None:
        return None
    return get_session().scalar(
        select(Prediction)
        .where(Prediction.pundit_id == pundit, Prediction.question_id == question)
        .where(Prediction.retracted_at.is_(None))
        .order_by(Prediction.made_at.desc(), Prediction.id.desc())
        .limit(1)
    )


def _prefill() -> dict | None:
    """GET parameters pre-fill the form (from a pundit's, source's or question's page)."""
    if request.method != "GET":
        return None
    keys = (
        "pundit",
        "new_pundit_name",
        "source",
        "question",
        "quote",
        "hedge_phrase",
        "probability",
        "probability_origin",
        "scale",
        "made_at",
        "new_question_statement",
        "new_question_resolve_by",
        "new_question_resolution_criteria",
        "candidate",
        "unscorable_reason",
    )
    return {key: request.args[key] for key in keys if key in request.args}


def _log(form: PredictionForm):
    """Create what is new and log the prediction in one transaction; report every field."""
    session, actor = get_session(), current_actor()
    errors: list[FieldError] = []

    def attempt(step):
        try:
            return step()
        except ValidationError as error:
            errors.extend(error.errors)
            return None

    if (form.unscorable_reason.data or "").strip():
        return _log_unscorable(form, errors, attempt)
    probability = distribution = None
    origin = form.probability_origin.data
    if (form.probability.data or "").strip():
        probability = attempt(lambda: parse_probability(form.probability.data))
    if (form.distribution.data or "").strip():
        distribution = attempt(lambda: parse_distribution(form.distribution.data))
    scale = (None, None)
    if origin == ProbabilityOrigin.MAPPED.value or (form.hedge_phrase.data or "").strip():
        chosen = attempt(lambda: load_scale(form.scale.data or None))
        reading = None
        if chosen is not None and (form.hedge_phrase.data or "").strip():
            reading = map_phrase(form.hedge_phrase.data, chosen)
        if origin == ProbabilityOrigin.MAPPED.value and chosen is not None:
            scale = (chosen.name, chosen.version)
            if not (form.hedge_phrase.data or "").strip():
                errors.append(FieldError("hedge_phrase", "is required to map a number from it"))
            elif reading is None and not distribution:
                errors.append(
                    FieldError(
                        "hedge_phrase",
                        f"is not a phrase the scale {chosen.ref} reads (see its page); type "
                        "the probability, or choose another scale",
                    )
                )
        if reading is not None and probability is None and distribution is None:
            # As `forecasts scale map` reads it; the form shows it before saving.
            probability = reading.probability
            if reading.origin == ProbabilityOrigin.MAPPED.value:
                origin = ProbabilityOrigin.MAPPED.value
                scale = (reading.scale_name, reading.scale_version)
    if origin != ProbabilityOrigin.MAPPED.value:
        scale = (None, None)

    with services.batch(session):
        pundit_id = _pick(
            form.pundit.data, errors, "pundit", lambda: attempt(lambda: _new_pundit(form))
        )
        source_id = None
        if form.source.data:
            source_id = _pick(
                form.source.data, errors, "source", lambda: attempt(lambda: _new_source(form))
            )
        question_id = _pick(
            form.question.data, errors, "question", lambda: attempt(lambda: _new_question(form))
        )
        made_at = attempt(lambda: when_text(form.made_at.data, form.made_time.data, "made_at"))
        if made_at == "":
            made_at = _source_date(session, source_id)
            if made_at is None:
                errors.append(FieldError("made_at", "is required when there is no source"))
        prediction = None
        if not errors:
            prediction = attempt(
                lambda: services.log_prediction(
                    session,
                    actor,
                    question_id=question_id,
                    pundit_id=pundit_id,
                    source_id=source_id,
                    made_at=made_at,
                    probability=probability,
                    distribution=distribution,
                    quote=form.quote.data,
                    hedge_phrase=form.hedge_phrase.data,
                    probability_origin=origin,
                    scale_name=scale[0],
                    scale_version=scale[1],
                    note=form.note.data,
                )
            )
        if prediction is not None and form.candidate.data:
            attempt(lambda: _accept_candidate(session, actor, form.candidate.data, form))
        if errors:
            raise ValidationError(one_scale_field(errors))  # rolls back whatever was created
    return prediction


def _log_unscorable(form: PredictionForm, errors: list[FieldError], attempt):
    """Log the claim as one that cannot be scored: who, where, the words, why; a
    question only if the editor named one. A number typed is refused (nothing would
    score it), rather than dropped unseen."""
    session, actor = get_session(), current_actor()
    for field in (form.probability, form.distribution):
        if (field.data or "").strip():
            errors.append(
                FieldError(
                    field.name,
                    "must be empty for a claim that cannot be scored: nothing would score it "
                    "(choose 'Yes' under 'Can it be scored?' to log a prediction)",
                )
            )
    with services.batch(session):
        pundit_id = _pick(
            form.pundit.data, errors, "pundit", lambda: attempt(lambda: _new_pundit(form))
        )
        source_id = question_id = None
        if form.source.data:
            source_id = _pick(
                form.source.data, errors, "source", lambda: attempt(lambda: _new_source(form))
            )
        if (form.question.data or "").strip():
            question_id = _pick(
                form.question.data, errors, "question", lambda: attempt(lambda: _new_question(form))
            )
        made_at = form.made_at.data or _source_date(session, source_id)
        if made_at is None:
            errors.append(FieldError("made_at", "is required when there is no source"))
        notes = [text.strip() for text in (form.unscorable_note.data, form.note.data) if text]
        claim = None
        if not errors:
            try:
                claim = services.log_unscorable_claim(
                    session,
                    actor,
                    pundit_id=pundit_id,
                    source_id=source_id,
                    question_id=question_id,
                    made_at=made_at,
                    reason=form.unscorable_reason.data,
                    quote=form.quote.data,
                    hedge_phrase=form.hedge_phrase.data,
                    note="\n\n".join(note for note in notes if note),
                )
            except ValidationError as error:
                renamed = {"reason": "unscorable_reason", "note": "unscorable_note"}
                errors.extend(
                    FieldError(renamed.get(e.field, e.field), e.rule) for e in error.errors
                )
        if claim is not None and form.candidate.data:
            attempt(lambda: _accept_candidate(session, actor, form.candidate.data, form))
        if errors:
            raise ValidationError(errors)  # rolls back whatever was created
    return claim


def one_scale_field(errors: list[FieldError]) -> list[FieldError]:
    """The service names a scale by its two columns; the forms have one field, scale."""
    return [
        FieldError("scale", e.rule) if e.field in ("scale_name", "scale_version") else e
        for e in errors
    ]


_CANDIDATE = re.compile(r"(\d+):(\d+)-(\d+)")


def _accept_candidate(session, actor, value: str, form: PredictionForm) -> None:
    """Mark the review-queue candidate the form came from as accepted (the prediction is
    being saved in the same transaction)."""
    match = _CANDIDATE.fullmatch(value.strip())
    if match is None:
        raise ValidationError("candidate", "must be SOURCE:START-END, as the review queue gives it")
    source_id, start, end = map(int, match.groups())
    reviews.review_candidate(
        session,
        actor,
        source_id=source_id,
        start=start,
        end=end,
        decision=Decision.ACCEPTED.value,
        hedge_phrase=form.hedge_phrase.data or "",
    )


def _pick(value: str | None, errors: list[FieldError], field: str, create) -> int | None:
    text = (value or "").strip()
    if text.lower() == NEW:
        row = create()
        return row.id if row is not None else None
    found = _resolve(field, text) if text else None
    if found is None:
        rule = "is required" if not text else f"names no {field} ({text[:80]!r})"
        errors.append(FieldError(field, f"{rule}: type to search, or new for a new {field}"))
    return found


def _row_id(text: str) -> int | None:
    """A typed id, or None when it is not one a row can have."""
    return int(text) if text.isdigit() and int(text) <= MAX_ROW_ID else None


def _source_label(source: Source | None) -> str | None:
    """A source as its picker shows it: ``#ID title`` (``_resolve`` reads the id)."""
    return f"#{source.id} {source.title}" if source is not None else None


_SOURCE_REF = re.compile(r"#(\d+)(?:\s.*)?", re.S)


def _resolve(kind: str, value: str) -> int | None:
    """The row a picker's text names: an id, a slug, an exact name, statement, title or
    link (``#ID title`` for a source), or None."""
    session = get_session()
    text = value.strip()
    if text.isdigit():
        return _row_id(text)
    if kind == "pundit":
        row = queries.pundit_by_name_or_slug(session, text)
    elif kind == "question":
        row = queries.question_by_slug(session, text) or session.scalar(
            select(Question).where(Question.statement == text)
        )
    else:
        match = _SOURCE_REF.fullmatch(text)
        if match:
            return _row_id(match.group(1))
        row = session.scalar(select(Source).where(Source.url == text)) or session.scalar(
            select(Source).where(Source.title == text).limit(1)
        )
    return row.id if row is not None else None


def _source_date(session, source_id: int | None):
    source = session.get(Source, source_id) if source_id else None
    return source.published_on if source else None


def _new_pundit(form: PredictionForm):
    with prefixed("new_pundit_"):
        return services.add_pundit(get_session(), current_actor(), name=form.new_pundit_name.data)


def _new_source(form: PredictionForm):
    with prefixed("new_source_"):
        return services.add_source(
            get_session(),
            current_actor(),
            title=form.new_source_title.data,
            outlet=form.new_source_outlet.data,
            url=form.new_source_url.data,
            published_on=form.new_source_published_on.data,
        )


def _new_question(form: PredictionForm):
    with prefixed("new_question_"):
        return services.add_question(
            get_session(),
            current_actor(),
            statement=form.new_question_statement.data,
            resolution_criteria=form.new_question_resolution_criteria.data,
            resolve_by=form.new_question_resolve_by.data or None,
            kind=form.new_question_kind.data,
            options=lines(form.new_question_options.data),
            tags=comma_list(form.new_question_tags.data),
        )
