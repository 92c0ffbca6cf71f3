"""Why a clause's estimative words are not a forecast: the reasons a cue is set aside.

``reason_for`` judges one cue of a clause and gives the reason it is set aside, None
when it forecasts, or ``IGNORED`` when the words are not estimative where they stand ("it
is probably the best plan": an adverb not attached to a verb; "I doubt it." with no
question before it). The reasons:

* reported speech: words in quotation marks, or after another person's "said",
  "claims", "expects", "according to" ("I think", "I said" are the speaker's own);
* the past ("was likely", "had no choice", "may have", "could have", "a year ago");
* the present: "definitely helps" forecasts nothing; an adverb like "probably" counts
  only with a future ("will", a modal, "next year") or as the answer to a question;
* wishes ("I hope X will"), the speaker's own plans ("I'll come back to this", "we'll be
  right back"), and embedded questions ("I know what will happen").

Questions and headlines are set aside whole, sentence by sentence, with
``REASON_QUESTION`` and ``REASON_HEADLINE``.
"""

from __future__ import annotations

import datetime as dt
import re

from forecasts.phrases.deadlines import find_deadline
from forecasts.phrases.mapping import AUXILIARIES, Cue, Token, tokenize
from forecasts.phrases.sentences import within

REASON_QUESTION = "question"
REASON_REPORTED = "reported speech"
REASON_QUOTED = "reported speech (in quotation marks)"
REASON_PAST = "past"
REASON_PRESENT = "about the present"
REASON_WISH = "a wish, not a forecast"
REASON_INTENTION = "the speaker's own plan"
REASON_EMBEDDED = "an embedded question"
REASON_HEADLINE = "a headline or title"
REASON_META = "about the forecast, not a forecast"

# "Whether this holds will depend on the data", "time will tell", "it remains to be seen":
# a sentence about the forecast, not one.
_META = re.compile(
    r"^(?:\W*(?:but|and|so|of\s+course|still)\W+)?whether\b|"
    r"\bwill\s+(?:\w+\s+)?(?:depend|hinge|rest)\s+(?:on|upon)\b|\btime\s+will\s+tell\b|"
    r"\bremains?\s+to\s+be\s+seen\b|\b(?:may|might|could|are\s+subject\s+to)\s+change\s*[.!]?$|"
    r"\bsubject\s+to\s+change\b|\bwe(?:'ll|\s+will)\s+(?:have\s+to\s+)?(?:see|find\s+out)\s*(?:$|[.,;!?]|"
    r"(?:whether|if|how|what|who|when)\b)",
    re.IGNORECASE,
)
# "that will make for a fine team", "it would be a mistake": a judgement, not a forecast
_EVALUATION = re.compile(
    r"\b(?:that|this|it|which)\s+(?:will|would|'ll|could|should)\s+(?:surely\s+)?(?:make\s+for|"
    r"be\s+(?:a|an|the)?\s*(?:good|great|fine|bad|terrible|big|huge|welcome|interesting|"
    r"fascinating|shame|pity|mistake|step|boost|blow|relief|disaster|success|triumph|"
    r"win|loss|treat|joy|nightmare|test)\b)",
    re.IGNORECASE,
)
REASON_EVALUATION = "an evaluation, not a forecast"
# "the aim should be to lift the cup": an aim, not a forecast
_AIM = re.compile(
    r"\b(?:aim|goal|priority|target|ambition|objective|hope|plan|task|job)\s+"
    r"(?:\w+\s+)?(?:should|must|has\s+to|will)\b",
    re.IGNORECASE,
)

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
IRREGULAR_PAST = frozenset(
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
        "expected",
        "forecast",
        "predicted",
        "projected",
        "poised",
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
            if tokens[j].text == "if" and (j == 0 or not tokens[j - 1].is_word):
                return False  # "If we do our part, I don't see how ...": a condition
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
        # "may have", "could have" + participle; not "may well have their lowest tally"
        return (
            words[first] != "will"
            and skip[:1] == ["have"]
            and len(skip) > 1
            and (
                skip[1] in IRREGULAR_PAST
                or skip[1] in {"been", "done", "gone", "seen", "known", "taken", "given"}
                or skip[1].endswith(("ed", "en", "wn"))
            )
        )
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
        if any(w in _PAST_AUX or w in IRREGULAR_PAST for w in near):
            return True
    before_text = text[part[0] : part[1]]
    has_future = any(w in _FUTURE_WORDS or w.endswith("'ll") for w in words)
    if _PAST_TIME.search(before_text) and not has_future:
        return True
    # "the first such hike since 1994" dates the comparison, not the event
    years = [int(y) for y in re.findall(r"(?<!since )(?<!since )\b(19\d\d|20\d\d)\b", before_text)]
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


# The verdict on a cue that is dropped without a reason: its words are not estimative here.
IGNORED = "ignored"

# "Should" forecasts when it says what is probable ("the rate should stabilise at 3.7
# percent", "which should be doable"), not when it says what ought to be done ("the
# government should act now", "the aim should be to win the cup").
_EPISTEMIC_SHOULD_VERBS = frozenset(
    [
        "rise",
        "fall",
        "stabilise",
        "stabilize",
        "recover",
        "improve",
        "grow",
        "strengthen",
        "weaken",
        "pick",
        "ease",
        "return",
        "decline",
        "increase",
        "decrease",
        "remain",
        "stay",
        "continue",
        "come",
        "arrive",
        "happen",
        "win",
        "lose",
        "finish",
        "beat",
        "reach",
        "hit",
        "peak",
        "settle",
        "top",
        "pass",
        "clear",
        "survive",
        "hold",
        "land",
        "close",
        "end",
        "begin",
        "follow",
        "drop",
        "slow",
        "fade",
        "narrow",
        "widen",
        "double",
        "halve",
        "outperform",
        "qualify",
        "prove",
        "turn",
        "bottom",
        "level",
        "edge",
        "fall",
        "moderate",
        "cool",
        "soften",
        "firm",
        "rebound",
        "expand",
        "contract",
        "shrink",
        "average",
        "exceed",
    ]
)
_SHOULD_BE_STATES = frozenset(
    [
        "enough",
        "fine",
        "ok",
        "okay",
        "doable",
        "possible",
        "able",
        "back",
        "over",
        "done",
        "ready",
        "higher",
        "lower",
        "positive",
        "negative",
        "comfortable",
        "safe",
        "close",
        "clear",
        "available",
        "sufficient",
        "manageable",
        "in",
        "out",
        "up",
        "down",
        "above",
        "below",
        "around",
        "near",
        "within",
    ]
)
_DUTY_SUBJECTS = frozenset(
    [
        "aim",
        "goal",
        "priority",
        "focus",
        "target",
        "job",
        "task",
        "duty",
        "we",
        "you",
        "i",
        "they",
        "he",
        "she",
        "people",
        "everyone",
        "government",
        "ministers",
        "policymakers",
        "parliament",
        "congress",
        "governments",
        "leaders",
    ]
)
_SHOULD_SKIP = frozenset(
    [
        "really",
        "still",
        "also",
        "easily",
        "comfortably",
        "gradually",
        "soon",
        "then",
        "now",
        "probably",
        "surely",
    ]
)


def _progressive(tokens: list[Token], first: int, last: int) -> bool:
    before = tokens[first - 1].text if first > 0 else ""
    after = tokens[last + 1].text if last + 1 < len(tokens) else ""
    going = after == "going" and last + 2 < len(tokens) and tokens[last + 2].text == "to"
    return (
        before in {"is", "are", "am", "'re", "'s", "isn't", "aren't"}
        and after.endswith("ing")
        and not going
    )


def _addressed(tokens: list[Token], first: int) -> bool:
    i = first - 1
    while i >= 0 and tokens[i].text in {"are", "'re", "not", "n't", "really", "still", "also"}:
        i -= 1
    return i >= 0 and tokens[i].text in {"you", "you're"}


def _deontic_should(tokens: list[Token], first: int, last: int) -> bool:
    words = [t.text for t in tokens]
    subject = words[first - 1] if first > 0 else ""
    if subject in _DUTY_SUBJECTS:
        return True
    rest = [w for w in words[last + 1 : last + 5] if w not in _SHOULD_SKIP]
    if not rest:
        return True
    if rest[0] == "not" or rest[0] == "n't":
        rest = rest[1:]
    if not rest:
        return True
    if rest[0] == "be":
        return len(rest) < 2 or rest[1] not in _SHOULD_BE_STATES and not rest[1].endswith("ed")
    base = rest[0]
    stems = {base, base.rstrip("s"), base[:-1] if base.endswith("e") else base}
    return not stems & _EPISTEMIC_SHOULD_VERBS


_NOUN_FORECAST = re.compile(
    r"\b(?:the|their|our|its|his|her|my|your|this|that|these|those|a|an|whose|"
    r"(?:\w+['’]s))\s+(?:(?:\w+\s+){0,2}?)?$",
    re.IGNORECASE,
)
_POSSESSIVE_BEFORE = re.compile(
    r"\b(?:their|our|its|his|her|my|your|whose)\s+(?:\w+\s+)?$", re.IGNORECASE
)
_NOUN_NEXT = re.compile(
    r"\s+(?:is|was|are|were|has|had|have|it|they|we|he|she|which|that\s+was|price|prices|"
    r"figures?|range|error|record|proved|turned)\b|\s*[,.;:]",
    re.IGNORECASE,
)
_PAST_MODAL_AFTER = re.compile(
    r"\s+(?:should|could|would|might|may|must)\s+(?:not\s+|well\s+)?have\s+(?:been\s+)?"
    r"(?P<participle>[a-z]+)\b",
    re.IGNORECASE,
)


def _past_modal_after(text: str, position: int) -> bool:
    """ "probably should have sold", "possibly could have been avoided": a hedge on what
    might have happened, not a forecast."""
    found = _PAST_MODAL_AFTER.match(text, position)
    if found is None:
        return False
    word = found["participle"].lower()
    return (
        word in IRREGULAR_PAST
        or word.endswith(("ed", "en", "wn"))
        or word
        in {
            "been",
            "done",
            "gone",
            "seen",
            "known",
            "taken",
            "given",
            "sold",
            "put",
            "set",
            "cut",
            "spread",
            "hit",
            "let",
            "won",
            "lost",
            "held",
            "made",
            "left",
        }
    )


_COMPARATIVE = re.compile(r"\s+than\b(?!\s+not\b)", re.IGNORECASE)


def reason_for(
    text: str,
    part: tuple[int, int],
    cue: Cue,
    tokens: list[Token],
    first: int,
    last: int,
    *,
    quotes: list[tuple[int, int]],
    published: dt.date,
    answers_question: bool,
    attributed: bool = False,
) -> str | None:
    """Why ``cue`` (tokens ``first`` to ``last`` of the clause ``part``) is set aside, None
        when it forecasts, or ``IGNORED``. ``answers_question``: the sentence before the
        clause is a question ("Will he win? Probably."); ``attributed``: the words are another
    person's forecast whose speaker the text names (``attribution``), so reported speech
    and quotation marks do not set them aside."""
    entry = cue.item.entry if cue.item else None
    if not attributed and within(cue.start, quotes):
        return REASON_QUOTED
    if not attributed and _reported(text, part, cue):
        return REASON_REPORTED
    if _is_wish(text, part, cue):
        return REASON_WISH
    if _past(tokens, first, last, cue, text, part, published):
        return REASON_PAST
    if cue.kind in ("modal", "verb") and _embedded_question(tokens, first, text, part[1]):
        return REASON_EMBEDDED
    if cue.kind == "verb" and _addressed(tokens, first):
        return IGNORED  # "you're not predicting a deal": the listener's view, asked about
    if _META.search(text[part[0] : part[1]]):
        return REASON_META
    if _AIM.search(text[part[0] : cue.end]):
        return REASON_WISH
    if cue.kind == "modal" and _EVALUATION.search(text[part[0] : part[1]]):
        return REASON_EVALUATION
    if cue.kind == "modal" and _intention(tokens, first, text, cue):
        return REASON_INTENTION
    if (
        cue.kind == "verb"
        and re.fullmatch(
            r"(?:forecasts?|predictions?|projections?)", text[cue.start : cue.end], re.I
        )
        and (
            _POSSESSIVE_BEFORE.search(text[part[0] : cue.start])
            or _NOUN_FORECAST.search(text[part[0] : cue.start])
            and _NOUN_NEXT.match(text, cue.end)
        )
    ):
        # "the range of their forecasts is wide", "the forecast it published": the noun
        # names a forecast, it does not make one ("our forecast is for" is its own form)
        return REASON_META
    if cue.kind == "verb" and re.search(
        r"\bhad\s+(?:\w+ly\s+)?(?:$|(?:forecast|predicted|projected|expected)\b)",
        text[part[0] : cue.start],
        re.IGNORECASE,
    ):
        return REASON_PAST  # "the agency had forecast $93": the forecast it made before
    if cue.kind == "adverb" and _past_modal_after(text, cue.end):
        return REASON_PAST  # "I probably should have spread it out"
    if (
        cue.kind == "adjective"
        and _COMPARATIVE.match(text, cue.end)
        and (
            re.search(r"\b(?:less|more)\s+(?:\w+\s+)?$", text[part[0] : cue.start], re.I)
            or re.match(r"(?:less|more)\b", text[cue.start : cue.end], re.I)
        )
    ):
        return IGNORED  # "less likely than some would have you believe": a comparison
    if cue.kind == "adverb" and not _adverb_attached(tokens, first, last):
        return IGNORED
    if cue.kind == "adverb" and _progressive(tokens, first, last):
        return REASON_PRESENT  # "they are probably drafting the rules today"
    if entry is not None and entry.phrase == "should" and _deontic_should(tokens, first, last):
        return IGNORED
    if entry is not None and entry.needs_complement and not _has_complement(tokens, last):
        return None if answers_question else IGNORED
    if (
        entry is not None
        and _needs_future(cue, entry, tokens, first)
        and not _future_oriented(tokens, last, text, part, published)
        and not answers_question
    ):
        return REASON_PRESENT
    return None


__all__ = [
    "IGNORED",
    "REASON_EMBEDDED",
    "REASON_EVALUATION",
    "REASON_HEADLINE",
    "REASON_INTENTION",
    "REASON_META",
    "REASON_PAST",
    "REASON_PRESENT",
    "REASON_QUESTION",
    "REASON_QUOTED",
    "REASON_REPORTED",
    "REASON_WISH",
    "reason_for",
]
