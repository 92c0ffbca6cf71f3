"""The scales as data: every shipped scale loads, cites its source, holds the numbers its
source gives, and every phrase of every scale maps to itself."""

from __future__ import annotations

import csv
import io
import itertools
import re
from importlib import resources

import pytest

from forecasts.errors import ValidationError
from forecasts.phrases.mapping import map_phrase
from forecasts.phrases.scales import (
    DEFAULT_SCALE,
    all_scales,
    list_scales,
    load_scale,
    parse_scale_ref,
)


def test_the_four_scales_ship_with_names_versions_and_citations():
    refs = {scale.ref for scale in all_scales()}
    assert refs == {
        "registry-default@1",
        "registry-default@2",
        "icd-203@2015",
        "kent-1964@1964",
        "survey-2015@2015",
    }
    for scale in all_scales():
        assert scale.citation and scale.title, scale.ref
        assert isinstance(scale.version, str)
    assert list_scales()[0].name == DEFAULT_SCALE


def test_icd_203_bands_are_the_directives():
    icd = load_scale("icd-203@2015")
    expected = {
        "almost no chance": (0.01, 0.05),
        "very unlikely": (0.05, 0.20),
        "unlikely": (0.20, 0.45),
        "roughly even chance": (0.45, 0.55),
        "likely": (0.55, 0.80),
        "very likely": (0.80, 0.95),
        "almost certain": (0.95, 0.99),
    }
    assert {e.phrase: e.band for e in icd.entries} == expected
    for entry in icd.entries:  # the point is the middle of the band
        assert entry.probability == pytest.approx((entry.low + entry.high) / 2)
    also = {form for e in icd.entries for form in e.forms}
    assert {
        "remote",
        "highly improbable",
        "improbable",
        "roughly even odds",
        "probable",
        "highly probable",
        "nearly certain",
    } <= also


def test_kent_1964_points_and_spreads():
    kent = load_scale("kent-1964")
    expected = {
        "certain": (1.0, 0),
        "almost certain": (0.93, 0.06),
        "probable": (0.75, 0.12),
        "chances about even": (0.50, 0.10),
        "probably not": (0.30, 0.10),
        "almost certainly not": (0.07, 0.05),
        "impossible": (0.0, 0),
    }
    for entry in kent.entries:
        point, spread = expected.pop(entry.phrase)
        assert entry.probability == point
        assert (entry.low, entry.high) == pytest.approx((point - spread, point + spread))
    assert not expected


def test_survey_scale_is_read_from_the_packaged_csv_with_its_citation():
    csv_text = (
        resources.files("forecasts.phrases") / "scales" / "probability-words-survey.csv"
    ).read_text(encoding="utf-8")
    comments = [line for line in csv_text.splitlines() if line.startswith("#")]
    assert len(comments) == 2 and "Fagen-Ulmschneider" in comments[1]
    survey = load_scale("survey-2015")
    assert survey.citation == comments[1].split("Source:", 1)[1].strip()
    rows = list(
        csv.DictReader(
            io.StringIO(
                "\n".join(line for line in csv_text.splitlines() if not line.startswith("#"))
            )
        )
    )
    assert len(rows) == len(survey.entries) == 17
    for row in rows:
        entry = survey.entry(row["phrase"])
        assert entry.probability == int(row["median_percent"]) / 100
        assert entry.band == (int(row["q1_percent"]) / 100, int(row["q3_percent"]) / 100)


def test_default_scale_documents_every_phrase():
    default = load_scale(DEFAULT_SCALE)
    for entry in default.entries:
        assert entry.source and entry.why, f"{entry.phrase} needs a source and a why"
        source_scale = entry.source.split(":")[0]
        if source_scale != "registry":
            scale_name, phrase = (part.strip() for part in entry.source.split(":", 1))
            cited = next(
                (e for e in load_scale(scale_name).entries if phrase in (e.phrase, *e.forms)), None
            )
            assert cited is not None, entry.source
            if not entry.negation_of:
                assert (entry.probability, entry.low, entry.high) == (
                    cited.probability,
                    cited.low,
                    cited.high,
                ), entry.phrase
    assert default.softener is not None and default.softener.pull == 0.25


def test_default_equivalents_and_negation_rules_name_existing_phrases():
    default = load_scale(DEFAULT_SCALE)
    for entry in default.entries:
        for scale_name, phrase in entry.equivalents.items():
            assert load_scale(scale_name).entry(phrase) is not None, (entry.phrase, phrase)
        for name in (entry.not_before, entry.not_after, entry.negation_of):
            if name:
                assert default.entry(name) is not None, (entry.phrase, name)
        if not entry.negation_of:
            assert set(entry.equivalents) == {"icd-203", "kent-1964", "survey-2015"}


def test_negation_of_is_the_flip():
    default = load_scale(DEFAULT_SCALE)
    certainly, no_chance = default.entry("certainly"), default.entry("no chance")
    assert no_chance.probability == pytest.approx(1 - certainly.probability)
    assert no_chance.band == pytest.approx((1 - certainly.high, 1 - certainly.low))
    assert no_chance.negated


@pytest.mark.parametrize(
    "ref, name, version",
    [
        ("icd-203@2015", "icd-203", "2015"),
        ("icd-203", "icd-203", None),
        (" kent-1964 @ 1964 ", "kent-1964", "1964"),
    ],
)
def test_parse_scale_ref(ref, name, version):
    assert parse_scale_ref(ref) == (name, version)


@pytest.mark.parametrize(
    "ref, message",
    [
        ("nope", "no scale named 'nope'"),
        ("icd-203@1999", "icd-203 has no version '1999' (versions: 2015)"),
        ("icd-203@", "must be NAME or NAME@VERSION"),
    ],
)
def test_unknown_scales_are_refused_naming_the_field(ref, message):
    with pytest.raises(ValidationError) as caught:
        load_scale(ref)
    assert caught.value.field == "scale" and message in str(caught.value)


def _expansions(form: str) -> list[str]:
    """Wordings a form allows: the first choice of every group, then each choice of each
    group in turn (optional groups left out, then put in)."""
    tokens = re.findall(r"\((?P<alts>[^()]*)\)(\?)?|(\.\.\.)|([^\s()?]+)(\?)?", form)
    groups = []
    for alts, opt1, gap, word, opt2 in tokens:
        if gap:
            groups.append(["... the deal ..."])
            continue
        choices = [a.strip() for a in alts.split("|")] if alts else [word]
        groups.append(([""] if opt1 or opt2 else []) + choices)
    wordings = {" ".join(filter(None, (g[0] for g in groups)))}
    for i, group in enumerate(groups):
        for choice in group:
            words = [g[0] if j != i else choice for j, g in enumerate(groups)]
            wordings.add(" ".join(filter(None, words)))
    full = [g[1] if g[0] == "" and len(g) > 1 else g[0] for g in groups]
    wordings.add(" ".join(filter(None, full)))
    return sorted(w.replace("... the deal ...", "of the deal") for w in wordings if w)


def _scale_entries():
    for scale in all_scales():
        for entry in scale.entries:
            yield pytest.param(scale.ref, entry.phrase, id=f"{scale.ref}:{entry.phrase}")


@pytest.mark.parametrize("ref, phrase", list(_scale_entries()))
def test_every_phrase_of_every_scale_maps_to_itself(ref, phrase):
    scale = load_scale(ref)
    entry = scale.entry(phrase)
    wordings = list(itertools.chain.from_iterable(_expansions(form) for form in entry.forms))
    assert phrase in wordings or scale.name == DEFAULT_SCALE
    for wording in wordings:
        match = map_phrase(wording, scale)
        assert match is not None, f"{wording!r} ({ref}) maps to nothing"
        assert match.scale_name == scale.name and match.scale_version == scale.version
        lexical = match.phrase.lower().replace("i believe ... will", "will")
        assert lexical == entry.phrase.lower() or match.scale_phrase == entry.phrase, (
            f"{wording!r} read as {match.phrase!r}, expected {entry.phrase!r}"
        )
        if (
            match.scale_phrase == entry.phrase
            and match.softener is None
            and match.negated == entry.negated
        ):
            assert (match.probability, match.low, match.high) == (
                entry.probability,
                entry.low,
                entry.high,
            ), wording
