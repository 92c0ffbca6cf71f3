"""Propose the forecasts of a piece of commentary, for an editor to review.

``extract(text, published, scale)`` splits the text into sentences and clauses
(``sentences``, keeping character offsets, so ``text[c.start:c.end] == c.sentence``),
finds the estimative words of each clause (``mapping``) and keeps the clauses that
forecast something: the speaker's own view of the future. It sets aside, with the reason
(``reasons``), questions, headlines, reported speech, the past, the present, wishes, the
speaker's own plans and embedded questions; ``extract_candidates`` gives only the
candidates.

For each forecast it reads the probability (hedge, negation, softener: a ``PhraseMatch``,
which the ``Candidate`` holds), the condition ("if the situation reaches that level",
``conditions``; or one presupposed by an earlier forecast: "the war will spread" after
"a tiny possibility of war"), a suggested question (``questions``), and a deadline
resolved against the publication date (``deadlines``), or the flag "no deadline given".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from forecasts.phrases import questions
from forecasts.phrases.attribution import (
    PRONOUN_SPEAKERS,
    Attribution,
    attribute,
    attribute_quote,
    byline,
)
from forecasts.phrases.claims import THINK_LEAD, bare_claim, prediction_context, softened_claim
from forecasts.phrases.conditions import find_condition
from forecasts.phrases.deadlines import Deadline, find_deadline, find_event
from forecasts.phrases.mapping import (
    ORIGIN_STATED,
    Cue,
    Lexicon,
    PhraseMatch,
    best_cue,
    find_cues,
    find_softeners,
    lexicon,
    read_cue,
    tokenize,
)
from forecasts.phrases.numbers import StatedProbability, find_stated
from forecasts.phrases.reasons import (
    IGNORED,
    IRREGULAR_PAST,
    REASON_HEADLINE,
    REASON_QUESTION,
    reason_for,
)
from forecasts.phrases.scales import Scale
from forecasts.phrases.sentences import (
    CONTINUATION,
    Sentence,
    clause_parts,
    headline_spans,
    quote_regions,
    split_sentences,
    within,
)

# The flag on a candidate whose text gives no deadline (not the score status of that name).
UNDATED_FLAG = "no deadline given"
MAX_QUESTION = 240  # a suggested question longer than this is cut (the statement holds 500)

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
    # Whose forecast: "own" (the author's, or the speaker a transcript label names) or
    # "reported" (another's, named in the text; ``attribution`` says who and how).
    voice: str = "own"
    attribution: Attribution | None = None

    @property
    def affiliation(self) -> str | None:
        return self.attribution.affiliation if self.attribution else None

    @property
    def evidence(self) -> str | None:
        """The reporting words ("has predicted", "according to"), for a reported forecast."""
        return self.attribution.evidence if self.attribution else None

    def to_dict(self) -> dict:
        match = self.match
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "clause": [self.clause_start, self.clause_end],
            "speaker": self.speaker,
            "voice": self.voice,
            "attribution": self.attribution.to_dict() if self.attribution else None,
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


# ----------------------------------------------------------------------------- cues


@dataclass
class _Context:
    text: str
    published: dt.date
    lex: Lexicon
    quotes: list[tuple[int, int]]
    hypotheticals: list[tuple[str, int, int]] = field(default_factory=list)
    last_question: str | None = None
    last_index: int | None = None
    last_panel: Attribution | None = None
    last_person: Attribution | None = None
    author: str | None = None  # the byline's name, for the author's own forecasts
    headlines: set[tuple[int, int]] = field(default_factory=set)


def _previous_question(sentences: list[Sentence], index: int) -> Sentence | None:
    if index > 0 and sentences[index - 1].is_question:
        return sentences[index - 1]
    return None


def _set_aside(sentence: Sentence, reason: str, words: str) -> SetAside:
    return SetAside(sentence.text, sentence.start, sentence.end, reason, words, sentence.speaker)


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
    speakers: dict[int, Attribution | None] = {}  # by the cue's start
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
        who = _speaker_of(ctx, sentences, index, part, cue)
        reason = reason_for(
            text,
            part,
            cue,
            tokens,
            first,
            last,
            quotes=ctx.quotes,
            published=ctx.published,
            answers_question=asked is not None,
            attributed=who is not None,
        )
        if reason is None and who is not None and _reported_from_past(ctx, sentence, who):
            reason = REASON_RESOLVED
        if reason == IGNORED:
            continue
        if reason:
            reasons.append((cue, reason))
        else:
            eligible.append(cue)
            speakers[cue.start] = who
    # A cue inside a condition ("if it is likely that ...") states the condition, not
    # the forecast.
    best = None
    while eligible:
        best = best_cue(eligible)
        condition = find_condition(text, part, best, tokens)
        inside = [c for c in eligible if condition and condition[0] <= c.start < condition[1]]
        if not inside:
            break
        eligible = [c for c in eligible if c not in inside]
        best = None
    if best is not None and re.search(r"\s(?:that|for)$", text[best.start : best.end]):
        # "the baseline scenario remains that a recession is unlikely": the hedge inside
        # the noun's complement says how likely, the noun only introduces it
        inner = [c for c in eligible if c.start >= best.end]
        if inner:
            best = best_cue(inner)
    if best is None:
        if reasons:
            cue, reason = max(reasons, key=lambda r: r[0].rank)
            return _set_aside(sentence, reason, text[cue.start : cue.end])
        return None
    softeners = [
        s
        for s in find_softeners(text, ctx.lex, part[0], part[1])
        if not within(s.start, ctx.quotes)
        and not (condition and condition[0] <= s.start < condition[1])
    ]
    match = read_cue(text, best, ctx.lex, part[0], part[1], softeners)
    who = speakers.get(best.start)
    if who is not None and who.share is not None and best.kind != "number":
        match = _with_share(match, who.share)
    return _candidate(ctx, sentences, index, part, best, match, condition, asked, who)


def _continuation(
    ctx: _Context, sentences: list[Sentence], index: int, part: tuple[int, int], first: Candidate
) -> Candidate | None:
    """The second claim of "for X to be A by 2024 and to be B by 2025" or "X remains A
    before picking up to B": the first's subject, hedge and speaker, its own predicate
    and deadline."""
    text = ctx.text
    lead = CONTINUATION.match(text, part[0] - 1) or re.match(
        r"(?P<lead>and|before|with)\s+", text[part[0] : part[1]]
    )
    body = text[part[0] : part[1]]
    head = re.match(
        r"(?:and\s+to|before)\s+(?:(?P<adv>\w+ly)\s+)?(?P<verb>\w+)\s+(?P<rest>.*)$",
        body,
        re.IGNORECASE | re.DOTALL,
    )
    if lead is None or head is None:
        return None
    earlier = text[first.clause_start : first.clause_end]
    subject = re.search(r"\bfor\s+(?P<s>[\w' -]+?)\s+to\s+\w", earlier) or re.search(
        r"\bthat\s+(?P<s>[\w' -]+?)\s+(?:remains?|stays?|is|are|will|grows?|falls?|rises?)\b",
        earlier,
    )
    if subject is None:
        return None
    verb = head["verb"]
    if verb.lower().endswith("ing"):
        verb = questions.base_of_gerund(verb)
    rest = head["rest"].rstrip(" .;,")
    deadline = find_deadline(text, ctx.published, part[0], part[1])
    question = f"Will {subject['s'].strip()} {verb} {rest}?"
    flags = [f for f in first.flags if not f.startswith(("deadline", UNDATED_FLAG))]
    flags.append("a second claim of the sentence: subject and hedge from the first")
    if deadline is not None:
        question = _with_deadline(question, deadline)
    else:
        flags.append(UNDATED_FLAG)
    question = questions.tidy(question)
    if not questions.usable(question) and "question to be reworded" not in flags:
        flags.append("question to be reworded")
    return replace(
        first,
        clause_start=part[0],
        clause_end=part[1],
        question=question,
        deadline=deadline.date if deadline else None,
        deadline_phrase=deadline.phrase if deadline else None,
        deadline_start=deadline.start if deadline else None,
        deadline_end=deadline.end if deadline else None,
        flags=tuple(flags),
    )


# "... at 30 percent in the coming year, and just under 50 percent in the next two
# years": a second probability for the same event over a longer time
_SECOND_FIGURE = re.compile(
    r",?\s+and\s+(?P<figure>(?:(?:just|about|around|roughly|nearly|almost|some)\s+)?"
    r"(?:(?:under|over|below|above)\s+)?\d{1,3}(?:\.\d+)?\s*(?:%|percent|per\s+cent))"
    r"\s+(?P<time>(?:in|by|within|over|for|before|during|through)\s+[^,;.()]+)",
    re.IGNORECASE,
)


def _second_figure(ctx: _Context, part: tuple[int, int], first: Candidate) -> Candidate | None:
    """The same event with another probability and another time, stated after the first
    one's number: a candidate of its own, the first's question with its own deadline."""
    if first.match.origin != ORIGIN_STATED or first.match.kind != "number":
        return None
    text = ctx.text
    found = _SECOND_FIGURE.search(text, first.match.end, part[1])
    if found is None:
        return None
    readings = find_stated(found["figure"], require_context=False)
    deadline = find_deadline(text, ctx.published, found.start("time"), found.end("time"))
    if not readings or deadline is None or deadline.date == first.deadline:
        return None
    stated = readings[0]
    start = found.start("figure")
    question = first.question
    if first.deadline is not None:
        wording = Deadline(first.deadline, first.deadline_phrase or "", None, None, "").wording
        question = question.replace(f" {wording}", "")
    question = _with_deadline(question, deadline)
    match = replace(
        first.match,
        text=found["figure"],
        start=start,
        end=found.end("figure"),
        probability=round(stated.probability, 6),
        low=round(stated.low, 6),
        high=round(stated.high, 6),
        spans=((start, found.end("figure")),),
        notes=(*first.match.notes, "a second figure for the same event, over another time"),
    )
    flags = [f for f in first.flags if not f.startswith(("deadline", UNDATED_FLAG))]
    return replace(
        first,
        clause_start=found.start(),
        clause_end=found.end(),
        match=match,
        question=question,
        deadline=deadline.date,
        deadline_phrase=deadline.phrase,
        deadline_start=deadline.start,
        deadline_end=deadline.end,
        flags=(*flags, "a second figure of the sentence: the event from the first"),
    )


_RATING = re.compile(
    r"^(?:likelihood|probability|chances?|odds|confidence|certainty|my\s+odds|verdict)\s*"
    r"[?:=\-–—]*\s*(?P<number>\d{1,3}(?:\.\d+)?\s*(?:%|per\s*cent|percent)|\d{1,2}\s*/\s*10|"
    r"\d+\s+in\s+\d+)\s*\.?$",
    re.IGNORECASE,
)


def _rating_candidate(ctx: _Context, sentences: list[Sentence], index: int) -> Candidate | None:
    """A prediction list's rating line under a heading: "A larger-screened iPhone" then
    "Likelihood? 90%" (or "Likelihood: 3/10"). The question is the heading's, to reword."""
    sentence = sentences[index]
    found = _RATING.match(sentence.text)
    if found is None:
        return None
    number = found["number"]
    start = sentence.start + found.start("number")
    out_of_ten = re.fullmatch(r"(\d{1,2})\s*/\s*10", number)
    if out_of_ten:
        value = int(out_of_ten.group(1)) / 10
        stated = StatedProbability(
            number, 0, len(number), value, value, value, "a rating out of 10"
        )
    else:
        readings = find_stated(number, require_context=False)
        if not readings:
            return None
        stated = readings[0]
    if not 0 <= stated.probability <= 1:
        return None
    stated = replace(stated, start=start, end=start + len(number))
    cue = Cue(start, start + len(number), "number", stated=stated)
    match = read_cue(ctx.text, cue, ctx.lex, sentence.start, sentence.end, [])
    heading = next(
        (s for s in reversed(sentences[max(0, index - 3) : index]) if not s.is_question), None
    )
    subject = heading.text.rstrip(".:") if heading is not None else ""
    question = f"Will there be {subject[:1].lower() + subject[1:]}?" if subject else ""
    deadline = _context_deadline(ctx, sentences, index)
    flags = ["question to be reworded", "a rating under a heading: the question is the heading's"]
    if deadline is not None:
        question = _with_deadline(question, deadline) if question else question
        flags.append(f"deadline taken from the context: {deadline.phrase!r}")
    else:
        flags.append(UNDATED_FLAG)
    return Candidate(
        sentence=sentence.text,
        start=sentence.start,
        end=sentence.end,
        clause_start=sentence.start,
        clause_end=sentence.end,
        match=match,
        conditional=False,
        condition=None,
        condition_start=None,
        condition_end=None,
        question=question or sentence.text,
        deadline=deadline.date if deadline else None,
        deadline_phrase=deadline.phrase if deadline else None,
        deadline_start=deadline.start if deadline else None,
        deadline_end=deadline.end if deadline else None,
        speaker=sentence.speaker or ctx.author,
        flags=tuple(flags),
    )


# "Risk of use of chemical weapons in the next 12 months: 12%", "Tablet delayed to
# spring: 75%", "Likelihood of a ceasefire by end of year - 21%": a claim, then its
# probability after a colon or dash (a forecasting panel's key figures, a prediction list).
_LABELLED_LINE = re.compile(
    r"^(?P<claim>[^:=–—]{6,200}?)\s*(?::|=|–|—|\s-\s)\s*(?P<number>\d{1,3}(?:\.\d+)?\s*"
    r"(?:%|per\s*cent|percent)|\d{1,2}\s*/\s*10|\d+\s*(?:in|-in-)\s*\d+)\s*\.?$",
    re.IGNORECASE,
)
_CHANCE_OF = re.compile(
    r"^(?:the\s+)?(?:risk|likelihood|chances?|probability|odds|possibility)\s+"
    r"(?:of|for)\s+(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)


# "Tablet delayed to spring", "Vote postponed until May": a participle after the subject
_PASSIVE_CLAIM = re.compile(
    r"^(?P<subject>(?:the\s+)?[\w'’&.-]+(?:\s+[\w'’&.-]+){0,4}?)\s+"
    r"(?P<participle>[a-z]+ed|held|won|lost|sold|built|given|taken|made|cut|set|shut)\s+"
    r"(?P<rest>(?:to|until|till|by|in|on|at|for|before|after|from)\b.*)$",
    re.IGNORECASE | re.DOTALL,
)


def _stated_number(number: str) -> StatedProbability | None:
    out_of_ten = re.fullmatch(r"(\d{1,2})\s*/\s*10", number)
    if out_of_ten:
        value = int(out_of_ten.group(1)) / 10
        return StatedProbability(number, 0, len(number), value, value, value, "a rating out of 10")
    readings = find_stated(number.replace("-in-", " in "), require_context=False)
    if not readings or not 0 <= readings[0].probability <= 1:
        return None
    return replace(readings[0], start=0, end=len(number))


def _labelled_line(ctx: _Context, sentences: list[Sentence], index: int) -> Candidate | None:
    """A claim with its probability after a colon or dash, on a line of its own: "Risk of
    a ceasefire by end of year: 21%", "Tablet delayed to spring: 75%". The claim is the
    question ("Will there be ...?" after a chance noun, else read as a bare claim); the
    deadline is the claim's own, else the context's."""
    sentence = sentences[index]
    found = _LABELLED_LINE.match(sentence.text)
    if found is None or within(sentence.start, ctx.quotes):
        return None
    claim_text = found["claim"].strip(" -*•\t")
    if len(claim_text.split()) < 2 or claim_text.endswith("?"):
        return None
    stated = _stated_number(found["number"])
    if stated is None:
        return None
    text = ctx.text
    start = sentence.start + found.start("number")
    stated = replace(stated, start=start, end=start + len(found["number"]))
    claim_start = sentence.start + found.start("claim")
    claim_end = sentence.start + found.end("claim")
    cue = Cue(start, stated.end, "number", stated=stated)
    match = read_cue(text, cue, ctx.lex, sentence.start, sentence.end, [])
    flags = ["a claim with its probability after a colon"]
    chance = _CHANCE_OF.match(claim_text)
    if chance is not None:
        question = f"Will there be {chance['rest'].strip()}?"
    else:
        claim = bare_claim(text, claim_start, claim_end, listed=True)
        question = _bare_question(text, (claim_start, claim_end), claim) if claim else None
        passive = _PASSIVE_CLAIM.match(claim_text)
        if question is None and passive is not None:
            question = f"Will {passive['subject']} be {passive['participle']} {passive['rest']}?"
        if question is None:
            question = f"{claim_text}?"
            flags.append("question to be reworded")
    deadline = find_deadline(text, ctx.published, claim_start, claim_end)
    if deadline is None:
        deadline = _context_deadline(ctx, sentences, index)
        if deadline is not None and any(
            other.start <= (deadline.start or -1) < other.end and _LABELLED_LINE.match(other.text)
            for other in sentences
        ):
            deadline = None  # another item's time, not this one's
        if deadline is not None:
            flags.append(f"deadline taken from the context: {deadline.phrase!r}")
    question = questions.tidy(_common_noun_case(text, question))
    if not questions.usable(question) and "question to be reworded" not in flags:
        flags.append("question to be reworded")
    if deadline is not None:
        question = _with_deadline(question, deadline)
    else:
        flags.append(UNDATED_FLAG)
    return Candidate(
        sentence=sentence.text,
        start=sentence.start,
        end=sentence.end,
        clause_start=sentence.start,
        clause_end=sentence.end,
        match=match,
        conditional=False,
        condition=None,
        condition_start=None,
        condition_end=None,
        question=question,
        deadline=deadline.date if deadline else None,
        deadline_phrase=deadline.phrase if deadline else None,
        deadline_start=deadline.start if deadline else None,
        deadline_end=deadline.end if deadline else None,
        speaker=sentence.speaker or ctx.author,
        flags=tuple(flags),
    )


def _own_line(text: str, sentence: Sentence) -> bool:
    """Whether the sentence stands on a line of its own (a list's item)."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line_end = len(text) if line_end == -1 else line_end
    if (
        text[line_start : sentence.start].strip(" \t-*•0123456789.)")
        or text[sentence.end : line_end].strip()
    ):
        return False
    if re.match(r"\s*(?:[-*•]|\d{1,2}[.)])\s", text[line_start:]):
        return True
    # a line of a list: another line just before or after it in the same paragraph
    before = text[:line_start].rstrip("\n\r")
    previous_line = (
        bool(before) and "\n" not in text[len(before) : line_start].replace("\r", "")[1:]
    )
    after = text[line_end:]
    following = after.lstrip("\r\n")
    next_line = bool(following) and after[: len(after) - len(following)].count("\n") == 1
    return previous_line or next_line


def _bare_candidate(
    ctx: _Context, sentences: list[Sentence], index: int, listing: bool
) -> Candidate | None:
    """A forecast a prediction list states flat ("SNP to lose a few seats"; see
    ``claims``), read as an unhedged "will"."""
    sentence = sentences[index]
    text = ctx.text
    if within(sentence.start, ctx.quotes):
        return None
    claim = softened_claim(text, sentence.start, sentence.end)
    if claim is None:
        if not (listing or _own_line(text, sentence)):
            return None
        line_start = text.rfind("\n", 0, sentence.start) + 1
        listed = bool(re.match(r"\s*(?:[-*•]|\d{1,2}[.)])\s", text[line_start:]))
        claim = bare_claim(text, sentence.start, sentence.end, listed)
    if claim is None:
        return None
    will = next((item for item in ctx.lex.items if item.entry.phrase == "will"), None)
    if will is None:
        return None
    tokens = tokenize(text, sentence.start, sentence.end)
    words = [t.text for t in tokens]
    if (
        any(w in {"was", "were", "had", "did", "ago", "yesterday"} for w in words)
        or any(w in {"i", "we", "you"} for w in words[:2])
        and claim.form != "present after a softener"
        or _narrates(sentence.text)
        or re.search(r"\blast\s+(?:year|month|week|season|night)\b", sentence.text, re.I)
    ):
        return None
    cue = Cue(claim.start, claim.end, "modal", item=will)
    part = (sentence.start, sentence.end)
    softeners = [s for s in find_softeners(text, ctx.lex, part[0], part[1]) if s.end <= claim.start]
    match = read_cue(text, cue, ctx.lex, part[0], part[1], softeners)
    match = replace(
        match,
        text=f"{match.softener} ... will" if match.softener else "will",
        spans=(
            *[sp for sp in match.spans if sp != (claim.start, claim.end)],
            (claim.start, claim.end),
        ),
        notes=(
            *match.notes,
            f"a bare claim ({claim.form}) in a list of predictions: read as an unhedged 'will'",
        ),
    )
    candidate = _candidate(ctx, sentences, index, part, cue, match, None, None)
    question = _bare_question(text, part, claim)
    flags = [f for f in candidate.flags if f != "question to be reworded"]
    if question is None:
        question = candidate.question
        flags.append("question to be reworded")
    elif candidate.deadline is not None:
        question = _with_deadline(
            question,
            Deadline(candidate.deadline, candidate.deadline_phrase or "", None, None, ""),
        )
    return replace(candidate, question=question, flags=(*flags, "a bare claim"))


def _bare_question(text: str, part: tuple[int, int], claim) -> str | None:
    subject = text[part[0] : claim.start].strip()
    subject = re.sub(r"^(?:say|and|then|plus|also)\s+", "", subject, flags=re.IGNORECASE)
    subject = THINK_LEAD.sub("", subject)  # "I think the party holds" -> "the party"
    rest = text[claim.end : part[1]].strip()
    if claim.form == "number" or not subject:
        return None
    verb = "" if claim.form == "infinitive" else text[claim.start : claim.end]
    if verb.lower().endswith("s") and verb[:-1].lower() in questions.VERBS:
        verb = verb[:-1]
    clause = f"{subject} will {verb} {rest}".replace("  ", " ")
    at = len(subject) + 1
    return questions.question_at_modal(clause, at, at + 4)


REASON_RESOLVED = "a forecast reported from before, already resolved"
_DATED_PAST = re.compile(
    r"\b(?:in|on|back\s+in|during|since)\s+(?:\w+\s+){0,3}?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def _reported_from_past(ctx: _Context, sentence: Sentence, who: Attribution) -> bool:
    """ "In 2016 she predicted a Clinton win": another's forecast, made in a year before
    the publication and reported in the past tense (its outcome is known)."""
    words = ctx.text[who.start : who.end].lower()
    if not re.search(
        r"\b(?:said|predicted|forecast|expected|thought|believed|claimed|"
        r"warned|gave|put|had)\b",
        words,
    ):
        return False
    return any(
        int(m["year"]) < ctx.published.year
        for m in _DATED_PAST.finditer(ctx.text, sentence.start, sentence.end)
    )


def _quote_around(ctx: _Context, position: int) -> tuple[int, int] | None:
    return next((q for q in ctx.quotes if q[0] <= position < q[1]), None)


def _speaker_of(
    ctx: _Context, sentences: list[Sentence], index: int, part: tuple[int, int], cue: Cue
) -> Attribution | None:
    """Who makes the forecast at ``cue`` when it is not the one speaking (see
    ``attribution``); the last panel named stands for "a third believe ..."."""
    sentence = sentences[index]
    span = (sentence.start, sentence.end)
    quote = _quote_around(ctx, cue.start)
    if quote is not None:
        previous = sentences[index - 1] if index > 0 else None
        who = attribute_quote(
            ctx.text, span, quote, (previous.start, previous.end) if previous else None
        )
    else:
        who = attribute(ctx.text, span, part, cue.start, cue.end)
    if who is None:
        return None
    if who.speaker.lower() in PRONOUN_SPEAKERS:
        panel = re.search(
            r"\b(?:survey|poll|panel)\s+of\s+(?P<np>(?:\d+\s+)?[a-z][\w -]*?)\s+(?:published|"
            r"conducted|found|showed|carried|by|taken|released)\b",
            ctx.text[sentence.start : who.start],
            re.IGNORECASE,
        )
        earlier = ctx.last_person if who.speaker.lower() in {"he", "she"} else ctx.last_panel
        if panel is not None:
            who = replace(who, speaker=panel["np"])
        elif earlier is not None:
            who = replace(
                who, speaker=earlier.speaker, role=earlier.role, affiliation=earlier.affiliation
            )
        else:
            return None
    elif re.search(r"(?-i:[A-Z])[a-z]+\s+(?-i:[A-Z])", who.speaker) or who.role:
        ctx.last_person = who
    if (
        ctx.last_panel is not None
        and who is not ctx.last_panel
        and _GENERIC_PANEL.search(who.speaker)
        and not re.search(r"(?<!^)\b(?-i:[A-Z])", _MONTH_NAMES.sub("", who.speaker))
    ):
        # "the 49 respondents", "the median estimate": the panel named before
        who = replace(
            who,
            speaker=ctx.last_panel.speaker,
            role=ctx.last_panel.role,
            affiliation=ctx.last_panel.affiliation,
        )
        return who
    if who.share is not None and re.fullmatch(
        r"(?:a|the|an)?\s*(?:third|quarter|half|majority|minority|rest|others?|most)?",
        who.speaker.lower(),
    ):
        if ctx.last_panel is not None:
            who = replace(
                who,
                speaker=ctx.last_panel.speaker,
                role=ctx.last_panel.role,
                affiliation=ctx.last_panel.affiliation,
            )
    elif who.share is not None:
        ctx.last_panel = who
    return who


_MONTH_NAMES = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_GENERIC_PANEL = re.compile(
    r"\b(?:respondents|panel(?:ists)?|those\s+(?:surveyed|polled|asked)|the\s+survey|"
    r"median|consensus|economists|forecasters|analysts|the\s+poll)\b",
    re.IGNORECASE,
)


def _with_share(match: PhraseMatch, share: float) -> PhraseMatch:
    """A panel's forecast is the share of it that expects the event (70 percent of the
    economists expect a recession: 70%)."""
    probability = 1 - share if match.negated else share
    return replace(
        match,
        probability=round(probability, 6),
        low=round(max(0.0, probability - 0.05), 6),
        high=round(min(1.0, probability + 0.05), 6),
        origin=ORIGIN_STATED,
        notes=(*match.notes, f"the share of the panel that expects it: {share:.0%}"),
    )


# ----------------------------------------------------------------------- candidates


def _candidate(
    ctx: _Context,
    sentences: list[Sentence],
    index: int,
    part: tuple[int, int],
    cue: Cue,
    match: PhraseMatch,
    condition: tuple[int, int] | None,
    asked: Sentence | None,
    who: Attribution | None = None,
) -> Candidate:
    text, sentence = ctx.text, sentences[index]
    flags: list[str] = []
    reporting = []
    if who is not None:
        # the question is about what is forecast, not who forecasts it
        end = who.end if who.end <= cue.start or who.start >= cue.end else cue.start
        if end == who.end:  # "told reporters on Tuesday that": up to the reported clause
            that = re.match(
                r"(?:\s+(?:on|in|at|last|this)\s+\w+|\s+\w+ly|\s+\w+)*?\s*,?\s*that\s",
                text[end : min(cue.start, end + 60)],
            )
            if that:
                end += that.end()
        if who.start < end:
            reporting.append((who.start, end))
    softener_spans = [
        (s.start, s.end)
        for s in find_softeners(text, ctx.lex, part[0], part[1])
        if s.end <= cue.start or s.start >= cue.end
    ]
    removed = _disjoint(
        [s for s in match.spans if s != (cue.start, cue.end) and not (s[0] <= cue.start < s[1])]
        + softener_spans
        + reporting
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
    if question is None and match.negated and len(match.spans) > 1:
        # "I'm convinced they won't be as good": the event's modal carries the question
        kept_text, kept_map = _without(
            text, part, _disjoint(softener_spans + reporting + ([condition] if condition else []))
        )
        start_at, end_at = kept_map(cue.start), kept_map(cue.end)
        if start_at is not None and end_at is not None:
            question = questions.question_for(kept_text, start_at, end_at, cue.kind, match.phrase)
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
    if deadline is None:
        deadline = _context_deadline(ctx, sentences, index)
        if deadline is not None:
            flags.append(f"deadline taken from the context: {deadline.phrase!r}")
    question = questions.tidy(_common_noun_case(text, question))
    named = _resolve_pronoun(ctx, sentences, index, question)
    if named is not None:
        question = named
        flags.append("subject taken from the sentence before")
    if not questions.usable(question) and "question to be reworded" not in flags:
        flags.append("question to be reworded")
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
        speaker=who.speaker if who is not None else (sentence.speaker or ctx.author),
        flags=tuple(flags),
        voice="reported" if who is not None else "own",
        attribution=who,
    )


_SUBJECT = re.compile(
    r"^(?:(?:but|and|so|still|meanwhile|now)\s+)?(?P<np>(?:the|The)\s+[\w'’ -]+?|"
    r"(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+){0,3})\s+(?:is|are|was|were|has|have|had|"
    r"will|would|can|could|may|might|must|should|won't|\w+s|\w+ed)\b"
)


def _resolve_pronoun(
    ctx: _Context, sentences: list[Sentence], index: int, question: str
) -> str | None:
    """ "Will they hold the seat?" after "The Greens are defending Bristol West." -> "Will
    the Greens hold the seat?": the subject of the sentence before, when it names one."""
    found = re.match(r"^Will (?P<pronoun>it|they|he|she) ", question)
    if found is None or index == 0:
        return None
    previous = sentences[index - 1]
    if previous.block != sentences[index].block or previous.is_question:
        return None
    subject = _SUBJECT.match(previous.text)
    if subject is None:
        return None
    np = subject["np"].strip()
    plural = bool(re.search(r"s\b", np.split()[-1])) or " and " in np
    pronoun = found["pronoun"]
    if pronoun == "they" and not plural or pronoun == "it" and plural:
        return None
    if np.split()[0] == "The":
        np = "the" + np[3:]
    return f"Will {np} {question[found.end() :]}"


def _context_deadline(ctx: _Context, sentences: list[Sentence], index: int) -> Deadline | None:
    """A deadline the forecast's context gives: the same paragraph (up to three sentences
    before, then two after: "I'd be surprised if we weren't top four. ... this season"),
    then the headings and title above it ("What to expect from Apple in 2014",
    "Politics | Forecast | September 22nd 2021"). Only a time that has not passed."""
    sentence = sentences[index]
    order = [index - k for k in (1, 2, 3)] + [index + k for k in (1, 2)]
    for i in order:
        if not 0 <= i < len(sentences) or sentences[i].block != sentence.block:
            continue
        other = sentences[i]
        if other.is_question or _narrates(ctx.text[other.start : other.end]):
            continue
        found = find_deadline(ctx.text, ctx.published, other.start, other.end)
        if found is not None and found.date > ctx.published:
            return found
    headings = [s for s in sentences[:index] if (s.start, s.end) in ctx.headlines or s.block == 0]
    for heading in reversed(headings[-4:]):
        if _narrates(ctx.text[heading.start : heading.end]):
            continue
        found = find_deadline(ctx.text, ctx.published, heading.start, heading.end)
        if found is not None and found.date > ctx.published:  # not the dateline
            return found
    return None


_NARRATION = re.compile(
    r"\b(?:was|were|had|did|ago|yesterday|last\s+(?:week|month|year|season))\b|"
    r"\b(?:I|we|he|she|they|it|who|and)\s+(?:\w+ly\s+)?[a-z]{3,}ed\b",
    re.IGNORECASE,
)


def _narrates(sentence: str) -> bool:
    """Whether a sentence tells of the past ("On 27th December, rockets killed ..."): its
    dates date events, not a forecast's deadline."""
    tokens = [w.lower() for w in re.findall(r"[A-Za-z']+", sentence)]
    past = {
        w
        for i, w in enumerate(tokens)
        if w in IRREGULAR_PAST - {"won", "lost"}
        and (i == 0 or tokens[i - 1] not in {"be", "been", "being", "have", "has", "will"})
    }
    return bool(_NARRATION.search(sentence)) or bool(past)


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


def _common_noun_case(text: str, question: str) -> str:
    """ "Will Gas plants ..." -> "Will gas plants ..." when the text also writes the word in
    lower case, or only this once, never inside a sentence (so it is a common noun that
    began a sentence, not a name)."""
    match = re.match(r"^Will (?P<word>[A-Z][a-z]+)\b(?! [A-Z])", question)
    word = match["word"] if match else ""
    if (
        match
        and not word.isupper()
        and not re.search(rf"[a-z,/&]\s*{word}\b", text)
        and (
            re.search(rf"(?<![\w'’]){word.lower()}\b", text)
            or len(re.findall(rf"\b{word}\b", text)) == 1
        )
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
    if re.search(rf"\bof\s+{re.escape(deadline.phrase)}\b", question) and re.fullmatch(
        r"(?:this|next)\s+year", deadline.phrase
    ):
        # "for the rest of this year" -> "for the rest of 2023"
        return question.replace(deadline.phrase, str(deadline.date.year))
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


_HYPOTHETICAL_NOUN = re.compile(
    r"^\s*(?:of|for)\s+(?:(?:a|an|the)\s+)?(?P<noun>[a-z]+)", re.IGNORECASE
)


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


# ----------------------------------------------------------------------- extraction


def extract(text: str, published: dt.date, scale: Scale | str | None = None) -> Extraction:
    """Every forecast candidate of ``text`` and every sentence set aside, with why."""
    lex = lexicon(scale)
    ctx = _Context(text=text, published=published, lex=lex, quotes=quote_regions(text))
    named = byline(text)
    ctx.author = named[0] if named else None
    sentences = split_sentences(text)
    candidates: list[Candidate] = []
    set_aside: list[SetAside] = []
    headlines = headline_spans(text)
    ctx.headlines = headlines
    listing = prediction_context(text)
    for index, sentence in enumerate(sentences):
        rated = _rating_candidate(ctx, sentences, index) or _labelled_line(ctx, sentences, index)
        if rated is not None:
            candidates.append(rated)
            continue
        if (sentence.start, sentence.end) in headlines:
            whole = REASON_HEADLINE
        elif sentence.is_question:
            whole = REASON_QUESTION
        else:
            whole = None
        if whole is not None:  # set aside as a whole, named by its first estimative words
            cues = find_cues(text, lex, sentence.start, sentence.end)
            if cues:
                set_aside.append(_set_aside(sentence, whole, text[cues[0].start : cues[0].end]))
            continue
        parts = clause_parts(sentence, text)
        outcomes = [_analyse(ctx, sentences, index, part) for part in parts]
        for k in range(1, len(outcomes)):
            if outcomes[k] is None and isinstance(outcomes[k - 1], Candidate):
                outcomes[k] = _continuation(ctx, sentences, index, parts[k], outcomes[k - 1])
        found = [o for o in outcomes if isinstance(o, Candidate)]
        for k, outcome in list(enumerate(outcomes)):
            if isinstance(outcome, Candidate):
                second = _second_figure(ctx, parts[k], outcome)
                if second is not None:
                    outcome = replace(
                        outcome, clause_end=min(outcome.clause_end, second.clause_start)
                    )
                    found[found.index(outcomes[k])] = outcome
                    found.insert(found.index(outcome) + 1, second)
        if not outcomes or all(o is None for o in outcomes):
            bare = _bare_candidate(ctx, sentences, index, listing)
            if bare is not None:
                found = [bare]
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
