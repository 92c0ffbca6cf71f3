"""Brier and log scores, binary and multi-category, and the Brier skill score.

Each score is checked against a hand-worked example (arithmetic in the
comments), against an independent implementation on generated data
(scikit-learn, properscoring) and for propriety.
"""

import math

import numpy as np
import pandas as pd
import properscoring
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss, log_loss

from forecasts.scoring import (
    DEFAULT_EPS,
    brier_score,
    brier_skill_score,
    log_score,
    multi_brier_score,
    multi_log_score,
)


def generated(n=2000, seed=7):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    o = (rng.random(n) < p).astype(int)
    return p, o


# -- binary Brier ---------------------------------------------------------------


def test_brier_hand_worked():
    # (0.9 - 1)^2 = 0.01, (0.2 - 0)^2 = 0.04, (0.6 - 0)^2 = 0.36, (0.5 - 1)^2 = 0.25
    scores = brier_score([0.9, 0.2, 0.6, 0.5], [1, 0, 0, 1])
    np.testing.assert_allclose(scores, [0.01, 0.04, 0.36, 0.25], atol=1e-15)
    # mean = (0.01 + 0.04 + 0.36 + 0.25) / 4 = 0.66 / 4 = 0.165
    assert scores.mean() == pytest.approx(0.165, abs=1e-15)


def test_brier_extremes():
    # certain and right: 0; certain and wrong: 1; always 50%: 0.25
    np.testing.assert_array_equal(brier_score([1, 0, 1, 0.5], [1, 0, 0, 0]), [0, 0, 1, 0.25])


def test_brier_matches_sklearn_and_properscoring():
    p, o = generated()
    scores = brier_score(p, o)
    assert scores.mean() == pytest.approx(brier_score_loss(o, p), abs=1e-14)
    np.testing.assert_allclose(scores, properscoring.brier_score(o, p), atol=1e-14)


def test_brier_accepts_series_lists_and_booleans():
    p, o = generated(50)
    expected = brier_score(p, o)
    np.testing.assert_array_equal(brier_score(pd.Series(p), pd.Series(o.astype(bool))), expected)
    np.testing.assert_array_equal(brier_score(list(p), list(o)), expected)


# -- log score --------------------------------------------------------------------


def test_log_score_hand_worked():
    scores = log_score([0.8, 0.8, 1.0, 0.0, 0.5], [1, 0, 0, 0, 1])
    expected = [
        math.log(0.8),  # happened, given 0.8: ln 0.8 = -0.2231
        math.log(0.2),  # did not happen, given 0.8: ln(1 - 0.8) = -1.6094
        math.log(0.001),  # certain and wrong: p clipped to 0.999, ln(0.001) = -6.9078
        math.log(0.999),  # certain and right: clipped, ln(0.999) = -0.0010005
        math.log(0.5),  # always 50%: -0.6931
    ]
    np.testing.assert_allclose(scores, expected, rtol=1e-13)
    assert (scores <= 0).all()


def test_log_score_eps_is_the_clip():
    # eps = 0.1: p = 1 on a miss is clipped to 0.9, ln(1 - 0.9) = ln 0.1
    assert log_score([1.0], [0], eps=0.1)[0] == pytest.approx(math.log(0.1), rel=1e-13)
    assert DEFAULT_EPS == 0.001


def test_log_score_is_minus_sklearn_log_loss_on_clipped_probabilities():
    p, o = generated()
    p[:20] = 0.0  # force some clipping
    p[20:40] = 1.0
    clipped = np.clip(p, DEFAULT_EPS, 1 - DEFAULT_EPS)
    scores = log_score(p, o)
    assert scores.mean() == pytest.approx(-log_loss(o, clipped), abs=1e-12)
    per_forecast = -np.array(
        [
            log_loss([y], [[1 - q, q]], labels=[0, 1])
            for y, q in zip(o[:50], clipped[:50], strict=True)
        ]
    )
    np.testing.assert_allclose(scores[:50], per_forecast, atol=1e-12)


# -- multi-category -----------------------------------------------------------------

THREE = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.8, 0.1]]


def test_multi_brier_hand_worked():
    scores = multi_brier_score(THREE, [0, 2, 1])
    # row 1, option 0 happened: (0.7-1)^2 + 0.2^2 + 0.1^2 = 0.09 + 0.04 + 0.01 = 0.14
    # row 2, option 2 happened: 0.2^2 + 0.5^2 + (0.3-1)^2 = 0.04 + 0.25 + 0.49 = 0.78
    # row 3, option 1 happened: 0.1^2 + (0.8-1)^2 + 0.1^2 = 0.01 + 0.04 + 0.01 = 0.06
    np.testing.assert_allclose(scores, [0.14, 0.78, 0.06], atol=1e-15)


def test_multi_brier_one_hot_outcome_is_the_same():
    one_hot = [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    np.testing.assert_array_equal(
        multi_brier_score(THREE, one_hot), multi_brier_score(THREE, [0, 2, 1])
    )


def test_multi_brier_range_and_two_options():
    # certain and wrong: 1 + 1 = 2; certain and right: 0
    np.testing.assert_allclose(multi_brier_score([[1, 0], [0, 1]], [1, 1]), [2, 0], atol=0)
    # with two options it is twice the binary Brier score of the second option
    p, o = generated(300)
    two = np.column_stack([1 - p, p])
    np.testing.assert_allclose(multi_brier_score(two, o), 2 * brier_score(p, o), atol=1e-14)


def dirichlet(n, k, seed):
    rng = np.random.default_rng(seed)
    raw = rng.dirichlet(np.full(k, 2.0), size=n)
    probabilities = 0.01 + (1 - 0.01 * k) * raw  # every entry >= 0.01: no clipping
    happened = np.array([rng.choice(k, p=row / row.sum()) for row in probabilities])
    return probabilities, happened


def test_multi_brier_matches_sklearn():
    probabilities, happened = dirichlet(1000, 4, seed=3)
    ours = multi_brier_score(probabilities, happened).mean()
    assert ours == pytest.approx(
        brier_score_loss(happened, probabilities, labels=[0, 1, 2, 3]), abs=1e-13
    )


def test_multi_log_score_hand_worked_and_sklearn():
    # ln 0.7, ln 0.3, ln 0.8
    np.testing.assert_allclose(
        multi_log_score(THREE, [0, 2, 1]), np.log([0.7, 0.3, 0.8]), rtol=1e-13
    )
    # option given 0 probability: clipped to eps
    assert multi_log_score([[1.0, 0.0]], [1])[0] == pytest.approx(math.log(0.001))
    probabilities, happened = dirichlet(1000, 3, seed=4)
    ours = multi_log_score(probabilities, happened).mean()
    assert ours == pytest.approx(-log_loss(happened, probabilities, labels=[0, 1, 2]), abs=1e-12)


# -- skill ------------------------------------------------------------------------------


def test_brier_skill_hand_worked():
    p, o = [0.1, 0.2, 0.3, 0.8], [0, 0, 0, 1]
    # BS = (0.01 + 0.04 + 0.09 + 0.04) / 4 = 0.18 / 4 = 0.045
    # vs always 50%: 1 - 0.045 / 0.25 = 0.82
    assert brier_skill_score(p, o) == pytest.approx(0.82, abs=1e-14)
    # base rate 1/4: reference BS = 0.25 * 0.75 = 0.1875; 1 - 0.045 / 0.1875 = 0.76
    assert brier_skill_score(p, o, "base_rate") == pytest.approx(0.76, abs=1e-14)


def test_brier_skill_base_rate_undefined_when_outcomes_all_equal():
    assert brier_skill_score([0.2, 0.4], [1, 1], "base_rate") is None
    assert brier_skill_score([0.2, 0.4], [0, 0], "base_rate") is None
    # against 50% it is still defined: BS = (0.64 + 0.36) / 2 = 0.5; 1 - 0.5 / 0.25 = -1
    assert brier_skill_score([0.2, 0.4], [1, 1]) == pytest.approx(-1.0)


def test_brier_skill_matches_reference_forecasts_scored_by_sklearn():
    p, o = generated()
    base = o.mean()
    for reference, constant in (("uniform", 0.5), ("base_rate", base)):
        expected = 1 - brier_score_loss(o, p) / brier_score_loss(o, np.full(len(o), constant))
        assert brier_skill_score(p, o, reference) == pytest.approx(expected, abs=1e-12)


def test_brier_skill_unknown_reference():
    with pytest.raises(ValueError, match="reference: must be 'uniform' or 'base_rate'"):
        brier_skill_score([0.5], [1], "climate")


# -- propriety ---------------------------------------------------------------------------

GRID = np.arange(101) / 100  # candidate forecasts 0.00, 0.01, ..., 1.00


def expected_score(score, q):
    """Expected score of every forecast on the grid when the event has probability q."""
    return q * score(GRID, np.ones_like(GRID)) + (1 - q) * score(GRID, np.zeros_like(GRID))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100))
def test_brier_is_proper(k):
    q = k / 100
    expected = expected_score(brier_score, q)  # lower is better
    assert expected[k] <= expected.min() + 1e-15
    others = np.delete(expected, k)
    assert (others > expected[k]).all()  # strictly proper


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100))
def test_log_score_is_proper(k):
    q = k / 100
    expected = expected_score(log_score, q)  # higher is better
    assert expected[k] >= expected.max() - 1e-12
    if 0 < k < 100:  # inside the clipping range the maximum is unique
        assert (np.delete(expected, k) < expected[k]).all()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
    st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
)
def test_multi_category_scores_are_proper(belief, other):
    q = np.array(belief) / sum(belief)
    p = np.array(other) / sum(other)
    outcomes = [0, 1, 2]

    def expected(score, forecast):
        rows = np.tile(forecast, (3, 1))
        return float(np.dot(q, score(rows, outcomes)))

    assert expected(multi_brier_score, q) <= expected(multi_brier_score, p) + 1e-12
    assert expected(multi_log_score, q) >= expected(multi_log_score, p) - 1e-12
