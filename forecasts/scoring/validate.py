"""Input validation at the edge of the scoring package.

Every public scoring function checks its inputs here first and then computes
with plain numpy arrays. A check that fails raises :class:`InvalidInput`, a
``ValueError`` whose message names the argument, the rule and the first
offending value with its position (0-based), for example::

    probability: must be between 0 and 1 (got 1.2 at position 3)

The structured fields (``argument``, ``rule``, ``value``, ``position``) let a
caller such as the ``forecasts score`` command translate the position into a
line number of the file the values came from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Tolerance for a probability distribution to sum to 1.
SUM_TOLERANCE = 1e-6

_NO_VALUE = object()


class InvalidInput(ValueError):
    """A scoring input broke a rule.

    A ``ValueError``, so callers that know nothing of scoring still catch it;
    the fields let the ``forecasts score`` command turn the position into a
    line of the file the values came from.

    Parameters
    ----------
    argument : str
        Name of the offending argument (``"probability"``).
    rule : str
        The rule it broke (``"must be between 0 and 1"``).
    value : object, optional
        The first offending value; kept as ``None`` when not given.
    position : int or tuple of int, optional
        Its 0-based position (a ``(row, column)`` tuple for a matrix).

    Attributes
    ----------
    argument, rule, value, position
        The parameters, as given.

    Examples
    --------
    >>> from forecasts.scoring import InvalidInput, brier_score
    >>> try:
    ...     brier_score([0.5, 1.2], [1, 0])
    ... except InvalidInput as error:
    ...     print(error)
    ...     print(error.argument, error.value, error.position)
    probability: must be between 0 and 1 (got 1.2 at position 1)
    probability 1.2 1
    >>> str(InvalidInput("bins", "must be an integer of at least 1"))
    'bins: must be an integer of at least 1'
    """

    def __init__(
        self,
        argument: str,
        rule: str,
        value: Any = _NO_VALUE,
        position: int | tuple[int, ...] | None = None,
    ) -> None:
        self.argument = argument
        self.rule = rule
        self.value = None if value is _NO_VALUE else value
        self.position = position
        message = f"{argument}: {rule}"
        if value is not _NO_VALUE:
            where = "" if position is None else f" at position {_show_position(position)}"
            message += f" (got {show_value(value)}{where})"
        super().__init__(message)


def show_value(value: Any) -> str:
    """Render a value for an error message: ``1.2``, ``nan``, ``'70%'``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return repr(value)


def _show_position(position: int | tuple[int, ...]) -> str:
    if isinstance(position, tuple):
        return "(" + ", ".join(str(int(i)) for i in position) + ")"
    return str(int(position))


def _first(mask: np.ndarray) -> int:
    """Index of the first True in a boolean array that has one."""
    return int(np.argmax(mask))


def as_numeric_array(values: Any, name: str) -> np.ndarray:
    """Convert *values* to a float64 array, refusing anything that is not a number.

    Numbers written as text (``"0.3"``) are accepted; missing values become NaN
    (the caller decides whether NaN is allowed). Text that is not a number is
    refused with its position.
    """
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64, copy=False)
    flat = pd.Series(arr.ravel(), dtype=object)
    numbers = pd.to_numeric(flat, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    not_number = np.isnan(numbers) & flat.notna().to_numpy()
    if not_number.any():
        i = _first(not_number)
        raw = flat.iloc[i]
        if not (isinstance(raw, float) and math.isnan(raw)):
            position = np.unravel_index(i, arr.shape) if arr.ndim > 1 else i
            if isinstance(position, tuple):
                position = tuple(int(j) for j in position)
            raise InvalidInput(name, "must be a number", raw, position)
    return numbers.reshape(arr.shape)


def _original(values: Any, i: int, converted: Any) -> Any:
    """The value at position *i* as the caller gave it, if it was a number (2, not 2.0)."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.ndim == 1 and arr.dtype.kind in "iub":
        return arr[i]
    return converted


def _require_ndim(arr: np.ndarray, ndim: int, name: str) -> None:
    if arr.ndim != ndim:
        shape = "a one-dimensional array" if ndim == 1 else "a two-dimensional array"
        raise InvalidInput(name, f"must be {shape}", arr.shape)


def as_probabilities(values: Any, name: str = "probability") -> np.ndarray:
    """Validate forecast probabilities: a 1-D array of numbers in [0, 1], no NaN."""
    try:
        p = as_numeric_array(values, name)
    except InvalidInput as error:
        raise InvalidInput(
            name, "must be a number between 0 and 1", error.value, error.position
        ) from None
    _require_ndim(p, 1, name)
    if p.size and p.min() >= 0.0 and p.max() <= 1.0:  # no temporaries on the happy path
        return p
    bad = ~((p >= 0.0) & (p <= 1.0))
    if bad.any():
        i = _first(bad)
        if np.isnan(p[i]):
            raise InvalidInput(name, "must be a number, not NaN or missing", p[i], i)
        raise InvalidInput(name, "must be between 0 and 1", _original(values, i, p[i]), i)
    return p


def as_outcomes(values: Any, name: str = "outcome") -> np.ndarray:
    """Validate binary outcomes: a 1-D array of 0 (did not happen) and 1 (happened).

    Booleans and floats equal to 0 or 1 are accepted. Integer input is returned
    as it is (no copy); anything else as float64.
    """
    raw = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else np.asarray(values)
    if raw.ndim == 1 and raw.dtype.kind in "iu" and raw.size and raw.min() >= 0 and raw.max() <= 1:
        return raw
    try:
        o = as_numeric_array(values, name)
    except InvalidInput as error:
        raise InvalidInput(name, "must be 0 or 1", error.value, error.position) from None
    _require_ndim(o, 1, name)
    bad = ~((o == 0.0) | (o == 1.0))
    if bad.any():
        i = _first(bad)
        raise InvalidInput(name, "must be 0 or 1", _original(values, i, o[i]), i)
    return o


def as_distributions(
    values: Any, name: str = "probability", tolerance: float = SUM_TOLERANCE
) -> np.ndarray:
    """Validate forecast distributions: rows of probabilities in [0, 1] summing to 1.

    A 2-D array, one row per forecast and one column per option; each row
    must sum to 1 within *tolerance* (default 1e-6).
    """
    p = as_numeric_array(values, name)
    _require_ndim(p, 2, name)
    if p.shape[1] < 2:
        raise InvalidInput(name, "must have at least two options (columns)", p.shape[1])
    bad = ~((p >= 0.0) & (p <= 1.0))
    if bad.any():
        row, col = np.unravel_index(_first(bad.ravel()), p.shape)
        value = p[row, col]
        rule = (
            "must be a number, not NaN or missing" if np.isnan(value) else "must be between 0 and 1"
        )
        raise InvalidInput(name, rule, value, (int(row), int(col)))
    sums = p.sum(axis=1)
    off = np.abs(sums - 1.0) > tolerance
    if off.any():
        i = _first(off)
        raise InvalidInput(name, f"each row must sum to 1 (within {tolerance:g})", sums[i], i)
    return p


def as_option_outcomes(values: Any, n_options: int, name: str = "outcome") -> np.ndarray:
    """Validate multi-category outcomes; return the index of the option that happened.

    Accepts either a 1-D array of option indices (integers 0 .. K-1) or a 2-D
    one-hot array of shape (n, K) with exactly one 1 per row.
    """
    o = as_numeric_array(values, name)
    if o.ndim == 1:
        bad = ~((o >= 0) & (o < n_options) & (o == np.floor(o)))
        if bad.any():
            i = _first(bad)
            rule = f"must be an option index from 0 to {n_options - 1}"
            raise InvalidInput(name, rule, _original(values, i, o[i]), i)
        return o.astype(np.intp)
    if o.ndim == 2:
        if o.shape[1] != n_options:
            raise InvalidInput(name, f"must have one column per option ({n_options})", o.shape[1])
        bad = ~((o == 0.0) | (o == 1.0))
        if bad.any():
            row, col = np.unravel_index(_first(bad.ravel()), o.shape)
            raise InvalidInput(name, "must be 0 or 1", o[row, col], (int(row), int(col)))
        ones = o.sum(axis=1)
        off = ones != 1.0
        if off.any():
            i = _first(off)
            raise InvalidInput(name, "each row must have exactly one 1", int(ones[i]), i)
        return np.argmax(o, axis=1).astype(np.intp)
    raise InvalidInput(name, "must be option indices (1-D) or one-hot rows (2-D)", o.shape)


def check_same_length(first: tuple[str, Sequence], *others: tuple[str, Sequence]) -> int:
    """Check that every named array has the length of the first; return it."""
    name0, values0 = first
    n = len(values0)
    for name, values in others:
        if len(values) != n:
            raise InvalidInput(name, f"must have the same length as {name0} ({n})", len(values))
    return n


def check_not_empty(n: int, name: str = "probability") -> None:
    """Refuse an empty input to a function that summarises a set of forecasts."""
    if n == 0:
        raise InvalidInput(name, "must contain at least one forecast", 0)


def check_eps(eps: float) -> float:
    """The clipping constant of the log score must lie strictly between 0 and 0.5."""
    try:
        value = float(eps)
    except (TypeError, ValueError):
        raise InvalidInput(
            "eps", "must be a number greater than 0 and less than 0.5", eps
        ) from None
    if not 0.0 < value < 0.5:
        raise InvalidInput("eps", "must be greater than 0 and less than 0.5", eps)
    return value


def check_bins(bins: int) -> int:
    """The number of forecast bins must be an integer of at least 1."""
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise InvalidInput("bins", "must be an integer of at least 1", bins)
    return int(bins)


def as_finite_array(values: Any, name: str) -> np.ndarray:
    """A one-dimensional array of finite numbers (scores, for example)."""
    x = as_numeric_array(values, name)
    _require_ndim(x, 1, name)
    bad = ~np.isfinite(x)
    if bad.any():
        i = _first(bad)
        raise InvalidInput(name, "must be a finite number", x[i], i)
    return x


def check_count(value: Any, name: str, minimum: int) -> int:
    """A setting that counts something (resamples): an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InvalidInput(name, f"must be an integer of at least {minimum}", value)
    return int(value)


def check_coverage(value: Any, name: str) -> float:
    """An interval's coverage (0.95): strictly between 0 and 1."""
    if not 0.0 < float(value) < 1.0:
        raise InvalidInput(name, "must be between 0 and 1, exclusive", value)
    return float(value)
