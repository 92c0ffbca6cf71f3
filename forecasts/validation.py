"""Parsers for values typed by people (forms, CSV cells, command-line arguments).

Each returns the clean value or raises ``ValidationError`` naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from forecasts.errors import ValidationError

PERCENT_RULE = "must be a probability: 0.05, 5% or 5 (a bare number above 1 is read as a percent)"
AMBIGUOUS_ONE = "1 alone could mean 100% or 1%: write 100% or 1%"

#: How the bare numbers (no ``%``) of a column, or of one distribution, are read.
FRACTION = "fraction"  # 0 to 1: 0.05 is five percent, 1 is certainty
PERCENT = "percent"  # 0 to 100: 5 is five percent, 1 is one percent
READINGS = (FRACTION, PERCENT)


@dataclass(frozen=True)
class Written:
    """A probability as typed: its number and whether it carried ``%``."""

    number: float
    percent: bool

    @property
    def bare_one(self) -> bool:
        """A ``1`` without ``%``: certainty or one percent, as its reading says."""
        return not self.percent and self.number == 1

    @property
    def reading(self) -> str | None:
        """The reading this value needs of its column's bare numbers: ``PERCENT`` for a bare
        number above 1, ``FRACTION`` for one strictly between 0 and 1, None when either
        reading would do (``%`` written, or a bare 0 or 1)."""
        if self.percent or self.bare_one or self.number == 0:
            return None
        return PERCENT if self.number > 1 else FRACTION


def read_written(value: object, field: str = "probability") -> Written:
    """The number in ``0.05``, ``5%`` or ``5``, finite, not yet scaled."""
    if isinstance(value, bool):
        raise ValidationError(field, PERCENT_RULE + f" (got {value!r})")
    percent = False
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if not text:
            raise ValidationError(field, "is required")
        if text.endswith("%"):
            percent = True
            text = text[:-1].strip()
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(field, PERCENT_RULE + f" (got {value!r})") from None
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(field, f"must be a finite number (got {value!r})")
    return Written(number, percent)


def scaled(written: Written, reading: str | None, value: object, field: str) -> float:
    """``written`` as a probability in [0, 1]. ``reading`` says how a bare number is read;
    None is the rule for a value typed alone (a form field, an API value): a bare number
    above 1 is a percent, one from 0 to 1 a fraction, and a bare 1 is refused."""
    number = written.number
    if written.percent or reading == PERCENT or (reading is None and number > 1):
        if not 0 <= number <= 100:
            raise ValidationError(field, f"must be between 0% and 100% (got {value!r})")
        return number / 100
    if reading is None and written.bare_one:
        raise ValidationError(field, f"{AMBIGUOUS_ONE} (got {value!r})")
    if not 0 <= number <= 1:
        rule = "must be between 0 and 1"
        if reading == FRACTION:
            rule += " (probabilities are read as fractions)"
        raise ValidationError(field, f"{rule} (got {value!r})")
    return number


def parse_probability(
    value: object, field: str = "probability", reading: str | None = None
) -> float:
    """Read a probability written as ``0.05``, ``5%`` or ``5``.

    A value with ``%`` is a percent. A bare number is read by ``reading``: ``FRACTION``
    (0 to 1) or ``PERCENT`` (0 to 100). Without one (a value typed alone, in a form or
    the API) a bare number above 1 is a percent and one from 0 to 1 a fraction, and a
    bare ``1`` is refused: it could mean certainty or one percent, so it must be written
    ``100%`` or ``1%``. A file decides its column's reading first
    (``forecasts.transfer.probabilities``). The result lies in [0, 1].
    """
    return scaled(read_written(value, field), reading, value, field)


def parse_fraction(value: object, field: str = "probability") -> float:
    """A probability sent by a program (the API): a bare number is a fraction from 0 to 1,
    a string with ``%`` a percent; a bare ``1`` is refused as ambiguous (a client sending
    percents would otherwise record certainty for its 1%), so certainty is ``"100%"``."""
    written = read_written(value, field)
    if written.bare_one:
        raise ValidationError(
            field,
            f'{AMBIGUOUS_ONE} (send "100%" for certainty, 0.01 for one percent; got {value!r})',
        )
    return scaled(written, FRACTION, value, field)


def written_percent(probability: float) -> str:
    """A probability written back the way ``parse_probability`` reads it, to four
    significant figures: 0.0125 -> '1.25%', 1.0 -> '100%'."""
    return f"{probability * 100:.4g}%"


def check_probability(value: object, field: str = "probability") -> float:
    """A probability already given as a number: must be a finite number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, f"must be a number between 0 and 1 (got {value!r})")
    number = float(value)
    if math.isnan(number) or not 0 <= number <= 1:
        raise ValidationError(field, f"must be between 0 and 1 (got {value!r})")
    return number


#: No commentary the registry records is older: an earlier date is a typing slip
#: (0001-01-01), and refusing it keeps every chart's date axis in range.
EARLIEST_DATE = dt.date(1900, 1, 1)
EARLIEST_RULE = f"must be on or after {EARLIEST_DATE.isoformat()}"


def parse_date(value: object, field: str, *, bounded: bool = True) -> dt.date:
    """A calendar date, ISO 8601 (``2020-01-01``), not before ``EARLIEST_DATE`` unless
    ``bounded`` is false (a filter's edge may be anything)."""
    if isinstance(value, dt.datetime):
        date = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValidationError(field, "is required")
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(field, f"must be a date as YYYY-MM-DD (got {text!r})") from None
    if bounded and date < EARLIEST_DATE:
        raise ValidationError(field, f"{EARLIEST_RULE} (got {date.isoformat()})")
    return date


def parse_datetime(value: object, field: str) -> dt.datetime:
    """A moment in time, returned in UTC.

    Accepts an aware datetime, an ISO 8601 timestamp (a timestamp without an offset is
    taken as UTC) or a bare date (midnight UTC that day).
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value or "").strip()
        if not text:
            raise ValidationError(field, "is required")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                field, f"must be an ISO 8601 date or timestamp (got {text!r})"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        moment = moment.astimezone(dt.UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 falls before year 1 in UTC
        raise ValidationError(
            field, f"must be a time between years 1 and 9999 in UTC (got {value!s})"
        ) from None
    if moment.date() < EARLIEST_DATE:
        raise ValidationError(field, f"{EARLIEST_RULE} (got {moment.date().isoformat()})")
    return moment


def check_url(value: str | None, field: str) -> str | None:
    """An optional web link: http or https with a host; empty means none."""
    text = (value or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(field, f"must be an http:// or https:// link (got {text!r})")
    if len(text) > 2000:
        raise ValidationError(field, "must be at most 2000 characters")
    return text


def require_text(value: str | None, field: str, max_length: int | None = None) -> str:
    """Text that must say something: refused if empty, or if nothing is left once the
    invisible characters (zero-width spaces, joiners, direction marks) are taken out."""
    text = limit_text(value, field, max_length)
    if not text:
        raise ValidationError(field, "is required")
    if not visible(text):
        raise ValidationError(field, "is required: it has no visible characters")
    return text


def limit_text(value: str | None, field: str, max_length: int | None) -> str:
    text = plain_text(value, field)
    if max_length is not None and len(text) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters (got {len(text)})")
    return text


def plain_text(value: str | None, field: str) -> str:
    """Free text, stripped; refused if it holds a NUL byte (PostgreSQL cannot store one,
    and no reader means it) or a lone surrogate (half a character: not storable text)."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(field, "must not contain a NUL character")
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise ValidationError(field, "must be valid text: it has half of a character pair")
    return text


def visible(text: str) -> str:
    """The text without its invisible characters (Unicode's format characters, Cf)."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf").strip()


SLUG_RULE = "must be lowercase letters, digits and single hyphens (like 'jane-doe')"
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Slugs that would be shadowed by the web app's own addresses (/pundits/new, ...).
RESERVED_SLUGS = frozenset({"new"})


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def check_slug(value: str, field: str = "slug") -> str:
    slug = (value or "").strip()
    if not slug:
        raise ValidationError(field, "is required")
    if len(slug) > 80:
        raise ValidationError(field, "must be at most 80 characters")
    if not _SLUG_RE.match(slug):
        raise ValidationError(field, f"{SLUG_RULE} (got {slug!r})")
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            field, f"must not be {slug!r}: that address is the form for a new one"
        )
    return slug


def parse_distribution(
    text: str | None, field: str = "distribution", reading: str | None = None
) -> dict[str, float]:
    """Lines of ``Option: probability`` (``Red: 50%``) into {option: probability}, each
    read as ``read_distribution`` says."""
    entries: list[tuple[str, object, str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, value = line.rpartition(":")
        if not sep or not label.strip():
            raise ValidationError(
                field, f"line {number} must look like 'Option: 30%' (got {line.strip()!r})"
            )
        entries.append((label.strip(), value, f"{field} line {number}"))
    return read_distribution(entries, field, reading)


def read_distribution(
    entries: list[tuple[str, object, str]], field: str = "distribution", reading: str | None = None
) -> dict[str, float]:
    """(option, probability as written, where) entries into {option: probability}.

    Each probability follows ``parse_probability``'s rule with ``reading``. Without one,
    a bare ``1`` is read by its neighbours, which must add up with it: one percent when
    another entry is a percent (``%``, or a bare number above 1), otherwise certainty.
    Whether the options match the question and sum to 1 is the service's check.
    """
    written: list[tuple[str, Written, object, str]] = []
    seen: set[str] = set()
    for label, value, where in entries:
        if label in seen:
            raise ValidationError(
                field,
                f"{where.removeprefix(field).strip() or 'an entry'} repeats the option {label!r}",
            )
        seen.add(label)
        written.append((label, read_written(value, where), value, where))
    percents = any(w.percent or w.reading == PERCENT for _, w, _, _ in written)
    ones = reading or (PERCENT if percents else FRACTION)
    return {
        label: scaled(w, reading or (ones if w.bare_one else None), value, where)
        for label, w, value, where in written
    }


def parse_scale_reference(text: str | None, field: str = "scale") -> tuple[str, str] | None:
    """``NAME@VERSION`` (``icd-203@2015``) into (name, version); empty means none."""
    value = (text or "").strip()
    if not value:
        return None
    name, sep, version = value.partition("@")
    if not sep or not name.strip() or not version.strip():
        raise ValidationError(field, f"must be NAME@VERSION, like icd-203@2015 (got {value!r})")
    return name.strip(), version.strip()
