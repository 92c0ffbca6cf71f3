"""Probabilities the pundit states as numbers: "70 percent", "70%", "one in ten",
"a 30% chance", "two-to-one odds", "fifty-fifty".

A number counts only when the words around it make it a probability ("a 30% chance",
"I'd put it at 30 percent", "I'm 80 percent sure"); "inflation fell to 2.4 percent" is
not one. Odds are read in favour unless "against" follows: "two-to-one odds" is 2/3,
"two-to-one against" is 1/3. Qualifiers widen the band: "about 30%" is 25-35%, "one in
ten at best" is 0-10%, "at least 70%" is 70-100%.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES = {word: value for value, word in enumerate(_UNITS)}
_WORD_VALUES.update({word: 20 + 10 * i for i, word in enumerate(_TENS)})
_WORD_VALUES.update(
    {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
)

_UNIT_RE = "|".join(sorted(_UNITS[1:], key=len, reverse=True))
_TENS_RE = "|".join(_TENS)
_WORD_NUMBER = (
    rf"(?:(?:{_TENS_RE})(?:[-\s](?:{_UNIT_RE}))?|(?:a|one)\s+(?:hundred|thousand|million|billion)"
    rf"|hundred|thousand|million|billion|{_UNIT_RE}|zero)"
)
_NUMBER = rf"(?:\d+(?:\.\d+)?|{_WORD_NUMBER})"

_PERCENT = re.compile(
    rf"(?<![\w.])(?P<n>{_NUMBER})(?:\s*%|[\s-]*per\s?cent\b|[\s-]*pc\b)(?!\s+of\b)",
    re.IGNORECASE,
)
_RATIO = re.compile(
    rf"(?<![\w.])(?P<a>{_NUMBER})(?:[-\s]+in[-\s]+|\s+out\s+of\s+|\s+times\s+(?:in|out\s+of)\s+)"
    rf"(?P<b>{_NUMBER}|an?\s+(?:hundred|thousand|million|billion))(?![\w])",
    re.IGNORECASE,
)
_ODDS = re.compile(
    rf"(?<![\w.])(?P<a>{_NUMBER})(?:[-\s]+to[-\s]+|\s*:\s*)(?P<b>{_NUMBER})(?![\w])"
    r"(?P<odds>[-\s]+odds)?(?P<dir>\s+(?:against|on|in\s+favou?r))?",
    re.IGNORECASE,
)
_EVEN = re.compile(r"(?<![\w.])(?:fifty[-\s]fifty|50\s*[-/]\s*50)(?![\w])", re.IGNORECASE)

# Words that make a nearby number a probability.
_CONTEXT = re.compile(
    r"\b(?:chances?|probabilit(?:y|ies)|likelihood|odds|likely|unlikely|certain|sure|"
    r"confident|confidence|risk|shot|bet|possibility|prospects?)\b",
    re.IGNORECASE,
)
# Ways of giving a probability with no such word: "I'd say 30 percent", "call it 60%".
_GIVING = re.compile(
    r"\b(?:say|puts?\s+it(?:\s+at)?|puts?\s+(?:that|this|the\s+\w+)(?:\s+at)?|make\s+it|"
    r"gives?\s+(?:it|that|this|him|her|them)|rates?\s+it|pegs?\s+it|call\s+it|estimates?\s+it)"
    r"\b[\w\s-]{0,20}$",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"\b(?:about|around|roughly|approximately|some|close\s+to|closer\s+to|nearly|almost|maybe)"
    r"\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_AT_LEAST = re.compile(
    r"\b(?:at\s+least|more\s+than|over|above|upwards\s+of|better\s+than)"
    r"\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_AT_MOST = re.compile(
    r"\b(?:at\s+most|less\s+than|under|below|no\s+more\s+than|fewer\s+than)"
    r"\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_AFTER_AT_MOST = re.compile(
    r"^(?:\s+(?:chance|shot|odds))?\s*,?\s*(?:at\s+(?:most|best)|or\s+less)\b", re.IGNORECASE
)
_AFTER_AT_LEAST = re.compile(
    r"^(?:\s+(?:chance|shot|odds))?\s*,?\s*(?:at\s+least|or\s+(?:more|better))\b", re.IGNORECASE
)

BEFORE_WINDOW = 80  # characters searched before a number for a probability word
AFTER_WINDOW = 30


@dataclass(frozen=True)
class StatedProbability:
    """A probability the text gives as a number, with where it is."""

    text: str
    start: int
    end: int
    probability: float
    low: float
    high: float
    reading: str  # how it was read, e.g. "odds 2 to 1 against"


def word_number(text: str) -> float | None:
    """``"seventy-five"`` -> 75, ``"a hundred"`` -> 100, ``"12.5"`` -> 12.5."""
    cleaned = text.strip().lower().replace("-", " ")
    try:
        return float(cleaned)
    except ValueError:
        pass
    total = 0
    for word in cleaned.split():
        if word in ("a", "an"):
            total = max(total, 1)
            continue
        value = _WORD_VALUES.get(word)
        if value is None:
            return None
        if value >= 100:
            total = max(total, 1) * value
        else:
            total += value
    return float(total)


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - BEFORE_WINDOW) : start]
    cut = max(window.rfind(mark) for mark in (".", ";", "?", "!", "\n"))
    return window[cut + 1 :] if cut >= 0 else window


def _clause_after(text: str, end: int) -> str:
    window = text[end : end + AFTER_WINDOW]
    cut = min(
        (i for i in (window.find(m) for m in (".", ";", "?", "!", ",", "\n")) if i >= 0),
        default=len(window),
    )
    return window[:cut]


# The probability word must be attached to the number: right after it ("a 30% chance",
# "80 percent sure"), or just before it with only linking words between ("the odds are
# about 70%", "put the chances at 30 percent"). A number elsewhere in a hedged clause is
# the forecast's subject: "a real possibility that unemployment rises above 5 percent".
_WORD_AFTER = re.compile(
    r"^\s*(?:chances?|probabilit(?:y|ies)|likelihood|odds|likely|unlikely|certain|sure|"
    r"confident|risk|shot|bet|possibility)\b",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(
    r"\b(?:chances?|probabilit(?:y|ies)|likelihood|odds|risk|possibility|prospects?)"
    r"(?:\s+(?:is|are|was|were|of|at|stands?|stood|to|be|now|just|only|perhaps|maybe|"
    r"put|as|high|low|about|around|roughly|some|nearly|almost|close|below|above|under|over|"
    r"less|more|than|at|least|most|an?|no|better|worse|I'd|I|would|say)){0,6}\s*$",
    re.IGNORECASE,
)


# "the chance of a December cut at 70%", "the probability of a recession is 25%".
_CHANCE_OF = re.compile(
    r"\b(?:chances?|probabilit(?:y|ies)|likelihood|odds|risk)\s+of\b[^.;:]{0,60}?"
    r"\b(?:is|are|was|were|at|stands\s+at|to\s+be)\s+(?:(?:about|around|roughly|some|"
    r"nearly|almost|only|just|perhaps|maybe|close\s+to|below|above|under|over|less\s+than|"
    r"more\s+than|at\s+least|at\s+most)\s+)?$",
    re.IGNORECASE,
)


# "markets are pricing the race closer, at roughly 55 percent": a market's price
_PRICED = re.compile(
    r"\b(?:are|is)\s+pricing\b[^.;:]{0,40}?\bat\s+(?:(?:about|around|roughly|some|nearly|"
    r"almost|only|just)\s+)?$|\bpriced\s+(?:in\s+)?at\s+(?:about|around|roughly)?\s*$",
    re.IGNORECASE,
)


def _has_context(text: str, start: int, end: int) -> bool:
    before = _clause_before(text, start)
    return bool(
        _PRICED.search(before)
        or _WORD_BEFORE.search(before)
        or _CHANCE_OF.search(before)
        or _WORD_AFTER.search(_clause_after(text, end))
        or _GIVING.search(before)
    )


def _band(text: str, start: int, end: int, p: float) -> tuple[float, float]:
    before = text[max(0, start - 30) : start]
    after = text[end : end + 30]
    if _AT_MOST.search(before) or _AFTER_AT_MOST.search(after):
        return 0.0, p
    if _AT_LEAST.search(before) or _AFTER_AT_LEAST.search(after):
        return p, 1.0
    if _ABOUT.search(before):
        return max(0.0, round(p - 0.05, 6)), min(1.0, round(p + 0.05, 6))
    return p, p


def find_stated(text: str, require_context: bool = True) -> list[StatedProbability]:
    """Every stated probability in ``text``, in order. With ``require_context`` a number
    counts only beside a probability word or a way of giving one."""
    found: list[StatedProbability] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, p: float, reading: str, context_needed: bool) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        if not 0 <= p <= 1:
            return
        if context_needed and require_context and not _has_context(text, start, end):
            return
        low, high = _band(text, start, end, p)
        found.append(
            StatedProbability(text[start:end], start, end, round(p, 6), low, high, reading)
        )
        taken.append((start, end))

    for match in _EVEN.finditer(text):
        add(match.start(), match.end(), 0.5, "fifty-fifty", False)
    for match in _ODDS.finditer(text):
        a, b = word_number(match["a"]), word_number(match["b"])
        if a is None or b is None or a + b == 0:
            continue
        against = bool(match["dir"]) and "against" in match["dir"].lower()
        has_odds = (
            bool(match["odds"])
            or bool(match["dir"])
            or "odds" in _clause_before(text, match.start()).lower()
        )
        if not has_odds:
            continue
        p = b / (a + b) if against else a / (a + b)
        reading = f"odds {a:g} to {b:g} {'against' if against else 'in favour'}"
        add(match.start(), match.end(), p, reading, False)
    for match in _RATIO.finditer(text):
        a = word_number(match["a"])
        b = word_number(match["b"])
        if a is None or not b or a > b:
            continue
        add(match.start(), match.end(), a / b, f"{a:g} in {b:g}", True)
    for match in _PERCENT.finditer(text):
        n = word_number(match["n"])
        if n is None or n > 100:
            continue
        add(match.start(), match.end(), n / 100, f"{n:g}%", True)
    return sorted(found, key=lambda s: s.start)
