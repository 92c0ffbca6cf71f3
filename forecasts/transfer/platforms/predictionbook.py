"""PredictionBook: the API's predictions as JSON, as ``GET /api/predictions`` (and
``/api/my_predictions``) give them: an array of predictions (or an object holding one
under ``predictions``), each with ``id``, ``description``, ``deadline``, ``created_at``,
``updated_at``, ``withdrawn``, ``outcome`` (``true`` / ``false`` / ``null``) and its
``responses`` (``confidence`` an integer percent 0-100, or ``null`` for a comment
alone; ``created_at``; ``user_label``, the user's login; ``comment``). A dump may add each
prediction's ``judgements`` (``outcome``, ``created_at``, ``user_label``), the record of
who judged it when; the latest is the standing one.

Mapping (``docs/import-format.md``, *Platform exports*): each prediction is a question
(its id and ``https://predictionbook.com/predictions/ID``), with no resolution criteria
(PredictionBook has none); each response with a confidence is a forecast of
``confidence``% by the pundit ``user_label``, its comment the quote. A judgement is the
resolution, known when it was made (without judgements: the prediction's
``updated_at``, said in the note); a withdrawn prediction is annulled, with the reason.
Responses without a confidence are skipped and counted. PredictionBook took forecasts
after the deadline until the prediction was judged: those are kept (judged late)."""

from __future__ import annotations

import json
from pathlib import Path

from forecasts.errors import ValidationError
from forecasts.transfer.platforms import Dump, Options, row_maker
from forecasts.transfer.reading import BadRow

PLATFORM = "predictionbook"
URL = "https://predictionbook.com/predictions/{id}"

_ROW = row_maker(
    (
        "pundit",
        "pundit_platform",
        "pundit_handle",
        "statement",
        "resolve_by",
        "question_platform",
        "question_platform_id",
        "question_url",
        "probability",
        "quote",
        "made_at",
        "outcome",
        "known_at",
        "evidence_url",
        "resolution_note",
    )
)


def _load(path: Path) -> list:
    try:
        data = json.loads(path.read_bytes())
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"{path.name} is not UTF-8 ({error.reason})") from error
    except json.JSONDecodeError as error:
        raise ValidationError(
            "file", f"{path.name} is not JSON ({error.msg}, line {error.lineno})"
        ) from error
    if isinstance(data, dict) and isinstance(data.get("predictions"), list):
        data = data["predictions"]
    if not isinstance(data, list):
        raise ValidationError(
            "file",
            f"{path.name} must hold PredictionBook's predictions: a JSON array (or an "
            "object with a 'predictions' array)",
        )
    return data


def _resolution(prediction: dict, url: str) -> tuple[str, str, str, str]:
    """(outcome, known_at, evidence_url, note) as import cells."""
    if prediction.get("withdrawn"):
        return (
            "annulled",
            str(prediction.get("updated_at") or prediction.get("created_at") or ""),
            url,
            "withdrawn by its creator on PredictionBook (never judged there)",
        )
    judgements = prediction.get("judgements")
    if isinstance(judgements, list) and judgements:
        latest = max(judgements, key=lambda j: str(j.get("created_at") or ""))
        outcome = latest.get("outcome")
        if outcome is None:  # judged "unknown": open again
            return "", "", "", ""
        who = latest.get("user_label")
        return (
            _outcome(outcome),
            str(latest.get("created_at") or ""),
            url,
            f"judged {'right' if outcome else 'wrong'} on PredictionBook"
            + (f" by {who}" if who else ""),
        )
    outcome = prediction.get("outcome")
    if outcome is None:
        return "", "", "", ""
    return (
        _outcome(outcome),
        str(prediction.get("updated_at") or ""),
        url,
        "judged on PredictionBook; the dump has no judgement time, so known-at is the "
        "prediction's last update",
    )


def _outcome(value) -> str:
    if value is True or value in (1, "1", "true", "right"):
        return "yes"
    if value is False or value in (0, "0", "false", "wrong"):
        return "no"
    return str(value)  # the importer names it as an outcome it cannot read


def read(path: Path, options: Options) -> Dump:
    dump = Dump(PLATFORM, rows=lambda progress: _rows(path, dump, progress))
    return dump


def _rows(path: Path, dump: Dump, progress):
    predictions = _load(path)
    if progress is not None:
        progress(path.stat().st_size)
    responses = 0
    for number, prediction in enumerate(predictions, start=1):
        if not isinstance(prediction, dict):
            yield number, BadRow("prediction", "must be a JSON object", str(prediction)[:80])
            continue
        pid = prediction.get("id")
        if pid in (None, ""):
            yield number, BadRow("id", "is required (the prediction's id on PredictionBook)", "")
            continue
        pid = str(pid)
        url = URL.format(id=pid)
        statement = str(prediction.get("description") or "").strip()
        deadline = str(prediction.get("deadline") or "")
        outcome, known_at, evidence, note = _resolution(prediction, url)
        items = prediction.get("responses") or []
        if not isinstance(items, list):
            yield number, BadRow(f"prediction {pid}: responses", "must be a JSON array", "")
            continue
        before = responses
        for place, response in enumerate(items, start=1):
            where = f"prediction {pid}, response {place}"
            if not isinstance(response, dict):
                yield number, BadRow(where, "must be a JSON object", str(response)[:80])
                continue
            confidence = response.get("confidence")
            if confidence is None or confidence == "":
                dump.skipped["responses with no confidence (a comment alone)"] += 1
                continue
            if (
                isinstance(confidence, bool)
                or not isinstance(confidence, int | float)
                or confidence != int(confidence)
                or not 0 <= confidence <= 100
            ):
                yield (
                    number,
                    BadRow(
                        f"{where}: confidence",
                        "must be a whole percent from 0 to 100, as PredictionBook gives it",
                        str(confidence),
                    ),
                )
                continue
            user = str(response.get("user_label") or response.get("user_id") or "").strip()
            responses += 1
            yield (
                number,
                _ROW(
                    user,
                    PLATFORM,
                    user,
                    statement,
                    deadline,
                    PLATFORM,
                    pid,
                    url,
                    f"{int(confidence)}%",
                    str(response.get("comment") or "").strip(),
                    str(response.get("created_at") or ""),
                    outcome,
                    known_at,
                    evidence,
                    note,
                ),
            )
        if responses == before:
            dump.skipped["predictions with no forecast to import (no question made)"] += 1
    dump.origins.append(
        f"from {path.name}: {len(predictions)} PredictionBook predictions (questions), "
        f"{responses} responses with a confidence (forecasts)"
    )
