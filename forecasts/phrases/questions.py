"""Turn a forecast clause into a suggested question: "Iraq will support Iran against
US" -> "Will Iraq support Iran against US?".

Rule-based and deliberately modest. It knows the shapes forecasts take in commentary:
"X will VP", "X is likely to VP", "a chance that CLAUSE", "a possibility of NP", "a
chance of X VPing", "for X to VP", "X has no choice but to VP", "I expect X to VP",
"I doubt CLAUSE", "it must be resolved sooner or later". When none fits, the caller
offers the cleaned clause as a statement for the editor to reword.
"""

from __future__ import annotations

import re

# Common verbs of commentary, base forms: enough to find the verb of a present-tense
# clause ("the new striker changes everything" -> "change"), not a dictionary.
VERBS = frozenset(
    {
        "accept",
        "agree",
        "allow",
        "announce",
        "appear",
        "approve",
        "arrive",
        "attack",
        "back",
        "become",
        "begin",
        "believe",
        "break",
        "bring",
        "build",
        "buy",
        "call",
        "cancel",
        "carry",
        "cause",
        "change",
        "choose",
        "clarify",
        "close",
        "collapse",
        "come",
        "continue",
        "cost",
        "cross",
        "cut",
        "decide",
        "decline",
        "default",
        "defeat",
        "deliver",
        "die",
        "drop",
        "elect",
        "end",
        "enter",
        "escalate",
        "expand",
        "face",
        "fail",
        "fall",
        "fight",
        "find",
        "finish",
        "fire",
        "fold",
        "follow",
        "force",
        "form",
        "gain",
        "get",
        "give",
        "go",
        "grow",
        "happen",
        "hit",
        "hold",
        "hurt",
        "increase",
        "invade",
        "join",
        "keep",
        "kill",
        "launch",
        "lead",
        "leave",
        "let",
        "lift",
        "lose",
        "make",
        "manage",
        "mean",
        "meet",
        "merge",
        "move",
        "need",
        "negotiate",
        "offer",
        "open",
        "pass",
        "pay",
        "pick",
        "play",
        "pull",
        "push",
        "put",
        "quit",
        "raise",
        "reach",
        "recover",
        "reduce",
        "refuse",
        "reject",
        "remain",
        "replace",
        "resign",
        "resolve",
        "respond",
        "retaliate",
        "return",
        "rise",
        "rule",
        "run",
        "score",
        "see",
        "seek",
        "sell",
        "send",
        "settle",
        "shift",
        "shrink",
        "sign",
        "slow",
        "spend",
        "split",
        "spread",
        "stabilise",
        "stabilize",
        "stand",
        "start",
        "stay",
        "step",
        "stop",
        "strike",
        "succeed",
        "support",
        "survive",
        "take",
        "talk",
        "tell",
        "tip",
        "topple",
        "trigger",
        "turn",
        "vote",
        "walk",
        "want",
        "win",
        "withdraw",
        "work",
        "worsen",
        "dip",
        "climb",
        "slip",
        "edge",
        "soar",
        "plunge",
        "slump",
        "surge",
        "tumble",
        "crash",
        "peak",
        "hike",
        "ease",
        "tighten",
        "loosen",
        "rally",
        "sink",
        "jump",
        "double",
        "halve",
        "overtake",
        "beat",
        "miss",
        "hire",
        "sack",
        "appoint",
        "ban",
        "block",
        "veto",
        "ratify",
        "shut",
        "reopen",
        "cool",
        "heat",
        "recede",
    }
)

_AUX_BASE = {
    "is": "be",
    "are": "be",
    "'s": "be",
    "'re": "be",
    "am": "be",
    "has": "have",
    "have": "have",
    "does": "do",
    "do": "do",
}
_OBJECT_TO_SUBJECT = {"him": "he", "her": "she", "them": "they", "us": "we", "me": "I"}
_LOWER_FIRST = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "he",
        "she",
        "they",
        "we",
        "you",
        "there",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "some",
        "any",
        "no",
        "every",
        "each",
        "all",
        "both",
        "neither",
        "none",
        "one",
        "two",
        "three",
        "several",
        "many",
        "most",
        "few",
        "much",
        "such",
        "another",
        "other",
    }
)
_ADVERBS = (
    "probably",
    "certainly",
    "definitely",
    "surely",
    "likely",
    "possibly",
    "also",
    "still",
    "then",
    "even",
    "actually",
    "almost",
    "nearly",
    "perhaps",
    "maybe",
    "indeed",
    "really",
    "just",
    "ultimately",
    "eventually",
    "soon",
    "inevitably",
    "undoubtedly",
    "never",
    "ever",
    "well",
    "easily",
)
_DISCOURSE = re.compile(
    r"^(?:\s*(?:(?:\d{1,2}|[a-z])[.)]|\d+(?:st|nd|rd|th)\b|[-*•]|(?:moreover|so|but|and|"
    r"however|still|frankly|finally|first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|"
    r"also|then|thus|hence|therefore|meanwhile|indeed|now|well|look|honestly|anyway|besides|"
    r"in this situation|in that case|in any case|on balance|in short|in the end|of course|"
    r"to be fair|at the moment|this time|longer term|in the long run|as for [\w\s']+?|"
    r"yes|no|sure|agreed|fair|instead|otherwise|again|plus|clearly|obviously|if anything|"
    r"in fact|actually|frankly speaking|to be honest|mind you)\b)[,:]?\s+)+",
    re.IGNORECASE,
)
_HAPPEN = frozenset({"happening", "occurring", "breaking", "erupting", "starting", "coming"})
_E_STEMS = (
    "mak",
    "tak",
    "leav",
    "com",
    "becom",
    "mov",
    "rais",
    "los",
    "clos",
    "decid",
    "resolv",
    "us",
    "chang",
    "giv",
    "hav",
    "liv",
    "serv",
    "forc",
    "declin",
    "collaps",
    "increas",
    "decreas",
    "continu",
    "surviv",
    "retir",
    "announc",
    "produc",
    "reduc",
    "releas",
    "merg",
    "emerg",
    "replac",
    "escalat",
    "negotiat",
    "stabilis",
    "stabiliz",
    "arriv",
    "argu",
    "damag",
    "manag",
    "secur",
    "receiv",
    "achiev",
    "accus",
    "dominat",
    "invad",
    "provok",
    "wag",
    "sabotag",
    "engag",
    "improv",
    "approv",
    "retaliat",
)
SEGMENT_CUT = re.compile(
    r",|;|:|\s[—–-]\s|\s(?:but|because|although|though|while|whereas)\s"
    r"|\s(?:and|or)\s+(?=(?:it|he|she|they|we|I|you|there|this|that)\b)",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"^(?:it|this|that|they)$", re.IGNORECASE)
_SOFTENER_LEAD = re.compile(
    r"^(?:(?:I|we)\s+(?:(?:don't|do not|really|still|just|do|very\s+much)\s+)?(?:think|believe|"
    r"suspect|reckon|guess|feel|fear|imagine|expect|doubt)\s+(?:that\s+)?|in\s+my\s+(?:opinion|view|"
    r"judgment|judgement)\s*,?\s*|my\s+(?:guess|sense|hunch|view)\s+is\s+(?:that\s+)?|"
    r"(?:I\s+|we\s+)?(?:agree|agreed)\s+(?:that\s+)?|(?:I|we)\s+(?:assess|judge|estimate|"
    r"anticipate|predict|forecast|project)\s+(?:that\s+)?)+",
    re.IGNORECASE,
)
_NP_START = re.compile(r"^(?:a|an|some|any|another|no)\s+\w", re.IGNORECASE)
_COUNTED = re.compile(
    r"^(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|more|further|fewer|"
    r"a\s+(?:few|couple\s+of))\s+[a-z]+",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"(?<![\w'’])(?:will|shall|must|won['’]t|(?:is|are|am|['’]s|['’]re)\s+"
    r"(?:not\s+)?going\s+to)\b|['’]ll\b",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).strip(" ,;:-—")


def strip_discourse(text: str) -> str:
    """Drop leading connectives and list markers ("Moreover,", "2nd", "1.", "So")."""
    return _DISCOURSE.sub("", text, count=1).strip()


def first_segment(text: str) -> str:
    """``text`` up to its first comma, semicolon, colon, dash or "but"."""
    match = SEGMENT_CUT.search(text)
    return text[: match.start()] if match else text


def _segment(clause: str, position: int) -> tuple[str, str]:
    """The stretch of ``clause`` around ``position`` between segment cuts, split there."""
    cuts_before = [m.end() for m in SEGMENT_CUT.finditer(clause, 0, position)]
    start = cuts_before[-1] if cuts_before else 0
    after = SEGMENT_CUT.search(clause, position)
    end = after.start() if after else len(clause)
    return clause[start:position], clause[position:end]


def _base_of_s_form(word: str) -> str:
    lower = word.lower()
    if lower in _AUX_BASE:
        return _AUX_BASE[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


def base_of_gerund(word: str) -> str:
    """ "winning" -> "win", "making" -> "make", "resigning" -> "resign" (roughly)."""
    lower = word.lower()
    if not lower.endswith("ing") or len(lower) < 5:
        return word
    stem = word[:-3]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1].lower() not in "lsz":
        return stem[:-1]
    if stem.lower().endswith(_E_STEMS):
        return stem + "e"
    return stem


def _lower_first(phrase: str) -> str:
    words = phrase.split(" ", 1)
    if words and words[0].lower() in _LOWER_FIRST:
        words[0] = words[0].lower()
    return " ".join(words)


def _question(subject: str, predicate: str) -> str | None:
    subject, predicate = _clean(subject), _clean(predicate)
    if not subject or not predicate:
        return None
    subject = _OBJECT_TO_SUBJECT.get(subject.lower(), subject)
    subject = re.sub(r"^(?:nobody|no one|noone)\b", "anybody", subject, flags=re.IGNORECASE)
    subject = re.sub(r"^nothing\b", "anything", subject, flags=re.IGNORECASE)
    subject = re.sub(r"^neither\b", "either", subject, flags=re.IGNORECASE)
    subject = re.sub(r"^none\b", "any", subject, flags=re.IGNORECASE)
    adverbs = r"(?:(?:" + "|".join(_ADVERBS) + r"|not|n't)\s+)*"
    predicate = re.sub(r"^" + adverbs, "", predicate, flags=re.IGNORECASE)
    predicate = predicate.rstrip(".!?\"”' ")
    if not predicate or len(subject.split()) > 14:
        return None
    if predicate.lower() in {"be", "have", "do", "do so", "do it", "be so"}:
        return None  # "it will be." says nothing to ask about
    if subject == "there" and predicate.startswith("be "):
        predicate = "be " + _lower_first(predicate[3:])
    return f"Will {_lower_first(subject)} {predicate}?"


def _earlier_subject(clause: str, position: int) -> str | None:
    """For "This competition ... cannot go on, it must be resolved": the subject of the
    clause before the pronoun's, when it is a noun phrase."""
    cuts = list(SEGMENT_CUT.finditer(clause, 0, position))
    if not cuts:
        return None
    earlier = strip_discourse(clause[: cuts[-1].start()])
    match = re.match(
        r"^(?P<np>(?:the|this|that|these|those|[A-Z])[\w'’ -]*?)\s+(?:is|are|was|"
        r"were|has|have|had|can|cannot|can't|will|won't|must|may|might|could|"
        r"would|should|does|do|did)\b",
        earlier,
    )
    if match and not _PRONOUN_SUBJECT.match(match["np"]):
        return match["np"]
    return None


def question_at_modal(clause: str, modal_start: int, modal_end: int) -> str | None:
    """ "Will S VP?" for the modal at ``clause[modal_start:modal_end]`` ("will", "won't",
    "'ll", "may", "must", "is going to")."""
    before, _ = _segment(clause, modal_start)
    _, after = _segment(clause, modal_end)
    subject = _SOFTENER_LEAD.sub("", strip_discourse(_clean(before))).strip()
    if subject.lower() == "what":
        # "What will happen instead is a slow, expensive muddle": ask about the muddle.
        cleft = re.search(r"\b(?:is|will\s+be)\s+(?P<np>.+)$", clause[modal_end:])
        return _question("there", f"be {cleft['np']}") if cleft else None
    if clause[modal_start:modal_end].replace("’", "'").startswith("'ll"):
        subject = re.sub(r"'$", "", subject)
    subject = re.sub(r"\s+(?:is|are|am|'s|'re)(?:\s+not)?$", "", subject)
    if not subject:
        return None
    if _PRONOUN_SUBJECT.match(subject):
        subject = _earlier_subject(clause, modal_start) or subject
    predicate = re.sub(
        r"^(?:(?:is|are|am|'s|'re|not|n't)\s+)*(?:going\s+to|gonna)\s+",
        "",
        after.strip(),
        flags=re.IGNORECASE,
    )
    predicate = re.sub(r"\b(?:sooner or later|only a matter of time)\b", "", predicate)
    predicate = re.sub(r"^(?:well|easily|very well)\s+", "", predicate.strip())
    return _question(subject, predicate)


def _present_clause(clause: str) -> tuple[str, str] | None:
    """(subject, predicate with a base verb) for "the deal is blocked outright",
    "he spends October on the treatment table", "the new tariffs push prices up"."""
    words = clause.replace("’", "'").split()
    if len(words) < 2:
        return None
    contraction = re.match(r"^(he|she|it|that|there|who|what)'s$", words[0].lower())
    if contraction:
        return words[0][:-2], " ".join(["be", *words[1:]])
    first = words[0].lower()
    if first in {"they", "we", "you", "i"} and words[1].isalpha():
        return words[0], " ".join(words[1:])  # "they hike again": already a base form
    if first in {"he", "she", "it"} and words[1].lower().endswith("s"):
        return words[0], " ".join([_base_of_s_form(words[1]), *words[2:]])
    for i, word in enumerate(words[1:], start=1):
        lower = word.lower().strip(",.;:")
        if lower in _AUX_BASE:
            return " ".join(words[:i]), " ".join([_AUX_BASE[lower], *words[i + 1 :]])
        if lower in _ADVERBS:
            continue
        if lower in VERBS:
            return " ".join(words[:i]), " ".join(words[i:])
        base = _base_of_s_form(lower)
        if base != lower and base in VERBS:
            return " ".join(words[:i]), " ".join([base, *words[i + 1 :]])
        base = _base_of_ed_form(lower)
        if base != lower and base in VERBS:
            # "I'd be surprised if the fix dropped below 4%": a past form after "if"
            return " ".join(words[:i]), " ".join([base, *words[i + 1 :]])
    return None


def _base_of_ed_form(word: str) -> str:
    if not word.endswith("ed") or len(word) < 5:
        return word
    if word.endswith("ied"):
        return word[:-3] + "y"
    stem = word[:-2]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem if stem in VERBS else stem + "e" if stem + "e" in VERBS else stem


def question_from_clause(clause: str) -> str | None:
    """A "Will ...?" question for the first clause of ``clause``, or None."""
    clause = _SOFTENER_LEAD.sub("", strip_discourse(_clean(clause)))
    clause = re.sub(r"^that\s+", "", clause, flags=re.IGNORECASE)
    clause = first_segment(clause).strip()
    if not clause:
        return None
    modal = _MODAL.search(clause)
    if modal is None:
        modal = re.search(r"(?<![\w'])(?:may|might|could|must)\b", clause, re.IGNORECASE)
    if modal is not None and modal.start() > 0:
        question = question_at_modal(clause, modal.start(), modal.end())
        if question:
            return question
    present = _present_clause(first_segment(clause))
    return _question(*present) if present is not None else None


_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|its|their|his|her|our|my|your|next|every)\s*$",
    re.IGNORECASE,
)


def _gerund_question(rest: str) -> str | None:
    """ "war happening between these two" -> "Will there be war between these two?";
    "any club ... making it past the quarter-finals" -> "Will any club ... make it past
    the quarter-finals?"."""
    rest = first_segment(rest)
    # the first -ing word that is a verb: not "the coming year", "its remaining games"
    verb = next(
        (
            m
            for m in re.finditer(r"\s(?P<verb>[a-z]+ing)\b", rest)
            if not _DETERMINER_BEFORE.search(rest[: m.start()])
        ),
        None,
    )
    match = None
    if verb is not None and rest[: verb.start()].strip():
        match = {
            "np": rest[: verb.start()].strip(),
            "verb": verb["verb"],
            "tail": rest[verb.end() :].strip(),
        }
    if not match or len(match["np"].split()) > 10:
        return None
    if match["verb"].lower() in _HAPPEN:
        tail = re.sub(r"^(?:out|place)\s+", "", match["tail"])
        return _question("there", f"be {match['np']} {tail}")
    return _question(match["np"], f"{base_of_gerund(match['verb'])} {match['tail']}")


_PROBABILITY_WORD = re.compile(
    r"^(?:chances?|probability|likelihood|odds|shot|risk|possibility|sure|certain|confident)"
    r"\b\s*",
    re.IGNORECASE,
)
_CHANCE_OF_BEFORE = re.compile(
    r"\b(?:chances?|probability|likelihood|odds|risk|possibility)\s+(?P<rest>(?:of|that|on)\s+"
    r".+?)\s+(?:at|is|are|as|to\s+be)\b[\w\s]{0,24}$",
    re.IGNORECASE,
)


def _noun_question(after: str) -> str | None:
    """The question of what follows a probability noun or a stated number."""
    after = after.strip()
    if not after:
        return None
    after = re.sub(r"^whether\s+", "", after, flags=re.IGNORECASE)
    lead = re.match(r"^(?P<word>of|for|on|that|against)\s+(?P<rest>.+)$", after, re.IGNORECASE)
    word = lead["word"].lower() if lead else ""
    rest = lead["rest"] if lead else after
    if word == "that":
        return question_from_clause(rest)
    if word == "for":
        to = re.match(r"^(?P<subject>\w+(?:\s+\w+){0,4}?)\s+to\s+(?P<vp>.+)$", rest)
        if to:
            return _question(to["subject"], first_segment(to["vp"]))
        level = re.match(
            r"^(?P<subject>[\w' -]+?)\s+of\s+(?P<level>(?:around|about|roughly|some|close\s+to)"
            r"\s+[\d.]+(?:\s*[¼½¾]|\s+[13]/[24])?\s*(?:%|per\s*cent|percent))(?P<tail>.*)$",
            rest,
            re.IGNORECASE,
        )
        if level:  # "our forecast is for growth of around 2 per cent next year"
            return _question(level["subject"], f"be {level['level']}{level['tail']}")
    if word in ("of", "on", "against", "for"):
        if rest.split()[0].lower().endswith("ing"):
            return None  # "a chance of meeting the target": no subject to ask about
        question = _gerund_question(rest)
        if question:
            return question
        if word == "of":
            return _question("there", f"be {first_segment(rest)}")
        return question_from_clause(rest)
    return question_from_clause(rest) if rest else None


def question_for(
    clause: str, phrase_start: int, phrase_end: int, kind: str, phrase: str
) -> str | None:
    """A question for the forecast of ``clause`` whose estimative words are
    ``clause[phrase_start:phrase_end]`` (of the given kind), or None."""
    question = _question_for(clause, phrase_start, phrase_end, kind, phrase)
    if question is None and kind != "modal":
        # "They will win, I'm sure of it": the event is in another part of the clause.
        blanked = clause[:phrase_start] + " " * (phrase_end - phrase_start) + clause[phrase_end:]
        modal = _MODAL.search(blanked)
        if modal is not None:
            question = question_at_modal(blanked, modal.start(), modal.end())
    return question


def _question_for(
    clause: str, phrase_start: int, phrase_end: int, kind: str, phrase: str
) -> str | None:
    before = clause[:phrase_start].strip()
    after = clause[phrase_end:].strip()
    if kind == "modal":
        return question_at_modal(clause, phrase_start, phrase_end)
    if kind == "idiom" and re.search(r"choice|option|alternative", phrase):
        vp = re.search(r"\bbut\s+to\s+(?P<vp>.+)$", after, re.IGNORECASE)
        subject = re.sub(
            r"\s*(?:has|have|had|will\s+have|'ll\s+have|is\s+left\s+with|"
            r"are\s+left\s+with)\s*$",
            "",
            before,
            flags=re.IGNORECASE,
        )
        subject = strip_discourse(subject)
        if vp and subject:
            return _question(subject, first_segment(vp["vp"]))
        return None
    if kind == "idiom":
        that = re.search(r"\bthat\s+(?P<clause>.+)$", after, re.IGNORECASE)
        if that:
            return question_from_clause(that["clause"])
        blanked = clause[:phrase_start] + " " * (phrase_end - phrase_start) + clause[phrase_end:]
        modals = [m for m in _MODAL.finditer(blanked)]
        if modals:
            nearest = min(modals, key=lambda m: abs(m.start() - phrase_start))
            return question_at_modal(blanked, nearest.start(), nearest.end())
        noun_phrase = strip_discourse(first_segment(before))
        if noun_phrase and re.match(r"^(?:a|an)\s", noun_phrase, re.IGNORECASE):
            return _question("there", f"be {noun_phrase}")
        return question_from_clause(before) if before else None
    if kind == "noun" and re.search(r"\b(?:for|that)$", clause[phrase_start:phrase_end]):
        lead = clause[phrase_start:phrase_end].rsplit(" ", 1)[-1]
        question = _noun_question(f"{lead} {after}")  # "our central forecast is for X to VP"
        if question:
            return question
    if kind in ("noun", "number"):
        inside = re.match(
            r"^(?:the\s+)?(?:chances?|odds|prospects?|possibility|likelihood|"
            r"probability|risk)\s+(?P<rest>(?:of|that|for)\s+.+?)\s+(?:is|are|"
            r"seems?|looks?|remains?)\b",
            clause[phrase_start:phrase_end],
            re.IGNORECASE,
        )
        if inside:  # "the chance of a deal is slim"
            question = _noun_question(inside["rest"])
            if question:
                return question
        if kind == "number":
            after = _PROBABILITY_WORD.sub("", after)
            if not re.match(r"^(?:of|that|on|for|against)\b", after, re.IGNORECASE):
                chance = _CHANCE_OF_BEFORE.search(before)
                if chance:
                    question = _noun_question(chance["rest"])
                    if question:
                        return question
                if not after or re.match(
                    r"^(?:at\s+(?:most|best|least)|or\s+(?:less|more))", after, re.IGNORECASE
                ):
                    after = ""
        question = _noun_question(after)
        if question:
            return question
        subject = re.match(
            r"^(?P<subject>.+?)\s+(?:has|have|stands?)\s+(?:a|an)?\s*$", before, re.IGNORECASE
        )
        of = re.match(r"^of\s+(?P<verb>\w+ing)\b\s*(?P<tail>.*)$", after, re.IGNORECASE)
        if subject and of:
            return _question(
                strip_discourse(subject["subject"]),
                f"{base_of_gerund(of['verb'])} {first_segment(of['tail'])}",
            )
        if kind == "number":
            modal = _MODAL.search(clause)
            if modal is not None:
                return question_at_modal(clause, modal.start(), modal.end())
        return None
    if kind == "adjective":
        subject = re.sub(
            r"\s*\b(?:is|are|am|'s|'re|seems?|looks?|appears?|remains?|isn't|"
            r"aren't)\b(?:\s+(?:not|n't|very|highly|quite|now|also|still|"
            r"increasingly|so|all\s+that|particularly))*\s*$",
            "",
            before,
            flags=re.IGNORECASE,
        )
        subject = strip_discourse(subject)
        # "the economy is weak and this is expected to continue": the last clause's subject
        subject = re.split(r",\s+|\s+(?:and|but|while|because|as)\s+", subject)[-1]
        to = re.match(r"^to\s+(?P<vp>.+)$", after, re.IGNORECASE)
        if to is None and re.search(r"\bto$", clause[phrase_start:phrase_end]):
            to = re.match(r"^(?P<vp>.+)$", after)  # "is expected to [rise]"
        if to and subject:
            return _question(subject, first_segment(to["vp"]))
        impersonal = not subject or re.search(r"\bit$", subject, re.IGNORECASE)
        if after and impersonal:
            return question_from_clause(re.sub(r"^that\s+", "", after))
        if not after and re.match(r"^(?:a|an)\s+\w+", subject, re.IGNORECASE):
            return _question("there", f"be {subject}")
        if after and not to:
            question = question_from_clause(after)
            if question is None and _NP_START.match(after):
                return _question("there", f"be {first_segment(after)}")
            if question is None and _NP_START.match(subject):
                return _question("there", f"be {subject} {first_segment(after)}")
            return question
        return None
    if kind == "verb":
        to = re.match(r"^(?P<subject>\w+(?:\s+\w+){0,4}?)\s+to\s+(?P<vp>.+)$", after)
        if to and not re.search(r"doubt|surprised", phrase):
            return _question(to["subject"], first_segment(to["vp"]))
        if re.search(
            r"bet|banking|counting|money|fancy",
            phrase + clause[phrase_start:phrase_end],
            re.IGNORECASE,
        ) and not re.search(r"\bthat\b", after[:6]):
            backed = re.sub(r"^(?:on|for)\s+", "", after, flags=re.IGNORECASE)
            backed = re.split(r"\s+to\s+|,", backed)[0].rstrip(" .!")
            if backed and len(backed.split()) <= 6:
                return _question(backed, "win")  # "I'm betting on the incumbent"
        rest = re.sub(r"^(?:if|that|on|whether|to\s+see|for)\s+", "", after, flags=re.IGNORECASE)
        if _COUNTED.match(rest):  # "expects two rate cuts by Christmas"
            return _question("there", f"be {first_segment(rest)}")
        question = question_from_clause(rest) if rest else None
        if question is None and _NP_START.match(rest):
            return _question("there", f"be {first_segment(rest)}")
        return question
    if kind == "adverb":
        seg_before, _ = _segment(clause, phrase_start)
        _, seg_after = _segment(clause, phrase_end)
        return question_from_clause(f"{seg_before.strip()} {seg_after.strip()}")
    return question_from_clause(clause)


_HOW_LIKELY = re.compile(
    r"^(?:so,?\s+)?(?:how\s+(?:likely|probable)\s+is\s+(?:it\s+that\s+(?P<clause>.+)|"
    r"(?P<np>.+))|what\s+(?:are|is)\s+the\s+(?:chances?|odds|probability|likelihood|risk)\s+"
    r"(?P<rest>(?:of|that|on)\s+.+))$",
    re.IGNORECASE,
)
_POLAR = re.compile(
    r"^(?:and\s+|but\s+|so\s+)?(?:will|would|is|are|was|were|do|does|did|can|"
    r"could|should|has|have|shall|may|might)\b",
    re.IGNORECASE,
)


def question_from_asked(asked: str) -> str | None:
    """The forecast question an interviewer's question poses: a yes/no question as it
    stands ("Will he run again, though?" -> "Will he run again?"), "How likely is a
    crash?" -> "Will there be a crash?"; None for other questions ("Who benefits?")."""
    body = _clean(asked).rstrip("?\"”' ")
    body = re.sub(
        r",\s*(?:though|then|really|anyway|do you think|you think)$", "", body, flags=re.IGNORECASE
    )
    body = re.sub(r"^(?:and|but|so|ok|okay|well)\s*,?\s+", "", body, flags=re.IGNORECASE)
    likely = _HOW_LIKELY.match(body)
    if likely:
        if likely["clause"]:
            return question_from_clause(likely["clause"])
        if likely["np"]:
            return _question("there", f"be {likely['np']}")
        return _noun_question(likely["rest"])
    if _POLAR.match(body):
        return body[:1].upper() + body[1:] + "?"
    return None


_EVALUATIVE = re.compile(
    r"\b(?:unfortunately|fortunately|finally|frankly|sadly|happily|hopefully|honestly|"
    r"surely|really|obviously|clearly|basically|probably|possibly|likely|perhaps|maybe|"
    r"definitely|certainly|undoubtedly|inevitably|quite\s+possibly|very\s+likely|"
    r"almost\s+certainly|most\s+likely)\s+",
    re.IGNORECASE,
)
_PRONOUN_QUESTION = re.compile(
    r"^Will\s+(?:it|they|he|she|this|that|these|those|we|you|i|us|our)\b", re.IGNORECASE
)
HEDGE_WORDS = re.compile(
    r"\b(?:I\s+think|I\s+believe|I'm\s+betting|I\s+bet|I\s+expect|I\s+doubt|probably|"
    r"perhaps|maybe|likely|unlikely|chance|possib\w+|may|might|could|should|predict\w*|"
    r"expect\w*|forecast\w*)\b",
    re.IGNORECASE,
)


_FRACTIONS = {"¼": 0.25, "½": 0.5, "¾": 0.75, "1/4": 0.25, "1/2": 0.5, "3/4": 0.75}
_APPROXIMATE = re.compile(
    r"\bbe\s+(?:around|about|roughly|approximately|close\s+to|near|some)\s+"
    r"(?P<whole>\d+(?:\.\d+)?)(?:\s*(?P<frac>[¼½¾]|[13]/[24]))?\s*"
    r"(?P<unit>%|per\s*cent|percent)",
    re.IGNORECASE,
)


def _percent_value(whole: str, frac: str | None) -> float:
    if frac is None and re.fullmatch(r"\d[13]/[24]", whole + ""):
        return float(whole[0]) + _FRACTIONS[whole[1:]]
    value = float(whole)
    return value + _FRACTIONS.get(frac or "", 0.0)


def threshold(question: str) -> str:
    """A numeric target as a threshold an outcome can be checked against: "Will CPI
    inflation be around 3 1/4 per cent by ...?" -> "... be at or below 3.25% by ...?"; a
    quantity one hopes rises (growth, employment, turnout) is asked "at or above"."""

    subject = question.split(" be ", 1)[0].lower()
    rising = re.search(
        r"\b(?:growth|gdp|output|employment|jobs|wages?|productivity|exports?|"
        r"investment|turnout|share|majority)\b",
        subject,
    )
    bound = "at or above" if rising else "at or below"

    def replace(match: re.Match) -> str:
        whole, frac = match["whole"], match["frac"]
        mangled = re.fullmatch(r"(\d)([13])$", whole) and frac and frac.startswith("/")
        if mangled:  # "31/4 per cent": 3 1/4 with its space lost
            value = int(whole[0]) + _FRACTIONS[whole[1] + frac]
        else:
            value = _percent_value(whole, frac)
        return f"be {bound} {value:g}%"

    return _APPROXIMATE.sub(replace, question)


def tidy(question: str) -> str:
    """A question an editor can keep: asides in brackets and evaluative adverbs ("Will
    City unfortunately finally win the CL?") taken out, a numeric target as a threshold."""
    if not question.startswith("Will ") or not question.endswith("?"):
        return question
    body = re.sub(r"\s*\([^()]*\)", "", question[5:-1])
    body = re.sub(r"[\"“”]", "", body)
    body = _EVALUATIVE.sub("", body)
    body = threshold(body)
    body = re.sub(r"\bbe\s+be\b", "be", body)
    body = " ".join(body.split()).strip(" ,;:-")
    return f"Will {body}?" if body else question


def usable(question: str) -> bool:
    """Whether a question can stand as written: "Will" + a named subject, no hedge words,
    not too long (else the candidate says "question to be reworded")."""
    if not (question.startswith("Will ") and question.endswith("?")):
        return False
    if _PRONOUN_QUESTION.match(question) or HEDGE_WORDS.search(question[5:]):
        return False
    return 4 <= len(question.split()) <= 30


def statement(clause: str) -> str:
    """The cleaned clause, for an editor to reword when no question rule fits."""
    text = strip_discourse(_clean(clause))
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
