"""Skill across different questions, and ranks that admit what they do not know.

A pundit who answered only easy questions has a low mean Brier score for it; one who
answered hard ones is punished for it. This module separates the two and says how
sure a rank is.

Difficulty-adjusted score
-------------------------
Each forecast's score is modelled as the pundit's skill plus the question's
difficulty, fitted jointly by ridge-regularised least squares::

    score[k] ~ mu + skill[pundit[k]] + difficulty[question[k]]

minimising ``sum_k w[k] (score[k] - mu - skill - difficulty)^2 + ridge (|skill|^2 +
|difficulty|^2)``. The pairwise skill model Metaculus uses for its bot leaderboards
is of this additive form (a player effect plus a question effect, ridge-regularised).
The normal equations have a unique solution for any ``ridge > 0`` (the objective is
then strictly convex). The fit solves them by conjugate gradients (Jacobi
preconditioned, matrix-free: a few sums over the forecasts per step, so a board of
10,000 pundits costs what its forecasts cost); the bootstrap eliminates the
difficulties exactly (their block is diagonal) and solves the remaining P + 1
equations for the skills and the mean directly, many resamples per call. A pundit's
**adjusted score** is ``mu + skill``: the mean score expected from them on a question
of average difficulty, in the score's own units (for Brier, lower is better).
``ridge`` acts like that many pseudo-forecasts of zero effect: a record of a few
forecasts is pulled towards the registry's mean.

Intervals come from a bootstrap over *questions* (each resampled question brings all
its forecasts, so forecasts on one question are not treated as independent); the
rank interval of each pundit is read off the same resamples.

Honest ranks
------------
:func:`honest_ranks` gives each pundit the rank ``1 + the number of pundits whose
interval lies wholly better than theirs``: pundits whose intervals overlap share a
rank, and two equal means never rank apart by floating-point noise.

Shrunk means
------------
:func:`shrunk_means` is the empirical-Bayes (normal-normal) estimate of each
pundit's mean: ``grand + B (mean - grand)`` with ``B = tau^2 / (tau^2 + sigma^2 / n)``,
``sigma^2`` the pooled within-pundit variance and ``tau^2`` the between-pundit
variance by the method of moments (Efron and Morris 1975). Small records move most.

Weights
-------
:func:`question_weights` gives each of the k forecasts one pundit made on one question
the weight 1/k, so that repeating a forecast does not count ten times (as
FiveThirtyEight weights its forecasts when it checks its own calibration).

References
----------
Efron, B. and Morris, C. (1975), Data analysis using Stein's estimator and its
generalizations, JASA 70(350), 311-319.
Hoerl, A. E. and Kennard, R. W. (1970), Ridge regression, Technometrics 12(1), 55-67.
Metaculus (2024), "AI Benchmarking: scoring and the skill model", Metaculus notebook
on the bot tournament leaderboard.
FiveThirtyEight (2019), "How Good Are FiveThirtyEight Forecasts?", methodology notes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .bootstrap import DEFAULT_SEED
from .groups import factorize
from .validate import (
    InvalidInput,
    as_finite_array,
    as_numeric_array,
    check_count,
    check_coverage,
    check_same_length,
)

__all__ = ["adjusted_scores", "honest_ranks", "question_weights", "shrunk_means"]

DEFAULT_RIDGE = 1.0
DEFAULT_SKILL_RESAMPLES = 200
_CG_TOLERANCE = 1e-12
_CG_STEPS = 2_000
# Means closer than this are equal when ranking (scores are sums of a few floats).
RANK_TOLERANCE = 1e-9


def _weights(values: Any, n: int) -> np.ndarray:
    if values is None:
        return np.ones(n)
    w = as_numeric_array(values, "weight")
    check_same_length(("score", range(n)), ("weight", w))
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidInput("weight", "must be a positive number", w[i], i)
    return w


def question_weights(pundit: Any, question: Any) -> np.ndarray:
    """Weight ``1/k`` for each of the ``k`` forecasts one pundit made on one question.

    Parameters
    ----------
    pundit, question : array_like, shape (n,)
        Who made each forecast, and on which question (any hashable labels).

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        Each forecast's weight; a pundit's weights on one question sum to 1.

    References
    ----------
    .. [1] FiveThirtyEight (2019), "How Good Are FiveThirtyEight Forecasts?".

    Examples
    --------
    Ann revised her forecast on q1 three times; Bo forecast q1 once:

    >>> from forecasts.scoring import question_weights
    >>> question_weights(["ann", "ann", "ann", "bo"], ["q1", "q1", "q1", "q1"]).round(3).tolist()
    [0.333, 0.333, 0.333, 1.0]
    """
    who, _ = factorize(pundit, "pundit")
    what, labels = factorize(question, "question")
    check_same_length(("pundit", who), ("question", what))
    pair = who.astype(np.int64) * max(len(labels), 1) + what
    _, index, count = np.unique(pair, return_inverse=True, return_counts=True)
    return 1.0 / count[index]


class _Design:
    """The model's normal equations, reduced to the pundits and the mean.

    The difficulties have a diagonal block (``W_j + ridge`` for question j), so they
    are eliminated exactly (Schur complement): what is left is a system of P + 1
    equations (the skills and ``mu``), whatever the number of questions. Every sum in
    it runs over questions, so a bootstrap resample, which draws each question
    ``m_j`` times, only reweights those sums by ``m_j``.
    """

    def __init__(self, s, w, who, what, n_pundits: int, n_questions: int, ridge: float):
        P, Q = n_pundits, n_questions
        self.P, self.Q, self.ridge = P, Q, ridge
        # One entry per (pundit, question): total weight c and weighted score sum t.
        pair, index = np.unique(who.astype(np.int64) * Q + what, return_inverse=True)
        self.i, self.j = (pair // Q).astype(np.intp), (pair % Q).astype(np.intp)
        self.c = np.bincount(index, weights=w)
        self.t = np.bincount(index, weights=w * s)
        order = np.argsort(self.j, kind="stable")
        self.i, self.j, self.c, self.t = self.i[order], self.j[order], self.c[order], self.t[order]
        self.per_question = np.bincount(self.j, minlength=Q)
        # Each question's total weight and weighted score (one copy of it), and the
        # inverse of its diagonal entry: the same for every resample.
        self.W_j = np.bincount(self.j, weights=self.c, minlength=Q)
        self.R_j = np.bincount(self.j, weights=self.t, minlength=Q)
        D = self.W_j + ridge
        with np.errstate(invalid="ignore", divide="ignore"):
            self.inv = np.where(D > 0, 1.0 / D, 0.0)
        self._products: tuple | None = None  # built when a direct solve needs them

    def _cross_products(self) -> tuple:
        """What C D^-1 C^T is summed from: the dense C, or the pairs of entries."""
        if self._products is not None:
            return self._products
        P, Q, per_question = self.P, self.Q, self.per_question
        # C D^-1 C^T: as a dense product (P x Q matrix, about P^2 Q operations), or summed
        # over the pairs of entries that share a question (sum of n_j^2 of them, each a
        # few times dearer): whichever costs less.
        pairs = int(np.dot(per_question, per_question))
        dense = P * Q <= 4_000_000 and 8 * pairs > P * P * Q
        if dense:
            C = np.zeros((P, Q))
            np.add.at(C, (self.i, self.j), self.c)
            self._products = (C,)
        else:
            # Pairs of entries on one question: (first, second) indices into the entries.
            starts = np.concatenate(([0], np.cumsum(per_question)[:-1]))
            n_e = per_question[self.j]
            first = np.repeat(np.arange(len(self.j)), n_e)
            offsets = np.arange(len(first)) - np.repeat(np.cumsum(n_e) - n_e, n_e)
            self._products = (None, first, starts[self.j[first]] + offsets)
        return self._products

    def system(self, m: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The reduced equations ``M x = rhs`` for x = (skills, mu), with question j
        counted ``m[j]`` times (default once)."""
        P, Q, ridge = self.P, self.Q, self.ridge
        i, j, c, t = self.i, self.j, self.c, self.t
        m = np.ones(Q) if m is None else m
        mc, mt = m[j] * c, m[j] * t  # entries weighted by their question's draws
        W_i = np.bincount(i, weights=mc, minlength=P)
        W_j, R_j, inv = self.W_j, self.R_j, self.inv
        M = np.zeros((P + 1, P + 1))
        M[np.arange(P), np.arange(P)] = W_i + ridge
        M[:P, P] = M[P, :P] = W_i
        M[P, P] = float(np.dot(m, W_j))
        # minus C D^-1 C^T, summed over the copies of each question
        products = self._cross_products()
        if products[0] is not None:
            C = products[0]
            M[:P, :P] -= (C * (m * inv)) @ C.T
        else:
            _, first, second = products
            value = c[first] * c[second] * (m * inv)[j[first]]
            M[:P, :P] -= np.bincount(
                i[first] * P + i[second], weights=value, minlength=P * P
            ).reshape(P, P)
        cross = np.bincount(i, weights=mc * (W_j * inv)[j], minlength=P)
        M[:P, P] -= cross
        M[P, :P] -= cross
        M[P, P] -= float(np.dot(m, W_j * W_j * inv))
        rhs = np.empty(P + 1)
        rhs[:P] = np.bincount(i, weights=mt, minlength=P) - np.bincount(
            i, weights=mc * (R_j * inv)[j], minlength=P
        )
        rhs[P] = float(np.dot(m, R_j)) - float(np.dot(m, W_j * R_j * inv))
        return M, rhs

    def effects(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(mu, skill, difficulty) from a solution x of the reduced equations."""
        P, Q, i, j, c = self.P, self.Q, self.i, self.j, self.c
        W_j, R_j, inv = self.W_j, self.R_j, self.inv
        skill, mu = x[:P], float(x[P])
        difficulty = (R_j - np.bincount(j, weights=c * skill[i], minlength=Q) - W_j * mu) * inv
        if self.ridge == 0:  # effects of mean 0 (the fit is the same)
            shift = float(difficulty.mean()) + float(skill.mean())
            skill, difficulty, mu = skill - skill.mean(), difficulty - difficulty.mean(), mu + shift
        return mu, skill, difficulty

    def solve_all(self, systems: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """The solutions of several systems at once (one batched call: for many small
        systems the per-call cost of LAPACK dominates)."""
        M = np.stack([system[0] for system in systems])
        rhs = np.stack([system[1] for system in systems])[..., None]
        if self.ridge > 0:
            return np.linalg.solve(M, rhs)[..., 0]
        # Without a ridge the effects are free up to shifts: least-norm solutions, whose
        # shifts ``effects`` fixes.
        return np.stack(
            [np.linalg.lstsq(a, b[:, 0], rcond=None)[0] for a, b in zip(M, rhs, strict=True)]
        )

    def solve(self, m: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
        """(mu, skill, difficulty) with question j counted ``m[j]`` times (default once).
        The fit itself, with a ridge, is iterative (``iterate``): the reduced system is
        dense in P x P, too big for a board of many thousands of pundits."""
        if self.ridge > 0 and m is None:
            return self.iterate()
        return self.effects(self.solve_all([self.system(m)])[0])

    def iterate(self) -> tuple[float, np.ndarray, np.ndarray]:
        """The full normal equations by conjugate gradients with a Jacobi preconditioner,
        matrix-free: each step is a few sums over the (pundit, question) entries, so
        memory and time grow with the forecasts, not with P^2."""
        P, Q, ridge = self.P, self.Q, self.ridge
        i, j, c = self.i, self.j, self.c

        def apply(v: np.ndarray) -> np.ndarray:
            fitted = c * (v[P + Q] + v[i] + v[P + j])
            out = np.empty_like(v)
            out[:P] = np.bincount(i, weights=fitted, minlength=P) + ridge * v[:P]
            out[P : P + Q] = np.bincount(j, weights=fitted, minlength=Q) + ridge * v[P : P + Q]
            out[P + Q] = fitted.sum()
            return out

        b = np.concatenate(
            (
                np.bincount(i, weights=self.t, minlength=P),
                self.R_j,
                [self.t.sum()],
            )
        )
        diagonal = np.concatenate(
            (
                np.bincount(i, weights=c, minlength=P) + ridge,
                self.W_j + ridge,
                [c.sum()],
            )
        )
        x = np.zeros(P + Q + 1)
        x[P + Q] = b[P + Q] / diagonal[P + Q]  # start from the mean
        r = b - apply(x)
        z = r / diagonal
        direction = z.copy()
        rz = float(r @ z)
        limit = _CG_TOLERANCE * float(np.linalg.norm(b))
        for _ in range(_CG_STEPS):
            if float(np.linalg.norm(r)) <= limit:
                break
            applied = apply(direction)
            step = rz / float(direction @ applied)
            x += step * direction
            r -= step * applied
            z = r / diagonal
            rz, previous = float(r @ z), rz
            direction = z + (rz / previous) * direction
        return float(x[P + Q]), x[:P], x[P : P + Q]


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based competition ranks, lower values first, NaN left NaN; values within
    ``RANK_TOLERANCE`` of each other share a rank."""
    ranks = np.full(len(values), np.nan)
    present = np.flatnonzero(~np.isnan(values))
    if len(present):
        ordered = np.sort(values[present])
        # rank = 1 + how many are lower by more than the tolerance
        ranks[present] = 1 + np.searchsorted(ordered, values[present] - RANK_TOLERANCE, "right")
    return ranks


def adjusted_scores(
    score: Any,
    pundit: Any,
    question: Any,
    *,
    weight: Any = None,
    ridge: float = DEFAULT_RIDGE,
    n_resamples: int = DEFAULT_SKILL_RESAMPLES,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Difficulty-adjusted mean score per pundit, with question-bootstrap intervals and
    rank intervals.

    Parameters
    ----------
    score : array_like of float, shape (n,)
        One score per forecast, lower is better (for example Brier scores).
    pundit, question : array_like, shape (n,)
        Who made each forecast, and on which question.
    weight : array_like of float, shape (n,), optional
        A positive weight per forecast (for example :func:`question_weights`).
    ridge : float, default 1.0
        The ridge penalty on skills and difficulties, at least 0 (0: none; then a
        pundit or question with no connection to the rest is not identified).
    n_resamples : int, default 200
        Bootstrap resamples over questions; 0 for no intervals.
    confidence : float, default 0.95
        Coverage of the intervals.
    seed : int, default ``DEFAULT_SEED``
        Seed of the PCG64 generator.

    Returns
    -------
    pandas.DataFrame
        One row per pundit, in order of first appearance: ``pundit``, ``n``
        (forecasts), ``questions``, ``mean`` (the plain weighted mean), ``adjusted``
        (``mu + skill``), ``low`` and ``high`` (its interval), ``rank`` (by
        ``adjusted``, ties within ``RANK_TOLERANCE`` shared), ``rank_low`` and
        ``rank_high`` (the rank interval). Intervals are NaN without resamples.

    Raises
    ------
    InvalidInput
        For a non-finite score, mismatched lengths, a bad weight or setting, or no
        forecasts.

    References
    ----------
    .. [1] Hoerl and Kennard (1970), Technometrics 12(1), 55-67.
    .. [2] Metaculus (2024), skill model of the AI benchmarking leaderboard.

    Examples
    --------
    Two questions, one hard (everyone scores 0.1 worse on it). Ann answered both, Bo
    only the hard one and scored as Ann did there: without the ridge, Bo's adjusted
    score equals Ann's, although Bo's plain mean is worse:

    >>> from forecasts.scoring import adjusted_scores
    >>> t = adjusted_scores([0.1, 0.2, 0.2], ["ann", "ann", "bo"], ["easy", "hard", "hard"],
    ...                     ridge=0.0, n_resamples=0)
    >>> t[["pundit", "mean", "rank"]].round(3).values.tolist()
    [['ann', 0.15, 1.0], ['bo', 0.2, 1.0]]
    >>> bool(abs(t["adjusted"][0] - t["adjusted"][1]) < 1e-9)
    True
    """
    s = as_finite_array(score, "score")
    who, pundits = factorize(pundit, "pundit")
    what, questions = factorize(question, "question")
    n = check_same_length(("score", s), ("pundit", who), ("question", what))
    if n == 0:
        raise InvalidInput("score", "must have at least one forecast")
    w = _weights(weight, n)
    if not (np.isfinite(ridge) and ridge >= 0):
        raise InvalidInput("ridge", "must be a number of at least 0", ridge)
    check_count(n_resamples, "n_resamples", 0)
    check_coverage(confidence, "confidence")
    P, Q = len(pundits), len(questions)
    design = _Design(s, w, who, what, P, Q, ridge)
    mu, skill, _ = design.solve()
    adjusted = mu + skill
    count = np.bincount(who, minlength=P)
    answered = np.bincount(design.i, minlength=P)  # one entry per (pundit, question)
    mean = np.bincount(who, weights=w * s, minlength=P) / np.bincount(who, weights=w, minlength=P)
    low = high = rank_low = rank_high = np.full(P, np.nan)
    if n_resamples:
        draws, ranks = _question_bootstrap(design, who, what, n_resamples, seed)
        alpha = (1.0 - float(confidence)) / 2.0
        low, high = np.nanquantile(draws, [alpha, 1.0 - alpha], axis=0)
        rank_low, rank_high = np.nanquantile(ranks, [alpha, 1.0 - alpha], axis=0)
    return pd.DataFrame(
        {
            "pundit": pundits,
            "n": count,
            "questions": answered,
            "mean": mean,
            "adjusted": adjusted,
            "low": low,
            "high": high,
            "rank": _ranks(adjusted),
            "rank_low": np.floor(rank_low),
            "rank_high": np.ceil(rank_high),
        }
    )


def _question_bootstrap(design: _Design, who, what, n_resamples: int, seed: int):
    """Adjusted scores and ranks refitted on resamples of the questions (B x P; NaN
    for a pundit none of whose questions was drawn)."""
    P, Q = design.P, design.Q
    rng = np.random.Generator(np.random.PCG64(seed))
    draws = np.full((n_resamples, P), np.nan)
    batch = max(1, min(64, 2_000_000 // (P + 1) ** 2))  # systems solved per call
    for first in range(0, n_resamples, batch):
        weights = [
            np.bincount(rng.integers(0, Q, Q), minlength=Q).astype(float)
            for _ in range(first, min(first + batch, n_resamples))
        ]
        solutions = design.solve_all([design.system(m) for m in weights])
        for offset, (m, x) in enumerate(zip(weights, solutions, strict=True)):
            present = np.bincount(design.i, weights=m[design.j], minlength=P) > 0
            if design.ridge > 0:  # mu + skill straight from the solution
                adjusted = x[P] + x[:P]
            else:  # its shifts fixed first
                mu, skill, _ = design.effects(x)
                adjusted = mu + skill
            draws[first + offset] = np.where(present, adjusted, np.nan)
    ranks = np.array([_ranks(row) for row in draws])
    return draws, ranks


def honest_ranks(mean: Any, low: Any, high: Any) -> np.ndarray:
    """Ranks that share a place where the intervals overlap (lower scores better).

    Parameters
    ----------
    mean, low, high : array_like of float, shape (k,)
        Each pundit's mean score and its interval; NaN bounds mean "no interval"
        (the pundit is then ranked by the mean alone against the others' intervals).

    Returns
    -------
    numpy.ndarray of int, shape (k,)
        ``1 +`` the number of pundits whose interval lies wholly below this pundit's
        (their ``high`` below this ``low``).

    Examples
    --------
    A clearly best pundit, then two whose intervals overlap, then one behind both:

    >>> from forecasts.scoring import honest_ranks
    >>> honest_ranks([0.05, 0.15, 0.17, 0.40],
    ...              [0.02, 0.10, 0.12, 0.30],
    ...              [0.08, 0.20, 0.22, 0.50]).tolist()
    [1, 2, 2, 4]
    """
    m = as_numeric_array(mean, "mean")
    lo = as_numeric_array(low, "low")
    hi = as_numeric_array(high, "high")
    check_same_length(("mean", m), ("low", lo), ("high", hi))
    lo = np.where(np.isnan(lo), m, lo)
    hi = np.where(np.isnan(hi), m, hi)
    ordered = np.sort(hi[~np.isnan(hi)])
    return (1 + np.searchsorted(ordered, lo - RANK_TOLERANCE, "left")).astype(int)


def shrunk_means(score: Any, pundit: Any) -> pd.DataFrame:
    """Empirical-Bayes means: each pundit's mean score pulled towards the grand mean,
    the more the fewer forecasts they have.

    Parameters
    ----------
    score : array_like of float, shape (n,)
        One score per forecast.
    pundit : array_like, shape (n,)
        Who made each forecast.

    Returns
    -------
    pandas.DataFrame
        One row per pundit: ``pundit``, ``n``, ``mean``, ``shrunk``, and ``weight``
        (``B``, the share of the pundit's own deviation kept, between 0 and 1).

    References
    ----------
    .. [1] Efron, B. and Morris, C. (1975), JASA 70(350), 311-319.

    Examples
    --------
    Ann has four forecasts, Bo one: Bo's mean moves further towards the grand mean.

    >>> from forecasts.scoring import shrunk_means
    >>> t = shrunk_means([0.0, 0.1, 0.0, 0.1, 0.0, 0.5, 0.6, 0.4], list("aaaabccc"))
    >>> t["pundit"].tolist(), t["n"].tolist()
    (['a', 'b', 'c'], [4, 1, 3])
    >>> bool(abs(t["shrunk"][1] - t["mean"][1]) > abs(t["shrunk"][0] - t["mean"][0]))
    True
    """
    s = as_finite_array(score, "score")
    who, pundits = factorize(pundit, "pundit")
    check_same_length(("score", s), ("pundit", who))
    if len(s) == 0:
        raise InvalidInput("score", "must have at least one forecast")
    P = len(pundits)
    n = np.bincount(who, minlength=P)
    mean = np.bincount(who, weights=s, minlength=P) / n
    within = np.bincount(who, weights=(s - mean[who]) ** 2, minlength=P)
    shrunk, kept = shrunk_from_statistics(n, mean, within)
    return pd.DataFrame({"pundit": pundits, "n": n, "mean": mean, "shrunk": shrunk, "weight": kept})


def shrunk_from_statistics(
    n: np.ndarray, mean: np.ndarray, within: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`shrunk_means` from each pundit's count ``n``, mean score and sum of
    squared deviations from that mean (``within``): what a board keeps per pundit,
    so the shrunk means need no pass over the forecasts. Returns the shrunk means
    and the weights ``B`` (no validation)."""
    n = np.asarray(n, dtype=float)
    mean = np.asarray(mean, dtype=float)
    P, total = len(n), float(n.sum())
    grand = float(np.dot(n, mean) / total)
    noise = float(np.sum(within)) / max(total - P, 1) / n
    between = max(float(np.var(mean, ddof=1)) - float(noise.mean()), 0.0) if P > 1 else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        kept = np.where(between + noise > 0, between / (between + noise), 1.0)
    return grand + kept * (mean - grand), kept
