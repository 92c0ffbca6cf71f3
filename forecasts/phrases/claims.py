"""Forecasts stated without estimative words, as prediction lists state them.

A list of predictions leaves out the "will": "SNP to lose a few seats", "City win the
league", "Low turnout c. 60-65%", "Say 30 - 35 seats". Such a bare claim is a forecast
only where the text is making predictions (``prediction_context``: it says so, or the
claim is a list item or a line of its own) and only in these forms (``bare_claim``):

* a headline infinitive: a named subject, then "to" and a verb ("Farage to win");
* a named subject with a bare verb of outcome ("Labour win large majority");
* a number of seats, points, votes or percent with no verb ("Conservatives 38% - 370
  seats", "Say around 120-150 seats").

Each is read as an unhedged "will" (the design's rule for a forecast stated flat). So is
a present tense of outcome after "I think" (``softened_claim``: "I think the party holds
the seat"), which the softener then pulls toward 50% as it does "I think ... will".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forecasts.phrases.reasons import IRREGULAR_PAST

_CONTEXT = re.compile(
    r"\b(?:predict(?:s|ed|ing|ions?)?|forecasts?|prediction\s+mode|my\s+(?:picks|calls|tips)|"
    r"here\s+(?:are|is)\s+(?:my|our)|calls?\s+for\s+the\s+(?:season|year|night))\b",
    re.IGNORECASE,
)
OUTCOME_VERBS = frozenset(
    [
        "win",
        "lose",
        "finish",
        "beat",
        "take",
        "get",
        "become",
        "hold",
        "gain",
        "retain",
        "keep",
        "stay",
        "go",
        "reach",
        "make",
        "drop",
        "replace",
        "top",
        "remain",
        "qualify",
        "survive",
        "sign",
        "sack",
        "appoint",
        "clinch",
        "claim",
        "lift",
        "crash",
        "collapse",
        "pass",
        "fail",
        "launch",
        "release",
        "announce",
        "arrive",
        "ship",
        "hit",
        "rise",
        "fall",
        "cut",
        "hike",
        "raise",
        "return",
        "overtake",
        "edge",
        "miss",
        "sweep",
        "storm",
        "romp",
        "scrape",
        "cruise",
        "squeak",
        "land",
        "secure",
        "defeat",
        "topple",
        "oust",
        "elect",
        "re-elect",
        "reelect",
        "allow",
        "move",
        "join",
        "leave",
        "quit",
        "resign",
    ]
)
_ADVERBS = frozenset(
    [
        "unfortunately",
        "finally",
        "eventually",
        "comfortably",
        "narrowly",
        "easily",
        "probably",
        "then",
        "also",
        "just",
        "still",
        "again",
        "even",
        "somehow",
        "ultimately",
        "surely",
        "clearly",
        "really",
    ]
)
_NOT_SUBJECT = frozenset(
    [
        "i",
        "we",
        "you",
        "he",
        "she",
        "it",
        "they",
        "this",
        "that",
        "there",
        "these",
        "those",
        "what",
        "who",
        "which",
        "if",
        "when",
        "as",
        "and",
        "but",
        "so",
        "then",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "be",
        "is",
        "are",
        "was",
        "were",
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "its",
        "say",
        "think",
        "hope",
        "want",
        "need",
        "must",
        "should",
        "would",
        "could",
        "might",
        "may",
        "will",
        "can",
    ]
)
_QUANTITY = re.compile(
    r"\d[\d,.]*\s*(?:%|per\s*cent|percent)|\b\d[\d,.]*\s*(?:[-–]\s*\d[\d,.]*\s*)?"
    r"(?:seats|points|votes|goals|wins|mps|majority|delegates|electoral\s+votes)\b",
    re.IGNORECASE,
)
_VERB_LIKE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|did|do|does|will|would|could|can|may|"
    r"might|should|must|(?-i:[a-z]\w*ed)|said|says)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BareClaim:
    start: int  # the words that carry the claim: the verb, "to", or the number
    end: int
    form: str  # infinitive | outcome verb | number


def prediction_context(text: str) -> bool:
    """Whether the text says it makes predictions ("my predictions", "prediction mode")."""
    return bool(_CONTEXT.search(text))


def _words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [
        (m.group(), m.start(), m.end())
        for m in re.finditer(r"[A-Za-z][\w'’/&-]*|\d[\d,.]*%?", text[start:end])
    ]


def _named(word: str, text: str = "") -> bool:
    """A name, not a capitalised first word: an acronym ("SNP"), a word the text writes
    capitalised more than once and never in lower case ("Labour", "Farage")."""
    if not word[:1].isupper() or word.lower() in _NOT_SUBJECT:
        return False
    if not text:
        return True
    head = re.split(r"[/&-]", word)[0]
    if len(head) >= 2 and head.isupper():
        return True
    escaped = re.escape(head)
    capitalised = len(re.findall(rf"(?<![\w'’]){escaped}\b", text))
    lower = re.search(rf"(?<![\w'’]){re.escape(head.lower())}\b", text)
    return capitalised >= 2 and not lower


THINK_LEAD = re.compile(
    r"^(?:(?:but|and|so|still)\s+)?(?:what\s+)?(?:I|we)\s+(?:do\s+|really\s+|still\s+|just\s+)?"
    r"(?:think|reckon|suspect|believe|guess|feel|fancy)(?:\s+is)?\s+(?:that\s+)?",
    re.IGNORECASE,
)


def softened_claim(text: str, start: int, end: int) -> BareClaim | None:
    """ "I think the incumbent's party holds the Senate", "What I do think is that the
    ceasefire holds through the summer": a present tense of outcome after "I think",
    which commentary uses for the future."""
    sentence = text[start:end]
    lead = THINK_LEAD.match(sentence)
    if lead is None:
        return None
    rest_start = start + lead.end()
    words = _words(text, rest_start, end)
    for i, (word, a, b) in enumerate(words[:10]):
        lower = word.lower()
        if (
            i == 0
            or lower in _NOT_SUBJECT
            and lower not in {"the", "a", "an", "their", "its", "his", "her", "our", "my"}
        ):
            continue
        base = lower[:-1] if lower.endswith("s") else ""
        plural = (  # "United win"
            lower in OUTCOME_VERBS and words[i - 1][0][:1].isupper() and words[i - 1][0] != "I"
        )
        if base in OUTCOME_VERBS or lower.endswith("es") and lower[:-2] in OUTCOME_VERBS or plural:
            if _VERB_LIKE.search(text[rest_start : rest_start + a]):
                return None
            return BareClaim(rest_start + a, rest_start + b, "present after a softener")
        if lower in {"will", "won't", "would", "could", "may", "might", "should", "is", "are"}:
            return None
    return None


def bare_claim(text: str, start: int, end: int, listed: bool = False) -> BareClaim | None:
    """The bare claim ``text[start:end]`` makes, or None (see the module's docstring).
    ``listed``: the claim is a list's item, so a capitalised first word is its subject."""
    sentence = text[start:end].strip()
    if not sentence or sentence.endswith("?") or len(sentence.split()) > 30:
        return None
    words = _words(text, start, end)
    if not words:
        return None
    lead = 0
    if words[0][0].lower() in {"say", "and", "then", "plus", "also"}:
        lead = 1
    # "Farage to win this time round", "LD to become the third party"
    for i in range(lead, min(len(words) - 1, lead + 5)):
        named = _named(words[lead][0]) if listed else _named(words[lead][0], text)
        if words[i][0].lower() == "to" and i > lead and named:
            subject = words[lead:i]
            following = words[i + 1][0].lower() if i + 1 < len(words) else ""
            if (
                all(
                    w[0][:1].isupper() or w[0].lower() in {"of", "the", "and", "&"} for w in subject
                )
                and following.isalpha()
            ):
                return BareClaim(start + words[i][1], start + words[i][2], "infinitive")
            break
    # "Labour win large majority", "City unfortunately finally win the CL."
    if _named(words[lead][0]):  # a bare verb of outcome follows: a capital will do
        i = lead + 1
        while (
            i < len(words)
            and (words[i][0][:1].isupper() or words[i][0].lower() in {"of", "and", "&", "the"})
            and i < lead + 8
        ):
            i += 1
        while i < len(words) and words[i][0].lower() in _ADVERBS:
            i += 1
        if i < len(words):
            verb = words[i][0].lower().strip("'’")
            base = verb[:-1] if verb.endswith("s") and verb[:-1] in OUTCOME_VERBS else verb
            if base in OUTCOME_VERBS and not _VERB_LIKE.search(text[start : start + words[i][1]]):
                return BareClaim(start + words[i][1], start + words[i][2], "outcome verb")
    # "Low turnout c. 60-65%", "Say around 120-150 seats.", "Others - 12% - 33 seats"
    quantity = _QUANTITY.search(sentence)
    past = any(w[0].lower() in IRREGULAR_PAST for w in words)
    if quantity and len(sentence.split()) <= 14 and not _VERB_LIKE.search(sentence) and not past:
        offset = text.find(sentence, start)
        return BareClaim(offset + quantity.start(), offset + quantity.end(), "number")
    return None


__all__ = [
    "OUTCOME_VERBS",
    "THINK_LEAD",
    "BareClaim",
    "bare_claim",
    "prediction_context",
    "softened_claim",
]
