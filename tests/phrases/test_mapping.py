"""Reading estimative words as probabilities: the phrases commentary uses, negation,
softeners, stated numbers, other scales, and words that must not match."""

from __future__ import annotations

import pytest

from forecasts.phrases.mapping import map_phrase
from forecasts.phrases.scales import load_scale

DEFAULT = load_scale("registry-default")


def reading(phrase: str) -> tuple[float, float, float]:
    entry = DEFAULT.entry(phrase)
    return entry.probability, entry.low, entry.high


def mapped(text: str, scale=None):
    match = map_phrase(text, scale)
    assert match is not None, f"nothing found in {text!r}"
    return match


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("a tiny possibility of war", "tiny possibility"),
        ("there is a tiny chance", "tiny possibility"),
        ("a slight possibility", "slight chance"),
        ("a slight chance", "slight chance"),
        ("a small possibility", "small chance"),
        ("a small chance of a deal", "small chance"),
        ("a remote possibility", "remote possibility"),
        ("a remote chance", "remote possibility"),
        ("there is possibility for him to win", "a possibility"),
        ("a possibility", "a possibility"),
        ("a real possibility", "a real possibility"),
        ("a great possibility that the war will spread", "great possibility"),
        ("the deal may collapse", "may"),
        ("the deal might collapse", "may"),
        ("the deal could collapse", "may"),
        ("a deal is likely", "likely"),
        ("Iraq will support Iran", "will"),
        ("the government will certainly fall", "certainly"),
        ("there is no doubt that prices will rise", "no doubt"),
        ("it must be resolved sooner or later", "sooner or later"),
        ("Iraq has no choice but to clarify its position", "no choice but to"),
        ("the protesters have no choice but to leave", "no choice but to"),
        (
            "the protesters will have no choice as they do not want to, but to leave",
            "no choice but to",
        ),
    ],
)
def test_commentary_phrases_read_on_the_default_scale(text, phrase):
    match = mapped(text)
    assert match.phrase == phrase
    assert (match.probability, match.low, match.high) == reading(phrase)
    assert (match.scale_name, match.scale_version, match.origin) == (
        "registry-default",
        DEFAULT.version,
        "mapped",
    )
    assert not match.negated


def test_the_seed_readings():
    assert mapped("tiny possibility").probability <= 0.10
    assert mapped("great possibility").probability == 0.8
    assert mapped("possibility").probability == 0.5
    assert mapped("has no choice").probability == 0.9
    assert mapped("In my opinion ... will").probability == pytest.approx(0.8)
    assert mapped("must ... sooner or later").probability == 0.95


@pytest.mark.parametrize(
    "text, positive",
    [
        ("no possibility of war", "certainly"),  # "no chance" is the negation of "certainly"
        ("there is no chance", "certainly"),
        ("a deal is not likely", "likely"),
        ("a deal isn't likely", "likely"),
        ("Iran won't attack", "will"),
        ("Iran will not attack", "will"),
        ("Iran will never attack", "will"),
        ("there will be no war", "will"),
        ("nobody will win", "will"),
        ("it may not happen", "may"),
        ("there is a good chance the bill won't pass", "good chance"),
        ("prices are likely not to fall", "likely"),
        ("the economy will certainly not recover", "certainly"),
        ("I don't expect a recession", "I expect"),
        ("Neither is likely.", "likely"),
    ],
)
def test_negation_flips_the_reading(text, positive):
    match = mapped(text)
    p, low, high = reading(positive)
    assert match.negated
    assert match.probability == pytest.approx(1 - p)
    assert (match.low, match.high) == pytest.approx((1 - high, 1 - low))


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("probably won't", "probably not"),
        ("will probably not", "probably not"),
        ("not possible", "no chance"),
        ("no longer possible", "no chance"),
        ("I'm not sure it will happen", "not sure"),
        ("not certain", "not sure"),
    ],
)
def test_negations_the_scale_names(text, phrase):
    match = mapped(text)
    assert match.negated and match.scale_phrase == phrase
    assert (match.probability, match.low, match.high) == reading(phrase)


def test_not_impossible_is_a_possibility_not_a_certainty():
    match = mapped("it is not impossible that prices fall")
    assert match.probability == 0.5 and not match.negated


@pytest.mark.parametrize(
    "text",
    [
        "I think Iraq will support Iran",
        "I believe Iraq will support Iran",
        "In my opinion Iraq will support Iran",
        "in my view, Iraq will support Iran",
        "Iraq will, I suspect, support Iran",
    ],
)
def test_softeners_pull_an_unhedged_will_a_quarter_of_the_way_to_even(text):
    match = mapped(text)
    p, low, high = reading("will")
    pull = DEFAULT.softener.pull
    assert match.probability == pytest.approx(0.5 + (p - 0.5) * (1 - pull)) == 0.8
    assert (match.low, match.high) == pytest.approx(
        (0.5 + (low - 0.5) * (1 - pull), 0.5 + (high - 0.5) * (1 - pull))
    )
    assert match.phrase == "I believe ... will" and match.softener
    assert map_phrase(match.text).probability == pytest.approx(match.probability)


def test_a_negated_softener_flips_too():
    match = mapped("I don't think we will see a recession")
    assert match.negated and match.probability == pytest.approx(0.2)
    assert match.text == "I don't think ... will"
    assert map_phrase(match.text).probability == pytest.approx(0.2)


def test_softeners_leave_hedged_phrases_alone():
    assert mapped("I believe there is a tiny possibility of war").probability == 0.05
    assert mapped("I think a deal is unlikely").probability == 0.2


@pytest.mark.parametrize(
    "text",
    [
        "the will of the people",
        "against his will",
        "the people's will",
        "Will Smith",
        "Will Carter is the best young player",
        "in May",
        "May 2020",
        "since May",
        "military might",
        "with all its might",
        "certain conditions",
        "to certain extend",
        "remote areas",
        "as soon as possible",
        "the best possible outcome",
        "it is impossible to say",
        "a likely story",
        "inflation fell to 2.4 percent",
        "one in ten Americans",
        "it may seem unfair",
        "make sure you vote",
    ],
)
def test_words_that_must_not_match(text):
    assert map_phrase(text) is None


def test_likely_never_matches_inside_unlikely():
    match = mapped("a deal is unlikely")
    assert match.phrase == "unlikely" and match.probability == 0.2 and not match.negated
    assert mapped("very unlikely").phrase == "very unlikely"


@pytest.mark.parametrize(
    "text, probability, band",
    [
        ("70 percent", 0.7, (0.7, 0.7)),
        ("70%", 0.7, (0.7, 0.7)),
        ("70 per cent", 0.7, (0.7, 0.7)),
        ("seventy percent", 0.7, (0.7, 0.7)),
        ("one in ten", 0.1, (0.1, 0.1)),
        ("a one-in-ten chance", 0.1, (0.1, 0.1)),
        ("a 30% chance of rain", 0.3, (0.3, 0.3)),
        ("I'd put it at about 30 percent", 0.3, (0.25, 0.35)),
        ("I'm 80 percent sure", 0.8, (0.8, 0.8)),
        ("two-to-one odds that he wins", 2 / 3, (2 / 3, 2 / 3)),
        ("the odds are two to one against", 1 / 3, (1 / 3, 1 / 3)),
        ("fifty-fifty", 0.5, (0.5, 0.5)),
        ("a 50-50 chance", 0.5, (0.5, 0.5)),
        ("one in ten at best", 0.1, (0.0, 0.1)),
        ("at least a 70% chance", 0.7, (0.7, 1.0)),
    ],
)
def test_stated_numbers(text, probability, band):
    match = mapped(text)
    assert match.origin == "stated"
    assert match.scale_name is None and match.scale_version is None
    assert match.probability == pytest.approx(probability, abs=1e-6)
    assert (match.low, match.high) == pytest.approx(band, abs=1e-6)


def test_a_stated_number_for_a_negated_event_is_flipped():
    match = mapped("a 30% chance that the bill won't pass")
    assert match.negated and match.probability == pytest.approx(0.7)


@pytest.mark.parametrize(
    "scale, text, probability, scale_phrase",
    [
        ("icd-203@2015", "tiny possibility", 0.03, "almost no chance"),
        ("icd-203@2015", "remote", 0.03, "almost no chance"),
        ("icd-203@2015", "Iraq will support Iran", 0.875, "very likely"),
        ("icd-203@2015", "highly probable", 0.875, "very likely"),
        ("kent-1964", "probably", 0.75, "probable"),
        ("kent-1964", "probably won't", 0.30, "probably not"),
        ("kent-1964", "almost certainly not", 0.07, "almost certainly not"),
        ("kent-1964", "not impossible", 0.50, "chances about even"),
        ("survey-2015", "we doubt", 0.20, "we doubt"),
        ("survey-2015", "a great possibility", 0.80, "very good chance"),
        ("survey-2015", "likely", 0.70, "likely"),
    ],
)
def test_other_scales_read_their_own_phrases_and_the_commentary_ones(
    scale, text, probability, scale_phrase
):
    match = mapped(text, scale)
    loaded = load_scale(scale)
    assert (match.scale_name, match.scale_version) == (loaded.name, loaded.version)
    assert match.probability == pytest.approx(probability)
    assert match.scale_phrase == scale_phrase


def test_softening_on_another_scale_uses_the_registry_rule():
    match = mapped("I think Iraq will support Iran", "icd-203")
    assert match.probability == pytest.approx(0.5 + (0.875 - 0.5) * 0.75)


def test_no_phrase_gives_none():
    assert map_phrase("The protests are still on.") is None
    assert map_phrase("") is None


@pytest.mark.parametrize(
    "text, phrase",
    [
        (
            "There is a real possibility that unemployment will rise above 5 percent",
            "a real possibility",
        ),
        ("Inflation of 3 percent is likely next year", "likely"),
        ("It will almost certainly cost more than 2% of GDP", "almost certainly"),
    ],
)
def test_a_number_in_the_forecast_is_not_its_probability(text, phrase):
    match = map_phrase(text)
    assert match.text.lower() == phrase and match.origin == "mapped"


@pytest.mark.parametrize(
    "text, probability",
    [
        ("the probability of a cut is 25%", 0.25),
        ("I'd put the chance of a December cut at 70%", 0.7),
        ("The odds are about 70% that it passes", 0.7),
    ],
)
def test_a_number_attached_to_a_chance_word_is_stated(text, probability):
    match = map_phrase(text)
    assert (match.probability, match.origin) == (probability, "stated")
