"""The difficulty-adjusted score, honest ranks, shrunk means and per-question weights:
hand-worked cases, a simulation where the true skills are known, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasts.scoring import (
    InvalidInput,
    adjusted_scores,
    honest_ranks,
    question_weights,
    shrunk_means,
)
from simulated_skill import simulate


def spearman(a, b) -> float:
    return float(pd.Series(a).corr(pd.Series(b), method="spearman"))


def test_an_exactly_additive_record_is_recovered_without_a_ridge():
    # score = 0.2 + skill + difficulty on a connected, unbalanced design
    skill = {"ann": -0.05, "bo": 0.0, "cy": 0.08}
    difficulty = {"q1": -0.1, "q2": 0.0, "q3": 0.1, "q4": 0.05}
    answered = [("ann", "q1"), ("ann", "q3"), ("bo", "q1"), ("bo", "q2"), ("cy", "q2")]
    answered += [("cy", "q3"), ("cy", "q4"), ("ann", "q4")]
    score = [0.2 + skill[p] + difficulty[q] for p, q in answered]
    table = adjusted_scores(
        score, [p for p, _ in answered], [q for _, q in answered], ridge=0.0, n_resamples=0
    )
    got = dict(zip(table["pundit"], table["adjusted"], strict=True))
    for a, b in (("ann", "bo"), ("bo", "cy"), ("ann", "cy")):
        assert got[a] - got[b] == pytest.approx(skill[a] - skill[b], abs=1e-9)
    assert table["rank"].tolist() == [1.0, 2.0, 3.0]


def test_the_ridge_pulls_a_short_record_towards_the_mean_and_a_huge_ridge_flattens_all():
    score = [0.0, 0.4, 0.4, 0.4, 0.4]
    pundit = ["lucky", "b", "b", "c", "c"]
    question = ["q1", "q1", "q2", "q1", "q2"]
    loose = adjusted_scores(score, pundit, question, ridge=0.1, n_resamples=0)
    tight = adjusted_scores(score, pundit, question, ridge=10.0, n_resamples=0)
    flat = adjusted_scores(score, pundit, question, ridge=1e9, n_resamples=0)
    gap = lambda t: t["adjusted"][1] - t["adjusted"][0]  # noqa: E731
    assert 0 < gap(tight) < gap(loose)
    assert np.ptp(flat["adjusted"]) < 1e-6
    assert flat["adjusted"][0] == pytest.approx(np.mean(score), abs=1e-6)


def test_simulation_the_adjusted_score_recovers_the_ranking_the_plain_mean_gets_wrong():
    # The better pundits answered the harder questions (see simulated_skill).
    noise, who, what, score = simulate(pundits=100, questions=2000, seed=7)
    table = adjusted_scores(score, who, what, n_resamples=0)
    order = np.argsort(table["pundit"].to_numpy())
    adjusted, plain = table["adjusted"].to_numpy()[order], table["mean"].to_numpy()[order]
    assert spearman(adjusted, noise) >= 0.9
    assert spearman(plain, noise) < 0.5


def test_question_bootstrap_intervals_hold_the_estimate_and_rank_intervals_the_rank():
    noise, who, what, score = simulate(pundits=12, questions=150, per=60, seed=3)
    table = adjusted_scores(score, who, what, n_resamples=60, seed=11)
    assert (table["low"] <= table["adjusted"] + 1e-12).all()
    assert (table["adjusted"] <= table["high"] + 1e-12).all()
    assert (table["rank_low"] <= table["rank"]).all() and (
        table["rank"] <= table["rank_high"]
    ).all()
    again = adjusted_scores(score, who, what, n_resamples=60, seed=11)
    pd.testing.assert_frame_equal(table, again)  # the same seed, the same intervals


def test_honest_ranks_share_a_place_where_intervals_overlap_and_ignore_rounding():
    assert honest_ranks([0.3, 0.1 + 0.2], [0.3, 0.1 + 0.2], [0.3, 0.1 + 0.2]).tolist() == [1, 1]
    ranks = honest_ranks([0.0, 0.1, 0.5], [0.0, 0.05, 0.45], [0.0, 0.2, 0.55])
    assert ranks.tolist() == [1, 2, 3]
    # no interval (a single forecast): ranked by its mean against the others' intervals
    assert honest_ranks([0.1, 0.3], [np.nan, 0.25], [np.nan, 0.35]).tolist() == [1, 2]


def test_equal_means_rank_equal_on_the_adjusted_board():
    table = adjusted_scores(
        [0.1, 0.2, 0.30000000000000004, 0.1 + 0.2], list("aabb"), list("xyxy"), n_resamples=0
    )
    assert table["rank"].nunique() <= 2


def test_shrunk_means_follow_the_normal_normal_formula():
    score = np.array([0.0, 0.1, 0.0, 0.1, 0.0, 0.5, 0.6, 0.4])
    pundit = list("aaaabccc")
    table = shrunk_means(score, pundit)
    n = np.array([4, 1, 3])
    mean = np.array([0.05, 0.0, 0.5])
    within = ((score - mean[[0, 0, 0, 0, 1, 2, 2, 2]]) ** 2).sum() / (8 - 3)
    between = max(np.var(mean, ddof=1) - np.mean(within / n), 0.0)
    kept = between / (between + within / n)
    expected = score.mean() + kept * (mean - score.mean())
    np.testing.assert_allclose(table["shrunk"], expected)
    np.testing.assert_allclose(table["weight"], kept)
    assert ((table["weight"] >= 0) & (table["weight"] <= 1)).all()


def test_question_weights_give_each_pundit_one_vote_per_question():
    pundit = ["a", "a", "a", "b", "a", "b"]
    question = ["q1", "q1", "q1", "q1", "q2", "q2"]
    w = question_weights(pundit, question)
    totals = pd.Series(w).groupby([pundit, question]).sum()
    assert np.allclose(totals, 1.0)
    weighted = adjusted_scores(
        [0.5, 0.5, 0.5, 0.1, 0.1, 0.1], pundit, question, weight=w, n_resamples=0
    )
    assert weighted["n"].tolist() == [4, 2] and weighted["questions"].tolist() == [2, 2]


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: adjusted_scores([0.1, np.nan], ["a", "b"], ["q", "q"]), "score"),
        (lambda: adjusted_scores([0.1], ["a", "b"], ["q"]), "pundit"),
        (lambda: adjusted_scores([0.1], ["a"], ["q"], ridge=-1), "ridge"),
        (lambda: adjusted_scores([0.1], ["a"], ["q"], n_resamples=-1), "n_resamples"),
        (lambda: adjusted_scores([0.1], ["a"], ["q"], weight=[0.0]), "weight"),
        (lambda: adjusted_scores([], [], []), "score"),
        (lambda: shrunk_means([0.1, np.inf], ["a", "b"]), "score"),
    ],
)
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(InvalidInput) as error:
        call()
    assert error.value.argument == argument
