"""Accuracy in public: the leaderboard and the phrase page."""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass

import pandas as pd
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


@dataclass(frozen=True)
class Board:
    """A board as the pages and the API show it. ``calibrated``: the rows its
    calibration glyphs are drawn from, or None where they are read per page from the
    kept rows (``glyph_rows``). ``adjusted_as_of``/``adjusted_stale``: when the
    difficulty-adjusted scores were fitted, and whether the registry changed since."""

    board: pd.DataFrame
    calibrated: pd.DataFrame | None = None
    adjusted_as_of: dt.datetime | None = None
    adjusted_stale: bool = False
    kept_glyphs: dict[str, str] | None = None  # per slug, kept glyph bins (JSON)


def board_of(filters: scores.Filters, min_n: int) -> Board:
    """The board of these filters, computed once per state of the registry. The board
    of the whole registry is read from the kept totals (a write has already updated
    them); a filtered one is computed from the kept rows."""

    def compute() -> Board:
        session = get_session()
        if filters == scores.Filters():
            if _refit_inline() and kept.refit(session):
                session.commit()
            found = kept.kept_board(session, min_n)
            if found is not None:
                return Board(
                    found.board, None, found.adjusted_as_of, found.adjusted_stale, found.glyphs
                )
        frame = kept.board_input(session, filters)
        board = scores.leaderboard_from(frame, min_n, claims.claim_counts(session))
        calibrated = frame.loc[
            (frame["final"] & (frame["kind"] == QuestionKind.BINARY.value)).to_numpy(dtype=bool),
            ["pundit_slug", "kind", "final", "probability", "outcome"],
        ]
        return Board(board, calibrated.astype({"pundit_slug": "category", "kind": "category"}))

    found = pagecache.remember("leaderboard", (filters, min_n), compute)
    if found.adjusted_stale and current_app.config.get("REFIT_IN_BACKGROUND", True):
        refit_soon()
    return found


def glyphs_of(found: Board, slugs: list[str]) -> dict[str, dict | None]:
    """The calibration glyphs of these pundits: kept with the totals, or computed from
    the board's rows."""
    if found.kept_glyphs is not None:
        return {slug: kept.glyphs_of(found.kept_glyphs.get(slug, "")) for slug in slugs}
    return scores.calibration_by_pundit(found.calibrated, slugs)


def _refit_inline() -> bool:
    """Whether a stale difficulty-adjusted fit is redone before the board is shown
    (``REFIT_INLINE``, default: under test) rather than in the background."""
    return current_app.config.get("REFIT_INLINE", current_app.testing)


_refitting = threading.Lock()


def refit_soon() -> None:
    """Fit the difficulty-adjusted scores again in a thread of this worker, once at a
    time (and, with a shared store, once across the workers); the boards show the
    previous fit, marked "as of", until it is done."""
    if not _refitting.acquire(blocking=False):
        return
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context(), pagecache.exclusive("refit") as mine:
                if mine:
                    with app.extensions["forecasts.sessions"]() as session:
                        kept.refit(session)
                        session.commit()
        except Exception:  # a failed fit leaves the previous one shown, "as of"
            app.logger.exception("fitting the difficulty-adjusted scores failed")
        finally:
            _refitting.release()

    threading.Thread(target=run, name="refit", daemon=True).start()


def board_and_calibration(filters: scores.Filters, min_n: int):
    """(board, calibration rows) of these filters; see ``board_of``."""
    found = board_of(filters, min_n)
    return found.board, found.calibrated


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
    found = board_of(filters, min_n)
    board = found.board
    ranked, unranked = scores.board_lists(board)
    ranked = ranked.sort_values(
        [sort, "pundit"], ascending=[not descending, True], na_position="last"
    )
    size = current_app.config["PAGE_SIZE"]
    shown, page, pages = _page_of(ranked, request.args.get("page", 1, type=int) or 1, size)
    unranked_shown, unranked_page, unranked_pages = _page_of(
        unranked, request.args.get("unranked_page", 1, type=int) or 1, size
    )
    slugs = list(shown["pundit"]) + list(unranked_shown["pundit"])
    glyphs = glyphs_of(found, slugs)
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
        adjusted_stale=found.adjusted_stale,
        adjusted_as_of=found.adjusted_as_of,
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
