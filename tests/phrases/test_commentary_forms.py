"""The forms real commentary takes: lists, prediction nouns, passives, bets, epistemic
"should", double negation, impressions, numeric targets; what is not a forecast;
conditions; deadlines from context; sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.phrases.extraction import UNDATED_FLAG, extract, extract_candidates
from forecasts.phrases.sentences import split_sentences

DAY = dt.date(2024, 9, 1)


def only(text: str, day: dt.date = DAY):
    (candidate,) = extract_candidates(text, day)
    return candidate


@pytest.mark.parametrize(
    "text, probability, question",
    [
        ("My prediction is for a hung parliament.", 0.9, "Will there be a hung parliament?"),
        (
            "Our central forecast is for CPI inflation to be around 3 1/4 per cent by the end "
            "of next year.",
            0.6,
            "Will CPI inflation be at or below 3.25% by 31 December 2025?",
        ),
        (
            "Our central forecast is for growth of around 2 per cent next year.",
            0.6,
            "Will growth be at or above 2% by 31 December 2025?",
        ),
        (
            "Dwelling investment is expected to increase again next year.",
            0.75,
            "Will dwelling investment increase again by 31 December 2025?",
        ),
        ("I'm still betting on the incumbent.", 0.75, "Will the incumbent win?"),
        ("Prices should fall next year.", 0.7, "Will prices fall by 31 December 2025?"),
        ("I don't see how we won't win the league.", 0.9, "Will we win the league?"),
        (
            "The chances of a deal look slim this year.",
            0.1,
            "Will there be a deal by 31 December 2024?",
        ),
        (
            "I'm convinced Arsenal/Chelsea won't be as good this season.",
            0.1,
            "Will Arsenal/Chelsea be as good by 31 May 2025?",
        ),
    ],
)
def test_forms_of_forecast(text, probability, question):
    candidate = only(text)
    assert candidate.match.probability == pytest.approx(probability)
    assert candidate.question == question


def test_a_prediction_list_states_its_forecasts_flat():
    text = (
        "My predictions for the night:\n"
        "Labour win a large majority\n"
        "SNP to lose a dozen seats\n"
        "Might get about 10 seats.\n"
        "Greens could get 3-4"
    )
    found = extract_candidates(text, dt.date(2024, 6, 25))
    assert [c.question for c in found[:2]] == [
        "Will Labour win a large majority?",
        "Will SNP lose a dozen seats?",
    ]
    assert all(c.match.probability == 0.9 and "a bare claim" in c.flags for c in found[:2])
    assert [c.match.probability for c in found[2:]] == [0.4, 0.4]


def test_a_rating_under_a_heading():
    text = "Tech in 2025\n\nA folding phone from Apple\n\nLikelihood: 3/10\n\nIt has been rumoured."
    (candidate,) = extract_candidates(text, dt.date(2024, 12, 30))
    assert (candidate.match.probability, candidate.match.origin) == (0.3, "stated")
    assert candidate.question == "Will there be a folding phone from Apple by 31 December 2025?"
    assert candidate.deadline == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("They are probably getting invites today.", "about the present"),
        ("Whether this holds will depend on the data.", "an embedded question"),
        ("This will depend on the data.", "about the forecast, not a forecast"),
        ("That will make for a fine team.", "an evaluation, not a forecast"),
        ("As for the rest, the aim should certainly be to lift the cup.", "a wish, not a forecast"),
        ("So here is what I think we can expect from Apple.", "an embedded question"),
    ],
)
def test_what_is_not_a_forecast(text, reason):
    result = extract(text, DAY)
    assert result.candidates == []
    assert [s.reason for s in result.set_aside] == [reason]


@pytest.mark.parametrize(
    "text", ["The government should act now.", "But you're not predicting a peace deal."]
)
def test_duty_and_the_listeners_view_give_nothing(text):
    assert extract_candidates(text, DAY) == []


@pytest.mark.parametrize(
    "text, condition",
    [
        ("Absent a shock, the bank will cut in June.", "Absent a shock"),
        ("Barring a disaster, United will finish fourth.", "Barring a disaster"),
        ("The deal will close so long as regulators agree.", "so long as regulators agree"),
        ("Provided that the talks go well, a deal will follow.", "Provided that the talks go well"),
        ("If we do our part I don't see how we won't be back.", "If we do our part"),
        ("They will hold the seat, if narrowly.", None),
        ("The deal will close, if at all, in 2026.", None),
    ],
)
def test_conditions_and_concessions(text, condition):
    candidate = only(text)
    assert candidate.condition == condition
    assert candidate.conditional == (condition is not None)


def test_deadlines_from_context():
    text = (
        "Season preview\n\n"
        "I'd be very surprised if we weren't in the top four. I'm sure the others won't be "
        "as good this season.\n\n"
        "On 27th December the club sold its captain. The fans will protest.\n\n"
        "The merger will close within 12 months. The band will tour again by Christmas."
    )
    top, others, protest, merger, band = extract_candidates(text, dt.date(2023, 8, 1))
    assert top.deadline == others.deadline == dt.date(2024, 5, 31)
    assert any(f.startswith("deadline taken from the context") for f in top.flags)
    assert protest.deadline is None and UNDATED_FLAG in protest.flags  # a narrated date
    assert merger.deadline == dt.date(2024, 8, 1)
    assert band.deadline == dt.date(2023, 12, 25)


def test_a_heading_dates_the_forecast_below_it():
    text = "Politics | Forecast | Election watch | 22 September 2025\n\nWe expect no protests."
    candidate = only(text, dt.date(2024, 9, 1))
    assert candidate.deadline == dt.date(2025, 9, 22)


def test_one_candidate_per_claim():
    text = (
        "Our central forecast is for inflation to be around 3 per cent by the end of next "
        "year and to be back in the target range by late 2026."
    )
    first, second = extract_candidates(text, DAY)
    assert (first.deadline, second.deadline) == (dt.date(2025, 12, 31), dt.date(2026, 12, 31))
    assert second.question == "Will inflation be back in the target range by 31 December 2026?"


def test_sentences_end_at_abbreviations_and_headings_stand_apart():
    text = (
        "Heading of the piece\n\n"
        "He met Rep. Smith at Acme Corp. The vote will fail.\nLow turnout c. 60%"
    )
    assert [s.text for s in split_sentences(text)] == [
        "Heading of the piece",
        "He met Rep. Smith at Acme Corp.",
        "The vote will fail.",
        "Low turnout c. 60%",
    ]


def test_questions_name_their_subject_and_drop_hedges():
    candidate = only("The Greens are defending Bristol West. They will hold the seat, if narrowly.")
    assert candidate.question == "Will the Greens hold the seat?"
    vague = only("It will probably happen.")
    assert "question to be reworded" in vague.flags


@pytest.mark.parametrize(
    "text, question",
    [
        (
            "I think the incumbent's party holds the Senate, but only just.",
            "Will the incumbent's party hold the Senate?",
        ),
        ("I think United win the league.", "Will United win the league?"),
        ("What I do think is that the ceasefire holds.", "Will the ceasefire hold?"),
    ],
)
def test_a_present_of_outcome_after_i_think_is_a_softened_forecast(text, question):
    candidate = only(text)
    assert candidate.match.probability == pytest.approx(0.8)
    assert candidate.question == question


def test_a_market_price_is_a_stated_probability_of_the_market():
    candidate = only("The betting markets are pricing the race closer, at roughly 55 percent.")
    assert (candidate.match.probability, candidate.match.origin) == (0.55, "stated")
    assert (candidate.speaker, candidate.voice) == ("The betting markets", "reported")
    assert extract_candidates("Prices rose 3 percent. I think I win.", DAY) == []
