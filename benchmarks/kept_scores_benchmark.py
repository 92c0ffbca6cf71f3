"""Benchmark: from a write to a fresh leaderboard, with kept scores against recomputing.

Generates a synthetic demo registry (``forecasts.demo``, fixed seed; default 1,000,000
predictions) in a SQLite file, or in a PostgreSQL database named by ``--postgres-url``
(a new schema-less database is made and dropped), then times in this process:

(a) the baseline, what a reader waited after every write before scores were kept: the
    board computed from the registry's rows (``scores.prediction_frame`` of the board's
    columns, then ``scores.leaderboard_from``);
(b) a write through the services (``services.log_prediction`` on a random question; and
    ``services.resolve_question`` of an open question, which touches every forecaster
    of it), including the refresh of the kept scores in its transaction;
(c) the board after it from the kept totals (``kept.kept_board``: one row per pundit),
    and the leaderboard page an anonymous reader gets after the write (``GET
    /leaderboard`` through the app, its page store missed: the board, the page's
    calibration glyphs read from the kept rows, the HTML);
(d) what the board costs without the totals: from the kept rows (``kept.frame`` and
    ``leaderboard_from``, what a filtered board does);
(e) the difficulty-adjusted refit a write leaves for the background (``kept.refit``);
(f) the floor of the baseline (a): the rows it reads fetched by one plain SQL query
    into pandas (the predictions with their standing resolutions) and grouped (mean
    Brier per pundit); (a) should stay within 2x of it. And a full rebuild of everything
    kept (``kept.fill``: scoring, then writing every row and total; rolled back);
(g) ``kept.verify`` at the end: the kept rows and totals must equal a computation from
    scratch.

"write to fresh board" is (b) + (c). Each timed step runs ``--repeats`` times; medians
are printed. Timings on a shared machine are noisy.

Usage: python benchmarks/kept_scores_benchmark.py [--predictions P] [--pundits N]
       [--questions M] [--repeats R] [--database FILE] [--postgres-url URL]
       [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, select, text

from forecasts import kept, migrate, scores, services
from forecasts.db import make_engine, make_session_factory
from forecasts.demo import generate_demo, has_demo_data
from forecasts.models import Pundit, Question, Resolution
from web import create_app

ACTOR = services.Actor.system("benchmark")


def _timed(step) -> tuple[float, object]:
    start = time.perf_counter()
    result = step()
    return (time.perf_counter() - start) * 1000, result


def _postgres_database(server_url: str) -> tuple[str, callable]:
    name = f"forecasts_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def run(url: str, args) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        if not has_demo_data(session):
            print("generating the demo registry ...", file=sys.stderr)
            counts = generate_demo(
                session, args.pundits, args.questions, seed=1, predictions=args.predictions
            )
            print(f"generated {counts}", file=sys.stderr)
    rng = random.Random(7)
    with sessions() as session:
        pundit_ids = list(session.scalars(select(Pundit.id)))
        resolved = select(Resolution.question_id)
        open_questions = list(
            session.scalars(
                select(Question.id).where(
                    Question.kind == "binary",
                    Question.resolve_by.is_not(None),
                    Question.id.not_in(resolved),
                )
            )
        )
        binary = list(session.scalars(select(Question.id).where(Question.kind == "binary")))
        total = session.scalar(text("SELECT count(*) FROM predictions"))
    print(f"{engine.dialect.name}: {total:,} predictions, {len(pundit_ids):,} pundits")

    figures: dict[str, list[float]] = {
        "baseline: board from the rows": [],
        "log a prediction (write + kept refresh)": [],
        "board from the kept totals": [],
        "leaderboard page after the write": [],
        "resolve a question (write + kept refresh)": [],
        "leaderboard page after the resolution": [],
        "board from the kept rows (filtered path)": [],
        "refit of the adjusted scores (background)": [],
    }
    # The refit is timed on its own below, not left to a background thread.
    app = create_app(
        {
            "DATABASE_URL": url,
            "PAGE_CACHE": True,
            "REFIT_INLINE": False,
            "REFIT_IN_BACKGROUND": False,
        }
    )
    client = app.test_client()
    for repeat in range(args.repeats):
        with sessions() as session:
            ms, _ = _timed(
                lambda s=session: scores.leaderboard_from(
                    scores.prediction_frame(s, columns=scores.LEADERBOARD_INPUT)
                )
            )
            figures["baseline: board from the rows"].append(ms)
        with sessions() as session:
            question = session.get(Question, rng.choice(binary))
            made = question.resolve_by.isoformat() if question.resolve_by else "2020-01-01"
            ms, _ = _timed(
                lambda s=session, q=question, m=made: services.log_prediction(
                    s,
                    ACTOR,
                    question_id=q.id,
                    pundit_id=rng.choice(pundit_ids),
                    made_at=min(m, "2024-01-01"),
                    probability=round(rng.random(), 2),
                )
            )
            figures["log a prediction (write + kept refresh)"].append(ms)
        with sessions() as session:
            ms, _ = _timed(lambda s=session: kept.kept_board(s))
            figures["board from the kept totals"].append(ms)
        ms, page = _timed(lambda: client.get("/leaderboard"))
        assert page.status_code == 200 and page.headers["X-Page-Cache"] == "miss"
        figures["leaderboard page after the write"].append(ms)
        with sessions() as session:
            question_id = open_questions[repeat % len(open_questions)]
            ms, _ = _timed(
                lambda s=session, q=question_id: services.resolve_question(
                    s, ACTOR, q, outcome=rng.choice(["yes", "no"]), known_at="2025-01-01"
                )
            )
            figures["resolve a question (write + kept refresh)"].append(ms)
        ms, page = _timed(lambda: client.get("/leaderboard"))
        assert page.status_code == 200 and page.headers["X-Page-Cache"] == "miss"
        figures["leaderboard page after the resolution"].append(ms)
        with sessions() as session:
            ms, _ = _timed(lambda s=session: scores.leaderboard_from(kept.frame(s)))
            figures["board from the kept rows (filtered path)"].append(ms)
        with sessions() as session:
            ms, _ = _timed(lambda s=session: kept.refit(s) and s.commit())
            figures["refit of the adjusted scores (background)"].append(ms)
        print(f"run {repeat + 1}: " + ", ".join(f"{k} {v[-1]:.0f} ms" for k, v in figures.items()))

    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"\nmedians over {args.repeats} runs ({engine.dialect.name}, {total:,} predictions):")
    for name, value in median.items():
        print(f"  {name:45s} {value:10.1f} ms")
    fresh = median["log a prediction (write + kept refresh)"] + median["board from the kept totals"]
    page = (
        median["log a prediction (write + kept refresh)"]
        + median["leaderboard page after the write"]
    )
    baseline = median["baseline: board from the rows"]
    print(f"  {'write to fresh board, kept':45s} {fresh:10.1f} ms")
    print(f"  {'write to fresh leaderboard page, kept':45s} {page:10.1f} ms")
    print(f"  {'write to fresh board, recomputed (baseline)':45s} {baseline:10.1f} ms")
    print(f"  ratio baseline / kept: {baseline / fresh:.1f}x")
    rebuild, floor = _rebuild_and_floor(sessions)
    print(f"  {'floor: fetch the rows and group them':45s} {floor:10.1f} ms")
    print(f"  ratio board from the rows / floor: {baseline / floor:.2f}x (target at most 2)")
    print(f"  {'rebuild of everything kept (kept.fill)':45s} {rebuild:10.1f} ms")
    with sessions() as session:
        ms, problems = _timed(lambda s=session: kept.verify(s))
    print(f"kept.verify: {problems or 'agrees'} ({ms:.0f} ms)")
    engine.dispose()


_FLOOR_SQL = (
    "SELECT p.id, p.pundit_id, p.question_id, p.made_at, p.probability, r.outcome, "
    "r.known_at FROM predictions p LEFT JOIN resolutions r ON r.id = "
    "(SELECT max(s.id) FROM resolutions s WHERE s.question_id = p.question_id)"
)


def _rebuild_and_floor(sessions) -> tuple[float, float]:
    """A full rebuild of the kept rows and totals (rolled back), and the floor: the rows
    it reads fetched in one query and grouped by pundit."""
    with sessions() as session:
        rebuild, _ = _timed(lambda s=session: kept.fill(s))
        session.rollback()
    with sessions() as session:

        def floor(s=session):
            frame = pd.DataFrame.from_records(
                scores.Reader(s).rows(_FLOOR_SQL),
                columns=["id", "pundit", "question", "made_at", "p", "outcome", "known_at"],
            )
            scored = frame[frame["outcome"].isin(["yes", "no"]) & frame["p"].notna()]
            brier = (scored["p"] - (scored["outcome"] == "yes")) ** 2
            return brier.groupby(scored["pundit"]).mean()

        floor_ms, _ = _timed(floor)
    return rebuild, floor_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--predictions", type=int, default=1_000_000)
    parser.add_argument("--pundits", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database", type=Path, help="reuse (or keep) this SQLite file")
    parser.add_argument("--postgres-url", help="a PostgreSQL server URL (a role with CREATEDB)")
    parser.add_argument(
        "--database-url",
        help="use (and keep) this database: filled with the demo registry when it has none",
    )
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args)
        return
    if args.postgres_url:
        url, drop = _postgres_database(args.postgres_url)
        try:
            run(url, args)
        finally:
            drop()
        return
    if args.database:
        run(f"sqlite:///{args.database}", args)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)


if __name__ == "__main__":
    main()
