"""Reported forecasts: the speaker is the subject of the reporting verb, past a
relative clause and across names joined by "and"; a comparison ("less likely than")
is not a forecast of its own; "the coming year" stays out of the question's subject."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.phrases.extraction import extract_candidates

DAY = dt.date(2024, 3, 15)


def only(text: str):
    (candidate,) = extract_candidates(text, DAY)
    return candidate


def test_a_relative_clause_between_commas_is_not_the_speaker():
    candidate = only(
        "Ana Ortiz, who runs the forecasting desk at the bank, estimates the probability "
        "of a strike next year at 20 percent."
    )
    assert candidate.speaker == "Ana Ortiz"
    assert candidate.voice == "reported"
    assert candidate.match.probability == pytest.approx(0.2)
    assert candidate.question == "Will there be a strike by 31 December 2025?"


def test_two_names_joined_by_and_are_one_speaker():
    candidate = only("Ben Lee and Carla Diaz expect the merger to be blocked this year.")
    assert candidate.speaker == "Ben Lee and Carla Diaz"


def test_a_clause_boundary_still_ends_the_subject():
    candidate = only("Prices rose in March, but analysts expect them to fall by June.")
    assert candidate.speaker == "analysts"


def test_a_comparison_inside_a_quote_does_not_outrank_the_stated_number():
    candidate = only(
        "Ben Lee puts the chance of a strike at 15 percent, “less likely than the unions "
        "would have you believe.”"
    )
    assert candidate.match.probability == pytest.approx(0.15)
    assert candidate.match.origin == "stated"


@pytest.mark.parametrize(
    "text",
    ["A deal is more likely than a walkout.", "Rain is less likely than snow tomorrow."],
)
def test_a_comparison_is_not_a_forecast(text):
    assert extract_candidates(text, DAY) == []


def test_more_likely_than_not_is_still_a_forecast():
    assert only("A deal is more likely than not.").match.probability == pytest.approx(0.6)


def test_the_coming_year_is_the_deadline_not_part_of_the_subject():
    candidate = only("Economists put the probability of a recession in the coming year at 30%.")
    assert candidate.question == "Will there be a recession by 15 March 2025?"
    assert candidate.deadline == dt.date(2025, 3, 15)


def test_a_second_reported_clause_is_read_on_its_own():
    first, second = extract_candidates(
        "Ben Lee says the “central case is that a strike is unlikely”, and that if there "
        "is one, it will be short.",
        DAY,
    )
    assert first.match.probability == pytest.approx(0.2)  # the hedge inside, not the noun
    assert first.speaker == "Ben Lee" and first.voice == "reported"
    assert second.conditional and second.condition == "if there is one"
