"""Pundits: the list, a pundit's page, and the create and edit forms."""

from __future__ import annotations

from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)

from forecasts import charts, claims, pagestamps, queries, scores, services, svgcharts
from forecasts.demo import has_demo_data
from web import leaderboards, pagecache
from web.auth import current_actor, editor_required
from web.corrections import moved
from web.database import get_session
from web.forms import PunditForm
from web.formtools import lines, submit, version_of
from web.paging import current_page

blueprint = Blueprint("pundits", __name__, url_prefix="/pundits")


@blueprint.get("/")
@pagecache.reader_page
def index():
    listing = current_page(lambda page, size: queries.pundit_page(get_session(), page, size))
    return render_template("pundits/index.html", pundits=listing.items, **listing.numbers())


def _own_stamp(slug: str):
    """``forecasts.pagestamps.pundit_stamp``, read once per request."""
    if "pundit_stamp" not in g:
        g.pundit_stamp = pagestamps.pundit_stamp(get_session(), slug)
    return g.pundit_stamp


def _page_stamp(slug: str):
    """What the pundit's page shows changes only with this (``forecasts.pagestamps``):
    their own rows and scores, their standing on the board, the demo banner."""
    own = _own_stamp(slug)
    if own is None:
        return None
    return own, leaderboards.standing_of(slug), has_demo_data(get_session())


def _record(session, pundit_id: int) -> dict:
    """What the page shows of the pundit's own forecasts: their scores, calibration
    (table, chart, words, CORP diagram), phrases and claim counts. It changes only with
    the pundit's stamp, so it is kept under it: a page made again because the pundit's
    rank moved does not compute it again."""
    frame = scores.prediction_frame(session, pundit_id=pundit_id)
    result = scores.calibration(frame)
    corp = scores.corp_calibration(frame)
    counts = claims.claim_counts(session, pundit_id)
    return {
        "scored": scores.line_scores(frame),
        "chart": charts.calibration_svg(result["table"] if result else None),
        "corp": corp,
        "reliability": svgcharts.reliability_svg(corp["reliability"]) if corp else None,
        "words": scores.calibration_words(result),
        "calibration": result,
        "phrases": scores.phrase_table(frame).to_dict("records"),
        "claims": scores.records(counts)[0] if len(counts) else None,
    }


@blueprint.get("/<slug>")
@pagecache.reader_page(stamp=_page_stamp)
def show(slug: str):
    session = get_session()
    pundit = queries.pundit_by_slug(session, slug) or moved("pundit", slug)
    listing = current_page(
        lambda page, size: queries.pundit_predictions(session, pundit.id, page, size)
    )
    # Rank and peer scores from the leaderboard's own board; the rest from the pundit's
    # predictions alone.
    standing = leaderboards.standing_of(pundit.slug)
    own = _own_stamp(slug)
    record = (
        pagecache.keep("pundit record", own, lambda: _record(session, pundit.id))
        if own is not None
        else _record(session, pundit.id)
    )
    on_page = {p.id for p in listing.items}
    return render_template(
        "pundits/show.html",
        pundit=pundit,
        predictions=listing.items,
        **listing.numbers(),
        standing=standing,
        standing_link=leaderboards.standing_link(standing),
        **{**record, "scored": {k: v for k, v in record["scored"].items() if k in on_page}},
        unscorable=claims.unscorable_claims(session, pundit.id),
    )


def _fields(form: PunditForm) -> dict:
    return {
        "name": form.name.data,
        "slug": form.slug.data or None,
        "affiliation": form.affiliation.data,
        "bio": form.bio.data,
        "links": lines(form.links.data),
    }


def _saved(pundit):
    flash(f"Pundit {pundit.name} saved.", "success")
    return redirect(url_for("pundits.show", slug=pundit.slug))


@blueprint.route("/new", methods=["GET", "POST"])
@editor_required
def create():
    form = PunditForm()
    return submit(
        form,
        lambda: services.add_pundit(get_session(), current_actor(), **_fields(form)),
        _saved,
        "pundits/form.html",
        pundit=None,
    )


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@editor_required
def edit(slug: str):
    pundit = queries.pundit_by_slug(get_session(), slug) or abort(404)
    form = PunditForm(
        obj=SimpleNamespace(
            name=pundit.name,
            slug=pundit.slug,
            affiliation=pundit.affiliation,
            bio=pundit.bio,
            links="\n".join(pundit.links or []),
            version=str(pundit.version),
        )
    )
    return submit(
        form,
        lambda: services.edit_pundit(
            get_session(),
            current_actor(),
            pundit.id,
            expected_version=version_of(form),
            **_fields(form),
        ),
        _saved,
        "pundits/form.html",
        pundit=pundit,
    )
