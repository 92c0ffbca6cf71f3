"""Forecast bins, the Murphy decomposition of the Brier score, calibration tables.

Bins are equal-width on [0, 1]: with ``bins = B``, bin ``k`` (0-based) holds the
forecasts with ``k/B <= p < (k+1)/B``, and ``p = 1`` goes into the last bin. The
edges are the floats nearest to ``k/B`` (``3/10 == 0.3``), and a forecast is
compared with the edges themselves, not only through ``floor(p * B)``: in floats
``(1/49) * 49 == 0.9999999999999999`` and ``(15/22) * 22 == 14.999999999999998``,
so the product alone would put some edges in the bin below. With the
comparison, ``p = k/B`` always lands in bin k.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .validate import (
    InvalidInput,
    as_outcomes,
    as_probabilities,
    check_bins,
    check_not_empty,
    check_same_length,
)

#: Two-sided 95% quantile of the standard normal distribution.
Z95 = 1.959963984540054

DEFAULT_BINS = 10

CALIBRATION_COLUMNS = [
    "bin_lower",
    "bin_upper",
    "n",
    "mean_forecast",
    "observed_frequency",
    "ci_low",
    "ci_high",
]


def bin_edges(bins: int = DEFAULT_BINS) -> np.ndarray:
    """The ``bins + 1`` edges ``k / bins``, each the float nearest to the fraction.

    Parameters
    ----------
    bins : int, default ``DEFAULT_BINS`` (10)
        Number of equal-width bins on [0, 1], at least 1.

    Returns
    -------
    numpy.ndarray of float64, shape (bins + 1,)
        The edges, from 0 to 1.

    Raises
    ------
    InvalidInput
        If *bins* is not an integer of at least 1.

    Examples
    --------
    >>> from forecasts.scoring import bin_edges
    >>> bin_edges(4)
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    bins = check_bins(bins)
    return np.arange(bins + 1) / bins


def _bin_index(
    p: np.ndarray, bins: int, scratch: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Bin of each (already validated) probability, and the edges.

    *scratch*, a float64 array like *p*, is used as working memory if given:
    on a million forecasts each fresh temporary array costs page faults.
    """
    edges = np.arange(bins + 1) / bins
    work = np.multiply(p, bins, out=scratch)
    guess = work.astype(np.intp)
    np.minimum(guess, bins - 1, out=guess)  # p = 1 belongs to the last bin
    # p * bins can round across an edge; compare with the edges themselves.
    # The last bin has no upper edge, so p = 1 stays in it.
    upper = np.append(edges[1:-1], np.inf)
    flag = np.less(p, np.take(edges, guess, out=work, mode="clip"))
    guess -= flag
    np.greater_equal(p, np.take(upper, guess, out=work, mode="clip"), out=flag)
    guess += flag
    return guess, edges


def bin_index(probability: Any, bins: int = DEFAULT_BINS) -> np.ndarray:
    """Bin number (0 .. bins-1) of each probability: bin k holds k/B <= p < (k+1)/B.

    ``p = 1`` goes into the last bin, and ``p = k/B`` always into bin k, even
    where ``p * B`` rounds below k (see the module docstring).

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Probabilities in [0, 1].
    bins : int, default ``DEFAULT_BINS`` (10)
        Number of equal-width bins, at least 1.

    Returns
    -------
    numpy.ndarray of int, shape (n,)
        The bin of each probability.

    Raises
    ------
    InvalidInput
        If a probability is outside [0, 1] or missing, or *bins* is not an
        integer of at least 1.

    Examples
    --------
    >>> from forecasts.scoring import bin_index
    >>> bin_index([0.0, 0.3, 0.35, 1.0])
    array([0, 3, 3, 9])

    In floats ``(15/22) * 22`` is 14.999999999999998, yet 15/22 is in bin 15:

    >>> bin_index([15 / 22], bins=22)
    array([15])
    """
    bins = check_bins(bins)
    p = as_probabilities(probability)
    return _bin_index(p, bins)[0]


@dataclass(frozen=True)
class MurphyDecomposition:
    """The terms of ``brier = reliability - resolution + uncertainty + within_bin``.

    Made by :func:`murphy_decomposition`.

    Attributes
    ----------
    n : int
        Number of forecasts.
    bins : int
        Number of forecast bins.
    brier : float
        Mean Brier score of the forecasts.
    reliability : float
        How far each bin's mean forecast is from what happened in it (>= 0,
        lower is better); 0 is perfect calibration.
    resolution : float
        How far the bins' observed frequencies spread around the overall base
        rate (>= 0, higher is better).
    uncertainty : float
        ``o_bar (1 - o_bar)`` (0 to 0.25), a property of the questions, not of
        the forecaster.
    within_bin : float
        The within-bin variance of the forecasts minus twice their within-bin
        covariance with the outcomes; 0 when every forecast sits on its bin's
        mean, small otherwise.

    Examples
    --------
    "Always 50%" on one event that happened and one that did not is
    perfectly calibrated and resolves nothing:

    >>> from forecasts.scoring import murphy_decomposition
    >>> murphy_decomposition([0.5, 0.5], [0, 1]).as_dict()
    {'n': 2, 'bins': 10, 'brier': 0.25, 'reliability': 0.0, 'resolution': 0.0,
     'uncertainty': 0.25, 'within_bin': 0.0}
    """

    n: int
    bins: int
    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin: float

    def as_dict(self) -> dict[str, float | int]:
        """The terms by name, for JSON and DataFrames."""
        return asdict(self)


@dataclass(frozen=True)
class _BinStats:
    """Per-bin sums from one pass over the forecasts."""

    n: int  # forecasts
    edges: np.ndarray
    count: np.ndarray  # forecasts per bin
    hits: np.ndarray  # outcomes equal to 1 per bin
    sum_p: np.ndarray
    sum_p2: np.ndarray  # sum of p^2
    sum_po: np.ndarray  # sum of p * o

    @property
    def mean_forecast(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.sum_p / self.count

    @property
    def observed(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.hits / self.count


def _bin_stats(p: np.ndarray, o: np.ndarray, bins: int) -> _BinStats:
    scratch = np.empty_like(p, dtype=np.float64)
    cell, edges = _bin_index(p, bins, scratch)
    # Sums over 2 * bins cells (bin, outcome), in place: the o = 1 cells give
    # the hits and sum(p o) without forming the products.
    cell *= 2
    cell += o == 1
    count = np.bincount(cell, minlength=2 * bins).reshape(bins, 2)
    sum_p = np.bincount(cell, weights=p, minlength=2 * bins).reshape(bins, 2)
    sum_p2 = np.bincount(cell, weights=np.multiply(p, p, out=scratch), minlength=2 * bins)
    return _BinStats(
        n=len(p),
        edges=edges,
        count=count.sum(axis=1),
        hits=count[:, 1].astype(np.float64),
        sum_p=sum_p.sum(axis=1),
        sum_p2=sum_p2.reshape(bins, 2).sum(axis=1),
        sum_po=sum_p[:, 1].copy(),
    )


def _decompose(stats: _BinStats, brier: float) -> MurphyDecomposition:
    """The decomposition terms from per-bin sums; *brier* is the mean Brier score."""
    n = stats.n
    full = stats.count > 0
    w = stats.count[full]
    pbar = stats.mean_forecast[full]
    obar = stats.observed[full]
    base_rate = stats.hits.sum() / n
    reliability = float(np.dot(w, (pbar - obar) ** 2) / n)
    resolution = float(np.dot(w, (obar - base_rate) ** 2) / n)
    uncertainty = float(base_rate * (1.0 - base_rate))
    # Stephenson, Coelho & Jolliffe (2008): within-bin variance of the forecasts,
    # sum (p - pbar_k)^2 = sum p^2 - n_k pbar_k^2, minus twice their within-bin
    # covariance with the outcomes, sum (p - pbar_k)(o - obar_k) = sum p o - n_k pbar_k obar_k.
    variance = stats.sum_p2[full] - w * pbar * pbar
    covariance = stats.sum_po[full] - w * pbar * obar
    within_bin = float((variance.sum() - 2.0 * covariance.sum()) / n)
    return MurphyDecomposition(
        n=n,
        bins=len(stats.count),
        brier=float(brier),
        reliability=reliability,
        resolution=resolution,
        uncertainty=uncertainty,
        within_bin=within_bin,
    )


def murphy_decomposition(
    probability: Any, outcome: Any, bins: int = DEFAULT_BINS
) -> MurphyDecomposition:
    """Murphy (1973) decomposition of the mean Brier score over forecast bins.

    With N forecasts in bins k (see the module docstring), ``n_k`` forecasts in
    bin k, their mean forecast ``pbar_k`` and observed frequency ``obar_k``, and
    the overall base rate ``obar``::

        reliability = sum_k n_k (pbar_k - obar_k)^2 / N        (lower is better)
        resolution  = sum_k n_k (obar_k - obar)^2 / N          (higher is better)
        uncertainty = obar (1 - obar)
        within_bin  = sum_i [(p_i - pbar_k(i))^2
                             - 2 (p_i - pbar_k(i)) (o_i - obar_k(i))] / N

    so that ``brier = reliability - resolution + uncertainty + within_bin``
    holds exactly (to rounding) whatever the forecasts. Murphy's original
    identity has no ``within_bin`` term because it assumes every forecast in a
    bin has the same value; the extra term is the within-bin variance and
    covariance of Stephenson, Coelho & Jolliffe (2008).

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1]; n >= 1.
    outcome : array_like of {0, 1}, shape (n,)
        1 where the event happened, 0 where it did not.
    bins : int, default ``DEFAULT_BINS`` (10)
        Number of equal-width forecast bins, at least 1.

    Returns
    -------
    MurphyDecomposition
        The mean Brier score and its four terms.

    Raises
    ------
    InvalidInput
        If the inputs are not probabilities and 0/1 outcomes of one length,
        the set is empty, or *bins* is not an integer of at least 1.

    References
    ----------
    .. [1] Murphy, A. H. (1973), A new vector partition of the probability
       score, J. Applied Meteorology 12, 595-600.
    .. [2] Stephenson, D. B., Coelho, C. A. S. & Jolliffe, I. T. (2008), Two
       extra components in the Brier score decomposition, Weather and
       Forecasting 23, 752-757.

    Examples
    --------
    20% twice (one happened) and 80% twice (both happened): the base rate is
    0.75, so uncertainty = 0.75 * 0.25 = 0.1875; reliability = (2 * 0.3^2 +
    2 * 0.2^2) / 4 = 0.065; resolution = 4 * 0.25^2 / 4 = 0.0625; the
    forecasts sit on their bins' means, so within_bin is 0, and the Brier
    score is 0.065 - 0.0625 + 0.1875 = 0.19:

    >>> from forecasts.scoring import murphy_decomposition
    >>> d = murphy_decomposition([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1])
    >>> [round(x, 4) for x in (d.reliability, d.resolution, d.uncertainty, d.within_bin)]
    [0.065, 0.0625, 0.1875, 0.0]
    >>> round(d.brier, 4)
    0.19
    """
    bins = check_bins(bins)
    p = as_probabilities(probability)
    o = as_outcomes(outcome)
    n = check_same_length(("probability", p), ("outcome", o))
    check_not_empty(n)
    return _decompose(_bin_stats(p, o, bins), float(np.mean((p - o) ** 2)))


def wilson_interval(
    successes: Any, n: Any, z: float = Z95
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    With ``phat = successes / n``::

        centre = (phat + z^2 / (2n)) / (1 + z^2 / n)
        half   = z / (1 + z^2 / n) * sqrt(phat (1 - phat) / n + z^2 / (4 n^2))
        (low, high) = (centre - half, centre + half)

    The bounds are the two proportions ``pi`` for which the score test of
    ``pi`` is on the edge of rejection: ``(phat - pi)^2 = z^2 pi (1 - pi) / n``.
    Unlike the textbook ``phat +- z sqrt(phat (1 - phat) / n)`` it stays inside
    [0, 1] and does not collapse to a point when phat is 0 or 1. The default
    ``z = 1.959963984540054`` gives a 95% interval. Where ``n`` is 0 both
    bounds are NaN. Scalars in give floats out; arrays give arrays.

    Parameters
    ----------
    successes : int or array_like
        Number of events that happened, between 0 and *n*.
    n : int or array_like
        Number of trials, at least 0 (broadcast against *successes*).
    z : float, default ``Z95``
        Standard normal quantile of the interval.

    Returns
    -------
    low, high : float or numpy.ndarray
        The bounds: floats for scalar input, arrays otherwise.

    Raises
    ------
    InvalidInput
        If *n* is negative or missing, or *successes* is not between 0 and
        *n*.

    References
    ----------
    .. [1] Wilson, E. B. (1927), Probable inference, the law of succession,
       and statistical inference, JASA 22(158), 209-212.

    Examples
    --------
    8 of 10: phat = 0.8, z^2 = 3.8415, centre = (0.8 + 0.19207) / 1.38415 =
    0.71674 and half = 1.41600 * sqrt(0.016 + 0.0096) = 0.22658. For 0 of 5
    the interval starts at 0 and still has width:

    >>> from forecasts.scoring import wilson_interval
    >>> low, high = wilson_interval(8, 10)
    >>> round(low, 3), round(high, 3)
    (0.49, 0.943)
    >>> low, high = wilson_interval([0, 0], [5, 0])
    >>> low.round(3), high.round(3)
    (array([ 0., nan]), array([0.434,   nan]))
    """
    scalar = np.ndim(successes) == 0 and np.ndim(n) == 0
    s = np.asarray(successes, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    if s.shape != m.shape and not scalar:
        s, m = np.broadcast_arrays(s, m)
    bad_n = ~(m >= 0)
    if bad_n.any():
        i = int(np.argmax(bad_n.ravel()))
        raise InvalidInput("n", "must be a count of at least 0", m.ravel()[i], i)
    bad = ~((s >= 0) & (s <= m))
    if bad.any():
        i = int(np.argmax(bad.ravel()))
        raise InvalidInput("successes", "must be between 0 and n", s.ravel()[i], i)
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = s / m
        z2 = z * z
        denom = 1.0 + z2 / m
        centre = (phat + z2 / (2.0 * m)) / denom
        half = z / denom * np.sqrt(phat * (1.0 - phat) / m + z2 / (4.0 * m * m))
    low = np.where(s == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(s == m, 1.0, np.clip(centre + half, 0.0, 1.0))
    empty = m == 0
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    if scalar:
        return float(low), float(high)
    return low, high


def _calibration_frame(stats: _BinStats, z: float = Z95) -> pd.DataFrame:
    full = np.flatnonzero(stats.count > 0)
    low, high = wilson_interval(stats.hits[full], stats.count[full], z)
    frame = pd.DataFrame(
        {
            "bin_lower": stats.edges[full],
            "bin_upper": stats.edges[full + 1],
            "n": stats.count[full].astype(np.int64),
            "mean_forecast": stats.mean_forecast[full],
            "observed_frequency": stats.observed[full],
            "ci_low": low,
            "ci_high": high,
        },
        index=pd.Index(full, name="bin"),
    )
    return frame


def calibration_table(probability: Any, outcome: Any, bins: int = DEFAULT_BINS) -> pd.DataFrame:
    """Calibration table: one row per non-empty forecast bin.

    Columns: ``bin_lower``, ``bin_upper`` (bin k covers [k/B, (k+1)/B), the last
    bin includes 1), ``n`` (forecasts in the bin), ``mean_forecast``,
    ``observed_frequency`` (share of them that happened) and ``ci_low``,
    ``ci_high``: the Wilson (1927) 95% interval of the observed frequency. The
    index is the bin number. A well-calibrated forecaster's observed
    frequencies sit near the mean forecasts, within the intervals.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        1 where the event happened, 0 where it did not.
    bins : int, default ``DEFAULT_BINS`` (10)
        Number of equal-width forecast bins, at least 1.

    Returns
    -------
    pandas.DataFrame
        The columns ``CALIBRATION_COLUMNS``, one row per non-empty bin.

    Raises
    ------
    InvalidInput
        If the inputs are not probabilities and 0/1 outcomes of one length,
        or *bins* is not an integer of at least 1.

    References
    ----------
    .. [1] Wilson, E. B. (1927), Probable inference, the law of succession,
       and statistical inference, JASA 22(158), 209-212.

    Examples
    --------
    Half of the 20% forecasts happened, all of the 80% ones:

    >>> from forecasts.scoring import calibration_table
    >>> table = calibration_table([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1])
    >>> table[["bin_lower", "n", "mean_forecast", "observed_frequency"]]
         bin_lower  n  mean_forecast  observed_frequency
    bin
    2          0.2  2            0.2                 0.5
    8          0.8  2            0.8                 1.0
    """
    bins = check_bins(bins)
    p = as_probabilities(probability)
    o = as_outcomes(outcome)
    check_same_length(("probability", p), ("outcome", o))
    return _calibration_frame(_bin_stats(p, o, bins))


def grouped_calibration_bins(
    probability: np.ndarray, outcome: np.ndarray, codes: np.ndarray, n_groups: int, bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`calibration_table`'s ``n``, ``mean_forecast`` and ``observed_frequency``
    for many groups at once (no validation; *codes* numbers each row's group 0 ..
    n_groups-1): five arrays over the non-empty (group, bin) cells, ordered by group
    then bin: group, bin, n, mean forecast, observed frequency. One pass over the
    rows, however many groups (a board draws a glyph per pundit)."""
    cell, _ = _bin_index(probability, bins)
    cell = codes.astype(np.int64) * bins + cell
    size = n_groups * bins
    count = np.bincount(cell, minlength=size)
    sum_p = np.bincount(cell, weights=probability, minlength=size)
    hits = np.bincount(cell, weights=outcome, minlength=size)
    full = np.flatnonzero(count)
    n = count[full]
    return full // bins, full % bins, n, sum_p[full] / n, hits[full] / n
