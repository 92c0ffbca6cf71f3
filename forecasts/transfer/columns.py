"""The columns of the import format (``docs/import-format.md``), shared by import and export.

One row per prediction: who (pundit), where (source), what (question), the forecast,
and optionally what happened (resolution). Rows whose ``entry`` column says ``pundit``,
``source`` or ``question`` declare only that noun (an export writes them for nouns no
prediction mentions). A JSON file is an array of objects with the same keys.
"""

from __future__ import annotations

ENTRY = "entry"
PUNDIT = (
    "pundit",
    "pundit_slug",
    "pundit_affiliation",
    "pundit_bio",
    "pundit_links",
    "pundit_platform",
    "pundit_handle",
)
SOURCE = (
    "source_title",
    "source_url",
    "source_published_on",
    "source_outlet",
    "source_note",
    "source_full_text",
)
QUESTION = (
    "statement",
    "question_slug",
    "resolution_criteria",
    "resolve_by",
    "kind",
    "options",
    "tags",
    "condition",
    "condition_outcome",
    "question_note",
    "question_platform",
    "question_platform_id",
    "question_url",
)
PREDICTION = (
    "probability",
    "distribution",
    "quote",
    "hedge_phrase",
    "probability_origin",
    "scale",
    "made_at",
    "note",
    # A prediction retracted in the registry it was exported from: kept, never scored.
    "retracted_at",
    "retraction_reason",
)
RESOLUTION = ("outcome", "known_at", "evidence_url", "resolution_note")

COLUMNS: tuple[str, ...] = (ENTRY, *PUNDIT, *SOURCE, *QUESTION, *PREDICTION, *RESOLUTION)
INDEX = {name: position for position, name in enumerate(COLUMNS)}

# Where each group sits in a row of COLUMNS order.
PUNDIT_CELLS = slice(INDEX[PUNDIT[0]], INDEX[PUNDIT[-1]] + 1)
SOURCE_CELLS = slice(INDEX[SOURCE[0]], INDEX[SOURCE[-1]] + 1)
QUESTION_CELLS = slice(INDEX[QUESTION[0]], INDEX[QUESTION[-1]] + 1)
PREDICTION_CELLS = slice(INDEX[PREDICTION[0]], INDEX[PREDICTION[-1]] + 1)
RESOLUTION_CELLS = slice(INDEX[RESOLUTION[0]], INDEX[RESOLUTION[-1]] + 1)

# Written by ``forecasts export`` for readers; ignored on import (the registry assigns ids,
# and the importing actor and time become the logger and logged-at; a correction's and a
# correction's history stays in the audit log of the registry that made it).
INFORMATIONAL = (
    "prediction_id",
    "logged_at",
    "logged_by",
    "corrected_at",
)

ENTRIES = ("prediction", "pundit", "source", "question")
# The columns an entry row of each kind may fill (besides ``entry``).
ENTRY_COLUMNS = {
    "pundit": frozenset(PUNDIT),
    "source": frozenset(SOURCE),
    "question": frozenset(QUESTION + RESOLUTION),
}

# List-valued cells: in CSV the items are separated by "|" (or put one per line).
LIST_SEPARATOR = " | "
