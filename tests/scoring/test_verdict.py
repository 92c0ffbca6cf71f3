"""Calibration verdicts: over-forecasting told apart from over-confidence, and "too few
to tell" whenever the Wilson interval of what happened contains what was said."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from forecasts import scores
from forecasts.scoring import (
    InvalidInput,
    calibration_table,
    calibration_verdict,
    murphy_decomposition,
)


def _data(*groups):
    """(forecast, how many, how many happened) groups as probability and outcome arrays."""
    p = np.concatenate([np.full(n, said) for said, n, _ in groups])
    o = np.concatenate([np.r_[np.ones(k), np.zeros(n - k)] for _, n, k in groups])
    return p, o


def _words(p, o):
    result = {"table": calibration_table(p, o), "decomposition": murphy_decomposition(p, o)}
    return scores.calibration_words(result)


def test_two_forecasts_are_too_few_to_tell():
    # The case: 2 forecasts at 90%, 1 happened; the interval is 9.5%–90.5%.
    p, o = _data((0.9, 2, 1))
    verdict = calibration_verdict(calibration_table(p, o))
    assert (verdict.bias, verdict.confidence) == ("too few to tell", "too few to tell")
    (first, *_) = _words(p, o)
    assert first.startswith("Too few to tell: in no bin")
    assert "95% interval 9.5%–90.5%" in first and "confident" not in first


def test_forecasts_all_too_high_are_over_forecasting_not_confidence():
    # Said 70%, happened 40% of 100: too high, and on the wrong side of 50%.
    p, o = _data((0.7, 100, 40))
    verdict = calibration_verdict(calibration_table(p, o))
    assert verdict.bias == "over-forecasting"
    assert verdict.confidence == "mixed"
    words = _words(p, o)
    assert words[0] == (
        "Over-forecasting: the forecasts were too high: said 70% on average, happened 40% "
        "of the time (100 forecasts; 95% interval 30.9%–49.8%)."
    )
    assert "Under-confident" not in " ".join(words)


def test_too_far_from_fifty_both_ways_is_over_confidence_without_bias():
    # Said 90% for what happened 60% of the time and 10% for what happened 40%.
    p, o = _data((0.9, 100, 60), (0.1, 100, 40))
    verdict = calibration_verdict(calibration_table(p, o))
    assert (verdict.bias, verdict.confidence) == ("too few to tell", "over-confident")
    words = _words(p, o)
    assert words[0].startswith("Neither too high nor too low on average: said 50% on average")
    assert words[1].startswith("Over-confident: too far from 50%: said")


def test_too_close_to_fifty_is_under_confidence():
    p, o = _data((0.6, 100, 90), (0.4, 100, 10))
    verdict = calibration_verdict(calibration_table(p, o))
    assert (verdict.bias, verdict.confidence) == ("too few to tell", "under-confident")
    assert _words(p, o)[1].startswith("Under-confident: too close to 50%: said")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            # Bin centres: the mirror of each is the centre of the mirrored bin, so
            # mirroring maps bins to bins (0.62 would share 0.3's bin once mirrored).
            st.sampled_from([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]),
            st.integers(1, 40),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mirrored_forecasts_swap_the_bias_and_keep_the_confidence(groups):
    groups = [(said, n, round(share * n)) for said, n, share in groups]
    p, o = _data(*groups)
    verdict = calibration_verdict(calibration_table(p, o))
    mirror = calibration_verdict(calibration_table(1 - p, 1 - o))
    swap = {
        "over-forecasting": "under-forecasting",
        "under-forecasting": "over-forecasting",
        "too few to tell": "too few to tell",
    }
    assert mirror.bias == swap[verdict.bias]
    assert mirror.confidence == verdict.confidence
    # A bin is telling exactly when an independent Wilson interval (scipy) excludes
    # its mean forecast.
    table = verdict.bins
    for row in table.itertuples():
        interval = binomtest(round(row.observed_frequency * row.n), row.n).proportion_ci(
            method="wilson"
        )
        inside = interval.low - 1e-9 <= row.mean_forecast <= interval.high + 1e-9
        assert row.telling == (not inside)


def test_a_table_without_forecasts_is_refused():
    table = calibration_table([0.5], [1]).iloc[0:0]
    with pytest.raises(InvalidInput, match="table: must hold at least one forecast"):
        calibration_verdict(table)
    with pytest.raises(InvalidInput, match="table: must be a calibration table"):
        calibration_verdict(table.drop(columns="ci_low"))
