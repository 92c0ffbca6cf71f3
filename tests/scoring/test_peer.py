"""Peer scores: a forecaster's score minus the mean of the others' on the same question."""

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.scoring import peer_scores, peer_scores_by_question


def naive_peer(forecaster, question, probability, outcome, eps=0.001):
    """Loop-and-dict implementation straight from the definition."""
    rows = defaultdict(list)
    for f, q, p, o in zip(forecaster, question, probability, outcome, strict=True):
        c = min(max(p, eps), 1 - eps)
        rows[(f, q)].append(((p - o) ** 2, math.log(c if o == 1 else 1 - c)))
    pair = {
        key: tuple(np.mean([r[i] for r in values]) for i in (0, 1)) for key, values in rows.items()
    }
    by_question = defaultdict(list)
    for (f, q), scores in pair.items():
        by_question[q].append((f, scores))
    peers = defaultdict(list)
    per_pair = {}
    for q, entries in by_question.items():
        if len(entries) < 2:
            continue
        for f, (brier, log) in entries:
            others = [s for g, s in entries if g != f]
            peer = (
                brier - np.mean([s[0] for s in others]),
                log - np.mean([s[1] for s in others]),
            )
            peers[f].append(peer)
            per_pair[(f, q)] = peer
    summary = {
        f: (len(v), np.mean([x[0] for x in v]), np.mean([x[1] for x in v]))
        for f, v in peers.items()
    }
    return summary, per_pair


def test_hand_worked():
    forecaster = ["a", "b", "c", "a", "a", "a", "b"]
    question = ["q1", "q1", "q1", "q2", "q3", "q3", "q3"]
    probability = [0.9, 0.6, 0.5, 0.7, 0.8, 0.6, 0.3]
    outcome = [1, 1, 1, 0, 0, 0, 0]
    table = peer_scores(forecaster, question, probability, outcome).set_index("forecaster")
    # q1 (outcome 1): Brier a = 0.01, b = 0.16, c = 0.25
    #   a: 0.01 - (0.16 + 0.25)/2 = -0.195; b: 0.16 - (0.01 + 0.25)/2 = 0.03
    #   c: 0.25 - (0.01 + 0.16)/2 = 0.165                      (sum: 0)
    # q2: only a answered: not a shared question
    # q3 (outcome 0): a has two rows, 0.8^2 = 0.64 and 0.6^2 = 0.36, mean 0.5;
    #   b: 0.3^2 = 0.09;  a: 0.5 - 0.09 = 0.41, b: 0.09 - 0.5 = -0.41
    # a: mean(-0.195, 0.41) = 0.1075 over 2 questions; b: mean(0.03, -0.41) = -0.19
    assert table.loc["a", "n_peer"] == 2 and table.loc["b", "n_peer"] == 2
    assert table.loc["c", "n_peer"] == 1
    assert table.loc["a", "peer_brier"] == pytest.approx(0.1075, abs=1e-14)
    assert table.loc["b", "peer_brier"] == pytest.approx(-0.19, abs=1e-14)
    assert table.loc["c", "peer_brier"] == pytest.approx(0.165, abs=1e-14)
    # log on q1: ln 0.9, ln 0.6, ln 0.5; a: ln 0.9 - (ln 0.6 + ln 0.5)/2
    pairs = peer_scores_by_question(forecaster, question, probability, outcome)
    a_q1 = pairs[(pairs.forecaster == "a") & (pairs.question == "q1")].iloc[0]
    assert a_q1["peer_log"] == pytest.approx(math.log(0.9) - (math.log(0.6) + math.log(0.5)) / 2)
    a_q2 = pairs[(pairs.forecaster == "a") & (pairs.question == "q2")].iloc[0]
    assert np.isnan(a_q2["peer_brier"]) and a_q2["n_forecasters"] == 1
    a_q3 = pairs[(pairs.forecaster == "a") & (pairs.question == "q3")].iloc[0]
    assert a_q3["n"] == 2 and a_q3["brier"] == pytest.approx(0.5)


def test_forecaster_alone_everywhere_has_no_peer_score():
    table = peer_scores(["a", "b"], ["q1", "q2"], [0.5, 0.5], [1, 0])
    assert table["n_peer"].tolist() == [0, 0]
    assert table["peer_brier"].isna().all() and table["peer_log"].isna().all()


def random_forecasts(seed, n, forecasters, questions):
    rng = np.random.default_rng(seed)
    f = rng.integers(0, forecasters, n)
    q = rng.integers(0, questions, n)
    p = rng.integers(0, 101, n) / 100
    o = (rng.random(questions) < 0.4).astype(int)[q]
    return [f"f{i}" for i in f], [f"q{i}" for i in q], p, o


@pytest.mark.parametrize(
    ("forecasters", "questions", "n"),
    [
        (5, 30, 300),  # dense table of (forecaster, question) pairs, many duplicates
        (400, 300, 500),  # 120,000 possible pairs > 8 * rows: the hashing path
    ],
)
def test_matches_naive_implementation(forecasters, questions, n):
    f, q, p, o = random_forecasts(1, n, forecasters, questions)
    expected, per_pair = naive_peer(f, q, p, o)
    table = peer_scores(f, q, p, o).set_index("forecaster")
    for name in table.index:
        row = table.loc[name]
        if name not in expected:
            assert row["n_peer"] == 0 and np.isnan(row["peer_brier"])
            continue
        count, brier, log = expected[name]
        assert row["n_peer"] == count
        assert row["peer_brier"] == pytest.approx(brier, abs=1e-12)
        assert row["peer_log"] == pytest.approx(log, abs=1e-12)
    pairs = peer_scores_by_question(f, q, p, o).dropna()
    assert len(pairs) == len(per_pair)
    for row in pairs.itertuples():
        brier, log = per_pair[(row.forecaster, row.question)]
        assert row.peer_brier == pytest.approx(brier, abs=1e-12)
        assert row.peer_log == pytest.approx(log, abs=1e-12)


def test_forecaster_means_equal_the_mean_over_pairs():
    f, q, p, o = random_forecasts(2, 2000, 20, 100)
    pairs = peer_scores_by_question(f, q, p, o).dropna(subset=["peer_brier"])
    means = pairs.groupby("forecaster")[["peer_brier", "peer_log"]].mean()
    table = peer_scores(f, q, p, o).set_index("forecaster")
    np.testing.assert_allclose(
        table.loc[means.index, "peer_brier"], means["peer_brier"], atol=1e-12
    )
    np.testing.assert_allclose(table.loc[means.index, "peer_log"], means["peer_log"], atol=1e-12)


def test_categorical_labels_give_the_same_result():
    f, q, p, o = random_forecasts(3, 400, 6, 40)
    plain = peer_scores(f, q, p, o).set_index("forecaster").sort_index()
    categorical = (
        peer_scores(pd.Series(f, dtype="category"), pd.Series(q, dtype="category"), p, o)
        .set_index("forecaster")
        .sort_index()
    )
    pd.testing.assert_frame_equal(plain, categorical)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),  # forecaster
            st.integers(0, 2),  # question
            st.floats(0, 1, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    ),
    st.lists(st.integers(0, 1), min_size=3, max_size=3),
)
def test_peer_scores_on_a_question_sum_to_zero(rows, outcomes):
    forecaster = [f"f{r[0]}" for r in rows]
    question = [f"q{r[1]}" for r in rows]
    probability = [r[2] for r in rows]
    outcome = [outcomes[r[1]] for r in rows]
    pairs = peer_scores_by_question(forecaster, question, probability, outcome)
    shared = pairs[pairs["n_forecasters"] > 1]
    sums = shared.groupby("question")[["peer_brier", "peer_log"]].sum()
    assert (sums.abs() <= 1e-12).all().all()
    assert pairs.loc[pairs["n_forecasters"] == 1, "peer_brier"].isna().all()


def test_validation():
    with pytest.raises(
        ValueError, match=r"forecaster: must not be missing \(got nan at position 1\)"
    ):
        peer_scores(["a", None], ["q", "q"], [0.5, 0.5], [1, 1])
    with pytest.raises(
        ValueError, match=r"question: must have the same length as probability \(2\)"
    ):
        peer_scores(["a", "b"], ["q"], [0.5, 0.5], [1, 1])
    with pytest.raises(
        ValueError, match=r"probability: must be between 0 and 1 \(got 2 at position 0\)"
    ):
        peer_scores(["a"], ["q"], [2], [1])
