"""Counts in words a person reads: "1 pundit", "2 pundits", "1,000 forecasts"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for exactly one, thousands separated.

    >>> counted(1, "pundit"), counted(2, "pundit"), counted(1000, "forecast")
    ('1 pundit', '2 pundits', '1,000 forecasts')
    >>> counted(0, "candidate"), counted(1, "entry", "entries"), counted(3, "entry", "entries")
    ('0 candidates', '1 entry', '3 entries')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
