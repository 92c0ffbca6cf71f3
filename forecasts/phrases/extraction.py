"""Propose the forecasts of a piece of commentary, for an editor to review.

``extract_candidates(text, published, scale)`` splits the text into sentences (keeping
character offsets, so ``text[c.start:c.end] == c.sentence``), finds the estimative
words of each clause (``forecasts.phrases.mapping``) and keeps the clauses that forecast
something: the speaker's own view of the future. It sets aside, with the reason:

* questions ("Will he survive the spring?");
* reported speech: words in quotation marks, or after another person's "said",
  "claims", "expects", "according to" ("I think", "I said" are the speaker's own);
* the past ("was likely", "had no choice", "may have", "could have", "a year ago");
* the present: "definitely helps" forecasts nothing; an adverb like "probably" counts
  only with a future ("will", a modal, "next year") or as the answer to a question;
* wishes ("I hope X will"), the speaker's own plans ("I'll come back to this", "we'll be
  right back"), and embedded questions ("I know what will happen").

For each forecast it reads the probability (hedge, negation, softener), the condition
("if the situation reaches that level"; or one presupposed by an earlier forecast: "the
war will spread" after "a tiny possibility of war"), a suggested question, and a
deadline resolved against the publication date, or the flag "no deadline given".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from forecasts.phrases import questions
from forecasts.phrases.deadlines import Deadline, find_deadline, find_event
from forecasts.phrases.mapping import (
    AUXILIARIES,
    Cue,
    Lexicon,
    PhraseMatch,
    Token,
    best_cue,
    find_cues,
    find_softeners,
    lexicon,
    read_cue,
    tokenize,
)
from forecasts.phrases.scales import Scale

# The flag on a candidate whose text gives no deadline (not the score status of that name).
UNDATED_FLAG = "no deadline given"
MAX_QUESTION = 240  # a suggested question longer than this is cut (the statement holds 500)

# ------------------------------------------------------------------------ sentences

_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "no",
        "nos",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "inc",
        "ltd",
        "co",
        "corp",
        "approx",
        "cf",
        "al",
        "fig",
        "vol",
        "pp",
        "op",
        "ed",
        "rev",
        "hon",
        "adm",
        "capt",
        "cmdr",
        "maj",
    }
)
_SPEAKER = re.compile(
    r"(?P<label>(?:[A-Z][A-Z.'’\-]*(?:[ \t]+[A-Z][A-Z.'’\-]*){0,3})(?:[ \t]*\([^()\n]{1,60}\))?"
    r"|Q|A)[ \t]*:[ \t]+"
)
_TERMINATOR = re.compile(r"(?:\.\.\.|…|[.!?])+[\"'”’)\]]*")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    speaker: str | None = None
    block: int = 0

    @property
    def is_question(self) -> bool:
        return self.text.rstrip("\"'”’)] ").endswith("?")


def _blocks(text: str) -> list[tuple[int, int, str | None]]:
    """Paragraphs and speaker turns: (start, end, speaker). A blank line, a speaker
    label ("DAN REYES:") or a list item starts a new one."""
    blocks: list[tuple[int, int, str | None]] = []
    current_start: int | None = None
    speaker: str | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        line_start = offset
        offset += len(line)
        if not stripped:
            if current_start is not None:
                blocks.append((current_start, line_start, speaker))
                current_start, speaker = None, None
            continue
        indent = len(line) - len(line.lstrip())
        label = _SPEAKER.match(line, indent)
        new_item = re.match(r"\s*(?:\d{1,2}[.)]|[-*•])\s", line)
        if (label or new_item) and current_start is not None:
            blocks.append((current_start, line_start, speaker))
            current_start, speaker = None, None
        if current_start is None:
            current_start = line_start + indent
            if label:
                speaker = " ".join(label["label"].split())
                current_start = line_start + label.end()
    if current_start is not None:
        blocks.append((current_start, len(text), speaker))
    return blocks


def _is_boundary(text: str, block_start: int, match: re.Match, block_end: int) -> bool:
    """Whether the terminator ``match`` ends a sentence; ``block_start`` is where the
    sentence being built began."""
    rest = text[match.end() : block_end]
    if not rest.strip():
        return True
    if not rest[:1].isspace():
        return False
    following = rest.lstrip()[:1]
    if not (following.isupper() or following.isdigit() or following in "\"“‘'([—-"):
        return False
    if match.group().startswith("."):
        word = re.search(r"([\w.]+)$", text[block_start : match.start()])
        previous = word.group(1).lower() if word else ""
        if previous in _ABBREVIATIONS or (len(previous) == 1 and previous.isalpha()):
            return False
        if re.fullmatch(r"(?:[a-z]\.)+[a-z]", previous):
            return False  # U.S. or e.g.
        if _LIST_MARKER.match(text[block_start : match.end()]):
            return False  # "1. City will win the league"
    return True


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with character offsets; ``text[s.start:s.end] == s.text``."""
    sentences: list[Sentence] = []
    for number, (start, end, speaker) in enumerate(_blocks(text)):
        cursor = start
        for match in _TERMINATOR.finditer(text, start, end):
            if not _is_boundary(text, cursor, match, end):
                continue
            _add_sentence(text, sentences, cursor, match.end(), speaker, number)
            cursor = match.end()
        _add_sentence(text, sentences, cursor, end, speaker, number)
    return sentences


def _add_sentence(text, sentences, start, end, speaker, block) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    s = start + (len(chunk) - len(chunk.lstrip()))
    sentences.append(Sentence(s, s + len(stripped), stripped, speaker, block))


def _headlines(text: str) -> set[tuple[int, int]]:
    """Titles and headings: a paragraph of one short line with no closing punctuation.
    They restate the piece (and are often the editor's words, not the pundit's)."""
    found: set[tuple[int, int]] = set()
    blocks = _blocks(text)
    if len(blocks) < 2:
        return found  # a single line is the text itself, not its title
    for start, end, speaker in blocks:
        line = text[start:end].strip()
        if speaker or "\n" in line or not line:
            continue
        if not re.search(r"[.!?:\"”)]$", line) and len(line.split()) <= 16:
            s = start + len(text[start:end]) - len(text[start:end].lstrip())
            found.add((s, s + len(line)))
    return found


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans inside double quotation marks (straight or curly), paragraph by paragraph."""
    regions = []
    for start, end, _ in _blocks(text):
        open_at: int | None = None
        for i in range(start, end):
            char = text[i]
            if char == "“" or (char == '"' and open_at is None):
                open_at = i
            elif (char == "”" or char == '"') and open_at is not None:
                regions.append((open_at, i + 1))
                open_at = None
        if open_at is not None:
            regions.append((open_at, end))
    return regions


def clause_parts(sentence: Sentence, text: str) -> list[tuple[int, int]]:
    """A sentence split where it joins independent claims: at ";" and at ", but"."""
    cuts = [sentence.start]
    # not ", but to VP" ("has no choice, but to clarify") nor ", but not X"
    splits = re.finditer(r";|,\s+but\s+(?!to\b|not\b|only\b)", text[sentence.start : sentence.end])
    for match in splits:
        cuts.append(sentence.start + match.end())
    cuts.append(sentence.end)
    parts = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chunk = text[a:b]
        s = a + len(chunk) - len(chunk.lstrip())
        e = a + len(chunk.rstrip(" ;,\n\t"))
        if e > s:
            parts.append((s, e))
    return parts


# ------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Candidate:
    """A proposed forecast: a clause and the reading of its estimative words (``match``).
    Offsets index the text given to ``extract_candidates``: ``text[start:end] ==
    sentence`` and ``text[match.start:match.end]`` is the core estimative phrase;
    ``match.text`` is the hedge as a prediction stores it, with its negation and softener
    ("I don't think ... will"); ``match.spans`` locate its pieces."""

    sentence: str
    start: int
    end: int
    clause_start: int
    clause_end: int
    match: PhraseMatch
    conditional: bool
    condition: str | None
    condition_start: int | None
    condition_end: int | None
    question: str
    deadline: dt.date | None
    deadline_phrase: str | None
    deadline_start: int | None
    deadline_end: int | None
    speaker: str | None = None
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        match = self.match
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "clause": [self.clause_start, self.clause_end],
            "speaker": self.speaker,
            "hedge_phrase": match.text,
            "hedge_start": match.start,
            "hedge_end": match.end,
            "hedge_spans": [list(span) for span in match.spans],
            "phrase": match.phrase,
            "probability": match.probability,
            "band": [match.low, match.high],
            "negated": match.negated,
            "origin": match.origin,
            "scale_name": match.scale_name,
            "scale_version": match.scale_version,
            "scale_phrase": match.scale_phrase,
            "conditional": self.conditional,
            "condition": self.condition,
            "condition_start": self.condition_start,
            "condition_end": self.condition_end,
            "question": self.question,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_phrase": self.deadline_phrase,
            "deadline_start": self.deadline_start,
            "deadline_end": self.deadline_end,
            "flags": list(self.flags),
            "notes": list(match.notes),
        }


@dataclass(frozen=True)
class SetAside:
    """A sentence with estimative words that is not a forecast, and why."""

    sentence: str
    start: int
    end: int
    reason: str
    words: str
    speaker: str | None = None

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
            "words": self.words,
            "speaker": self.speaker,
        }


@dataclass(frozen=True)
class Extraction:
    candidates: list[Candidate]
    set_aside: list[SetAside]
    scale_name: str
    scale_version: str
    published: dt.date

    def to_dict(self) -> dict:
        return {
            "published": self.published.isoformat(),
            "scale": {"name": self.scale_name, "version": self.scale_version},
            "candidates": [c.to_dict() for c in self.candidates],
            "set_aside": [s.to_dict() for s in self.set_aside],
        }


# -------------------------------------------------------------------------- filters

REASON_QUESTION = "question"
REASON_REPORTED = "reported speech"
REASON_QUOTED = "reported speech (in quotation marks)"
REASON_PAST = "past"
REASON_PRESENT = "about the present"
REASON_WISH = "a wish, not a forecast"
REASON_INTENTION = "the speaker's own plan"
REASON_EMBEDDED = "an embedded question"
REASON_HEADLINE = "a headline or title"

_REPORTING = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|claims?|claimed|claiming|argues?|argued|"
    r"arguing|insists?|insisted|insisting|warns?|warned|warning|predicts?|predicted|"
    r"predicting|believes|believed|believe|believing|thinks|thought|think|expects|expected|"
    r"expect|expecting|fears?|feared|promise[sd]?|promising|announce[sd]?|suggests?|"
    r"suggested|reports?|reported|estimates?|estimated|forecasts?|forecasted|projected|"
    r"reckons?|reckoned|pledged?|pledges|vows?|vowed|stated|declared?|declares|added|"
    r"noted|assured?|assures|maintains?|maintained|hinted|hints|signall?ed|concedes?|"
    r"conceded|admits?|admitted|acknowledged?|contends?|contended|writes|wrote|tweeted|"
    r"posted|agreed|agrees|concluded|briefed|briefs|indicated|indicates|revealed|confirmed|"
    r"disclosed|speculated|speculates|floated|mooted|leaked|(?:in\s+)?fear\s+that|afraid\s+that|confident\s+that|"
    r"convinced\s+that|worried\s+that|hopeful\s+that)\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"\baccording\s+to\b", re.IGNORECASE)
_POSTPOSED = re.compile(
    r",\s*(?:(?:[\w.'’-]+\s+){1,4}?(?:said|says|say|added|adds|warned|warns|warn|argued|"
    r"argues|argue|insisted|insists|claimed|claims|claim|predicted|predicts|predict|"
    r"told\s+\w+|believes|believe|thinks|think|reckons|reckon|expect|expects|fear|fears)"
    r"|(?:said|says|added|argued|warned)\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3})"
    r"\s*[.!\"”]*\s*$",
    re.IGNORECASE,
)
_ENDORSED = re.compile(
    r"\b(?:so\s+do\s+(?:I|we)|as\s+do\s+(?:I|we)|I\s+agree|we\s+agree|"
    r"I\s+think\s+so\s+too|I\s+concur)\b",
    re.IGNORECASE,
)
_WISH = re.compile(
    r"\b(?:hopes?|hoped|hoping|wish|wishes|wished|wants?|wanted|pray|prays|"
    r"let's\s+hope|if\s+only)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = frozenset(
    {"i", "we", "i've", "i'd", "we've", "we'd", "i'm", "we're", "i'll", "we'll"}
)
_BOUNDARY_WORDS = frozenset(
    {"and", "but", "that", "because", "while", "so", "as", "though", "although", "if", "when"}
)
_WH = frozenset({"what", "whether", "who", "which", "when", "how", "where", "why", "if"})
_DISCOURSE = re.compile(
    r"^(?:see\b(?:\s*$|\s+(?:what|how|whether|if|who|which|when|about)\b)|"
    r"(?:return\s+to|talk|discuss|come\s+back|look\s+at|hear|find\s+out|"
    r"be\s+(?:right\s+)?back|get\s+to|leave\s+it|never\s+know|"
    r"have\s+to\s+wait|be\s+off|take\s+a|pick\s+this\s+up|know)\b)"
)
_SELF_REFERENCE = re.compile(
    r"\b(?:newsletter|column|show|podcast|programme|program|"
    r"episode|blog|series|issue|broadcast)\s*$",
    re.IGNORECASE,
)
_PAST_AUX = frozenset(
    {
        "was",
        "were",
        "had",
        "wasn't",
        "weren't",
        "hadn't",
        "did",
        "didn't",
        "seemed",
        "looked",
        "appeared",
        "thought",
        "felt",
    }
)
_IRREGULAR_PAST = frozenset(
    {
        "was",
        "were",
        "had",
        "did",
        "knew",
        "went",
        "came",
        "saw",
        "said",
        "thought",
        "made",
        "took",
        "got",
        "gave",
        "told",
        "felt",
        "became",
        "left",
        "found",
        "won",
        "lost",
        "ran",
        "began",
        "fell",
        "rose",
        "held",
        "kept",
        "brought",
        "bought",
        "meant",
        "paid",
        "sent",
        "spent",
        "stood",
        "understood",
        "wrote",
        "chose",
        "drove",
        "broke",
        "spoke",
        "forgot",
        "led",
        "met",
        "sold",
        "built",
        "caught",
        "taught",
        "fought",
        "sought",
        "struck",
    }
)
_FUTURE_WORDS = frozenset(
    {
        "will",
        "shall",
        "won't",
        "shan't",
        "gonna",
        "may",
        "might",
        "could",
        "would",
        "should",
        "soon",
        "eventually",
        "someday",
        "tomorrow",
        "next",
        "future",
        "upcoming",
        "coming",
        "sooner",
        "later",
        "ahead",
    }
)
_PAST_TIME = re.compile(
    r"\b(?:ago|yesterday|last\s+(?:year|month|week|night|season|time|"
    r"summer|winter|spring|autumn|fall)|earlier\s+this\s+(?:year|month|"
    r"week)|previously|back\s+then|at\s+the\s+time)\b",
    re.IGNORECASE,
)
_PREP_DET = frozenset(
    {
        "a",
        "an",
        "the",
        "under",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "of",
        "into",
        "over",
        "after",
        "before",
        "about",
        "as",
        "than",
        "through",
        "via",
        "because",
        "since",
        "this",
        "that",
        "these",
        "those",
    }
)
_NEEDS_FUTURE = frozenset(
    {"certain", "certainly", "almost certain", "no doubt", "not sure", "nearly certain"}
)
_CONDITION = re.compile(
    r"\b(?P<word>if|unless|provided(?:\s+that)?|providing(?:\s+that)?|as\s+long\s+as|"
    r"so\s+long\s+as|in\s+the\s+event\s+(?:that|of)|assuming(?:\s+that)?|"
    r"on\s+condition\s+that)\b",
    re.IGNORECASE,
)
_NOT_CONDITION_BEFORE = frozenset(
    {
        "surprised",
        "wonder",
        "wondering",
        "wondered",
        "ask",
        "asks",
        "asked",
        "asking",
        "see",
        "know",
        "knows",
        "sure",
        "unclear",
        "doubt",
        "even",
        "especially",
        "as",
        "check",
        "decide",
        "tell",
        "whether",
    }
)
_NOT_CONDITION_AFTER = frozenset(
    {"any", "not", "so", "anything", "ever", "necessary", "possible", "only", "anyone"}
)
_SUBJECT_PRONOUNS = frozenset(
    {"i", "we", "you", "he", "she", "it", "they", "there", "this", "that", "who"}
)
_HYPOTHETICAL_NOUN = re.compile(
    r"^\s*(?:of|for)\s+(?:(?:a|an|the)\s+)?(?P<noun>[a-z]+)", re.IGNORECASE
)


def _inside(position: int, regions: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in regions)


def _tokens_between(tokens: list[Token], start: int, end: int) -> list[Token]:
    return [t for t in tokens if start <= t.start and t.end <= end]


def _first_person(words: list[str]) -> bool:
    return any(w in _FIRST_PERSON for w in words)


def _reported(text: str, part: tuple[int, int], cue: Cue) -> bool:
    part_text = text[part[0] : part[1]]
    if _ENDORSED.search(part_text):
        return False
    if _ACCORDING.search(part_text):
        return True
    before = text[part[0] : cue.start]
    for match in reversed(list(_REPORTING.finditer(before))):
        start = part[0] + match.start()
        subject_text = text[part[0] : start]
        # the subject: back to the last clause boundary before the reporting verb
        cut = max(subject_text.rfind(","), subject_text.rfind(":"), subject_text.rfind("—"))
        subject_words = [t.text for t in tokenize(subject_text[cut + 1 :])]
        while subject_words and subject_words[0] in _BOUNDARY_WORDS:
            subject_words.pop(0)
        return not _first_person(subject_words)
    after = text[cue.end : part[1]]
    postposed = _POSTPOSED.search(after)
    return bool(postposed and not _first_person([t.text for t in tokenize(postposed.group())]))


def _is_wish(text: str, part: tuple[int, int], cue: Cue) -> bool:
    return bool(_WISH.search(text[part[0] : cue.start]))


def _embedded_question(tokens: list[Token], index: int, text: str, part_end: int) -> bool:
    for back in range(1, 6):
        j = index - back
        if j < 0 or not tokens[j].is_word:
            return False
        if tokens[j].text in _WH:
            if j == 0 or not tokens[j - 1].is_word:
                # "What will happen instead is a slow muddle": a pseudo-cleft, a forecast.
                rest = text[tokens[index].end : part_end]
                return not re.search(r"\b(?:is|was|will be)\b", rest)
            return True
    return False


def _intention(tokens: list[Token], index: int, text: str, cue: Cue) -> bool:
    token = tokens[index]
    subject = (
        token.text[:-3]
        if token.text.endswith("'ll")
        else (tokens[index - 1].text if index > 0 else "")
    )
    if subject.endswith("'ll"):
        subject = subject[:-3]
    if subject == "i":
        return True
    after = " ".join(t.text if t.is_word else "" for t in tokens[index + 1 : index + 4])
    if subject in ("we", "you") and _DISCOURSE.match(after):
        return True
    return bool(_SELF_REFERENCE.search(text[max(0, token.start - 40) : token.start]))


def _past(
    tokens: list[Token],
    first: int,
    last: int,
    cue: Cue,
    text: str,
    part: tuple[int, int],
    published: dt.date,
) -> bool:
    words = [t.text for t in tokens]
    nxt = words[last + 1 : last + 4]
    if cue.kind == "modal":
        if "was" in words[first : last + 1] or "were" in words[first : last + 1]:
            return True  # "was going to"
        skip = [
            w
            for w in nxt
            if w
            not in {
                "not",
                "never",
                "well",
                "easily",
                "already",
                "also",
                "still",
                "even",
                "just",
                "actually",
                "perhaps",
                "probably",
                "possibly",
            }
        ]
        return words[first] != "will" and skip[:1] == ["have"]  # "may have", "could have"
    back = words[max(0, first - 4) : first]
    if (
        cue.kind in ("adjective", "noun", "idiom", "number")
        and any(w in _PAST_AUX for w in back[-3:])
        and "will" not in back
        and "would" not in back
    ):
        return True
    if cue.kind in ("adjective", "noun"):
        complement = words[last + 1 : last + 9]
        if complement[:3] == ["to", "have", complement[2] if len(complement) > 2 else ""]:
            return True
        for w in complement:
            if w in {"will", "would", "may", "might", "could", "should", "is", "are", "'s"}:
                break
            if w in {"was", "were", "had", "did"}:
                return True
    if cue.kind == "adverb":
        near = words[max(0, first - 2) : first] + words[last + 1 : last + 3]
        if any(w in _PAST_AUX or w in _IRREGULAR_PAST for w in near):
            return True
    before_text = text[part[0] : part[1]]
    has_future = any(w in _FUTURE_WORDS or w.endswith("'ll") for w in words)
    if _PAST_TIME.search(before_text) and not has_future:
        return True
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", before_text)]
    return bool(years) and max(years) < published.year and not has_future


_PRONOUNS = frozenset(
    {
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "it",
        "i'm",
        "we're",
        "it's",
        "he's",
        "she's",
        "they're",
        "you're",
        "that",
        "this",
        "that's",
    }
)


def _needs_future(cue: Cue, entry, tokens: list[Token], first: int) -> bool:
    """Adverbs ("definitely helps") and certainty words about a person or "it" ("I'm
    sure he is right", "none of this is inevitable") forecast only with a future; "a
    default is almost certain" is a forecast as it stands."""
    if cue.kind == "adverb":
        return True
    if entry.phrase not in _NEEDS_FUTURE:
        return False
    return any(t.text in _PRONOUNS for t in tokens[:first])


def _future_oriented(
    tokens: list[Token], last: int, text: str, part: tuple[int, int], published: dt.date
) -> bool:
    words = [t.text for t in tokens]
    if any(w in _FUTURE_WORDS or w.endswith("'ll") or w == "going" for w in words):
        return True
    if last + 1 < len(words) and words[last + 1] == "to":
        return True
    return find_deadline(text, published, part[0], part[1]) is not None


def _adverb_attached(tokens: list[Token], first: int, last: int) -> bool:
    before = tokens[first - 1].text if first > 0 else ""
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    if first == 0 or not tokens[first - 1].is_word and before not in (",",):
        return True
    if before in AUXILIARIES or before.endswith(("'ll", "n't")):
        return True
    if after is None or not after.is_word:
        return before in ("", ",") or first == 0
    return after.text not in _PREP_DET


def _has_complement(tokens: list[Token], last: int) -> bool:
    after = tokens[last + 1 : last + 3]
    if not after or not after[0].is_word:
        return False
    # "I doubt it." forecasts only as the answer to a question
    return not (
        after[0].text in {"it", "that", "so", "this"} and (len(after) < 2 or not after[1].is_word)
    )


# ---------------------------------------------------------------------- conditions


def _capitalised(text: str, token: Token) -> bool:
    return text[token.start : token.start + 1].isupper() and token.text != "i"


def _subject_start(text: str, tokens: list[Token], cue_index: int) -> int | None:
    """Where the subject of the clause whose verb group starts at ``cue_index`` begins:
    "if the situation reaches that level [Iraq] will support Iran"."""
    i = cue_index - 1
    while i >= 0 and tokens[i].text in AUXILIARIES | {"not", "also", "still", "then"}:
        i -= 1
    if i < 0 or not tokens[i].is_word:
        return None
    if tokens[i].text in _SUBJECT_PRONOUNS:
        return i
    if _capitalised(text, tokens[i]):
        while i - 1 >= 0 and _capitalised(text, tokens[i - 1]):
            i -= 1
        if i - 1 >= 0 and tokens[i - 1].text == "the":
            i -= 1
        return i
    for j in range(i, max(-1, i - 5), -1):
        if not tokens[j].is_word:
            return None
        if tokens[j].text in {
            "the",
            "a",
            "an",
            "this",
            "that",
            "these",
            "those",
            "his",
            "her",
            "its",
            "their",
            "our",
            "my",
            "your",
        }:
            return j
    return None


def _find_condition(
    text: str, part: tuple[int, int], cue: Cue, tokens: list[Token]
) -> tuple[int, int] | None:
    part_text = text[part[0] : part[1]]
    for match in _CONDITION.finditer(part_text):
        start = part[0] + match.start()
        words_before = [t.text for t in tokens if t.end <= start][-1:]
        words_after = [t.text for t in tokens if t.start >= part[0] + match.end()][:1]
        if words_before and words_before[0] in _NOT_CONDITION_BEFORE:
            continue
        if words_after and words_after[0] in _NOT_CONDITION_AFTER:
            continue
        if start >= cue.end:
            between = text[cue.end : start]
            if re.search(r"[,;]\s*(?:and|but|or)?\s*$", between) and re.search(
                r",\s*(?:and|but|or)\s*$|;\s*$", between
            ):
                continue  # "..., and if it does, the vote could be delayed": a later clause
            end = _condition_end_after(text, start, part[1])
            return start, end
        if start < cue.start:
            comma = _condition_comma(text, start, cue.start)
            if comma != -1:
                return start, comma
            cue_index = next((i for i, t in enumerate(tokens) if t.start >= cue.start), None)
            subject = _subject_start(text, tokens, cue_index) if cue_index else None
            if subject is not None and tokens[subject].start > start:
                return start, tokens[subject].start
            return start, cue.start
    return None


_PARENTHETICAL = re.compile(
    r"\s*(?:due|which|who|whose|including|like|such|expected|"
    r"scheduled|set|now|say|perhaps|of|in|at|on|for|as|with|after|"
    r"before|by|\d)\b",
    re.IGNORECASE,
)


def _condition_comma(text: str, start: int, limit: int) -> int:
    """The comma that ends a condition before the forecast: the first one not opening a
    parenthetical ("If the next round of talks, due in September, produces ...,")."""
    comma = text.find(",", start, limit)
    while comma != -1:
        following = text.find(",", comma + 1, limit)
        if following != -1 and _PARENTHETICAL.match(text, comma + 1):
            comma = text.find(",", following + 1, limit)
            continue
        return comma
    return -1


def _condition_end_after(text: str, start: int, part_end: int) -> int:
    comma = text.find(",", start, part_end)
    end = comma if comma != -1 else part_end
    return start + len(text[start:end].rstrip(' .!?"”'))


# ------------------------------------------------------------------------ extraction


@dataclass
class _Context:
    text: str
    published: dt.date
    lex: Lexicon
    quotes: list[tuple[int, int]]
    hypotheticals: list[tuple[str, int, int]] = field(default_factory=list)
    last_question: str | None = None
    last_index: int | None = None


def _previous_question(sentences: list[Sentence], index: int) -> Sentence | None:
    if index > 0 and sentences[index - 1].is_question:
        return sentences[index - 1]
    return None


_POLAR = re.compile(
    r"^(?:and\s+|but\s+|so\s+)?(?:will|would|is|are|was|were|do|does|did|can|"
    r"could|should|has|have|shall|may|might)\b",
    re.IGNORECASE,
)


def _answer_question(question: Sentence) -> str:
    body = question.text.rstrip("?\"”' ")
    body = re.sub(
        r",\s*(?:though|then|really|anyway|do you think|you think)\s*$",
        "",
        body,
        flags=re.IGNORECASE,
    )
    body = re.sub(r"^(?:and|but|so|ok|okay|well)\s*,?\s+", "", body, flags=re.IGNORECASE)
    return body[:1].upper() + body[1:] + "?"


def _analyse(
    ctx: _Context, sentences: list[Sentence], index: int, part: tuple[int, int]
) -> Candidate | SetAside | None:
    text, sentence = ctx.text, sentences[index]
    cues = find_cues(text, ctx.lex, part[0], part[1])
    if not cues:
        return None
    tokens = tokenize(text, part[0], part[1])
    asked = _previous_question(sentences, index)
    reasons: list[tuple[Cue, str]] = []
    eligible: list[Cue] = []
    condition: tuple[int, int] | None = None
    for cue in cues:
        span = next(
            (
                (i, j)
                for i, t in enumerate(tokens)
                if t.end > cue.start
                for j in [max(k for k, u in enumerate(tokens) if u.start < cue.end)]
            ),
            None,
        )
        if span is None:
            continue
        first, last = span
        entry = cue.item.entry if cue.item else None
        reason = None
        if _inside(cue.start, ctx.quotes):
            reason = REASON_QUOTED
        elif _reported(text, part, cue):
            reason = REASON_REPORTED
        elif _is_wish(text, part, cue):
            reason = REASON_WISH
        elif _past(tokens, first, last, cue, text, part, ctx.published):
            reason = REASON_PAST
        elif cue.kind == "modal" and _embedded_question(tokens, first, text, part[1]):
            reason = REASON_EMBEDDED
        elif cue.kind == "modal" and _intention(tokens, first, text, cue):
            reason = REASON_INTENTION
        elif cue.kind == "adverb" and not _adverb_attached(tokens, first, last):
            continue
        elif entry is not None and entry.needs_complement and not _has_complement(tokens, last):
            if asked is None:
                continue
        elif (
            entry is not None
            and _needs_future(cue, entry, tokens, first)
            and not _future_oriented(tokens, last, text, part, ctx.published)
            and asked is None
        ):
            reason = REASON_PRESENT
        if reason:
            reasons.append((cue, reason))
        else:
            eligible.append(cue)
    # A cue inside a condition ("if it is likely that ...") states the condition, not
    # the forecast.
    best = None
    while eligible:
        best = best_cue(eligible)
        condition = _find_condition(text, part, best, tokens)
        inside = [c for c in eligible if condition and condition[0] <= c.start < condition[1]]
        if not inside:
            break
        eligible = [c for c in eligible if c not in inside]
        best = None
    if best is None:
        if reasons:
            cue, reason = max(reasons, key=lambda r: r[0].rank)
            return SetAside(
                sentence.text,
                sentence.start,
                sentence.end,
                reason,
                text[cue.start : cue.end],
                sentence.speaker,
            )
        return None
    softeners = [
        s
        for s in find_softeners(text, ctx.lex, part[0], part[1])
        if not _inside(s.start, ctx.quotes)
        and not (condition and condition[0] <= s.start < condition[1])
    ]
    match = read_cue(text, best, ctx.lex, part[0], part[1], softeners)
    return _candidate(ctx, sentences, index, part, best, match, condition, asked)


def _candidate(
    ctx: _Context,
    sentences: list[Sentence],
    index: int,
    part: tuple[int, int],
    cue: Cue,
    match: PhraseMatch,
    condition: tuple[int, int] | None,
    asked: Sentence | None,
) -> Candidate:
    text, sentence = ctx.text, sentences[index]
    flags: list[str] = []
    softener_spans = [
        (s.start, s.end)
        for s in find_softeners(text, ctx.lex, part[0], part[1])
        if s.end <= cue.start or s.start >= cue.end
    ]
    removed = _disjoint(
        [s for s in match.spans if s != (cue.start, cue.end) and not (s[0] <= cue.start < s[1])]
        + softener_spans
        + ([condition] if condition else [])
    )
    clause_text, offset_map = _without(text, part, removed)
    cue_start = offset_map(cue.start)
    cue_end = offset_map(cue.end)
    question = None
    elliptical = not re.search(
        r"[a-z]{2,}",
        text[part[0] : cue.start] + text[cue.end : part[1]].replace("not", ""),
        re.IGNORECASE,
    )
    posed = questions.question_from_asked(asked.text) if asked is not None else None
    if asked is not None and (
        elliptical
        or posed
        and cue.kind in ("adverb", "adjective")
        and len(text[part[0] : part[1]].split()) <= 8
    ):
        question = posed or _answer_question(asked)
        flags.append("answers the question before it")
        if posed is None:
            flags.append("question to be reworded")
    if question is None and cue_start is not None and cue_end is not None:
        question = questions.question_for(clause_text, cue_start, cue_end, cue.kind, match.phrase)
    if (
        question is None
        and _anaphoric(clause_text) != "vague"
        and (cue.kind == "number" or _anaphoric(clause_text))
    ):
        question = _question_from_context(ctx, sentences, index, part)
        if question:
            flags.append("question taken from an earlier sentence")
    if question is None:
        kept, _ = _without(text, part, [condition] if condition else [])
        question = questions.statement(kept)
        flags.append("question to be reworded")
    deadline = find_deadline(text, ctx.published, part[0], part[1], exclude=condition)
    if deadline is None and asked is not None:
        deadline = find_deadline(text, ctx.published, asked.start, asked.end)
    if deadline is None and "question taken from an earlier sentence" in flags:
        # the question came from the sentence the forecast refers to, with its time
        from_question = find_deadline(question, ctx.published)
        if from_question is not None:
            deadline = Deadline(
                from_question.date, from_question.phrase, None, None, from_question.rule
            )
    question = _common_noun_case(text, question)
    if len(question) > MAX_QUESTION:
        cut = question[: MAX_QUESTION - 2].rsplit(" ", 1)[0].rstrip(",;:")
        question = cut + ("…?" if question.endswith("?") else "…")
        flags.append("question to be reworded")
    if deadline is not None:
        question = _with_deadline(question, deadline)
    else:
        flags.append(UNDATED_FLAG)
        event = find_event(text, part[0], part[1])
        if event:
            flags.append(f"timed by an event: {event!r}")
    conditional = condition is not None
    condition_words = " ".join(text[condition[0] : condition[1]].split()) if condition else None
    condition_start, condition_end = condition if condition else (None, None)
    if not conditional:
        presupposed = _presupposed(ctx, question)
        if presupposed is not None:
            noun, start, end = presupposed
            conditional = True
            end = start + len(text[start:end].rstrip(" .;,!?"))
            condition_words = " ".join(text[start:end].split())
            condition_start, condition_end = start, end
            flags.append(
                f"condition presupposed: it speaks of the {noun} an earlier forecast only expects"
            )
    if match.softener and "softened" in " ".join(match.notes):
        flags.append(f"softened by {match.softener!r}")
    _remember_hypothetical(ctx, text, cue, part, match)
    if "question to be reworded" not in flags:
        ctx.last_question, ctx.last_index = question, index
    return Candidate(
        sentence=sentence.text,
        start=sentence.start,
        end=sentence.end,
        clause_start=part[0],
        clause_end=part[1],
        match=match,
        conditional=conditional,
        condition=condition_words,
        condition_start=condition_start,
        condition_end=condition_end,
        question=question,
        deadline=deadline.date if deadline else None,
        deadline_phrase=deadline.phrase if deadline else None,
        deadline_start=deadline.start if deadline else None,
        deadline_end=deadline.end if deadline else None,
        speaker=sentence.speaker,
        flags=tuple(flags),
    )


def _common_noun_case(text: str, question: str) -> str:
    """ "Will Gas plants ..." -> "Will gas plants ..." when the text also writes the word in
    lower case (so it is a common noun that began a sentence, not a name)."""
    match = re.match(r"^Will (?P<word>[A-Z][a-z]+)\b(?! [A-Z])", question)
    word = match["word"] if match else ""
    if (
        match
        and re.search(rf"(?<![\w'’]){word.lower()}\b", text)
        and not re.search(rf"[a-z,]\s+{word}\b", text)
    ):
        return f"Will {match['word'].lower()}{question[match.end() :]}"
    return question


_PREPOSITIONAL = re.compile(
    r"^(?:by|before|until|till|through|throughout|in|within|on|during|"
    r"into|this|next|over|the\s+end|tomorrow|today|tonight)\b",
    re.IGNORECASE,
)


def _with_deadline(question: str, deadline: Deadline) -> str:
    """State the deadline as a date in the question: "by the end of the month" becomes
    "by 31 March 2024"; a question without the words gets the date added."""
    if not question.endswith("?") or deadline.wording in question:
        return question
    if deadline.phrase in question and _PREPOSITIONAL.match(deadline.phrase):
        return question.replace(deadline.phrase, deadline.wording)
    return question[:-1] + f" {deadline.wording}?"


def _without(text: str, part: tuple[int, int], removed: list[tuple[int, int]]):
    """The clause with ``removed`` spans cut out, and a map from text offsets into it."""
    pieces: list[tuple[int, int]] = []
    cursor = part[0]
    widened = []
    for s, e in removed:
        left = text[:s].rstrip()
        right_start = e + len(text[e:]) - len(text[e:].lstrip())
        if left.endswith(",") and text[right_start : right_start + 1] == ",":
            s, e = len(left) - 1, right_start + 1  # "will, I think, cut" -> "will cut"
        widened.append((s, e))
    for s, e in widened:
        s, e = max(s, part[0]), min(e, part[1])
        if s > cursor:
            pieces.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < part[1]:
        pieces.append((cursor, part[1]))
    clause = ""
    starts: list[tuple[int, int, int]] = []  # (text start, text end, clause start)
    for s, e in pieces:
        if clause and not clause.endswith(" "):
            clause += " "
        starts.append((s, e, len(clause)))
        clause += text[s:e]

    def offset_map(position: int) -> int | None:
        for s, e, c in starts:
            if s <= position <= e:
                return c + position - s
        return None

    return clause, offset_map


def _anaphoric(clause: str) -> bool | str:
    """Whether the clause's subject points back ("that is not likely", "it will."), or
    "vague" when it points at several things ("Neither is likely")."""
    words = questions.strip_discourse(clause).lower().split()
    if not words:
        return False
    first = words[0].strip(",")
    if first in {"neither", "either", "both", "none", "all"}:
        return "vague"
    if first in {"it", "that", "this", "which", "i'd", "i", "call"}:
        return True
    # "... and it will." : a verb phrase left out
    return bool(
        re.search(
            r"\b(?:it|they|he|she|this|that)\s+(?:will|won't|would|may|might)"
            r"\s*[.!]?$",
            clause.strip(),
            re.IGNORECASE,
        )
    )


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


_MODAL_IN_CONTEXT = re.compile(r"(?<![\w'’])(?:will|won['’]t|shall)\b|['’]ll\b", re.IGNORECASE)
_REPORTING_LEAD = re.compile(
    r"^.*?\b(?:said|says|insists?|insisted|claims?|claimed|argues?|"
    r"argued|told\s+\w+|promised|warned|predicted|expects?)\s+"
    r"(?:that\s+)?",
    re.IGNORECASE,
)


def _question_from_context(
    ctx: _Context, sentences: list[Sentence], index: int, part: tuple[int, int]
) -> str | None:
    """ "I'd put it at 30 percent", "that is not likely", "I do not believe it will":
    the forecast is about what came just before. Use the nearest will-clause before it
    (in the same sentence, then up to three sentences back, even one set aside as
    reported: "The chancellor insists the deficit will be below 3%"), else the question
    of a forecast made in the last few sentences, else a yes/no question asked just
    before."""
    sentence = sentences[index]
    earlier = [(s, e) for s, e in clause_parts(sentence, ctx.text) if e <= part[0]]
    for back in range(1, 4):
        if index - back < 0 or sentences[index - back].block < sentence.block - 2:
            break
        previous = sentences[index - back]
        if previous.is_question:
            posed = questions.question_from_asked(previous.text)
            if posed and not any(_MODAL_IN_CONTEXT.search(ctx.text[s:e]) for s, e in earlier):
                return posed
            continue
        earlier = clause_parts(previous, ctx.text) + earlier
    for start, end in reversed(earlier):
        clause = _REPORTING_LEAD.sub("", ctx.text[start:end])
        for modal in reversed(list(_MODAL_IN_CONTEXT.finditer(clause))):
            question = questions.question_at_modal(clause, modal.start(), modal.end())
            if question:
                return question
    if ctx.last_question and ctx.last_index is not None and index - ctx.last_index <= 5:
        return ctx.last_question
    return None


def _remember_hypothetical(
    ctx: _Context, text: str, cue: Cue, part: tuple[int, int], match: PhraseMatch
) -> None:
    if cue.kind not in ("noun", "number") or match.probability >= 0.5:
        return
    following = text[cue.end : part[1]]
    found = _HYPOTHETICAL_NOUN.match(following)
    if found:
        start = cue.end + found.start("noun")
        ctx.hypotheticals.append((found["noun"].lower(), start, part[1]))


def _presupposed(ctx: _Context, question: str) -> tuple[str, int, int] | None:
    match = re.match(
        r"^Will\s+(?P<subject>(?:the|this|that|his|her|their|its|such\s+a|such)\s+"
        r"(?:\w+\s+){0,2}?(?P<noun>\w+))\b",
        question,
    )
    if not match:
        return None
    for noun, start, end in reversed(ctx.hypotheticals):
        if match["noun"].lower() == noun:
            return noun, start, end
    return None


def extract(text: str, published: dt.date, scale: Scale | str | None = None) -> Extraction:
    """Every forecast candidate of ``text`` and every sentence set aside, with why."""
    lex = lexicon(scale)
    ctx = _Context(text=text, published=published, lex=lex, quotes=_quote_regions(text))
    sentences = split_sentences(text)
    candidates: list[Candidate] = []
    set_aside: list[SetAside] = []
    headlines = _headlines(text)
    for index, sentence in enumerate(sentences):
        if (sentence.start, sentence.end) in headlines:
            cues = find_cues(text, lex, sentence.start, sentence.end)
            if cues:
                set_aside.append(
                    SetAside(
                        sentence.text,
                        sentence.start,
                        sentence.end,
                        REASON_HEADLINE,
                        text[cues[0].start : cues[0].end],
                        sentence.speaker,
                    )
                )
            continue
        if sentence.is_question:
            cues = find_cues(text, lex, sentence.start, sentence.end)
            if cues:
                set_aside.append(
                    SetAside(
                        sentence.text,
                        sentence.start,
                        sentence.end,
                        REASON_QUESTION,
                        text[cues[0].start : cues[0].end],
                        sentence.speaker,
                    )
                )
            continue
        outcomes = [_analyse(ctx, sentences, index, part) for part in clause_parts(sentence, text)]
        found = [o for o in outcomes if isinstance(o, Candidate)]
        candidates.extend(found)
        if not found:
            aside = next((o for o in outcomes if isinstance(o, SetAside)), None)
            if aside is not None:
                set_aside.append(aside)
    return Extraction(candidates, set_aside, lex.scale.name, lex.scale.version, published)


def extract_candidates(
    text: str, published: dt.date, scale: Scale | str | None = None
) -> list[Candidate]:
    """The forecasts ``text`` makes, in order: see the module's docstring."""
    return extract(text, published, scale).candidates


__all__ = [
    "UNDATED_FLAG",
    "Candidate",
    "Deadline",
    "Extraction",
    "SetAside",
    "Sentence",
    "extract",
    "extract_candidates",
    "split_sentences",
]
