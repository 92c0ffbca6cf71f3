"""The condition a forecast hangs on: "if the situation reaches that level", "unless
the talks fail", "as long as ...", "so long as", "provided that", "absent a shock",
"barring a disaster", with its offsets in the text. A concessive "if" ("they will hold
the seat, if narrowly") is no condition.

``find_condition(text, part, cue, tokens)`` gives the span of the condition of the clause
``part`` whose forecast is read at ``cue``, or None; a condition before the forecast ends
at its comma (not one opening a parenthetical) or where the forecast's subject begins.
"""

from __future__ import annotations

import re

from forecasts.phrases.mapping import AUXILIARIES, Cue, Token

_CONDITION = re.compile(
    r"\b(?P<word>if|unless|provided(?:\s+that)?|providing(?:\s+that)?|as\s+long\s+as|"
    r"so\s+long\s+as|in\s+the\s+event\s+(?:that|of)|assuming(?:\s+that)?|"
    r"on\s+condition\s+that|absent|barring|short\s+of|in\s+the\s+absence\s+of|"
    r"subject\s+to|except\s+if)\b",
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


_CONCESSIVE = re.compile(
    r"\s*(?:only\s+)?(?:\w+ly|just|at\s+all|ever\s+so\s+slightly|a\s+little|by\s+a\s+whisker|"
    r"late|belatedly|not\s+by\s+much)\s*(?:[,.;!?)\"”]|$)",
    re.IGNORECASE,
)


def _concessive(text: str, after: int, end: int) -> bool:
    """ "if narrowly", "if only just", "if at all": "if" conceding a degree, with no clause."""
    return bool(_CONCESSIVE.match(text[after:end] + " "))


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


def find_condition(
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
        if _concessive(text, part[0] + match.end(), part[1]) and match["word"].lower() == "if":
            continue  # "they will hold it, if narrowly": a concession, not a condition
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
            if re.match(r"(?:I|we)\b", text[cue.start : cue.end]):
                return start, start + len(text[start : cue.start].rstrip(" ,"))  # "If X I doubt"
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


__all__ = ["find_condition"]
