"""CORP reliability: calibration read off an isotonic fit, not off bins.

Method
------
Dimitriadis, Gneiting and Jordan (2021) replace the binned reliability diagram by
the isotonic regression of the outcomes on the forecasts (CORP: consistent,
optimally binned, reproducible, PAV-based). The pool-adjacent-violators algorithm
(PAV; Ayer et al. 1955) gives the non-decreasing step function ``c(x)`` closest in
squared error to the outcomes: the *recalibrated* forecasts. Equal forecasts are
pooled first (they share one fitted value), so the fit depends only on the pairs,
not on their order.

Its Brier score splits into three terms, each non-negative:

* ``MCB = S(x) - S(c)``, miscalibration: what recalibrating would have saved;
* ``DSC = S(r) - S(c)``, discrimination: what the recalibrated forecasts gain
  over the climatological forecast ``r`` (the base rate, for every forecast);
* ``UNC = S(r)``, uncertainty: the score of the base rate, ``r (1 - r)``;

with ``S(x) = MCB - DSC + UNC`` exactly (``S`` the mean Brier score). Unlike the
binned decomposition of Murphy (1973) there is no within-bin term and no choice of
bins.

Uncertainty:

* the **consistency band** shows how far a calibrated forecaster's diagram strays
  by chance: outcomes are redrawn as ``Bernoulli(x)`` (the forecasts taken as
  true), the isotonic fit is made again, and the band at each forecast value is
  the central quantiles of the fitted values over ``n_resamples`` redraws;
* the **term intervals** resample the (forecast, outcome) pairs with replacement
  and recompute the three terms (percentile bootstrap, Efron 1979).

Both use ``numpy.random.Generator(PCG64(seed))``: the same input gives the same
band and intervals.

References
----------
Dimitriadis, T., Gneiting, T. and Jordan, A. I. (2021), Stable reliability
diagrams for probabilistic classifiers, PNAS 118(8), e2016191118.
Ayer, M., Brunk, H. D., Ewing, G. M., Reid, W. T. and Silverman, E. (1955), An
empirical distribution function for sampling with incomplete information, Annals
of Mathematical Statistics 26(4), 641-647.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .bootstrap import DEFAULT_SEED
from .validate import (
    as_outcomes,
    as_probabilities,
    check_count,
    check_coverage,
    check_not_empty,
    check_same_length,
)

__all__ = ["CorpDecomposition", "corp_decomposition", "corp_reliability", "isotonic_fit"]

DEFAULT_BAND_RESAMPLES = 500
DEFAULT_LEVEL = 0.9  # the paper's consistency bands are 90%


def _pav(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted PAV of *values* (already in the order of their forecasts): the
    non-decreasing fit, one value per input."""
    n = len(values)
    means = np.empty(n)
    sizes = np.empty(n)
    counts = np.empty(n, dtype=np.intp)
    top = -1
    for i in range(n):  # one pass over the distinct forecasts, merging violators
        top += 1
        means[top], sizes[top], counts[top] = values[i], weights[i], 1
        while top > 0 and means[top - 1] >= means[top]:
            total = sizes[top - 1] + sizes[top]
            means[top - 1] = (means[top - 1] * sizes[top - 1] + means[top] * sizes[top]) / total
            sizes[top - 1] = total
            counts[top - 1] += counts[top]
            top -= 1
    return np.repeat(means[: top + 1], counts[: top + 1])


def _pooled(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct forecasts (sorted), each forecast's index among them, and how many
    forecasts each has."""
    distinct, index, count = np.unique(p, return_inverse=True, return_counts=True)
    return distinct, index, count.astype(float)


def _fit_pooled(index: np.ndarray, count: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The isotonic fit at each distinct forecast, from the outcomes pooled per value."""
    hits = np.bincount(index, weights=y, minlength=len(count))
    return _pav(hits / count, count)


def isotonic_fit(probability: Any, outcome: Any) -> np.ndarray:
    """The recalibrated forecasts: the isotonic regression of the outcomes on the
    forecasts, by pool-adjacent-violators, one value per forecast.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Forecast probabilities of the event, each in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        Whether each event happened.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        The fitted (recalibrated) probability of each forecast, in the input's order:
        non-decreasing in the forecast, equal for equal forecasts.

    Raises
    ------
    InvalidInput
        If a probability is outside [0, 1], an outcome is not 0 or 1, the lengths
        differ, or there is no forecast.

    References
    ----------
    .. [1] Ayer, M. et al. (1955), Annals of Mathematical Statistics 26(4), 641-647.

    Examples
    --------
    At 30% one of two happened, at 60% none of two: the two pools violate the order
    and merge into one at 1/4; at 90% both happened:

    >>> from forecasts.scoring import isotonic_fit
    >>> isotonic_fit([0.3, 0.3, 0.6, 0.6, 0.9, 0.9], [1, 0, 0, 0, 1, 1]).tolist()
    [0.25, 0.25, 0.25, 0.25, 1.0, 1.0]
    """
    p, y = _checked(probability, outcome)
    _, index, count = _pooled(p)
    return _fit_pooled(index, count, y)[index]


def _checked(probability: Any, outcome: Any) -> tuple[np.ndarray, np.ndarray]:
    p = as_probabilities(probability)
    y = as_outcomes(outcome).astype(float)
    n = check_same_length(("probability", p), ("outcome", y))
    check_not_empty(n)
    return p, y


def _terms(p: np.ndarray, y: np.ndarray, fitted: np.ndarray) -> tuple[float, float, float]:
    base = y.mean()
    score = np.mean((p - y) ** 2)
    recalibrated = np.mean((fitted - y) ** 2)
    uncertainty = base * (1.0 - base)
    return score - recalibrated, uncertainty - recalibrated, uncertainty


@dataclass(frozen=True)
class CorpDecomposition:
    """The CORP terms of a mean Brier score, each with its bootstrap interval.

    ``score == miscalibration - discrimination + uncertainty`` (to rounding).
    ``*_interval`` are ``(low, high)`` percentile-bootstrap bounds over the pairs;
    ``None`` when no resamples were asked for.

    Examples
    --------
    >>> from forecasts.scoring import corp_decomposition
    >>> d = corp_decomposition([0.2, 0.8], [0, 1], n_resamples=0)
    >>> [round(x, 6) for x in (d.miscalibration, d.discrimination, d.uncertainty, d.score)]
    [0.04, 0.25, 0.25, 0.04]
    """

    miscalibration: float
    discrimination: float
    uncertainty: float
    score: float
    n: int
    miscalibration_interval: tuple[float, float] | None = None
    discrimination_interval: tuple[float, float] | None = None
    uncertainty_interval: tuple[float, float] | None = None


def corp_decomposition(
    probability: Any,
    outcome: Any,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> CorpDecomposition:
    """The CORP decomposition of the mean Brier score into miscalibration (MCB),
    discrimination (DSC) and uncertainty (UNC), with bootstrap intervals.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Forecast probabilities, each in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        Whether each event happened.
    n_resamples : int, default 1000
        Bootstrap resamples of the pairs for the intervals; 0 for none.
    confidence : float, default 0.95
        Coverage of the intervals.
    seed : int, default ``DEFAULT_SEED``
        Seed of the PCG64 generator.

    Returns
    -------
    CorpDecomposition
        The terms, the mean Brier score, the count and the intervals.

    Raises
    ------
    InvalidInput
        For bad probabilities, outcomes, lengths or settings.

    References
    ----------
    .. [1] Dimitriadis, Gneiting and Jordan (2021), PNAS 118(8), e2016191118,
       section "CORP score decomposition".

    Examples
    --------
    Forecasts 0.2, 0.2, 0.8, 0.8 with outcomes 0, 1, 1, 1: the fit is 0.5 at 0.2
    and 1 at 0.8, so S(c) = (0.25 + 0.25 + 0 + 0) / 4 = 0.125; the base rate is 0.75,
    so UNC = 0.1875; S(x) = (0.04 + 0.64 + 0.04 + 0.04) / 4 = 0.19; MCB = 0.19 -
    0.125 = 0.065 and DSC = 0.1875 - 0.125 = 0.0625:

    >>> from forecasts.scoring import corp_decomposition
    >>> d = corp_decomposition([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1], n_resamples=200)
    >>> [round(x, 4) for x in (d.miscalibration, d.discrimination, d.uncertainty)]
    [0.065, 0.0625, 0.1875]
    >>> round(d.miscalibration - d.discrimination + d.uncertainty, 10) == round(d.score, 10)
    True
    >>> low, high = d.miscalibration_interval
    >>> bool(low <= d.miscalibration <= high)
    True
    """
    p, y = _checked(probability, outcome)
    if n_resamples != 0:
        check_coverage(confidence, "confidence")
        check_count(n_resamples, "n_resamples", 1)
    _, index, count = _pooled(p)
    fitted = _fit_pooled(index, count, y)[index]
    mcb, dsc, unc = _terms(p, y, fitted)
    result = dict(
        miscalibration=float(mcb),
        discrimination=float(dsc),
        uncertainty=float(unc),
        score=float(np.mean((p - y) ** 2)),
        n=len(p),
    )
    if n_resamples:
        rng = np.random.Generator(np.random.PCG64(seed))
        draws = np.empty((n_resamples, 3))
        for b in range(n_resamples):
            pick = rng.integers(0, len(p), len(p))
            pb, yb = p[pick], y[pick]
            _, ib, cb = _pooled(pb)
            draws[b] = _terms(pb, yb, _fit_pooled(ib, cb, yb)[ib])
        alpha = (1.0 - float(confidence)) / 2.0
        low, high = np.quantile(draws, [alpha, 1.0 - alpha], axis=0)
        for column, name in enumerate(("miscalibration", "discrimination", "uncertainty")):
            result[f"{name}_interval"] = (float(low[column]), float(high[column]))
    return CorpDecomposition(**result)


def corp_reliability(
    probability: Any,
    outcome: Any,
    *,
    n_resamples: int = DEFAULT_BAND_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> dict[str, np.ndarray]:
    """The points of a CORP reliability diagram with its consistency band.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Forecast probabilities, each in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        Whether each event happened.
    n_resamples : int, default 500
        Redraws of the outcomes under calibration for the band.
    level : float, default 0.9
        Coverage of the band (the paper draws 90%).
    seed : int, default ``DEFAULT_SEED``
        Seed of the PCG64 generator.

    Returns
    -------
    dict of numpy.ndarray, each of shape (k,), k the number of distinct forecasts
        ``forecast`` (sorted), ``count`` (forecasts at that value), ``calibrated``
        (the isotonic fit: how often such forecasts came true, read off the fit),
        ``band_low`` and ``band_high`` (where a calibrated forecaster's fit falls
        with probability ``level``).

    Raises
    ------
    InvalidInput
        For bad probabilities, outcomes, lengths or settings.

    References
    ----------
    .. [1] Dimitriadis, Gneiting and Jordan (2021), PNAS 118(8), e2016191118.

    Examples
    --------
    >>> from forecasts.scoring import corp_reliability
    >>> d = corp_reliability([0.1, 0.1, 0.9, 0.9], [0, 1, 1, 1], n_resamples=100)
    >>> d["forecast"].tolist(), d["count"].tolist(), d["calibrated"].tolist()
    ([0.1, 0.9], [2, 2], [0.5, 1.0])
    >>> bool((d["band_low"] <= d["forecast"]).all() and (d["forecast"] <= d["band_high"]).all())
    True
    """
    p, y = _checked(probability, outcome)
    check_coverage(level, "level")
    check_count(n_resamples, "n_resamples", 1)
    distinct, index, count = _pooled(p)
    calibrated = _fit_pooled(index, count, y)
    rng = np.random.Generator(np.random.PCG64(seed))
    # Under calibration each distinct forecast's hits are Binomial(count, forecast).
    hits = rng.binomial(count.astype(np.int64), distinct, size=(n_resamples, len(distinct)))
    fits = np.array([_pav(row / count, count) for row in hits])
    alpha = (1.0 - float(level)) / 2.0
    band_low, band_high = np.quantile(fits, [alpha, 1.0 - alpha], axis=0)
    return {
        "forecast": distinct,
        "count": count.astype(np.int64),
        "calibrated": calibrated,
        "band_low": band_low,
        "band_high": band_high,
    }
