"""Scores kept, not recomputed: each prediction's status and scores in the table
``prediction_scores``, brought up to date in the same transaction as every write.

What a write can change is local to questions: a prediction's scores depend on its own
question (its resolution, deadline, condition, reference forecasts and the pundit's other
forecasts on it), and a question conditional on another changes with that one. So a
transaction notes the questions it touches, and just before it commits their rows are
computed again (by ``forecasts.scores.prediction_frame``, the one definition of a
score) and replaced. The boards then read the kept rows with one plain query instead of
joining and scoring the whole registry on every change.

How writes are noticed:

* through the ORM (every service action): the rows a flush adds, changes or deletes
  (predictions, their distributions, resolutions, questions, reference forecasts);
* bulk writers (the importer, the demo generator) call ``watch`` first: the rows added
  after it, found by id, are noted at commit;
* bulk updates that bypass both (a merge moving predictions) call ``touch``.

``verify`` compares the kept rows with a computation from scratch (``forecasts scores
verify``); ``rebuild`` recomputes them all (``forecasts scores rebuild``, and
``forecasts db upgrade`` when the table is new).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from forecasts.models import (
    BoardState,
    Prediction,
    PredictionOption,
    PredictionScore,
    PunditScore,
    Question,
    ReferenceForecast,
    Resolution,
    UnscorableClaim,
)

if TYPE_CHECKING:
    import pandas as pd

    from forecasts.scores import Filters

# numpy, pandas and the scores load on the first refresh or read, not with the session
# hooks (every command that opens a session imports this module).

#: The kept columns, as ``prediction_frame`` names them.
KEPT = [
    "prediction_id",
    "pundit_id",
    "question_id",
    "kind",
    "made_at",
    "probability",
    "known_at",
    "reference",
    "status",
    "outcome",
    "brier",
    "log_score",
    "final",
    # scores.ROW_STATISTICS: what a final forecast brings to its pundit's board row
    "peer_brier",
    "peer_log",
    "time_averaged",
    "pair_brier",
    "vs_reference_brier",
]
_FLOATS = (
    "probability",
    "reference",
    "outcome",
    "brier",
    "log_score",
    "peer_brier",
    "peer_log",
    "time_averaged",
    "pair_brier",
    "vs_reference_brier",
)
_ROW_FLOATS = _FLOATS[5:]
# The table's columns, in the order ``_records`` writes them.
_TABLE_COLUMNS = (
    "prediction_id",
    "pundit_id",
    "question_id",
    "kind",
    "made_at_us",
    "probability",
    "known_at_us",
    "known_at_day",
    "reference",
    "status",
    "outcome",
    "brier",
    "log_score",
    "final",
    *_ROW_FLOATS,
)
_TOUCHED = "forecasts.kept.touched"
_PUNDITS = "forecasts.kept.pundits"
_MARKS = "forecasts.kept.marks"
_CHUNK = 500
# Beyond this many questions a refresh computes the whole frame once instead of by
# question (one indexed read per question stops paying).
_BY_QUESTION_LIMIT = 200
_MARKED = (
    ("predictions", Prediction),
    ("resolutions", Resolution),
    ("reference_forecasts", ReferenceForecast),
)


# ------------------------------------------------------------------ noticing writes


def touch(session: Session, question_ids: Iterable[int]) -> None:
    """Note that these questions' predictions must be scored again at commit."""
    session.info.setdefault(_TOUCHED, set()).update(int(q) for q in question_ids if q is not None)


def watch(session: Session) -> None:
    """Before a bulk write: remember the newest ids, so the rows added after are found."""
    session.info[_MARKS] = {
        name: session.scalar(select(func.coalesce(func.max(model.id), 0)))
        for name, model in (*_MARKED, ("unscorable_claims", UnscorableClaim))
    }


def _question_of(row) -> Iterable[int]:
    if isinstance(row, Prediction | Resolution | ReferenceForecast):
        yield from (q for q in (row.question_id, _previous(row, "question_id")) if q)
    elif isinstance(row, Question):
        if row.id is not None:
            yield row.id
    elif isinstance(row, PredictionOption):
        prediction = row.prediction
        if prediction is not None and prediction.question_id:
            yield prediction.question_id


def _previous(row, attribute: str):
    history = inspect(row).attrs[attribute].history
    return history.deleted[0] if history.deleted else None


def touch_pundits(session: Session, pundit_ids: Iterable[int]) -> None:
    """Note that these pundits' totals must be computed again at commit (a write that
    changes their claim counts without touching a question's forecasts)."""
    session.info.setdefault(_PUNDITS, set()).update(int(p) for p in pundit_ids if p is not None)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, UnscorableClaim):
            touch_pundits(session, (row.pundit_id, _previous(row, "pundit_id")))
        else:
            touched.update(q for q in _question_of(row) if q is not None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_PUNDITS, None)
    session.info.pop(_MARKS, None)


@event.listens_for(Session, "before_commit")
def _keep(session: Session) -> None:
    session.flush()
    touched = session.info.pop(_TOUCHED, set())
    pundits = session.info.pop(_PUNDITS, set())
    marks = session.info.pop(_MARKS, None)
    if not touched and not marks and not pundits:
        return
    connection = session.connection()
    if not has_table(connection):  # a database before the table's migration
        return
    if marks:
        for name, model in _MARKED:
            touched.update(
                session.scalars(select(model.question_id).distinct().where(model.id > marks[name]))
            )
        claimed = select(UnscorableClaim.pundit_id).where(
            UnscorableClaim.id > marks["unscorable_claims"]
        )
        pundits.update(session.scalars(claimed.distinct()))
    refresh(session, touched, pundits)


def has_table(connection: Connection) -> bool:
    if connection.dialect.name == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'prediction_scores'"
    else:
        sql = "SELECT to_regclass('prediction_scores') IS NOT NULL"
    return bool(connection.exec_driver_sql(sql).scalar())


# ------------------------------------------------------------------ computing


def _with_dependents(session: Session, question_ids: set[int]) -> set[int]:
    """The questions and, transitively, the questions conditional on them."""
    found, frontier = set(question_ids), set(question_ids)
    while frontier:
        wave: set[int] = set()
        ids = sorted(frontier)
        for start in range(0, len(ids), _CHUNK):
            wave.update(
                session.scalars(
                    select(Question.id).where(
                        Question.condition_question_id.in_(ids[start : start + _CHUNK])
                    )
                )
            )
        frontier = wave - found
        found |= frontier
    return found


def _fresh(session: Session, question_ids: set[int] | None) -> pd.DataFrame:
    """The kept columns computed from the rows, for these questions (None: all)."""
    import pandas as pd

    from forecasts import scores

    columns = [
        name
        for name in KEPT
        if name not in scores.SCORE_COLUMNS and name not in scores.ROW_STATISTICS
    ]
    if question_ids is None or len(question_ids) > _BY_QUESTION_LIMIT:
        frame = scores.prediction_frame(session, columns=columns)
        if question_ids is not None:
            frame = frame[frame["question_id"].isin(list(question_ids))]
    else:
        parts = [
            scores.prediction_frame(session, question_id=q, columns=columns)
            for q in sorted(question_ids)
        ]
        parts = [part for part in parts if len(part)]
        if not parts:
            return pd.DataFrame(columns=KEPT)
        frame = pd.concat(parts, ignore_index=True)
    # Local to each question, so computed on the questions' rows alone.
    frame = frame.assign(**scores.row_statistics(frame))
    return frame[KEPT]


def _records(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as the table's (times as microseconds, missing values None)."""
    import numpy as np
    import pandas as pd

    if frame.empty:
        return []
    made = pd.DatetimeIndex(frame["made_at"]).as_unit("us").asi8
    known_us, known_day = _known(frame["known_at"].to_numpy(dtype=object))
    table = pd.DataFrame(
        {
            "prediction_id": frame["prediction_id"].astype(np.int64).to_numpy(),
            "pundit_id": frame["pundit_id"].astype(np.int64).to_numpy(),
            "question_id": frame["question_id"].astype(np.int64).to_numpy(),
            "kind": frame["kind"].astype(str).to_numpy(),
            "made_at_us": made,
            "probability": frame["probability"].astype(float).to_numpy(),
            "known_at_us": known_us,
            "known_at_day": known_day,
            "reference": frame["reference"].astype(float).to_numpy(),
            "status": frame["status"].astype(str).to_numpy(),
            "outcome": frame["outcome"].astype(float).to_numpy(),
            "brier": frame["brier"].astype(float).to_numpy(),
            "log_score": frame["log_score"].astype(float).to_numpy(),
            "final": frame["final"].astype(bool).to_numpy(),
            **{name: frame[name].astype(float).to_numpy() for name in _ROW_FLOATS},
        }
    )
    table = table.astype(object).where(table.notna(), None)
    records = table.to_dict("records")
    for record in records:  # plain Python numbers for every driver
        for name in ("prediction_id", "pundit_id", "question_id", "made_at_us"):
            record[name] = int(record[name])
        if record["known_at_us"] is not None:
            record["known_at_us"] = int(record["known_at_us"])
            record["known_at_day"] = bool(record["known_at_day"])
        record["final"] = bool(record["final"])
    return records


def _known(values) -> tuple[list, list]:
    """When each outcome became known, as microseconds and whether only its day is
    known (a date; a datetime is a moment); None for both where not known."""
    us, by_day = [], []
    for value in values:
        if value is None or _nan(value):
            us.append(None)
            by_day.append(None)
        elif isinstance(value, dt.datetime):
            us.append(_microseconds(value.astimezone(dt.UTC)))
            by_day.append(False)
        else:
            us.append(_microseconds(dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)))
            by_day.append(True)
    return us, by_day


def _nan(value) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return str(value) == "NaT"


def refresh(session: Session, question_ids: Iterable[int], pundit_ids: Iterable[int] = ()) -> int:
    """Replace the kept rows of these questions (and their dependents) with fresh ones,
    then the totals of every pundit whose forecasts were among them (before or after)
    and of ``pundit_ids``, in the session's transaction; returns how many prediction
    rows were written."""
    ids = _with_dependents(session, set(question_ids))
    pundits = set(pundit_ids)
    recount = set(pundits)  # named pundits: an unscorable claim changed
    if not ids and not pundits:
        return 0
    if len(ids) > _BY_QUESTION_LIMIT:
        everything = session.scalar(select(func.count()).select_from(Question))
        if 2 * len(ids) >= everything:  # most of the registry (an import): all at once
            return fill(session)
    _lock_all(session, exclusive=False)
    _lock(session, _QUESTIONS, ids)
    ordered = sorted(ids)
    written = 0
    if ordered:
        fresh = {record["prediction_id"]: record for record in _records(_fresh(session, ids))}
        names = list(_TABLE_COLUMNS)
        old: dict[int, tuple] = {}
        from forecasts import scores

        reader = scores.Reader(session)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row in reader.rows(
                f"SELECT {', '.join(names)} FROM prediction_scores WHERE question_id IN ({marks})",
                chunk,
            ):
                old[row[0]] = row
        # Only the rows that changed are rewritten, and only their pundits' totals
        # recomputed: a forecast logged on an open question changes its own row alone.
        new = {key: tuple(record[name] for name in names) for key, record in fresh.items()}
        gone = [key for key in old if key not in new or old[key] != new[key]]
        changed = [key for key in new if key not in old or old[key] != new[key]]
        pundits.update(old[key][1] for key in gone)
        pundits.update(new[key][1] for key in changed)
        # Claim counts change with a forecast added, removed, moved or retracted, or a
        # question's deadline given or taken away (the status says which).
        for key in changed:
            before, after = old.get(key), new[key]
            if before is None or _claim_changed(before, after):
                recount.update((after[1], before[1] if before else after[1]))
        recount.update(old[key][1] for key in gone if key not in new)
        for start in range(0, len(gone), _CHUNK):
            session.execute(
                delete(PredictionScore).where(
                    PredictionScore.prediction_id.in_(gone[start : start + _CHUNK])
                )
            )
        records = [fresh[key] for key in changed]
        for start in range(0, len(records), 10_000):
            session.execute(insert(PredictionScore), records[start : start + 10_000])
        written = len(records)
    refresh_pundits(session, pundits, recount)
    return written


_STATUS = _TABLE_COLUMNS.index("status")


def _claim_changed(before: tuple, after: tuple) -> bool:
    """Whether a kept row's change can change its pundit's claim counts."""
    from forecasts import scores

    uncounted = (scores.RETRACTED, scores.NO_DEADLINE)
    return (
        before[1:3] != after[1:3]  # another pundit or question
        or (before[_STATUS] != after[_STATUS])
        and (before[_STATUS] in uncounted or after[_STATUS] in uncounted)
    )


# Namespaces of the transaction locks (PostgreSQL) that keep two writers from computing
# one question's rows or one pundit's totals at once from different snapshots.
_EVERYTHING, _QUESTIONS, _PUNDIT_TOTALS = 7100, 7101, 7102


def _lock_all(session: Session, exclusive: bool) -> None:
    """On PostgreSQL, the lock of the kept tables as a whole: shared by the writers that
    refresh some questions, held alone by a refill of everything."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        connection.exec_driver_sql(f"SELECT {function}(%s, 0)", (_EVERYTHING,))


def _lock(session: Session, namespace: int, ids: Iterable[int]) -> None:
    """On PostgreSQL, hold these ids' transaction locks (in order: no deadlock between
    writers), so what is computed next reads what the writers before committed. Many
    ids take the namespace's lock as a whole instead (which each few-id writer shares).
    SQLite has one writer at a time already."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    ids = sorted(ids)
    whole = "SELECT {}(%s, -1)".format
    if len(ids) > _BY_QUESTION_LIMIT:
        connection.exec_driver_sql(whole("pg_advisory_xact_lock"), (namespace,))
        return
    connection.exec_driver_sql(whole("pg_advisory_xact_lock_shared"), (namespace,))
    for key in ids:
        connection.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(%s, %s)", (namespace, int(key) & 0x7FFFFFFF)
        )


def refresh_pundits(
    session: Session, pundit_ids: Iterable[int], recount: Iterable[int] | None = None
) -> int:
    """Recompute these pundits' totals (``pundit_scores``) from their kept rows, in the
    session's transaction; returns how many totals rows were written. Their claim counts
    are counted again for the pundits in ``recount`` (None: all of them) and for those
    without totals yet; the others keep theirs (a resolution changes no claim count)."""
    import pandas as pd

    from forecasts import claims, scores

    ids = sorted({int(p) for p in pundit_ids})
    if not ids:
        return 0
    _lock_all(session, exclusive=False)
    _lock(session, _PUNDIT_TOTALS, ids)
    kept_counts = []
    again = set(ids) if recount is None else {int(p) for p in recount} & set(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        if recount is not None:
            marks = ", ".join("?" * len(chunk))
            kept_counts += scores.Reader(session).rows(
                "SELECT pundit_id, claims_scorable, claims_unscorable FROM pundit_scores "
                f"WHERE pundit_id IN ({marks})",
                chunk,
            )
        session.execute(delete(PunditScore).where(PunditScore.pundit_id.in_(chunk)))
    known = pd.DataFrame.from_records(
        [row for row in kept_counts if row[0] not in again],
        columns=["pundit_id", *claims.COUNT_COLUMNS],
    ).set_index("pundit_id")
    again |= set(ids) - set(known.index)
    counts = pd.concat([known, claims.claim_count_table(session, sorted(again))])
    return _insert_totals(session, _final_rows(session, ids), counts)


_TOTALS_INPUT = [
    "pundit_id",
    "question_id",
    "binary",
    "probability",
    "outcome",
    "brier",
    "log_score",
    "peer_brier",
    "peer_log",
    "time_averaged",
    "pair_brier",
    "vs_reference_brier",
]
_TOTALS_INPUT_SQL = (
    "SELECT pundit_id, question_id, CASE WHEN kind = 'binary' THEN 1 ELSE 0 END, "
    "probability, outcome, brier, log_score, peer_brier, peer_log, time_averaged, "
    "pair_brier, vs_reference_brier FROM prediction_scores WHERE final = ?"
)


def _final_rows(session: Session, pundit_ids: list[int] | None) -> pd.DataFrame:
    """The kept final rows (of these pundits; None: all) as ``scores.pundit_statistics``
    reads them, in prediction order (a pundit's through the index that holds them)."""
    import numpy as np
    import pandas as pd

    from forecasts import scores

    reader = scores.Reader(session)
    if pundit_ids is None:
        rows = reader.rows(f"{_TOTALS_INPUT_SQL} ORDER BY prediction_id", [True])
    else:
        rows = []
        for start in range(0, len(pundit_ids), _CHUNK):
            chunk = pundit_ids[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows += reader.rows(
                f"{_TOTALS_INPUT_SQL} AND pundit_id IN ({marks}) "
                "ORDER BY pundit_id, final, prediction_id",
                [True, *chunk],
            )
    # Numbers only (None becomes NaN): one conversion, not one per value.
    table = np.array(rows, dtype=float).reshape(-1, len(_TOTALS_INPUT))
    frame = pd.DataFrame(table, columns=_TOTALS_INPUT)
    frame["pundit_id"] = frame["pundit_id"].astype(np.int64)
    frame["question_id"] = frame["question_id"].astype(np.int64)
    frame["kind"] = np.where(frame.pop("binary").to_numpy() == 1, "binary", "other")
    return frame


def _insert_totals(session: Session, rows: pd.DataFrame, counts: pd.DataFrame) -> int:
    """Write the totals of the pundits of ``rows`` with their claim counts (``counts``,
    by pundit id, ``claims.COUNT_COLUMNS``)."""
    import numpy as np

    from forecasts import scores

    if not len(rows):
        return 0
    rows = rows.assign(final=True, pundit_slug="", pundit_name="")
    for name in ("brier", "log_score", *scores.ROW_STATISTICS):
        rows[name] = rows[name].astype(float)
    totals = scores.pundit_statistics(rows).drop(columns=["pundit", "name"])
    totals = totals.join(counts, on="pundit_id")
    for name in ("claims_scorable", "claims_unscorable"):
        totals[name] = totals[name].fillna(0).astype(np.int64)
    totals["calibration"] = totals["pundit_id"].map(glyph_bins(rows)).fillna("[]")
    table = totals.astype(object).where(totals.notna(), None)
    records = table.to_dict("records")
    for record in records:
        for name in ("pundit_id", "n", "n_peer", "n_reference", *counts.columns):
            record[name] = int(record[name])
    for start in range(0, len(records), 10_000):
        session.execute(insert(PunditScore), records[start : start + 10_000])
    return len(records)


def glyph_bins(rows: pd.DataFrame) -> pd.Series:
    """Per pundit id, the bins of the calibration glyph of their final binary forecasts
    in ``rows`` (``scoring.calibration.grouped_calibration_bins``), as JSON: a list of
    [n, mean forecast, observed frequency], by bin. Kept with the totals, so a board page
    draws its glyphs without reading any forecast."""
    import numpy as np
    import pandas as pd

    from forecasts import scoring
    from forecasts.scoring.calibration import grouped_calibration_bins

    binary = rows[np.equal(rows["kind"].to_numpy(dtype=object), "binary")]
    if not len(binary):
        return pd.Series(dtype=object)
    codes, ids = pd.factorize(binary["pundit_id"].to_numpy(dtype=np.int64))
    group, _, n, mean, observed = grouped_calibration_bins(
        binary["probability"].to_numpy(dtype=float),
        binary["outcome"].to_numpy(dtype=float),
        codes,
        len(ids),
        scoring.DEFAULT_BINS,
    )
    cells: list[list] = [[] for _ in ids]
    cells_of = zip(group.tolist(), n.tolist(), mean.tolist(), observed.tolist(), strict=True)
    for g, count, m, o in cells_of:
        cells[g].append([count, m, o])
    return pd.Series([json.dumps(c) for c in cells], index=np.asarray(ids, dtype=np.int64))


def glyphs_of(text: str) -> dict | None:
    """A kept glyph (``glyph_bins``) as the leaderboard's glyph macro reads it."""
    cells = json.loads(text) if text else []
    if not cells:
        return None
    return {"bins": [{"n": n, "mean_forecast": m, "observed_frequency": o} for n, m, o in cells]}


def _insert(session: Session, frame: pd.DataFrame) -> int:
    records = _records(frame)
    for start in range(0, len(records), 10_000):
        session.execute(insert(PredictionScore), records[start : start + 10_000])
    return len(records)


def fill(bind: Session | Connection) -> int:
    """Recompute every kept row from the registry's rows, in the caller's transaction
    (not committed); a database without the table is left alone (0)."""
    if isinstance(bind, Connection):
        if not has_table(bind):
            return 0
        with Session(bind=bind) as session:  # joins the connection's transaction
            return fill(session)
    if not has_table(bind.connection()):
        return 0
    _lock_all(bind, exclusive=True)
    bind.execute(delete(PredictionScore))
    bind.execute(delete(PunditScore))
    written = _insert(bind, _fresh(bind, None))
    from forecasts import claims

    _insert_totals(bind, _final_rows(bind, None), claims.claim_count_table(bind))
    for name in (_TOUCHED, _PUNDITS, _MARKS):
        bind.info.pop(name, None)
    return written


def rebuild(session: Session) -> int:
    """Recompute every kept row from the registry's rows, and commit."""
    written = fill(session)
    session.commit()
    return written


def needs_rebuild(session: Session) -> bool:
    """Whether the table is empty while the registry has predictions (just migrated)."""
    return has_table(session.connection()) and _unfilled(session)


def _unfilled(session: Session) -> bool:
    """The table (which exists) keeps nothing while the registry has predictions."""
    kept = session.scalar(select(PredictionScore.prediction_id).limit(1))
    return kept is None and session.scalar(select(Prediction.id).limit(1)) is not None


# ------------------------------------------------------------------ reading


_READ_SQL = (
    "SELECT s.prediction_id, s.pundit_id, s.question_id, s.kind, s.made_at_us, "
    "s.probability, s.known_at_us, s.known_at_day, s.reference, s.status, s.outcome, "
    "s.brier, s.log_score, s.final FROM prediction_scores s"
)
_READ_COLUMNS = [
    "prediction_id",
    "pundit_id",
    "question_id",
    "kind",
    "made_at_us",
    "probability",
    "known_at_us",
    "known_at_day",
    "reference",
    "status",
    "outcome",
    "brier",
    "log_score",
    "final",
]


def frame(session: Session, filters: Filters | None = None) -> pd.DataFrame:
    """The leaderboard's input (``scores.LEADERBOARD_INPUT`` and the scores) from the
    kept rows, with the board's filters: what ``prediction_frame`` would compute."""
    import numpy as np
    import pandas as pd

    from forecasts import scores

    filters = filters or scores.Filters()
    conditions, params = [], []
    if filters.tag:
        conditions.append(f"s.question_id IN {scores.TAGGED_QUESTIONS_SQL}")
        params.append(filters.tag)
    moments = scores.filter_moments(filters)
    if moments[0] is not None:
        conditions.append("s.made_at_us >= ?")
        params.append(_microseconds(moments[0]))
    if moments[1] is not None:
        conditions.append("s.made_at_us < ?")
        params.append(_microseconds(moments[1]))
    if filters.kind:
        conditions.append("s.kind = ?")
        params.append(filters.kind)
    reader = scores.Reader(session)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = reader.rows(f"{_READ_SQL}{where} ORDER BY s.prediction_id", params)
    read = pd.DataFrame.from_records(rows, columns=_READ_COLUMNS, coerce_float=True)
    del rows
    # The pundits' slugs and names once each (few), taken for every row.
    pundits = reader.rows("SELECT id, slug, name FROM pundits ORDER BY id")
    ids = np.array([row[0] for row in pundits], dtype=np.int64)
    slugs = np.array([row[1] for row in pundits] + [None], dtype=object)
    names = np.array([row[2] for row in pundits] + [None], dtype=object)
    at_pundit = np.searchsorted(ids, read["pundit_id"].to_numpy(dtype=np.int64))
    found = at_pundit < len(ids)
    found[found] = ids[at_pundit[found]] == read["pundit_id"].to_numpy(dtype=np.int64)[found]
    at_pundit[~found] = len(ids)
    # Each distinct known-at made once: a date where only the day is known, else a
    # moment (an aware datetime, UTC), as the frame computed from the rows has it.
    known = read["known_at_us"].to_numpy(dtype=float)
    by_day = read["known_at_day"].to_numpy(dtype=object)
    key = np.where(
        np.isnan(known),
        -1,
        np.nan_to_num(known).astype(np.int64) * 2 + (by_day == True),  # noqa: E712
    )
    distinct, at = np.unique(key, return_inverse=True)
    as_date = np.array([_known_value(int(k)) for k in distinct], dtype=object)
    out = pd.DataFrame(
        {
            "prediction_id": read["prediction_id"].to_numpy(dtype=np.int64),
            "pundit_id": read["pundit_id"].to_numpy(dtype=np.int64),
            "pundit_slug": slugs[at_pundit],
            "pundit_name": names[at_pundit],
            "question_id": read["question_id"].to_numpy(dtype=np.int64),
            "kind": read["kind"].to_numpy(dtype=object),
            "made_at": pd.to_datetime(
                read["made_at_us"].to_numpy(dtype=np.int64), unit="us", utc=True
            ),
            "probability": read["probability"].to_numpy(dtype=float),
            "known_at": as_date[at.reshape(-1)] if len(read) else np.array([], dtype=object),
            "reference": read["reference"].to_numpy(dtype=float),
            "status": read["status"].to_numpy(dtype=object),
            "outcome": read["outcome"].to_numpy(dtype=float),
            "brier": read["brier"].to_numpy(dtype=float),
            "log_score": read["log_score"].to_numpy(dtype=float),
            "final": read["final"].to_numpy().astype(bool),
        }
    )
    if not found.all():  # a pundit gone since (not possible through the services)
        out = out[found].reset_index(drop=True)
    if any(moments):  # final within the dates, as a frame of those dates has it
        out["final"] = scores.final_flags(
            (out["status"] == scores.SCORED).to_numpy(),
            out["pundit_id"].to_numpy(),
            out["question_id"].to_numpy(),
            out["made_at"].array.asi8,
        )
    return out


def board_input(session: Session, filters: Filters | None = None) -> pd.DataFrame:
    """The leaderboard's input: from the kept rows when the database keeps them, else
    computed from the registry's rows (a database not yet migrated, or not yet filled)."""
    from forecasts import scores

    filters = filters or scores.Filters()
    if has_table(session.connection()) and not _unfilled(session):
        return frame(session, filters)
    return scores.prediction_frame(session, filters, columns=scores.LEADERBOARD_INPUT)


@dataclass(frozen=True)
class KeptBoard:
    """The board read from the kept totals. ``adjusted_as_of`` is when the
    difficulty-adjusted scores on it were fitted; ``adjusted_stale`` says the registry
    has changed since (they are then as of that moment, and ``refit`` brings them up to
    date)."""

    board: pd.DataFrame
    adjusted_as_of: dt.datetime | None
    adjusted_stale: bool
    #: Per pundit slug, the kept calibration glyph bins (JSON; ``glyphs_of`` reads one).
    glyphs: dict[str, str] = field(default_factory=dict)


_TOTALS_SQL = (
    "SELECT t.pundit_id, p.slug, p.name, t.n, t.brier, t.brier_ci_low, t.brier_ci_high, "
    "t.brier_ss, t.log_score, t.n_peer, t.peer_brier, t.peer_log, t.time_averaged_brier, "
    "t.n_reference, t.vs_reference_brier, t.vs_reference_ci_low, t.vs_reference_ci_high, "
    "t.weighted_brier, t.claims_scorable, t.claims_unscorable, t.calibration "
    "FROM pundit_scores t JOIN pundits p ON p.id = t.pundit_id"
)


def kept_board(session: Session, min_n: int | None = None, fresh: bool = False) -> KeptBoard | None:
    """The whole registry's board (no filters) from the kept totals: one row per pundit
    read, nothing recomputed but the ranks. ``fresh``: difficulty-adjusted scores fitted
    now if the registry changed since they were (without keeping them), instead of as of
    their last fit. None when the database does not keep them (not migrated, or not
    filled yet)."""
    import pandas as pd

    from forecasts import claims, scores

    if not has_table(session.connection()) or _unfilled(session):
        return None
    rows = scores.Reader(session).rows(_TOTALS_SQL)
    columns = [*scores.STATISTICS_COLUMNS, *claims.COUNT_COLUMNS, "calibration"]
    totals = pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)
    for name in scores.STATISTICS_COLUMNS[4:]:
        if name not in ("n_peer", "n_reference"):
            totals[name] = totals[name].astype(float)
    state = session.get(BoardState, 1)
    adjusted = None
    if state is not None:
        adjusted = pd.Series(
            {int(key): value for key, value in json.loads(state.adjusted).items()}, dtype=float
        )
    stale = state is None or state.stamp != _stamp(session)
    fitted_at = state.fitted_at if state is not None else None
    if stale and fresh:
        adjusted = scores.adjusted_by_pundit(_final_rows(session, None).assign(final=True))
        stale, fitted_at = False, dt.datetime.now(dt.UTC)
    counts = claims.share_table(
        pd.Series(totals["claims_scorable"].to_numpy(), index=totals["pundit"].to_numpy()),
        pd.Series(totals["claims_unscorable"].to_numpy(), index=totals["pundit"].to_numpy()),
    )
    board = scores.board_from_statistics(
        totals[scores.STATISTICS_COLUMNS],
        scores.DEFAULT_MIN_N if min_n is None else min_n,
        counts,
        adjusted,
    )
    glyphs = dict(zip(totals["pundit"].tolist(), totals["calibration"].tolist(), strict=True))
    return KeptBoard(board, fitted_at, stale, glyphs)


def _stamp(session: Session) -> str:
    from forecasts import scores

    return ".".join(map(str, scores.registry_stamp(session)))


def refit(session: Session) -> bool:
    """Fit the difficulty-adjusted scores again from the kept final rows, when the
    registry has changed since they were fitted, in the session's transaction (the
    caller commits). Returns whether it fitted."""
    from forecasts import scores

    if not has_table(session.connection()):
        return False
    stamp = _stamp(session)
    state = session.get(BoardState, 1)
    if state is not None and state.stamp == stamp:
        return False
    rows = _final_rows(session, None).assign(final=True)
    adjusted = scores.adjusted_by_pundit(rows) if len(rows) else {}
    values = {str(int(key)): float(value) for key, value in dict(adjusted).items()}
    if state is None:
        state = BoardState(id=1)
        session.add(state)
    state.adjusted = json.dumps(values, sort_keys=True)
    state.stamp = stamp
    state.fitted_at = dt.datetime.now(dt.UTC)
    session.flush()
    return True


def _known_value(key: int):
    if key < 0:
        return None
    moment = _UTC_EPOCH + dt.timedelta(microseconds=key // 2)
    return moment.date() if key % 2 else moment


_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _microseconds(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1))


# ------------------------------------------------------------------ verifying


def verify(session: Session, limit: int = 20) -> list[str]:
    """How the kept rows differ from a computation from scratch, one line per
    difference (at most ``limit``); empty when they agree."""
    import numpy as np
    import pandas as pd

    from forecasts import scores

    fresh = _fresh(session, None).set_index("prediction_id").sort_index()
    extras = pd.DataFrame.from_records(
        scores.Reader(session).rows(
            f"SELECT prediction_id, {', '.join(scores.ROW_STATISTICS)} FROM prediction_scores"
        ),
        columns=["prediction_id", *scores.ROW_STATISTICS],
        coerce_float=True,
    ).set_index("prediction_id")
    kept = frame(session).set_index("prediction_id").join(extras).sort_index()[fresh.columns]
    problems = []
    missing = fresh.index.difference(kept.index)
    extra = kept.index.difference(fresh.index)
    problems += [f"prediction {i}: not kept" for i in missing[:limit]]
    problems += [f"prediction {i}: kept but not in the registry" for i in extra[:limit]]
    both = fresh.index.intersection(kept.index)
    a, b = fresh.loc[both], kept.loc[both]
    for name in fresh.columns:
        left, right = a[name], b[name]
        if name in _FLOATS:
            x, y = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
            same = (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=0, atol=1e-12)
        elif name == "made_at":
            same = pd.DatetimeIndex(left).asi8 == pd.DatetimeIndex(right).asi8
        else:
            same = np.array(
                [_same(u, v) for u, v in zip(left.to_numpy(), right.to_numpy(), strict=True)],
                dtype=bool,
            )
        for prediction_id in both[~same][:limit]:
            problems.append(
                f"prediction {prediction_id}: {name} kept {_shown(b.at[prediction_id, name])}, "
                f"computed {_shown(a.at[prediction_id, name])}"
            )
    problems += _verify_totals(session, fresh.reset_index(), limit)
    return problems[:limit]


def _verify_totals(session: Session, fresh: pd.DataFrame, limit: int) -> list[str]:
    """How the kept pundit totals differ from totals of the fresh rows."""
    import numpy as np
    import pandas as pd

    from forecasts import claims, scores

    computed = scores.pundit_statistics(fresh.assign(pundit_slug="", pundit_name="")).set_index(
        "pundit_id"
    )
    computed = computed.join(claims.claim_count_table(session)).drop(columns=["pundit", "name"])
    for name in claims.COUNT_COLUMNS:
        computed[name] = computed[name].fillna(0)
    final = fresh[fresh["final"].to_numpy(dtype=bool)]
    glyphs = computed.index.map(glyph_bins(final)).fillna("[]")
    kept = pd.DataFrame.from_records(
        scores.Reader(session).rows(
            f"SELECT pundit_id, {', '.join(computed.columns)} FROM pundit_scores"
        ),
        columns=["pundit_id", *computed.columns],
        coerce_float=True,
    ).set_index("pundit_id")
    problems = [f"pundit {i}: totals not kept" for i in computed.index.difference(kept.index)]
    problems += [
        f"pundit {i}: totals kept but no scored forecast"
        for i in kept.index.difference(computed.index)
    ]
    both = computed.index.intersection(kept.index)
    kept_glyphs = dict(
        scores.Reader(session).rows("SELECT pundit_id, calibration FROM pundit_scores")
    )
    for pundit_id, text in zip(computed.index, glyphs, strict=True):
        if pundit_id in kept_glyphs and _glyph_cells(kept_glyphs[pundit_id]) != _glyph_cells(text):
            problems.append(f"pundit {pundit_id}: calibration kept {kept_glyphs[pundit_id]}")
    for name in computed.columns:
        x = computed.loc[both, name].to_numpy(dtype=float)
        y = kept.loc[both, name].to_numpy(dtype=float)
        # Totals of one pundit's rows against totals of everyone's: sums in one order,
        # so equal; an interval's resampled means may be added in another (a few ulps).
        same = (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=1e-9, atol=1e-12)
        for pundit_id in both[~same][:limit]:
            problems.append(
                f"pundit {pundit_id}: {name} kept {_shown(kept.at[pundit_id, name])}, "
                f"computed {_shown(computed.at[pundit_id, name])}"
            )
    return problems[:limit]


def _glyph_cells(text: str):
    import numpy as np

    cells = np.array(json.loads(text), dtype=float).reshape(-1, 3)
    return tuple(np.round(cells, 12).ravel().tolist())


def _shown(value) -> str:
    if isinstance(value, float) or hasattr(value, "dtype"):
        try:
            return f"{float(value):.12g}"
        except (TypeError, ValueError):
            pass
    return repr(value) if isinstance(value, str) else str(value)


def _same(u, v) -> bool:
    if (u is None or _nan(u)) and (v is None or _nan(v)):
        return True
    return u == v
