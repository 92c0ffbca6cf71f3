"""Moments and days: when a prediction was made and when an outcome became known.

A source gives either a moment (``2012-11-20T08:00:00+00:00``: a time with its time
zone) or only a day (``2012-11-20``). The registry keeps what it was given: a *when*
is an aware ``datetime`` in UTC (a moment) or a plain ``date`` (a day). In the
database each is one timestamp column (a day is stored as midnight UTC) and a
precision column beside it, ``'moment'`` or ``'day'`` (``columns`` and ``when_of``
convert).

The look-ahead rule (``compare``): a prediction made at or after the moment its
outcome became known is not scored. When both are moments they are compared as
moments; when either is a day only, the days (in UTC) are compared, and a prediction
made on the day the outcome became known counts as made after it. The vectorised form
of the same rule, for the scores, is ``forecasts.scoring.lookahead``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forecasts.errors import ValidationError
from forecasts.validation import EARLIEST_DATE, EARLIEST_RULE

MOMENT = "moment"
DAY = "day"
PRECISIONS = (MOMENT, DAY)

#: A moment (an aware datetime, UTC) or a day (a date).
When = dt.date | dt.datetime


def is_moment(when: When) -> bool:
    return isinstance(when, dt.datetime)


def precision_of(when: When) -> str:
    return MOMENT if is_moment(when) else DAY


def day_of(when: When) -> dt.date:
    """The day (in UTC) of a moment, or the day itself."""
    return when.astimezone(dt.UTC).date() if is_moment(when) else when


def columns(when: When) -> tuple[dt.datetime, str]:
    """The stored form: the timestamp (a day as midnight UTC) and its precision."""
    if is_moment(when):
        return when.astimezone(dt.UTC), MOMENT
    return dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC), DAY


def when_of(at: dt.datetime | None, precision: str | None) -> When | None:
    """The value of a timestamp column and its precision column."""
    if at is None:
        return None
    if precision == DAY:
        return day_of(at)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def parse_when(value: object, field: str) -> When:
    """A day (``2020-01-05``) or a moment (ISO 8601 with a time: ``2020-01-05T14:30``,
    ``2020-01-05 14:30:00+02:00``, ``...Z``), as given: a moment is returned in UTC
    (without an offset it is taken as UTC), a day as a date. Raises
    ``ValidationError`` naming ``field``."""
    if isinstance(value, dt.datetime):
        when: When = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    elif isinstance(value, dt.date):
        when = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValidationError(field, "is required")
        try:
            if len(text) <= 10:
                when = dt.date.fromisoformat(text)
            else:
                parsed = dt.datetime.fromisoformat(text)
                when = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
        except ValueError:
            raise ValidationError(
                field,
                "must be an ISO 8601 date or timestamp: YYYY-MM-DD, or with a time "
                f"YYYY-MM-DDTHH:MM[:SS][+HH:MM] (got {text!r})",
            ) from None
    if is_moment(when):
        try:
            when = when.astimezone(dt.UTC)
        except OverflowError:  # e.g. 0001-01-01T00:00+01:00 falls before year 1 in UTC
            raise ValidationError(
                field, f"must be a time between years 1 and 9999 in UTC (got {value!s})"
            ) from None
    if day_of(when) < EARLIEST_DATE:
        raise ValidationError(field, f"{EARLIEST_RULE} (got {day_of(when).isoformat()})")
    return when


def iso(when: When | None) -> str | None:
    """ISO 8601: a moment with its offset (UTC, ``Z``), a day as a date."""
    if when is None:
        return None
    if is_moment(when):
        return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return when.isoformat()


def shown(when: When | None) -> str:
    """For a page: ``2020-01-05 14:30 UTC`` for a moment, ``2020-01-05`` for a day."""
    if when is None:
        return ""
    if is_moment(when):
        moment = when.astimezone(dt.UTC)
        seconds = f":{moment:%S}" if moment.second else ""
        return f"{moment:%Y-%m-%d %H:%M}{seconds} UTC"
    return when.isoformat()


@dataclass(frozen=True)
class Comparison:
    """What the look-ahead rule found for one prediction and its outcome's known-at:
    whether the prediction counts as made after the outcome was known (``look_ahead``),
    whether moments or days were compared (``by``), how long before (positive) or after
    (negative) the outcome the prediction was made when moments were compared
    (``lead``), and how many days before it otherwise (``days``)."""

    look_ahead: bool
    by: str
    lead: dt.timedelta | None = None
    days: int = 0

    @property
    def close(self) -> bool:
        """Whether the prediction came near the outcome (within two days), so a page
        says how the rule judged it."""
        if self.lead is not None:
            return self.lead < dt.timedelta(days=2)
        return self.days <= 1

    def describe(self) -> str:
        """A page's words: "made 3 h before the outcome was known", "made on the day
        it was known (compared by day)"."""
        if self.lead is not None:
            if self.lead > dt.timedelta(0):
                return f"made {duration(self.lead)} before the outcome was known"
            if not self.lead:
                return "made at the moment the outcome was known"
            return f"made {duration(-self.lead)} after the outcome was known"
        if self.days == 0:
            return "made on the day it was known (compared by day)"
        if self.days > 0:
            return f"made {_days(self.days)} before the day it was known (compared by day)"
        return f"made {_days(-self.days)} after the day it was known (compared by day)"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def compare(made: When, known: When) -> Comparison:
    """The look-ahead rule for one prediction (see the module's docstring)."""
    if is_moment(made) and is_moment(known):
        lead = known - made
        return Comparison(look_ahead=lead <= dt.timedelta(0), by=MOMENT, lead=lead)
    days = (day_of(known) - day_of(made)).days
    return Comparison(look_ahead=days <= 0, by=DAY, days=days)


def duration(span: dt.timedelta) -> str:
    """A span as a reader says it: ``40 min``, ``3 h``, ``2 days``."""
    seconds = span.total_seconds()
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 2 * 86_400:
        hours = seconds / 3600
        return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h".replace(".0 h", " h")
    return f"{int(seconds // 86_400)} days"
