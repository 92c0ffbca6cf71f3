"""The JSON API, ``/api/v1``: public reads, and writes for editors' tokens.

Each route is a few lines: read the arguments, call one query or service function,
answer with the shape from ``forecasts.serialize``. Errors are JSON (``web.api.errors``);
tokens and rate limits are in ``web.api.auth``.
"""

from __future__ import annotations

import contextlib

import pandas as pd
from flask import jsonify, redirect, request, url_for
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from forecasts import queries, references, scores, search, serialize, services
from forecasts.errors import ConflictError, FieldError, FieldErrors, ValidationError
from forecasts.models import Prediction, Role
from forecasts.validation import FRACTION, parse_fraction, read_distribution
from web import pagecache
from web.api import listing
from web.api.auth import (
    authenticate_request,
    current_actor,
    read_limit,
    record_use,
    token_required,
    write_limit,
)
from web.api.errors import ArgumentsParser, error_response
from web.api.errors import register as register_error_handlers
from web.api.schemas import (
    AnnulIn,
    CorrectionIn,
    DeleteArgs,
    ErrorOut,
    LeaderboardArgs,
    LeaderboardPage,
    MergeIn,
    PageArgs,
    PredictionArgs,
    PredictionIn,
    PredictionOut,
    PredictionPage,
    PunditOut,
    PunditPage,
    PunditWithStandingOut,
    QuestionArgs,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    ReferencesIn,
    ReferencesOut,
    ResolutionArgs,
    ResolutionOut,
    ResolutionPage,
    ResolveIn,
    RetractionIn,
    SearchArgs,
    SearchOut,
    SourceOut,
    UnscorableClaimArgs,
    UnscorableClaimIn,
    UnscorableClaimOut,
    UnscorableClaimPage,
)
from web.database import get_session
from web.extensions import csrf
from web.leaderboards import board_and_calibration, read_filters, standing_of

PREFIX = "/api/v1"
BEARER = "bearerAuth"


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()


blueprint = ApiBlueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    description="The forecast registry's data, and editors' writes.",
)
csrf.exempt(blueprint)  # tokens, not cookies, authenticate here: nothing to forge
blueprint.before_request(authenticate_request)
blueprint.after_request(record_use)
register_error_handlers(blueprint)


# Examples in the description name rows of the seed registry (seeds/), so they work on a
# freshly seeded site (and the schemathesis test sends them).
SEED_PUNDIT = "op-ed-author-iran-us-iraq-2020"
SEED_QUESTION = "iran-us-contest-over-iraq-resolved"  # unresolved, no deadline
PUNDIT_SLUG = [
    {"in": "path", "name": "slug", "example": SEED_PUNDIT, "description": "The pundit's slug."}
]
QUESTION_SLUG = [
    {"in": "path", "name": "slug", "example": SEED_QUESTION, "description": "The question's slug."}
]
PREDICTION_EXAMPLE = {
    "question_id": 7,
    "pundit_id": 1,
    "made_at": "2020-01-02",
    "probability": 0.3,
    "quote": "I doubt it will be settled soon.",
    "hedge_phrase": "I doubt",
    "probability_origin": "estimated",
}
QUESTION_EXAMPLE = {
    "statement": "Will Iraq hold a parliamentary election by the end of 2021?",
    "resolution_criteria": "Iraq's electoral commission reports the vote.",
    "resolve_by": "2021-12-31",
    "tags": ["iraq", "elections"],
}
REFERENCES_EXAMPLE = {
    "points": [
        {
            "source": "A prediction market",
            "time": "2020-06-01T12:00:00Z",
            "probability": "12%",
            "url": "https://market.example.org/q/1",
            "licence": "terms of use",
        }
    ]
}
RESOLVE_EXAMPLE = {
    "outcome": "no",
    "known_at": "2022-01-01",
    "expected_resolution_id": None,
    "evidence_url": "https://example.org/report",
    "note": "Neither side withdrew from Iraq in the period.",
}
ANNUL_EXAMPLE = {
    "reason": "Too vague to resolve: 'resolved' was never defined.",
    "known_at": "2022-01-01",
    "expected_resolution_id": None,
}


def _errors(*statuses: int):
    """Document the error answers a route can give (each in the one error shape)."""
    text = {
        400: "The request could not be read: malformed JSON, a value of the wrong type, an "
        "unknown field, or a bad query parameter. Each error names the field.",
        401: "No token where one is needed, or a token that is unknown, revoked, or whose "
        "user is deactivated (also on public reads when a bad token is sent).",
        403: "The token's user does not have the editor role now.",
        404: "No such question or pundit.",
        409: "A stale view (expected_resolution_id is not the standing resolution, or "
        "expected_version not the row's version): nothing was written; `current` holds "
        "the row as it now is.",
        422: "The service refused the input: each error names the field and the rule; "
        "nothing was written.",
        429: "Rate limit exceeded (see Retry-After).",
    }

    def decorator(view):
        for status in statuses:
            view = blueprint.alt_response(status, schema=ErrorOut, description=text[status])(view)
        return view

    return decorator


def read(view):
    """A public read: no token needed (a bad one is refused), rate-limited per client."""
    view = read_limit(view)
    view = _errors(401, 429)(view)
    return blueprint.doc(security=[{}, {BEARER: []}])(view)


def listing_read(view):
    """A public read of a list: ``read``, with query parameters that can be wrong."""
    return read(_errors(400)(view))


def write(view):
    """An editor's write: a token whose user is an editor or admin now, rate-limited per
    token."""
    view = write_limit(view)
    view = token_required(Role.EDITOR)(view)
    view = _errors(400, 401, 403, 422, 429)(view)
    return blueprint.doc(security=[{BEARER: []}])(view)


def admin_write(view):
    """An admin's write (merging, deleting): a token whose user is an admin now."""
    view = write_limit(view)
    view = token_required(Role.ADMIN)(view)
    view = _errors(400, 401, 403, 404, 409, 422, 429)(view)
    return blueprint.doc(security=[{BEARER: []}])(view)


def _moved(kind: str, key: str, endpoint: str, field: str, **values):
    """A merged row's old address: a permanent redirect to the row it went into (with
    its other path values kept), else 404."""
    target = queries.redirected(get_session(), kind, key)
    if target is None:
        raise NotFound(f"No {kind} {key!r}.")
    new_key = target.id if kind == "source" else target.slug
    return redirect(url_for(endpoint, **{field: new_key}, **values), 301)


def _page(page: queries.Page, as_dict) -> dict:
    return {
        "items": [as_dict(item) for item in page.items],
        "page": page.number,
        "per_page": page.size,
        "total": page.total,
        "pages": page.pages,
    }


def _slug_or_404(slug: str) -> str:
    if "\x00" in slug:
        raise NotFound()
    return slug


@contextlib.contextmanager
def _required(data: dict, *names: str):
    """Name the missing ids plainly ('is required', not 'no question with id None')."""
    missing = [name for name in names if data.get(name) is None]
    try:
        yield
    except ValidationError as error:
        errors = [FieldError(name, "is required") for name in missing]
        errors += [e for e in error.errors if e.field not in missing]
        raise ValidationError(errors) from error


def _forecast(data: dict) -> dict:
    """The probability and distribution as written: bare numbers are fractions, a string
    with % a percent; a bare 1 alone is refused as ambiguous."""
    read, errors = {}, FieldErrors()
    if data.get("probability") is not None:
        with errors.field():
            read["probability"] = parse_fraction(data["probability"])
    if data.get("distribution") is not None:
        entries = [
            (label, value, f"distribution.{label}") for label, value in data["distribution"].items()
        ]
        with errors.field():
            read["distribution"] = read_distribution(entries, reading=FRACTION)
    errors.raise_any()
    return read


def _created(body: dict, location: str | None = None):
    response = jsonify(body)
    response.status_code = 201
    if location:
        response.headers["Location"] = location
    return response


# ------------------------------------------------------------------------- pundits


@blueprint.route("/pundits")
@listing_read
@blueprint.arguments(PageArgs, location="query", as_kwargs=True)
@blueprint.response(200, PunditPage)
def list_pundits(page: int, per_page: int):
    """Pundits, by slug"""
    return jsonify(
        _page(
            queries.page_of(get_session(), listing.pundits(), page, per_page),
            serialize.pundit_dict,
        )
    )


@blueprint.route("/pundits/<slug>", parameters=PUNDIT_SLUG)
@read
@_errors(404)
@blueprint.alt_response(301, description="Merged into another: the Location header names it.")
@blueprint.response(200, PunditWithStandingOut)
def show_pundit(slug: str):
    """One pundit, with their standing on the leaderboard"""
    pundit = queries.pundit_by_slug(get_session(), _slug_or_404(slug))
    if pundit is None:
        return _moved("pundit", slug, "api.show_pundit", "slug")
    standing = standing_of(pundit.slug).as_dict()
    return jsonify({**serialize.pundit_dict(pundit), "standing": standing})


# ------------------------------------------------------------------------ questions


@blueprint.route("/questions")
@listing_read
@blueprint.arguments(QuestionArgs, location="query", as_kwargs=True)
@blueprint.response(200, QuestionPage)
def list_questions(page: int, per_page: int, tag=None, kind=None, status=None):
    """Questions, oldest first, by tag, kind and status"""
    query = listing.questions(tag=tag, kind=kind, status=status)
    return jsonify(
        _page(queries.page_of(get_session(), query, page, per_page), serialize.question_dict)
    )


@blueprint.route("/questions/<slug>", parameters=QUESTION_SLUG)
@read
@_errors(404)
@blueprint.alt_response(301, description="Merged into another: the Location header names it.")
@blueprint.response(200, QuestionOut)
def show_question(slug: str):
    """One question, with its standing resolution"""
    question = queries.question_by_slug(get_session(), _slug_or_404(slug), with_predictions=False)
    if question is None:
        return _moved("question", slug, "api.show_question", "slug")
    return jsonify(serialize.question_dict(question))


def _question(slug: str):
    question = queries.question_by_slug(get_session(), _slug_or_404(slug), with_predictions=False)
    if question is None:
        raise NotFound(f"No question with slug {slug!r}.")
    return question


@blueprint.route("/questions", methods=["POST"])
@write
@blueprint.arguments(QuestionIn, example=QUESTION_EXAMPLE)
@blueprint.response(201, QuestionOut)
def create_question(data: dict):
    """Add a question"""
    question = services.add_question(
        get_session(), current_actor(), **{"statement": None, "resolution_criteria": None, **data}
    )
    return _created(
        serialize.question_dict(question), url_for("api.show_question", slug=question.slug)
    )


# ---------------------------------------------------------------------- predictions


@blueprint.route("/predictions")
@listing_read
@blueprint.arguments(PredictionArgs, location="query", as_kwargs=True)
@blueprint.response(200, PredictionPage)
def list_predictions(page: int, per_page: int, pundit=None, question=None):
    """Predictions in the order they were made, by pundit and question"""
    query = listing.predictions(pundit=pundit, question=question)
    return jsonify(
        _page(queries.page_of(get_session(), query, page, per_page), serialize.prediction_dict)
    )


@blueprint.route("/predictions", methods=["POST"])
@write
@blueprint.arguments(PredictionIn, example=PREDICTION_EXAMPLE)
@blueprint.response(201, PredictionOut)
def log_prediction(data: dict):
    """Log a prediction (a revision is a new prediction)"""
    fields = {"question_id": None, "pundit_id": None, "made_at": None, **data}
    with _required(data, "question_id", "pundit_id"):
        fields.update(_forecast(data))
        prediction = services.log_prediction(get_session(), current_actor(), **fields)
    return _created(serialize.prediction_dict(prediction))


UNSCORABLE_EXAMPLE = {
    "pundit_id": 1,
    "made_at": "2020-01-02",
    "reason": "escape_clause",
    "quote": "Tensions will rise, unless cooler heads prevail.",
    "note": "'Unless cooler heads prevail' fits any outcome.",
}


@blueprint.route("/unscorable-claims")
@listing_read
@blueprint.arguments(UnscorableClaimArgs, location="query", as_kwargs=True)
@blueprint.response(200, UnscorableClaimPage)
def list_unscorable_claims(page: int, per_page: int, pundit=None):
    """Claims logged as unscorable, in the order they were made, by pundit"""
    query = listing.unscorable_claims(pundit=pundit)
    return jsonify(
        _page(
            queries.page_of(get_session(), query, page, per_page), serialize.unscorable_claim_dict
        )
    )


@blueprint.route("/unscorable-claims", methods=["POST"])
@write
@blueprint.arguments(UnscorableClaimIn, example=UNSCORABLE_EXAMPLE)
@blueprint.response(201, UnscorableClaimOut)
def log_unscorable_claim(data: dict):
    """Log a claim that cannot be scored as it stands, with the reason"""
    fields = {"pundit_id": None, "made_at": None, "reason": None, **data}
    with _required(data, "pundit_id"):
        claim = services.log_unscorable_claim(get_session(), current_actor(), **fields)
    return _created(serialize.unscorable_claim_dict(claim))


PREDICTION_ID = [
    {"in": "path", "name": "prediction_id", "example": 1, "description": "The prediction's id."}
]
SOURCE_ID = [{"in": "path", "name": "source_id", "example": 1, "description": "The source's id."}]


def _prediction_id(prediction_id: int) -> int:
    if get_session().get(Prediction, prediction_id) is None:
        raise NotFound(f"No prediction with id {prediction_id}.")
    return prediction_id


@blueprint.route("/predictions/<int:prediction_id>", methods=["PATCH"], parameters=PREDICTION_ID)
@write
@_errors(404, 409)
@blueprint.arguments(
    CorrectionIn, example={"expected_version": 1, "reason": "Typo.", "quote": "..."}
)
@blueprint.response(200, PredictionOut)
def correct_prediction(data: dict, prediction_id: int):
    """Correct a prediction (the fields given; the history keeps the before and the reason)"""
    fields = dict(data)
    version, reason = fields.pop("expected_version"), fields.pop("reason")
    for name in ("probability", "distribution"):
        if fields.get(name) is None:
            fields.pop(name, None)
    fields.update(_forecast(data))
    prediction = services.correct_prediction(
        get_session(),
        current_actor(),
        _prediction_id(prediction_id),
        expected_version=version,
        reason=reason,
        changes=fields,
    )
    return jsonify(serialize.prediction_dict(prediction))


def _retraction(action, data: dict, prediction_id: int):
    prediction = action(
        get_session(),
        current_actor(),
        _prediction_id(prediction_id),
        expected_version=data["expected_version"],
        reason=data["reason"],
    )
    return jsonify(serialize.prediction_dict(prediction))


@blueprint.route(
    "/predictions/<int:prediction_id>/retract", methods=["POST"], parameters=PREDICTION_ID
)
@write
@_errors(404, 409)
@blueprint.arguments(RetractionIn, example={"expected_version": 1, "reason": "Not their words."})
@blueprint.response(200, PredictionOut)
def retract_prediction(data: dict, prediction_id: int):
    """Retract a prediction logged in error: kept, struck through, never scored"""
    return _retraction(services.retract_prediction, data, prediction_id)


@blueprint.route(
    "/predictions/<int:prediction_id>/restore", methods=["POST"], parameters=PREDICTION_ID
)
@write
@_errors(404, 409)
@blueprint.arguments(RetractionIn, example={"expected_version": 2, "reason": "It was theirs."})
@blueprint.response(200, PredictionOut)
def restore_prediction(data: dict, prediction_id: int):
    """Restore a retracted prediction: scored again"""
    return _retraction(services.restore_prediction, data, prediction_id)


# ---------------------------------------------------------------- merge and delete


def _row(kind: str, key: str):
    row = queries.row_by_address(get_session(), kind, _slug_or_404(str(key)))
    if row is None:
        raise NotFound(f"No {kind} {key!r}.")
    return row


def _merge(kind: str, key: str, data: dict, action, as_dict):
    row = _row(kind, key)
    into = data["into"].strip()
    try:
        target = _row(kind, into)
    except NotFound as error:
        raise ValidationError("into", f"names no {kind} ({into[:80]!r})") from error
    kept = action(
        get_session(),
        current_actor(),
        row.id,
        into_id=target.id,
        expected_version=data["expected_version"],
    )
    return jsonify(as_dict(kept))


def _delete(kind: str, key: str, expected_version: int, action):
    row = _row(kind, key)
    action(get_session(), current_actor(), row.id, expected_version=expected_version)
    return "", 204


MERGE_EXAMPLE = {"into": SEED_PUNDIT, "expected_version": 1}


@blueprint.route("/pundits/<slug>/merge", methods=["POST"], parameters=PUNDIT_SLUG)
@admin_write
@blueprint.arguments(MergeIn, example=MERGE_EXAMPLE)
@blueprint.response(200, PunditOut)
def merge_pundit(data: dict, slug: str):
    """Merge a duplicate pundit into another (its predictions move; its address redirects)"""
    return _merge("pundit", slug, data, services.merge_pundits, serialize.pundit_dict)


@blueprint.route("/pundits/<slug>", methods=["DELETE"], parameters=PUNDIT_SLUG)
@admin_write
@blueprint.arguments(DeleteArgs, location="query", as_kwargs=True)
@blueprint.response(204)
def delete_pundit(slug: str, expected_version: int):
    """Delete a pundit with no predictions (the audit log keeps it)"""
    return _delete("pundit", slug, expected_version, services.delete_pundit)


@blueprint.route("/questions/<slug>/merge", methods=["POST"], parameters=QUESTION_SLUG)
@admin_write
@blueprint.arguments(MergeIn, example={"into": SEED_QUESTION, "expected_version": 1})
@blueprint.response(200, QuestionOut)
def merge_question(data: dict, slug: str):
    """Merge a duplicate question into another of its kind and condition"""
    return _merge("question", slug, data, services.merge_questions, serialize.question_dict)


@blueprint.route("/questions/<slug>", methods=["DELETE"], parameters=QUESTION_SLUG)
@admin_write
@blueprint.arguments(DeleteArgs, location="query", as_kwargs=True)
@blueprint.response(204)
def delete_question(slug: str, expected_version: int):
    """Delete a question with no predictions and no resolution"""
    return _delete("question", slug, expected_version, services.delete_question)


@blueprint.route("/sources/<int:source_id>/merge", methods=["POST"], parameters=SOURCE_ID)
@admin_write
@blueprint.arguments(MergeIn, example={"into": "1", "expected_version": 1})
@blueprint.response(200, SourceOut)
def merge_source(data: dict, source_id: int):
    """Merge a duplicate source into another (the citations move)"""
    return _merge("source", str(source_id), data, services.merge_sources, serialize.source_dict)


@blueprint.route("/sources/<int:source_id>", methods=["DELETE"], parameters=SOURCE_ID)
@admin_write
@blueprint.arguments(DeleteArgs, location="query", as_kwargs=True)
@blueprint.response(204)
def delete_source(source_id: int, expected_version: int):
    """Delete a source no prediction cites"""
    return _delete("source", str(source_id), expected_version, services.delete_source)


# ---------------------------------------------------------------------- resolutions


@blueprint.route("/resolutions")
@listing_read
@blueprint.arguments(ResolutionArgs, location="query", as_kwargs=True)
@blueprint.response(200, ResolutionPage)
def list_resolutions(page: int, per_page: int, question=None):
    """Every resolution recorded, oldest first (a question's latest stands)"""
    query = listing.resolutions(question=question)
    return jsonify(
        _page(queries.page_of(get_session(), query, page, per_page), serialize.resolution_dict)
    )


@blueprint.route("/questions/<slug>/resolve", methods=["POST"], parameters=QUESTION_SLUG)
@write
@_errors(404, 409)
@blueprint.arguments(ResolveIn, example=RESOLVE_EXAMPLE)
@blueprint.response(201, ResolutionOut)
def resolve_question(data: dict, slug: str):
    """Resolve a question (again: re-resolution appends and the latest stands)"""
    question = _question(slug)
    return _resolved(
        lambda: services.resolve_question(
            get_session(),
            current_actor(),
            question.id,
            **{"outcome": None, "known_at": None, **data},
        )
    )


@blueprint.route("/questions/<slug>/references", methods=["POST"], parameters=QUESTION_SLUG)
@write
@_errors(404)
@blueprint.arguments(ReferencesIn, example=REFERENCES_EXAMPLE)
@blueprint.response(201, ReferencesOut)
def add_references(data: dict, slug: str):
    """Add reference forecasts to a question (a market's, a platform's or a panel's)"""
    question = _question(slug)
    rows = [{**point, "question": question.slug} for point in data["points"]]
    report = references.add_references(get_session(), current_actor(), rows, reading=FRACTION)
    return {"added": report.added, "already_present": report.already_present}


@blueprint.route("/questions/<slug>/annul", methods=["POST"], parameters=QUESTION_SLUG)
@write
@_errors(404, 409)
@blueprint.arguments(AnnulIn, example=ANNUL_EXAMPLE)
@blueprint.response(201, ResolutionOut)
def annul_question(data: dict, slug: str):
    """Annul a question: it will not be scored"""
    question = _question(slug)
    return _resolved(
        lambda: services.annul_question(
            get_session(),
            current_actor(),
            question.id,
            **{"reason": None, "known_at": None, **data},
        )
    )


def _resolved(action):
    try:
        resolution = action()
    except ConflictError as error:
        standing = (error.current.get("resolution") or {}).get("id")
        return error_response(
            409,
            str(error),
            [
                FieldError(
                    "expected_resolution_id", f"is stale: the standing resolution is now {standing}"
                )
            ],
            current=error.current,
        )
    return _created(serialize.resolution_dict(resolution))


# ---------------------------------------------------------------------- leaderboard


@blueprint.route("/leaderboard")
@listing_read
@blueprint.arguments(LeaderboardArgs, location="query", as_kwargs=True)
@blueprint.response(200, LeaderboardPage)
@pagecache.reader_page
def leaderboard(page: int, per_page: int, **_filters):
    """The leaderboard: mean Brier with its 95% interval, by the web page's filters"""
    filters, min_n, problems = read_filters(request.args)
    if problems:
        message = "The request could not be read: " + "; ".join(map(str, problems))
        return error_response(400, message, problems)
    board, _ = board_and_calibration(filters, min_n)
    ranked, unranked = scores.board_lists(board)
    ordered = pd.concat([part for part in (ranked, unranked) if len(part)] or [board])
    start = (page - 1) * per_page
    rows = scores.records(ordered.iloc[start : start + per_page])  # this page's rows only
    return jsonify(
        {
            "items": rows,
            "page": page,
            "per_page": per_page,
            "total": len(ordered),
            "pages": queries.page_count(len(ordered), per_page),
            "filters": {
                "tag": filters.tag,
                "kind": filters.kind,
                "min_n": min_n,
                "since": filters.since.isoformat() if filters.since else None,
                "until": filters.until.isoformat() if filters.until else None,
            },
        }
    )


# -------------------------------------------------------------------------- search


def _hit_dict(hit: search.Hit) -> dict:
    item = hit.item
    endpoint = {
        "question": lambda: url_for("questions.show", slug=item.slug),
        "pundit": lambda: url_for("pundits.show", slug=item.slug),
        "source": lambda: url_for("sources.show", source_id=item.id),
        "prediction": lambda: url_for("questions.show", slug=item.question.slug),
    }[hit.kind]
    prediction = hit.kind == "prediction"
    return {
        "kind": hit.kind,
        "id": item.id,
        "slug": getattr(item, "slug", None),
        "url": endpoint(),
        "title": hit.title.text,
        "title_html": hit.title.html,
        "excerpt": hit.excerpt.text if hit.excerpt else None,
        "excerpt_html": hit.excerpt.html if hit.excerpt else None,
        "tags": [slug for slug, _ in hit.tags],
        "pundit": item.pundit.slug if prediction else None,
        "question": item.question.slug if prediction else None,
        "score": hit.score,
    }


@blueprint.route("/search")
@listing_read
@blueprint.arguments(SearchArgs, location="query", as_kwargs=True)
@blueprint.response(200, SearchOut)
def search_registry(page: int, per_page: int, q: str, kind=None):
    """Search questions, tags, pundits, sources and quotes, best first"""
    try:
        found = search.search(get_session(), q, kind=kind, page=page, size=per_page)
    except ValidationError as error:
        message = "The request could not be read: " + "; ".join(map(str, error.errors))
        return error_response(400, message, error.errors)
    return jsonify(
        {
            "q": q,
            "words": list(found.query.words),
            "kind": kind,
            "groups": [
                {"kind": group.kind, "more": group.more, **_page(group.page, _hit_dict)}
                for group in found.groups
            ],
        }
    )
