"""The look-ahead rule, vectorised: which forecasts were made after the outcome was known.

A forecast made at or after the moment its outcome became known would be scored with
hindsight, so it is not scored. Each time is given to the microsecond (UTC) with a flag
saying whether only its day is known. When both times of a row are moments they are
compared as moments; when either is a day only, their days (UTC) are compared, and a
forecast made on the day the outcome became known counts as made after it (the day
cannot tell).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validate import check_same_length

__all__ = ["US_PER_DAY", "look_ahead"]

#: Microseconds in a day: the unit of the times ``look_ahead`` compares.
US_PER_DAY = 86_400 * 10**6


def look_ahead(
    made_us: Any, made_by_day: Any, known_us: Any, known_by_day: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each forecast was made after its outcome was known, and how it was judged.

    Parameters
    ----------
    made_us, known_us : array of int, shape (n,)
        When the forecast was made and when its outcome became known, in microseconds
        since 1970-01-01 UTC (a day alone is its midnight UTC).
    made_by_day, known_by_day : array of bool, shape (n,)
        True where only the day of that time is known.

    Returns
    -------
    late : ndarray of bool
        True where the forecast counts as made after the outcome was known (not scored):
        ``made >= known`` when both are moments, ``day(made) >= day(known)`` otherwise.
    by_day : ndarray of bool
        True where the days were compared (either time is a day only).

    Examples
    --------
    An outcome known at 12:00 on 5 January 2020; forecasts at 11:00 and 13:00 that day
    (moments), and one on that day with no time:

    >>> import numpy as np
    >>> hour = 3600 * 10**6
    >>> noon = 18266 * US_PER_DAY + 12 * hour
    >>> made = np.array([noon - hour, noon + hour, noon - 12 * hour])
    >>> late, by_day = look_ahead(made, [False, False, True], [noon] * 3, [False] * 3)
    >>> late.tolist(), by_day.tolist()
    ([False, True, True], [False, False, True])
    """
    made = np.asarray(made_us, dtype=np.int64)
    known = np.asarray(known_us, dtype=np.int64)
    made_day_only = np.asarray(made_by_day, dtype=bool)
    known_day_only = np.asarray(known_by_day, dtype=bool)
    check_same_length(
        ("made_us", made),
        ("made_by_day", made_day_only),
        ("known_us", known),
        ("known_by_day", known_day_only),
    )
    by_day = made_day_only | known_day_only
    late = np.where(
        by_day,
        np.floor_divide(made, US_PER_DAY) >= np.floor_divide(known, US_PER_DAY),
        made >= known,
    )
    return late, by_day
