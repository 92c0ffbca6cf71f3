"""Time-averaged Brier score of a forecaster who revised (Good Judgment Open style).

Day convention
--------------
Times are reduced to calendar days (``made_at`` and ``known_at`` are floored to
their date; time-zone-aware timestamps are first converted to UTC). Let
``first_day`` be the day of the forecaster's first forecast on the question and
``known_day`` the day the outcome became known. The scored days are

    d = first_day, first_day + 1, ..., known_day - 1      (known_day excluded)

and on day d the *standing* forecast is the latest one made on or before day d
(by full timestamp; for equal timestamps, the later row of the input). A
forecast made on the same day as a later one on that day therefore never
stands. The time-averaged Brier score is the mean over the scored days::

    TA = (1 / D) sum_{d} (p_standing(d) - o)^2,   D = known_day - first_day

Forecasts made on or after ``known_day`` would be scored with hindsight; they
are refused with an error (no look-ahead: the caller must leave them out).

Range 0 to 1; lower is better, as for the Brier score (Brier 1950).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .validate import (
    InvalidInput,
    _original,
    as_outcomes,
    as_probabilities,
    check_same_length,
)

_NS_PER_DAY = 86_400 * 10**9


def _timestamps(values: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Nanosecond timestamps (UTC for aware input) and day numbers of *values*."""
    scalar = np.ndim(values) == 0 and not isinstance(values, pd.Series | pd.Index)
    if scalar:
        series = pd.Series([values], dtype=object)
    elif isinstance(values, pd.Series):
        series = values.reset_index(drop=True)
    else:
        series = pd.Series(values if isinstance(values, np.ndarray) else list(values))
    parsed = pd.to_datetime(series, errors="coerce", utc=True, format="ISO8601")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raw = series.iloc[i]
        position = None if scalar else i
        if pd.isna(raw):
            raise InvalidInput(name, "must not be missing", float("nan"), position)
        raise InvalidInput(name, "must be a date or a timestamp", raw, position)
    ns = parsed.dt.tz_localize(None).to_numpy().astype("datetime64[ns]").astype(np.int64)
    return ns, np.floor_divide(ns, _NS_PER_DAY)


def _date(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def grouped_time_averaged_brier(
    codes: np.ndarray,
    n_groups: int,
    made_time: np.ndarray,
    made_day: np.ndarray,
    probability: np.ndarray,
    outcome: np.ndarray,
    known_day: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group 0 .. n_groups-1: time-averaged Brier, scored days, forecasts.

    Low-level form of :func:`time_averaged_brier_by_group` for callers whose
    values are already valid (no validation beyond the look-ahead check): per
    row the group code, the time made (integers of any unit; they only order
    the forecasts) and its day number (days since 1970-01-01, UTC), the
    probability; per group the outcome (0/1) and the day number it became
    known.
    """
    late = made_day >= known_day[codes]
    if late.any():
        i = int(np.argmax(late))
        raise InvalidInput(
            "made_at",
            f"must be before the day the outcome became known ({_date(known_day[codes[i]])})",
            _date(made_day[i]),
            i,
        )
    # Rows by group, each group's by time (lexsort is stable: equal times keep
    # input order). A group of one row needs no sorting: only the others' rows are.
    several = np.bincount(codes, minlength=n_groups)[codes] > 1
    rest = np.flatnonzero(several)
    order = np.concatenate(
        [np.flatnonzero(~several), rest[np.lexsort((made_time[rest], codes[rest]))]]
    )
    group = codes[order]
    day = made_day[order]
    next_day = np.empty_like(day)
    next_day[:-1] = day[1:]
    last = np.ones(len(group), dtype=bool)
    last[:-1] = group[1:] != group[:-1]
    next_day[last] = known_day[group[last]]
    standing = (next_day - day).astype(np.float64)  # days each forecast stands
    error = (probability[order] - outcome[group]) ** 2
    days = np.bincount(group, weights=standing, minlength=n_groups)
    total = np.bincount(group, weights=standing * error, minlength=n_groups)
    forecasts = np.bincount(group, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / days, days.astype(np.int64), forecasts


def time_averaged_brier(made_at: Any, probability: Any, outcome: int, known_at: Any) -> float:
    """Time-averaged Brier score of one forecaster's revisions on one question.

    *made_at* and *probability* are the forecasts (any order), *outcome* is 1
    if the event happened and 0 if not, *known_at* is when the outcome became
    known. Each day from the first forecast's day up to, not including, the
    day the outcome became known is scored with the forecast standing that day;
    the result is the mean (see the module docstring for the exact convention).
    Range 0 to 1, lower is better. Forecasts made on or after the day the
    outcome became known are refused.

    Parameters
    ----------
    made_at : sequence of date, datetime or ISO 8601 text, shape (n,)
        When each forecast was made; n >= 1.
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1].
    outcome : {0, 1}
        1 if the event happened, 0 if not.
    known_at : date, datetime or ISO 8601 text
        When the outcome became known.

    Returns
    -------
    float
        The mean Brier score over the scored days.

    Raises
    ------
    InvalidInput
        If a time or probability is invalid or missing, the lengths differ,
        there is no forecast, or a forecast was made on or after the day the
        outcome became known (no look-ahead).

    References
    ----------
    .. [1] Good Judgment Open, Frequently Asked Questions: how are my
       forecasts scored for accuracy?, https://www.gjopen.com/faq (each day
       scored with the forecast standing that day).
    .. [2] Brier, G. W. (1950), Verification of forecasts expressed in terms
       of probability, Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    0.6 made on 1 January, 0.9 on 3 January, outcome 1 known on 5 January:
    days 1-2 score (0.6 - 1)^2 = 0.16, days 3-4 score 0.01, so the
    time-averaged Brier is (2 * 0.16 + 2 * 0.01) / 4 = 0.085:

    >>> from forecasts.scoring import time_averaged_brier
    >>> round(time_averaged_brier(["2020-01-01", "2020-01-03"], [0.6, 0.9], 1, "2020-01-05"), 4)
    0.085
    >>> time_averaged_brier(["2020-01-05"], [0.9], 1, "2020-01-05")
    Traceback (most recent call last):
    ...
    forecasts.scoring.validate.InvalidInput: made_at: must be before the day the outcome ...
    """
    p = as_probabilities(probability)
    made_ns, made_day = _timestamps(made_at, "made_at")
    check_same_length(("made_at", made_ns), ("probability", p))
    if len(p) == 0:
        raise InvalidInput("probability", "must contain at least one forecast", 0)
    o = as_outcomes([outcome], "outcome")
    _, known_day = _timestamps(known_at, "known_at")
    codes = np.zeros(len(p), dtype=np.intp)
    score, _, _ = grouped_time_averaged_brier(codes, 1, made_ns, made_day, p, o, known_day)
    return float(score[0])


def _constant_in_group(
    values: np.ndarray,
    codes: np.ndarray,
    first: np.ndarray,
    name: str,
    given: Any = None,
    days: bool = False,
) -> None:
    differs = values != values[first][codes]
    if differs.any():
        i = int(np.argmax(differs))
        value = _date(values[i]) if days else _original(given, i, values[i])
        raise InvalidInput(name, "must be the same on every row of a group", value, i)


def time_averaged_brier_by_group(
    frame: pd.DataFrame,
    by: Sequence[str] = ("forecaster", "question"),
    *,
    made_at: str = "made_at",
    probability: str = "probability",
    outcome: str = "outcome",
    known_at: str = "known_at",
) -> pd.DataFrame:
    """Time-averaged Brier score of every group of rows (e.g. forecaster and question).

    *frame* has one row per forecast with the grouping columns *by*, the time
    the forecast was made, its probability, the outcome (0/1) and the time the
    outcome became known; the outcome and ``known_at`` must be the same on
    every row of a group. Returns one row per group (in order of first
    appearance) with the *by* columns, ``n_forecasts``, ``days`` (scored days)
    and ``time_averaged_brier``. Same convention as
    :func:`time_averaged_brier` (module docstring); vectorised, no loop over
    groups. Positions in error messages are row positions in *frame*.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per forecast.
    by : str or sequence of str, default ("forecaster", "question")
        The grouping columns.
    made_at, probability, outcome, known_at : str
        Names of the columns holding the time made, the probability, the
        outcome (0/1) and the time it became known.

    Returns
    -------
    pandas.DataFrame
        One row per group.

    Raises
    ------
    InvalidInput
        If a column is absent, a value is invalid, the outcome or
        ``known_at`` differs within a group, or a forecast was made on or
        after the day its outcome became known.

    References
    ----------
    .. [1] Good Judgment Open, Frequently Asked Questions: how are my
       forecasts scored for accuracy?, https://www.gjopen.com/faq (each day
       scored with the forecast standing that day).
    .. [2] Brier, G. W. (1950), Verification of forecasts expressed in terms
       of probability, Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    Ann's two forecasts of :func:`time_averaged_brier`'s example, and bob's
    single 50% standing all four days, (0.5 - 1)^2 = 0.25:

    >>> import pandas as pd
    >>> from forecasts.scoring import time_averaged_brier_by_group
    >>> frame = pd.DataFrame(
    ...     {
    ...         "forecaster": ["ann", "ann", "bob"],
    ...         "question": ["q1", "q1", "q1"],
    ...         "made_at": ["2020-01-01", "2020-01-03", "2020-01-01"],
    ...         "probability": [0.6, 0.9, 0.5],
    ...         "outcome": [1, 1, 1],
    ...         "known_at": ["2020-01-05"] * 3,
    ...     }
    ... )
    >>> time_averaged_brier_by_group(frame)
      forecaster question  n_forecasts  days  time_averaged_brier
    0        ann       q1            2     4                0.085
    1        bob       q1            1     4                0.250
    """
    by = [by] if isinstance(by, str) else list(by)
    for column in [*by, made_at, probability, outcome, known_at]:
        if column not in frame.columns:
            raise InvalidInput("frame", f"must have a column named {column!r}")
    p = as_probabilities(frame[probability], probability)
    o = as_outcomes(frame[outcome], outcome)
    made_ns, made_day = _timestamps(frame[made_at], made_at)
    _, known_row_day = _timestamps(frame[known_at], known_at)
    grouped = frame.groupby(by, sort=False, dropna=False)
    codes = grouped.ngroup().to_numpy().astype(np.intp)
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    first = np.full(n_groups, len(codes), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(codes)))
    _constant_in_group(o, codes, first, outcome, frame[outcome])
    _constant_in_group(known_row_day, codes, first, known_at, days=True)
    score, days, forecasts = grouped_time_averaged_brier(
        codes, n_groups, made_ns, made_day, p, o[first], known_row_day[first]
    )
    result = frame.iloc[first][by].reset_index(drop=True)
    result["n_forecasts"] = forecasts.astype(np.int64)
    result["days"] = days
    result["time_averaged_brier"] = score
    return result
