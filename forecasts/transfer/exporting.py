"""Export the registry (``forecasts export OUTDIR``): its nouns in the import format, the
resolution history, and the scores.

Files written (``.csv``, or ``.json`` with ``--format json``):

* ``predictions``: the import format, one row per prediction (in id order) with its
  pundit, source, question and the question's standing resolution, preceded by one
  ``entry`` row for each pundit, source and question no prediction mentions. Importing
  it into an empty registry gives the same registry and the same scores; see
  ``docs/import-format.md`` for what does not round-trip (ids, logged-at and
  resolved-at times and users, resolutions other than the standing one).
* ``pundits``, ``sources``, ``questions``: every noun as ``entry`` rows of the import
  format (so each file imports on its own too; questions carry their standing
  resolution).
* ``resolutions``: every resolution, by question (slug) and oldest first, with
  ``standing`` marking the one that counts (for reading; re-resolution history is not
  imported).
* ``references``: every reference forecast (a market's, a platform's or a panel's
  point), by question slug, source and time, in the format ``forecasts import
  references FILE`` reads (``forecasts.references.COLUMNS``): re-importing it adds
  nothing new, and into a registry with the same questions it gives the same points.
* ``unscorable_claims``: every claim logged as unscorable, with its pundit, reason
  and note (for reading; not imported).
* ``scores``: per prediction, its status, Brier and log scores and whether it is the
  pundit's final forecast on the question (``forecasts.scores.prediction_frame``), and
  the reference standing at made-at with the scores against it (pundit minus reference).
* ``leaderboard``: ``forecasts.scores.leaderboard`` with the default minimum.

Predictions are streamed from the database in chunks, so memory does not grow with
them (the scores are computed on the whole frame, as the leaderboard does).

CSV text cells that a spreadsheet would run as a formula get a leading apostrophe
(``forecasts.csvsafe``), which ``forecasts import`` strips again; JSON is written as is.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forecasts import claims, moments, references, scores, scoring, serialize
from forecasts.csvsafe import neutralise, neutralise_frame
from forecasts.models import (
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionKind,
    QuestionOption,
    ReferenceForecast,
    Resolution,
    Source,
    Tag,
    UnscorableClaim,
    User,
    question_tags,
)
from forecasts.transfer import columns as C

FORMATS = ("csv", "json")
PREDICTION_FILE_COLUMNS = (
    "prediction_id",
    *C.COLUMNS,
    "logged_at",
    "logged_by",
    "corrected_at",
)
RESOLUTION_HISTORY_COLUMNS = (
    "question_slug",
    "statement",
    "outcome",
    "known_at",
    "evidence_url",
    "note",
    "automatic",
    "resolved_at",
    "resolved_by",
    "standing",
)
SCORE_COLUMNS = (
    "prediction_id",
    "pundit_slug",
    "question_slug",
    "kind",
    "made_at",
    "status",
    "outcome",
    "brier",
    "log_score",
    "final",
    "reference",
    "vs_reference_brier",
    "vs_reference_log",
)
UNSCORABLE_CLAIM_COLUMNS = (
    "claim_id",
    "pundit_slug",
    "made_at",
    "quote",
    "hedge_phrase",
    "reason",
    "note",
    "question_slug",
    "source_id",
    "logged_at",
    "logged_by",
)
_CHUNK = 5_000


def reference_rows(session: Session) -> Iterator[dict]:
    """Reference points as ``forecasts import references`` reads them. A probability
    is written as the fraction it is (``repr``, exact), certainty as ``100%`` (a bare 1
    is refused on import as ambiguous)."""
    query = (
        select(
            Question.slug,
            ReferenceForecast.source,
            ReferenceForecast.at,
            ReferenceForecast.probability,
            ReferenceForecast.url,
            ReferenceForecast.licence,
        )
        .join(Question, Question.id == ReferenceForecast.question_id)
        .order_by(Question.slug, ReferenceForecast.source, ReferenceForecast.at)
        .execution_options(yield_per=_CHUNK)
    )
    for slug, source, at, probability, url, licence in session.execute(query):
        yield {
            "question": slug,
            "source": source,
            "time": serialize._iso(at),
            "probability": "100%" if probability == 1 else probability,
            "url": url,
            "licence": licence,
        }


def unscorable_claim_rows(session: Session) -> Iterator[dict]:
    query = select(UnscorableClaim).order_by(UnscorableClaim.id)
    for claim in session.scalars(query):
        row = serialize.unscorable_claim_dict(claim)
        yield {**row, "claim_id": row["id"]}


def export(session: Session, outdir: Path, file_format: str = "csv") -> dict[str, int]:
    """Write the export files to ``outdir``; returns rows written per file."""
    if file_format not in FORMATS:
        raise ValueError(f"format must be csv or json (got {file_format!r})")
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        # One snapshot for every query, so the files agree with each other.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    outdir.mkdir(parents=True, exist_ok=True)
    registry = _Registry(session)
    counts = {
        "predictions": _write(
            outdir,
            "predictions",
            file_format,
            PREDICTION_FILE_COLUMNS,
            registry.prediction_file_rows(),
        ),
        "pundits": _write(
            outdir,
            "pundits",
            file_format,
            (C.ENTRY, *C.PUNDIT),
            registry.pundit_rows(registry.pundits),
        ),
        "sources": _write(
            outdir,
            "sources",
            file_format,
            (C.ENTRY, *C.SOURCE),
            registry.source_rows(registry.sources, with_text=True),
        ),
        "questions": _write(
            outdir,
            "questions",
            file_format,
            (C.ENTRY, *C.QUESTION, *C.RESOLUTION),
            registry.question_rows(registry.questions),
        ),
        "resolutions": _write(
            outdir,
            "resolutions",
            file_format,
            RESOLUTION_HISTORY_COLUMNS,
            registry.resolution_history(),
        ),
    }
    counts["references"] = _write(
        outdir, "references", file_format, references.COLUMNS, reference_rows(session)
    )
    counts["unscorable_claims"] = _write(
        outdir,
        "unscorable_claims",
        file_format,
        UNSCORABLE_CLAIM_COLUMNS,
        unscorable_claim_rows(session),
    )
    frame = scores.prediction_frame(session)
    counts["scores"] = _write_frame(outdir, "scores", file_format, _score_table(frame))
    counts["leaderboard"] = _write_frame(
        outdir,
        "leaderboard",
        file_format,
        scores.leaderboard_from(frame, claims=claims.claim_counts(session)),
    )
    session.rollback()  # end the read transaction
    return counts


def _score_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.reindex(columns=list(SCORE_COLUMNS)).copy()
    table["made_at"] = [
        moments.iso(
            moments.when_of(
                moment.to_pydatetime() if hasattr(moment, "to_pydatetime") else moment, precision
            )
        )
        for moment, precision in zip(table["made_at"], frame["made_at_precision"], strict=True)
    ]
    table["final"] = table["final"].astype(bool)
    # Against the reference standing at made-at (scored binary forecasts made while one
    # stood): the pundit's score minus the reference's, Brier lower and log higher better.
    table["vs_reference_brier"] = table["vs_reference_log"] = np.nan
    pick = (
        (frame["status"] == scores.SCORED).to_numpy()
        & (frame["kind"] == QuestionKind.BINARY.value).to_numpy()
        & frame["reference"].notna().to_numpy()
        if "reference" in frame
        else np.zeros(len(frame), dtype=bool)
    )
    if pick.any():
        rows = frame.loc[pick]
        brier, log = scoring.scores_against_reference(
            rows["probability"].to_numpy(), rows["reference"].to_numpy(), rows["outcome"].to_numpy()
        )
        table.loc[pick, "vs_reference_brier"] = brier
        table.loc[pick, "vs_reference_log"] = log
    return table


# ------------------------------------------------------------------------------ writing


def _written(probability: float | None) -> float | str | None:
    """A probability as the file holds it: a fraction, but certainty as ``100%``, since a
    bare 1 in a column of nothing but 0s and 1s could be read as one percent."""
    return "100%" if probability == 1 else probability


def _cell(value) -> str:
    """A value as CSV text: lists joined by ' | ', a distribution as 'label: p' pairs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return C.LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, dict):
        return C.LIST_SEPARATOR.join(f"{label}: {p!r}" for label, p in value.items())
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write(
    outdir: Path, name: str, file_format: str, header: tuple[str, ...], rows: Iterator[dict]
) -> int:
    count = 0
    path = outdir / f"{name}.{file_format}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        if file_format == "csv":
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow([neutralise(_cell(row.get(column))) for column in header])
                count += 1
        else:
            handle.write("[")
            for row in rows:
                handle.write(",\n" if count else "\n")
                handle.write(
                    json.dumps({column: row.get(column) for column in header}, ensure_ascii=False)
                )
                count += 1
            handle.write("\n]\n")
    return count


def _write_frame(outdir: Path, name: str, file_format: str, frame: pd.DataFrame) -> int:
    path = outdir / f"{name}.{file_format}"
    if file_format == "csv":
        neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n")
    else:
        records = scores.records(frame)
        with path.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for index, record in enumerate(records):
                handle.write(",\n" if index else "\n")
                handle.write(json.dumps(record, ensure_ascii=False, default=str))
            handle.write("\n]\n")
    return len(frame)


# ----------------------------------------------------------------------------- reading


class _Registry:
    """The nouns (few) in memory; predictions streamed."""

    def __init__(self, session: Session):
        self.session = session
        self.pundits = {p.id: p for p in session.scalars(select(Pundit).order_by(Pundit.slug))}
        # Natural orders (not ids), so a registry and its re-import export the same files.
        self.sources = {
            s.id: s
            for s in session.scalars(
                select(Source).order_by(Source.published_on, Source.title, Source.url)
            )
        }
        self.questions = self._questions()
        self.users = dict(session.execute(select(User.id, User.name)).tuples().all())

    def _questions(self) -> dict[int, dict]:
        s = self.session
        questions = {}
        for q in s.scalars(select(Question).order_by(Question.slug)):
            questions[q.id] = {"row": q, "options": [], "tags": [], "standing": None}
        for question_id, label in s.execute(
            select(QuestionOption.question_id, QuestionOption.label).order_by(
                QuestionOption.question_id, QuestionOption.position
            )
        ):
            questions[question_id]["options"].append(label)
        for question_id, slug in s.execute(
            select(question_tags.c.question_id, Tag.slug)
            .join(Tag, Tag.id == question_tags.c.tag_id)
            .order_by(Tag.slug)
        ):
            questions[question_id]["tags"].append(slug)
        latest = (select(func.max(Resolution.id)).group_by(Resolution.question_id)).subquery()
        for resolution, label in s.execute(
            select(Resolution, QuestionOption.label)
            .where(Resolution.id.in_(select(latest)))
            .outerjoin(QuestionOption, QuestionOption.id == Resolution.option_id)
        ):
            questions[resolution.question_id]["standing"] = (resolution, label)
        return questions

    # nouns as import rows

    def pundit_cells(self, pundit: Pundit) -> dict:
        return {
            "pundit": pundit.name,
            "pundit_slug": pundit.slug,
            "pundit_affiliation": pundit.affiliation or None,
            "pundit_bio": pundit.bio or None,
            "pundit_links": list(pundit.links or []) or None,
            "pundit_platform": pundit.platform,
            "pundit_handle": pundit.platform_handle,
        }

    def source_cells(self, source: Source, with_text: bool) -> dict:
        return {
            "source_title": source.title,
            "source_url": source.url,
            "source_published_on": source.published_on.isoformat(),
            "source_outlet": source.outlet or None,
            "source_note": source.note or None,
            "source_full_text": (source.full_text or None) if with_text else None,
        }

    def question_cells(self, question_id: int) -> dict:
        entry = self.questions[question_id]
        q: Question = entry["row"]
        condition = self.questions.get(q.condition_question_id) if q.condition_question_id else None
        cells = {
            "statement": q.statement,
            "question_slug": q.slug,
            "resolution_criteria": q.resolution_criteria,
            "resolve_by": q.resolve_by.isoformat() if q.resolve_by else None,
            "kind": q.kind,
            "options": list(entry["options"]) or None,
            "tags": list(entry["tags"]) or None,
            "condition": condition["row"].slug if condition else None,
            "condition_outcome": q.condition_outcome,
            "question_note": q.note or None,
            "question_platform": q.platform,
            "question_platform_id": q.platform_id,
            "question_url": q.platform_url,
        }
        standing = entry["standing"]
        if standing is not None:
            resolution, label = standing
            cells.update(
                {
                    "outcome": label or resolution.outcome,
                    "known_at": moments.iso(resolution.known),
                    "evidence_url": resolution.evidence_url,
                    "resolution_note": resolution.note or None,
                }
            )
        return cells

    def pundit_rows(self, pundits: dict) -> Iterator[dict]:
        for pundit in pundits.values():
            yield {C.ENTRY: "pundit", **self.pundit_cells(pundit)}

    def source_rows(self, sources: dict, with_text: bool) -> Iterator[dict]:
        for source in sources.values():
            yield {C.ENTRY: "source", **self.source_cells(source, with_text)}

    def question_rows(self, questions) -> Iterator[dict]:
        for question_id in questions:
            yield {C.ENTRY: "question", **self.question_cells(question_id)}

    # the predictions file

    def prediction_file_rows(self) -> Iterator[dict]:
        s = self.session
        used = {
            name: set(s.scalars(select(column).distinct().where(column.is_not(None))))
            for name, column in (
                ("pundits", Prediction.pundit_id),
                ("sources", Prediction.source_id),
                ("questions", Prediction.question_id),
            )
        }
        yield from self.pundit_rows(
            {k: v for k, v in self.pundits.items() if k not in used["pundits"]}
        )
        yield from self.source_rows(
            {k: v for k, v in self.sources.items() if k not in used["sources"]}, with_text=True
        )
        yield from self.question_rows([k for k in self.questions if k not in used["questions"]])
        pundit_cells = {pid: self.pundit_cells(p) for pid, p in self.pundits.items()}
        source_cells = {
            sid: self.source_cells(src, with_text=False) for sid, src in self.sources.items()
        }
        question_cells = {qid: self.question_cells(qid) for qid in self.questions}
        texts_written: set[int] = set()
        query = select(Prediction.__table__).order_by(Prediction.id)
        result = s.execute(query.execution_options(yield_per=_CHUNK))
        for chunk in result.partitions():
            distributions = self._distributions(
                [row.id for row in chunk if row.probability is None]
            )
            for row in chunk:
                cells = {
                    "prediction_id": row.id,
                    **pundit_cells[row.pundit_id],
                    **question_cells[row.question_id],
                }
                if row.source_id is not None:
                    cells.update(source_cells[row.source_id])
                    if row.source_id not in texts_written:  # the full text once per source
                        texts_written.add(row.source_id)
                        cells["source_full_text"] = self.sources[row.source_id].full_text or None
                cells.update(
                    {
                        "probability": _written(row.probability),
                        "distribution": distributions.get(row.id),
                        "quote": row.quote or None,
                        "hedge_phrase": row.hedge_phrase or None,
                        "probability_origin": row.probability_origin,
                        "scale": f"{row.scale_name}@{row.scale_version}"
                        if row.scale_name and row.scale_version
                        else None,
                        "made_at": moments.iso(moments.when_of(row.made_at, row.made_at_precision)),
                        "note": row.note or None,
                        "logged_at": serialize._iso(row.logged_at),
                        "logged_by": self.users.get(row.logged_by_id),
                        "corrected_at": serialize._iso(row.corrected_at),
                        "retracted_at": serialize._iso(row.retracted_at),
                        "retraction_reason": row.retraction_reason or None,
                    }
                )
                yield cells

    def _distributions(self, prediction_ids: list[int]) -> dict[int, dict[str, float]]:
        result: dict[int, dict[str, float]] = defaultdict(dict)
        for start in range(0, len(prediction_ids), 500):
            batch = prediction_ids[start : start + 500]
            for prediction_id, label, probability in self.session.execute(
                select(
                    PredictionOption.prediction_id,
                    QuestionOption.label,
                    PredictionOption.probability,
                )
                .join(QuestionOption, QuestionOption.id == PredictionOption.option_id)
                .where(PredictionOption.prediction_id.in_(batch))
                .order_by(PredictionOption.prediction_id, QuestionOption.position)
            ):
                result[prediction_id][label] = probability
        return result

    def resolution_history(self) -> Iterator[dict]:
        standing_ids = {
            entry["standing"][0].id
            for entry in self.questions.values()
            if entry["standing"] is not None
        }
        query = (
            select(Resolution, QuestionOption.label)
            .join(Question, Question.id == Resolution.question_id)
            .outerjoin(QuestionOption, QuestionOption.id == Resolution.option_id)
            .order_by(Question.slug, Resolution.id)
        )
        for resolution, label in self.session.execute(query):
            question = self.questions[resolution.question_id]["row"]
            yield {
                "question_slug": question.slug,
                "statement": question.statement,
                "outcome": label or resolution.outcome,
                "known_at": moments.iso(resolution.known),
                "evidence_url": resolution.evidence_url,
                "note": resolution.note or None,
                "automatic": bool(resolution.automatic),
                "resolved_at": serialize._iso(resolution.resolved_at),
                "resolved_by": self.users.get(resolution.resolved_by_id),
                "standing": resolution.id in standing_ids,
            }
