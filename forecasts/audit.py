"""Reading the audit log: which events a filter picks, and what each event changed.

Every write records one ``AuditEvent`` with the row before and after (as
``forecasts.serialize`` gives it). ``changes`` turns the two into a field-by-field list
of what differs, nested values named by their path (``resolution.outcome``), so an
editor reads "outcome: open -> yes" instead of two dumps of JSON. ``AuditFilter``
picks events by who acted, the kind of row, the action and a date range, and is read
from a page's query string by ``read_filter``, which refuses a bad value with the field
and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from forecasts.errors import FieldErrors
from forecasts.models import AuditEvent
from forecasts.queries import paged
from forecasts.validation import parse_date

_SHOWN = 200  # characters of one value shown in a change


@dataclass(frozen=True)
class Change:
    """One field an event changed: its path, and the value before and after (``None``
    where the field did not exist)."""

    field: str
    before: object
    after: object

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def _flat(value: object, path: str = "") -> dict[str, object]:
    """Nested dicts as {dotted path: leaf}; lists and other values are leaves."""
    if isinstance(value, Mapping):
        flat: dict[str, object] = {}
        for key, item in value.items():
            flat.update(_flat(item, f"{path}.{key}" if path else str(key)))
        if not value and path:
            flat[path] = {}
        return flat
    return {path: value} if path else {}


def shown(value: object) -> str:
    """A value as an editor reads it: text as is, lists joined, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        text = ", ".join(shown(item) for item in value) if value else "(none)"
    elif isinstance(value, Mapping):
        text = "(none)" if not value else "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def changes(before: Mapping | None, after: Mapping | None) -> list[Change]:
    """What differs between an event's before and after, field by field, in the order
    the fields first appear (after's order, then fields only before had). A creation
    lists every field as added; fields equal on both sides are left out."""
    old, new = _flat(before or {}), _flat(after or {})
    order = list(new) + [name for name in old if name not in new]
    return [
        Change(name, old.get(name), new.get(name))
        for name in order
        if old.get(name) != new.get(name)
    ]


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list; empty fields pick everything."""

    who: str = ""  # the actor's name as recorded ("cli" and "seed" too)
    kind: str = ""  # the kind of row: pundit, source, question, prediction, user, ...
    action: str = ""  # question.resolve, user.update, import, ...
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links that keep it)."""
        args = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value:
                args[item.name] = value.isoformat() if isinstance(value, dt.date) else value
        return args

    def select(self) -> Select:
        statement = select(AuditEvent)
        if self.who:
            statement = statement.where(AuditEvent.actor_name == self.who)
        if self.kind:
            statement = statement.where(AuditEvent.entity_type == self.kind)
        if self.action:
            statement = statement.where(AuditEvent.action == self.action)
        if self.since:
            start = dt.datetime.combine(self.since, dt.time(), dt.UTC)
            statement = statement.where(AuditEvent.at >= start)
        if self.until:
            end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.UTC)
            statement = statement.where(AuditEvent.at < end)
        return statement.order_by(AuditEvent.id.desc())


def read_filter(args: Mapping[str, str]) -> tuple[AuditFilter, FieldErrors]:
    """The filter a query string asks for, and the field errors of what it could not
    read (those fields are left empty, so the page still lists something)."""
    errors = FieldErrors()
    text = {name: str(args.get(name, "") or "").strip() for name in ("who", "kind", "action")}
    for name, value in text.items():
        if len(value) > 80:
            errors.add(name, "must be at most 80 characters")
            text[name] = ""
    dates: dict[str, dt.date | None] = {"since": None, "until": None}
    for name in dates:
        raw = str(args.get(name, "") or "").strip()
        if raw:
            with errors.field():
                dates[name] = parse_date(raw, name, bounded=False)
    if dates["since"] and dates["until"] and dates["until"] < dates["since"]:
        errors.add("until", "must be on or after since")
        dates["until"] = None
    return AuditFilter(**text, **dates), errors


def audit_page(
    session: Session, audit_filter: AuditFilter, number: int, size: int
) -> tuple[list[AuditEvent], int]:
    """Page ``number`` of the events the filter picks (newest first), and their count."""
    return paged(session, audit_filter.select(), number, size)


def choices(session: Session) -> dict[str, list[str]]:
    """The values the filter's lists offer: who has acted, on which kinds of row, with
    which actions."""

    def distinct(column) -> list[str]:
        return list(session.scalars(select(column).distinct().order_by(column)))

    return {
        "who": distinct(AuditEvent.actor_name),
        "kind": distinct(AuditEvent.entity_type),
        "action": distinct(AuditEvent.action),
    }


#: Fields of a row's dict that change with every edit and say nothing to a reader.
HOUSEKEEPING = frozenset({"version", "corrected_at", "logged_at", "look_ahead"})


@dataclass(frozen=True)
class Step:
    """One event of a row's public history: the event, the reason the editor gave (a
    correction's, a retraction's), and what it changed, housekeeping left out."""

    event: AuditEvent
    reason: str
    changes: list[Change]


def entity_history(session: Session, entity_type: str, entity_id: int) -> list[Step]:
    """Every audit event of one row, oldest first, as its history page shows it."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    )
    steps = []
    for event in events:
        after = dict(event.after or {})
        reason = str(after.pop("reason", "") or "")
        if event.before is None:  # the creation: what was logged, not a list of changes
            found = []
        else:
            found = [c for c in changes(event.before, after) if c.field not in HOUSEKEEPING]
        steps.append(Step(event, reason or after.get("retraction_reason", "") or "", found))
    return steps
