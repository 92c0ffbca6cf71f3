"""Whose forecast a sentence states: reported speech with its speaker, role and
affiliation; the speaker's own voice; pundits matched by name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from forecasts.phrases.attribution import byline, match_pundit, split_subject
from forecasts.phrases.extraction import extract, extract_candidates

DAY = dt.date(2024, 9, 1)


def only(text: str):
    (candidate,) = extract_candidates(text, DAY)
    return candidate


@pytest.mark.parametrize(
    "text, speaker, affiliation, evidence",
    [
        (
            "The bank's chief economist, Ana Ortiz, has predicted a downturn next year.",
            "Ana Ortiz",
            "bank",
            "has predicted",
        ),
        (
            "Ana Ortiz, chief economist at Banco Norte, expects two rate cuts by Christmas.",
            "Ana Ortiz",
            "Banco Norte",
            "expects",
        ),
        (
            "First Harbour Chief Economist Leon Park recently predicted a recession.",
            "Leon Park",
            "First Harbour",
            "recently predicted",
        ),
        ("Growth will pick up in 2026, according to the IMF.", "the IMF", None, "according to"),
        ("The Fed will cut rates, analysts say.", "analysts", None, "say"),
        (
            '"We will win the league," said Pep Moreno, the club\'s manager.',
            "Pep Moreno",
            "club",
            "said",
        ),
        ("The model puts this at 80 percent.", "The model", None, "puts"),
    ],
)
def test_reported_forecasts_name_their_speaker(text, speaker, affiliation, evidence):
    candidate = only(text)
    assert candidate.voice == "reported"
    assert candidate.speaker == speaker
    assert candidate.affiliation == affiliation
    assert candidate.evidence == evidence


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("We assess that the regime will survive the winter.", None),
        ("We expect employment to keep growing.", None),
        ("Our model puts this at 80 percent.", None),
        ("I'm still betting on the incumbent.", None),
        ("It is expected that the deal will close in May.", None),
        ("JANE DOE: We will see a ceasefire by the end of the month.", "JANE DOE"),
        ("By Maria Chen\n\nThe bill will pass this year.", "Maria Chen"),
    ],
)
def test_the_speakers_own_voice(text, speaker):
    candidate = only(text)
    assert candidate.voice == "own" and candidate.attribution is None
    assert candidate.speaker == speaker


def test_a_panel_forecasts_with_the_share_that_expects_it():
    text = (
        "Almost 70 percent of the economists surveyed by the Tribune expect a recession "
        "within 12 months. A third believe it will start this year."
    )
    first, second = extract_candidates(text, DAY)
    assert (first.match.probability, first.match.origin) == (0.7, "stated")
    assert first.speaker == second.speaker == "the economists surveyed by the Tribune"
    assert second.match.probability == pytest.approx(1 / 3)
    assert first.deadline == dt.date(2025, 9, 1)


def test_a_prediction_reported_from_an_earlier_year_is_set_aside():
    result = extract("In 2016 the pollster predicted that Clinton would win.", DAY)
    assert result.candidates == []
    assert [s.reason for s in result.set_aside] == [
        "a forecast reported from before, already resolved"
    ]


def test_the_question_is_about_the_event_not_the_speaker():
    candidate = only("Growth will pick up in 2026, according to the IMF.")
    assert candidate.question == "Will growth pick up by 31 December 2026?"


def test_subjects_split_into_name_role_and_affiliation():
    assert split_subject("Ana Ortiz, chief economist at Banco Norte") == (
        "Ana Ortiz",
        "chief economist at Banco Norte",
        "Banco Norte",
    )
    assert split_subject("NABS President Kim Swift, CBE, chief economist at Polymer Council") == (
        "Kim Swift",
        "NABS President, chief economist at Polymer Council",
        "Polymer Council",
    )
    assert split_subject("Markets") == ("Markets", None, None)
    assert byline("Outlook\n\nPrepared remarks from RBN Gov. Lane\n\nText.") == (
        "Lane",
        "RBN Gov.",
        "RBN",
    )
    assert byline("No byline here.\n\nJust text.") is None


@dataclass
class P:
    name: str


def test_pundits_matched_by_name():
    pundits = [P("Ana Ortiz"), P("Leon Park"), P("Dana Park")]
    assert match_pundit("Ana Ortiz", pundits).name == "Ana Ortiz"
    assert match_pundit("Dr. Ana Ortíz", pundits).name == "Ana Ortiz"  # title, accent
    assert match_pundit("A. Ortiz", pundits).name == "Ana Ortiz"  # initial and surname
    assert match_pundit("Ortiz", pundits).name == "Ana Ortiz"  # a surname only one has
    assert match_pundit("Park", pundits) is None  # two Parks: no guess
    assert match_pundit("Maria Chen", pundits) is None
    assert match_pundit(None, pundits) is None
