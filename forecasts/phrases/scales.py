"""Versioned scales of estimative words, loaded from the data files in ``scales/``.

A scale maps phrases ("likely", "almost no chance") to a point probability and a band,
and cites where the numbers come from. Four ship with the registry:

* ``icd-203@2015``: US Intelligence Community Directive 203's terms of likelihood;
* ``kent-1964@1964``: Sherman Kent's table in "Words of Estimative Probability";
* ``survey-2015@2015``: how 123 readers read 17 phrases (median and quartiles), read
  from ``probability-words-survey.csv`` with the file's own citation;
* ``registry-default@1``: the words commentary uses, each read through one of the above
  or by a documented choice of the registry, with negation and softener rules.

Scales are data: a new version is a new file (same ``name``, new ``version``), and
``load_scale("icd-203@2015")`` keeps naming the old one, so a stored prediction's
``scale_name``/``scale_version`` always says what its number meant.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from forecasts.errors import ValidationError

DEFAULT_SCALE = "registry-default"
KINDS = ("noun", "adjective", "adverb", "modal", "verb", "idiom")

_NOUNS = {
    "chance",
    "chances",
    "possibility",
    "odds",
    "probability",
    "likelihood",
    "risk",
    "prospect",
    "prospects",
    "hope",
}
_ADVERBS = {"probably", "certainly", "improbably", "possibly", "surely", "definitely"}
_VERBS = {"believe", "doubt", "expect", "think"}


@dataclass(frozen=True)
class ScaleEntry:
    """One phrase of a scale: its reading (point and band) and where it comes from."""

    phrase: str
    probability: float
    low: float
    high: float
    forms: tuple[str, ...]
    kind: str
    source: str = ""
    why: str = ""
    equivalents: Mapping[str, str] = field(default_factory=dict)
    negated: bool = False
    needs_complement: bool = False
    not_before: str | None = None
    not_after: str | None = None
    negation_of: str | None = None

    @property
    def band(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict:
        data = {
            "phrase": self.phrase,
            "probability": self.probability,
            "band": [self.low, self.high],
            "forms": list(self.forms),
            "kind": self.kind,
            "negated": self.negated,
        }
        for key in ("source", "why", "negation_of", "not_before", "not_after"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.equivalents:
            data["equivalents"] = dict(self.equivalents)
        return data


@dataclass(frozen=True)
class Softener:
    """Words that weaken an unhedged forecast ("I think", "in my opinion")."""

    pull: float
    applies_to: tuple[str, ...]
    phrase: str
    forms: tuple[str, ...]

    def soften(self, probability: float) -> float:
        """Shrink the distance from 50% by ``pull``: p -> 0.5 + (p - 0.5) * (1 - pull)."""
        return 0.5 + (probability - 0.5) * (1 - self.pull)


@dataclass(frozen=True)
class Scale:
    name: str
    version: str
    title: str
    citation: str
    entries: tuple[ScaleEntry, ...]
    url: str = ""
    note: str = ""
    softener: Softener | None = None

    @property
    def ref(self) -> str:
        """``name@version``, the way predictions and commands name a scale."""
        return f"{self.name}@{self.version}"

    def entry(self, phrase: str) -> ScaleEntry | None:
        key = _normalise(phrase)
        return next((e for e in self.entries if _normalise(e.phrase) == key), None)

    def to_dict(self) -> dict:
        data = {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "citation": self.citation,
            "url": self.url or None,
            "note": self.note or None,
            "phrases": [entry.to_dict() for entry in self.entries],
        }
        if self.softener is not None:
            data["softener"] = {
                "phrase": self.softener.phrase,
                "pull": self.softener.pull,
                "applies_to": list(self.softener.applies_to),
                "forms": list(self.softener.forms),
            }
        return data


def _normalise(phrase: str) -> str:
    return " ".join(phrase.lower().replace("’", "'").split())


def version_key(version: str) -> tuple:
    """Order versions numerically where they are numbers ("10" after "9")."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"[.\-]", version)
    )


def infer_kind(phrase: str) -> str:
    """The grammatical kind of a cited scale's phrase, from its words."""
    words = _normalise(phrase).split()
    if words[-1] == "not":
        words = words[:-1]
    if words[-1] in _NOUNS or words[0] in {"chances", "odds"}:
        return "noun"
    if words[-1] in _ADVERBS or (words[-1].endswith("ly") and not words[-1].endswith("likely")):
        return "adverb"
    if words[-1] in _VERBS:
        return "verb"
    return "adjective"


# ----------------------------------------------------------------------------- loading


def _data_dir():
    return resources.files("forecasts.phrases").joinpath("scales")


def _read_text(name: str) -> str:
    return _data_dir().joinpath(name).read_text(encoding="utf-8")


def _entry_from_table(table: dict, scale_name: str) -> ScaleEntry:
    phrase = table["phrase"]
    forms = tuple(table.get("forms") or (phrase, *table.get("also", ())))
    negated = bool(table.get("negated", _normalise(phrase).endswith(" not")))
    probability = table.get("probability")
    low, high = table.get("low"), table.get("high")
    if table.get("negation_of"):
        probability = low = high = float("nan")  # filled in from the negated phrase
    elif None in (probability, low, high):
        raise ValueError(f"scale {scale_name}: phrase {phrase!r} needs probability, low, high")
    return ScaleEntry(
        phrase=phrase,
        probability=float(probability),
        low=float(low),
        high=float(high),
        forms=forms,
        kind=table.get("kind") or infer_kind(phrase),
        source=table.get("source", ""),
        why=" ".join(table.get("why", "").split()),
        equivalents=dict(table.get("equivalents", {})),
        negated=negated or bool(table.get("negation_of")),
        needs_complement=bool(table.get("needs_complement", False)),
        not_before=table.get("not_before"),
        not_after=table.get("not_after"),
        negation_of=table.get("negation_of"),
    )


def flipped(entry: ScaleEntry, **changes) -> ScaleEntry:
    """The reading of the negated event: p -> 1 - p, band [l, h] -> [1 - h, 1 - l]."""
    values = {
        "probability": round(1 - entry.probability, 6),
        "low": round(1 - entry.high, 6),
        "high": round(1 - entry.low, 6),
        "negated": not entry.negated,
    }
    values.update(changes)
    return _replace(entry, **values)


def _replace(entry: ScaleEntry, **changes) -> ScaleEntry:
    from dataclasses import replace

    return replace(entry, **changes)


def _resolve_negations(entries: list[ScaleEntry], scale_name: str) -> list[ScaleEntry]:
    by_phrase = {_normalise(e.phrase): e for e in entries}
    resolved = []
    for entry in entries:
        if entry.negation_of:
            target = by_phrase.get(_normalise(entry.negation_of))
            if target is None or target.negation_of:
                raise ValueError(
                    f"scale {scale_name}: {entry.phrase!r} negates an unknown "
                    f"phrase {entry.negation_of!r}"
                )
            flip = flipped(target)
            entry = _replace(
                entry, probability=flip.probability, low=flip.low, high=flip.high, negated=True
            )
        resolved.append(entry)
    return resolved


def _survey_entries(csv_text: str) -> tuple[list[ScaleEntry], list[str]]:
    """Entries from the survey CSV (median as the point, quartiles as the band) and the
    file's comment lines (its description and citation)."""
    comments = [line[1:].strip() for line in csv_text.splitlines() if line.startswith("#")]
    rows = csv.DictReader(line for line in io.StringIO(csv_text) if not line.startswith("#"))
    entries = []
    for row in rows:
        phrase = row["phrase"].strip().lower()
        entries.append(
            ScaleEntry(
                phrase=phrase,
                probability=int(row["median_percent"]) / 100,
                low=int(row["q1_percent"]) / 100,
                high=int(row["q3_percent"]) / 100,
                forms=(phrase,),
                kind=infer_kind(phrase),
                source=f"median and quartiles of {row['responses']} responses",
                negated=phrase.endswith(" not"),
                needs_complement=infer_kind(phrase) == "verb",
            )
        )
    return entries, comments


def _scale_from_toml(text: str, filename: str) -> Scale:
    data = tomllib.loads(text)
    name, version = data["name"], str(data["version"])
    citation = " ".join(data.get("citation", "").split())
    note = " ".join(data.get("note", "").split())
    if "data_file" in data:
        entries, comments = _survey_entries(_read_text(data["data_file"]))
        source = next((c for c in comments if c.lower().startswith("source:")), "")
        citation = citation or source.split(":", 1)[1].strip()
        description = next((c for c in comments if not c.lower().startswith("source:")), "")
        note = " ".join(part for part in (description, note) if part)
    else:
        entries = [_entry_from_table(table, name) for table in data.get("phrase", [])]
    if not entries:
        raise ValueError(f"scale file {filename}: no phrases")
    entries = _resolve_negations(entries, name)
    for entry in entries:
        if entry.kind not in KINDS:
            raise ValueError(f"scale {name}: {entry.phrase!r} has unknown kind {entry.kind!r}")
        if not 0 <= entry.low <= entry.probability <= entry.high <= 1:
            raise ValueError(
                f"scale {name}: {entry.phrase!r} needs 0 <= low <= probability <= high <= 1"
            )
    softener = None
    if "softener" in data:
        table = data["softener"]
        softener = Softener(
            pull=float(table["pull"]),
            applies_to=tuple(table.get("applies_to", ("will",))),
            phrase=table.get("phrase", "I think ... will"),
            forms=tuple(table["forms"]),
        )
    return Scale(
        name=name,
        version=version,
        title=data.get("title", name),
        citation=citation,
        entries=tuple(entries),
        url=data.get("url", ""),
        note=note,
        softener=softener,
    )


@functools.cache
def all_scales() -> tuple[Scale, ...]:
    """Every scale version shipped in ``forecasts/phrases/scales/``, by name then version."""
    scales = []
    for item in sorted(_data_dir().iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            scales.append(_scale_from_toml(item.read_text(encoding="utf-8"), item.name))
    seen = set()
    for scale in scales:
        if scale.ref in seen:
            raise ValueError(f"two scale files define {scale.ref}")
        seen.add(scale.ref)
    return tuple(sorted(scales, key=lambda s: (s.name, version_key(s.version))))


def list_scales() -> list[Scale]:
    """The latest version of each scale, the default first."""
    latest: dict[str, Scale] = {}
    for scale in all_scales():
        latest[scale.name] = scale  # sorted by version, so the last one wins
    return sorted(latest.values(), key=lambda s: (s.name != DEFAULT_SCALE, s.name))


def parse_scale_ref(ref: str) -> tuple[str, str | None]:
    """``"icd-203@2015"`` -> ``("icd-203", "2015")``; ``"icd-203"`` -> ``("icd-203", None)``."""
    text = (ref or "").strip()
    name, _, version = text.partition("@")
    name, version = name.strip(), version.strip()
    if not name or ("@" in text and not version):
        raise ValidationError("scale", f"must be NAME or NAME@VERSION (got {ref!r})")
    return name, version or None


def load_scale(ref: str | Scale | None = None) -> Scale:
    """A scale by name (its latest version) or ``NAME@VERSION``; the default if None."""
    if isinstance(ref, Scale):
        return ref
    name, version = parse_scale_ref(ref or DEFAULT_SCALE)
    versions = [s for s in all_scales() if s.name == name]
    if not versions:
        names = ", ".join(s.name for s in list_scales())
        raise ValidationError("scale", f"no scale named {name!r}; the scales are {names}")
    if version is None:
        return versions[-1]
    for scale in versions:
        if scale.version == version:
            return scale
    known = ", ".join(s.version for s in versions)
    raise ValidationError("scale", f"{name} has no version {version!r} (versions: {known})")


def default_scale() -> Scale:
    return load_scale(DEFAULT_SCALE)
