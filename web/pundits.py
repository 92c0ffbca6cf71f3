"""Pundits: the list, a pundit's page, and the create and edit forms."""

from __future__ import annotations

from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    flash,
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


def _page_stamp(slug: str):
    """What the pundit's page shows changes only with this (``forecasts.pagestamps``):
    their own rows and scores, their standing on the board, the demo banner."""
    session = get_session()
    found = pagestamps.pundit_stamp(session, slug)
    if found is None:
        return None
    return found, leaderboards.standing_of(slug), has_demo_data(session)


@blueprint.get("/<slug>")
@pagecache.reader_page(stamp=_page_stamp)
def show(slug: str):
    session = get_session()
    pundit = queries.pundit_by_slug(session, slug) or moved("pundit", slug)
    listing = current_page(
        lambda page, size: queries.pundit_predictions(session, pundit.id, page, size)
    )
    predictions = listing.items
    # Rank and peer scores from the leaderboard's own board; calibration and phrases
    # from the pundit's predictions alone.
    standing = leaderboards.standing_of(pundit.slug)
    frame = scores.prediction_frame(session, pundit_id=pundit.id)
    result = scores.calibration(frame)
    corp = scores.corp_calibration(frame)
    on_page = frame[frame["prediction_id"].isin([p.id for p in predictions])]
    counts = claims.claim_counts(session, pundit.id)
    claim_count = scores.records(counts)[0] if len(counts) else None
    return render_template(
        "pundits/show.html",
        pundit=pundit,
        predictions=predictions,
        **listing.numbers(),
        standing=standing,
        standing_link=leaderboards.standing_link(standing),
        scored=scores.line_scores(on_page),
        chart=charts.calibration_svg(result["table"] if result else None),
        corp=corp,
        reliability=svgcharts.reliability_svg(corp["reliability"]) if corp else None,
        words=scores.calibration_words(result),
        calibration=result,
        phrases=scores.phrase_table(frame).to_dict("records"),
        claims=claim_count,
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
