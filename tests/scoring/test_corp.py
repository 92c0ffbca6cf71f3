"""CORP reliability: the isotonic fit against scikit-learn's, the decomposition against
an independent implementation (model-diagnostics), the properties that must hold, and
bad input."""

from __future__ import annotations

import numpy as np
import pytest
from model_diagnostics.scoring import SquaredError, decompose
from sklearn.isotonic import IsotonicRegression

from forecasts.scoring import (
    InvalidInput,
    brier_score,
    corp_decomposition,
    corp_reliability,
    isotonic_fit,
)


def _forecasts(seed: int, n: int, rounded: bool):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    if rounded:  # pundits' numbers: many ties
        p = np.round(p, 1)
    y = (rng.random(n) < p**1.4).astype(int)  # somewhat miscalibrated
    return p, y


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rounded", [True, False])
def test_the_fit_and_the_terms_match_independent_implementations(seed, rounded):
    p, y = _forecasts(seed, 300, rounded)
    expected_fit = IsotonicRegression(y_min=0, y_max=1).fit(p, y).predict(p)
    np.testing.assert_allclose(isotonic_fit(p, y), expected_fit, atol=1e-12)
    ours = corp_decomposition(p, y, n_resamples=0)
    theirs = decompose(y_obs=y, y_pred=p, scoring_function=SquaredError())
    assert ours.miscalibration == pytest.approx(theirs["miscalibration"][0], abs=1e-12)
    assert ours.discrimination == pytest.approx(theirs["discrimination"][0], abs=1e-12)
    assert ours.uncertainty == pytest.approx(theirs["uncertainty"][0], abs=1e-12)
    assert ours.score == pytest.approx(float(brier_score(p, y).mean()), abs=1e-12)


def test_the_terms_add_up_are_non_negative_and_do_not_depend_on_order():
    p, y = _forecasts(9, 200, True)
    d = corp_decomposition(p, y, n_resamples=100)
    assert d.miscalibration - d.discrimination + d.uncertainty == pytest.approx(d.score)
    assert d.miscalibration >= 0 and d.discrimination >= 0
    for term in ("miscalibration", "discrimination", "uncertainty"):
        low, high = getattr(d, f"{term}_interval")
        assert low <= high
    order = np.random.default_rng(1).permutation(len(p))
    shuffled = corp_decomposition(p[order], y[order], n_resamples=0)
    assert shuffled.miscalibration == pytest.approx(d.miscalibration, abs=1e-15)


def test_a_calibrated_forecaster_sits_in_the_band_and_an_overconfident_one_does_not():
    rng = np.random.default_rng(5)
    p = np.round(rng.random(2000), 1)
    calibrated = (rng.random(2000) < p).astype(int)
    diagram = corp_reliability(p, calibrated, n_resamples=300)
    inside = (diagram["band_low"] <= diagram["calibrated"]) & (
        diagram["calibrated"] <= diagram["band_high"]
    )
    assert inside.mean() >= 0.8
    # says 0% or 100% about what happens 30% / 70% of the time
    truth = np.where(p < 0.5, 0.3, 0.7)
    overconfident = (rng.random(2000) < truth).astype(int)
    loud = np.where(p < 0.5, 0.0, 1.0)
    far = corp_reliability(loud, overconfident, n_resamples=300)
    assert ((far["calibrated"] < far["band_low"]) | (far["calibrated"] > far["band_high"])).all()
    d = corp_decomposition(loud, overconfident, n_resamples=200)
    # S(x) = 0.3 and S(c) = 0.21 in expectation: MCB about 0.09, well away from 0
    assert d.miscalibration == pytest.approx(0.09, abs=0.02)
    assert d.miscalibration_interval[0] > 0.05


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: isotonic_fit([0.5, 1.2], [1, 0]), "probability"),
        (lambda: isotonic_fit([0.5, 0.5], [1, 2]), "outcome"),
        (lambda: corp_decomposition([0.5], [1, 0]), "outcome"),
        (lambda: corp_decomposition([], []), "probability"),
        (lambda: corp_decomposition([0.5], [1], confidence=1.0), "confidence"),
        (lambda: corp_reliability([0.5], [1], level=0), "level"),
        (lambda: corp_reliability([0.5], [1], n_resamples=0), "n_resamples"),
    ],
)
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(InvalidInput) as error:
        call()
    assert error.value.argument == argument
