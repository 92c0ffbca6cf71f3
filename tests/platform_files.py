"""Generated exports in each platform's own format (``forecasts import --from``), for
the tests and ``benchmarks/platform_import_benchmark.py``: ``write(platform, path, n)``
writes ``n`` forecasts (fixed seed) and returns the path. Each file has resolved,
annulled and open questions, and forecasts after the deadline while the question was
still open; every forecast is at least a day before its question's outcome became known,
so the look-ahead rule keeps only what the platform itself would not score."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np

START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
DAY = 86_400


def _plan(n: int, seed: int):
    """Questions, users and forecasts as arrays: each forecast's question, user, time
    (seconds after START, distinct), probability in hundredths; each question's
    deadline and known time (seconds) and outcome (1 yes, 0 no, -1 annulled, -2 open)."""
    rng = np.random.default_rng(seed)
    questions = max(2, n // 20)
    users = max(2, n // 50)
    deadline = rng.integers(60, 900, questions) * DAY
    known = deadline + rng.integers(2, 30, questions) * DAY
    outcome = rng.choice([1, 0, -1, -2], size=questions, p=[0.35, 0.35, 0.1, 0.2])
    question = rng.integers(0, questions, n)
    user = rng.integers(0, users, n)
    # Up to a day after the deadline (judged late), always a day before the known day.
    when = (deadline[question] + DAY - rng.integers(1, 50 * DAY, n)).clip(min=1)
    when = np.maximum(when // DAY * DAY + np.arange(n) % DAY, 1)  # distinct seconds
    when = np.minimum(when, known[question] - 2 * DAY + np.arange(n) % DAY)
    hundredths = rng.integers(1, 100, n)
    return questions, users, deadline, known, outcome, question, user, when, hundredths


def _iso(seconds) -> str:
    return (START + dt.timedelta(seconds=int(seconds))).isoformat()


def write(platform: str, path: Path, n: int, seed: int = 7) -> Path:
    return {
        "predictionbook": _predictionbook,
        "fatebook": _fatebook,
        "metaculus": _metaculus,
        "manifold": _manifold,
    }[platform](Path(path), n, seed)


def _predictionbook(path: Path, n: int, seed: int) -> Path:
    questions, _, deadline, known, outcome, question, user, when, hundredths = _plan(n, seed)
    responses: list[list] = [[] for _ in range(questions)]
    for i in np.argsort(when, kind="stable"):
        responses[question[i]].append(
            {
                "id": int(i) + 1,
                "user_id": int(user[i]),
                "user_label": f"user{user[i]}",
                "confidence": int(hundredths[i]),
                "comment": "",
                "created_at": _iso(when[i]),
            }
        )
    predictions = []
    for q in range(questions):
        judged = outcome[q] in (0, 1)
        predictions.append(
            {
                "id": 100_000 + q,
                "description": f"Generated proposition {q % (questions // 2 or 1)}",
                "deadline": _iso(deadline[q]),
                "created_at": _iso(0),
                "updated_at": _iso(known[q]),
                "withdrawn": bool(outcome[q] == -1),
                "outcome": bool(outcome[q]) if judged else None,
                "responses": responses[q],
                "judgements": [{"outcome": bool(outcome[q]), "created_at": _iso(known[q])}]
                if judged
                else [],
            }
        )
    path.write_text(json.dumps(predictions))
    return path


def _local(seconds) -> str:
    """Fatebook's way: local (here UTC) time, no offset, seconds unpadded."""
    moment = START + dt.timedelta(seconds=int(seconds))
    return f"{moment:%Y-%m-%d %H:%M}:{moment.second}"


def _fatebook(path: Path, n: int, seed: int) -> Path:
    _, _, deadline, known, outcome, question, user, when, hundredths = _plan(n, seed)
    resolution = {1: "YES", 0: "NO", -1: "AMBIGUOUS", -2: ""}
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Question title",
                "Multiple choice option",
                "Forecast created by",
                "Forecast (scale = 0-1)",
                "Forecast created at",
                "Question created by",
                "Question created at",
                "Question resolve by",
                "Resolution",
                "Resolved at",
                "Your Brier score for this question",
                "Question notes",
            ]
        )
        for i in range(n):
            q = question[i]
            out.writerow(
                [
                    f"Generated question {q}",
                    "",
                    f"User {user[i]}",
                    hundredths[i] / 100,
                    _local(when[i]),
                    "Owner",
                    _local(q),
                    _local(deadline[q]),
                    resolution[int(outcome[q])],
                    _local(known[q]) if outcome[q] != -2 else "",
                    "",
                    "",
                ]
            )
    return path


def _metaculus(path: Path, n: int, seed: int) -> Path:
    questions, _, deadline, known, outcome, question, user, when, hundredths = _plan(n, seed)
    path.mkdir(parents=True, exist_ok=True)
    resolution = {1: "yes", 0: "no", -1: "annulled", -2: ""}
    numeric = np.arange(questions) % 17 == 5  # skipped with their forecasts
    with (path / "question_data.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Question ID",
                "Question URL",
                "Question Title",
                "Label",
                "Question Type",
                "MC Options (All)",
                "Scheduled Close Time",
                "Resolution",
                "Resolution Known Time",
            ]
        )
        for q in range(questions):
            out.writerow(
                [
                    q + 1,
                    f"https://www.metaculus.com/questions/{q + 1}/",
                    f"Generated question {q}",
                    "",
                    "numeric" if numeric[q] else "binary",
                    "",
                    _iso(deadline[q]),
                    resolution[int(outcome[q])],
                    _iso(known[q]) if outcome[q] != -2 else "",
                ]
            )
    with (path / "forecast_data.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Question ID",
                "Forecaster ID",
                "Forecaster Username",
                "Is Bot",
                "Start Time",
                "End Time",
                "Forecaster Count",
                "Probability Yes",
                "Probability Yes Per Category",
            ]
        )
        for i in range(n):
            q = question[i]
            aggregate = i % 10 == 0  # a tenth are the community prediction
            out.writerow(
                [
                    q + 1,
                    "" if aggregate else user[i] + 1,
                    "recency_weighted" if aggregate else f"user{user[i]}",
                    "False",
                    _iso(when[i]),
                    "",
                    5 if aggregate else "",
                    "" if numeric[q] else hundredths[i] / 100,
                    "",
                ]
            )
    return path


def _manifold(path: Path, n: int, seed: int) -> Path:
    questions, _, deadline, known, outcome, question, user, when, hundredths = _plan(n, seed)
    resolution = {1: "YES", 0: "NO", -1: "CANCEL", -2: None}
    markets = [
        {
            "id": f"m{q}",
            "question": f"Generated market {q}",
            "url": f"https://manifold.markets/gen/m{q}",
            "outcomeType": "BINARY",
            "mechanism": "cpmm-1",
            "closeTime": int((START.timestamp() + deadline[q]) * 1000),
            "isResolved": bool(outcome[q] != -2),
            "resolution": resolution[int(outcome[q])],
            "resolutionTime": int((START.timestamp() + known[q]) * 1000)
            if outcome[q] != -2
            else None,
        }
        for q in range(questions)
    ]
    bets = [
        {
            "id": f"b{i}",
            "contractId": f"m{question[i]}",
            "userId": f"id{user[i]}",
            "userUsername": f"user{user[i]}",
            "createdTime": int((START.timestamp() + when[i]) * 1000),
            "amount": 10,
            "shares": 12,
            "probBefore": 0.5,
            "probAfter": hundredths[i] / 100,
            "isRedemption": bool(i % 25 == 0),  # skipped, counted
        }
        for i in range(n)
    ]
    path.write_text(json.dumps({"markets": markets, "bets": bets}))
    return path
