"""Scores from the registry: which predictions count, and what they score.

A prediction is scored only when it is not retracted, its question has a standing yes /
no / option resolution (not annulled), its condition (if any) resolved the way it
needed, and it was made before its outcome became known (no look-ahead: moments are
compared when the made-at and the known-at are both moments, their days when either is
a date only; ``forecasts.scoring.look_ahead``). Everything else is kept and shown with
the reason it is not scored.

The numbers come from ``forecasts.scoring``; this module only gathers the rows. Brier
scores of multiple-choice forecasts are the multi-category Brier score halved, so that
every Brier here lies on the binary 0-1 scale (for two options the two agree exactly).
For a pundit who revised, the leaderboard scores the final forecast (the last one made
before the outcome was known) and also reports the time-averaged Brier score.

How the rows are read: a registry of a million predictions is read with plain SQL on the
session's DB-API connection (no ORM objects and no per-value type conversion), one
query per table: the predictions, then the questions, pundits and standing resolutions
they refer to, then the distributions of the scored multiple-choice forecasts. The
tables are joined with numpy, and dates and times are converted column-wise. A pundit's
or a question's frame reads its predictions through the indexes on
``predictions.pundit_id`` and ``predictions.question_id`` and the rest by id. A frame
of some columns only (the leaderboard's, ``LEADERBOARD_INPUT``) leaves the text it does
not need (quotes, phrases, scales, statements) unread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from forecasts import claims as claim_counts_of
from forecasts import moments, scoring
from forecasts.models import Tag, UTCDateTime, question_tags
from forecasts.scoring import verdict as verdicts
from forecasts.scoring.bootstrap import grouped_mean_intervals
from forecasts.scoring.calibration import grouped_calibration_bins
from forecasts.scoring.groups import factorize
from forecasts.scoring.peer import row_peer_scores
from forecasts.scoring.timeavg import grouped_time_averaged_brier

SCORED = "scored"
RETRACTED = "retracted: not scored"
LOOK_AHEAD = "made after the outcome was known: not scored"
ANNULLED = "annulled: not scored"
CONDITION_NOT_MET = "condition not met: not scored"
UNRESOLVED = "not resolved yet"
NO_DEADLINE = "no deadline given: never scored"
DEFAULT_MIN_N = 5


@dataclass(frozen=True)
class Filters:
    """Which predictions a board covers: a tag, the dates made (inclusive), a kind."""

    tag: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    kind: str | None = None


_COLUMNS = [
    "prediction_id",
    "pundit_id",
    "pundit_slug",
    "pundit_name",
    "question_id",
    "question_slug",
    "statement",
    "kind",
    "resolve_by",
    "condition_question_id",
    "condition_outcome",
    "made_at",
    "made_at_precision",
    "probability",
    "hedge_phrase",
    "probability_origin",
    "scale_name",
    "scale_version",
    "quote",
    "resolution",
    "outcome_option",
    "outcome_position",
    "known_at",
    "known_at_precision",
    "condition_resolution",
    "condition_option",
    "reference",
]
#: What a prediction frame adds to the columns read: why the row is or is not scored,
#: and its scores.
SCORE_COLUMNS = ["status", "outcome", "brier", "log_score", "final"]
# Read and built whatever the caller asked for: the scores are computed from them.
_SCORING_INPUT = [
    "prediction_id",
    "pundit_id",
    "question_id",
    "kind",
    "probability",
    "resolution",
    "outcome_position",
]
# Columns of the predictions table read only when asked for (text a board never needs).
_PREDICTION_TEXT = ["hedge_phrase", "probability_origin", "scale_name", "scale_version", "quote"]

# Status codes, in the order the reasons are tested (the first that applies wins).
_STATUSES = np.array(
    [NO_DEADLINE, UNRESOLVED, CONDITION_NOT_MET, ANNULLED, LOOK_AHEAD, SCORED, RETRACTED],
    dtype=object,
)
_NO_DEADLINE, _UNRESOLVED, _CONDITION_NOT_MET, _ANNULLED, _LOOK_AHEAD, _SCORED, _RETRACTED = range(
    7
)

# Up to this many ids, rows are read by id (IN lists of _ID_CHUNK); beyond, whole tables.
_BY_ID_LIMIT = 50_000
_ID_CHUNK = 500

_PREDICTIONS_SQL = (
    "SELECT p.id, p.pundit_id, p.question_id, p.made_at, p.probability, p.retracted_at, "
    "p.made_at_precision{texts} "
    "FROM predictions p"
)
# The slug and statement are read as NULL when not wanted; the columns keep their places.
_QUESTIONS_SQL = (
    "SELECT id, {slug}, {statement}, kind, resolve_by, condition_question_id, "
    "condition_outcome FROM questions"
)
_PUNDITS_SQL = "SELECT id, slug, name FROM pundits"
_STANDING_SQL = (
    "SELECT r.question_id, r.outcome, r.known_at, o.label, o.position, r.known_at_precision "
    "FROM resolutions r LEFT JOIN question_options o ON o.id = r.option_id "
    "WHERE r.id IN (SELECT max(s.id) FROM resolutions s{where} GROUP BY s.question_id)"
)
_REFERENCES_SQL = "SELECT question_id, at, source, probability FROM reference_forecasts{where}"
_DISTRIBUTIONS_SQL = (
    "SELECT po.prediction_id, o.position, po.probability FROM prediction_options po "
    "JOIN question_options o ON o.id = po.option_id"
)


class Reader:
    """Plain SQL on the session's DB-API connection, in the session's transaction."""

    def __init__(self, session: Session):
        if session.autoflush:  # as a query through the session would: see pending changes
            session.flush()
        connection = session.connection()
        self.dialect = connection.dialect
        self.dbapi = connection.connection  # the pool's proxy of the DB-API connection
        self.sqlite = self.dialect.name == "sqlite"
        self.mark = "?" if self.dialect.paramstyle == "qmark" else "%s"

    def rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        if self.mark != "?":
            sql = sql.replace("?", self.mark)
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def by_ids(
        self, sql: str, column: str, ids: np.ndarray, where: str = " WHERE ", order: str = ""
    ) -> list[tuple]:
        """The rows of ``sql`` whose ``column`` is one of ``ids``: by id when there are
        few, else all of them (the caller picks what it needs)."""
        if len(ids) > _BY_ID_LIMIT:
            return self.rows(sql.format(where="") + order)
        rows: list[tuple] = []
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = [int(i) for i in ids[start : start + _ID_CHUNK]]
            clause = f"{where}{column} IN ({', '.join(['?'] * len(chunk))})"
            rows.extend(self.rows(sql.format(where=clause) + order, chunk))
        return rows

    def moment(self, value: dt.datetime):
        """A time as the driver stores it (what SQLAlchemy's column type would bind)."""
        process = UTCDateTime().bind_processor(self.dialect)
        return process(value) if process else value


def prediction_frame(
    session: Session,
    filters: Filters = Filters(),
    pundit_id: int | None = None,
    question_id: int | None = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per prediction: who, what, when, the standing outcome, its status and, for
    scored rows, its Brier and log scores and whether it is the pair's final forecast.

    ``columns`` (default: all) names the columns wanted besides ``SCORE_COLUMNS``, which
    are always there: a caller that needs few (``LEADERBOARD_INPUT`` for
    ``leaderboard_from``) saves reading and building the text it would not use. The
    scores are the same whatever the columns."""
    wanted = _wanted(columns)
    reader = Reader(session)
    conditions, params = _conditions(reader, filters, pundit_id, question_id)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    texts = [name for name in _PREDICTION_TEXT if name in wanted]
    sql = _PREDICTIONS_SQL.format(texts="".join(f", p.{name}" for name in texts))
    rows = reader.rows(f"{sql}{where} ORDER BY p.id", params)
    if not rows:
        return _score_empty(pd.DataFrame([], columns=_COLUMNS))[
            [name for name in _COLUMNS if name in wanted] + SCORE_COLUMNS
        ]
    table = np.array(rows, dtype=object)
    del rows
    frame, status, made_us = _assemble(reader, table, wanted, texts)
    frame = _score(reader, frame, status, made_us)
    if len(wanted) < len(_COLUMNS):  # the scores' inputs nobody asked for go
        frame = frame[[name for name in _COLUMNS if name in wanted] + SCORE_COLUMNS]
    return frame


def _wanted(columns: Iterable[str] | None) -> set[str]:
    if columns is None:
        return set(_COLUMNS)
    wanted = {columns} if isinstance(columns, str) else set(columns)
    wanted -= set(SCORE_COLUMNS)
    unknown = sorted(wanted - set(_COLUMNS))
    if unknown:
        raise ValueError(
            f"columns: must be among {', '.join(_COLUMNS + SCORE_COLUMNS)} "
            f"(got {', '.join(map(repr, unknown))})"
        )
    return wanted


def _conditions(
    reader: Reader, filters: Filters, pundit_id: int | None, question_id: int | None
) -> tuple[list[str], list]:
    conditions: list[str] = []
    params: list = []
    if filters.tag:
        conditions.append(f"p.question_id IN {TAGGED_QUESTIONS_SQL}")
        params.append(filters.tag)
    since, until = filter_moments(filters)
    if since is not None:
        conditions.append("p.made_at >= ?")
        params.append(reader.moment(since))
    if until is not None:
        conditions.append("p.made_at < ?")
        params.append(reader.moment(until))
    if filters.kind:
        conditions.append("p.question_id IN (SELECT q.id FROM questions q WHERE q.kind = ?)")
        params.append(filters.kind)
    if pundit_id is not None:
        conditions.append("p.pundit_id = ?")
        params.append(int(pundit_id))
    if question_id is not None:
        conditions.append("p.question_id = ?")
        params.append(int(question_id))
    return conditions, params


#: The ids of the questions with a tag (one parameter: its slug), for a board's filter.
TAGGED_QUESTIONS_SQL = (
    "(SELECT qt.question_id FROM question_tags qt JOIN tags t ON t.id = qt.tag_id WHERE t.slug = ?)"
)


def filter_moments(filters: Filters) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The made-at bounds of a board's dates: from midnight UTC of ``since``, to before
    midnight after ``until`` (inclusive days); None where unbounded."""
    since = _midnight(filters.since) if filters.since else None
    until = None
    if filters.until and filters.until < dt.date.max:  # the last day bounds nothing
        until = _midnight(filters.until + dt.timedelta(days=1))
    return since, until


def as_dates(column: Sequence) -> np.ndarray:
    """Dates as the driver gives them, as the frame's ``known_at`` holds them."""
    return _dates(column)[0]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


# ------------------------------------------------------------------ joining in numpy


def _ints(column: np.ndarray) -> np.ndarray:
    return column.astype(np.int64)


def _missing(column: np.ndarray) -> np.ndarray:
    return np.equal(column, None)


def _numbers(column: np.ndarray, integer: bool = False) -> np.ndarray:
    """Numbers as pandas infers them from rows: int64 (whole numbers, none missing),
    float64 with NaN for missing, or object when every value is missing."""
    if not integer and len(column):
        values = column.astype(np.float64)  # None becomes NaN
        missing = np.isnan(values)
        if not missing.all():
            return values
        return column if _missing(column).all() else values
    missing = _missing(column)
    if missing.all():
        return column
    if not missing.any():
        return column.astype(np.int64 if integer else np.float64)
    values = np.full(len(column), np.nan)
    values[~missing] = column[~missing].astype(np.float64)
    return values


# The dtype pandas infers for a column of text (``str`` from pandas 3, object before).
_TEXT = pd.Series(np.array(["text"], dtype=object)).dtype


def _texts(values: np.ndarray, at: np.ndarray) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``values[at]`` (None where at is -1) typed as pandas infers text from rows: the
    text dtype, or object when every value is missing. The text array is built once
    from the distinct values and then taken, instead of checking every row's string."""
    padded = np.empty(len(values) + 1, dtype=object)
    padded[:-1] = values
    padded[-1] = None
    missing = _missing(padded)
    if missing[at].all():
        return padded[at]
    if isinstance(_TEXT, pd.StringDtype):
        return pd.array(padded, dtype=_TEXT).take(at)
    return padded[at]


def _dates(column: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Dates as the driver gives them (date objects, or ISO text from SQLite) as
    ``datetime.date`` objects (None when missing) and as datetime64[D] (NaT)."""
    try:
        days = np.array(column, dtype="datetime64[D]")
    except ValueError:  # text written by another tool ("2020-01-31 00:00:00"): its day
        days = np.array(
            [None if value is None else str(value)[:10] for value in column], dtype="datetime64[D]"
        )
    return days.astype(object), days


def _microseconds(reader: Reader, column: np.ndarray) -> np.ndarray:
    """Timestamps as the driver gives them (aware datetimes, or UTC text from SQLite) as
    microseconds since 1970-01-01 UTC."""
    if not len(column):
        return np.empty(0, dtype=np.int64)
    times = pd.to_datetime(column, utc=True, format="ISO8601" if reader.sqlite else None)
    return np.asarray(times.as_unit("us").asi8, dtype=np.int64)


def _whens(us: np.ndarray, by_day: np.ndarray) -> np.ndarray:
    """``forecasts.moments`` values of timestamps: a date where only the day is known,
    else an aware datetime (UTC)."""
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    values = np.empty(len(us), dtype=object)
    for i, (value, day) in enumerate(zip(us.tolist(), by_day.tolist(), strict=True)):
        moment = epoch + dt.timedelta(microseconds=value)
        values[i] = moment.date() if day else moment
    return values


def _dense(ids: np.ndarray, top: int, rows: int) -> bool:
    """Whether ids from 0 to ``top`` are few enough for a table indexed by id: cheaper
    than sorting or searching ``rows`` of them."""
    return top < max(4 * rows, 1 << 20) and (not len(ids) or ids.min() >= 0)


def _distinct(ids: np.ndarray) -> np.ndarray:
    """``np.unique`` of integer ids."""
    if len(ids) and _dense(ids, int(ids.max()), len(ids)):
        return np.flatnonzero(np.bincount(ids))
    return np.unique(ids)


def _lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each wanted key in the sorted ``keys``, or -1 if absent."""
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.intp)
    top = int(keys[-1])
    if _dense(keys, top, len(keys) + len(wanted)):
        # A table by id, with one -1 past the end for ids absent or out of range.
        table = np.full(top + 2, -1, dtype=np.intp)
        table[keys] = np.arange(len(keys))
        return table[np.clip(wanted, -1, top + 1)]
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, at, -1)


def _take(values: np.ndarray, at: np.ndarray, fill=None) -> np.ndarray:
    """values[at], with ``fill`` where at is -1."""
    padded = np.empty(len(values) + 1, dtype=values.dtype)
    padded[:-1] = values
    padded[-1] = fill
    return padded[at]


def _sorted_by_first(table: np.ndarray) -> np.ndarray:
    if not len(table):
        return table
    keys = table[:, 0].astype(np.int64)
    order = np.argsort(keys, kind="stable")
    return table if (order == np.arange(len(order))).all() else table[order]


def _table(rows: list[tuple], width: int) -> np.ndarray:
    table = np.array(rows, dtype=object) if rows else np.empty((0, width), dtype=object)
    return _sorted_by_first(table.reshape(len(rows), width))


def _assemble(
    reader: Reader, table: np.ndarray, wanted: set[str], texts: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The frame's columns (those wanted and those the scores need) from the prediction
    rows (the ``texts`` columns after the first six) and the rows they refer to;
    also each row's status code and its made-at time in microseconds."""
    prediction_id = _ints(table[:, 0])
    pundit_id = _ints(table[:, 1])
    question_id = _ints(table[:, 2])

    questions_sql = _QUESTIONS_SQL.format(
        slug="slug" if "question_slug" in wanted else "NULL",
        statement="statement" if "statement" in wanted else "NULL",
    )
    questions = _table(
        reader.by_ids(
            questions_sql + "{where}", "id", _distinct(question_id), order=" ORDER BY id"
        ),
        7,
    )
    pundits = _table(
        reader.by_ids(_PUNDITS_SQL + "{where}", "id", _distinct(pundit_id), order=" ORDER BY id"), 3
    )
    q_ids = _ints(questions[:, 0])
    q_at = _lookup(q_ids, question_id)
    p_at = _lookup(_ints(pundits[:, 0]), pundit_id)
    present = (q_at >= 0) & (p_at >= 0)
    if not present.all():  # written after this read began: left for the next read
        table, prediction_id, pundit_id, question_id, q_at, p_at = (
            table[present],
            prediction_id[present],
            pundit_id[present],
            question_id[present],
            q_at[present],
            p_at[present],
        )

    # The standing resolution of each question and of each question's condition.
    q_condition = questions[:, 5]
    has_condition = ~_missing(q_condition)
    needed = _distinct(np.concatenate([q_ids, _ints(q_condition[has_condition])]))
    standing = _table(reader.by_ids(_STANDING_SQL, "s.question_id", needed), 6)
    r_ids = _ints(standing[:, 0])
    q_res = _lookup(r_ids, q_ids)
    q_cond_res = np.full(len(q_ids), -1, dtype=np.intp)
    q_cond_res[has_condition] = _lookup(r_ids, _ints(q_condition[has_condition]))
    res_outcome, res_label = standing[:, 1], standing[:, 3]
    res_known_us = _microseconds(reader, standing[:, 2])
    res_by_day = standing[:, 5] == moments.DAY
    resolve_by, resolve_days = _dates(questions[:, 4])

    # Why a question's forecasts are not scored (before the look-ahead test per row).
    outcome = _take(res_outcome, q_res)
    resolved = ~_missing(outcome)
    condition_label = _take(res_label, q_cond_res)
    unlabelled = _missing(condition_label)
    condition_label[unlabelled] = _take(res_outcome, q_cond_res)[unlabelled]
    condition_met = ~_missing(condition_label) & (condition_label == questions[:, 6])
    question_status = np.select(
        [
            ~resolved & np.isnat(resolve_days),
            ~resolved,
            has_condition & ~condition_met,
            outcome == "annulled",
        ],
        [_NO_DEADLINE, _UNRESOLVED, _CONDITION_NOT_MET, _ANNULLED],
        default=_SCORED,
    )

    made_at = pd.to_datetime(
        table[:, 3], utc=True, format="ISO8601" if reader.sqlite else None
    ).as_unit("us")
    made_us = made_at.asi8
    row_res = q_res[q_at]
    row_cond = q_cond_res[q_at]
    status = question_status[q_at]
    made_by_day = table[:, 6] == moments.DAY
    resolved_row = row_res >= 0
    late, _ = scoring.look_ahead(
        made_us,
        made_by_day,
        np.where(resolved_row, _take(res_known_us, row_res, 0).astype(np.int64), 0),
        _take(res_by_day, row_res, False).astype(bool),
    )
    status[(status == _SCORED) & resolved_row & late] = _LOOK_AHEAD
    status[~_missing(table[:, 5])] = _RETRACTED  # whatever else holds

    text_at = {name: 7 + i for i, name in enumerate(texts)}
    builders = {
        "prediction_id": lambda: prediction_id,
        "pundit_id": lambda: pundit_id,
        "pundit_slug": lambda: _texts(pundits[:, 1], p_at),
        "pundit_name": lambda: _texts(pundits[:, 2], p_at),
        "question_id": lambda: question_id,
        "question_slug": lambda: _texts(questions[:, 1], q_at),
        "statement": lambda: _texts(questions[:, 2], q_at),
        "kind": lambda: _texts(questions[:, 3], q_at),
        "resolve_by": lambda: resolve_by[q_at],
        "condition_question_id": lambda: _numbers(q_condition[q_at], integer=True),
        "condition_outcome": lambda: _texts(questions[:, 6], q_at),
        "made_at": lambda: made_at,
        "made_at_precision": lambda: table[:, 6],
        "probability": lambda: _numbers(table[:, 4]),
        **{name: (lambda at=at: table[:, at]) for name, at in text_at.items()},
        "resolution": lambda: _texts(res_outcome, row_res),
        "outcome_option": lambda: _texts(res_label, row_res),
        "outcome_position": lambda: _numbers(_take(standing[:, 4], row_res), integer=True),
        "known_at": lambda: _take(_whens(res_known_us, res_by_day), row_res),
        "known_at_precision": lambda: _take(standing[:, 5], row_res),
        "condition_resolution": lambda: _texts(res_outcome, row_cond),
        "condition_option": lambda: _texts(res_label, row_cond),
        "reference": lambda: _standing_references(reader, question_id, made_us),
    }
    built = [name for name in _COLUMNS if name in wanted or name in _SCORING_INPUT]
    frame = pd.DataFrame({name: builders[name]() for name in built}, columns=built, copy=False)
    return frame, status, made_us


def _standing_references(
    reader: Reader, question_id: np.ndarray, made_us: np.ndarray
) -> np.ndarray:
    """Each prediction's reference: the median, over the question's reference sources,
    of each source's latest point at or before the prediction's made-at (NaN where no
    source had spoken yet, or the question has no reference series)."""
    result = np.full(len(question_id), np.nan)
    rows = reader.by_ids(_REFERENCES_SQL, "question_id", _distinct(question_id))
    if not rows:
        return result
    points = pd.DataFrame(rows, columns=["question_id", "at", "source", "probability"])
    points["at"] = pd.to_datetime(
        points["at"], utc=True, format="ISO8601" if reader.sqlite else None
    ).dt.as_unit("us")
    return _medians_standing(
        question_id,
        made_us,
        points["question_id"].to_numpy(dtype=np.int64),
        points["source"].to_numpy(dtype=object),
        points["at"].array.asi8,
        points["probability"].to_numpy(dtype=float),
    )


def _medians_standing(
    question_id: np.ndarray,
    made_us: np.ndarray,
    point_question: np.ndarray,
    point_source: np.ndarray,
    point_us: np.ndarray,
    point_value: np.ndarray,
) -> np.ndarray:
    """For each row (question, moment): the median over the question's series (one per
    source) of each series' latest value at or before the moment; NaN where none had
    one. Whole arrays at once: each row is paired with every series of its question,
    each pair finds its value by one search over all the points, and the medians are
    taken per row from the pairs sorted by value."""
    result = np.full(len(question_id), np.nan)
    series, _ = pd.factorize(pd.MultiIndex.from_arrays([point_question, point_source]))
    # Times as ranks among every time in play, so (series, time) fits one int64 key.
    times, ranks = np.unique(np.concatenate([point_us, made_us]), return_inverse=True)
    point_rank, row_rank = ranks[: len(point_us)], ranks[len(point_us) :]
    width = np.int64(len(times) + 1)
    point_key = series.astype(np.int64) * width + point_rank
    order = np.argsort(point_key, kind="stable")
    point_key, values = point_key[order], point_value[order]
    # The series of each question, and each row paired with its question's series.
    series_question = np.zeros(int(series.max()) + 1, dtype=np.int64)
    series_question[series] = point_question
    by_question = np.argsort(series_question, kind="stable")
    questions, first, count = np.unique(
        series_question[by_question], return_index=True, return_counts=True
    )
    at = np.searchsorted(questions, question_id)
    at = np.minimum(at, len(questions) - 1)
    has = questions[at] == question_id
    rows = np.flatnonzero(has)
    per_row = count[at[rows]]
    pair_row = np.repeat(rows, per_row)
    offsets = np.arange(len(pair_row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    pair_series = by_question[np.repeat(first[at[rows]], per_row) + offsets]
    wanted = pair_series.astype(np.int64) * width + row_rank[pair_row]
    found = np.searchsorted(point_key, wanted, side="right") - 1
    valid = found >= 0
    valid[valid] = point_key[found[valid]] // width == pair_series[valid]
    pair_value = np.where(valid, values[np.maximum(found, 0)], np.nan)
    keep = ~np.isnan(pair_value)
    pair_row, pair_value = pair_row[keep], pair_value[keep]
    if not len(pair_row):
        return result
    order = np.lexsort((pair_value, pair_row))
    pair_row, pair_value = pair_row[order], pair_value[order]
    row_ids, starts, counts = np.unique(pair_row, return_index=True, return_counts=True)
    low = pair_value[starts + (counts - 1) // 2]
    high = pair_value[starts + counts // 2]
    result[row_ids] = (low + high) / 2
    return result


def _score_empty(frame: pd.DataFrame) -> pd.DataFrame:
    frame["status"] = pd.Series(dtype=object)
    frame["outcome"] = np.nan
    frame["brier"] = np.nan
    frame["log_score"] = np.nan
    frame["final"] = False
    return frame


def _score(
    reader: Reader, frame: pd.DataFrame, status: np.ndarray, made_us: np.ndarray
) -> pd.DataFrame:
    frame["status"] = (
        pd.array(_STATUSES, dtype=_TEXT).take(status)
        if isinstance(_TEXT, pd.StringDtype)
        else _STATUSES[status]
    )
    n = len(frame)
    outcome, brier, log_score = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    scored = status == _SCORED
    kind = frame["kind"].to_numpy(dtype=object)
    binary = scored & (kind == "binary")
    if binary.any():
        p = frame["probability"].to_numpy()[binary].astype(float)
        o = (frame["resolution"].to_numpy(dtype=object)[binary] == "yes").astype(float)
        outcome[binary] = o
        brier[binary] = scoring.brier_score(p, o)
        log_score[binary] = scoring.log_score(p, o)
    choice = scored & (kind == "multiple_choice")
    if choice.any():
        _score_multiple_choice(reader, frame, choice, brier, log_score)
        outcome[choice] = 1.0
    frame["outcome"] = outcome
    frame["brier"] = brier
    frame["log_score"] = log_score
    frame["final"] = final_flags(
        scored, frame["pundit_id"].to_numpy(), frame["question_id"].to_numpy(), made_us
    )
    return frame


def final_flags(
    scored: np.ndarray, pundit_id: np.ndarray, question_id: np.ndarray, made_us: np.ndarray
) -> np.ndarray:
    """Which rows are final: the last scored forecast of each (pundit, question), by time
    then id (the rows are in id order): of the rows made at the pair's latest time, the
    last."""
    final = np.zeros(len(scored), dtype=bool)
    if scored.any():
        rows = np.flatnonzero(scored)
        pair, n_pairs = _pair_codes(pundit_id[rows], question_id[rows])
        made = made_us[rows]
        latest = np.full(n_pairs, np.iinfo(np.int64).min)
        np.maximum.at(latest, pair, made)
        at_latest = np.flatnonzero(made == latest[pair])
        last = np.full(n_pairs, -1, dtype=np.intp)
        np.maximum.at(last, pair[at_latest], at_latest)
        final[rows[last]] = True
    return final


def _score_multiple_choice(
    reader: Reader, frame: pd.DataFrame, rows: np.ndarray, brier: np.ndarray, log_score: np.ndarray
) -> None:
    ids = frame["prediction_id"].to_numpy()[rows]  # ascending: the frame is in id order
    entries = _table(reader.by_ids(_DISTRIBUTIONS_SQL + "{where}", "po.prediction_id", ids), 3)
    at = _lookup(ids, _ints(entries[:, 0]))
    mine = at >= 0
    at, position = at[mine], _ints(entries[mine, 1])
    happened = frame["outcome_position"].to_numpy()[rows].astype(np.int64)
    width = int(max(position.max(initial=-1), happened.max(initial=-1))) + 1
    # Options a question lacks (fewer than `width`) get probability 0: no effect on scores.
    matrix = np.zeros((len(ids), width))
    matrix[at, position] = entries[mine, 2].astype(float)
    brier[rows] = scoring.multi_brier_score(matrix, happened) / 2
    log_score[rows] = scoring.multi_log_score(matrix, happened)
    frame.loc[rows, "probability"] = matrix[np.arange(len(ids)), happened]


# ------------------------------------------------------------------------ summaries


def leaderboard(
    session: Session, filters: Filters = Filters(), min_n: int = DEFAULT_MIN_N
) -> pd.DataFrame:
    """One row per pundit with scored forecasts: rank (None below ``min_n``), n, mean
    Brier with its 95% bootstrap interval, log score, peer scores, time-averaged Brier."""
    from forecasts import kept  # the kept rows, when the database has them

    if filters == Filters():
        found = kept.kept_board(session, min_n, fresh=True)
        if found is not None:
            return found.board
    return leaderboard_from(
        kept.board_input(session, filters), min_n, claim_counts_of.claim_counts(session)
    )


#: The columns of a prediction frame that ``leaderboard_from`` reads (besides
#: ``SCORE_COLUMNS``): ``prediction_frame(..., columns=LEADERBOARD_INPUT)`` is enough.
LEADERBOARD_INPUT = [
    "pundit_id",
    "pundit_slug",
    "pundit_name",
    "question_id",
    "kind",
    "made_at",
    "probability",
    "known_at",
    "reference",
]


LEADERBOARD_COLUMNS = [
    "rank",
    "pundit",
    "name",
    "n",
    "brier",
    "brier_ci_low",
    "brier_ci_high",
    "log_score",
    "peer_brier",
    "peer_log",
    "n_peer",
    "time_averaged_brier",
    "rank_low",
    "rank_high",
    "adjusted_brier",
    "shrunk_brier",
    "n_reference",
    "vs_reference_brier",
    "vs_reference_ci_low",
    "vs_reference_ci_high",
    "weighted_brier",
    *claim_counts_of.CLAIM_COLUMNS,
]


def leaderboard_from(
    frame: pd.DataFrame, min_n: int = DEFAULT_MIN_N, claims: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The board of ``frame``'s scored forecasts (``LEADERBOARD_COLUMNS``). ``claims``
    (``forecasts.claims.claim_counts``) gives each pundit's count of logged claims and
    their scorable share; without it those columns are empty.

    Made in three steps, each of which ``forecasts.kept`` keeps: what each final forecast
    brings (``row_statistics``, local to its question), each pundit's totals of those
    (``pundit_statistics``, local to the pundit), and the board from the totals
    (``board_from_statistics``: ranks, shrinkage, and the difficulty-adjusted fit,
    the one step that reads every pundit at once)."""
    if not len(frame) or not frame["final"].any():
        return pd.DataFrame(columns=LEADERBOARD_COLUMNS)
    frame = frame.assign(**row_statistics(frame))
    return board_from_statistics(pundit_statistics(frame), min_n, claims, adjusted_by_pundit(frame))


#: What each final forecast brings to its pundit's board row besides its Brier and log
#: score, each depending on its own question's forecasts only: its peer scores against
#: the question's other forecasters, its (pundit, question) pair's time-averaged Brier
#: and mean Brier over every scored forecast (the weighted score), and its Brier minus
#: the reference's standing when it was made. NaN on rows that are not final.
ROW_STATISTICS = ["peer_brier", "peer_log", "time_averaged", "pair_brier", "vs_reference_brier"]


def row_statistics(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """``ROW_STATISTICS`` of each row of ``frame``, as arrays in its row order."""
    n = len(frame)
    out = {name: np.full(n, np.nan) for name in ROW_STATISTICS}
    final = frame["final"].to_numpy(dtype=bool) if n else np.zeros(0, dtype=bool)
    if not final.any():
        return out
    rows = np.flatnonzero(final)
    brier = frame["brier"].to_numpy(dtype=float)
    q_codes, q_names = factorize(frame["question_id"].to_numpy()[rows], "question")
    out["peer_brier"][rows], out["peer_log"][rows] = row_peer_scores(
        q_codes, len(q_names), brier[rows], frame["log_score"].to_numpy(dtype=float)[rows]
    )
    # Per (pundit, question) pair, onto the pair's final row (every pair with a scored
    # forecast has exactly one).
    pundit = frame["pundit_id"].to_numpy(dtype=np.int64)
    question = frame["question_id"].to_numpy(dtype=np.int64)
    width = int(question.max()) + 1
    final_keys = pd.Index(pundit[rows] * width + question[rows])
    pair_pundit, pair_question, averaged = _time_averaged_pairs(frame)
    if len(averaged):
        at = final_keys.get_indexer(pair_pundit * width + pair_question)
        out["time_averaged"][rows[at]] = averaged
    scored = np.flatnonzero(np.equal(frame["status"].to_numpy(dtype=object), SCORED))
    keys = pundit[scored] * width + question[scored]
    pair_mean = pd.Series(brier[scored]).groupby(keys, sort=False).mean()
    out["pair_brier"][rows] = pair_mean.reindex(final_keys).to_numpy()
    if "reference" in frame:
        pick = final & frame["reference"].notna().to_numpy()
        pick &= np.equal(frame["kind"].to_numpy(dtype=object), "binary")
        if pick.any():
            out["vs_reference_brier"][pick], _ = scoring.scores_against_reference(
                frame["probability"].to_numpy(dtype=float)[pick],
                frame["reference"].to_numpy(dtype=float)[pick],
                frame["outcome"].to_numpy(dtype=float)[pick],
            )
    return out


#: Each pundit's totals of their final forecasts, all a board needs of them.
#: ``brier_ss`` is the sum of squared deviations of their Brier scores from their mean
#: (for the shrunk mean).
STATISTICS_COLUMNS = [
    "pundit_id",
    "pundit",
    "name",
    "n",
    "brier",
    "brier_ci_low",
    "brier_ci_high",
    "brier_ss",
    "log_score",
    "n_peer",
    "peer_brier",
    "peer_log",
    "time_averaged_brier",
    "n_reference",
    "vs_reference_brier",
    "vs_reference_ci_low",
    "vs_reference_ci_high",
    "weighted_brier",
]


def pundit_statistics(frame: pd.DataFrame) -> pd.DataFrame:
    """``STATISTICS_COLUMNS``, one row per pundit with a final forecast in ``frame``
    (which holds ``ROW_STATISTICS``), in order of first appearance. A pundit's row
    depends on their own rows alone (in their order): the totals of some pundits are
    the same computed from their rows only."""
    final = frame.loc[frame["final"].to_numpy(dtype=bool)]
    if not len(final):
        return pd.DataFrame(columns=STATISTICS_COLUMNS)
    codes, ids = factorize(final["pundit_id"].to_numpy(dtype=np.int64), "pundit")
    first = _first_of(codes)
    P = len(ids)
    brier = final["brier"].to_numpy(dtype=float)
    n, mean, low, high = grouped_mean_intervals(brier, codes, P)
    stats = pd.DataFrame(
        {
            "pundit_id": np.asarray(ids, dtype=np.int64),
            "pundit": final["pundit_slug"].to_numpy(dtype=object)[first],
            "name": final["pundit_name"].to_numpy(dtype=object)[first],
            "n": n.astype(np.int64),
            "brier": mean,
            "brier_ci_low": low,
            "brier_ci_high": high,
            "brier_ss": np.bincount(codes, weights=(brier - mean[codes]) ** 2, minlength=P),
            "log_score": np.bincount(codes, weights=final["log_score"].to_numpy(), minlength=P) / n,
        }
    )
    for name, column in (("peer_brier", "peer_brier"), ("peer_log", "peer_log")):
        stats[name] = _group_mean(final[column].to_numpy(dtype=float), codes, P)[1]
    stats["n_peer"] = _group_mean(final["peer_brier"].to_numpy(dtype=float), codes, P)[0]
    stats["time_averaged_brier"] = _group_mean(
        final["time_averaged"].to_numpy(dtype=float), codes, P
    )[1]
    vs = final["vs_reference_brier"].to_numpy(dtype=float)
    given = ~np.isnan(vs)
    ref_n, ref_mean, ref_low, ref_high = grouped_mean_intervals(vs[given], codes[given], P)
    stats["n_reference"] = ref_n.astype(np.int64)
    stats["vs_reference_brier"] = ref_mean
    stats["vs_reference_ci_low"] = ref_low
    stats["vs_reference_ci_high"] = ref_high
    stats["weighted_brier"] = _group_mean(final["pair_brier"].to_numpy(dtype=float), codes, P)[1]
    return stats[STATISTICS_COLUMNS]


def _group_mean(values: np.ndarray, codes: np.ndarray, groups: int) -> tuple:
    """Per group: the count of the values given (not NaN) and their mean (NaN if none)."""
    given = ~np.isnan(values)
    count = np.bincount(codes[given], minlength=groups)
    total = np.bincount(codes[given], weights=values[given], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return count.astype(np.int64), total / count


def adjusted_by_pundit(frame: pd.DataFrame) -> pd.Series:
    """Per pundit id, the difficulty-adjusted Brier of their final forecasts
    (``scoring.adjusted_scores``: skill beside the questions' difficulty, fitted on every
    pundit's forecasts at once)."""
    final = frame.loc[frame["final"].to_numpy(dtype=bool)]
    if not len(final):
        return pd.Series(dtype=float)
    codes, ids = factorize(final["pundit_id"].to_numpy(dtype=np.int64), "pundit")
    q_codes, _ = factorize(final["question_id"].to_numpy(), "question")
    fitted = scoring.adjusted_scores(
        final["brier"].to_numpy(dtype=float), codes, q_codes, n_resamples=0
    ).set_index("pundit")["adjusted"]
    return pd.Series(
        fitted.reindex(range(len(ids))).to_numpy(), index=np.asarray(ids, dtype=np.int64)
    )


def board_from_statistics(
    stats: pd.DataFrame,
    min_n: int = DEFAULT_MIN_N,
    claims: pd.DataFrame | None = None,
    adjusted: pd.Series | None = None,
) -> pd.DataFrame:
    """The board (``LEADERBOARD_COLUMNS``) from each pundit's totals
    (``pundit_statistics``), the claim counts, and the difficulty-adjusted Brier per
    pundit id (``adjusted_by_pundit``; missing: NaN)."""
    if not len(stats):
        return pd.DataFrame(columns=LEADERBOARD_COLUMNS)
    board = stats.reset_index(drop=True).copy()
    board["adjusted_brier"] = (
        board["pundit_id"].map(adjusted).to_numpy(dtype=float) if adjusted is not None else np.nan
    )
    # Each mean pulled towards the board's by its record's size.
    board["shrunk_brier"], _ = scoring.shrunk_from_statistics(
        board["n"].to_numpy(), board["brier"].to_numpy(), board["brier_ss"].to_numpy()
    )
    # Equal means rank equal: compared to 12 places, not to the last bit of a float.
    board["_key"] = board["brier"].round(12)
    board = board.sort_values(["_key", "pundit"]).reset_index(drop=True)
    ranked = (board["n"] >= min_n).to_numpy()
    board["rank"] = pd.array([None] * len(board), dtype="Int64")
    board.loc[ranked, "rank"] = board.loc[ranked, "_key"].rank(method="min").astype("Int64")
    board["rank_low"] = pd.array([None] * len(board), dtype="Int64")
    board["rank_high"] = pd.array([None] * len(board), dtype="Int64")
    if ranked.any():
        low, high = _rank_interval(
            board.loc[ranked, "brier"].to_numpy(),
            board.loc[ranked, "brier_ci_low"].to_numpy(),
            board.loc[ranked, "brier_ci_high"].to_numpy(),
        )
        board.loc[ranked, "rank_low"] = low
        board.loc[ranked, "rank_high"] = high
    if claims is None:
        claims = pd.DataFrame(columns=claim_counts_of.CLAIM_COLUMNS)
    board = claim_counts_of.with_claim_counts(board, claims)
    return board[LEADERBOARD_COLUMNS]


def line_scores(frame: pd.DataFrame) -> dict[int, dict]:
    """Per prediction id, what its line on a page says: ``status``, ``brier``,
    ``log_score``, ``final``, and for a scored binary forecast made while a reference
    stood, that ``reference`` and ``vs_reference_brier`` (the forecast's Brier minus the
    reference's; negative: it beat the market or crowd), else None."""
    table = frame.set_index("prediction_id")[["status", "brier", "log_score", "final"]].copy()
    table["reference"] = table["vs_reference_brier"] = np.nan
    if "reference" in frame and len(frame):
        pick = (
            (frame["status"] == SCORED).to_numpy()
            & (frame["kind"] == "binary").to_numpy()
            & frame["reference"].notna().to_numpy()
        )
        if pick.any():
            rows = frame.loc[pick]
            brier, _ = scoring.scores_against_reference(
                rows["probability"].to_numpy(),
                rows["reference"].to_numpy(),
                rows["outcome"].to_numpy(),
            )
            table.loc[rows["prediction_id"].to_numpy(), "reference"] = rows["reference"].to_numpy()
            table.loc[rows["prediction_id"].to_numpy(), "vs_reference_brier"] = brier
    return {
        key: {name: _plain(value) for name, value in row.items()}
        for key, row in table.astype(object).to_dict("index").items()
    }


def _rank_interval(
    mean: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each ranked pundit's range of ranks the intervals allow: at best 1 + the number
    of pundits whose interval lies wholly below theirs (``scoring.honest_ranks``); at
    worst the number whose interval does not lie wholly above theirs (themselves
    included). Pundits whose intervals overlap share each other's ranks."""
    best = scoring.honest_ranks(mean, low, high)
    lows = np.sort(np.where(np.isnan(low), mean, low))
    tops = np.where(np.isnan(high), mean, high)
    worst = np.searchsorted(lows, tops + scoring.skill.RANK_TOLERANCE, "right")
    return best, np.maximum(worst, best)


def board_lists(board: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A board's two lists as the leaderboard shows them: the ranked pundits by rank
    (then slug), and the pundits not ranked yet by scored forecasts, most first (then
    slug)."""
    ranked = board[board["rank"].notna()].sort_values(["rank", "pundit"])
    unranked = board[board["rank"].isna()].sort_values(["n", "pundit"], ascending=[False, True])
    return ranked, unranked


# What a leaderboard row says of its pundit besides who they are.
_ROW_NUMBERS = [name for name in LEADERBOARD_COLUMNS if name not in ("pundit", "name")]
#: A pundit's standing (``pundit_standing``), field by field as the API gives it: the
#: pundit's leaderboard row without the slug and name, the board's ``min_n``, and how
#: many pundits the board ranks.
STANDING_FIELDS = [*_ROW_NUMBERS, "min_n", "ranked_pundits"]


@dataclass(frozen=True)
class Standing:
    """One pundit's row of a leaderboard, and where it puts them.

    The numbers are the board's (``LEADERBOARD_COLUMNS``): ``rank`` is None below
    ``min_n`` scored forecasts, ``n_peer`` counts the questions shared with another
    pundit on the board (the peer scores' questions). A pundit with no scored forecast
    on the board has ``n`` and ``n_peer`` 0 and no scores. ``place`` is the 1-based
    position of the pundit in the board's list they are in (``board_lists``: ranked,
    or not ranked yet), which the leaderboard pages through."""

    pundit: str
    min_n: int
    ranked_pundits: int
    place: int | None
    rank: int | None = None
    n: int = 0
    brier: float | None = None
    brier_ci_low: float | None = None
    brier_ci_high: float | None = None
    log_score: float | None = None
    peer_brier: float | None = None
    peer_log: float | None = None
    n_peer: int = 0
    time_averaged_brier: float | None = None
    n_reference: int = 0
    vs_reference_brier: float | None = None
    vs_reference_ci_low: float | None = None
    vs_reference_ci_high: float | None = None
    weighted_brier: float | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    adjusted_brier: float | None = None
    shrunk_brier: float | None = None
    n_claims: int | None = None
    n_unscorable: int | None = None
    scorable_share: float | None = None

    def as_dict(self) -> dict:
        """The fields of ``STANDING_FIELDS``, as plain values for JSON."""
        return {name: getattr(self, name) for name in STANDING_FIELDS}


def pundit_standing(board: pd.DataFrame, slug: str, min_n: int = DEFAULT_MIN_N) -> Standing:
    """The standing of the pundit ``slug`` on ``board`` (``leaderboard_from(frame, min_n)``
    of every pundit's predictions, not of theirs alone: rank and peer scores depend on
    the others). Reads the board without sorting it: its rows are in order of Brier,
    then slug, which is the ranked list's order (equal Brier, equal rank)."""
    slugs = board["pundit"].to_numpy(dtype=object)
    is_ranked = board["rank"].notna().to_numpy(dtype=bool)
    ranked_pundits = int(is_ranked.sum())
    at = np.flatnonzero(slugs == slug)
    if not len(at):
        return Standing(pundit=slug, min_n=min_n, ranked_pundits=ranked_pundits, place=None)
    i = int(at[0])
    (row,) = records(board.iloc[[i]])
    if is_ranked[i]:
        place = int(is_ranked[:i].sum()) + 1
    else:  # among the unranked, by n (most first), then slug
        n = board["n"].to_numpy()
        others = ~is_ranked
        ahead = (n > n[i]) | ((n == n[i]) & (slugs < slug))
        place = int((others & ahead).sum()) + 1
    numbers = {name: row[name] for name in _ROW_NUMBERS}
    return Standing(pundit=slug, min_n=min_n, ranked_pundits=ranked_pundits, place=place, **numbers)


_NO_PAIRS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))


def _time_averaged_pairs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (pundit id, question id) pair: the time-averaged Brier of its binary forecasts
    standing before the outcome became known (three arrays: pundit, question, score)."""
    mask = np.equal(frame["status"].to_numpy(dtype=object), SCORED) & np.equal(
        frame["kind"].to_numpy(dtype=object), "binary"
    )
    if not mask.any():
        return _NO_PAIRS
    # The time average counts whole days: a forecast made on the day the outcome became
    # known (before that moment) stands for none, so it is left out of this score only.
    rows = np.flatnonzero(mask)
    by_question, _ = pd.factorize(frame["question_id"].to_numpy()[rows])
    known_on = _day_numbers(frame["known_at"].to_numpy()[rows][_first_of(by_question)])
    made_on = pd.DatetimeIndex(frame["made_at"].array[rows]).as_unit("us").asi8 // 86_400_000_000
    mask[rows[made_on >= known_on[by_question]]] = False
    if not mask.any():
        return _NO_PAIRS
    pundit = frame["pundit_id"].to_numpy()[mask]
    question = frame["question_id"].to_numpy()[mask]
    # (pundit, question) pairs, numbered in order of first appearance.
    pair, n_pairs = _pair_codes(pundit, question)
    first = _first_of(pair)
    made_at = pd.DatetimeIndex(frame["made_at"].array[mask])  # UTC: asi8 counts from epoch
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, made_at.unit))
    # outcome is the same on every row of a pair, known_at on every row of a question:
    # each pair's first, and each question's date converted once.
    questions, _ = pd.factorize(question[first])
    known_day = _day_numbers(frame["known_at"].to_numpy()[mask][first[_first_of(questions)]])
    score, _, _ = grouped_time_averaged_brier(
        pair,
        n_pairs,
        made_at.asi8,
        made_at.asi8 // per_day,
        frame["probability"].to_numpy(dtype=float)[mask],
        frame["outcome"].to_numpy(dtype=float)[mask][first],
        known_day[questions],
    )
    return pundit[first].astype(np.int64), question[first].astype(np.int64), score


def _first_of(codes: np.ndarray) -> np.ndarray:
    """The position of each code's first row (codes 0 .. k-1, every one present)."""
    first = np.full(int(codes.max()) + 1, len(codes), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def _pair_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of the (a, b) pairs of non-negative integers, in order of first appearance,
    and how many there are."""
    width = int(b.max()) + 1
    if int(a.max()) < np.iinfo(np.int64).max // width - 1:
        key = a.astype(np.int64) * width + b  # one integer per pair: cheaper to hash
        codes, uniques = pd.factorize(key)
    else:
        codes, uniques = pd.MultiIndex.from_arrays([a, b]).factorize()
    return np.asarray(codes, dtype=np.intp), len(uniques)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _day_numbers(dates: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of ``datetime.date`` objects (numpy's conversion of date
    objects to datetime64 is many times slower)."""
    try:
        ordinals = np.fromiter((date.toordinal() for date in dates), np.int64, len(dates))
    except AttributeError:  # not dates (None, text): numpy's conversion
        return np.array(dates, dtype="datetime64[D]").astype(np.int64)
    return ordinals - _EPOCH_ORDINAL


def _final_binary(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Probabilities and outcomes of the final binary forecasts, or None if none."""
    rows = frame[frame["final"] & (frame["kind"] == "binary")] if len(frame) else frame
    if rows.empty:
        return None
    return rows["probability"].to_numpy(dtype=float), rows["outcome"].to_numpy(dtype=float)


def calibration(frame: pd.DataFrame, bins: int = scoring.DEFAULT_BINS) -> dict | None:
    """Calibration table and Murphy decomposition of the final binary forecasts."""
    final = _final_binary(frame)
    if final is None:
        return None
    p, o = final
    return {
        "table": scoring.calibration_table(p, o, bins),
        "decomposition": scoring.murphy_decomposition(p, o, bins),
    }


def corp_calibration(frame: pd.DataFrame) -> dict | None:
    """Calibration without bins (CORP) of the final binary forecasts: the isotonic
    fit's terms, each with its interval, and the reliability diagram with its band."""
    final = _final_binary(frame)
    if final is None:
        return None
    p, o = final
    return {
        "decomposition": scoring.corp_decomposition(p, o, n_resamples=CORP_RESAMPLES),
        "reliability": scoring.corp_reliability(p, o, n_resamples=CORP_RESAMPLES),
    }


#: Resamples behind a pundit page's CORP intervals and consistency band.
CORP_RESAMPLES = 300


def calibration_by_pundit(
    frame: pd.DataFrame, slugs: Iterable[str], bins: int = scoring.DEFAULT_BINS
) -> dict[str, dict | None]:
    """The calibration glyph of each named pundit: for each slug, ``{"bins": [...]}``,
    the non-empty bins of ``calibration(frame[frame["pundit_slug"] == slug])``'s table
    as dicts of ``n``, ``mean_forecast`` and ``observed_frequency`` (None when the
    pundit has no final binary forecast), from one pass over the frame."""
    result: dict[str, dict | None] = dict.fromkeys(slugs)
    if not len(frame) or not result:
        return result
    mask = (frame["final"] & (frame["kind"] == "binary")).to_numpy(dtype=bool)
    rows = frame.loc[mask, ["pundit_slug", "probability", "outcome"]]
    rows = rows[rows["pundit_slug"].isin(list(result)).to_numpy()]
    if not len(rows):
        return result
    codes, names = pd.factorize(rows["pundit_slug"].to_numpy(dtype=object))
    group, _, n, mean, observed = grouped_calibration_bins(
        rows["probability"].to_numpy(dtype=float),
        rows["outcome"].to_numpy(dtype=float),
        codes,
        len(names),
        bins,
    )
    for code, slug in enumerate(names):
        at = np.flatnonzero(group == code)
        result[slug] = {
            "bins": [
                {
                    "n": int(n[i]),
                    "mean_forecast": float(mean[i]),
                    "observed_frequency": float(observed[i]),
                }
                for i in at
            ]
        }
    return result


#: The columns ``phrase_table`` reads besides the scores.
PHRASE_INPUT = ["hedge_phrase", "kind", "probability"]
PHRASE_COLUMNS = [
    "hedge_phrase",
    "n",
    "n_scored",
    "mean_probability",
    "came_true",
    "observed_frequency",
    "ci_low",
    "ci_high",
]


def phrase_table(frame: pd.DataFrame) -> pd.DataFrame:
    """What the words turned out to mean: per hedge phrase, how often it was used, the
    probability it was mapped to, and how often the forecasts (final, binary) came true,
    with that frequency's Wilson 95% interval."""
    rows = (
        frame[(frame["hedge_phrase"].fillna("") != "") & (frame["kind"] == "binary")]
        if len(frame)
        else frame
    )
    if rows.empty:
        return pd.DataFrame(columns=PHRASE_COLUMNS)
    phrase = rows["hedge_phrase"].str.strip().str.lower()
    scored = rows[rows["final"]]
    scored_phrase = phrase[rows["final"]]
    table = pd.DataFrame(
        {
            "n": phrase.value_counts(),
            "mean_probability": rows.groupby(phrase)["probability"].mean(),
            "n_scored": scored.groupby(scored_phrase).size(),
            "came_true": scored.groupby(scored_phrase)["outcome"].sum(),
        }
    ).fillna({"n_scored": 0, "came_true": 0})
    table["observed_frequency"] = table["came_true"] / table["n_scored"].where(
        table["n_scored"] > 0
    )
    # How sure "came true k of n" is: the Wilson 95% interval (NaN with none scored).
    table["ci_low"], table["ci_high"] = scoring.wilson_interval(
        table["came_true"].to_numpy(), table["n_scored"].to_numpy()
    )
    table = table.rename_axis("hedge_phrase").reset_index()
    table[["n", "n_scored", "came_true"]] = table[["n", "n_scored", "came_true"]].astype(int)
    return table.sort_values(["mean_probability", "hedge_phrase"])[PHRASE_COLUMNS]


def _percent(value: float) -> str:
    """0.0945 -> '9.5%', 0.5 -> '50%': one decimal, only when it says something."""
    text = f"{value * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _forecasts(n: int) -> str:
    return f"{n} forecast{'s' if n != 1 else ''}"


def _bin_words(row) -> str:
    """'said 90%, happened 50% of the time (2 forecasts in the 90%–100% bin; 95%
    interval 9.5%–90.5%)'."""
    return (
        f"said {_percent(row['mean_forecast'])}, happened {_percent(row['observed_frequency'])}"
        f" of the time ({_forecasts(int(row['n']))} in the {row['bin_lower']:.0%}–"
        f"{row['bin_upper']:.0%} bin; 95% interval {_percent(row['ci_low'])}–"
        f"{_percent(row['ci_high'])})"
    )


def _worst(bins: pd.DataFrame) -> pd.Series:
    """The bin whose gap weighs most in the Brier score's reliability term."""
    gap = bins["mean_forecast"] - bins["observed_frequency"]
    return bins.loc[(bins["n"] * gap**2).idxmax()]


def calibration_words(result: dict | None) -> list[str]:
    """The calibration verdict (``scoring.calibration_verdict``) and the Murphy
    decomposition in plain words, for a pundit page. Over- and under-forecasting (too
    high or too low on average) are told apart from over- and under-confidence (too
    far from or too close to 50%), and neither is claimed where the Wilson interval of
    what happened contains what was said: that is "too few to tell"."""
    if result is None:
        return ["No resolved binary forecasts yet, so no calibration to show."]
    table, terms = result["table"], result["decomposition"]
    verdict = scoring.calibration_verdict(table)
    bins = verdict.bins
    words = []
    if verdict.bias == verdict.confidence == verdicts.TOO_FEW:
        if terms.reliability < 0.005:
            words.append(
                f"Well calibrated as far as {_forecasts(verdict.n)} can tell: in every bin, "
                "what happened is within chance of what was said."
            )
        else:
            worst = _worst(bins)
            words.append(
                "Too few to tell: in no bin does what happened differ from what was said "
                f"by more than chance. The largest gap: {_bin_words(worst)}, an interval "
                f"that contains {_percent(worst['mean_forecast'])}."
            )
    else:
        average = (
            f"said {_percent(verdict.mean_forecast)} on average, happened "
            f"{_percent(verdict.observed_frequency)} of the time ({_forecasts(verdict.n)}; "
            f"95% interval {_percent(verdict.ci_low)}–{_percent(verdict.ci_high)})"
        )
        if verdict.bias == verdicts.OVER_FORECASTING:
            words.append(f"Over-forecasting: the forecasts were too high: {average}.")
        elif verdict.bias == verdicts.UNDER_FORECASTING:
            words.append(f"Under-forecasting: the forecasts were too low: {average}.")
        else:
            words.append(f"Neither too high nor too low on average: {average}.")
        telling = bins[bins["telling"]]
        if verdict.confidence == verdicts.OVER_CONFIDENT:
            words.append(f"Over-confident: too far from 50%: {_bin_words(_worst(telling))}.")
        elif verdict.confidence == verdicts.UNDER_CONFIDENT:
            words.append(f"Under-confident: too close to 50%: {_bin_words(_worst(telling))}.")
        elif verdict.confidence == verdicts.MIXED:
            parts = "; ".join(
                f"{row['direction']} in the {row['bin_lower']:.0%}–{row['bin_upper']:.0%} bin"
                for _, row in telling.iterrows()
            )
            words.append(f"Not simply over- or under-confident: {parts}.")
        else:
            words.append(
                "Too few to tell whether over- or under-confident: in every bin the 95% "
                "interval of what happened contains what was said."
            )
    words.append(
        f"Brier {terms.brier:.3f} = reliability {terms.reliability:.3f} (lower is better) "
        f"- resolution {terms.resolution:.3f} (higher is better) + uncertainty "
        f"{terms.uncertainty:.3f} (the difficulty of the questions) + within-bin "
        f"{terms.within_bin:.3f}."
    )
    return words


REGISTRY_STAMP_SQL = (
    "SELECT (SELECT max(id) FROM audit_events), "
    "(SELECT max(id) FROM predictions), (SELECT max(id) FROM resolutions)"
)


def registry_stamp(session: Session) -> tuple:
    """A cheap value that changes whenever a score can: the latest audit event (every
    change through the services, an import or a demo writes one in its transaction) and
    the latest prediction and resolution. Three primary-key lookups; a cache of pages or
    boards keyed on it is never stale after a change made through the registry. (The
    same query, ``REGISTRY_STAMP_SQL``, runs on a bare DB-API cursor too.)"""
    return tuple(session.execute(text(REGISTRY_STAMP_SQL)).one())


def tags_in_use(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Tag.slug)
            .join(question_tags, question_tags.c.tag_id == Tag.id)
            .distinct()
            .order_by(Tag.slug)
        )
    )


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values for JSON: full float precision, NaN and NA as None."""
    rows = []
    for row in frame.astype(object).to_dict("records"):
        rows.append({key: _plain(value) for key, value in row.items()})
    return rows


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
