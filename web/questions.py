"""Questions: the list, one question's page, and the create and edit forms."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forecasts import pagestamps, queries, scores, services, svgcharts
from forecasts.demo import has_demo_data
from forecasts.errors import FieldError
from forecasts.models import Outcome, QuestionKind
from web import pagecache
from web.auth import current_actor, editor_required
from web.corrections import moved
from web.database import get_session
from web.forms import QuestionForm, choices
from web.formtools import comma_list, lines, submit, version_of
from web.paging import current_page

blueprint = Blueprint("questions", __name__)


def read_list_filters(args) -> tuple[dict, list[FieldError]]:
    """The list's filters and order from the query string (status, tag, kind, sort); a
    bad value is reported (field and rule) and left out, not guessed."""
    errors: list[FieldError] = []
    values = {name: (args.get(name) or "").strip() or None for name in ("status", "tag", "kind")}
    values["sort"] = (args.get("sort") or "").strip() or "added"
    allowed = {
        "status": queries.QUESTION_STATUSES,
        "kind": tuple(QuestionKind),
        "sort": tuple(queries.QUESTION_SORTS),
    }
    for name, choices_ in allowed.items():
        if values[name] is not None and values[name] not in choices_:
            listed = ", ".join(str(choice) for choice in choices_)
            errors.append(FieldError(name, f"must be one of {listed} (got {values[name]!r})"))
            values[name] = "added" if name == "sort" else None
    return values, errors


@blueprint.get("/questions")
@blueprint.get("/")  # registered first: links to the list keep going to /
@pagecache.reader_page
def index():
    """The questions, filtered and sorted by the query string (the home page too)."""
    filters, errors = read_list_filters(request.args)
    listing = current_page(
        lambda page, size: queries.filtered_question_page(get_session(), page, size, **filters)
    )
    return render_template(
        "questions/index.html",
        questions=listing.items,
        summaries=queries.forecast_summaries(get_session(), [q.id for q in listing.items]),
        filters=filters,
        errors=errors,
        statuses=queries.QUESTION_STATUSES,
        sorts=queries.QUESTION_SORTS,
        tags=pagecache.remember("tags", (), lambda: scores.tags_in_use(get_session())),
        **listing.numbers(),
    ), (400 if errors else 200)


@blueprint.get("/healthz")
def health():
    return {"status": "ok"}


def _page_stamp(slug: str):
    """What the question's page shows changes only with this (``forecasts.pagestamps``):
    its own rows, its forecasts and their scores, the demo banner."""
    session = get_session()
    found = pagestamps.question_stamp(session, slug)
    return None if found is None else (found, has_demo_data(session))


@blueprint.get("/questions/<slug>")
@pagecache.reader_page(stamp=_page_stamp)
def show(slug: str):
    session = get_session()
    question = queries.question_by_slug(session, slug) or moved("question", slug)
    frame = scores.prediction_frame(session, question_id=question.id)
    standing = question.standing_resolution
    references = queries.reference_series(session, question.id)
    chart = None
    standing_forecasts = frame[frame["status"] != scores.RETRACTED]  # what was said
    if question.kind == QuestionKind.BINARY and len(standing_forecasts):
        chart = svgcharts.forecast_chart(
            standing_forecasts,
            resolve_by=question.resolve_by,
            known_at=standing.known if standing and standing.outcome != Outcome.ANNULLED else None,
            references={
                name: [(p.at, p.probability) for p in points] for name, points in references.items()
            },
        )
    return render_template(
        "questions/show.html",
        question=question,
        chart=chart,
        references=references,
        scored=scores.line_scores(frame),
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
