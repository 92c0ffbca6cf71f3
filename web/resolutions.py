"""The due queue and the resolve form: what happened, when it was known, and the evidence."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forecasts import queries, rules, services
from forecasts.models import Outcome
from web.auth import current_actor, editor_required
from web.database import get_session
from web.forms import ResolveForm, choices, when_text
from web.formtools import submit

blueprint = Blueprint("resolutions", __name__)


@blueprint.get("/due")
@editor_required
def due():
    return render_template("resolutions/due.html", items=queries.due_queue(get_session()))


@blueprint.route("/questions/<slug>/resolve", methods=["GET", "POST"])
@editor_required
def resolve(slug: str):
    question = queries.question_by_slug(get_session(), slug) or abort(404)
    standing = question.standing_resolution
    form = ResolveForm(
        data={
            "expected_resolution_id": str(standing.id) if standing else "",
            "known_at": rules.utc_today().isoformat(),
        }
    )
    labels = rules.outcome_labels(question.kind, question.option_labels())
    # No outcome is chosen for the editor: a slip must not record one.
    form.outcome.choices = choices(
        [("", "choose what happened")]
        + [(label, label) for label in labels]
        + [(Outcome.ANNULLED.value, "annulled (give the reason in the note)")]
    )
    following = queries.next_due_question(get_session(), question)

    def expected():
        value = form.expected_resolution_id.data or ""
        return int(value) if value.isdigit() else None

    def saved(resolution):
        done = f"Resolved “{question.statement}”: {resolution.outcome_label}."
        if not form.resolve_next.data:
            flash(f"Resolved: {resolution.outcome_label}.", "success")
            return redirect(url_for("questions.show", slug=question.slug))
        following = queries.next_due_question(get_session(), question)
        if following is None:
            flash(f"{done} Nothing else is due.", "success")
            return redirect(url_for("resolutions.due"))
        flash(f"{done} Next due question:", "success")
        return redirect(url_for("resolutions.resolve", slug=following.slug))

    return submit(
        form,
        lambda: services.resolve_question(
            get_session(),
            current_actor(),
            question.id,
            outcome=form.outcome.data,
            known_at=when_text(form.known_at.data, form.known_time.data, "known_at"),
            evidence_url=form.evidence_url.data,
            note=form.note.data,
            expected_resolution_id=expected(),
        ),
        saved,
        "resolutions/form.html",
        question=question,
        following=following,
    )
