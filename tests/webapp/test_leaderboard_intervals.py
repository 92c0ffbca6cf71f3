"""The leaderboard draws each pundit's 95% interval as a bar on one axis shared by the
whole board, keeps the numbers as text, and explains the bars and the glyph."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from forecasts import scores
from web.leaderboards import interval_axis


@pytest.mark.parametrize(
    ("highs", "axis"),
    [
        ([0.61, 0.2], 0.65),  # rounded up to the next 0.05
        ([0.55], 0.55),  # already on a step: not pushed to 0.6 by rounding error
        ([0.1], 0.3),  # never below 0.3, so 0.25 ("always 50%") is on the axis
        ([0.99], 1.0),
        ([], 0.3),
    ],
)
def test_interval_axis(highs, axis):
    board = pd.DataFrame({"brier_ci_high": pd.Series(highs, dtype=float)})
    assert interval_axis(board) == pytest.approx(axis)


def test_bars_on_the_shared_axis(as_role, engine):
    with Session(engine) as session:
        (row,) = scores.records(scores.leaderboard(session, min_n=1))
    html = as_role(None).get("/leaderboard?min_n=1").get_data(as_text=True)
    axis = interval_axis(pd.DataFrame({"brier_ci_high": [row["brier_ci_high"]]}))
    (bar,) = re.findall(r'<svg class="interval".*?</svg>', html, re.S)
    low, high = re.search(
        r'<line x1="([\d.]+)" y1="6" x2="([\d.]+)" y2="6" stroke="#1f5fbf"', bar
    ).groups()
    # 120 px stand for the axis from 0 to its right end.
    assert float(low) == pytest.approx(row["brier_ci_low"] * 120 / axis, abs=0.05)
    assert float(high) == pytest.approx(row["brier_ci_high"] * 120 / axis, abs=0.05)
    mean_x = float(re.search(r'<rect x="([\d.]+)"', bar).group(1)) + 1.5
    assert mean_x == pytest.approx(row["brier"] * 120 / axis, abs=0.05)
    assert f"{row['brier_ci_low']:.3f}–{row['brier_ci_high']:.3f}" in html  # still text
    assert f"from 0 (perfect) to {axis:g}" in html
    assert "Calibration glyph</strong>: each dot is a group of forecasts" in html
