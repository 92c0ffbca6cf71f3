"""score_table: the full report, as plain Python values."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from forecasts.scoring import (
    brier_score,
    calibration_table,
    log_score,
    murphy_decomposition,
    peer_scores,
    score_table,
)

OVERALL_KEYS = [
    "n",
    "brier",
    "log_score",
    "brier_skill_vs_uniform",
    "brier_skill_vs_base_rate",
    "reliability",
    "resolution",
    "uncertainty",
    "within_bin",
    "brier_ci_low",
    "brier_ci_high",
    "calibration",
]
CALIBRATION_KEYS = [
    "bin_lower",
    "bin_upper",
    "n",
    "mean_forecast",
    "observed_frequency",
    "ci_low",
    "ci_high",
]
FORECASTER_KEYS = [
    "forecaster",
    "n",
    "brier",
    "brier_ci_low",
    "brier_ci_high",
    "log_score",
    "peer_brier",
    "peer_log",
    "n_peer",
]


def frame(n=600, seed=0):
    rng = np.random.default_rng(seed)
    q = rng.integers(0, 40, n)
    truth = rng.random(40)
    return pd.DataFrame(
        {
            "forecaster": rng.choice(["ann", "bea", "cal", "dov"], n),
            "question": [f"q{i}" for i in q],
            "probability": np.clip(truth[q] + rng.normal(0, 0.2, n), 0, 1).round(2),
            "outcome": (rng.random(40) < truth).astype(int)[q],
        }
    )


def plain_values(value):
    """Every leaf is a plain Python str, int, float or None."""
    if isinstance(value, dict):
        return all(plain_values(v) for v in value.values())
    if isinstance(value, list):
        return all(plain_values(v) for v in value)
    return value is None or type(value) in (str, int, float)


def test_shape_and_plain_types():
    report = score_table(frame())
    assert list(report) == ["overall", "by_forecaster"]
    assert list(report["overall"]) == OVERALL_KEYS
    assert all(list(row) == CALIBRATION_KEYS for row in report["overall"]["calibration"])
    assert all(list(row) == FORECASTER_KEYS for row in report["by_forecaster"])
    assert plain_values(report)
    json.dumps(report, allow_nan=False)


def test_values_match_the_single_metric_functions():
    data = frame()
    report = score_table(data, bins=5, eps=0.01)
    overall = report["overall"]
    p, o = data["probability"], data["outcome"]
    assert overall["n"] == len(data)
    assert overall["brier"] == pytest.approx(brier_score(p, o).mean(), abs=1e-15)
    assert overall["log_score"] == pytest.approx(log_score(p, o, eps=0.01).mean(), abs=1e-15)
    d = murphy_decomposition(p, o, bins=5)
    for term in ("reliability", "resolution", "uncertainty", "within_bin"):
        assert overall[term] == pytest.approx(getattr(d, term), abs=1e-14)
    table = calibration_table(p, o, bins=5)
    assert overall["calibration"] == table.to_dict("records")
    assert overall["brier_ci_low"] < overall["brier"] < overall["brier_ci_high"]

    peers = peer_scores(data["forecaster"], data["question"], p, o).set_index("forecaster")
    for row in report["by_forecaster"]:
        mine = data[data["forecaster"] == row["forecaster"]]
        assert row["n"] == len(mine)
        assert row["brier"] == pytest.approx(brier_score(mine.probability, mine.outcome).mean())
        assert row["log_score"] == pytest.approx(
            log_score(mine.probability, mine.outcome, eps=0.01).mean()
        )
        assert row["peer_brier"] == pytest.approx(
            peers.loc[row["forecaster"], "peer_brier"], abs=1e-12
        )
        assert row["n_peer"] == peers.loc[row["forecaster"], "n_peer"]


def test_ranked_by_brier_best_first():
    ranked = [row["brier"] for row in score_table(frame())["by_forecaster"]]
    assert ranked == sorted(ranked)


def test_ties_are_ranked_by_name():
    data = pd.DataFrame(
        {"forecaster": ["zed", "amy"], "probability": [0.5, 0.5], "outcome": [1, 0]}
    )
    assert [row["forecaster"] for row in score_table(data)["by_forecaster"]] == ["amy", "zed"]


def test_undefined_values_are_none():
    data = pd.DataFrame({"probability": [0.2, 0.9], "outcome": [1, 1]})
    overall = score_table(data)["overall"]
    assert overall["brier_skill_vs_base_rate"] is None  # base rate 1
    assert "by_forecaster" not in score_table(data)


def test_without_question_column_peer_fields_are_none():
    data = frame().drop(columns="question")
    for row in score_table(data)["by_forecaster"]:
        assert row["peer_brier"] is None and row["peer_log"] is None and row["n_peer"] is None


def test_forecaster_sharing_no_question():
    data = pd.DataFrame(
        {
            "forecaster": ["a", "b", "c"],
            "question": ["q1", "q1", "q2"],
            "probability": [0.9, 0.6, 0.5],
            "outcome": [1, 1, 0],
        }
    )
    rows = {row["forecaster"]: row for row in score_table(data)["by_forecaster"]}
    assert rows["c"]["n_peer"] == 0 and rows["c"]["peer_brier"] is None
    # q1: a 0.01, b 0.16 -> a -0.15, b +0.15
    assert rows["a"]["peer_brier"] == pytest.approx(-0.15)
    assert rows["b"]["peer_brier"] == pytest.approx(0.15)


def test_categorical_columns_give_the_same_report():
    data = frame()
    categorical = data.astype({"forecaster": "category", "question": "category"})
    assert score_table(categorical) == score_table(data)


def test_numeric_forecaster_labels_stay_numbers():
    data = pd.DataFrame({"forecaster": [7, 3], "probability": [0.5, 0.1], "outcome": [1, 0]})
    assert [row["forecaster"] for row in score_table(data)["by_forecaster"]] == [3, 7]


def test_errors_name_column_rule_and_row():
    data = frame(20)
    data.loc[7, "probability"] = 1.5
    with pytest.raises(
        ValueError, match=r"probability: must be between 0 and 1 \(got 1.5 at position 7\)"
    ):
        score_table(data)
    with pytest.raises(ValueError, match="frame: must have a column named 'outcome'"):
        score_table(data.drop(columns="outcome"))
    data = frame(20)
    data.loc[4, "forecaster"] = None
    with pytest.raises(
        ValueError, match=r"forecaster: must not be missing \(got nan at position 4\)"
    ):
        score_table(data)


def test_large_input_stays_consistent():
    data = frame(50_000, seed=3)
    report = score_table(data)
    assert report["overall"]["n"] == 50_000
    assert sum(row["n"] for row in report["by_forecaster"]) == 50_000
    for row in report["by_forecaster"]:
        assert row["brier_ci_low"] <= row["brier"] <= row["brier_ci_high"]
        assert not math.isnan(row["peer_brier"])
