"""Bootstrap intervals of a mean score (Efron 1979), with a fixed seed."""

import numpy as np
import pytest

from forecasts.scoring import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    NORMAL_ABOVE,
    bootstrap_mean_interval,
    bootstrap_mean_intervals,
)


def scores(n, seed=0):
    """Brier scores of a decent forecaster: skewed, mostly small, in [0, 1]."""
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    o = rng.random(n) < p
    return (p - o) ** 2


def test_same_input_same_interval():
    x = scores(300)
    assert bootstrap_mean_interval(x) == bootstrap_mean_interval(x.copy())
    assert bootstrap_mean_interval(x, seed=1) != bootstrap_mean_interval(x)


def test_documented_resampling_scheme():
    # Independent re-implementation of the documented scheme: U ~ PCG64(seed),
    # shape (n, B); resample b takes elements floor(U[j, b] * n), j = 0..n-1.
    x = scores(57, seed=3)
    n = len(x)
    uniforms = np.random.Generator(np.random.PCG64(DEFAULT_SEED)).random((n, DEFAULT_RESAMPLES))
    means = np.array([x[(uniforms[:, b] * n).astype(int)].mean() for b in range(DEFAULT_RESAMPLES)])
    expected = np.quantile(means, [0.025, 0.975])
    assert bootstrap_mean_interval(x) == pytest.approx(tuple(expected), abs=1e-14)


def reference_interval(x, seed=DEFAULT_SEED, n_resamples=DEFAULT_RESAMPLES, confidence=0.95):
    """The documented scheme written out, one resample at a time: U ~ PCG64(seed) of
    shape (n, B); resample b takes elements floor(U[j, b] * n), j = 0..n-1."""
    n = len(x)
    uniforms = np.random.Generator(np.random.PCG64(seed)).random((n, n_resamples))
    means = np.array([x[(uniforms[:, b] * n).astype(int)].mean() for b in range(n_resamples)])
    alpha = (1 - confidence) / 2
    return tuple(np.quantile(means, [alpha, 1 - alpha]))


@pytest.mark.parametrize(
    ("seed", "n_resamples", "confidence"), [(DEFAULT_SEED, DEFAULT_RESAMPLES, 0.95), (5, 250, 0.9)]
)
def test_every_set_follows_the_documented_scheme(seed, n_resamples, confidence):
    # Sets of one size are resampled together: a few by gathering their drawn scores,
    # many through one matrix of counts and matrix products over slices of the
    # resamples. Each set's interval must be the scheme's for that set alone.
    sets_of_size = {1: 4, 3: 2, 7: 9, 40: 5, 57: 1, 120: 4, 300: 6}
    groups = np.concatenate(
        [[f"{size}-{i}"] * size for size, count in sets_of_size.items() for i in range(count)]
    )
    values = scores(len(groups), seed=11)
    order = np.random.default_rng(3).permutation(len(groups))  # interleave the sets
    groups, values = groups[order], values[order]
    table = bootstrap_mean_intervals(
        values, groups, seed=seed, n_resamples=n_resamples, confidence=confidence
    )
    for name in table.index:
        expected = reference_interval(values[groups == name], seed, n_resamples, confidence)
        got = (table.loc[name, "ci_low"], table.loc[name, "ci_high"])
        assert got == pytest.approx(expected, abs=1e-14), name


def test_both_constructions_give_each_resample_s_documented_mean():
    # The two ways of computing the B resample means of sets of one size (gathering the
    # drawn scores; a counts matrix and products over slices of the resamples) against
    # the scheme written out, resample by resample (the intervals alone would not see a
    # wrong draw in one resample).
    from forecasts.scoring.bootstrap import _Resampler, _uniforms_by_resample

    n_resamples = 300
    uniforms = np.random.Generator(np.random.PCG64(DEFAULT_SEED)).random((400, n_resamples))
    # The kept draws (drawn for more rows than asked) begin with the same uniforms.
    kept = _uniforms_by_resample(DEFAULT_SEED, n_resamples, 400)
    assert kept.shape[1] >= 400 and np.array_equal(kept[:, :400], uniforms.T)
    resampler = _Resampler(kept, 400, largest_block=6)
    for size in (1, 2, 13, 60, 400):
        block = scores(6 * size, seed=size).reshape(6, size)
        expected = np.array(
            [
                [row[(uniforms[:size, b] * size).astype(int)].mean() for b in range(n_resamples)]
                for row in block
            ]
        )
        gathered = resampler.gathered_means(block, size).copy()
        multiplied = resampler.multiplied_means(block, resampler.counts(size), size).copy()
        assert gathered == pytest.approx(expected, abs=1e-15), size
        assert multiplied == pytest.approx(expected, abs=1e-15), size


def test_agrees_with_a_naive_bootstrap_of_another_seed():
    x = scores(200, seed=4)
    rng = np.random.default_rng(12345)
    means = np.array([rng.choice(x, size=len(x)).mean() for _ in range(2000)])
    naive_low, naive_high = np.quantile(means, [0.025, 0.975])
    low, high = bootstrap_mean_interval(x)
    width = high - low
    # Monte Carlo error of a 2.5% quantile with B=1000 is about 2% of the width
    assert low == pytest.approx(naive_low, abs=0.15 * width)
    assert high == pytest.approx(naive_high, abs=0.15 * width)


def test_contains_the_mean_and_stays_in_range():
    for n in (1, 2, 5, 40, 1000, 5000):
        x = scores(n, seed=n)
        low, high = bootstrap_mean_interval(x)
        assert x.min() <= low <= x.mean() <= high <= x.max()


def test_narrows_with_n():
    widths = []
    for n in (100, 400, 1000):
        low, high = bootstrap_mean_interval(scores(n, seed=9))
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]
    # width ~ 1/sqrt(n): quadrupling n about halves it
    assert widths[1] / widths[0] == pytest.approx(0.5, rel=0.25)


def test_close_to_the_normal_interval_for_large_n():
    x = scores(NORMAL_ABOVE, seed=21)  # the largest set still bootstrapped exactly
    low, high = bootstrap_mean_interval(x)
    half = 1.959963984540054 * x.std() / np.sqrt(len(x))
    assert low == pytest.approx(x.mean() - half, abs=0.1 * half)
    assert high == pytest.approx(x.mean() + half, abs=0.1 * half)


def test_normal_approximation_above_the_threshold():
    x = scores(NORMAL_ABOVE + 1, seed=22)
    half = 1.959963984540054 * x.std(ddof=0) / np.sqrt(len(x))
    assert bootstrap_mean_interval(x) == pytest.approx(
        (x.mean() - half, x.mean() + half), abs=1e-14
    )
    # forcing the exact bootstrap gives nearly the same interval
    exact = bootstrap_mean_interval(x, normal_above=len(x))
    assert exact == pytest.approx((x.mean() - half, x.mean() + half), abs=0.1 * half)


def test_other_confidence_levels():
    x = scores(500, seed=2)
    low90, high90 = bootstrap_mean_interval(x, confidence=0.9)
    low95, high95 = bootstrap_mean_interval(x)
    assert low95 < low90 < high90 < high95


def test_grouped_intervals_equal_each_group_alone():
    rng = np.random.default_rng(8)
    sizes = {"a": 1, "b": 7, "c": 7, "d": 300, "e": NORMAL_ABOVE + 500}
    groups = np.concatenate([[name] * size for name, size in sizes.items()])
    values = scores(len(groups), seed=8)
    order = rng.permutation(len(groups))  # interleave the groups
    groups, values = groups[order], values[order]
    table = bootstrap_mean_intervals(values, groups)
    assert list(table.columns) == ["n", "mean", "ci_low", "ci_high"]
    for name, size in sizes.items():
        alone = values[groups == name]
        assert table.loc[name, "n"] == size
        assert table.loc[name, "mean"] == pytest.approx(alone.mean(), abs=1e-15)
        expected = bootstrap_mean_interval(alone)
        got = (table.loc[name, "ci_low"], table.loc[name, "ci_high"])
        assert got == pytest.approx(expected, abs=1e-14)


def test_a_group_interval_does_not_depend_on_other_groups():
    x = scores(50, seed=1)
    alone = bootstrap_mean_intervals(x, ["f"] * 50)
    with_others = bootstrap_mean_intervals(
        np.concatenate([scores(80, seed=2), x]), ["g"] * 80 + ["f"] * 50
    )
    assert alone.loc["f", "ci_low"] == pytest.approx(with_others.loc["f", "ci_low"], abs=1e-15)
    assert alone.loc["f", "ci_high"] == pytest.approx(with_others.loc["f", "ci_high"], abs=1e-15)


def test_many_small_groups_are_fast_and_sane():
    n_groups, size = 2000, 50
    groups = np.repeat(np.arange(n_groups), size)
    values = scores(n_groups * size, seed=5)
    table = bootstrap_mean_intervals(values, groups)
    assert (table["ci_low"] <= table["mean"]).all() and (table["mean"] <= table["ci_high"]).all()


def test_errors():
    with pytest.raises(
        ValueError, match=r"values: must be a finite number \(got nan at position 1\)"
    ):
        bootstrap_mean_interval([0.1, float("nan")])
    with pytest.raises(ValueError, match="confidence: must be between 0 and 1"):
        bootstrap_mean_interval([0.1], confidence=1.5)
    with pytest.raises(ValueError, match="groups: must have the same length as values"):
        bootstrap_mean_intervals([0.1, 0.2], ["a"])
    assert all(np.isnan(bootstrap_mean_interval([])))
