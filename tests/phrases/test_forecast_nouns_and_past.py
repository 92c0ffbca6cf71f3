"""The noun "forecast" naming a forecast rather than making one, a forecast made before
("had forecast"), and a hedge on the past ("probably should have"): none is proposed;
the verb and the prediction-noun forms still are."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.phrases.extraction import extract, extract_candidates

DAY = dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Their forecasts were far apart last spring.", "about the forecast, not a forecast"),
        ("Critics said our forecast was too low on turnout.", "about the forecast, not a forecast"),
        (
            "The figure is below the forecast it published in May.",
            "about the forecast, not a forecast",
        ),
        ("In its January report, the agency had forecast a surplus.", "past"),
        ("We probably should have sold the shares earlier.", "past"),
        ("She might well have taken the job.", "past"),
    ],
)
def test_not_a_forecast(text, reason):
    result = extract(text, DAY)
    assert result.candidates == []
    # set aside, with a reason: the past tense may be seen before the noun
    assert [s.reason for s in result.set_aside] in ([reason], ["past"], ["reported speech"])


@pytest.mark.parametrize(
    "text, probability",
    [
        ("The agency forecasts a surplus next year.", 0.9),
        ("My prediction is for a hung parliament.", 0.9),
        ("They will probably win the cup next season.", 0.7),
    ],
)
def test_still_a_forecast(text, probability):
    (candidate,) = extract_candidates(text, DAY)
    assert candidate.match.probability == pytest.approx(probability)


def test_a_forecast_made_before_stays_past_through_the_sentence():
    text = "Last month the agency had forecast a 2025 forecast for the price at $90."
    assert extract_candidates(text, DAY) == []
