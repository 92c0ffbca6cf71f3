"""Time expressions in a forecast, resolved against the date the text was published.

A forecast's deadline is the last day on which it can still come true:

* a named period ends with it: "this year", "by 2030" (31 December 2030), "in March"
  (the next March that has not ended), "by the end of the month", "next week"
  (Monday-to-Sunday weeks), "in the first quarter", "through the summer";
* "before X" ends the day before X begins: "before September" is 31 August,
  "before 2026" is 31 December 2025, "before Christmas" is 24 December;
* durations count from the publication date: "within six months", "in the next two
  years", "over the coming weeks"; vague ones are read as "within days" = 14 days,
  "within weeks" = 8 weeks, "within months" = 6 months, "in the coming years" = 3 years;
  "a few" is 3 and "several" 5;
* seasons are meteorological, northern hemisphere: spring March-May, summer June-August,
  autumn September-November, winter December-February; "next winter" is the first
  winter that has not begun, "this winter" or "the winter" the first that has not ended;
* weekdays: "on Saturday" is the next Saturday after the publication date;
* "the middle of next year" is 30 June, "early 2025" 31 March, "late 2025" 31 December,
  "end-2021" 31 December 2021, "in 2021-26" 31 December 2026;
* a sports "season" is the football calendar's, August to May: "this season" ends on the
  31 May after the summer break;
* named days: Christmas, New Year, Valentine's Day, Halloween, Easter (dateutil); dates
  written in figures ("2025-03-31", "31/03/2025") are read by dateparser.

Expressions that name an event instead of a time ("before the election") give no date;
``find_event`` reports them so an editor can set one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from forecasts.phrases.numbers import word_number

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month
VAGUE = {"days": dt.timedelta(days=14), "weeks": dt.timedelta(weeks=8)}
VAGUE_MONTHS = {"months": 6, "years": 36}

_MONTH_RE = (
    r"(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_YEAR_RE = r"(?:19|20|21)\d\d"
_NUM_RE = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"eighteen|twenty|thirty|a\s+few|few|several|a\s+couple\s+of|couple\s+of)"
)
_UNIT_RE = r"(?:days?|weeks?|months?|years?|decades?)"


@dataclass(frozen=True)
class Deadline:
    """A time expression and the last day it allows."""

    date: dt.date
    phrase: str
    start: int | None  # offsets in the text searched; None when read from elsewhere
    end: int | None
    rule: str

    @property
    def wording(self) -> str:
        """The deadline as a question can state it: "by 31 March 2024"."""
        return f"by {self.date.day} {calendar.month_name[self.date.month]} {self.date.year}"

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "phrase": self.phrase,
            "start": self.start,
            "end": self.end,
            "rule": self.rule,
        }


# ------------------------------------------------------------------------ calendar


def end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_week(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=6 - day.weekday())


def season_bounds(name: str, year: int) -> tuple[dt.date, dt.date]:
    """The season that begins in ``year``: (first day, last day)."""
    first = SEASONS[name]
    start = dt.date(year, first, 1)
    return start, end_of_month(*divmod_month(year, first + 2))


def divmod_month(year: int, month: int) -> tuple[int, int]:
    return year + (month - 1) // 12, (month - 1) % 12 + 1


def _season(name: str, published: dt.date, following: bool) -> tuple[dt.date, dt.date]:
    """ "this/the winter" (first not yet ended) or "next winter" (first not yet begun)."""
    for year in (published.year - 1, published.year, published.year + 1):
        start, end = season_bounds(name, year)
        if (start > published) if following else (end >= published):
            return start, end
    return season_bounds(name, published.year + 1)


def _month(month: int, published: dt.date, year: int | None = None, following: bool = False) -> int:
    """The year of the next ``month`` that has not ended (or, ``following``, not begun)."""
    if year is not None:
        return year
    if month > published.month or (month == published.month and not following):
        return published.year
    return published.year + 1


def _count(text: str) -> float | None:
    text = " ".join(text.lower().split())
    if text in ("a", "an"):
        return 1
    if text in ("a few", "few"):
        return 3
    if text == "several":
        return 5
    if text in ("a couple of", "couple of"):
        return 2
    return word_number(text)


def _after(published: dt.date, amount: float, unit: str) -> dt.date:
    unit = unit.rstrip("s")
    if unit == "day":
        return published + dt.timedelta(days=round(amount))
    if unit == "week":
        return published + dt.timedelta(weeks=amount)
    if unit == "month":
        return add_months(published, round(amount))
    if unit == "year":
        return add_months(published, round(amount * 12))
    return add_months(published, round(amount * 120))  # decade


# --------------------------------------------------------------------------- rules

Resolver = Callable[[re.Match, dt.date], tuple[dt.date, str] | None]
_RULES: list[tuple[re.Pattern, Resolver]] = []


def _rule(pattern: str) -> Callable[[Resolver], Resolver]:
    def register(function: Resolver) -> Resolver:
        _RULES.append((re.compile(pattern, re.IGNORECASE), function))
        return function

    return register


def _before(match: re.Match) -> bool:
    return (match["prep"] or "").lower().strip() == "before"


_PREP = (
    r"\b(?:(?P<prep>by|before|until|till|through|throughout|in|within|during|for|into|"
    r"from|on|at)\s+)?"
)


@_rule(
    _PREP + r"(?:the\s+)?end\s+of\s+(?:(?P<this>this|the|next)\s+)?"
    r"(?P<unit>year|month|week|decade|quarter|summer|winter|spring|autumn|fall)\b"
)
def _end_of_period(match, published):
    unit, which = match["unit"].lower(), (match["this"] or "the").lower()
    following = which == "next"
    if unit == "year":
        return dt.date(published.year + following, 12, 31), f"end of the {which} year"
    if unit == "month":
        month = add_months(published.replace(day=1), int(following))
        return end_of_month(month.year, month.month), f"end of the {which} month"
    if unit == "week":
        return end_of_week(published) + dt.timedelta(weeks=int(following)), "end of the week"
    if unit == "decade":
        decade_end = published.year - published.year % 10 + 9 + 10 * following
        return dt.date(decade_end, 12, 31), "end of the decade"
    if unit == "quarter":
        quarter_end = (published.month - 1) // 3 * 3 + 3 + 3 * following
        year, month = divmod_month(published.year, quarter_end)
        return end_of_month(year, month), "end of the quarter"
    return _season(unit, published, following)[1], f"end of the {unit}"


@_rule(
    _PREP
    + r"(?:the\s+)?end\s+of\s+(?P<month>"
    + _MONTH_RE
    + r")\b(?:\s+(?P<year>"
    + _YEAR_RE
    + r"))?"
)
def _end_of_month_named(match, published):
    month = MONTHS[match["month"].lower()]
    year = _month(month, published, int(match["year"]) if match["year"] else None)
    return end_of_month(year, month), "end of the month named"


@_rule(_PREP + r"(?:the\s+)?end\s+of\s+(?P<year>" + _YEAR_RE + r")\b")
def _end_of_year_named(match, published):
    return dt.date(int(match["year"]), 12, 31), "end of the year named"


@_rule(
    _PREP + r"(?:the\s+)?(?P<part>middle|mid|first\s+half|second\s+half|start|beginning|"
    r"early|late|latter\s+part)(?:\s+of|-)?\s*(?:(?P<which>this|next)\s+year|(?P<year>"
    + _YEAR_RE
    + r"))\b"
)
def _part_of_year(match, published):
    if match["year"]:
        year = int(match["year"])
    else:
        year = published.year + (match["which"].lower() == "next")
    part = " ".join(match["part"].lower().split())
    if part in ("start", "beginning"):
        if _before(match) or (match["prep"] or "").lower() == "by":
            return dt.date(year - 1, 12, 31), "before the year begins"
        return dt.date(year, 3, 31), "the start of the year (first quarter)"
    if part == "early":
        return dt.date(year, 3, 31), "early in the year (first quarter)"
    if part in ("middle", "mid", "first half"):
        return dt.date(year, 6, 30), "the middle of the year (30 June)"
    return dt.date(year, 12, 31), "late in the year"


@_rule(
    _PREP + r"(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
    r"(?:\s+of\s+(?:(?P<which>this|next)\s+year|(?P<year>" + _YEAR_RE + r")))?\b"
    r"|\b(?P<qq>q[1-4])(?:\s+(?P<year2>" + _YEAR_RE + r"))?\b"
)
def _quarter(match, published):
    names = {
        "first": 1,
        "1st": 1,
        "second": 2,
        "2nd": 2,
        "third": 3,
        "3rd": 3,
        "fourth": 4,
        "4th": 4,
    }
    quarter = int(match["qq"][1]) if match["qq"] else names[match["q"].lower()]
    if match["year"] or match["year2"]:
        year = int(match["year"] or match["year2"])
    elif match["which"]:
        year = published.year + (match["which"].lower() == "next")
    else:
        year = published.year + (quarter * 3 < published.month)
    return end_of_month(year, quarter * 3), "end of the quarter named"


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|through|in|on|at)\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"\s+(?:of\s+)?(?P<month>" + _MONTH_RE + r")\b(?:,?\s+(?P<year>" + _YEAR_RE + r"))?"
)
def _day_month(match, published):
    return _exact_day(match, published)


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|through|in|on|at)\s+)?(?P<month>"
    + _MONTH_RE
    + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>"
    + _YEAR_RE
    + r"))?"
)
def _month_day(match, published):
    return _exact_day(match, published)


def _exact_day(match, published):
    if match["month"][0].islower() and match["month"].lower() in ("may", "march"):
        return None
    month, day = MONTHS[match["month"].lower()], int(match["day"])
    year = int(match["year"]) if match["year"] else None
    if year is None:
        year = published.year
        try:
            if dt.date(year, month, day) < published:
                year += 1
        except ValueError:
            return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if _before(match):
        return date - dt.timedelta(days=1), "the day before the date named"
    return date, "the date named"


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|through|in|during|for|from|into|since)\s+|"
    r"(?P<det>a|an|the|its|their|his|her|this|next|last)\s+)"
    r"(?P<month>" + _MONTH_RE + r")\b(?:\s+(?P<year>" + _YEAR_RE + r"))?(?!\s*\d)"
)
def _month_named(match, published):
    if match["month"][0].islower():
        return None  # "the march of progress", the modal "may": months are capitalised
    if (match["det"] or "").lower() == "last" or (match["prep"] or "").lower() == "since":
        return None
    month = MONTHS[match["month"].lower()]
    following = (match["det"] or "").lower() == "next"
    year = _month(month, published, int(match["year"]) if match["year"] else None, following)
    if _before(match):
        return dt.date(year, month, 1) - dt.timedelta(days=1), "the day before the month named"
    return end_of_month(year, month), "end of the month named"


@_rule(r"(?<=[a-z,]\s)(?P<month>" + _MONTH_RE + r")\b(?!\s*\d)")
def _bare_month(match, published):
    """ "he spends October injured": a month named mid-sentence, without a preposition."""
    word = match["month"]
    if not word[0].isupper() or word.lower() in ("may", "march", "jan", "mar", "sep", "dec"):
        return None
    month = MONTHS[word.lower()]
    return end_of_month(_month(month, published), month), "end of the month named"


@_rule(
    r"\b(?P<prep>by|before|until|till|through|in|during|for|within|from)\s+(?P<year>"
    + _YEAR_RE
    + r")\b(?!\s*[-–]?\s*\d)"
)
def _year_named(match, published):
    year = int(match["year"])
    if _before(match):
        return dt.date(year - 1, 12, 31), "the day before the year named"
    if (match["prep"] or "").lower() == "from":
        return None
    return dt.date(year, 12, 31), "end of the year named"


@_rule(r"\b(?P<which>this|next)\s+(?P<unit>year|month|week|decade|quarter)\b")
def _this_next(match, published):
    following = match["which"].lower() == "next"
    unit = match["unit"].lower()
    if unit == "year":
        return dt.date(published.year + following, 12, 31), f"end of {match['which']} year"
    if unit == "month":
        month = add_months(published.replace(day=1), int(following))
        return end_of_month(month.year, month.month), f"end of {match['which']} month"
    if unit == "week":
        return (
            end_of_week(published) + dt.timedelta(weeks=int(following)),
            f"end of {match['which']} week (Sunday)",
        )
    if unit == "decade":
        decade_end = published.year - published.year % 10 + 9 + 10 * following
        return dt.date(decade_end, 12, 31), "end of the decade"
    quarter_end = (published.month - 1) // 3 * 3 + 3 + 3 * following
    year, month = divmod_month(published.year, quarter_end)
    return end_of_month(year, month), "end of the quarter"


@_rule(_PREP + r"(?:(?P<which>this|next|the|)\s*)(?P<season>spring|summer|autumn|fall|winter)\b")
def _season_named(match, published):
    which = (match["which"] or "").lower()
    prep = (match["prep"] or "").lower()
    if not which and not prep:
        return None
    start, end = _season(match["season"].lower(), published, which == "next")
    if _before(match):
        return start - dt.timedelta(days=1), "the day before the season begins"
    return end, f"end of {which or 'the'} {match['season'].lower()}"


@_rule(
    r"\b(?:(?P<prep>within|in|over|during|inside)\s+)(?:the\s+)?(?:(?:next|coming|"
    r"following)\s+)?(?P<n>" + _NUM_RE + r")\s+(?P<unit>" + _UNIT_RE + r")\b"
    r"(?:'s\s+time|\s+time)?|\b(?P<n2>"
    + _NUM_RE
    + r")\s+(?P<unit2>"
    + _UNIT_RE
    + r")\s+from\s+now\b"
)
def _duration(match, published):
    amount = _count(match["n"] or match["n2"])
    unit = (match["unit"] or match["unit2"]).lower()
    if amount is None:
        return None
    return _after(published, amount, unit), f"{amount:g} {unit.rstrip('s')}(s) after publication"


@_rule(
    r"\b(?:(?:within|in|over|during|throughout|for)\s+)?the\s+(?:next|coming|following)\s+"
    r"(?P<unit>year|month|week)\b"
)
def _the_coming_unit(match, published):
    """ "in the coming year", "over the next month": one such span from publication (not
    the calendar's "next year", which ends on 31 December)."""
    unit = match["unit"].lower()
    return _after(published, 1, unit), f"one {unit} after publication"


@_rule(
    r"\b(?:by|until|till|before|around)?\s*(?:this|the\s+same)\s+time\s+next\s+(?P<unit>year|month|week)\b"
)
def _this_time_next(match, published):
    """ "until this time next year": a year after publication."""
    unit = match["unit"].lower()
    return _after(published, 1, unit), f"this time next {unit}: one {unit} after publication"


@_rule(
    r"\b(?:within|in|over)\s+(?:the\s+)?(?:(?P<coming>next|coming)\s+)?(?P<unit>days|weeks|"
    r"months|years)\b"
)
def _vague_duration(match, published):
    unit = match["unit"].lower()
    if unit in VAGUE:
        return published + VAGUE[unit], f"'{unit}' read as {VAGUE[unit].days} days"
    months = VAGUE_MONTHS[unit]
    return add_months(published, months), f"'{unit}' read as {months} months"


@_rule(r"\b(?P<word>tomorrow|the\s+day\s+after\s+tomorrow|this\s+weekend|next\s+weekend)\b")
def _near(match, published):
    word = " ".join(match["word"].lower().split())
    if word == "tomorrow":
        return published + dt.timedelta(days=1), "the day after publication"
    if word == "the day after tomorrow":
        return published + dt.timedelta(days=2), "two days after publication"
    sunday = end_of_week(published)
    if word == "next weekend":
        sunday += dt.timedelta(weeks=1)
    return sunday, "the Sunday of that weekend"


@_rule(
    r"\b(?:(?P<prep>on|by|before|until|till|this|next)\s+)(?P<day>monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)\b"
)
def _weekday(match, published):
    target = WEEKDAYS[match["day"].lower()]
    days = (target - published.weekday()) % 7 or 7
    date = published + dt.timedelta(days=days)
    if (match["prep"] or "").lower() == "next" and days < 7 - published.weekday():
        date += dt.timedelta(weeks=1)
    if _before(match):
        return date - dt.timedelta(days=1), "the day before the weekday named"
    return date, "the next such weekday"


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|at|for|over)\s+)(?P<day>christmas(?:\s+day)?|"
    r"christmas\s+eve|new\s+year'?s?(?:\s+(?:day|eve))?|the\s+new\s+year|year-end|year\s+end)\b"
)
def _holiday(match, published):
    day = " ".join(match["day"].lower().split())
    if day.startswith("christmas"):
        date = dt.date(published.year, 12, 24 if "eve" in day else 25)
    elif day in ("year-end", "year end") or "eve" in day:
        date = dt.date(published.year, 12, 31)
    else:
        date = dt.date(published.year + 1, 1, 1)
    if date < published:
        date = date.replace(year=date.year + 1)
    if _before(match):
        return date - dt.timedelta(days=1), "the day before the holiday"
    return date, "the holiday"


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|through|for|in|during|over)\s+)?"
    r"(?:the\s+)?(?P<which>this|next|the|coming|current|new)\s+season\b(?!\s+(?:ticket|opener))"
)
def _sports_season(match, published):
    """A season of the (northern-hemisphere, August-to-May) football calendar: "this
    season" ends on the 31 May after the summer break, "next season" a year later."""
    end_year = published.year + (published.month >= 7)
    if match["which"].lower() == "next":
        end_year += 1
    if _before(match):
        return dt.date(end_year - 1, 7, 31), "the day before the season begins"
    return dt.date(end_year, 5, 31), "end of the season (31 May)"


@_rule(
    r"\b(?P<prep>by|before|until|till|at|from)?\s*(?:the\s+)?end[-\s](?P<year>" + _YEAR_RE + r")\b"
)
def _end_year_short(match, published):
    """ "by end-2021", "by end 2025": the end of the year named."""
    if (match["prep"] or "").lower() == "from":
        return None
    return dt.date(int(match["year"]), 12, 31), "end of the year named"


@_rule(
    r"\b(?:in|for|over|during|through|from)?\s*(?P<first>"
    + _YEAR_RE
    + r")\s*[-–/]\s*(?P<last>\d{2}|"
    + _YEAR_RE
    + r")\b(?!\s*(?:season|-\d))"
)
def _year_range(match, published):
    """ "in 2021-26", "over 2024-2026": the end of the range's last year."""
    first, last = int(match["first"]), match["last"]
    year = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    if year <= first:
        return None
    return dt.date(year, 12, 31), "end of the last year of the range"


_NAMED_DAYS = {"valentine": (2, 14), "halloween": (10, 31), "independence day": (7, 4)}


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|on|at|for)\s+)(?P<day>valentine['’]?s(?:\s+day)?|"
    r"halloween|independence\s+day|easter(?:\s+sunday)?)\b"
)
def _named_day(match, published):
    word = " ".join(match["day"].lower().split())
    if word.startswith("easter"):
        from dateutil.easter import easter

        date = easter(published.year)
        if date < published:
            date = easter(published.year + 1)
    else:
        key = next(k for k in _NAMED_DAYS if word.startswith(k))
        month, day = _NAMED_DAYS[key]
        date = dt.date(published.year, month, day)
        if date < published:
            date = date.replace(year=date.year + 1)
    if _before(match):
        return date - dt.timedelta(days=1), "the day before the day named"
    return date, "the day named"


@_rule(
    r"\b(?:(?P<prep>by|before|until|till|on)\s+)?(?P<date>\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}/\d{1,2}/\d{4})\b"
)
def _numeric_date(match, published):
    """ "by 2025-03-31", "on 31/03/2025": read by dateparser (day first for slashes, as
    most of the world writes them; ISO dates as written)."""
    import dateparser

    settings = {"DATE_ORDER": "DMY", "RELATIVE_BASE": dt.datetime.combine(published, dt.time())}
    parsed = dateparser.parse(match["date"], settings=settings)
    if parsed is None:
        return None
    date = parsed.date()
    if _before(match):
        return date - dt.timedelta(days=1), "the day before the date named"
    return date, "the date named"


_EVENT = re.compile(
    r"\b(?:by|before|until|till|after|ahead\s+of)\s+(?:the\s+)?(?:next\s+)?(?:general\s+|"
    r"presidential\s+|party\s+)?(?P<event>elections?|vote|summit|referendum|conventions?|"
    r"primar(?:y|ies)|final|inauguration|budget|deadline|trial|hearing|meeting|talks|"
    r"season\s+ends?|end\s+of\s+the\s+season|end\s+of\s+(?:his|her|their)\s+term)\b",
    re.IGNORECASE,
)


def find_deadlines(
    text: str, published: dt.date, start: int = 0, end: int | None = None
) -> list[Deadline]:
    """Every time expression in ``text[start:end]`` with the date it resolves to, in
    order; where expressions overlap the longest wins."""
    end = len(text) if end is None else end
    region = text[start:end]
    found: list[Deadline] = []
    for pattern, resolve in _RULES:
        for match in pattern.finditer(region):
            if not match.group().strip():
                continue
            resolved = resolve(match, published)
            if resolved is None:
                continue
            date, rule = resolved
            found.append(
                Deadline(
                    date,
                    match.group().strip(),
                    match.start() + start,
                    match.start() + start + len(match.group().strip()),
                    rule,
                )
            )
    found = [d for d in found if not _dates_the_past(text, d)]
    found.sort(key=lambda d: (-(d.end - d.start), d.start))
    chosen: list[Deadline] = []
    for deadline in found:
        if all(deadline.end <= c.start or deadline.start >= c.end for c in chosen):
            chosen.append(deadline)
    return sorted(chosen, key=lambda d: d.start)


_PAST_VERB_BEFORE = re.compile(
    r"\b(?:[a-z]+ed|said|told|met|spoke|wrote|found|held|gave|made|saw|came|went|took|"
    r"was|were|had|did)\s+(?:\w+\s+){0,2}?$",
    re.IGNORECASE,
)


def _dates_the_past(text: str, deadline: Deadline) -> bool:
    """ "published on Monday", "said on Tuesday": a weekday after a verb in the past
    tense is the one before publication, not a deadline."""
    if deadline.rule != "the next such weekday" or deadline.start is None:
        return False
    return bool(_PAST_VERB_BEFORE.search(text[max(0, deadline.start - 40) : deadline.start]))


def find_deadline(
    text: str,
    published: dt.date,
    start: int = 0,
    end: int | None = None,
    exclude: tuple[int, int] | None = None,
) -> Deadline | None:
    """The first time expression of ``text[start:end]`` that lies on or after the
    publication date (an earlier one describes the past), outside ``exclude``."""
    for deadline in find_deadlines(text, published, start, end):
        if exclude and exclude[0] <= deadline.start < exclude[1]:
            continue
        if deadline.date >= published:
            return deadline
    return None


def find_event(text: str, start: int = 0, end: int | None = None) -> str | None:
    """An event the forecast is timed by ("before the election"), which has no date."""
    end = len(text) if end is None else end
    match = _EVENT.search(text[start:end])
    return " ".join(match.group().split()) if match else None
