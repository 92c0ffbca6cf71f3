"""The due queue and the resolve form: what happened, when it was known, and the evidence."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forecasts import queries, rules, services
from forecasts.models import Outcome
from web.auth import current_actor, editor_required
from web.database import get_session
from web.forms import ResolveForm, choices
from web.formtools import submit

blueprint = Blueprint("resolutions", __name__)


@blueprint.get("/due")
@editor_required
def due():
    return render_template("resolutions/due.html", questions=queries.due_questions(get_session()))


@blueprint.route("/questions/<slug>/resolve", methods=["GET", "POST"])
@editor_required
def resolve(slug: str):
    question = queries.question_by_slug(get_session(), slug) or abort(404)
    standing = question.standing_resolution
    form = ResolveForm(data={"expected_resolution_id": str(standing.id) if standing else ""})
    labels = rules.outcome_labels(question.kind, question.option_labels())
    form.outcome.choices = choices(
        [(label, label) for label in labels]
        + [(Outcome.ANNULLED.value, "annulled (give the reason in the note)")]
    )

    def expected():
        value = form.expected_resolution_id.data or ""
        return int(value) if value.isdigit() else None

    def saved(resolution):
        flash(f"Resolved: {resolution.outcome_label}.", "success")
        return redirect(url_for("questions.show", slug=question.slug))

    return submit(
        form,
        lambda: services.resolve_question(
            get_session(),
            current_actor(),
            question.id,
            outcome=form.outcome.data,
            known_at=form.known_at.data,
            evidence_url=form.evidence_url.data,
            note=form.note.data,
            expected_resolution_id=expected(),
        ),
        saved,
        "resolutions/form.html",
        question=question,
    )
