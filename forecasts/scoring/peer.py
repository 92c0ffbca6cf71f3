"""Peer (relative) scores: a forecaster against the others on the same questions.

On a question that two or more forecasters answered, a forecaster's peer
score is their score minus the mean of the other forecasters' scores on that
question (Metaculus-style peer score)::

    peer_f,q = s_f,q - (sum_{g != f} s_g,q) / (k_q - 1)

where ``k_q`` is the number of distinct forecasters on question q. For the
Brier score (lower is better) a **negative** peer Brier means better than the
peers; for the log score (higher is better) a **positive** peer log score
means better. On each question the peer scores sum to zero.

Several rows of one forecaster on one question (for example revisions) are
first averaged: ``s_f,q`` is the mean of that forecaster's scores on the
question, so each forecaster counts once per question whatever their number of
rows. A forecaster's overall peer score is the mean of ``peer_f,q`` over the
questions they share with at least one other forecaster, and ``n_peer`` is the
number of those questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .groups import factorize
from .metrics import DEFAULT_EPS, _log_scores
from .validate import InvalidInput, as_outcomes, as_probabilities, check_eps, check_same_length


@dataclass(frozen=True)
class PairScores:
    """Scores of each (forecaster, question) pair, with peer scores."""

    forecaster: np.ndarray  # forecaster code of each pair
    question: np.ndarray  # question code of each pair
    rows: np.ndarray  # input rows of the pair
    brier: np.ndarray  # mean Brier of the pair
    log_score: np.ndarray  # mean log score of the pair
    n_forecasters: np.ndarray  # distinct forecasters on the pair's question
    peer_brier: np.ndarray  # NaN where the forecaster is alone on the question
    peer_log: np.ndarray


def pair_peer_scores(
    forecaster: np.ndarray,
    n_forecasters: int,
    question: np.ndarray,
    n_questions: int,
    brier: np.ndarray,
    log: np.ndarray,
) -> PairScores:
    """Peer scores from integer codes and per-row scores (no validation)."""
    key = forecaster.astype(np.int64) * n_questions + question
    n_keys = n_forecasters * n_questions
    if n_keys <= max(8 * len(key), 1 << 20):
        # Few enough possible pairs for a direct table: cheaper than hashing.
        rows = np.bincount(key, minlength=n_keys)
        pair_keys = np.flatnonzero(rows)
        lookup = np.empty(n_keys, dtype=np.intp)
        lookup[pair_keys] = np.arange(len(pair_keys))
        pair = lookup[key]
        rows = rows[pair_keys]
    else:
        codes, uniques = pd.factorize(key)
        pair = np.asarray(codes, dtype=np.intp)
        pair_keys = np.asarray(uniques, dtype=np.int64)
        rows = np.bincount(pair, minlength=len(pair_keys))
    n_pairs = len(pair_keys)
    pair_brier = np.bincount(pair, weights=brier, minlength=n_pairs) / rows
    pair_log = np.bincount(pair, weights=log, minlength=n_pairs) / rows
    pair_forecaster = (pair_keys // n_questions).astype(np.intp)
    pair_question = (pair_keys % n_questions).astype(np.intp)

    k = np.bincount(pair_question, minlength=n_questions)[pair_question]
    brier_total = np.bincount(pair_question, weights=pair_brier, minlength=n_questions)
    log_total = np.bincount(pair_question, weights=pair_log, minlength=n_questions)
    with np.errstate(invalid="ignore", divide="ignore"):
        others = np.where(k > 1, k - 1, np.nan)
        peer_brier = pair_brier - (brier_total[pair_question] - pair_brier) / others
        peer_log = pair_log - (log_total[pair_question] - pair_log) / others
    return PairScores(
        forecaster=pair_forecaster,
        question=pair_question,
        rows=rows,
        brier=pair_brier,
        log_score=pair_log,
        n_forecasters=k,
        peer_brier=peer_brier,
        peer_log=peer_log,
    )


def _rows_per_pair(key: np.ndarray, n_keys: int) -> np.ndarray:
    """For each row, how many rows share its (forecaster, question) key."""
    if n_keys <= max(8 * len(key), 1 << 20):
        # Few enough possible pairs for a direct table: cheaper than hashing.
        table = np.bincount(key, minlength=n_keys)
        if table.max() < 256:
            table = table.astype(np.uint8)  # a smaller table is faster to look up
        return table[key]
    codes, _ = pd.factorize(key)
    return np.bincount(codes)[codes]


def forecaster_peer_means(
    forecaster: np.ndarray,
    n_forecasters: int,
    question: np.ndarray,
    n_questions: int,
    brier: np.ndarray,
    log: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per forecaster: shared questions, mean peer Brier, mean peer log (no validation).

    Same numbers as averaging :func:`pair_peer_scores` over each forecaster's
    shared questions, computed without building the pairs: each row gets the
    weight ``w = 1 / (rows of its pair)``, so a pair's weights sum to 1 and
    its mean score is ``sum w s`` over its rows. Then, per question,
    ``k_q = sum w`` and ``S_q = sum w s``, and the mean peer score of f is::

        sum_{rows of f on shared q} w (s k_q - S_q) / (k_q - 1)  /  sum w
    """
    # On a million rows every fresh temporary costs page faults, so the work
    # below reuses a few buffers through out= arguments.
    key = np.multiply(forecaster, n_questions, dtype=np.int64)
    key += question
    weight = np.divide(1.0, _rows_per_pair(key, n_forecasters * n_questions))
    scratch = key.view(np.float64)  # the keys are done with: reuse their memory
    # k_q counts pairs; summing 1/m m times can miss 1 by an ulp, hence the rounding.
    k = np.rint(np.bincount(question, weights=weight, minlength=n_questions))
    # Per-question factors, looked up per row; a row on an unshared question
    # gets 0 rather than being masked out, which would copy every row.
    with np.errstate(divide="ignore"):
        factor = np.where(k > 1, 1.0 / (k - 1.0), 0.0)
    shared_weight = np.take((factor > 0).astype(np.float64), question, out=scratch, mode="clip")
    shared_weight *= weight
    n_peer = np.rint(np.bincount(forecaster, weights=shared_weight, minlength=n_forecasters))
    n_peer = n_peer.astype(np.int64)
    k_factor = np.take(k * factor, question)
    weighted = np.empty_like(weight)
    means = []
    for score in (brier, log):
        np.multiply(weight, score, out=weighted)
        total = np.bincount(question, weights=weighted, minlength=n_questions)
        # w (s k - S) / (k - 1) = (w s) k / (k - 1) - w S / (k - 1)
        weighted *= k_factor
        correction = np.take(total * factor, question, out=scratch, mode="clip")
        correction *= weight
        weighted -= correction
        with np.errstate(invalid="ignore", divide="ignore"):
            sums = np.bincount(forecaster, weights=weighted, minlength=n_forecasters)
            means.append(sums / n_peer)
    return n_peer, means[0], means[1]


def _binary(probability: Any, outcome: Any) -> tuple[np.ndarray, np.ndarray]:
    p = as_probabilities(probability)
    o = as_outcomes(outcome)
    check_same_length(("probability", p), ("outcome", o))
    return p, o


def _labels(
    forecaster: Any, question: Any, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    f_codes, f_labels = factorize(forecaster, "forecaster")
    q_codes, q_labels = factorize(question, "question")
    for name, codes in (("forecaster", f_codes), ("question", q_codes)):
        if len(codes) != n:
            raise InvalidInput(name, f"must have the same length as probability ({n})", len(codes))
    return f_codes, f_labels, q_codes, q_labels


def _scores(p: np.ndarray, o: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    return (p - o) ** 2, _log_scores(p, o, eps)


def peer_scores_by_question(
    forecaster: Any,
    question: Any,
    probability: Any,
    outcome: Any,
    eps: float = DEFAULT_EPS,
) -> pd.DataFrame:
    """Peer scores of each (forecaster, question) pair.

    One row per pair (in order of first appearance of the forecaster, then the
    question) with columns ``forecaster``, ``question``, ``n`` (input rows of
    the pair), ``brier`` and ``log_score`` (means over those rows; log score
    clipped with *eps*), ``n_forecasters`` (distinct forecasters on the
    question), ``peer_brier`` and ``peer_log`` (NaN where the forecaster is
    alone on the question). See the module docstring for the formula.

    Parameters
    ----------
    forecaster : array_like, shape (n,)
        Who made each forecast (any labels; none missing).
    question : array_like, shape (n,)
        The question of each forecast (any labels; none missing).
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        1 where the question's event happened, 0 where it did not.
    eps : float, default ``DEFAULT_EPS`` (0.001)
        Clipping constant of the log score (see :func:`log_score`).

    Returns
    -------
    pandas.DataFrame
        One row per (forecaster, question) pair.

    Raises
    ------
    InvalidInput
        If a probability or outcome is invalid, a label is missing, the
        lengths differ, or *eps* is not in (0, 0.5).

    References
    ----------
    .. [1] Metaculus, Scores FAQ: peer score,
       https://www.metaculus.com/help/scores-faq/ (a forecaster's score minus
       the mean score of the others on the question).

    Examples
    --------
    On q1 ann said 80% and bob 60%, and it happened: their Brier scores
    0.04 and 0.16 give ann a peer Brier of 0.04 - 0.16 = -0.12 (better) and
    bob +0.12; their log scores give ann ln(0.8) - ln(0.6) = ln(4/3) =
    0.287682. Ann is alone on q2, so it has no peer score:

    >>> from forecasts.scoring import peer_scores_by_question
    >>> table = peer_scores_by_question(
    ...     ["ann", "bob", "ann"], ["q1", "q1", "q2"], [0.8, 0.6, 0.3], [1, 1, 0]
    ... )
    >>> table[["forecaster", "question", "n_forecasters", "peer_brier", "peer_log"]]
      forecaster question  n_forecasters  peer_brier  peer_log
    0        ann       q1              2       -0.12  0.287682
    1        ann       q2              1         NaN       NaN
    2        bob       q1              2        0.12 -0.287682
    """
    eps = check_eps(eps)
    p, o = _binary(probability, outcome)
    f_codes, f_labels, q_codes, q_labels = _labels(forecaster, question, len(p))
    brier, log = _scores(p, o, eps)
    pairs = pair_peer_scores(f_codes, len(f_labels), q_codes, len(q_labels), brier, log)
    order = np.lexsort((pairs.question, pairs.forecaster))
    return pd.DataFrame(
        {
            "forecaster": f_labels[pairs.forecaster[order]],
            "question": q_labels[pairs.question[order]],
            "n": pairs.rows[order].astype(np.int64),
            "brier": pairs.brier[order],
            "log_score": pairs.log_score[order],
            "n_forecasters": pairs.n_forecasters[order].astype(np.int64),
            "peer_brier": pairs.peer_brier[order],
            "peer_log": pairs.peer_log[order],
        }
    )


def peer_scores(
    forecaster: Any,
    question: Any,
    probability: Any,
    outcome: Any,
    eps: float = DEFAULT_EPS,
) -> pd.DataFrame:
    """Mean peer scores of each forecaster.

    One row per forecaster (in order of first appearance) with columns
    ``forecaster``, ``n_peer`` (questions shared with at least one other
    forecaster), ``peer_brier`` (mean over those questions; negative is better
    than the peers) and ``peer_log`` (positive is better), both NaN where
    ``n_peer`` is 0. See the module docstring for the formula and for how
    several rows of one forecaster on one question are treated.

    Parameters
    ----------
    forecaster : array_like, shape (n,)
        Who made each forecast (any labels; none missing).
    question : array_like, shape (n,)
        The question of each forecast (any labels; none missing).
    probability : array_like of float, shape (n,)
        Probability each forecast gave to the event, in [0, 1].
    outcome : array_like of {0, 1}, shape (n,)
        1 where the question's event happened, 0 where it did not.
    eps : float, default ``DEFAULT_EPS`` (0.001)
        Clipping constant of the log score (see :func:`log_score`).

    Returns
    -------
    pandas.DataFrame
        One row per forecaster.

    Raises
    ------
    InvalidInput
        If a probability or outcome is invalid, a label is missing, the
        lengths differ, or *eps* is not in (0, 0.5).

    References
    ----------
    .. [1] Metaculus, Scores FAQ: peer score,
       https://www.metaculus.com/help/scores-faq/ (a forecaster's score minus
       the mean score of the others on the question).

    Examples
    --------
    The forecasts of :func:`peer_scores_by_question`'s example: each
    forecaster shares only q1, so their mean peer scores are those on q1:

    >>> from forecasts.scoring import peer_scores
    >>> peer_scores(["ann", "bob", "ann"], ["q1", "q1", "q2"], [0.8, 0.6, 0.3], [1, 1, 0])
      forecaster  n_peer  peer_brier  peer_log
    0        ann       1       -0.12  0.287682
    1        bob       1        0.12 -0.287682
    """
    eps = check_eps(eps)
    p, o = _binary(probability, outcome)
    f_codes, f_labels, q_codes, q_labels = _labels(forecaster, question, len(p))
    brier, log = _scores(p, o, eps)
    n_peer, peer_brier, peer_log = forecaster_peer_means(
        f_codes, len(f_labels), q_codes, len(q_labels), brier, log
    )
    return pd.DataFrame(
        {
            "forecaster": f_labels,
            "n_peer": n_peer.astype(np.int64),
            "peer_brier": peer_brier,
            "peer_log": peer_log,
        }
    )


def row_peer_scores(
    question: np.ndarray, n_questions: int, brier: np.ndarray, log: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's peer Brier and peer log score, for rows that are one per
    (forecaster, question) pair (no validation): ``s - (S_q - s) / (k_q - 1)``
    with ``k_q`` the question's rows and ``S_q`` their sum, NaN where the row is
    alone on its question. A row's peer scores depend on its question's rows
    only, so they can be kept per row; a forecaster's mean of them is what
    :func:`forecaster_peer_means` gives (to rounding)."""
    k = np.bincount(question, minlength=n_questions).astype(float)
    shared = k[question] > 1
    out = []
    for score in (brier, log):
        total = np.bincount(question, weights=score, minlength=n_questions)[question]
        with np.errstate(invalid="ignore", divide="ignore"):
            peer = score - (total - score) / (k[question] - 1.0)
        out.append(np.where(shared, peer, np.nan))
    return out[0], out[1]
