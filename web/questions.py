"""Questions: the list, one question's page, and the create and edit forms."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forecasts import queries, scores, services, svgcharts
from forecasts.models import Outcome, QuestionKind
from web import pagecache
from web.auth import current_actor, editor_required
from web.database import get_session
from web.forms import QuestionForm, choices
from web.formtools import comma_list, lines, submit, version_of
from web.paging import current_page

blueprint = Blueprint("questions", __name__)


@blueprint.get("/")
@pagecache.reader_page
def index():
    listing = current_page(lambda page, size: queries.question_page(get_session(), page, size))
    return render_template("questions/index.html", questions=listing.items, **listing.numbers())


@blueprint.get("/healthz")
def health():
    return {"status": "ok"}


@blueprint.get("/questions/<slug>")
@pagecache.reader_page
def show(slug: str):
    session = get_session()
    question = queries.question_by_slug(session, slug) or abort(404)
    frame = scores.prediction_frame(session, question_id=question.id)
    standing = question.standing_resolution
    references = queries.reference_series(session, question.id)
    chart = None
    if question.kind == QuestionKind.BINARY and len(frame):
        chart = svgcharts.forecast_chart(
            frame,
            resolve_by=question.resolve_by,
            known_at=standing.known_at
            if standing and standing.outcome != Outcome.ANNULLED
            else None,
            references={
                name: [(p.at, p.probability) for p in points] for name, points in references.items()
            },
        )
    return render_template(
        "questions/show.html",
        question=question,
        chart=chart,
        references=references,
        scored=frame.set_index("prediction_id")[["status", "brier", "log_score", "final"]].to_dict(
            "index"
        ),
    )


def _condition_choices(form: QuestionForm, exclude_id: int | None = None) -> None:
    pairs = [("", "— none —")] + [
        (id_, statement)
        for id_, statement in queries.question_choices(get_session())
        if id_ != exclude_id
    ]
    form.condition_question_id.choices = choices(pairs)


def _question_fields(form: QuestionForm) -> dict:
    return {
        "statement": form.statement.data,
        "resolution_criteria": form.resolution_criteria.data,
        "resolve_by": form.resolve_by.data or None,
        "tags": comma_list(form.tags.data),
        "condition_question_id": int(form.condition_question_id.data)
        if (form.condition_question_id.data or "").isdigit()
        else None,
        "condition_outcome": form.condition_outcome.data,
        "note": form.note.data,
    }


def _saved(question):
    flash("Question saved.", "success")
    return redirect(url_for("questions.show", slug=question.slug))


@blueprint.route("/questions/new", methods=["GET", "POST"])
@editor_required
def create():
    form = QuestionForm()
    _condition_choices(form)
    return submit(
        form,
        lambda: services.add_question(
            get_session(),
            current_actor(),
            kind=form.kind.data,
            options=lines(form.options.data),
            **_question_fields(form),
        ),
        _saved,
        "questions/form.html",
        question=None,
    )


@blueprint.route("/questions/<slug>/edit", methods=["GET", "POST"])
@editor_required
def edit(slug: str):
    question = queries.question_by_slug(get_session(), slug) or abort(404)
    form = QuestionForm(obj=_current_values(question))
    _condition_choices(form, exclude_id=question.id)
    return submit(
        form,
        lambda: services.edit_question(
            get_session(),
            current_actor(),
            question.id,
            expected_version=version_of(form),
            **_question_fields(form),
        ),
        _saved,
        "questions/form.html",
        question=question,
    )


def _current_values(question) -> SimpleNamespace:
    """A question's current values in the shape of QuestionForm (posted values win)."""
    return SimpleNamespace(
        statement=question.statement,
        resolution_criteria=question.resolution_criteria,
        resolve_by=question.resolve_by.isoformat() if question.resolve_by else "",
        kind=question.kind,
        options="\n".join(question.option_labels()),
        tags=", ".join(tag.slug for tag in question.tags),
        condition_question_id=str(question.condition_question_id or ""),
        condition_outcome=question.condition_outcome or "",
        note=question.note,
        version=str(question.version),
    )
