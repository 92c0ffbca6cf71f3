"""Time-averaged Brier score of revised forecasts (Good Judgment Open style)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasts.scoring import time_averaged_brier, time_averaged_brier_by_group


def test_docstring_example():
    # 0.6 on 1 Jan, 0.9 on 3 Jan, outcome 1 known on 5 Jan:
    # days 1, 2 score (0.6 - 1)^2 = 0.16; days 3, 4 score (0.9 - 1)^2 = 0.01
    # (2 * 0.16 + 2 * 0.01) / 4 = 0.34 / 4 = 0.085
    score = time_averaged_brier(["2020-01-01", "2020-01-03"], [0.6, 0.9], 1, "2020-01-05")
    assert score == pytest.approx(0.085, abs=1e-15)


def test_single_forecast_is_its_brier_score():
    assert time_averaged_brier(["2020-03-01"], [0.3], 0, "2020-03-20") == pytest.approx(0.09)


def test_order_of_input_does_not_matter():
    made = ["2020-01-03", "2020-01-01"]
    assert time_averaged_brier(made, [0.9, 0.6], 1, "2020-01-05") == pytest.approx(0.085)


def test_later_forecast_on_the_same_day_stands():
    # 0.2 at 09:00 is replaced by 0.7 at 17:00 on the same day; known on 3 Jan:
    # days 1 and 2 both score (0.7 - 1)^2 = 0.09
    made = [dt.datetime(2020, 1, 1, 9), dt.datetime(2020, 1, 1, 17)]
    assert time_averaged_brier(made, [0.2, 0.7], 1, dt.date(2020, 1, 3)) == pytest.approx(0.09)
    # equal timestamps: the later row wins
    made = ["2020-01-01 12:00", "2020-01-01 12:00"]
    assert time_averaged_brier(made, [0.2, 0.7], 1, "2020-01-03") == pytest.approx(0.09)


def test_time_of_day_does_not_change_the_day():
    # made late on 1 Jan, known early on 2 Jan: one scored day
    score = time_averaged_brier(["2020-01-01 23:59"], [0.5], 1, "2020-01-02 00:01")
    assert score == pytest.approx(0.25)


def test_forecasts_on_or_after_the_known_day_are_refused():
    with pytest.raises(
        ValueError,
        match=r"made_at: must be before the day the outcome became known \(2020-01-05\) "
        r"\(got '2020-01-05' at position 1\)",
    ):
        time_averaged_brier(["2020-01-01", "2020-01-05 08:00"], [0.6, 0.9], 1, "2020-01-05")


def test_bad_dates_and_outcome():
    with pytest.raises(
        ValueError, match=r"made_at: must be a date or a timestamp \(got 'soon' at position 0\)"
    ):
        time_averaged_brier(["soon"], [0.5], 1, "2020-01-05")
    with pytest.raises(ValueError, match=r"outcome: must be 0 or 1 \(got 2 at position 0\)"):
        time_averaged_brier(["2020-01-01"], [0.5], 2, "2020-01-05")


def naive_time_average(made_at, probability, outcome, known_at):
    """Day-by-day loop straight from the definition."""
    made = pd.to_datetime(pd.Series(made_at))
    order = np.argsort(made.to_numpy(), kind="stable")
    days = made.dt.normalize()
    known = pd.Timestamp(known_at).normalize()
    total, count = 0.0, 0
    day = days.min()
    while day < known:
        standing = [i for i in order if days.iloc[i] <= day]
        p = probability[standing[-1]]
        total += (p - outcome) ** 2
        count += 1
        day += pd.Timedelta(days=1)
    return total / count


def test_grouped_matches_naive_day_by_day_loop():
    rng = np.random.default_rng(3)
    rows = []
    expected = {}
    start = pd.Timestamp("2021-01-01")
    for forecaster in ("ann", "bob"):
        for question in range(15):
            k = int(rng.integers(1, 6))
            made = [start + pd.Timedelta(hours=int(h)) for h in rng.integers(0, 24 * 40, k)]
            known = max(made).normalize() + pd.Timedelta(days=int(rng.integers(1, 20)))
            p = rng.integers(0, 101, k) / 100
            o = int(rng.integers(0, 2))
            for m, prob in zip(made, p, strict=True):
                rows.append((forecaster, question, m, prob, o, known))
            expected[(forecaster, question)] = naive_time_average(made, p, o, known)
    frame = pd.DataFrame(
        rows, columns=["forecaster", "question", "made_at", "probability", "outcome", "known_at"]
    ).sample(frac=1, random_state=1)  # shuffled rows
    result = time_averaged_brier_by_group(frame)
    assert len(result) == len(expected)
    for row in result.itertuples():
        assert row.time_averaged_brier == pytest.approx(
            expected[(row.forecaster, row.question)], abs=1e-14
        )
    single = frame[(frame.forecaster == "ann") & (frame.question == 3)]
    assert time_averaged_brier(
        single.made_at, single.probability, int(single.outcome.iloc[0]), single.known_at.iloc[0]
    ) == pytest.approx(expected[("ann", 3)], abs=1e-14)


def test_grouped_days_and_counts():
    frame = pd.DataFrame(
        {
            "forecaster": ["a", "a", "b"],
            "question": ["q", "q", "q"],
            "made_at": ["2020-01-01", "2020-01-03", "2020-01-04"],
            "probability": [0.6, 0.9, 0.5],
            "outcome": [1, 1, 1],
            "known_at": ["2020-01-05"] * 3,
        }
    )
    result = time_averaged_brier_by_group(frame)
    assert result["forecaster"].tolist() == ["a", "b"]
    assert result["n_forecasts"].tolist() == [2, 1]
    assert result["days"].tolist() == [4, 1]
    assert result["time_averaged_brier"].tolist() == pytest.approx([0.085, 0.25])


def test_grouped_equal_times_the_later_row_stands():
    # Groups of one row and of several, interleaved; in group a the two forecasts made at
    # the same moment stand in input order: the later row (0.9) holds from 2 January.
    frame = pd.DataFrame(
        {
            "forecaster": ["a", "b", "a", "c", "a"],
            "question": ["q"] * 5,
            "made_at": [
                "2020-01-02 10:00",
                "2020-01-01",
                "2020-01-01",
                "2020-01-03",
                "2020-01-02 10:00",
            ],
            "probability": [0.2, 0.5, 0.6, 0.7, 0.9],
            "outcome": [1] * 5,
            "known_at": ["2020-01-05"] * 5,
        }
    )
    result = time_averaged_brier_by_group(frame).set_index("forecaster")
    # a: 0.6 on day 1, then 0.9 on days 2-4 (0.2 never stands); b: 4 days of 0.5; c: 2 of 0.7
    assert result["time_averaged_brier"].to_dict() == pytest.approx(
        {"a": (0.16 + 3 * 0.01) / 4, "b": 0.25, "c": 0.09}, abs=1e-15
    )


def test_grouped_outcome_must_be_constant_in_a_group():
    frame = pd.DataFrame(
        {
            "forecaster": ["a", "a"],
            "question": ["q", "q"],
            "made_at": ["2020-01-01", "2020-01-02"],
            "probability": [0.5, 0.5],
            "outcome": [1, 0],
            "known_at": ["2020-01-05"] * 2,
        }
    )
    with pytest.raises(
        ValueError,
        match=r"outcome: must be the same on every row of a group \(got 0 at position 1\)",
    ):
        time_averaged_brier_by_group(frame)
    with pytest.raises(ValueError, match="frame: must have a column named 'when'"):
        time_averaged_brier_by_group(frame, made_at="when")
