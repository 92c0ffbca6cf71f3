"""Forecast bins, the Murphy decomposition, calibration tables, Wilson intervals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from forecasts.scoring import (
    CALIBRATION_COLUMNS,
    Z95,
    bin_edges,
    bin_index,
    calibration_table,
    murphy_decomposition,
    wilson_interval,
)

# -- bins -------------------------------------------------------------------------


@pytest.mark.parametrize("bins", [1, 2, 3, 7, 10, 22, 23, 49, 100])
def test_every_edge_lands_in_its_own_bin(bins):
    k = np.arange(bins + 1)
    edges = k / bins  # the floats nearest to k/B, as a user would type them
    expected = np.minimum(k, bins - 1)  # p = 1 goes to the last bin
    np.testing.assert_array_equal(bin_index(edges, bins), expected)
    # the float just below an edge belongs to the bin below
    below = np.nextafter(edges[1:], 0)
    np.testing.assert_array_equal(bin_index(below, bins), k[1:] - 1)


def test_tenths_typed_as_literals():
    # 0.3 * 10 and friends: each k/10 literal lands in bin k
    tenths = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert bin_index(tenths).tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]


def test_float_trap_the_product_alone_would_fall_into():
    # (1/49) * 49 == 0.9999999999999999 in floats; the edge must still be in bin 1
    assert (1 / 49) * 49 < 1
    assert bin_index([1 / 49], 49).tolist() == [1]


def test_bin_edges():
    assert bin_edges(4).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


# -- Murphy decomposition ------------------------------------------------------------


def test_decomposition_hand_worked_forecasts_on_bin_values():
    p = [0.1, 0.1, 0.9, 0.9, 0.9]
    o = [0, 1, 1, 1, 0]
    d = murphy_decomposition(p, o)
    # bin 1: n=2, pbar=0.1, obar=1/2; bin 9: n=3, pbar=0.9, obar=2/3; overall obar = 3/5
    # reliability = [2 (0.1 - 0.5)^2 + 3 (0.9 - 2/3)^2] / 5 = [0.32 + 0.163333] / 5 = 0.0966667
    assert d.reliability == pytest.approx((0.32 + 3 * (0.9 - 2 / 3) ** 2) / 5, abs=1e-15)
    # resolution = [2 (0.5 - 0.6)^2 + 3 (2/3 - 0.6)^2] / 5 = [0.02 + 0.013333] / 5 = 0.0066667
    assert d.resolution == pytest.approx((0.02 + 3 * (2 / 3 - 0.6) ** 2) / 5, abs=1e-15)
    # uncertainty = 0.6 * 0.4 = 0.24
    assert d.uncertainty == pytest.approx(0.24, abs=1e-15)
    # brier = (0.01 + 0.81 + 0.01 + 0.01 + 0.81) / 5 = 0.33 = 0.0966667 - 0.0066667 + 0.24
    assert d.brier == pytest.approx(0.33, abs=1e-15)
    assert d.within_bin == pytest.approx(0.0, abs=1e-15)  # forecasts sit on their bin mean
    assert (d.n, d.bins) == (5, 10)


def test_decomposition_hand_worked_within_bin_term():
    d = murphy_decomposition([0.12, 0.18], [0, 1])
    # one bin (k=1): pbar = 0.15, obar = 0.5
    # reliability = (0.15 - 0.5)^2 = 0.1225, resolution = 0, uncertainty = 0.25
    # brier = (0.12^2 + 0.82^2) / 2 = (0.0144 + 0.6724) / 2 = 0.3434
    # within-bin variance = (0.03^2 + 0.03^2) / 2 = 0.0009
    # within-bin covariance = ((-0.03)(-0.5) + (0.03)(0.5)) / 2 = 0.015
    # within_bin = 0.0009 - 2 * 0.015 = -0.0291 = 0.3434 - 0.1225 + 0 - 0.25
    assert d.reliability == pytest.approx(0.1225, abs=1e-15)
    assert d.resolution == pytest.approx(0.0, abs=1e-15)
    assert d.uncertainty == pytest.approx(0.25, abs=1e-15)
    assert d.brier == pytest.approx(0.3434, abs=1e-15)
    assert d.within_bin == pytest.approx(-0.0291, abs=1e-15)


def test_decomposition_matches_sklearn_calibration_curve():
    rng = np.random.default_rng(11)
    p = rng.random(5000)
    o = (rng.random(5000) < p**1.3).astype(int)  # a miscalibrated forecaster
    d = murphy_decomposition(p, o)
    # sklearn's bins are (k/10, (k+1)/10]; with continuous p no forecast sits on an edge
    observed, mean_forecast = calibration_curve(o, p, n_bins=10, strategy="uniform")
    counts, _ = np.histogram(p, bins=np.linspace(0, 1, 11))
    counts = counts[counts > 0]
    reliability = np.sum(counts * (mean_forecast - observed) ** 2) / len(p)
    resolution = np.sum(counts * (observed - o.mean()) ** 2) / len(p)
    assert d.reliability == pytest.approx(reliability, abs=1e-14)
    assert d.resolution == pytest.approx(resolution, abs=1e-14)
    assert d.uncertainty == pytest.approx(o.mean() * (1 - o.mean()), abs=1e-15)
    assert d.brier == pytest.approx(brier_score_loss(o, p), abs=1e-14)
    total = d.reliability - d.resolution + d.uncertainty + d.within_bin
    assert total == pytest.approx(brier_score_loss(o, p), abs=1e-12)


probabilities = st.one_of(
    st.floats(0, 1, allow_nan=False),
    st.integers(0, 20).map(lambda k: k / 20),  # exactly on edges
    st.sampled_from([0.0, 1.0, 0.1, 0.3, 0.7, 1e-300, 1 - 1e-16]),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(probabilities, st.integers(0, 1)), min_size=1, max_size=60),
    st.integers(1, 25),
)
def test_decomposition_identity_holds_whatever_the_forecasts(rows, bins):
    p = [row[0] for row in rows]
    o = [row[1] for row in rows]
    d = murphy_decomposition(p, o, bins=bins)
    brier = np.mean((np.array(p) - np.array(o)) ** 2)
    assert d.brier == pytest.approx(brier, abs=1e-15)
    assert abs(d.brier - (d.reliability - d.resolution + d.uncertainty + d.within_bin)) <= 1e-12
    assert d.reliability >= 0 and d.resolution >= 0 and 0 <= d.uncertainty <= 0.25


# -- calibration table ---------------------------------------------------------------------


def test_calibration_table_hand_worked():
    table = calibration_table([0.05, 0.15, 0.12, 0.3, 1.0], [0, 1, 0, 1, 1])
    assert list(table.columns) == CALIBRATION_COLUMNS
    assert table.index.tolist() == [0, 1, 3, 9]  # only non-empty bins
    assert table["bin_lower"].tolist() == [0.0, 0.1, 0.3, 0.9]
    assert table["bin_upper"].tolist() == [0.1, 0.2, 0.4, 1.0]
    assert table["n"].tolist() == [1, 2, 1, 1]
    # bin 1 holds 0.15 and 0.12: mean forecast 0.135, observed 1 of 2 = 0.5
    assert table.loc[1, "mean_forecast"] == pytest.approx(0.135)
    assert table.loc[1, "observed_frequency"] == 0.5
    low, high = wilson_interval(1, 2)
    assert (table.loc[1, "ci_low"], table.loc[1, "ci_high"]) == (low, high)


def test_calibration_table_matches_sklearn():
    rng = np.random.default_rng(5)
    p = rng.random(3000)
    o = (rng.random(3000) < p).astype(int)
    table = calibration_table(p, o, bins=8)
    observed, mean_forecast = calibration_curve(o, p, n_bins=8, strategy="uniform")
    np.testing.assert_allclose(table["observed_frequency"], observed, atol=1e-14)
    np.testing.assert_allclose(table["mean_forecast"], mean_forecast, atol=1e-14)
    assert table["n"].sum() == 3000
    assert (table["ci_low"] <= table["observed_frequency"]).all()
    assert (table["observed_frequency"] <= table["ci_high"]).all()


# -- Wilson interval ------------------------------------------------------------------------


def test_wilson_hand_worked():
    # 0 of 10: low = 0, high = z^2 / (n + z^2) = 3.841459 / 13.841459 = 0.277533
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(Z95**2 / (10 + Z95**2), rel=1e-12)
    assert high == pytest.approx(0.2775328, abs=1e-7)
    # 5 of 10: centre 0.5, half = z / (1 + z^2/10) * sqrt(0.25/10 + z^2/400)
    #        = 1.959964 / 1.384146 * sqrt(0.025 + 0.009604) = 1.416006 * 0.186022 = 0.263407
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.5 - 0.263407, 0.5 + 0.263407), abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_bounds_invert_the_score_test(case):
    successes, n = case
    low, high = wilson_interval(successes, n)
    phat = successes / n
    assert 0 <= low <= phat <= high <= 1
    # each bound pi that is not clamped at 0 or 1 solves (phat - pi)^2 = z^2 pi (1 - pi) / n
    for bound in (low, high):
        if 0 < bound < 1:
            assert (phat - bound) ** 2 == pytest.approx(Z95**2 * bound * (1 - bound) / n, abs=1e-12)


def test_wilson_vectorised_and_empty():
    low, high = wilson_interval(np.array([0, 3, 0]), np.array([4, 4, 0]))
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert low[0] == 0.0 and high[1] < 1.0
    with pytest.raises(
        ValueError, match=r"successes: must be between 0 and n \(got 5.0 at position 0\)"
    ):
        wilson_interval([5], [4])
