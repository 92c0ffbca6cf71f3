"""Accuracy in public: the leaderboard and the phrase page."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template, request, url_for

from forecasts import claims, kept, queries, scores
from forecasts.errors import FieldError, ValidationError
from forecasts.models import QuestionKind
from forecasts.validation import parse_date
from web import pagecache
from web.database import get_session

blueprint = Blueprint("leaderboards", __name__)

# The columns the board sorts by, as the filter form's "Sort by" names them.
SORT_CHOICES = (
    ("rank", "rank (final forecast's Brier)"),
    ("time_averaged_brier", "time-averaged Brier"),
    ("weighted_brier", "weighted Brier (every forecast)"),
    ("adjusted_brier", "Brier adjusted for difficulty"),
    ("shrunk_brier", "shrunk Brier"),
    ("vs_reference_brier", "Brier against the reference"),
    ("peer_brier", "peer Brier"),
    ("log_score", "log score"),
    ("scorable_share", "scorable share of claims"),
    ("n", "scored forecasts"),
    ("pundit", "pundit"),
)
SORTABLE = {value for value, _ in SORT_CHOICES} | {"brier"}  # brier: the rank's order
HIGHER_IS_BETTER = {"log_score", "n", "scorable_share"}


def read_filters(args) -> tuple[scores.Filters, int, list[FieldError]]:
    """Filters from the query string; a bad value is reported (field and rule), not
    guessed. The page shows the problems; the API answers 400 with them."""
    errors: list[FieldError] = []
    values: dict = {
        "tag": (args.get("tag") or "").strip() or None,
        "kind": (args.get("kind") or "").strip() or None,
    }
    for name in ("since", "until"):
        if args.get(name):
            try:
                values[name] = parse_date(args[name], name, bounded=False)
            except ValidationError as error:
                errors.extend(error.errors)
    if values["kind"] not in (None, *QuestionKind):
        errors.append(
            FieldError("kind", f"must be binary or multiple_choice (got {values['kind']!r})")
        )
        values["kind"] = None
    min_n = current_app.config.get("LEADERBOARD_MIN_N", scores.DEFAULT_MIN_N)
    if args.get("min_n"):
        try:
            min_n = int(args["min_n"])
            if min_n < 1:
                raise ValueError
        except ValueError:
            errors.append(
                FieldError("min_n", f"must be a whole number of at least 1 (got {args['min_n']!r})")
            )
            min_n = scores.DEFAULT_MIN_N
    return scores.Filters(**values), min_n, errors


def board_and_calibration(filters: scores.Filters, min_n: int):
    """The board and the rows its calibration glyphs are drawn from, computed once per
    state of the registry for each filter."""

    def compute():
        session = get_session()
        frame = kept.board_input(session, filters)
        board = scores.leaderboard_from(frame, min_n, claims.claim_counts(session))
        calibrated = frame.loc[
            (frame["final"] & (frame["kind"] == QuestionKind.BINARY.value)).to_numpy(dtype=bool),
            ["pundit_slug", "kind", "final", "probability", "outcome"],
        ]
        return board, calibrated.astype({"pundit_slug": "category", "kind": "category"})

    return pagecache.remember("leaderboard", (filters, min_n), compute)


def standing_of(slug: str) -> scores.Standing:
    """The pundit's standing on the board the leaderboard page shows by default (no
    filters, the site's ``LEADERBOARD_MIN_N``): the same cached board, not one of their
    predictions alone."""
    min_n = current_app.config.get("LEADERBOARD_MIN_N", scores.DEFAULT_MIN_N)
    board, _ = board_and_calibration(scores.Filters(), min_n)
    return scores.pundit_standing(board, slug, min_n)


def standing_link(standing: scores.Standing) -> str:
    """The leaderboard page that lists the pundit's row (of the pages of its list), at
    the row; the first page for a pundit the board does not list."""
    if standing.place is None:
        return url_for("leaderboards.leaderboard")
    page = -(-standing.place // current_app.config["PAGE_SIZE"])
    argument = "page" if standing.rank is not None else "unranked_page"
    return url_for(
        "leaderboards.leaderboard",
        **({argument: page} if page > 1 else {}),
        _anchor=f"pundit-{standing.pundit}",
    )


def interval_axis(board) -> float:
    """The right end of the shared Brier axis the leaderboard's interval bars are drawn
    on: the highest upper bound on the whole board (every page, ranked or not) rounded up
    to the next 0.05, at least 0.3 so that 0.25 ("always 50%") is on it, at most 1."""
    highest = board["brier_ci_high"].max() if len(board) else 0.0
    if highest != highest:  # NaN: no interval on the board
        highest = 0.0
    return min(1.0, max(0.3, math.ceil(round(float(highest) * 20, 9)) / 20))


def _page_of(rows, page: int, size: int) -> tuple:
    pages = queries.page_count(len(rows), size)
    page = min(max(1, page), pages)
    return rows.iloc[(page - 1) * size : page * size], page, pages


@blueprint.get("/leaderboard")
@pagecache.reader_page
def leaderboard():
    filters, min_n, errors = read_filters(request.args)
    sort = request.args.get("sort", "rank")
    if sort not in SORTABLE:
        errors.append(
            FieldError("sort", f"must be one of {', '.join(sorted(SORTABLE))} (got {sort!r})")
        )
        sort = "rank"
    descending = request.args.get("order") == "desc"
    board, calibrated = board_and_calibration(filters, min_n)
    ranked, unranked = scores.board_lists(board)
    ranked = ranked.sort_values(
        [sort, "pundit"], ascending=[not descending, True], na_position="last"
    )
    size = current_app.config["PAGE_SIZE"]
    shown, page, pages = _page_of(ranked, request.args.get("page", 1, type=int) or 1, size)
    unranked_shown, unranked_page, unranked_pages = _page_of(
        unranked, request.args.get("unranked_page", 1, type=int) or 1, size
    )
    glyphs = scores.calibration_by_pundit(
        calibrated, list(shown["pundit"]) + list(unranked_shown["pundit"])
    )
    status = 400 if errors else 200
    return render_template(
        "leaderboards/leaderboard.html",
        ranked=shown.to_dict("records"),
        unranked=unranked_shown.to_dict("records"),
        unranked_total=len(unranked),
        unranked_page=unranked_page,
        unranked_pages=unranked_pages,
        filters=filters,
        min_n=min_n,
        sort=sort,
        sort_choices=SORT_CHOICES,
        descending=descending,
        page=page,
        pages=pages,
        errors=errors,
        glyphs=glyphs,
        axis=interval_axis(board),
        tags=pagecache.remember("tags", (), lambda: scores.tags_in_use(get_session())),
        args=request.args,
    ), status


@blueprint.get("/phrases")
@pagecache.reader_page
def phrases():
    table = pagecache.remember(
        "phrases",
        (),
        lambda: scores.phrase_table(
            scores.prediction_frame(get_session(), columns=scores.PHRASE_INPUT)
        ),
    )
    return render_template("leaderboards/phrases.html", phrases=table.to_dict("records"))
