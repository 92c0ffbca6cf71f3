"""Counts in words: the examples of forecasts.wording run and give what they show."""

from __future__ import annotations

import doctest

from forecasts import wording


def test_wording_examples():
    result = doctest.testmod(wording)
    assert result.attempted >= 2 and result.failed == 0
