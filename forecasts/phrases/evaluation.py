"""Score forecast extraction against hand-labelled passages.

A labelled passage is a TOML file (see ``tests/phrases/labelled/README.md``): the text's
file, its publication date, and its ``[[forecast]]``, ``[[borderline]]`` and
``[[not_forecast]]`` sentences, each located by a verbatim ``quote``.

A candidate *finds* a labelled forecast when its clause overlaps the quote (and, where
the label gives the hedge words and a sentence holds two forecasts, its hedge overlaps
them); each label and each candidate is used at most once. Then

* precision = found / candidates, leaving out candidates on borderline sentences;
* recall = found / labelled forecasts;
* MAE = mean |mapped probability - labelled probability| over the forecasts found;

and, where labels give them, the share of found forecasts whose negation, condition,
origin (stated or mapped), deadline, speaker and voice agree with the label. A speaker
agrees when one name holds the other, loosely ("Lowe" and "Philip Lowe"); ``voice`` is
"reported" for another's forecast named in the text, "own" for the author's or a
transcript speaker's. ``questions`` counts the found forecasts whose suggested question
the rules did not flag "question to be reworded" (a proxy: whether a question is usable
as written is an editor's judgement).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from forecasts.phrases.extraction import Candidate, extract_candidates
from forecasts.phrases.scales import Scale


@dataclass(frozen=True)
class Label:
    quote: str
    start: int
    end: int
    kind: str  # forecast | borderline | not_forecast
    data: dict
    hedge_start: int | None = None
    hedge_end: int | None = None


@dataclass
class Passage:
    name: str
    title: str
    style: str
    split: str
    published: dt.date
    text: str
    labels: list[Label]

    @property
    def forecasts(self) -> list[Label]:
        return [label for label in self.labels if label.kind == "forecast"]


_STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _locate(text: str, quote: str, where: str) -> tuple[int, int]:
    # Labels may write curly quotes straight; the replacement keeps every offset.
    text, quote = text.translate(_STRAIGHT), quote.translate(_STRAIGHT)
    start = text.find(quote)
    if start == -1:
        raise ValueError(f"{where}: quote not found verbatim in the text: {quote!r}")
    if text.find(quote, start + 1) != -1:
        raise ValueError(f"{where}: quote appears more than once, make it longer: {quote!r}")
    return start, start + len(quote)


def load_passage(path: Path) -> Passage:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    text = (path.parent / data["text_file"]).read_text(encoding="utf-8")
    labels: list[Label] = []
    for kind in ("forecast", "borderline", "not_forecast"):
        for item in data.get(kind, []):
            start, end = _locate(text, item["quote"], f"{path.name} [{kind}]")
            hedge_start = hedge_end = None
            if item.get("hedge"):
                offset = text.translate(_STRAIGHT).find(
                    item["hedge"].translate(_STRAIGHT), start, end
                )
                if offset == -1:
                    raise ValueError(f"{path.name}: hedge {item['hedge']!r} not in its quote")
                hedge_start, hedge_end = offset, offset + len(item["hedge"])
            labels.append(Label(item["quote"], start, end, kind, item, hedge_start, hedge_end))
    return Passage(
        name=path.stem,
        title=data.get("title", path.stem),
        style=data.get("style", ""),
        split=data.get("split", "dev"),
        published=data["published"],
        text=text,
        labels=labels,
    )


def load_labelled(directory: Path) -> list[Passage]:
    return [load_passage(path) for path in sorted(Path(directory).glob("*.toml"))]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Result:
    passage: Passage
    candidates: list[Candidate]
    found: list[tuple[Label, Candidate]] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    false: list[Candidate] = field(default_factory=list)
    borderline: list[Candidate] = field(default_factory=list)
    wrongly_kept: list[tuple[Label, Candidate]] = field(default_factory=list)


def match(passage: Passage, candidates: list[Candidate]) -> Result:
    result = Result(passage, candidates)
    unused = list(candidates)
    for label in passage.forecasts:
        touching = [
            c for c in unused if _overlap((c.clause_start, c.clause_end), (label.start, label.end))
        ]
        if label.hedge_start is not None and len(touching) > 1:
            by_hedge = [
                c
                for c in touching
                if any(
                    _overlap(span, (label.hedge_start, label.hedge_end)) for span in c.match.spans
                )
            ]
            touching = by_hedge or touching
        if touching:
            result.found.append((label, touching[0]))
            unused.remove(touching[0])
        else:
            result.missed.append(label)
    for candidate in unused:
        clause = (candidate.clause_start, candidate.clause_end)
        if any(
            label.kind == "borderline" and _overlap(clause, (label.start, label.end))
            for label in passage.labels
        ):
            result.borderline.append(candidate)
            continue
        result.false.append(candidate)
        for label in passage.labels:
            if label.kind == "not_forecast" and _overlap(clause, (label.start, label.end)):
                result.wrongly_kept.append((label, candidate))
    return result


@dataclass(frozen=True)
class Scores:
    passages: int
    labelled: int
    candidates: int
    found: int
    false: int
    precision: float
    recall: float
    mae: float | None
    negation: tuple[int, int]
    conditional: tuple[int, int]
    origin: tuple[int, int]
    deadline: tuple[int, int]
    speaker: tuple[int, int] = (0, 0)
    voice: tuple[int, int] = (0, 0)
    questions: tuple[int, int] = (0, 0)  # found forecasts whose question is not flagged

    def to_dict(self) -> dict:
        return {
            "passages": self.passages,
            "labelled": self.labelled,
            "candidates": self.candidates,
            "found": self.found,
            "false": self.false,
            "precision": self.precision,
            "recall": self.recall,
            "mae": self.mae,
            "negation_agrees": list(self.negation),
            "conditional_agrees": list(self.conditional),
            "origin_agrees": list(self.origin),
            "deadline_agrees": list(self.deadline),
            "speaker_agrees": list(self.speaker),
            "voice_agrees": list(self.voice),
            "questions_unflagged": list(self.questions),
        }


def _agreement(results: list[Result], check) -> tuple[int, int]:
    pairs = [(label, candidate) for r in results for label, candidate in r.found]
    verdicts = [check(label.data, candidate) for label, candidate in pairs]
    verdicts = [v for v in verdicts if v is not None]
    return sum(verdicts), len(verdicts)


def _deadline_agrees(data: dict, candidate: Candidate) -> bool | None:
    if "deadline" not in data:
        return None
    if data["deadline"] == "none":
        return candidate.deadline is None
    return candidate.deadline == data["deadline"]


def _speaker_agrees(data: dict, candidate: Candidate) -> bool | None:
    if "speaker" not in data:
        return None
    from forecasts.phrases.attribution import name_key

    want, got = name_key(data["speaker"]), name_key(candidate.speaker or "")
    return bool(got) and (want in got or got in want)


def score(results: list[Result]) -> Scores:
    found = sum(len(r.found) for r in results)
    false = sum(len(r.false) for r in results)
    labelled = sum(len(r.passage.forecasts) for r in results)
    errors = [
        abs(c.match.probability - label.data["probability"])
        for r in results
        for label, c in r.found
        if "probability" in label.data
    ]
    return Scores(
        passages=len(results),
        labelled=labelled,
        candidates=found + false,
        found=found,
        false=false,
        precision=found / (found + false) if found + false else 1.0,
        recall=found / labelled if labelled else 1.0,
        mae=sum(errors) / len(errors) if errors else None,
        negation=_agreement(
            results, lambda d, c: None if "negated" not in d else d["negated"] == c.match.negated
        ),
        conditional=_agreement(
            results,
            lambda d, c: None if "conditional" not in d else d["conditional"] == c.conditional,
        ),
        origin=_agreement(
            results,
            lambda d, c: None if "stated" not in d else (c.match.origin == "stated") == d["stated"],
        ),
        deadline=_agreement(results, _deadline_agrees),
        speaker=_agreement(results, _speaker_agrees),
        voice=_agreement(results, lambda d, c: None if "voice" not in d else d["voice"] == c.voice),
        questions=_agreement(results, lambda d, c: "question to be reworded" not in c.flags),
    )


def evaluate(passages: list[Passage], scale: Scale | str | None = None) -> list[Result]:
    return [match(p, extract_candidates(p.text, p.published, scale)) for p in passages]
