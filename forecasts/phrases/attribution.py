"""Whose forecast a clause states: the author's (or a transcript speaker's) own, or
another person's reported in the text.

Commentary is mostly other people's forecasts: "the bank's chief economist, Ana Ortiz,
has predicted a downturn next year", "growth will pick up, according to the IMF",
"almost 70 percent of the economists surveyed expect a recession". For a registry of
pundits these are the catch: ``attribute`` finds the speaker, with the role and
affiliation the text gives and the reporting words kept as evidence. First-person
subjects ("we expect", "I'm betting"), "our model" and impersonal passives ("it is
expected that") are the voice of whoever is speaking: the author, or the speaker a
transcript's label names ("JANE DOE:").

A panel's share ("almost 70 percent of the economists", "a third", "three-fourths of
the panelists") is kept as ``share``: the panel's forecast is the share of its members
who expect the event. ``match_pundit`` proposes an existing pundit for a speaker's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from forecasts.phrases.numbers import word_number

# The verbs that report another's view of the future. A verb here is reporting only when
# its subject is not the speaker ("I think" is the speaker's own softener).
REPORTING_VERBS = (
    r"said|says|say|saying|told\s+\w+|tells|claims?|claimed|argues?|argued|insists?|"
    r"insisted|warns?|warned|predicts?|predicted|predicting|forecasts?|forecasted|"
    r"forecasting|believes?|believed|thinks?|thought|expects?|expected|expecting|"
    r"anticipates?|anticipated|reckons?|reckoned|estimates?|estimated|projects|projected|"
    r"suggests?|suggested|sees|foresees?|foresaw|assesses|assessed|judges?|judged|"
    r"concludes?|concluded|added|adds|noted|notes|stated|states|contends?|contended|"
    r"maintains?|maintained|wrote|writes|tweeted|posted|has\s+\w+\s+odds|puts?|gives?|"
    r"bets?|is\s+betting|are\s+betting|fancies|tips|tipped|calls?\s+for|called\s+for|"
    r"sees|saw|doubts?|doubted|fears?|feared|agrees?|agreed"
)
_VERB = re.compile(
    rf"\b(?P<verb>(?:(?:has|have|had|also|now|still|recently|widely|"
    rf"previously|correctly|all|both)\s+)*(?:{REPORTING_VERBS}))\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(
    r"\b(?P<verb>according\s+to|in\s+the\s+(?:view|opinion|words)\s+of|per(?=\s+(?:the\s+)?(?-i:[A-Z])))\s+"
    r"(?P<who>[^,;.!?()\"“”]{2,120}?)(?=\s*(?:[,;.!?()\"“”]|$|\s+(?:is|are|will|"
    r"would|could|may|might|should|there|it)\b))"
    r"(?P<role>,\s+(?:an?|the|its|their|his|her)\s+[^,;.!?()\"“”]{2,100}?(?=\s*(?:[.;!?]|$)))?",
    re.IGNORECASE,
)
_POSTPOSED = re.compile(
    r",\s*(?:(?P<who1>(?:[\w.'’&-]+\s+){0,6}?[\w.'’&-]+)\s+(?P<verb1>said|says|say|added|adds|"
    r"warned|warns|warn|argued|argues|argue|predicted|predicts|predict|told\s+\w+|wrote|writes|"
    r"believes|believe|thinks|think|reckons|reckon|expects|expect|insisted|insists|claimed|"
    r"claims|claim|fear|fears)|(?P<verb2>said|says|added|"
    r"adds|warned|argued|predicted|wrote)\s+(?P<who2>[^,.;!?]{2,80}?))"
    r"(?:,\s*(?P<role>[^.;!?]{2,120}?))?\s*[.!\"”]*\s*$",
    re.IGNORECASE,
)
_FIRST_PERSON = frozenset(
    {
        "i",
        "we",
        "i've",
        "i'd",
        "we've",
        "we'd",
        "i'm",
        "we're",
        "i'll",
        "we'll",
        "me",
        "us",
        "my",
        "our",
        "myself",
        "ourselves",
        "let's",
    }
)
_NOT_A_SPEAKER = frozenset(
    {
        "it",
        "this",
        "that",
        "there",
        "which",
        "who",
        "what",
        "these",
        "those",
        "he",
        "she",
        "they",
        "one",
        "you",
        "everyone",
        "everybody",
        "nobody",
        "anyone",
        "people",
        "many",
        "some",
        "few",
        "whoever",
        "something",
        "nothing",
        "as",
        "than",
        "if",
        "when",
        "while",
    }
)
_LEAD = re.compile(
    r"^(?:(?:and|but|so|yet|still|also|meanwhile|however|moreover|furthermore|indeed|"
    r"now|then|thus|instead|elsewhere|separately|overall|today|yesterday|"
    r"on\s+\w+day|last\s+\w+|this\s+\w+|in\s+(?:a|an|the|its|his|her|their)\s+[^,]{1,60})"
    r"[,:]?\s+)+",
    re.IGNORECASE,
)
_TRAILING_AUX = re.compile(
    r"(?:\s+(?:has|have|had|also|now|still|recently|widely|previously|correctly|all|both|"
    r"is|are|was|were|who|and|only|even|already|generally|largely|mostly|broadly|"
    r"privately|publicly|openly|repeatedly|long))+$",
    re.IGNORECASE,
)
ROLE_WORDS = (
    "economist|economists|president|vice\\s+president|governor|deputy\\s+governor|chair|"
    "chairman|chairwoman|chairperson|director|analyst|analysts|strategist|strategists|"
    "minister|secretary|ceo|cfo|coo|chief|head|spokesman|spokeswoman|spokesperson|editor|"
    "professor|senator|representative|rep|sen|gov|manager|coach|forecaster|"
    "forecasters|founder|co-founder|partner|official|officials|researcher|researchers|"
    "fellow|correspondent|commentator|columnist|pollster|adviser|advisor|executive|"
    "officer|leader|mayor|general|admiral|ambassador|commissioner|dean|lecturer|"
    "scientist|expert|experts|panelists|respondents|investor|trader|candidate|pundit"
)
_ROLE = re.compile(rf"\b(?:{ROLE_WORDS})\b", re.IGNORECASE)
_SHARE = re.compile(
    r"^(?:(?:only|just|almost|nearly|about|around|roughly|some|over|more\s+than|fewer\s+than|"
    r"less\s+than|close\s+to|a\s+little\s+over|under)\s+)?"
    r"(?P<share>\d{1,3}(?:\.\d+)?\s*(?:%|per\s*cent|percent)|a\s+third|two[-\s]thirds|"
    r"a\s+quarter|three[-\s](?:fourths|quarters)|half|a\s+majority|the\s+majority|"
    r"a\s+minority|most|one\s+in\s+\w+|\w+\s+in\s+(?:ten|five|four|three))"
    r"(?:\s+of)?\b\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_SHARES = {
    "a third": 1 / 3,
    "two-thirds": 2 / 3,
    "two thirds": 2 / 3,
    "a quarter": 0.25,
    "three-fourths": 0.75,
    "three fourths": 0.75,
    "three-quarters": 0.75,
    "three quarters": 0.75,
    "half": 0.5,
    "a majority": 0.6,
    "the majority": 0.6,
    "most": 0.6,
    "a minority": 0.3,
}
_MODEL = re.compile(
    r"\b(?P<who>(?:the|our|my|their|its|[A-Z][\w.'’-]*(?:'s|’s)?)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:model|forecast|simulations?|polls?|markets?|odds|bookmakers|bookies|consensus))\s+"
    r"(?P<verb>puts?|gives?|shows?|has|have|had|sees|gave|put|showed|imply|implies|"
    r"suggests?|expects?|prices?|are\s+pricing|is\s+pricing|are\s+pricing\s+in)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    """Another person's forecast reported in the text: who, as the text names them, and
    the words that report it (the evidence an editor checks)."""

    speaker: str
    role: str | None
    affiliation: str | None
    evidence: str
    start: int  # span of the speaker and reporting words in the text
    end: int
    share: float | None = None  # a panel's share that expects the event

    def to_dict(self) -> dict:
        return {
            "speaker": self.speaker,
            "role": self.role,
            "affiliation": self.affiliation,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "share": self.share,
        }


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’]+", text.lower().replace("’", "'"))


def is_first_person(text: str) -> bool:
    return any(w in _FIRST_PERSON for w in _words(text)[:4])


def _share_value(words: str) -> float | None:
    words = " ".join(words.lower().split())
    number = re.match(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)", words)
    if number:
        value = float(number.group(1)) / 100
        return value if 0 < value <= 1 else None
    one_in = re.match(r"(\w+)\s+in\s+(\w+)", words)
    if one_in:
        top, bottom = word_number(one_in.group(1)), word_number(one_in.group(2))
        return top / bottom if top and bottom and top < bottom else None
    return _SHARES.get(words)


def _capitalised_run(words: list[str]) -> bool:
    return bool(words) and all(
        w[:1].isupper() or w.lower() in {"of", "de", "van", "von", "the", "and", "&"} for w in words
    )


def _title_and_name(piece: str) -> tuple[str, str] | None:
    """ "First American Chief Economist Mark Fleming" -> (name, title)."""
    words = piece.split()
    roles = [i for i, w in enumerate(words) if _ROLE.fullmatch(w.strip(".,"))]
    if roles and roles[-1] < len(words) - 1:
        tail = words[roles[-1] + 1 :]
        if 1 <= len(tail) <= 3 and _capitalised_run(tail):
            return " ".join(tail), " ".join(words[: roles[-1] + 1])
    return None


def _honorific(piece: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2,5}|Jr\.?|Sr\.?|PhD|MP|MEP|QC|KC", piece.strip()))


def split_subject(subject: str) -> tuple[str, str | None, str | None]:
    """(speaker, role, affiliation) from a reporting verb's subject: "Ana Ortiz, chief
    economist at Y" or "the bank's chief economist, Ana Ortiz" or "First American Chief
    Economist Mark Fleming"."""
    subject = " ".join(subject.strip(" ,;:—-").split())
    pieces = [p.strip() for p in re.split(r",\s*", subject) if p.strip()]
    pieces = [p for p in pieces if not _honorific(p)] or pieces
    name, roles = None, []
    for _i, piece in enumerate(pieces):
        titled = _title_and_name(piece)
        if titled and name is None:
            name = titled[0]
            roles.append(titled[1])
        elif name is None and _is_name(piece) and (len(pieces) > 1 or len(piece.split()) > 1):
            name = piece
        else:
            roles.append(piece)
    if name is None:
        return subject, None, None
    role = ", ".join(roles) or None
    affiliation = None
    if role:
        found = re.search(r"\bat\s+(?P<org>.+)$", role) or re.search(
            r".*\b(?:of|for|with|from)\s+(?P<org>(?:the\s+)?[A-Z].*)$", role
        )
        possessive = re.match(r"^(?:[Tt]he\s+)?(?P<org>[\w.&' -]+?)(?:'s|’s)\s", role)
        before = re.match(rf"^(?P<org>.+?)\s+(?:{ROLE_WORDS})\b", role, re.IGNORECASE)
        if found:
            affiliation = found["org"].strip()
        elif possessive:
            affiliation = possessive["org"]
        elif (
            before
            and before["org"][:1].isupper()
            and before["org"].lower() not in {"its", "his", "her", "their", "our", "my"}
        ):
            affiliation = before["org"].strip()
    return name.strip(" ,"), role, affiliation


_BYLINE = re.compile(
    r"^\s*(?:(?:prepared|opening|closing)\s+)?(?:remarks|speech|address|statement|testimony|"
    r"comments|lecture|interview|transcript|op-ed|column)\s+(?:by|from|of|with)\s+"
    r"(?P<who>[^\n]{2,120}?)(?:\s+(?:at|to|before|on)\s+[^\n]*)?\s*[.:]?\s*$"
    r"|^\s*by\s+(?P<by>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def byline(text: str, lines: int = 6) -> tuple[str, str | None, str | None] | None:
    """The author a text names at its head ("By Ana Ortiz", "Speech by Mr Huw Pill, Chief
    Economist ... at ...", "Prepared remarks from RBA Gov. Lowe"): (speaker, role,
    affiliation), or None."""
    head = "\n".join(text.lstrip("\ufeff").splitlines()[: lines * 2])
    found = _BYLINE.search(head)
    if not found:
        return None
    who = found["who"] or found["by"]
    if not who:
        return None
    speaker, role, affiliation = split_subject(who)
    return (speaker, role, affiliation) if speaker else None


def _is_name(piece: str) -> bool:
    words = piece.split()
    return 1 <= len(words) <= 4 and _capitalised_run(words) and not _ROLE.search(piece)


def _clean_subject(subject: str) -> str:
    subject = _LEAD.sub("", subject.strip())
    subject = _TRAILING_AUX.sub("", subject.strip())
    return subject.strip(" ,;:—-\"“”'")


PRONOUN_SPEAKERS = frozenset({"he", "she", "they", "them", "those"})


def _speaker_ok(subject: str) -> bool:
    words = _words(subject)
    if not words or len(words) > 24:
        return False
    if len(words) == 1 and words[0] in PRONOUN_SPEAKERS:
        return True  # resolved to the person named before (``extraction``)
    if words[0] in _NOT_A_SPEAKER and len(words) <= 2:
        return False
    return not is_first_person(subject)


def _make(subject: str, evidence: str, start: int, end: int) -> Attribution | None:
    subject = _clean_subject(subject)
    if not _speaker_ok(subject):
        return None
    share = None
    found = _SHARE.match(subject)
    if found:
        share = _share_value(found["share"])
        rest = re.sub(r"^(?:the\s+)?\d+\s+", "", found["rest"] or "").strip()
        if rest:
            subject = found["rest"].strip()
    speaker, role, affiliation = split_subject(subject)
    return Attribution(speaker, role, affiliation, " ".join(evidence.split()), start, end, share)


_NAME_RE = r"(?-i:[A-Z])[\w.'’-]+(?:\s+(?-i:[A-Z])[\w.'’-]+){1,3}"
_NAMES_JOINED = re.compile(rf"{_NAME_RE}(?:,\s+{_NAME_RE})*,?\s+and\s+{_NAME_RE}")


def _subject_before(text: str, sentence_start: int, verb_start: int) -> tuple[str, int]:
    """The subject of a reporting verb: back from it to the start of its clause, across
    appositive commas ("X, chief economist at Y, has predicted")."""
    before = text[sentence_start:verb_start]
    cut = max(before.rfind(";"), before.rfind(":"), before.rfind("—"), before.rfind("("))
    before_start = sentence_start + cut + 1 if cut >= 0 else sentence_start
    chunk = text[before_start:verb_start]
    # "Ana Ortiz, who leads the team at the bank, estimates": the relative clause between
    # commas describes the subject, it is not the subject
    relative = re.search(r",\s*(?:who|which)\s[^,]*,\s*$", chunk, re.IGNORECASE)
    if relative and chunk[: relative.start()].strip():
        chunk = chunk[: relative.start()]
    # a clause boundary word ends the subject: "..., but analysts expect"
    boundary = list(
        re.finditer(
            r"(?:^|[,\s])(?:but|and|while|whereas|although|though|as|"
            r"because|since|so|that|which|who|when)\s",
            chunk,
            re.IGNORECASE,
        )
    )
    if boundary and _NAMES_JOINED.fullmatch(chunk.strip()):
        boundary = []  # "Ana Ortiz and Ben Lee estimate": two names, one subject
    if boundary:
        last = boundary[-1]
        tail = chunk[last.end() :]
        if tail.strip():
            chunk, before_start = tail, before_start + last.end()
    lead = len(chunk) - len(chunk.lstrip())
    return chunk.strip(), before_start + lead


def attribute(
    text: str,
    sentence: tuple[int, int],
    part: tuple[int, int],
    cue_start: int,
    cue_end: int,
) -> Attribution | None:
    """The other person whose forecast the clause ``part`` (inside ``sentence``) reports
    at the cue, or None when it is the voice of whoever is speaking."""
    s_start, s_end = sentence
    sentence_text = text[s_start:s_end]
    # "according to X"
    for found in _ACCORDING.finditer(sentence_text):
        who = found["who"]
        if is_first_person(who):
            return None
        role = (found["role"] or "").strip(" ,")
        made = _make(
            who + (f", {role}" if role else ""),
            found["verb"],
            s_start + found.start(),
            s_start + found.end(),
        )
        if made is not None:
            return made
    # "the model puts this at 80 percent", "markets are pricing in", not "our model"
    model = _MODEL.search(text, part[0], part[1])
    if model and model.start() <= cue_start + 40:
        if is_first_person(model["who"]):
            return None
        made = _make(model["who"], model["verb"], model.start(), model.end())
        if made is not None:
            return made
    # a reporting verb before the cue (or the cue itself: "economists expect a recession")
    verbs = [m for m in _VERB.finditer(text, part[0], part[1]) if m.start() <= cue_start]
    for verb in reversed(verbs):
        subject, subject_start = _subject_before(text, part[0], verb.start())
        if not subject:
            continue
        if _passive(text, verb):
            return None
        if is_first_person(subject):
            return None
        made = _make(subject, verb["verb"], subject_start, verb.end())
        if made is not None:
            return made
        break
    # ", the minister said." after the claim
    tail = _POSTPOSED.search(text[cue_end:s_end])
    if tail:
        who = tail["who1"] or tail["who2"]
        if who and not is_first_person(who):
            made = _make(
                who + (f", {tail['role']}" if tail["role"] else ""),
                tail["verb1"] or tail["verb2"],
                cue_end + tail.start(),
                cue_end + tail.end(),
            )
            if made is not None:
                return made
    return None


def _passive(text: str, verb: re.Match) -> bool:
    """ "is expected to", "it is thought that": an impersonal passive, not a speaker."""
    before = text[max(0, verb.start() - 12) : verb.start()].lower()
    return bool(re.search(r"\b(?:is|are|was|were|be|been|being|'s|'re)\s+$", before))


def attribute_quote(
    text: str,
    sentence: tuple[int, int],
    quote: tuple[int, int],
    previous: tuple[int, int] | None = None,
) -> Attribution | None:
    """The speaker of a quotation: '"...," said X' / '"...," X said' / 'X said: "..."' in
    the sentence, else in the sentence before when it ends with a colon."""
    s_start, s_end = sentence
    after = text[quote[1] : s_end]
    found = re.match(
        r"\s*,?\s*(?:(?P<verb>said|says|added|adds|warned|warns|wrote|writes|predicted|"
        r"predicts|told\s+\w+)\s+(?P<who>[^.;!?\"“”]{2,120}?)|(?P<who2>[^.;!?\"“”,]{2,80}?)\s+"
        r"(?P<verb2>said|says|added|adds|warned|warns|wrote|writes|predicted|predicts|"
        r"told\s+\w+))(?:,\s*(?P<role>[^.;!?\"“”]{2,120}?))?\s*[.!]?\s*$",
        after,
        re.IGNORECASE,
    )
    if found:
        who = found["who"] or found["who2"]
        role = found["role"]
        return _make(
            who + (f", {role}" if role else ""),
            found["verb"] or found["verb2"],
            quote[1] + found.start(),
            quote[1] + found.end(),
        )
    before = text[s_start : quote[0]]
    lead = re.search(
        rf"(?P<who>[^.;!?\"“”]{{2,120}}?)\s+(?P<verb>{REPORTING_VERBS})"
        r"(?:\s+that)?(?:\s+(?:the|a|an)(?:\s+[\w’'-]+){0,2})?\s*[:,]?\s*$",
        before,
        re.IGNORECASE,
    )
    if lead:
        return _make(lead["who"], lead["verb"], s_start + lead.start(), s_start + lead.end())
    if previous is not None:
        prior = text[previous[0] : previous[1]].rstrip()
        if prior.endswith(":"):
            head = re.search(
                rf"(?P<who>[^.;!?\"“”]{{2,120}}?)\s+(?P<verb>{REPORTING_VERBS})"
                r"\b[^:]*:$",
                prior,
                re.IGNORECASE,
            )
            if head:
                return _make(
                    head["who"], head["verb"], previous[0] + head.start(), previous[0] + head.end()
                )
    return None


# ------------------------------------------------------------------------- pundits


def name_key(name: str) -> str:
    """A name compared loosely: accents, case, punctuation and titles dropped."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    titles = {"mr", "mrs", "ms", "dr", "prof", "sir", "dame", "sen", "rep", "gov", "the"}
    return " ".join(w for w in words if w not in titles)


def match_pundit(speaker: str | None, pundits: Iterable, *, name=lambda p: p.name):
    """The pundit whose name fits the speaker: the same name (loosely), or the same
    surname and first initial, or a one-word speaker that is a pundit's surname when
    only one pundit has it. None when no pundit fits or several do."""
    if not speaker:
        return None
    key = name_key(speaker)
    if not key:
        return None
    pundits = list(pundits)
    exact = [p for p in pundits if name_key(name(p)) == key]
    if len(exact) == 1:
        return exact[0]
    words = key.split()
    if exact or not words:
        return None
    loose = []
    for pundit in pundits:
        theirs = name_key(name(pundit)).split()
        if not theirs:
            continue
        if (
            len(words) == 1
            and theirs[-1] == words[0]
            or len(words) >= 2
            and theirs[-1] == words[-1]
            and theirs[0][:1] == words[0][:1]
        ):
            loose.append(pundit)
    return loose[0] if len(loose) == 1 else None


__all__ = [
    "Attribution",
    "attribute",
    "attribute_quote",
    "byline",
    "is_first_person",
    "match_pundit",
    "name_key",
    "split_subject",
]
