"""Keeping the record right: an editor corrects or retracts a prediction; an admin merges
or deletes a pundit, question or source; everyone reads a prediction's history. Each
form calls one service action (``forecasts.services.corrections``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forecasts import audit, moments, queries, services
from forecasts.errors import ConflictError, FieldError, ValidationError
from forecasts.models import Prediction, ProbabilityOrigin
from forecasts.phrases.scales import all_scales, load_scale
from forecasts.validation import parse_distribution, parse_probability
from web.auth import admin_required, current_actor, editor_required
from web.database import get_session
from web.forms import (
    CorrectionForm,
    DeleteForm,
    MergeForm,
    RetractionForm,
    choices,
    when_text,
)
from web.formtools import submit, version_of
from web.predictions import _resolve, _source_label, one_scale_field

blueprint = Blueprint("corrections", __name__)


def _prediction(prediction_id: int) -> Prediction:
    return get_session().get(Prediction, prediction_id) or abort(404)


def _back_to(prediction: Prediction):
    anchor = f"prediction-{prediction.id}"
    return redirect(url_for("questions.show", slug=prediction.question.slug, _anchor=anchor))


@blueprint.get("/predictions/<int:prediction_id>/history")
def history(prediction_id: int):
    """Every change to a prediction, oldest first: who, when, what, why (public)."""
    prediction = _prediction(prediction_id)
    return render_template(
        "predictions/history.html",
        prediction=prediction,
        steps=audit.entity_history(get_session(), "prediction", prediction.id),
        shown=audit.shown,
    )


def _distribution_text(prediction: Prediction) -> str:
    return "\n".join(
        f"{entry.option.label}: {entry.probability * 100:g}%" for entry in prediction.distribution
    )


@blueprint.route("/predictions/<int:prediction_id>/correct", methods=["GET", "POST"])
@editor_required
def correct(prediction_id: int):
    prediction = _prediction(prediction_id)
    form = CorrectionForm(
        data={
            "quote": prediction.quote,
            "hedge_phrase": prediction.hedge_phrase,
            "probability": (
                f"{prediction.probability * 100:g}%" if prediction.probability is not None else ""
            ),
            "distribution": _distribution_text(prediction),
            "probability_origin": prediction.probability_origin,
            "scale": (
                f"{prediction.scale_name}@{prediction.scale_version}"
                if prediction.scale_name
                else ""
            ),
            "made_at": moments.day_of(prediction.made).isoformat(),
            "made_time": (
                f"{prediction.made_at:%H:%M:%S}" if moments.is_moment(prediction.made) else ""
            ),
            "source": _source_label(prediction.source) or "",
            "note": prediction.note,
            "version": str(prediction.version),
        }
        if request.method == "GET"
        else None
    )
    form.scale.choices = choices(
        [("", "None")] + [(s.ref, f"{s.title} ({s.ref})") for s in all_scales()]
    )

    def saved(row):
        flash("Prediction corrected; the change is in its history.", "success")
        return _back_to(row)

    return submit(
        form,
        lambda: _correct(prediction, form),
        saved,
        "predictions/correct.html",
        prediction=prediction,
    )


def _correct(prediction: Prediction, form: CorrectionForm) -> Prediction:
    """Read the form as the log form reads it, then correct in one service action."""
    errors: list[FieldError] = []

    def attempt(step):
        try:
            return step()
        except ValidationError as error:
            errors.extend(error.errors)
            return None

    changes: dict = {
        "quote": form.quote.data or "",
        "hedge_phrase": form.hedge_phrase.data or "",
        "probability_origin": form.probability_origin.data,
        "made_at": attempt(lambda: when_text(form.made_at.data, form.made_time.data, "made_at"))
        or None,
        "note": form.note.data or "",
    }
    if prediction.distribution:
        changes["distribution"] = attempt(lambda: parse_distribution(form.distribution.data or ""))
    else:
        changes["probability"] = attempt(lambda: parse_probability(form.probability.data or ""))
    scale = None
    if form.scale.data:
        scale = attempt(lambda: load_scale(form.scale.data))
    origin_mapped = form.probability_origin.data == ProbabilityOrigin.MAPPED.value
    changes["scale_name"] = scale.name if scale and origin_mapped else None
    changes["scale_version"] = scale.version if scale and origin_mapped else None
    source_text = (form.source.data or "").strip()
    changes["source_id"] = _resolve("source", source_text) if source_text else None
    if source_text and changes["source_id"] is None:
        errors.append(FieldError("source", f"names no source ({source_text[:80]!r})"))
    if errors:
        raise ValidationError(errors)
    try:
        return services.correct_prediction(
            get_session(),
            current_actor(),
            prediction.id,
            expected_version=version_of(form),
            reason=form.reason.data,
            changes=changes,
        )
    except ValidationError as error:
        raise ValidationError(one_scale_field(error.errors)) from error


@blueprint.route("/predictions/<int:prediction_id>/retract", methods=["GET", "POST"])
@editor_required
def retract(prediction_id: int):
    """Retract a prediction, or restore a retracted one (the same form: a reason)."""
    prediction = _prediction(prediction_id)
    restoring = prediction.retracted_at is not None
    form = RetractionForm(
        data={"version": str(prediction.version)} if request.method == "GET" else None
    )
    action = services.restore_prediction if restoring else services.retract_prediction

    def saved(row):
        flash(
            "Prediction restored: it is scored again."
            if restoring
            else "Prediction retracted: it is kept, struck through, and not scored.",
            "success",
        )
        return _back_to(row)

    return submit(
        form,
        lambda: action(
            get_session(),
            current_actor(),
            prediction.id,
            expected_version=version_of(form),
            reason=form.reason.data,
        ),
        saved,
        "predictions/retract.html",
        prediction=prediction,
        restoring=restoring,
    )


# ------------------------------------------------------------------ merge and delete


@dataclass(frozen=True)
class Noun:
    """What the merge page needs to know of a kind of row."""

    kind: str
    show: str  # the endpoint of its page
    merge: object
    delete: object

    def address(self, row) -> str:
        if self.kind == "source":
            return url_for(self.show, source_id=row.id)
        return url_for(self.show, slug=row.slug)

    def label(self, row) -> str:
        return {"pundit": lambda: row.name, "question": lambda: row.statement}.get(
            self.kind, lambda: row.title
        )()


NOUNS = {
    "pundits": Noun(
        "pundit",
        "pundits.show",
        services.merge_pundits,
        services.delete_pundit,
    ),
    "questions": Noun(
        "question",
        "questions.show",
        services.merge_questions,
        services.delete_question,
    ),
    "sources": Noun(
        "source",
        "sources.show",
        services.merge_sources,
        services.delete_source,
    ),
}


def _noun_and_row(nouns: str, key: str):
    noun = NOUNS.get(nouns) or abort(404)
    row = queries.row_by_address(get_session(), noun.kind, key) or abort(404)
    return noun, row


@blueprint.route("/<any(pundits, questions, sources):nouns>/<key>/merge", methods=["GET", "POST"])
@admin_required
def merge(nouns: str, key: str):
    noun, row = _noun_and_row(nouns, key)
    form = MergeForm(data={"version": str(row.version)} if request.method == "GET" else None)
    form.into.render_kw = {**(form.into.render_kw or {}), "data-picker": noun.kind}
    label = noun.label(row)

    def merged(into):
        flash(f"Merged “{label}” into this {noun.kind}; its old address leads here.", "success")
        return redirect(noun.address(into))

    def action():
        text = (form.into.data or "").strip()
        into_id = _resolve(noun.kind, text) if text else None
        if text and into_id is None:
            raise ValidationError("into", f"names no {noun.kind} ({text[:80]!r})")
        return noun.merge(
            get_session(),
            current_actor(),
            row.id,
            into_id=into_id,
            expected_version=version_of(form),
        )

    delete_form = DeleteForm(data={"version": str(row.version)})
    return submit(
        form,
        action,
        merged,
        "admin/merge.html",
        noun=noun,
        row=row,
        label=label,
        delete_form=delete_form,
        predictions=queries.prediction_count(get_session(), noun.kind, row.id),
    )


@blueprint.post("/<any(pundits, questions, sources):nouns>/<key>/delete")
@admin_required
def delete(nouns: str, key: str):
    noun, row = _noun_and_row(nouns, key)
    form = DeleteForm()
    label = noun.label(row)
    try:
        if not form.validate_on_submit():
            raise ValidationError("csrf_token", "is missing or expired: reload the page")
        noun.delete(get_session(), current_actor(), row.id, expected_version=version_of(form))
    except (ValidationError, ConflictError) as error:
        flash(f"Not deleted: {error}", "error")
        return redirect(url_for("corrections.merge", nouns=nouns, key=key))
    flash(f"Deleted “{label}” (the audit log keeps it).", "success")
    return redirect(url_for(f"{nouns}.index"))


def moved(kind: str, key: str):
    """For a page whose row is gone: a permanent redirect when it was merged into another
    row (the address lives on), else 404. Raises either way."""
    target = queries.redirected(get_session(), kind, key)
    if target is None:
        abort(404)
    noun = next(noun for noun in NOUNS.values() if noun.kind == kind)
    abort(redirect(noun.address(target), 301))
