"""Text into sentences and clauses, with character offsets.

``split_sentences(text)`` cuts a text into paragraphs, speaker turns ("DAN REYES:",
"Q:") and list items, those at the line breaks that end a claim, and the lines into
sentences with pysbd (a rule-based splitter: abbreviations such as "Rep." and "Corp.",
initials and decimals handled), keeping offsets so that ``text[s.start:s.end] ==
s.text``;
``clause_parts`` cuts a sentence where it joins independent claims; ``headline_spans``
finds titles and headings, ``quote_regions`` the spans inside quotation marks.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

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


@functools.cache
def _segmenter():
    import pysbd  # rule-based (the Golden Rules of sentence boundaries); loads no model

    return pysbd.Segmenter(language="en", clean=False)


_CONTINUES = re.compile(
    r"(?:[,;:(\-–—/&+]|\b(?:the|a|an|of|to|and|or|but|in|on|at|for|with|by|from|that|"
    r"which|who|is|are|was|were|be|will|would|could|should|may|might|than|as|his|her|"
    r"their|its|our|my|your|this|these|those|not|no|said|says)\b)\s*$",
    re.IGNORECASE,
)


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A block cut at the line breaks that end a sentence: a list of verbless lines
    ("Low turnout c. 60-65%" then "Labour won't win ..."), not prose wrapped at a width
    (whose lines mostly go on in lower case)."""
    spans, cursor = [], start
    for match in re.finditer(r"\n", text[start:end]):
        spans.append((cursor, start + match.start()))
        cursor = start + match.end()
    spans.append((cursor, end))
    spans = [(a, b) for a, b in spans if text[a:b].strip()]
    if len(spans) < 2:
        return spans
    starts = [text[a:b].lstrip()[:1] for a, b in spans[1:]]
    if sum(c.islower() for c in starts) >= max(1, len(starts) * 0.3):
        return [(spans[0][0], spans[-1][1])]  # wrapped prose
    merged = [spans[0]]
    for a, b in spans[1:]:
        previous = text[merged[-1][0] : merged[-1][1]].rstrip()
        first = text[a:b].lstrip()[:1]
        if _CONTINUES.search(previous) or not (
            first.isupper() or first.isdigit() or first in "\"“‘'([—-•*"
        ):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of one line run, by pysbd, located by offset in ``text``; a lone
    list marker ("1.") and a label before its value ("Likelihood? 90%") are kept with
    what follows."""
    chunk = text[start:end]
    found: list[list[int]] = []
    cursor = 0
    for piece in _segmenter().segment(chunk):
        stripped = piece.strip()
        if not stripped:
            continue
        at = chunk.find(stripped, cursor)
        if at == -1:
            continue
        found.append([start + at, start + at + len(stripped)])
        cursor = at + len(stripped)
    for i in range(len(found) - 1):  # "It will. 1." + "First point": the marker goes on
        marker = re.search(r"\s(?:\d{1,2}|[a-z])[.)]$", text[found[i][0] : found[i][1]])
        if marker and marker.start() > 0:
            cut = found[i][0] + marker.start()
            found[i + 1][0] = cut + 1
            found[i][1] = cut
    joined: list[list[int]] = []
    for piece in found:
        if joined:
            before = text[joined[-1][0] : joined[-1][1]]
            this = text[piece[0] : piece[1]]
            if (
                _LIST_MARKER.match(before)
                or re.fullmatch(r"[\w' -]{1,30}[?:]", before)
                and this[:1].isdigit()
                or not _starts_sentence(this)
                or this[:1].isdigit()
                and _abbreviated(before)
            ):
                joined[-1][1] = piece[1]
                continue
        joined.append(piece)
    return [(a, b) for a, b in joined]


def _abbreviated(piece: str) -> bool:
    """Whether ``piece`` ends with an abbreviation that a number follows ("c. 60%")."""
    word = re.search(r"(?:^|\s)([A-Za-z.]{1,8})\.$", piece)
    return bool(word) and (word.group(1).lower() in _ABBREVIATIONS | {"c", "ca", "p"})


def _starts_sentence(piece: str) -> bool:
    first = piece.lstrip()[:1]
    return first.isupper() or first.isdigit() or first in "\"“‘'([—-•*…"


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with character offsets; ``text[s.start:s.end] == s.text``.
    Blocks (paragraphs, speaker turns, list items) are cut into line runs (``_lines``)
    and those into sentences by pysbd."""
    sentences: list[Sentence] = []
    for number, (start, end, speaker) in enumerate(_blocks(text)):
        for line_start, line_end in _lines(text, start, end):
            for a, b in _pieces(text, line_start, line_end):
                _add_sentence(text, sentences, a, b, speaker, number)
    return sentences


def _add_sentence(text, sentences, start, end, speaker, block) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    s = start + (len(chunk) - len(chunk.lstrip()))
    sentences.append(Sentence(s, s + len(stripped), stripped, speaker, block))


def headline_spans(text: str) -> set[tuple[int, int]]:
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
        if re.match(r"(?:[-*•]|\d{1,2}[.)])\s", line):
            continue  # a list's item, not a heading
        if not re.search(r"[.!?:\"”)]$", line) and len(line.split()) <= 16:
            s = start + len(text[start:end]) - len(text[start:end].lstrip())
            found.add((s, s + len(line)))
    return found


def quote_regions(text: str) -> list[tuple[int, int]]:
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


# A second claim that leans on the first's subject and hedge: "our central forecast is
# for inflation to be 3.25 percent by 2024 [and to be back in the target range by 2025]",
# "growth remains subdued this year [before picking up to 2 percent by 2025]", "one
# economist predicted a recession[, with the majority forecasting job growth]".
CONTINUATION = re.compile(
    r"\s(?P<lead>and)\s+(?=to\s+\w)|\s(?P<lead2>before)\s+(?=(?:\w+ly\s+)?\w+ing\b)|"
    r",(?P<lead3>\s+with)\s+(?=(?:the\s+|a\s+)?(?:majority|most|many|others|rest|"
    r"minority|third|quarter|half|\d+\s*(?:%|per\s*cent|percent))\b)",
    re.IGNORECASE,
)


def clause_parts(sentence: Sentence, text: str) -> list[tuple[int, int]]:
    """A sentence split where it joins independent claims: at ";", at ", but", at ", and
    that" (a second reported clause: "says a recession is unlikely, and that ...") and where
    a second claim continues the first (``CONTINUATION``)."""
    cuts = [sentence.start]
    # not ", but to VP" ("has no choice, but to clarify") nor ", but not X"
    splits = re.finditer(
        r";|,\s+but\s+(?!to\b|not\b|only\b)|,\s+and\s+(?=that\s)|"
        r",\s+and\s+(?=(?:she|he|they)\s+(?:\w+\s+)?"
        r"(?:told|said|says|added|expects?|predicted|warned|thinks?|believes?)\b)",
        text[sentence.start : sentence.end],
    )
    for match in splits:
        cuts.append(sentence.start + match.end())
    body = text[sentence.start : sentence.end]
    for match in CONTINUATION.finditer(body):
        if match.group("lead") == "and" and not re.search(
            r"\bfor\s+\w.*?\bto\b", body[: match.start()]
        ):
            continue  # "and to VP" continues only "is for X to VP"
        cuts.append(sentence.start + match.start() + 1)
    cuts.sort()
    cuts.append(sentence.end)
    parts = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chunk = text[a:b]
        s = a + len(chunk) - len(chunk.lstrip())
        e = a + len(chunk.rstrip(" ;,\n\t"))
        if e > s:
            parts.append((s, e))
    return parts


def within(position: int, regions: list[tuple[int, int]]) -> bool:
    """Whether ``position`` falls in one of ``regions`` (each a half-open span)."""
    return any(s <= position < e for s, e in regions)


__all__ = [
    "Sentence",
    "clause_parts",
    "headline_spans",
    "quote_regions",
    "split_sentences",
    "within",
]
