"""The calibration bins of many groups at once equal each group's own table."""

import numpy as np

from forecasts.scoring import calibration_table
from forecasts.scoring.calibration import grouped_calibration_bins


def test_grouped_bins_equal_each_groups_calibration_table():
    rng = np.random.default_rng(4)
    p = np.round(rng.random(600), 2)
    p[:5] = [0.0, 1.0, 0.1, 0.2, 0.3]  # edges: 1 falls in the last bin
    o = (rng.random(600) < p).astype(float)
    codes = rng.integers(0, 7, 600)
    group, bin_, n, mean, observed = grouped_calibration_bins(p, o, codes, 7, 10)
    for g in range(7):
        table = calibration_table(p[codes == g], o[codes == g], 10)
        mine = group == g
        assert bin_[mine].tolist() == table.index.tolist()
        assert n[mine].tolist() == table["n"].tolist()
        np.testing.assert_allclose(mean[mine], table["mean_forecast"], rtol=1e-12)
        np.testing.assert_allclose(observed[mine], table["observed_frequency"], rtol=1e-12)
