"""The full score report of a set of forecasts: what ``forecasts score`` prints.

:func:`score_table` takes a DataFrame with one row per forecast and returns a
plain dict (Python floats and ints, ``None`` for undefined values) that can be
given to ``json.dumps`` as it is, so the CLI, the web app and the leaderboards
share one computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, grouped_mean_intervals
from .calibration import DEFAULT_BINS, _bin_stats, _calibration_frame, _decompose
from .groups import factorize, native
from .metrics import DEFAULT_EPS, _log_scores, skill_from_means
from .peer import forecaster_peer_means
from .validate import (
    InvalidInput,
    as_outcomes,
    as_probabilities,
    check_bins,
    check_eps,
    check_not_empty,
)

REQUIRED_COLUMNS = ("probability", "outcome")
OPTIONAL_COLUMNS = ("forecaster", "question")


def _number(value: Any) -> float | None:
    """A plain float, or None for NaN (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _numbers(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else v for v in np.asarray(values, dtype=np.float64).tolist()]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of *frame* as dicts of plain Python values, NaN as None."""
    columns = {}
    for name in frame.columns:
        values = frame[name].to_numpy()
        columns[name] = values.tolist() if values.dtype.kind in "iub" else _numbers(values)
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def score_table(
    frame: pd.DataFrame,
    bins: int = DEFAULT_BINS,
    eps: float = DEFAULT_EPS,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Score a set of binary forecasts overall and, if named, per forecaster.

    *frame* has a ``probability`` column (numbers in [0, 1]) and an
    ``outcome`` column (0 or 1), and optionally ``forecaster`` and
    ``question``. Returns::

        {"overall": {"n", "brier", "log_score", "brier_skill_vs_uniform",
                     "brier_skill_vs_base_rate", "reliability", "resolution",
                     "uncertainty", "within_bin", "brier_ci_low",
                     "brier_ci_high", "calibration": [{"bin_lower",
                     "bin_upper", "n", "mean_forecast", "observed_frequency",
                     "ci_low", "ci_high"}, ...]},
         "by_forecaster": [{"forecaster", "n", "brier", "brier_ci_low",
                            "brier_ci_high", "log_score", "peer_brier",
                            "peer_log", "n_peer"}, ...]}

    * ``brier`` and ``log_score`` are means (see :func:`brier_score` and
      :func:`log_score`; log scores clipped with *eps*).
    * ``brier_ci_low``/``brier_ci_high``: 95% bootstrap interval of the mean
      Brier (:mod:`forecasts.scoring.bootstrap`; fixed seed, normal
      approximation above 1000 forecasts).
    * ``brier_skill_vs_base_rate`` is ``None`` when all outcomes are equal.
    * decomposition terms as in :func:`murphy_decomposition` with *bins* bins;
      ``calibration`` lists the non-empty bins as :func:`calibration_table`.
    * ``by_forecaster`` is present only with a ``forecaster`` column, ranked
      by mean Brier, best (lowest) first, ties by forecaster name. Peer
      fields (:mod:`forecasts.scoring.peer`) need a ``question`` column as
      well; without one ``peer_brier``, ``peer_log`` and ``n_peer`` are
      ``None``, and with one the peer scores are ``None`` for a forecaster who
      shares no question (``n_peer`` 0).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per forecast, at least one row.
    bins : int, default ``DEFAULT_BINS`` (10)
        Forecast bins of the decomposition and the calibration table.
    eps : float, default ``DEFAULT_EPS`` (0.001)
        Clipping constant of the log score.
    n_resamples : int, default ``DEFAULT_RESAMPLES`` (1000)
        Bootstrap resamples of each interval.
    seed : int, default ``DEFAULT_SEED`` (1979)
        Seed of the bootstrap.

    Returns
    -------
    dict
        The report above, of plain Python values.

    Raises
    ------
    InvalidInput
        Naming the column, the rule and the row position (0-based) of the
        first offending value; also for an empty frame, a missing column, or
        *bins* or *eps* out of range.

    References
    ----------
    .. [1] Brier, G. W. (1950), Verification of forecasts expressed in terms
       of probability, Monthly Weather Review 78(1), 1-3.
    .. [2] Murphy, A. H. (1973), A new vector partition of the probability
       score, J. Applied Meteorology 12, 595-600.
    .. [3] Efron, B. (1979), Bootstrap methods: another look at the
       jackknife, Annals of Statistics 7(1), 1-26.

    Examples
    --------
    Ann said 80% and bob 60% on one question that happened: Brier scores
    0.04 and 0.16, mean 0.1, skill 1 - 0.1 / 0.25 = 0.6 against 50%, none
    against a base rate of 1; ann ranks first, 0.12 better than bob:

    >>> import pandas as pd
    >>> from forecasts.scoring import score_table
    >>> frame = pd.DataFrame(
    ...     {
    ...         "forecaster": ["ann", "bob"],
    ...         "question": ["q1", "q1"],
    ...         "probability": [0.8, 0.6],
    ...         "outcome": [1, 1],
    ...     }
    ... )
    >>> report = score_table(frame)
    >>> overall = report["overall"]
    >>> round(overall["brier"], 4), round(overall["brier_skill_vs_uniform"], 4)
    (0.1, 0.6)
    >>> print(overall["brier_skill_vs_base_rate"])
    None
    >>> [(r["forecaster"], round(r["brier"], 4), round(r["peer_brier"], 4))
    ...  for r in report["by_forecaster"]]
    [('ann', 0.04, -0.12), ('bob', 0.16, 0.12)]
    >>> score_table(frame.drop(columns="outcome"))
    Traceback (most recent call last):
    ...
    forecasts.scoring.validate.InvalidInput: frame: must have a column named 'outcome'
    """
    bins = check_bins(bins)
    eps = check_eps(eps)
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise InvalidInput("frame", f"must have a column named {column!r}")
    p = as_probabilities(frame["probability"], "probability")
    o = as_outcomes(frame["outcome"], "outcome")
    n = len(p)
    check_not_empty(n)

    brier = p - o
    np.square(brier, out=brier)
    log = _log_scores(p, o, eps)

    labels = _labels(frame)
    report: dict[str, Any] = {"overall": _overall(p, o, brier, log, bins, n_resamples, seed)}
    if labels is not None:
        report["by_forecaster"] = _by_forecaster(labels, brier, log, n_resamples, seed)
    return report


@dataclass(frozen=True)
class _Labels:
    forecasters: np.ndarray  # code of each row
    forecaster_names: np.ndarray
    questions: np.ndarray | None  # code of each row, if there is a question column
    n_questions: int


def _labels(frame: pd.DataFrame) -> _Labels | None:
    if "forecaster" not in frame.columns:
        return None
    codes, names = factorize(frame["forecaster"], "forecaster")
    if "question" not in frame.columns:
        return _Labels(codes, names, None, 0)
    q_codes, q_names = factorize(frame["question"], "question")
    return _Labels(codes, names, q_codes, len(q_names))


def _overall(
    p: np.ndarray,
    o: np.ndarray,
    brier: np.ndarray,
    log: np.ndarray,
    bins: int,
    n_resamples: int,
    seed: int,
) -> dict[str, Any]:
    n = len(p)
    stats = _bin_stats(p, o, bins)
    mean_brier = float(brier.mean())
    terms = _decompose(stats, mean_brier)
    vs_uniform, vs_base_rate = skill_from_means(mean_brier, float(o.mean()))
    _, _, low, high = grouped_mean_intervals(brier, None, 1, n_resamples=n_resamples, seed=seed)
    return {
        "n": n,
        "brier": mean_brier,
        "log_score": float(log.mean()),
        "brier_skill_vs_uniform": vs_uniform,
        "brier_skill_vs_base_rate": vs_base_rate,
        "reliability": terms.reliability,
        "resolution": terms.resolution,
        "uncertainty": terms.uncertainty,
        "within_bin": terms.within_bin,
        "brier_ci_low": _number(low[0]),
        "brier_ci_high": _number(high[0]),
        "calibration": _records(_calibration_frame(stats)),
    }


def _by_forecaster(
    labels: _Labels,
    brier: np.ndarray,
    log: np.ndarray,
    n_resamples: int,
    seed: int,
) -> list[dict[str, Any]]:
    codes = labels.forecasters
    groups = len(labels.forecaster_names)
    count, mean_brier, low, high = grouped_mean_intervals(
        brier, codes, groups, n_resamples=n_resamples, seed=seed
    )
    mean_log = np.bincount(codes, weights=log, minlength=groups) / count
    if labels.questions is not None:
        n_peer, peer_brier, peer_log = forecaster_peer_means(
            codes, groups, labels.questions, labels.n_questions, brier, log
        )
        n_peer_list: list[int | None] = n_peer.tolist()
        peer_brier_list = _numbers(peer_brier)
        peer_log_list = _numbers(peer_log)
    else:
        n_peer_list = [None] * groups
        peer_brier_list = [None] * groups
        peer_log_list = [None] * groups
    names = [native(label) for label in labels.forecaster_names]
    by_name = np.argsort(np.array([str(name) for name in names]), kind="stable")
    order = by_name[np.argsort(mean_brier[by_name], kind="stable")]
    count_list = count.tolist()
    brier_list = _numbers(mean_brier)
    low_list = _numbers(low)
    high_list = _numbers(high)
    log_list = _numbers(mean_log)
    return [
        {
            "forecaster": names[i],
            "n": count_list[i],
            "brier": brier_list[i],
            "brier_ci_low": low_list[i],
            "brier_ci_high": high_list[i],
            "log_score": log_list[i],
            "peer_brier": peer_brier_list[i],
            "peer_log": peer_log_list[i],
            "n_peer": n_peer_list[i],
        }
        for i in order.tolist()
    ]
