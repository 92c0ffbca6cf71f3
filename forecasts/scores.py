"""Scores from the registry: which predictions count, and what they score.

A prediction is scored only when its question has a standing yes / no / option
resolution (not annulled), its condition (if any) resolved the way it needed, and it
was made before the day the outcome became known (no look-ahead). Everything else is
kept and shown with the reason it is not scored.

The numbers come from ``forecasts.scoring``; this module only gathers the rows. Brier
scores of multiple-choice forecasts are the multi-category Brier score halved, so that
every Brier here lies on the binary 0-1 scale (for two options the two agree exactly).
For a pundit who revised, the leaderboard scores the final forecast (the last one made
before the outcome was known) and also reports the time-averaged Brier score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from forecasts import scoring
from forecasts.models import (
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionOption,
    Resolution,
    Tag,
    question_tags,
)
from forecasts.scoring.groups import factorize
from forecasts.scoring.peer import forecaster_peer_means

SCORED = "scored"
LOOK_AHEAD = "made after the outcome was known: not scored"
ANNULLED = "annulled: not scored"
CONDITION_NOT_MET = "condition not met: not scored"
UNRESOLVED = "not resolved yet"
NO_DEADLINE = "no deadline given: never scored"
DEFAULT_MIN_N = 5


@dataclass(frozen=True)
class Filters:
    """Which predictions a board covers: a tag, the dates made (inclusive), a kind."""

    tag: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    kind: str | None = None


def _standing():
    """Each question's standing (latest) resolution id."""
    return (
        select(Resolution.question_id, func.max(Resolution.id).label("resolution_id"))
        .group_by(Resolution.question_id)
        .subquery()
    )


def prediction_frame(session: Session, filters: Filters = Filters(),
                     pundit_id: int | None = None, question_id: int | None = None) -> pd.DataFrame:
    """One row per prediction: who, what, when, the standing outcome, its status and, for
    scored rows, its Brier and log scores and whether it is the pair's final forecast."""
    standing, condition_standing = _standing(), _standing()
    resolution, condition_resolution = aliased(Resolution), aliased(Resolution)
    resolution_option, condition_option = aliased(QuestionOption), aliased(QuestionOption)
    query = (
        select(
            Prediction.id.label("prediction_id"),
            Prediction.pundit_id,
            Pundit.slug.label("pundit_slug"),
            Pundit.name.label("pundit_name"),
            Prediction.question_id,
            Question.slug.label("question_slug"),
            Question.statement,
            Question.kind,
            Question.resolve_by,
            Question.condition_question_id,
            Question.condition_outcome,
            Prediction.made_at,
            Prediction.probability,
            Prediction.hedge_phrase,
            Prediction.probability_origin,
            Prediction.scale_name,
            Prediction.scale_version,
            Prediction.quote,
            resolution.outcome.label("resolution"),
            resolution_option.label.label("outcome_option"),
            resolution_option.position.label("outcome_position"),
            resolution.known_at,
            condition_resolution.outcome.label("condition_resolution"),
            condition_option.label.label("condition_option"),
        )
        .join(Pundit, Pundit.id == Prediction.pundit_id)
        .join(Question, Question.id == Prediction.question_id)
        .outerjoin(standing, standing.c.question_id == Question.id)
        .outerjoin(resolution, resolution.id == standing.c.resolution_id)
        .outerjoin(resolution_option, resolution_option.id == resolution.option_id)
        .outerjoin(condition_standing,
                   condition_standing.c.question_id == Question.condition_question_id)
        .outerjoin(condition_resolution,
                   condition_resolution.id == condition_standing.c.resolution_id)
        .outerjoin(condition_option, condition_option.id == condition_resolution.option_id)
        .order_by(Prediction.id)
    )
    query = _filtered(query, filters)
    if pundit_id is not None:
        query = query.where(Prediction.pundit_id == pundit_id)
    if question_id is not None:
        query = query.where(Prediction.question_id == question_id)
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=_COLUMNS)
    return _score(session, frame)


_COLUMNS = [
    "prediction_id", "pundit_id", "pundit_slug", "pundit_name", "question_id",
    "question_slug", "statement", "kind", "resolve_by", "condition_question_id",
    "condition_outcome", "made_at", "probability", "hedge_phrase", "probability_origin",
    "scale_name", "scale_version", "quote", "resolution", "outcome_option",
    "outcome_position", "known_at", "condition_resolution", "condition_option",
]


def _filtered(query, filters: Filters):
    if filters.tag:
        tagged = (select(question_tags.c.question_id)
                  .join(Tag, Tag.id == question_tags.c.tag_id)
                  .where(Tag.slug == filters.tag))
        query = query.where(Prediction.question_id.in_(tagged))
    if filters.since:
        query = query.where(Prediction.made_at >= _midnight(filters.since))
    if filters.until:
        query = query.where(Prediction.made_at < _midnight(filters.until + dt.timedelta(days=1)))
    if filters.kind:
        query = query.where(Question.kind == filters.kind)
    return query


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _status(frame: pd.DataFrame) -> pd.Series:
    made_day = pd.to_datetime(frame["made_at"], utc=True).dt.date
    known = frame["known_at"]
    condition_label = frame["condition_option"].where(
        frame["condition_option"].notna(), frame["condition_resolution"])
    has_condition = frame["condition_question_id"].notna()
    condition_met = condition_label == frame["condition_outcome"]
    status = np.select(
        [
            frame["resolution"].isna() & frame["resolve_by"].isna(),
            frame["resolution"].isna(),
            has_condition & ~condition_met,  # before "annulled": the more telling reason
            frame["resolution"] == "annulled",
            made_day >= known.where(known.notna(), dt.date.max),
        ],
        [NO_DEADLINE, UNRESOLVED, CONDITION_NOT_MET, ANNULLED, LOOK_AHEAD],
        default=SCORED,
    )
    return pd.Series(status, index=frame.index)


def _score(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    frame["status"] = _status(frame) if len(frame) else pd.Series(dtype=object)
    frame["outcome"] = np.nan
    frame["brier"] = np.nan
    frame["log_score"] = np.nan
    scored = frame["status"] == SCORED
    binary = scored & (frame["kind"] == "binary")
    if binary.any():
        p = frame.loc[binary, "probability"].to_numpy(dtype=float)
        o = (frame.loc[binary, "resolution"] == "yes").to_numpy(dtype=float)
        frame.loc[binary, "outcome"] = o
        frame.loc[binary, "brier"] = scoring.brier_score(p, o)
        frame.loc[binary, "log_score"] = scoring.log_score(p, o)
    choice = scored & (frame["kind"] == "multiple_choice")
    if choice.any():
        _score_multiple_choice(session, frame, choice)
    frame["final"] = False
    if scored.any():
        last = (frame[scored].sort_values(["made_at", "prediction_id"])
                .groupby(["pundit_id", "question_id"]).tail(1).index)
        frame.loc[last, "final"] = True
    return frame


def _score_multiple_choice(session: Session, frame: pd.DataFrame, rows: pd.Series) -> None:
    ids = frame.loc[rows, "prediction_id"].tolist()
    entries = pd.DataFrame(
        session.execute(
            select(PredictionOption.prediction_id, QuestionOption.position,
                   PredictionOption.probability)
            .join(QuestionOption, QuestionOption.id == PredictionOption.option_id)
            .where(PredictionOption.prediction_id.in_(ids))
        ).all(),
        columns=["prediction_id", "position", "probability"],
    )
    width = int(entries["position"].max()) + 1
    # Options a question lacks (fewer than `width`) get probability 0: no effect on scores.
    matrix = np.zeros((len(ids), width))
    row_of = {pid: i for i, pid in enumerate(ids)}
    matrix[entries["prediction_id"].map(row_of).to_numpy(), entries["position"].to_numpy()] = (
        entries["probability"].to_numpy())
    happened = frame.loc[rows, "outcome_position"].to_numpy(dtype=int)
    frame.loc[rows, "brier"] = scoring.multi_brier_score(matrix, happened) / 2
    frame.loc[rows, "log_score"] = scoring.multi_log_score(matrix, happened)
    frame.loc[rows, "probability"] = matrix[np.arange(len(ids)), happened]
    frame.loc[rows, "outcome"] = 1.0


# ------------------------------------------------------------------------ summaries


def leaderboard(session: Session, filters: Filters = Filters(),
                min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """One row per pundit with scored forecasts: rank (None below ``min_n``), n, mean
    Brier with its 95% bootstrap interval, log score, peer scores, time-averaged Brier."""
    frame = prediction_frame(session, filters)
    return leaderboard_from(frame, min_n)


LEADERBOARD_COLUMNS = [
    "rank", "pundit", "name", "n", "brier", "brier_ci_low", "brier_ci_high", "log_score",
    "peer_brier", "peer_log", "n_peer", "time_averaged_brier",
]


def leaderboard_from(frame: pd.DataFrame, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    final = frame[frame["final"]] if len(frame) else frame
    if final.empty:
        return pd.DataFrame(columns=LEADERBOARD_COLUMNS)
    intervals = scoring.bootstrap_mean_intervals(final["brier"].to_numpy(), final["pundit_slug"])
    board = pd.DataFrame({
        "pundit": intervals.index,
        "n": intervals["n"].to_numpy(),
        "brier": intervals["mean"].to_numpy(),
        "brier_ci_low": intervals["ci_low"].to_numpy(),
        "brier_ci_high": intervals["ci_high"].to_numpy(),
    })
    board["name"] = board["pundit"].map(final.groupby("pundit_slug")["pundit_name"].first())
    board["log_score"] = board["pundit"].map(final.groupby("pundit_slug")["log_score"].mean())
    codes, names = factorize(final["pundit_slug"], "pundit")
    q_codes, q_names = factorize(final["question_id"], "question")
    n_peer, peer_brier, peer_log = forecaster_peer_means(
        codes, len(names), q_codes, len(q_names), final["brier"].to_numpy(),
        final["log_score"].to_numpy())
    peers = pd.DataFrame({"n_peer": n_peer, "peer_brier": peer_brier, "peer_log": peer_log},
                         index=names)
    board = board.join(peers, on="pundit")
    board["time_averaged_brier"] = board["pundit"].map(_time_averaged(frame))
    ranked = board["n"] >= min_n
    board = board.sort_values(["brier", "pundit"]).reset_index(drop=True)
    ranked = board["n"] >= min_n
    board["rank"] = pd.array([None] * len(board), dtype="Int64")
    board.loc[ranked, "rank"] = board.loc[ranked, "brier"].rank(method="min").astype("Int64")
    return board[LEADERBOARD_COLUMNS]


def _time_averaged(frame: pd.DataFrame) -> pd.Series:
    """Mean over each pundit's questions of the time-averaged Brier of the binary forecasts
    standing before the outcome became known."""
    rows = frame[(frame["status"] == SCORED) & (frame["kind"] == "binary")]
    if rows.empty:
        return pd.Series(dtype=float)
    per_pair = scoring.time_averaged_brier_by_group(
        rows.assign(known_at=pd.to_datetime(rows["known_at"], utc=True)),
        by=["pundit_slug", "question_id"])
    return per_pair.groupby("pundit_slug")["time_averaged_brier"].mean()


def calibration(frame: pd.DataFrame, bins: int = scoring.DEFAULT_BINS) -> dict | None:
    """Calibration table and Murphy decomposition of the final binary forecasts."""
    rows = frame[frame["final"] & (frame["kind"] == "binary")] if len(frame) else frame
    if rows.empty:
        return None
    p = rows["probability"].to_numpy(dtype=float)
    o = rows["outcome"].to_numpy(dtype=float)
    return {
        "table": scoring.calibration_table(p, o, bins),
        "decomposition": scoring.murphy_decomposition(p, o, bins),
    }


PHRASE_COLUMNS = ["hedge_phrase", "n", "n_scored", "mean_probability", "came_true",
                  "observed_frequency"]


def phrase_table(frame: pd.DataFrame) -> pd.DataFrame:
    """What the words turned out to mean: per hedge phrase, how often it was used, the
    probability it was mapped to, and how often the forecasts (final, binary) came true."""
    rows = frame[(frame["hedge_phrase"].fillna("") != "") & (frame["kind"] == "binary")] \
        if len(frame) else frame
    if rows.empty:
        return pd.DataFrame(columns=PHRASE_COLUMNS)
    phrase = rows["hedge_phrase"].str.strip().str.lower()
    scored = rows[rows["final"]]
    scored_phrase = phrase[rows["final"]]
    table = pd.DataFrame({
        "n": phrase.value_counts(),
        "mean_probability": rows.groupby(phrase)["probability"].mean(),
        "n_scored": scored.groupby(scored_phrase).size(),
        "came_true": scored.groupby(scored_phrase)["outcome"].sum(),
    }).fillna({"n_scored": 0, "came_true": 0})
    table["observed_frequency"] = table["came_true"] / table["n_scored"].where(
        table["n_scored"] > 0)
    table = table.rename_axis("hedge_phrase").reset_index()
    table[["n", "n_scored", "came_true"]] = table[["n", "n_scored", "came_true"]].astype(int)
    return table.sort_values(["mean_probability", "hedge_phrase"])[PHRASE_COLUMNS]


def calibration_words(result: dict | None) -> list[str]:
    """The Murphy decomposition in plain words, for a pundit page."""
    if result is None:
        return ["No resolved binary forecasts yet, so no calibration to show."]
    table, terms = result["table"], result["decomposition"]
    words = []
    gap = table["mean_forecast"] - table["observed_frequency"]
    lean = float((table["n"] * (table["mean_forecast"] - 0.5) * gap).sum())
    if terms.reliability < 0.005:
        words.append("Well calibrated: in each bin, what was said and what happened are "
                     "close.")
    else:
        worst = (table["n"] * gap**2).idxmax()
        row = table.loc[worst]
        label = "Over-confident" if lean > 0 else "Under-confident"
        words.append(
            f"{label}: said {row['mean_forecast']:.0%}, right {row['observed_frequency']:.0%} "
            f"of the time ({int(row['n'])} forecast{'s' if row['n'] != 1 else ''} in the "
            f"{row['bin_lower']:.0%}-{row['bin_upper']:.0%} bin)."
        )
    words.append(
        f"Brier {terms.brier:.3f} = reliability {terms.reliability:.3f} (lower is better) "
        f"- resolution {terms.resolution:.3f} (higher is better) + uncertainty "
        f"{terms.uncertainty:.3f} (the difficulty of the questions) + within-bin "
        f"{terms.within_bin:.3f}."
    )
    return words


def tags_in_use(session: Session) -> list[str]:
    return list(session.scalars(
        select(Tag.slug).join(question_tags, question_tags.c.tag_id == Tag.id)
        .distinct().order_by(Tag.slug)))


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values for JSON: full float precision, NaN and NA as None."""
    rows = []
    for row in frame.astype(object).to_dict("records"):
        rows.append({key: _plain(value) for key, value in row.items()})
    return rows


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
