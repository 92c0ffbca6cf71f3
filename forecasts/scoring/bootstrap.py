"""Uncertainty of a mean score: percentile bootstrap with a fixed seed (Efron 1979).

Method
------
For a set of n scores the interval is the percentile bootstrap: draw
``n_resamples`` (B, default 1000) resamples of size n with replacement, take
the mean of each, and report the 2.5% and 97.5% quantiles of those B means
(linear interpolation, as ``numpy.quantile``) for a 95% interval.

Reproducibility: the resamples come from ``numpy.random.Generator(PCG64(seed))``
with ``seed = DEFAULT_SEED = 1979`` unless told otherwise. The generator draws
one matrix ``U`` of uniforms of shape (n, B) (row-major, so its first m rows
are the same whatever n is), and resample b of a set of size n takes element
``floor(U[j, b] * n)`` for draw j = 0 .. n-1. A set's interval therefore
depends only on its own scores (in their order), the seed and B: the same
input always gives the same interval, and a forecaster's interval does not
change when another forecaster's forecasts are added.

Speed: the draws are made once per distinct set size n, for all the sets of
that size, into buffers reused from one size to the next (B x n indices,
``floor(U[:n].T * n)``). When there are few such sets, each set's B means are
sums of its drawn scores. Otherwise a resample is a vector of counts c (how
often each score was drawn), so the B resample means of all the sets of that
size are one matrix product ``scores (sets x n) @ counts (n x B) / n``, done by
the BLAS in slices of the resamples small enough to stay on one thread (for
these many small products a multithreaded BLAS spends more on waking and
waiting for its threads than it saves). Both add the same drawn scores, so they
agree to rounding (about 1e-16).

Large sets: above ``NORMAL_ABOVE = 1000`` scores the bootstrap distribution of
a mean is indistinguishable from the normal distribution with the bootstrap
standard error ``sd / sqrt(n)`` (``sd`` the plug-in standard deviation, ddof=0,
which is exactly the standard error of the ideal bootstrap), so the interval
is ``mean +- z sd / sqrt(n)`` (z = 1.96 for 95%), clipped to the range of the
set's own values, as every bootstrap mean lies within it (so a set's interval
depends on its own scores alone, whatever the other groups hold). This keeps a
1,000,000-row file, or 200 forecasters with 5,000 forecasts each, to a few
milliseconds; the exact
bootstrap costs about B operations per score in the smaller sets.

Reference: Efron, B. (1979), Bootstrap methods: another look at the jackknife,
Annals of Statistics 7(1), 1-26.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from .groups import factorize
from .validate import InvalidInput, as_finite_array, check_count, check_coverage

DEFAULT_SEED = 1979
DEFAULT_RESAMPLES = 1000
#: Sets with more scores than this use the normal approximation.
NORMAL_ABOVE = 1000
DEFAULT_CONFIDENCE = 0.95

# Upper bound on the number of floats in one block of resample means.
_BLOCK_FLOATS = 4_000_000
# Up to this many sets of one size are resampled by gathering their drawn scores;
# beyond, building the counts matrix once and one matrix product is cheaper.
_GATHER_SETS = 3
# Multiply-adds in one matrix product, small enough for a BLAS to keep it on one thread.
_SERIAL_PRODUCT = 1 << 18


def _check_settings(confidence: float, n_resamples: int, normal_above: int) -> float:
    confidence = check_coverage(confidence, "confidence")
    check_count(n_resamples, "n_resamples", 1)
    check_count(normal_above, "normal_above", 0)
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def grouped_mean_intervals(
    values: np.ndarray,
    codes: np.ndarray | None,
    n_groups: int,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    normal_above: int = NORMAL_ABOVE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and interval bounds of *values* in each group 0 .. n_groups-1.

    Low-level form of :func:`bootstrap_mean_intervals` for callers that already
    have validated finite float values and integer codes; ``codes=None`` means
    one group of all the values. Empty groups get NaN.
    """
    z = _check_settings(confidence, n_resamples, normal_above)
    if codes is None:
        n_groups = 1
        count = np.array([len(values)])
        total = np.array([values.sum()])
    else:
        count = np.bincount(codes, minlength=n_groups)
        total = np.bincount(codes, weights=values, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    low = np.full(n_groups, np.nan)
    high = np.full(n_groups, np.nan)

    large = count > normal_above
    if large.any():
        if codes is None:  # one set: plain reductions beat grouped ones
            deviation = values - mean[0]
            spread = np.array([np.dot(deviation, deviation)])
        else:
            deviation = mean[codes]  # in place from here: fewer fresh arrays
            np.subtract(values, deviation, out=deviation)
            np.square(deviation, out=deviation)
            spread = np.bincount(codes, weights=deviation, minlength=n_groups)
        # Clipped to each set's own range.
        if codes is None:
            smallest, largest = values.min(), values.max()
        else:
            smallest = np.full(n_groups, np.inf)
            largest = np.full(n_groups, -np.inf)
            np.minimum.at(smallest, codes, values)
            np.maximum.at(largest, codes, values)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = z * np.sqrt(spread / count) / np.sqrt(count)
        low[large] = np.maximum(mean - half, smallest)[large]
        high[large] = np.minimum(mean + half, largest)[large]

    small = (count > 0) & ~large
    if small.any():
        if codes is None:
            codes = np.zeros(len(values), dtype=np.intp)
        _exact_bootstrap(values, codes, count, small, low, high, confidence, n_resamples, seed)
    return count, mean, low, high


# The transposed uniforms of the sizes most sets have, drawn once per (seed, B) and
# kept: a board's write recomputes a few pundits' intervals, and drawing a million
# uniforms each time would cost more than the resampling. Larger draws are not kept.
_KEPT_DRAWS = 2048
_drawn: dict[tuple[int, int], np.ndarray] = {}


def _uniforms_by_resample(seed: int, n_resamples: int, size: int) -> np.ndarray:
    """(B x m) array, m >= size, whose row b, columns :size, are resample b's uniforms
    ``U[:size, b]`` (the first rows of U are the same whatever its length)."""
    found = _drawn.get((seed, n_resamples))
    if found is not None and found.shape[1] >= size:
        return found
    rows = size if size > _KEPT_DRAWS else max(size, min(_KEPT_DRAWS, 2 * size))
    uniforms = np.random.Generator(np.random.PCG64(seed)).random((rows, n_resamples))
    by_resample = np.ascontiguousarray(uniforms.T)
    by_resample.flags.writeable = False
    if rows <= _KEPT_DRAWS:
        _drawn[(seed, n_resamples)] = by_resample
    return by_resample


def _percentiles(means: np.ndarray, levels: tuple[float, float]) -> list[np.ndarray]:
    """Row-wise quantiles of *means*, as ``numpy.quantile(..., method="linear")``.

    Sorting the rows in place (SIMD sort) and interpolating is several times
    faster than ``numpy.quantile`` on many short rows. *means* is overwritten.
    """
    means.sort(axis=1)
    last = means.shape[1] - 1
    result = []
    for level in levels:
        h = last * level
        below = int(np.floor(h))
        above = min(below + 1, last)
        t = h - below
        a, b = means[:, below], means[:, above]
        # numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) from t = 0.5 on
        result.append(b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t)
    return result


class _Resampler:
    """The B resample means of sets of one size at a time, in reused buffers.

    ``draws(size)`` fills a (B x size) matrix whose row b holds the elements
    drawn by resample b, ``floor(U[j, b] * size)`` for j < size (see the module
    docstring). Few sets of a size are resampled by gathering their drawn
    scores; many share one matrix of counts (how often each element is drawn in
    each resample) and one matrix product. Both add the same draws, so they
    differ only by rounding (a few ulps).
    """

    def __init__(self, by_resample: np.ndarray, largest: int, largest_block: int):
        n_resamples = by_resample.shape[0]
        self.n_resamples = n_resamples
        # Resample b's uniforms in one row: row b, columns :size, are its draws.
        self.by_resample = by_resample
        used = by_resample[:, :largest]
        self.highest = float(used.max()) if used.size else 0.0
        self.drawn = np.empty(largest * n_resamples, dtype=np.intp)
        self.scratch = np.empty(largest * n_resamples)
        self.means = np.empty(largest_block * n_resamples)

    def draws(self, size: int) -> np.ndarray:
        """(B x size): row b holds the elements resample b draws."""
        drawn = self.drawn[: size * self.n_resamples].reshape(self.n_resamples, size)
        # Truncation is floor for u >= 0. A product u * size could only round up
        # to size if the largest u's did (rounding is monotone): only then clamp.
        np.multiply(self.by_resample[:, :size], size, out=drawn, casting="unsafe")
        if self.highest * size >= size:
            np.minimum(drawn, size - 1, out=drawn)
        return drawn

    def gathered_means(self, block: np.ndarray, size: int) -> np.ndarray:
        """(sets x B) resample means of the rows of *block* (sets x size)."""
        drawn = self.draws(size)
        means = self.means[: len(block) * self.n_resamples].reshape(len(block), -1)
        picked = self.scratch[: drawn.size].reshape(drawn.shape)
        for row, scores in enumerate(block):
            # The draws are all in range, so "clip" changes none; unlike the default
            # mode it writes into the buffer directly.
            np.take(scores, drawn, out=picked, mode="clip")
            np.sum(picked, axis=1, out=means[row])
        means /= size
        return means

    def counts(self, size: int) -> np.ndarray:
        """(size x B) matrix: how often each element is drawn in each resample."""
        drawn = self.draws(size)
        drawn += np.arange(0, drawn.size, size)[:, None]  # row b counts in [b size, (b+1) size)
        tally = np.bincount(drawn.ravel(), minlength=drawn.size)
        counts = self.scratch[: drawn.size].reshape(self.n_resamples, size)
        np.copyto(counts, tally.reshape(self.n_resamples, size))
        return counts.T

    def multiplied_means(self, block: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
        """(sets x B) resample means of the rows of *block*: ``block @ counts / size``."""
        means = self.means[: len(block) * self.n_resamples].reshape(len(block), -1)
        # Products of a few resamples at a time: a multithreaded BLAS wakes its
        # threads for a product above a size (OpenBLAS: 2^18 multiply-adds), which
        # for these many small products costs more than it saves, on a busy
        # machine many times more. Smaller products run on the calling thread.
        width = max(1, _SERIAL_PRODUCT // block.size)
        for first in range(0, self.n_resamples, width):
            last = first + width
            np.matmul(block, counts[:, first:last], out=means[:, first:last])
        means /= size
        return means


def _exact_bootstrap(
    values: np.ndarray,
    codes: np.ndarray,
    count: np.ndarray,
    small: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    confidence: float,
    n_resamples: int,
    seed: int,
) -> None:
    n_groups = len(count)
    rows = np.flatnonzero(small[codes])
    # Rows of the bootstrapped groups, ordered by (group size, group), input
    # order kept within a group: each size's groups form one (groups x size) block.
    group_order = np.lexsort((np.arange(n_groups), count))
    rank = np.empty(n_groups, dtype=np.int64)
    rank[group_order] = np.arange(n_groups)
    key = rank[codes[rows]]
    if n_groups <= np.iinfo(np.uint16).max + 1:
        key = key.astype(np.uint16)  # a stable sort of 16-bit keys is a radix sort
    ordered = values[rows[np.argsort(key, kind="stable")]]
    sizes, sets = np.unique(count[small], return_counts=True)
    step = max(1, _BLOCK_FLOATS // n_resamples)
    resampler = _Resampler(
        _uniforms_by_resample(seed, n_resamples, int(sizes[-1])),
        int(sizes[-1]),
        min(int(sets.max()), step),
    )
    alpha = (1.0 - float(confidence)) / 2.0
    start = 0
    for size in sizes.tolist():
        groups = np.flatnonzero(small & (count == size))
        block = ordered[start : start + len(groups) * size].reshape(len(groups), size)
        start += len(groups) * size
        if len(groups) <= _GATHER_SETS:
            means = resampler.gathered_means(block, size)
            low[groups], high[groups] = _percentiles(means, (alpha, 1.0 - alpha))
            continue
        counts = resampler.counts(size)
        for first in range(0, len(groups), step):
            means = resampler.multiplied_means(block[first : first + step], counts, size)
            lower, upper = _percentiles(means, (alpha, 1.0 - alpha))
            low[groups[first : first + step]] = lower
            high[groups[first : first + step]] = upper


def bootstrap_mean_interval(
    values: Any,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    normal_above: int = NORMAL_ABOVE,
) -> tuple[float, float]:
    """Percentile-bootstrap interval (default 95%) of the mean of *values*.

    See the module docstring for the method, the seed and the normal
    approximation used above ``normal_above`` (default 1000) values; pass
    ``normal_above=len(values)`` to force the exact bootstrap. The interval
    always lies within the range of the values. Empty input gives
    ``(nan, nan)``.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Finite scores, for example one forecaster's Brier scores.
    confidence : float, default 0.95
        Coverage of the interval, strictly between 0 and 1.
    n_resamples : int, default ``DEFAULT_RESAMPLES`` (1000)
        Number of bootstrap resamples B, at least 1.
    seed : int, default ``DEFAULT_SEED`` (1979)
        Seed of the PCG64 generator: the same input always gives the same
        interval.
    normal_above : int, default ``NORMAL_ABOVE`` (1000)
        Above this many values, use the normal approximation.

    Returns
    -------
    low, high : float
        The bounds of the interval.

    Raises
    ------
    InvalidInput
        If a value is not a finite number, or a setting is out of range.

    References
    ----------
    .. [1] Efron, B. (1979), Bootstrap methods: another look at the
       jackknife, Annals of Statistics 7(1), 1-26.

    Examples
    --------
    A resample of ``[0, 1]`` has mean 0, 0.5 or 1 with chances 1/4, 1/2,
    1/4; about 250 of the 1000 means are 0 and 250 are 1, so the 2.5% and
    97.5% quantiles are the extremes. Equal values leave nothing to resample:

    >>> from forecasts.scoring import bootstrap_mean_interval
    >>> bootstrap_mean_interval([0, 1])
    (0.0, 1.0)
    >>> bootstrap_mean_interval([0.25, 0.25, 0.25])
    (0.25, 0.25)

    2000 alternating 0s and 1s take the normal approximation: mean 0.5,
    ``sd = 0.5``, half-width 1.96 * 0.5 / sqrt(2000) = 0.0219:

    >>> low, high = bootstrap_mean_interval([0, 1] * 1000)
    >>> round(low, 3), round(high, 3)
    (0.478, 0.522)
    """
    x = as_finite_array(values, "values")
    if len(x) == 0:
        _check_settings(confidence, n_resamples, normal_above)
        return float("nan"), float("nan")
    _, _, low, high = grouped_mean_intervals(
        x,
        None,
        1,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        normal_above=normal_above,
    )
    return float(low[0]), float(high[0])


def bootstrap_mean_intervals(
    values: Any,
    groups: Any,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    normal_above: int = NORMAL_ABOVE,
) -> pd.DataFrame:
    """:func:`bootstrap_mean_interval` for each group of *values* at once.

    Returns a DataFrame indexed by group label (in order of first appearance)
    with columns ``n``, ``mean``, ``ci_low``, ``ci_high``. Each group's interval
    is exactly what :func:`bootstrap_mean_interval` gives for that group alone.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Finite scores.
    groups : array_like, shape (n,)
        The group label of each value (for example the forecaster); no
        missing labels.
    confidence, n_resamples, seed, normal_above
        As for :func:`bootstrap_mean_interval`.

    Returns
    -------
    pandas.DataFrame
        One row per group, indexed by label.

    Raises
    ------
    InvalidInput
        If a value is not finite, a label is missing, the lengths differ, or
        a setting is out of range.

    References
    ----------
    .. [1] Efron, B. (1979), Bootstrap methods: another look at the
       jackknife, Annals of Statistics 7(1), 1-26.

    Examples
    --------
    The two sets of :func:`bootstrap_mean_interval`'s examples, at once:

    >>> from forecasts.scoring import bootstrap_mean_intervals
    >>> bootstrap_mean_intervals([0, 1, 0.25, 0.25], ["a", "a", "b", "b"])
           n  mean  ci_low  ci_high
    group
    a      2  0.50    0.00     1.00
    b      2  0.25    0.25     0.25
    """
    x = as_finite_array(values, "values")
    codes, labels = factorize(groups, "groups")
    if len(codes) != len(x):
        raise InvalidInput("groups", f"must have the same length as values ({len(x)})", len(codes))
    count, mean, low, high = grouped_mean_intervals(
        x,
        codes,
        len(labels),
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        normal_above=normal_above,
    )
    return pd.DataFrame(
        {"n": count.astype(np.int64), "mean": mean, "ci_low": low, "ci_high": high},
        index=pd.Index(labels, name="group"),
    )
