"""Scores against a reference: what a forecast added to what was already known.

A pundit who says "likely" about something a market already priced at 90% told readers
less than the number suggests. For each forecast made while a reference forecast stood
(a market's price, a platform's community forecast, a panel's median), the score
against the reference is the pundit's score minus the reference's, both scored on the
same outcome:

* Brier: ``(p - y)^2 - (r - y)^2``: negative when the pundit was closer (lower is
  better, like the Brier score itself);
* log: ``log(p_y) - log(r_y)``, ``p_y`` the probability given to what happened:
  positive when the pundit gave it more (higher is better, like the log score).

This is the comparison forecasting platforms make with their own crowd: Metaculus's
peer and baseline scores, Good Judgment Open's scores against the median forecaster,
and PunditTracker's odds-adjusted grades (a call earns more the less the crowd expected
it). A per-pundit mean comes with the same bootstrap interval as the other scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .metrics import DEFAULT_EPS, brier_score, log_score
from .validate import as_outcomes, as_probabilities, check_same_length

__all__ = ["scores_against_reference"]


def scores_against_reference(
    probability: Any, reference: Any, outcome: Any, *, eps: float = DEFAULT_EPS
) -> tuple[np.ndarray, np.ndarray]:
    """Each forecast's Brier and log score minus the reference's on the same outcome.

    Parameters
    ----------
    probability : array_like of float, shape (n,)
        The pundits' forecasts of the event.
    reference : array_like of float, shape (n,)
        The reference probability standing when each forecast was made.
    outcome : array_like of {0, 1}, shape (n,)
        Whether each event happened.
    eps : float, default ``DEFAULT_EPS``
        Clipping for the log score, as in :func:`log_score`.

    Returns
    -------
    brier_difference, log_difference : numpy.ndarray of float, shape (n,)
        Pundit minus reference: a negative Brier difference and a positive log
        difference mean the pundit was better than the reference.

    Raises
    ------
    InvalidInput
        If a probability is outside [0, 1], an outcome not 0 or 1, or the lengths differ.

    References
    ----------
    .. [1] Brier, G. W. (1950), Monthly Weather Review 78(1), 1-3.
    .. [2] Metaculus, "Scores FAQ": peer score and baseline score.

    Examples
    --------
    A market said 90%, the pundit 70%, and it happened: the pundit's Brier is 0.09,
    the market's 0.01, so the pundit scores 0.08 worse; a pundit at 95% scores 0.0075
    better:

    >>> from forecasts.scoring import scores_against_reference
    >>> brier, log = scores_against_reference([0.7, 0.95], [0.9, 0.9], [1, 1])
    >>> brier.round(4).tolist()
    [0.08, -0.0075]
    >>> log.round(4).tolist()
    [-0.2513, 0.0541]
    """
    p = as_probabilities(probability)
    r = as_probabilities(reference, "reference")
    y = as_outcomes(outcome)
    check_same_length(("probability", p), ("reference", r), ("outcome", y))
    brier = brier_score(p, y) - brier_score(r, y)
    log = log_score(p, y, eps=eps) - log_score(r, y, eps=eps)
    return brier, log
