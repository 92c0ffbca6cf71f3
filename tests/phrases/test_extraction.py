"""Forecast extraction: the seed op-ed, sentence offsets, what is set aside and why,
conditions, deadlines, questions, and quality on the labelled set."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from forecasts.phrases.evaluation import evaluate, load_labelled, score
from forecasts.phrases.extraction import (
    UNDATED_FLAG,
    extract,
    extract_candidates,
    split_sentences,
)
from forecasts.seeding import SEEDS_DIR

LABELLED = Path(__file__).parent / "labelled"
SEED_TEXT = (SEEDS_DIR / "commentary-2020-01-01-iran-us-iraq.txt").read_text(encoding="utf-8")
SEED_DATE = dt.date(2020, 1, 1)


@pytest.fixture(scope="module")
def seed():
    return extract_candidates(SEED_TEXT, SEED_DATE)


def _one(candidates, words):
    found = [c for c in candidates if words in c.sentence]
    assert len(found) == 1, f"expected one candidate with {words!r}, got {len(found)}"
    return found[0]


# -------------------------------------------------------------------------- the seed


def test_seed_offsets_are_exact(seed):
    for c in seed:
        assert SEED_TEXT[c.start : c.end] == c.sentence
        assert c.start <= c.clause_start < c.clause_end <= c.end
        assert SEED_TEXT[c.match.start : c.match.end].lower() in c.match.text.lower()
        for start, end in c.match.spans:
            assert SEED_TEXT[start:end].strip() and c.start <= start < end <= c.end
        if c.condition_start is not None:
            assert " ".join(SEED_TEXT[c.condition_start : c.condition_end].split()) == c.condition


def test_seed_tiny_possibility_of_war(seed):
    war = _one(seed, "tiny possibility of war")
    assert war.match.probability <= 0.10 and not war.match.negated and war.match.origin == "mapped"
    assert war.match.text == "a tiny possibility"
    assert war.question == "Will there be war between these two?"
    assert war.deadline is None and UNDATED_FLAG in war.flags


def test_seed_war_spreading_depends_on_the_war(seed):
    spread = _one(seed, "spread over the whole of the region")
    assert spread.match.probability == 0.8 and spread.match.phrase == "great possibility"
    assert spread.conditional and spread.condition == "war happening between these two"
    assert spread.question == "Will the war spread over the whole of the region?"


def test_seed_the_president_may_win(seed):
    win = _one(seed, "possibility for him to win")
    assert win.match.probability == 0.5 and win.question.startswith("Will he win")
    assert win.deadline == dt.date(2020, 12, 31)  # "this year"


def test_seed_iraq_supports_iran_if_the_situation_reaches_that_level(seed):
    support = _one(seed, "Iraq will support Iran against US")
    assert support.conditional and support.condition == "if the situation reaches that level"
    assert support.match.probability == pytest.approx(0.8)  # "will", softened by "In my opinion"
    assert support.match.text == "In my opinion ... will"
    assert support.question == "Will Iraq support Iran against US?"


def test_seed_iraq_has_no_choice_and_the_protesters_leave(seed):
    iraq = _one(seed, "Iraq has no choice")
    assert iraq.match.probability == 0.9 and not iraq.conditional
    assert iraq.question.startswith("Will Iraq clarify its position")
    protesters = _one(seed, "leave their trenches")
    assert protesters.match.probability == 0.9
    assert protesters.question == (
        "Will the protesters leave their trenches and the places they already occupied?"
    )


def test_seed_sooner_or_later_has_no_deadline(seed):
    resolved = _one(seed, "sooner or later")
    assert resolved.match.probability == 0.95 and resolved.deadline is None
    assert UNDATED_FLAG in resolved.flags
    assert resolved.question == ("Will this competition between Iran and US over Iraq be resolved?")


def test_seed_nothing_from_the_paragraphs_of_past_events(seed):
    war_paragraph = SEED_TEXT.index("What is happening now between Iran and US")
    assert all(c.start >= war_paragraph for c in seed)
    for past in (
        "Kata",
        "retaliated by airstrike",
        "Death to America",
        "Over 552 people",
        "the war against Afghanistan, Iraq and Libya were unsuccessful",
        "The conflict between Iran and US is the failure",
    ):
        assert not any(past in c.sentence for c in seed), past
    result = extract(SEED_TEXT, SEED_DATE)
    quoted = [s for s in result.set_aside if "blood of the martyrs" in s.sentence]
    assert quoted and quoted[0].reason.startswith("reported speech")


def test_the_seed_registry_forecasts_are_all_found(seed):
    labelled = next(p for p in load_labelled(LABELLED) if p.name.startswith("seed"))
    result = evaluate([labelled])[0]
    assert not result.missed and not result.false


# ---------------------------------------------------------------------- sentences


def test_sentence_offsets_on_every_labelled_text():
    for passage in load_labelled(LABELLED):
        for sentence in split_sentences(passage.text):
            assert passage.text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()


def test_sentences_keep_abbreviations_list_markers_and_speakers():
    text = (
        "HOST (ANN LEE): Mr. Smith, will the U.S. act?\n\n"
        "BOB SMITH: It will. 1. First point: Dr. Jones agrees.\n"
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Mr. Smith, will the U.S. act?",
        "It will.",
        "1. First point: Dr. Jones agrees.",
    ]
    assert [s.speaker for s in sentences] == ["HOST (ANN LEE)", "BOB SMITH", "BOB SMITH"]


def test_offsets_survive_crlf_and_a_byte_order_mark():
    text = "\ufeffIntro line.\r\n\r\nThe deal will collapse by June.\r\n"
    (candidate,) = extract_candidates(text, dt.date(2024, 1, 1))
    assert text[candidate.start : candidate.end] == "The deal will collapse by June."
    assert text[candidate.deadline_start : candidate.deadline_end] == "by June"
    assert candidate.deadline == dt.date(2024, 6, 30)


# ----------------------------------------------------------------- what is set aside


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Is a recession likely next year?", "question"),
        ("A year ago most forecasters thought a recession was almost certain.", "past"),
        ("The bill was likely to pass.", "past"),
        ("There was a chance that the deal would collapse.", "past"),
        ("It is likely that he was murdered.", "past"),
        ("He could have won.", "past"),
        ("They may already have left.", "past"),
        ("It was probably a mistake.", "past"),
        ("Hand washing definitely helps.", "about the present"),
        ("None of this is inevitable.", "about the present"),
        ("I hope the talks will succeed.", "a wish, not a forecast"),
        ("I will argue that the policy failed.", "the speaker's own plan"),
        ("We'll be right back after the break.", "the speaker's own plan"),
        ("Nobody knows what will happen.", "an embedded question"),
    ],
)
def test_not_forecasts_are_set_aside_with_the_reason(text, reason):
    result = extract(text, dt.date(2024, 1, 15))
    assert result.candidates == []
    assert [s.reason for s in result.set_aside] == [reason]


@pytest.mark.parametrize(
    "text",
    [
        "The will of the people must be respected.",
        "In May the party won a landslide.",
        "Inflation fell to 2.4 percent in September.",
        "The government should act now.",
        "It will be interesting to see what happens.",
        "Make sure you vote.",
    ],
)
def test_sentences_without_a_forecast_give_nothing(text):
    assert extract_candidates(text, dt.date(2024, 1, 15)) == []


def test_a_headline_is_not_a_forecast():
    text = "The grid will not be ready\n\nI do not believe the grid will be ready by 2035."
    result = extract(text, dt.date(2022, 5, 20))
    assert [c.sentence for c in result.candidates] == [
        "I do not believe the grid will be ready by 2035."
    ]
    assert result.set_aside[0].reason == "a headline or title"


# ----------------------------------------------------------------- what is proposed


def test_conditions_and_their_words():
    text = (
        "If the talks fail, there will be war. There will be war unless the talks "
        "succeed. Even if the talks fail, there will be no war. If the next round of "
        "talks, due in September, produces a timetable, the summit will look better."
    )
    c1, c2, c3, c4 = extract_candidates(text, dt.date(2024, 1, 15))
    assert (c1.conditional, c1.condition) == (True, "If the talks fail")
    assert (c2.conditional, c2.condition) == (True, "unless the talks succeed")
    assert not c3.conditional and c3.match.negated and c3.match.probability == pytest.approx(0.1)
    assert c4.condition == ("If the next round of talks, due in September, produces a timetable")
    assert c4.deadline is None  # "in September" belongs to the condition


def test_two_forecasts_in_one_sentence():
    text = (
        "There is a slight chance that the striker changes everything; more likely he "
        "spends October injured."
    )
    first, second = extract_candidates(text, dt.date(2023, 8, 11))
    assert (first.match.probability, second.match.probability) == (0.1, 0.7)
    assert first.question == "Will the striker change everything?"
    assert second.question.startswith("Will he spend October injured")
    assert second.deadline == dt.date(2023, 10, 31)


def test_stated_numbers_take_the_question_from_the_forecast_before():
    text = (
        "DAN: I think there's a real possibility of a shutdown by the end of the month.\n\n"
        "HOST: Priya?\n\nPRIYA: I'd put it at about 30 percent."
    )
    dan, priya = extract_candidates(text, dt.date(2024, 3, 10))
    assert (dan.speaker, priya.speaker) == ("DAN", "PRIYA")
    assert (
        priya.match.origin == "stated"
        and priya.match.probability == 0.3
        and priya.match.band == (0.25, 0.35)
    )
    assert priya.question == dan.question == "Will there be a shutdown by 31 March 2024?"


def test_an_answer_takes_the_question_asked():
    text = "Will a vaccine arrive this year? Almost certainly not."
    (answer,) = extract_candidates(text, dt.date(2020, 2, 20))
    assert answer.match.negated and answer.match.probability == pytest.approx(0.05)
    assert answer.question == "Will a vaccine arrive by 31 December 2020?"
    assert answer.deadline == dt.date(2020, 12, 31)


def test_other_scales_in_extraction():
    (war,) = extract_candidates("There is a tiny possibility of war.", SEED_DATE, "icd-203")
    assert (war.match.scale_name, war.match.scale_version, war.match.probability) == (
        "icd-203",
        "2015",
        0.03,
    )


# ------------------------------------------------------------------- measured quality


def test_quality_on_the_labelled_set():
    passages = load_labelled(LABELLED)
    styles = {p.style for p in passages}
    assert len(passages) >= 7 and len(styles) >= 7
    assert {"tv-panel", "sports column", "economics blog"} <= styles
    results = evaluate(passages)
    overall = score(results)
    assert overall.precision >= 0.8 and overall.recall >= 0.8
    assert overall.mae is not None and overall.mae <= 0.1
    seed = score([r for r in results if r.passage.name.startswith("seed")])
    assert seed.recall == 1.0


def test_the_benchmark_script_runs(capsys):
    path = Path(__file__).parents[2] / "benchmarks" / "extraction_quality.py"
    spec = importlib.util.spec_from_file_location("extraction_quality", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0
    output = capsys.readouterr().out
    assert "precision" in output and "seed op-ed" in output and "held-out" in output
