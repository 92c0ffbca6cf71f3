"""Find estimative words in text and read them as a probability on a scale.

``map_phrase("a tiny possibility of war")`` finds "tiny possibility" and reads it on
the registry's default scale (5%, band 2-10%). The reading follows a few rules, each
documented where it is applied:

* **Longest phrase wins**: "very unlikely" over "unlikely", "almost certainly" over
  "certainly"; "likely" never matches inside "unlikely".
* **Word sense**: "will" is not a forecast in "the will of the people" or "Will Carter",
  nor "may" in "in May"; "certain" is not one in "certain conditions".
* **Negation flips**: "not likely", "won't", "no possibility" give 1 - p with the band
  flipped, unless the scale names the negated reading ("probably won't" is the survey's
  "probably not"; "not possible" is "no chance"; "not sure" is its own phrase).
* **Softeners** ("I think", "in my opinion") pull an unhedged "will" toward 50% by the
  amount the default scale documents; "I don't think ... will" also flips it.
* **Numbers** the speaker states ("70 percent", "one in ten", "two-to-one odds") are
  taken as they are, origin "stated" (see ``forecasts.phrases.numbers``).
* **Other scales**: a scale reads its own phrases; the commentary phrases of the default
  scale ("tiny possibility") are read through the equivalents the default scale lists
  for that scale (icd-203 reads "tiny possibility" as its "almost no chance").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from forecasts.phrases.numbers import StatedProbability, find_stated
from forecasts.phrases.scales import (
    Scale,
    ScaleEntry,
    Softener,
    default_scale,
    flipped,
    load_scale,
)

ORIGIN_MAPPED = "mapped"
ORIGIN_STATED = "stated"

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*|['’][A-Za-z]+|[^\sA-Za-z0-9]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})

NEGATORS = frozenset(
    {
        "not",
        "never",
        "cannot",
        "hardly",
        "scarcely",
        "barely",
        "neither",
        "nor",
        "none",
        "nobody",
        "nothing",
        "no",
    }
)
AUXILIARIES = frozenset(
    {
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "been",
        "being",
        "'s",
        "'re",
        "'m",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "'ll",
        "'d",
        "seem",
        "seems",
        "seemed",
        "look",
        "looks",
        "looked",
        "appear",
        "appears",
        "appeared",
        "remain",
        "remains",
        "get",
        "gets",
        "become",
        "becomes",
        "going",
        "gonna",
        "it's",
        "that's",
        "there's",
        "he's",
        "she's",
        "they're",
        "we're",
        "i'm",
        "you're",
        "what's",
    }
)
_CHAIN = AUXILIARIES | {
    "there",
    "it",
    "this",
    "that",
    "these",
    "those",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "one",
    "very",
    "all",
    "so",
    "too",
    "at",
    "particularly",
    "terribly",
    "especially",
    "entirely",
    "remotely",
    "even",
    "really",
    "quite",
    "a",
    "an",
    "any",
    "much",
    "also",
    "still",
    "now",
    "yet",
    "exactly",
    "necessarily",
    "altogether",
    "overly",
    "longer",
}
_STOP_WORDS = frozenset(
    {
        "but",
        "because",
        "as",
        "since",
        "while",
        "although",
        "though",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "if",
        "unless",
        "so",
        "yet",
        "or",
        "whereas",
    }
)
_NOT_NEGATING_AFTER = frozenset({"only", "just", "merely", "least", "necessarily", "quite"})
_PRESENT_STATE = frozenset(
    {
        "right",
        "wrong",
        "true",
        "correct",
        "forgiven",
        "tempted",
        "excused",
        "worth",
        "fair",
        "unfair",
        "the",
        "a",
        "an",
        "so",
        "said",
        "argued",
        "tempting",
        "mistaken",
    }
)
_NEGATIVE_SUBJECTS = frozenset({"nobody", "nothing", "none", "neither", "noone"})
_MODAL_SKIP = frozenset(
    {
        "probably",
        "certainly",
        "definitely",
        "surely",
        "even",
        "ever",
        "really",
        "necessarily",
        "likely",
        "possibly",
        "actually",
        "yet",
        "still",
        "simply",
        "then",
        "be",
    }
)
_NOUN_BEFORE_WILL = frozenset(
    {
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "its",
        "whose",
        "at",
        "against",
        "of",
        "with",
        "political",
        "popular",
        "free",
        "good",
        "ill",
        "own",
        "strong",
        "iron",
        "sheer",
        "public",
        "general",
        "collective",
        "no",
        "any",
        "last",
        "living",
        "national",
        "military",
        "economic",
        "naval",
        "full",
        "democratic",
        "people's",
    }
)
_MONTH_BEFORE_MAY = frozenset(
    {
        "in",
        "of",
        "since",
        "until",
        "till",
        "by",
        "during",
        "early",
        "late",
        "mid",
        "last",
        "next",
        "this",
        "from",
        "to",
        "through",
        "before",
        "after",
    }
)
_COGNITIVE = frozenset(
    {
        "say",
        "know",
        "tell",
        "predict",
        "judge",
        "guess",
        "imagine",
        "overstate",
        "exaggerate",
        "ignore",
        "deny",
        "see",
        "believe",
        "understand",
        "find",
        "get",
        "forecast",
        "determine",
        "estimate",
        "answer",
        "argue",
        "read",
        "measure",
        "quantify",
        "assess",
        "separate",
        "miss",
        "resist",
        "overlook",
        "envisage",
        "foresee",
        "conceive",
        "rule",
        "say,",
    }
)
_SUPERLATIVE_BEFORE_POSSIBLE = frozenset(
    {
        "as",
        "if",
        "where",
        "wherever",
        "whenever",
        "when",
        "everything",
        "anything",
        "all",
        "best",
        "worst",
        "only",
        "every",
        "whatever",
    }
)
_ATTRIBUTIVE_CHECK = frozenset(
    {"likely", "unlikely", "probable", "improbable", "possible", "certain", "inevitable"}
)
_DETERMINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "these",
        "those",
        "some",
        "any",
    }
)
_PREDICATIVE_NEXT = frozenset(
    {
        "to",
        "that",
        "of",
        "about",
        "whether",
        "enough",
        "indeed",
        "chance",
        "chances",
        "possibility",
        "prospect",
        "prospects",
        "likelihood",
        "probability",
        "risk",
        "odds",
        "one",
        "for",
        "in",
        "at",
        "if",
        "now",
        "then",
        "though",
        "too",
        "either",
        "again",
    }
)


@dataclass(frozen=True)
class Token:
    text: str  # lower case, curly apostrophes straightened
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "'"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [
        Token(m.group().lower().translate(_APOSTROPHES), m.start() + start, m.end() + start)
        for m in _TOKEN.finditer(text[start:end])
    ]


def is_negator(token: str) -> bool:
    return token in NEGATORS or token.endswith("n't")


# ---------------------------------------------------------------------------- forms

_FORM_TOKEN = re.compile(
    r"\((?P<alts>[^()]*)\)(?P<opt1>\?)?|(?P<gap>\.\.\.)|(?P<word>[^\s()?]+)(?P<opt2>\?)?"
)


def _word_pattern(word: str) -> str:
    pattern = re.escape(word.translate(_APOSTROPHES))
    return pattern.replace("\\-", "[-\\s]?").replace("'", "['’]")


def _alternative(alt: str) -> str:
    words = alt.split()
    body = r"\s+".join(_word_pattern(word) for word in words)
    # A contraction ("'ll", "n't") attaches to the word before it: no boundary there.
    boundary = "" if words[0][0] in "'’" or words[0].startswith("n'") else r"(?<![\w'’-])"
    return boundary + body


def compile_form(form: str) -> str:
    """A form of the scale files as a regular expression (see registry-default.toml)."""
    pattern = ""
    separated = False  # whether something already matched, so the next word needs a space
    for match in _FORM_TOKEN.finditer(form):
        if match["gap"]:
            pattern += r"(?:\s+\S+){0,8}?"
            continue
        alts = match["alts"].split("|") if match["alts"] is not None else [match["word"]]
        optional = bool(match["opt1"] or match["opt2"])
        alt = "(?:" + "|".join(_alternative(a) for a in alts if a.strip()) + ")"
        if not separated:
            pattern += f"(?:{alt}\\s+)?" if optional else alt
            separated = not optional
        else:
            pattern += f"(?:\\s+{alt})?" if optional else f"\\s+{alt}"
    return pattern + r"(?![\w-])"


def _compile_forms(forms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{compile_form(form)})" for form in forms), re.IGNORECASE)


# -------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class LexItem:
    entry: ScaleEntry  # the phrase as the lexicon knows it: kind, negation rules
    reading: ScaleEntry  # its numbers on the scale being applied
    own: bool  # a phrase of the scale itself, not read through the default's equivalents
    order: int
    pattern: re.Pattern


class Lexicon:
    """The phrases one scale can read: its own, then the default scale's commentary
    phrases read through their equivalents on it."""

    def __init__(self, scale: Scale):
        self.scale = scale
        self.default = default_scale()
        self.is_default = scale.ref == self.default.ref
        self.softener: Softener | None = self.default.softener
        self.softener_pattern = (
            _compile_forms(self.softener.forms) if self.softener is not None else None
        )
        items = [
            LexItem(e, e, True, i, _compile_forms(e.forms)) for i, e in enumerate(scale.entries)
        ]
        if not self.is_default:
            for i, entry in enumerate(self.default.entries, start=len(items)):
                reading = self.on_scale(entry)
                if reading is not None:
                    items.append(LexItem(entry, reading, False, i, _compile_forms(entry.forms)))
        self.items = tuple(items)

    def on_scale(self, default_entry: ScaleEntry) -> ScaleEntry | None:
        """The reading of one of the default scale's phrases on this scale."""
        if self.is_default:
            return default_entry
        if default_entry.negation_of:
            target = self.default.entry(default_entry.negation_of)
            reading = self.on_scale(target) if target is not None else None
            return (
                flipped(reading, phrase=f"{reading.phrase}, negated")
                if reading is not None
                else None
            )
        name = default_entry.equivalents.get(self.scale.name)
        return self.scale.entry(name) if name else None

    def named_reading(
        self, item: LexItem, phrase: str | None
    ) -> tuple[ScaleEntry, ScaleEntry] | None:
        """(the phrase, its reading on this scale) for a phrase named by ``item``'s
        not_before/not_after, looked up in the same scale file as ``item``."""
        if not phrase:
            return None
        if item.own:
            entry = self.scale.entry(phrase)
            return (entry, entry) if entry is not None else None
        entry = self.default.entry(phrase)
        reading = self.on_scale(entry) if entry is not None else None
        return (entry, reading) if reading is not None else None

    def default_twin(self, words: str) -> LexItem | None:
        """The default scale's phrase for these words, read on this scale: its negation
        rules apply to a cited scale's own phrase ("not impossible" is "a possibility")."""
        if self.is_default:
            return None
        for item in self.items:
            if not item.own and item.pattern.fullmatch(words):
                return item
        return None


@functools.cache
def _lexicon_for(ref: str) -> Lexicon:
    return Lexicon(load_scale(ref))


def lexicon(scale: Scale | str | None = None) -> Lexicon:
    return _lexicon_for(load_scale(scale).ref)


# ----------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cue:
    """Estimative words found in a text, before negation and softeners are read."""

    start: int
    end: int
    kind: str  # noun | adjective | adverb | modal | verb | idiom | number
    item: LexItem | None = None
    stated: StatedProbability | None = None

    @property
    def phrase(self) -> str:
        return self.item.entry.phrase if self.item else self.stated.text

    @property
    def rank(self) -> int:
        """Which cue of a clause carries its forecast: a stated number, then a hedge,
        then "may", then a bare "will"."""
        if self.stated is not None:
            return 4
        if self.kind != "modal":
            return 3
        return 1 if self.item.entry.phrase == "will" or "will" in self.item.entry.forms else 2


@dataclass(frozen=True)
class SoftenerMatch:
    start: int
    end: int
    negated: bool


def _sense_ok(
    text: str, tokens: list[Token], index: int, last: int, cue_text: str, item: LexItem
) -> bool:
    """False where the words match a phrase but do not mean it ("the will of")."""
    word = tokens[index].text
    before = tokens[index - 1].text if index > 0 else ""
    after = tokens[last + 1].text if last + 1 < len(tokens) else ""
    after2 = tokens[last + 2].text if last + 2 < len(tokens) else ""
    kind = item.entry.kind
    if kind == "modal" and word in {"will", "may", "might", "could", "shall"}:
        sentence_initial = (
            index == 0
            or not tokens[index - 1].is_word
            and before
            in {
                ".",
                "!",
                "/",
                "-",
                "•",
                "*",
                ":",
                ";",
            }
        )
        if (
            cue_text[:1].isupper()
            and not text.isupper()
            and not (
                # "Might get about 10 seats." : a list item that leaves out its subject
                sentence_initial
                and word in {"might", "could", "will"}
                and after
                and text[tokens[last + 1].start].islower()
                and after not in {"he", "she", "it", "they", "we", "you", "i", "there", "the"}
                and not _asks(text, tokens[index].end)
            )
        ):
            return False  # "Will Carter", "in May", or a question's inverted modal
        if word in {"will", "might"} and (
            before in _NOUN_BEFORE_WILL
            or after == "of"
            or before.endswith(("'s", "s'"))
            and before not in AUXILIARIES
        ):
            return False  # the will of the people, the people's will, military might
        if word == "may" and before in _MONTH_BEFORE_MAY:
            return False
        if word == "could" and (after in {"not"} or after.endswith("n't")):
            return False  # "could not" is past ability or impossibility, not "may not"
        if word in {"may", "might"} and after == "as" and after2 == "well":
            return False
        if word in {"may", "might", "could"} and (
            after
            in {
                "seem",
                "appear",
                "look",
                "sound",
                "feel",
                "say",
                "argue",
                "add",
                "note",
                "think",
                "wonder",
                "imagine",
                "recall",
                "remember",
            }
            or after == "be"
            and after2 in _PRESENT_STATE
        ):
            return False  # "it may seem unfair", "one could argue", "he may be right"
        if word == "shall" and after in {"we", "i"}:
            return False
        if (
            word == "will"
            and after == "be"
            and after2
            in {"interesting", "fascinating", "instructive", "curious", "telling", "worth"}
        ):
            return False
    last_word = tokens[last].text
    if last_word in {"certain", "sure", "remote"} and len(cue_text.split()) == 1:
        if after and tokens[last + 1].is_word and after not in _PREDICATIVE_NEXT:
            return False  # "certain conditions", "remote areas"
        if before in {"a", "to", "make", "for"}:
            return False  # "a certain", "to certain extent", "make sure"
    if last_word in {"possible", "impossible", "conceivable", "inconceivable"} and (
        before in _SUPERLATIVE_BEFORE_POSSIBLE or before.endswith("est")
    ):
        return False  # "as soon as possible", "the best possible"
    if after == "to" and after2 in _COGNITIVE and last_word not in {"bound", "set"}:
        return False  # "impossible to say", "likely to predict": not about an event
    if (
        last_word in _ATTRIBUTIVE_CHECK
        and before in _DETERMINERS
        and after
        and tokens[last + 1].is_word
        and after not in _PREDICATIVE_NEXT
        and len(cue_text.split()) <= 2
    ):
        return False  # "an unlikely alliance", "a possible deal": describes, forecasts nothing
    # "I don't know for sure"
    return not (cue_text.lower().startswith("for ") and before in {"know", "say", "tell"})


def _asks(text: str, position: int) -> bool:
    """Whether the sentence going on at ``position`` ends with a question mark."""
    rest = re.split(r"(?<=[.!?])\s|\n", text[position:], maxsplit=1)[0]
    return rest.rstrip("\"'”’) ").endswith("?")


def _token_span(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    first = next((i for i, t in enumerate(tokens) if t.end > start), None)
    if first is None:
        return None
    last = first
    while last + 1 < len(tokens) and tokens[last + 1].start < end:
        last += 1
    return first, last


def find_cues(
    text: str,
    scale: Scale | str | Lexicon | None = None,
    start: int = 0,
    end: int | None = None,
    require_context: bool = True,
) -> list[Cue]:
    """Every estimative phrase and stated number in ``text[start:end]``, in order, the
    longest winning where they overlap."""
    lex = scale if isinstance(scale, Lexicon) else lexicon(scale)
    end = len(text) if end is None else end
    region = text[start:end]
    tokens = tokenize(text, start, end)
    found: list[tuple[int, int, int, Cue]] = []  # (priority keys..., cue)
    for stated in find_stated(region, require_context=require_context):
        cue = Cue(stated.start + start, stated.end + start, "number", stated=stated)
        found.append((0, -(cue.end - cue.start), 0, cue))
    for item in lex.items:
        for match in item.pattern.finditer(region):
            if match.end() == match.start():
                continue
            s, e = match.start() + start, match.end() + start
            span = _token_span(tokens, s, e)
            if span is None or not _sense_ok(text, tokens, span[0], span[1], match.group(), item):
                continue
            cue = Cue(s, e, item.entry.kind, item=item)
            found.append((1, -(e - s), (0 if item.own else 1, item.order), cue))
    found.sort(key=lambda f: (f[0], f[1], f[2], f[3].start))
    chosen: list[Cue] = []
    for *_, cue in found:
        if all(cue.end <= c.start or cue.start >= c.end for c in chosen):
            chosen.append(cue)
    return sorted(chosen, key=lambda c: c.start)


def find_softeners(
    text: str, lex: Lexicon, start: int = 0, end: int | None = None
) -> list[SoftenerMatch]:
    if lex.softener_pattern is None:
        return []
    end = len(text) if end is None else end
    matches = []
    for match in lex.softener_pattern.finditer(text[start:end]):
        words = tokenize(match.group())
        matches.append(
            SoftenerMatch(
                match.start() + start, match.end() + start, any(is_negator(t.text) for t in words)
            )
        )
    return matches


# -------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class PhraseMatch:
    """Estimative words read as a probability.

    ``probability`` is P(the event the clause states, put positively): for "Iran won't
    attack" it is P(Iran attacks) = 0.1, with ``negated`` True. ``text`` is the hedge as
    written, with its negation and softener ("I don't think ... will"), so that mapping
    ``text`` again gives the same reading; ``start``/``end`` locate the core phrase.
    """

    phrase: str
    text: str
    start: int
    end: int
    probability: float
    low: float
    high: float
    negated: bool
    origin: str
    kind: str
    scale_name: str | None
    scale_version: str | None
    scale_phrase: str | None
    softener: str | None = None
    spans: tuple[tuple[int, int], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def band(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict:
        return {
            "phrase": self.phrase,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "probability": self.probability,
            "band": [self.low, self.high],
            "negated": self.negated,
            "origin": self.origin,
            "kind": self.kind,
            "scale_name": self.scale_name,
            "scale_version": self.scale_version,
            "scale_phrase": self.scale_phrase,
            "softener": self.softener,
            "notes": list(self.notes),
        }


def _negated_before(tokens: list[Token], first: int, limit: int = 4) -> int | None:
    """Index of a negation governing the phrase from before it ("is not likely")."""
    i = first - 1
    seen = 0
    while i >= 0 and seen < limit:
        word = tokens[i].text
        if is_negator(word):
            return i
        if word not in _CHAIN:
            return None
        i -= 1
        seen += 1
    return None


def _negated_after(tokens: list[Token], last: int, kind: str) -> int | None:
    """Index of a negation of the forecast event after the phrase ("chance that X
    won't", "probably not", "will not")."""
    if kind in ("modal", "adverb"):
        i, seen = last + 1, 0
        while i < len(tokens) and seen < 3:
            word = tokens[i].text
            if word in {"not", "never"} or word.endswith("n't") or word == "cannot":
                nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
                return None if nxt in _NOT_NEGATING_AFTER else i
            if word == "no" and i + 1 < len(tokens) and tokens[i + 1].text == "longer":
                return i
            if word == "no" and kind == "modal" and i > 0 and tokens[i - 1].text == "be":
                return i  # "there will be no war"
            allowed = _MODAL_SKIP if kind == "modal" else _MODAL_SKIP | AUXILIARIES
            if word not in allowed:
                return None
            i += 1
            seen += 1
        return None
    for i in range(last + 1, min(len(tokens), last + 11)):
        word = tokens[i].text
        if word in {"/", "&"}:
            continue  # "Arsenal/United/Newcastle won't"
        if not tokens[i].is_word or word in _STOP_WORDS:
            return None
        if word in {"not", "never", "cannot"} or word.endswith("n't"):
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
            if nxt in _NOT_NEGATING_AFTER or (i > 0 and tokens[i - 1].text == "or"):
                continue
            return i
    return None


def _governing_softener(
    softeners: list[SoftenerMatch], cue: Cue, text: str, clause_start: int, clause_end: int
) -> SoftenerMatch | None:
    before = [s for s in softeners if clause_start <= s.start and s.end <= cue.start]
    if before:
        return before[-1]
    # "X will happen, I think." A softener after the forecast, set off by a comma.
    for softener in softeners:
        if cue.end <= softener.start and softener.end <= clause_end:
            between = text[cue.end : softener.start]
            if "," in between or not between.strip():  # (blank: "will ... I think")
                return softener
    return None


def _own_negative(lex: Lexicon, item: LexItem) -> tuple[ScaleEntry, ScaleEntry] | None:
    """A scale's own reading of a negated phrase: Kent's "probably not" for "probably"
    + "not", rather than the flip of "probable"."""
    if not item.own:
        return None
    for form in item.entry.forms:
        entry = lex.scale.entry(f"{form} not")
        if entry is not None:
            return entry, entry
    return None


def _merge_spans(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple]:
    spans = sorted(set(spans))
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and (s <= merged[-1][1] or not text[merged[-1][1] : s].strip()):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    words = " ... ".join(" ".join(text[s:e].split()) for s, e in merged)
    return words, tuple((s, e) for s, e in merged)


def read_cue(
    text: str,
    cue: Cue,
    lex: Lexicon,
    clause_start: int = 0,
    clause_end: int | None = None,
    softeners: list[SoftenerMatch] | None = None,
    original: str | None = None,
) -> PhraseMatch:
    """Read one cue of ``text`` within its clause: negation, softener, scale.
    ``original`` is the text to quote the hedge from when ``text`` is a cleaned copy."""
    clause_end = len(text) if clause_end is None else clause_end
    tokens = tokenize(text, clause_start, clause_end)
    first, last = _token_span(tokens, cue.start, cue.end) or (0, 0)
    if softeners is None:
        softeners = find_softeners(text, lex, clause_start, clause_end)
    spans = [(cue.start, cue.end)]
    notes: list[str] = []
    cue_words = [t.text for t in tokens[first : last + 1]]

    if cue.stated is not None:
        stated = cue.stated
        probability, low, high, negated = stated.probability, stated.low, stated.high, False
        phrase, scale_phrase = " ".join(stated.text.split()), None
        notes.append(f"stated by the speaker: {stated.reading}")
        after = _negated_after(tokens, last, "noun")
        if after is not None:
            probability, low, high, negated = 1 - probability, 1 - high, 1 - low, True
            spans.append((tokens[after].start, tokens[after].end))
            notes.append("the event is negated: p -> 1 - p")
        origin, scale_name, scale_version = ORIGIN_STATED, None, None
    else:
        item = cue.item
        entry, reading = item.entry, item.reading
        kind = entry.kind
        # Whether the forecast is of the event's negation follows the phrase, whatever
        # scale reads it ("probably not" is negated on every scale).
        negated = entry.negated
        negated_here = (
            kind in ("modal", "verb")
            and any(is_negator(w) for w in cue_words)
            and not any(is_negator(t.text) for t in tokenize(entry.phrase))
        )
        if kind == "modal" and first > 0 and tokens[first - 1].text in _NEGATIVE_SUBJECTS:
            negated_here = True  # "nobody will win", "neither side will back down"
            spans.append((tokens[first - 1].start, tokens[first - 1].end))
        before = None if kind in ("modal", "verb", "adverb") else _negated_before(tokens, first)
        if negated_here or before is not None:
            named = lex.named_reading(item, item.entry.not_before)
            twin = lex.default_twin(text[cue.start : cue.end]) if item.own else None
            if named is None and twin is not None:
                named = lex.named_reading(twin, twin.entry.not_before)
            if named is not None and not negated_here:
                negated, reading = named[0].negated, named[1]
                notes.append(f"negated: read as {named[0].phrase!r}")
            else:
                reading, negated = flipped(reading), not negated
                notes.append("negated: p -> 1 - p, band flipped")
            if before is not None:
                spans.append((tokens[before].start, tokens[before].end))
        after = _negated_after(tokens, last, kind)
        if after is not None:
            named = lex.named_reading(item, item.entry.not_after) or _own_negative(lex, item)
            if named is not None:
                negated, reading = named[0].negated, named[1]
                notes.append(f"negated: read as {named[0].phrase!r}")
            else:
                reading, negated = flipped(reading), not negated
                notes.append("the event is negated: p -> 1 - p, band flipped")
            spans.append((tokens[after].start, tokens[after].end))
        probability, low, high = reading.probability, reading.low, reading.high
        phrase, scale_phrase = entry.phrase, reading.phrase
        if not item.own:
            notes.append(
                f"read as {lex.scale.name} {reading.phrase!r} through the "
                f"equivalents of {lex.default.ref}"
            )
        origin, scale_name, scale_version = ORIGIN_MAPPED, lex.scale.name, lex.scale.version

    softener_words = None
    governing = _governing_softener(softeners, cue, text, clause_start, clause_end)
    rule = lex.softener
    if governing is not None and rule is not None:
        pulls = (
            cue.item is not None
            and cue.item.entry.phrase in rule.applies_to
            and cue.item.entry.kind == "modal"
        )
        if pulls:
            low, high = rule.soften(low), rule.soften(high)
            probability = rule.soften(probability)
            phrase = rule.phrase
            notes.append(f"softened: pulled {rule.pull:g} of the way toward 50%")
        if governing.negated:
            probability, low, high, negated = 1 - probability, 1 - high, 1 - low, not negated
            notes.append('the softener is negated ("I don\'t think"): p -> 1 - p')
        if pulls or governing.negated:
            spans.append((governing.start, governing.end))
            softener_words = " ".join(text[governing.start : governing.end].split())

    hedge, merged = _merge_spans(original if original is not None else text, spans)
    return PhraseMatch(
        phrase=phrase,
        text=hedge,
        start=cue.start,
        end=cue.end,
        probability=round(probability, 6),
        low=round(low, 6),
        high=round(high, 6),
        negated=negated,
        origin=origin,
        kind=cue.kind,
        scale_name=scale_name,
        scale_version=scale_version,
        scale_phrase=scale_phrase,
        softener=softener_words,
        spans=merged,
        notes=tuple(notes),
    )


def best_cue(cues: list[Cue]) -> Cue | None:
    """The cue that carries a clause's forecast: highest rank, then the first."""
    if not cues:
        return None
    top = max(c.rank for c in cues)
    return next(c for c in cues if c.rank == top)


_QUALIFIERS = re.compile(
    r"^(?:about|around|roughly|approximately|some|at\s+least|at\s+most|"
    r"less\s+than|more\s+than|over|under)\s+|\s+(?:at\s+(?:best|most|"
    r"least)|or\s+(?:less|more|better))$",
    re.IGNORECASE,
)


def _blank_ellipses(text: str) -> str:
    # "I think ... will" is how a stored hedge marks words left out; read it as a gap.
    return re.sub(r"\.\.\.|…", lambda m: " " * len(m.group()), text)


def map_phrase(text: str, scale: Scale | str | None = None) -> PhraseMatch | None:
    """The estimative phrase of ``text`` read on ``scale`` (default: the registry's
    default scale), or None when the text holds no estimative phrase.

    ``text`` is read as one clause: a hedge as stored with a prediction ("tiny
    possibility", "I don't think ... will") or a sentence.
    """
    lex = lexicon(scale)
    clean = _blank_ellipses(text)
    stripped = clean.strip()
    # A number typed on its own ("70%", "one in ten at best") needs no "chance" beside it.
    unqualified = _QUALIFIERS.sub("", stripped).strip()
    stated_alone = find_stated(unqualified, require_context=False)
    bare_number = len(stated_alone) == 1 and stated_alone[0].text == unqualified
    cues = find_cues(clean, lex, require_context=not bare_number)
    cue = best_cue(cues)
    if cue is None:
        return None
    return read_cue(clean, cue, lex, original=text)
