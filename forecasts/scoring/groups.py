"""Turning a column of labels (forecaster, question) into integer codes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .validate import InvalidInput


def factorize(labels: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0 .. G-1 for *labels* (in order of first appearance) and the labels.

    Categorical input (as ``read_csv(dtype="category")`` produces) is used as it
    is, without hashing the strings again; its codes follow the category order
    and unused categories are dropped. Missing labels are refused with their
    position.

    Parameters
    ----------
    labels : array_like or pandas.Series, shape (n,)
        One label per row.
    name : str
        Argument name for the error message.

    Returns
    -------
    codes : numpy.ndarray of intp, shape (n,)
        The code of each row.
    uniques : numpy.ndarray of object, shape (G,)
        The label of each code.

    Raises
    ------
    InvalidInput
        If a label is missing.

    Examples
    --------
    >>> codes, uniques = factorize(["bob", "ann", "bob"], "forecaster")
    >>> codes, uniques
    (array([0, 1, 0]), array(['bob', 'ann'], dtype=object))
    """
    if isinstance(labels, pd.Index):
        labels = labels.to_series(index=None)
    if not isinstance(labels, pd.Series):
        labels = pd.Series(np.asarray(labels, dtype=object))
    if isinstance(labels.dtype, pd.CategoricalDtype):
        codes = labels.cat.codes.to_numpy().astype(np.intp)
        uniques = np.asarray(labels.cat.categories, dtype=object)
        present = codes if codes.min(initial=0) >= 0 else codes[codes >= 0]
        used = np.bincount(present, minlength=len(uniques)) > 0
        if not used.all():
            remap = np.cumsum(used) - 1
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            uniques = uniques[used]
    else:
        raw_codes, raw_uniques = pd.factorize(labels)
        codes = np.asarray(raw_codes, dtype=np.intp)
        uniques = np.asarray(raw_uniques, dtype=object)
    missing = codes < 0
    if missing.any():
        i = int(np.argmax(missing))
        raise InvalidInput(name, "must not be missing", float("nan"), i)
    return codes, uniques


def native(value: Any) -> Any:
    """A numpy scalar as the plain Python value (for JSON and DataFrames alike)."""
    return value.item() if isinstance(value, np.generic) else value
