"""One row of an import file as named cells, and the helpers that read a cell.

A row arrives as a tuple in ``columns.COLUMNS`` order (a CSV cell is a ``str``; a JSON
value may also be a number, ``None``, or a tuple for a list or an object). ``Row.of``
names its groups (``row.pundit.slug``, ``row.question.resolve_by``); each group is a
tuple too, so a noun's cells stay usable as a cache key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from forecasts.errors import FieldError, ValidationError
from forecasts.models import QuestionKind
from forecasts.transfer import columns as C
from forecasts.validation import parse_distribution, slugify


class PunditCells(NamedTuple):
    name: object
    slug: object
    affiliation: object
    bio: object
    links: object
    platform: object
    handle: object


class SourceCells(NamedTuple):
    title: object
    url: object
    published_on: object
    outlet: object
    note: object
    full_text: object


class QuestionCells(NamedTuple):
    statement: object
    slug: object
    resolution_criteria: object
    resolve_by: object
    kind: object
    options: object
    tags: object
    condition: object
    condition_outcome: object
    note: object
    platform: object
    platform_id: object
    url: object


class PredictionCells(NamedTuple):
    probability: object
    distribution: object
    quote: object
    hedge_phrase: object
    probability_origin: object
    scale: object
    made_at: object
    note: object
    retracted_at: object
    retraction_reason: object


class ResolutionCells(NamedTuple):
    outcome: object
    known_at: object
    evidence_url: object
    note: object


_GROUPS = (
    (PunditCells, C.PUNDIT, C.PUNDIT_CELLS),
    (SourceCells, C.SOURCE, C.SOURCE_CELLS),
    (QuestionCells, C.QUESTION, C.QUESTION_CELLS),
    (PredictionCells, C.PREDICTION, C.PREDICTION_CELLS),
    (ResolutionCells, C.RESOLUTION, C.RESOLUTION_CELLS),
)
for _group, _names, _ in _GROUPS:  # the groups follow the file's columns, in order
    assert len(_group._fields) == len(_names), _group


class Row(NamedTuple):
    """A row's cells, grouped and named."""

    entry: object
    pundit: PunditCells
    source: SourceCells
    question: QuestionCells
    prediction: PredictionCells
    resolution: ResolutionCells

    @classmethod
    def of(cls, cells: tuple) -> Row:
        """A row given in ``columns.COLUMNS`` order, named."""
        return cls(
            cells[0],
            *(tuple.__new__(group, cells[where]) for group, _, where in _GROUPS),
        )

    def cell(self, column: str) -> object:
        """The cell of the file's column ``column`` (a name in ``columns.COLUMNS``)."""
        if column == C.ENTRY:
            return self.entry
        group, position = _PLACES[column]
        return self[group][position]

    def named(self) -> Iterator[tuple[str, object]]:
        """(column, cell) for every column but ``entry``, in the file's order."""
        for names, cells in zip(_NAMES, self[1:], strict=True):
            yield from zip(names, cells, strict=True)


_NAMES = tuple(names for _, names, _ in _GROUPS)
# Where each column's cell sits in a Row: (group, position in the group).
_PLACES = {
    column: (group, position)
    for group, names in enumerate(_NAMES, start=1)
    for position, column in enumerate(names)
}


def blank(cell) -> bool:
    if cell.__class__ is str:
        return not cell or cell.isspace()
    return cell is None or cell == () or (isinstance(cell, str) and not cell.strip())


def text_of(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, tuple):
        return " | ".join(text_of(item) for item in cell)
    return str(cell).strip()


def list_of(cell, column: str) -> list[str]:
    """A list-valued cell: a JSON list, or text with one item per line or between '|'
    (tags may also be separated by commas, links by spaces)."""
    if blank(cell):
        return []
    if isinstance(cell, tuple):
        return [text_of(item) for item in cell if not blank(item)]
    lines = str(cell).replace("\r", "\n").replace("|", "\n")
    if column == "tags":
        lines = lines.replace(",", "\n")
    elif column == "pundit_links":
        lines = "\n".join(lines.split())
    return [item.strip() for item in lines.split("\n") if item.strip()]


def norm(column: str, cell) -> object:
    """A cell in a form two rows can be compared in (a new noun's later mentions)."""
    if column in ("options", "pundit_links"):
        return tuple(list_of(cell, column))
    if column == "tags":
        return tuple(sorted({slugify(tag, 60) for tag in list_of(cell, column)}))
    if column == "kind":
        return text_of(cell) or QuestionKind.BINARY.value
    return text_of(cell)


def shown(value) -> str:
    shown_text = " | ".join(map(str, value)) if isinstance(value, tuple) else str(value)
    if not shown_text:
        return "nothing"
    return repr(shown_text if len(shown_text) <= 80 else shown_text[:77] + "...")


def display(cell) -> str:
    if isinstance(cell, tuple):
        return " | ".join(
            f"{item[0]}: {item[1]}" if isinstance(item, tuple) else str(item) for item in cell
        )
    value = "" if cell is None else str(cell)
    return value if len(value) <= 200 else value[:197] + "..."


# Which import column a service's field error belongs to, per noun.
FIELD_COLUMNS = {
    "pundit": {
        "name": "pundit",
        "slug": "pundit_slug",
        "bio": "pundit_bio",
        "affiliation": "pundit_affiliation",
        "links": "pundit_links",
    },
    "source": {
        "title": "source_title",
        "url": "source_url",
        "published_on": "source_published_on",
        "outlet": "source_outlet",
    },
    "question": {"slug": "question_slug", "condition_question_id": "condition"},
    "prediction": {"scale_name": "scale", "scale_version": "scale"},
    "resolution": {"note": "resolution_note"},
}


def columns_of(noun: str, errors: Iterable[FieldError]) -> list[tuple[str, str]]:
    """Service field errors as (column, rule); a field's qualifier ('[Red]', 'line 2')
    goes in front of the rule."""
    mapping = FIELD_COLUMNS[noun]
    result = []
    for error in errors:
        base = error.field.split("[", 1)[0].split(" ", 1)[0]
        column = mapping.get(base, base)
        qualifier = error.field[len(base) :].strip()
        if qualifier.startswith("["):
            qualifier = qualifier[1:-1]
            if base == "links" and qualifier.isdigit():
                qualifier = f"link {int(qualifier) + 1}"
        elif qualifier.startswith("line "):
            qualifier = "entry " + qualifier[5:]
        result.append((column, f"{qualifier}: {error.rule}" if qualifier else error.rule))
    return result


def parse_distribution_cell(cell, reading: str | None) -> dict[str, float]:
    if isinstance(cell, tuple):  # a JSON object: (label, value) pairs
        lines = []
        for item in cell:
            if not isinstance(item, tuple) or len(item) != 2:
                raise ValidationError("distribution", "must be an object of option: probability")
            lines.append(f"{item[0]}: {item[1]}")
        written = "\n".join(lines)
    else:
        written = str(cell).replace("|", "\n")
    return parse_distribution(written, "distribution", reading)


# How other tools write a binary outcome: any case, as a word or a number.
_OUTCOMES = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
    "annulled": "annulled",
}


def outcome_of(cell) -> str:
    """An outcome cell as the registry writes it: ``YES``, ``true`` and ``1`` are
    ``yes``, ``No``, ``false`` and ``0`` are ``no``; anything else (an option's label) as
    written."""
    written = text_of(cell)
    return _OUTCOMES.get(written.lower(), written)


def date_of(cell) -> str:
    """A date cell: a date as written, or a full ISO 8601 moment (``2012-11-20
    08:00:00+00:00``) as its day in UTC (the day is what the registry keeps)."""
    written = text_of(cell)
    if len(written) <= 10:
        return written
    try:
        moment = dt.datetime.fromisoformat(written.replace("Z", "+00:00"))
    except ValueError:
        return written  # the date rules then say what is wrong with it
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date().isoformat()
