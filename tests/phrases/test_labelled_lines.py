"""A claim with its probability after a colon or a dash, as forecasting panels give
their key figures and prediction lists their items ("Tablet delayed to spring: 75%"),
and spans of time counted from publication ("in the coming year")."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.phrases.deadlines import find_deadline
from forecasts.phrases.extraction import UNDATED_FLAG, extract_candidates

DAY = dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    "line, probability, question, deadline",
    [
        (
            "Risk of a strike at the port in the next 6 months: 30%",
            0.3,
            "Will there be a strike at the port by 15 September 2024?",
            dt.date(2024, 9, 15),
        ),
        (
            "Likelihood of a snap election by end of year – 1 in 4",
            0.25,
            "Will there be a snap election by 31 December 2024?",
            dt.date(2024, 12, 31),
        ),
        (
            "Bristol Rovers finish in the top six: 60%",
            0.6,
            "Will Bristol Rovers finish in the top six?",
            None,
        ),
        (
            "The bridge reopened by June: 70%",
            0.7,
            "Will the bridge be reopened by 30 June 2024?",
            dt.date(2024, 6, 30),
        ),
    ],
)
def test_a_claim_then_its_probability_is_one_forecast(line, probability, question, deadline):
    (candidate,) = extract_candidates(f"Our key numbers:\n\n{line}\n", DAY)
    assert candidate.match.probability == pytest.approx(probability, abs=1e-3)
    assert candidate.match.origin == "stated"
    assert candidate.question == question
    assert candidate.deadline == deadline


def test_one_items_time_is_not_lent_to_the_next():
    text = (
        "Forecasts:\n\nRisk of a rate cut by end of year: 40%\n\n"
        "Rovers finish in the top six: 60%\n"
    )
    first, second = extract_candidates(text, DAY)
    assert first.deadline == dt.date(2024, 12, 31)
    assert second.deadline is None and UNDATED_FLAG in second.flags


@pytest.mark.parametrize(
    "line",
    [
        "Turnout: 64%",  # a figure, not a claim
        "What are the odds: 50%?",
        "He said: 40% of the vote is the floor",
    ],
)
def test_figures_and_questions_are_not_labelled_claims(line):
    assert extract_candidates(line + "\n", DAY) == []


@pytest.mark.parametrize(
    "phrase, date",
    [
        ("a recession in the coming year", dt.date(2025, 3, 15)),
        ("over the next month", dt.date(2024, 4, 15)),
        ("not before this time next year", dt.date(2025, 3, 15)),
        ("by next year", dt.date(2025, 12, 31)),  # the calendar's, unchanged
    ],
)
def test_the_coming_year_counts_from_publication(phrase, date):
    assert find_deadline(phrase, DAY).date == date


def test_a_second_figure_over_a_longer_time_is_a_second_forecast():
    text = (
        "Ana Ortiz puts the probability of a default in the coming year at 20 percent, "
        "and about 35 percent in the next three years."
    )
    first, second = extract_candidates(text, DAY)
    assert (first.match.probability, first.deadline) == (0.2, dt.date(2025, 3, 15))
    assert (second.match.probability, second.deadline) == (0.35, dt.date(2027, 3, 15))
    assert first.question == "Will there be a default by 15 March 2025?"
    assert second.question == "Will there be a default by 15 March 2027?"
    assert second.speaker == first.speaker == "Ana Ortiz"


def test_a_second_figure_with_the_same_time_is_not_a_second_forecast():
    text = "Ben Lee puts the chance of a strike at 30 percent, and 40 percent by June."
    assert len(extract_candidates(text, DAY)) == 1
