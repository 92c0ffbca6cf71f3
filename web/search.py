"""Search: the results page behind the search box every page carries."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from forecasts import search
from forecasts.errors import ValidationError
from web.database import get_session

blueprint = Blueprint("search", __name__)

OVERVIEW_SIZE = 5  # results of each kind when all kinds are shown


# Not kept in the page store: every query would be a page of its own there, pushing out
# the pages that are costly to render (a search is a few milliseconds).
@blueprint.get("/search")
def results():
    """``?q=words``: the best results of every kind; ``&kind=question`` (pundit, source,
    prediction): that kind alone, a page at a time (``&page=N``)."""
    raw = request.args.get("q", "")
    kind = request.args.get("kind") or None
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        abort(404)
    if not raw.strip():
        return render_template("search/results.html", q="", found=None, errors=[], kind=kind)
    size = current_app.config["PAGE_SIZE"] if kind else OVERVIEW_SIZE
    try:
        found = search.search(get_session(), raw, kind=kind, page=page if kind else 1, size=size)
    except ValidationError as error:
        return render_template(
            "search/results.html", q=raw, found=None, errors=error.errors, kind=None
        ), 400
    if kind and page > found.groups[0].page.pages:
        abort(404)
    return render_template(
        "search/results.html",
        q=raw,
        found=found,
        errors=[],
        kind=kind,
        kinds=search.KINDS,
        labels=search.LABELS,
        candidates=search.CANDIDATES,
    )
