"""One adapter per forecasting platform (``forecasts import --from PLATFORM FILE``): each
reads the platform's own export or API dump as it comes and gives the importer rows of
the import format (``forecasts.transfer.columns``), with the provenance columns filled
(``pundit_platform`` / ``pundit_handle``, ``question_platform`` / ``question_platform_id``
/ ``question_url``), the platform's aggregates as reference points, and a count of what
it left out and why. The importer then checks and writes the rows by the same rules as
any file (``docs/import-format.md``, *Platform exports*).

Each adapter module has ``read(path, options) -> Dump``:

* ``predictionbook``: the API's predictions as JSON (``/api/predictions``), responses
  and judgements included;
* ``fatebook``: the CSV of "Export all your forecasts";
* ``metaculus``: a question's or project's data download (zip, or its folder:
  ``question_data.csv`` and ``forecast_data.csv``);
* ``manifold``: markets and their bets as the API gives them (JSON).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from forecasts.errors import ValidationError
from forecasts.models import PLATFORM_NAMES, PLATFORMS
from forecasts.transfer import columns as C
from forecasts.transfer.reading import BadRow, Progress

__all__ = ["PLATFORMS", "Dump", "Options", "Reference", "read", "row_maker"]


@dataclass(frozen=True)
class Options:
    """What the command line may tell an adapter."""

    timezone: str | None = None  # Fatebook writes local times without an offset


@dataclass(frozen=True)
class Reference:
    """One point of a platform's aggregate: a community forecast, a market's price."""

    question: tuple[str, str]  # (platform, the question's id there)
    source: str
    at: dt.datetime
    probability: float
    url: str | None = None


@dataclass
class Dump:
    """What an adapter read: ``rows(progress)`` streams ``(line, cells)`` in ``COLUMNS``
    order (or ``(line, BadRow)``); ``references`` and ``skipped`` are complete once the
    rows are consumed. ``origins`` says what was read from where, for the report."""

    platform: str
    rows: Callable[[Progress | None], Iterator[tuple[int, tuple | BadRow]]]
    origins: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    references: list[Reference] = field(default_factory=list)


def read(platform: str, path: Path, options: Options | None = None) -> Dump:
    """The adapter of ``platform`` (one of ``PLATFORMS``) over ``path``."""
    if platform not in PLATFORMS:
        raise ValidationError("from", f"must be one of {', '.join(PLATFORMS)} (got {platform!r})")
    path = Path(path)
    if not path.exists():
        raise ValidationError("file", f"{path.name} does not exist")
    module = importlib.import_module(f"forecasts.transfer.platforms.{platform}")
    return module.read(path, options or Options())


def row_maker(names: Iterable[str]) -> Callable[..., tuple]:
    """A function taking the cells of ``names`` (in that order) and giving a row of every
    column in ``COLUMNS`` order, the others empty: the adapters' rows, made fast."""
    places = [C.INDEX[name] for name in names]
    empty = [""] * len(C.COLUMNS)

    def make(*cells) -> tuple:
        row = empty.copy()
        for place, cell in zip(places, cells, strict=True):
            row[place] = cell
        return tuple(row)

    return make


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def from_epoch_ms(value) -> dt.datetime:
    """Manifold's times: milliseconds since the epoch."""
    return dt.datetime.fromtimestamp(float(value) / 1000, dt.UTC)


def name_of(platform: str) -> str:
    return PLATFORM_NAMES[platform]
