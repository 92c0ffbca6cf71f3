"""What a calibration table says, and only what it can say.

Two different failings are named apart, because they are different things:

* **Over-forecasting** (under-forecasting): the forecasts were too *high* (too low) on
  average: the mean forecast is above (below) the share of events that happened. This
  is "calibration-in-the-large", or bias (Yates 1982). A forecaster who says 70% for
  events that happen 40% of the time over-forecasts.
* **Over-confidence** (under-confidence): the forecasts were too *far from* (too close
  to) 50%, in either direction: what happened lies between the forecast and 50% (beyond
  the forecast). Saying 90% for what happens 60% of the time and 10% for what happens
  40% of the time is over-confident, and on average not biased at all (Lichtenstein,
  Fischhoff & Phillips 1982).

A gap between what was said and what happened is only called a failing when chance
cannot explain it: when the Wilson (1927) 95% interval of the observed frequency
excludes the forecast. Otherwise the verdict is "too few to tell": two forecasts at 90%
of which one happened have an interval of 9.5%-90.5%, which contains 90%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calibration import CALIBRATION_COLUMNS, wilson_interval
from .validate import InvalidInput

__all__ = ["CalibrationVerdict", "calibration_verdict"]

TOO_FEW = "too few to tell"
OVER_FORECASTING = "over-forecasting"
UNDER_FORECASTING = "under-forecasting"
OVER_CONFIDENT = "over-confident"
UNDER_CONFIDENT = "under-confident"
MIXED = "mixed"


@dataclass(frozen=True)
class CalibrationVerdict:
    """The verdict on one forecaster's calibration table.

    Attributes
    ----------
    bias : str
        ``"over-forecasting"``, ``"under-forecasting"`` or ``"too few to tell"`` (the
        overall Wilson interval contains the mean forecast).
    confidence : str
        ``"over-confident"`` or ``"under-confident"`` when every bin whose interval
        excludes its forecast errs that way, ``"mixed"`` when they disagree (or a bin
        is on the wrong side of 50%), ``"too few to tell"`` when no bin's interval
        excludes its forecast.
    n : int
        Forecasts in the table.
    mean_forecast, observed_frequency : float
        Over all the forecasts.
    ci_low, ci_high : float
        The Wilson 95% interval of ``observed_frequency``.
    bins : pandas.DataFrame
        The table with three more columns: ``telling`` (the bin's interval excludes its
        mean forecast), ``too_high`` (what happened is below what was said) and
        ``direction`` (``"too far from 50%"``, ``"too close to 50%"``, ``"on the wrong side of
        50%"`` or ``"on target"``).

    Examples
    --------
    >>> from forecasts.scoring import calibration_verdict
    >>> table = pd.DataFrame({"bin_lower": [0.9], "bin_upper": [1.0], "n": [2],
    ...     "mean_forecast": [0.9], "observed_frequency": [0.5], "ci_low": [0.0945],
    ...     "ci_high": [0.9055]})
    >>> calibration_verdict(table).confidence
    'too few to tell'
    """

    bias: str
    confidence: str
    n: int
    mean_forecast: float
    observed_frequency: float
    ci_low: float
    ci_high: float
    bins: pd.DataFrame


def _direction(said: np.ndarray, happened: np.ndarray) -> np.ndarray:
    side = np.sign(said - 0.5)
    toward = (said - happened) * side  # > 0: what happened is nearer 50% than what was said
    wrong_side = np.sign(happened - 0.5) * side < 0
    return np.select(
        [said == happened, wrong_side, toward > 0, (toward < 0) | (side == 0)],
        ["on target", "on the wrong side of 50%", "too far from 50%", "too close to 50%"],
        default="on target",
    )


def calibration_verdict(table: pd.DataFrame) -> CalibrationVerdict:
    """Say whether a calibration table shows over- or under-forecasting, and over- or
    under-confidence, only where chance cannot explain the gap.

    For each bin, the gap is *telling* when the bin's Wilson 95% interval
    ``[ci_low, ci_high]`` excludes its mean forecast. A telling bin errs *too far from
    50%* when what happened lies between the forecast and 50% (over-confident), *too
    close to 50%* when it lies beyond the forecast, away from 50% (under-confident; a
    forecast of exactly 50% can only err this way). The bias is read over all
    ``N = sum(n)`` forecasts: the mean forecast ``F = sum(n p) / N`` against the
    observed frequency ``O = sum(n o) / N`` and its Wilson interval for ``round(N O)``
    events in ``N``.

    Parameters
    ----------
    table : pandas.DataFrame
        A calibration table (``calibration_table``): the columns
        ``CALIBRATION_COLUMNS``, one row per non-empty bin.

    Returns
    -------
    CalibrationVerdict

    Raises
    ------
    InvalidInput
        If *table* lacks a column of ``CALIBRATION_COLUMNS`` or has no forecast.

    References
    ----------
    .. [1] Wilson, E. B. (1927), Probable inference, the law of succession, and
       statistical inference, JASA 22(158), 209-212.
    .. [2] Yates, J. F. (1982), External correspondence: decompositions of the mean
       probability score, Organizational Behavior and Human Performance 30, 132-156.
    .. [3] Lichtenstein, S., Fischhoff, B. & Phillips, L. D. (1982), Calibration of
       probabilities: the state of the art to 1980, in Kahneman, Slovic & Tversky
       (eds.), Judgment under Uncertainty, 306-334.

    Examples
    --------
    Fifty forecasts at 30% of which 5 happened, fifty at 80% of which 30 happened. By
    hand, with ``z^2 = 3.8415``: 5 of 50 has the interval 4.4%-21.4%, which excludes
    30% (too high, and what happened, 10%, is further from 50%: too close to 50%);
    30 of 50 has 46.2%-72.4%, which excludes 80% (too high, and 60% lies between 80%
    and 50%: too far from 50%). The bins disagree on confidence, but both are too
    high: over all 100, said ``F = 55%``, happened 35 of 100, interval 26.4%-44.7%:
    over-forecasting.

    >>> from forecasts.scoring import calibration_table, calibration_verdict
    >>> p = [0.3] * 50 + [0.8] * 50
    >>> o = [1] * 5 + [0] * 45 + [1] * 30 + [0] * 20
    >>> verdict = calibration_verdict(calibration_table(p, o))
    >>> verdict.bias, verdict.confidence
    ('over-forecasting', 'mixed')
    >>> round(verdict.mean_forecast, 2), verdict.observed_frequency
    (0.55, 0.35)
    >>> round(verdict.ci_low, 3), round(verdict.ci_high, 3)
    (0.264, 0.447)
    >>> verdict.bins[["telling", "too_high", "direction"]].values.tolist()
    [[True, True, 'too close to 50%'], [True, True, 'too far from 50%']]

    Two forecasts at 90%, one of which happened: 50% is far from 90%, but the
    interval, 9.5%-90.5%, contains 90%.

    >>> verdict = calibration_verdict(calibration_table([0.9, 0.9], [1, 0]))
    >>> verdict.bias, verdict.confidence
    ('too few to tell', 'too few to tell')
    """
    missing = [column for column in CALIBRATION_COLUMNS if column not in table]
    if missing:
        raise InvalidInput("table", "must be a calibration table", missing[0], 0)
    n = table["n"].to_numpy(dtype=np.int64)
    total = int(n.sum())
    if total == 0:
        raise InvalidInput("table", "must hold at least one forecast", total, 0)
    said = table["mean_forecast"].to_numpy(dtype=float)
    happened = table["observed_frequency"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    bins = table.copy()
    bins["telling"] = ~((low <= said) & (said <= high))
    bins["too_high"] = happened < said
    bins["direction"] = _direction(said, happened)

    mean_forecast = float((n * said).sum() / total)
    events = int(round(float((n * happened).sum())))
    observed = events / total
    ci_low, ci_high = wilson_interval(events, total)
    if ci_low <= mean_forecast <= ci_high:
        bias = TOO_FEW
    else:
        bias = OVER_FORECASTING if mean_forecast > observed else UNDER_FORECASTING

    directions = set(bins.loc[bins["telling"], "direction"])
    if not directions:
        confidence = TOO_FEW
    elif directions == {"too far from 50%"}:
        confidence = OVER_CONFIDENT
    elif directions == {"too close to 50%"}:
        confidence = UNDER_CONFIDENT
    else:
        confidence = MIXED
    return CalibrationVerdict(
        bias=bias,
        confidence=confidence,
        n=total,
        mean_forecast=mean_forecast,
        observed_frequency=observed,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        bins=bins,
    )
