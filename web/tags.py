"""A tag's page: its questions, and the leaderboard of its questions alone."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for

from forecasts import queries, scores
from web import pagecache
from web.database import get_session
from web.leaderboards import board_and_calibration
from web.paging import current_page

blueprint = Blueprint("tags", __name__, url_prefix="/tags")

BOARD_ROWS = 10  # the tag page shows the top of its board; the leaderboard has the rest


@blueprint.get("/<slug>")
@pagecache.reader_page
def show(slug: str):
    session = get_session()
    tag = queries.tag_by_slug(session, slug) or abort(404)
    listing = current_page(
        lambda page, size: queries.filtered_question_page(session, page, size, tag=tag.slug)
    )
    min_n = current_app.config.get("LEADERBOARD_MIN_N", scores.DEFAULT_MIN_N)
    board, _ = board_and_calibration(scores.Filters(tag=tag.slug), min_n)
    ranked, unranked = scores.board_lists(board)
    return render_template(
        "tags/show.html",
        tag=tag,
        questions=listing.items,
        summaries=queries.forecast_summaries(session, [q.id for q in listing.items], latest=0),
        **listing.numbers(),
        ranked=ranked.head(BOARD_ROWS).to_dict("records"),
        ranked_total=len(ranked),
        unranked_total=len(unranked),
        min_n=min_n,
        board_link=url_for("leaderboards.leaderboard", tag=tag.slug),
    )
