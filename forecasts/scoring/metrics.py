"""Per-forecast scoring rules: Brier and log scores, binary and multi-category.

All functions take probabilities and outcomes (lists, numpy arrays or pandas
Series), validate them (see :mod:`forecasts.scoring.validate`) and return one
score per forecast as a float64 numpy array; take ``.mean()`` for the score of
a set. Both rules are strictly proper (Gneiting & Raftery 2007): a forecaster
expecting to be scored by them does best by stating their true belief.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .validate import (
    InvalidInput,
    as_distributions,
    as_option_outcomes,
    as_outcomes,
    as_probabilities,
    check_eps,
    check_not_empty,
    check_same_length,
)

#: Default clipping constant of the log score: probabilities are clipped to
#: [0.001, 0.999], so a confident miss costs ln(0.001) = -6.91 at worst
#: instead of minus infinity.
DEFAULT_EPS = 0.001

#: Brier score of the uninformative "always 50%" forecast, whatever happens.
UNIFORM_BRIER = 0.25


def _binary(probability: Any, outcome: Any) -> tuple[np.ndarray, np.ndarray]:
    p = as_probabilities(probability, "probability")
    o = as_outcomes(outcome, "outcome")
    check_same_length(("probability", p), ("outcome", o))
    return p, o


def brier_score(probability: Any, outcome: Any) -> np.ndarray:
    """Binary Brier score of each forecast (Brier 1950).

    ``BS_i = (p_i - o_i)^2`` where ``p_i`` is the probability given to the event
    and ``o_i`` is 1 if it happened, 0 if not. Range 0 to 1; **lower is
    better**: 0 is a perfect forecast, 0.25 is what "always 50%" earns, 1 is
    certainty in the wrong outcome.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        1 where the event happened, 0 where it did not (booleans accepted).

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        The score of each forecast; ``.mean()`` is the score of the set.

    Raises
    ------
    InvalidInput
        If a probability is outside [0, 1] or missing, an outcome is not 0 or
        1, or the two lengths differ.

    References
    ----------
    .. [1] Brier, G. W. (1950), Verification of forecasts expressed in terms
       of probability, Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    80% on an event that happened, 30% on one that happened, 50% on one
    that did not:

    >>> from forecasts.scoring import brier_score
    >>> brier_score([0.8, 0.3, 0.5], [1, 1, 0])
    array([0.04, 0.49, 0.25])
    >>> brier_score([1.2], [1])
    Traceback (most recent call last):
    ...
    forecasts.scoring.validate.InvalidInput: probability: must be between 0 and 1 (got 1.2 ...)
    """
    p, o = _binary(probability, outcome)
    return (p - o) ** 2


def multi_brier_score(probabilities: Any, outcome: Any) -> np.ndarray:
    """Multi-category Brier score of each forecast (Brier 1950, original form).

    ``BS_i = sum_k (p_ik - o_ik)^2`` over the K options, where ``o_ik`` is 1 for
    the option that happened and 0 for the others. Range 0 to 2; **lower is
    better**: 0 is perfect, 2 is certainty in a wrong option. For two options
    it is twice the binary Brier score.

    Parameters
    ----------
    probabilities : array_like of float, shape (n, K)
        One row per forecast, one column per option; each row sums to 1
        (within 1e-6), and K is at least 2.
    outcome : array_like, shape (n,) or (n, K)
        The index (0 .. K-1) of the option that happened, one per forecast,
        or one-hot rows with exactly one 1.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        The score of each forecast.

    Raises
    ------
    InvalidInput
        If a row is not a probability distribution, an outcome is not an
        option index (or a one-hot row), or the lengths differ.

    References
    ----------
    .. [1] Brier, G. W. (1950), Verification of forecasts expressed in terms
       of probability, Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    50/30/20 over three options when the first happened scores
    0.5^2 + 0.3^2 + 0.2^2 = 0.38; 80/20 when the first happened scores
    0.04 + 0.04 = 0.08, twice the binary Brier score of 80%:

    >>> from forecasts.scoring import multi_brier_score
    >>> multi_brier_score([[0.5, 0.3, 0.2]], [0])
    array([0.38])
    >>> multi_brier_score([[0.5, 0.3, 0.2]], [[1, 0, 0]])
    array([0.38])
    >>> multi_brier_score([[0.8, 0.2]], [0])
    array([0.08])
    """
    p = as_distributions(probabilities, "probabilities")
    k = as_option_outcomes(outcome, p.shape[1], "outcome")
    check_same_length(("probabilities", p), ("outcome", k))
    rows = np.arange(len(k))
    # sum_k (p_k - o_k)^2 = sum_k p_k^2 - 2 p_happened + 1
    return np.einsum("ij,ij->i", p, p) - 2.0 * p[rows, k] + 1.0


def log_score(probability: Any, outcome: Any, eps: float = DEFAULT_EPS) -> np.ndarray:
    """Logarithmic score of each binary forecast (Good 1952; Gneiting & Raftery 2007).

    ``LS_i = ln(q_i)`` where ``q_i`` is the probability the forecast gave to
    what happened (``p_i`` if it happened, ``1 - p_i`` if not), after clipping
    ``p_i`` to ``[eps, 1 - eps]``, so a confident miss costs ln(0.001) = -6.91
    at the default eps instead of minus infinity. Range ln(eps) to
    ln(1 - eps), i.e. at most 0; **higher is better**. "Always 50%" earns
    ln(0.5) = -0.693. The mean equals minus scikit-learn's ``log_loss`` on the
    clipped probabilities.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        1 where the event happened, 0 where it did not.
    eps : float, default ``DEFAULT_EPS`` (0.001)
        Clipping constant, strictly between 0 and 0.5.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        The score of each forecast (natural logarithm).

    Raises
    ------
    InvalidInput
        As :func:`brier_score`, and if *eps* is not in (0, 0.5).

    References
    ----------
    .. [1] Good, I. J. (1952), Rational decisions, Journal of the Royal
       Statistical Society B 14(1), 107-114.
    .. [2] Gneiting, T. & Raftery, A. E. (2007), Strictly proper scoring
       rules, prediction, and estimation, JASA 102(477), 359-378.

    Examples
    --------
    ln(0.8) for 80% on an event that happened, ln(1 - 0.5) for 50% on one
    that did not, and certainty in the wrong outcome clipped to ln(0.001):

    >>> from forecasts.scoring import log_score
    >>> log_score([0.8, 0.5, 1.0], [1, 0, 0])
    array([-0.22314355, -0.69314718, -6.90775528])
    """
    eps = check_eps(eps)
    p, o = _binary(probability, outcome)
    return _log_scores(p, o, eps)


def _log_scores(p: np.ndarray, o: np.ndarray, eps: float) -> np.ndarray:
    """ln of the clipped probability given to what happened (validated input)."""
    happened = np.clip(p, eps, 1.0 - eps)
    # In place: one array instead of three temporaries on a million rows.
    np.subtract(1.0, happened, out=happened, where=o != 1.0)
    return np.log(happened, out=happened)


def multi_log_score(probabilities: Any, outcome: Any, eps: float = DEFAULT_EPS) -> np.ndarray:
    """Logarithmic score of each multi-category forecast.

    ``LS_i = ln(clip(p_i,k_i, eps, 1 - eps))`` where ``k_i`` is the option that
    happened. Range ln(eps) to ln(1 - eps); **higher is better**. A uniform
    forecast over K options earns ln(1/K).

    Parameters
    ----------
    probabilities : array_like of float, shape (n, K)
        As for :func:`multi_brier_score`.
    outcome : array_like, shape (n,) or (n, K)
        As for :func:`multi_brier_score`.
    eps : float, default ``DEFAULT_EPS`` (0.001)
        Clipping constant, as for :func:`log_score`.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        The score of each forecast (natural logarithm).

    Raises
    ------
    InvalidInput
        As :func:`multi_brier_score`, and if *eps* is not in (0, 0.5).

    References
    ----------
    .. [1] Gneiting, T. & Raftery, A. E. (2007), Strictly proper scoring
       rules, prediction, and estimation, JASA 102(477), 359-378.

    Examples
    --------
    Only the probability of the option that happened counts: ln(0.3) for
    the second of 50/30/20, ln(1/4) for a uniform forecast over four:

    >>> from forecasts.scoring import multi_log_score
    >>> multi_log_score([[0.5, 0.3, 0.2]], [1])
    array([-1.2039728])
    >>> multi_log_score([[0.25, 0.25, 0.25, 0.25]], [3])
    array([-1.38629436])
    """
    eps = check_eps(eps)
    p = as_distributions(probabilities, "probabilities")
    k = as_option_outcomes(outcome, p.shape[1], "outcome")
    check_same_length(("probabilities", p), ("outcome", k))
    return np.log(np.clip(p[np.arange(len(k)), k], eps, 1.0 - eps))


def skill_from_means(mean_brier: float, base_rate: float) -> tuple[float, float | None]:
    """Brier skill against "always 50%" and against the base rate, from summaries.

    Returns ``(vs_uniform, vs_base_rate)``; ``vs_base_rate`` is ``None`` when the
    base rate is 0 or 1 (the reference forecast is then perfect).
    """
    vs_uniform = 1.0 - mean_brier / UNIFORM_BRIER
    reference = base_rate * (1.0 - base_rate)
    vs_base_rate = None if reference == 0.0 else 1.0 - mean_brier / reference
    return float(vs_uniform), (None if vs_base_rate is None else float(vs_base_rate))


def brier_skill_score(
    probability: Any,
    outcome: Any,
    reference: Literal["uniform", "base_rate"] = "uniform",
) -> float | None:
    """Brier skill score of a set of forecasts against a reference forecast.

    ``BSS = 1 - BS / BS_ref`` with ``BS`` the mean Brier score of the set and
    ``BS_ref`` that of the reference. Range: at most 1; **higher is better**.
    1 is perfect, 0 is no better than the reference, negative is worse (down
    to -3 against the uniform forecast).

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1]; n >= 1.
    outcome : array_like of {0, 1}, shape (n,)
        1 where the event happened, 0 where it did not.
    reference : {"uniform", "base_rate"}, default "uniform"
        ``"uniform"``: always 50%, ``BS_ref = 0.25``. ``"base_rate"``: always
        the set's own observed frequency ``o_bar``, ``BS_ref = o_bar (1 -
        o_bar)`` (climatology).

    Returns
    -------
    float or None
        The skill score; ``None`` against the base rate when every outcome is
        the same (``o_bar`` is 0 or 1, so the reference is perfect).

    Raises
    ------
    InvalidInput
        As :func:`brier_score`, if the set is empty, or if *reference* is
        neither of the two names.

    References
    ----------
    .. [1] Murphy, A. H. (1973), A new vector partition of the probability
       score, J. Applied Meteorology 12, 595-600 (skill relative to
       climatology).

    Examples
    --------
    Brier scores 0.04, 0.16, 0.04, 0.16 average 0.1: skill 1 - 0.1 / 0.25 =
    0.6 against 50%, and 1 - 0.1 / (0.75 * 0.25) = 0.4667 against the base
    rate 0.75:

    >>> from forecasts.scoring import brier_skill_score
    >>> p, o = [0.8, 0.6, 0.2, 0.6], [1, 1, 0, 1]
    >>> round(brier_skill_score(p, o), 4)
    0.6
    >>> round(brier_skill_score(p, o, reference="base_rate"), 4)
    0.4667
    >>> print(brier_skill_score([0.9, 0.7], [1, 1], reference="base_rate"))
    None
    """
    p, o = _binary(probability, outcome)
    check_not_empty(len(p))
    vs_uniform, vs_base_rate = skill_from_means(float(np.mean((p - o) ** 2)), float(o.mean()))
    if reference == "uniform":
        return vs_uniform
    if reference == "base_rate":
        return vs_base_rate
    raise InvalidInput("reference", "must be 'uniform' or 'base_rate'", reference)
