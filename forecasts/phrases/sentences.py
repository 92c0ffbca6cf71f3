"""Text into sentences and clauses, with character offsets.

``split_sentences(text)`` cuts a text into paragraphs and speaker turns ("DAN REYES:",
"Q:") and those into sentences, keeping offsets so that ``text[s.start:s.end] ==
s.text`` (abbreviations, initials and list markers do not end a sentence);
``clause_parts`` cuts a sentence where it joins independent claims; ``headline_spans``
finds titles and headings, ``quote_regions`` the spans inside quotation marks.
"""

from __future__ import annotations

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
