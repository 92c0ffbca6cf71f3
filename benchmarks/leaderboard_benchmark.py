"""Benchmark: the registry's leaderboard and its pages at scale, against their floors.

Generates a synthetic demo registry (``forecasts.demo``; default 10,000 pundits,
100,000 questions, 1,000,000 predictions, fixed seed) in a SQLite file in a temporary
directory, migrated with ``forecasts.migrate.upgrade``, then times, in this process:

(a) the leaderboard computed from the registry's rows (what the kept totals save a
    reader; a full rebuild) on a fresh session (``prediction_frame`` of the columns a
    board reads, ``LEADERBOARD_INPUT``: every
    prediction with its standing outcome, status, Brier and log scores; then
    ``leaderboard_from``: bootstrap intervals, peer and time-averaged scores), against
(b) the floor: a raw DB-API fetch (the ``sqlite3`` module, one plain SELECT of the same
    prediction rows with their question's standing resolution) plus one pandas groupby
    (mean Brier per pundit of the binary forecasts).
    Target: (a) / (b) <= 2. Each is run once untimed (warm-up), then ``--repeats`` times,
    alternating; the medians are compared.
(c) the pages: the median time of ``--requests`` GETs by an anonymous reader (Flask
    test client, after one first request each) of ``/leaderboard`` and of
    ``/pundits/<the busiest pundit>``, against the app's trivial ``/healthz``. Target:
    page / healthz <= 3. The first request renders the page (computing the board) and
    stores it; the next ones are served from the page store (``web.pagecache``) while
    the registry is unchanged, each after reading the registry's stamp. The first
    request's time is printed too: it is what a reader waits after a change.

Prints every run, the medians and the ratios, with progress on stderr. Timings on a
shared machine are noisy: run it a few times. ``--database FILE`` reuses (or keeps) a
generated registry instead of a temporary one; ``--skip-pages`` leaves out (c). The
bootstrap intervals of the leaderboard do many small matrix products, each kept small
enough for the BLAS to run it on one thread (on a busy machine a multi-threaded BLAS
slows them down several times); the BLAS threads are printed, and ``--blas-threads N``
limits them for the whole run (needs threadpoolctl).

Usage: python benchmarks/leaderboard_benchmark.py [--pundits N] [--questions M]
       [--predictions P] [--seed S] [--repeats R] [--requests K] [--database FILE]
       [--blas-threads N] [--skip-pages]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import click
import pandas as pd

from forecasts import migrate, scores
from forecasts.db import make_engine, make_session_factory
from forecasts.demo import generate_demo, has_demo_data

LEADERBOARD_TARGET = 2.0
PAGE_TARGET = 3.0

FLOOR_QUERY = """
SELECT p.id, p.pundit_id, p.question_id, p.made_at, p.probability,
       r.outcome, r.known_at
FROM predictions AS p
LEFT JOIN (SELECT question_id, max(id) AS resolution_id FROM resolutions
           GROUP BY question_id) AS s ON s.question_id = p.question_id
LEFT JOIN resolutions AS r ON r.id = s.resolution_id
ORDER BY p.id
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate(url: str, args: argparse.Namespace) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            if has_demo_data(session):
                log("reusing the demo registry already in the database")
                return
        total = args.pundits + args.questions + args.predictions
        done: dict[str, int] = {}
        with click.progressbar(
            length=total, label="generating", file=sys.stderr, show_pos=True, width=30
        ) as bar:

            def progress(stage: str, count: int, _total: int) -> None:
                bar.label = f"generating {stage:<11}"
                bar.update(count - done.get(stage, 0))
                done[stage] = count

            started = time.perf_counter()
            counts = generate_demo(
                engine, args.pundits, args.questions, args.seed, args.predictions, progress=progress
            )
        log(
            f"generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{key} {value:,}" for key, value in counts.items())
        )
    finally:
        engine.dispose()


def run_leaderboard(sessions) -> float:
    gc.collect()
    started = time.perf_counter()
    with sessions() as session:  # from the rows, not the kept totals: the full rebuild
        frame = scores.prediction_frame(session, columns=scores.LEADERBOARD_INPUT)
        board = scores.leaderboard_from(frame, min_n=5)
    elapsed = time.perf_counter() - started
    assert len(board) > 0
    return elapsed


def run_floor(path: Path) -> float:
    gc.collect()
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(FLOOR_QUERY).fetchall()
    finally:
        connection.close()
    frame = pd.DataFrame.from_records(
        rows,
        columns=["id", "pundit_id", "question_id", "made_at", "probability", "outcome", "known_at"],
    )
    scored = frame[frame["outcome"].isin(["yes", "no"]) & frame["probability"].notna()]
    brier = (scored["probability"] - (scored["outcome"] == "yes")) ** 2
    per_pundit = brier.groupby(scored["pundit_id"]).mean()
    elapsed = time.perf_counter() - started
    assert len(per_pundit) > 0
    return elapsed


def busiest_pundit(path: Path) -> tuple[str, int]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT pundits.slug, count(*) AS n FROM predictions "
            "JOIN pundits ON pundits.id = predictions.pundit_id "
            "GROUP BY pundits.id ORDER BY n DESC, pundits.id LIMIT 1"
        ).fetchone()
    finally:
        connection.close()


def time_pages(url: str, path: Path, requests: int) -> tuple[dict[str, float], dict[str, float]]:
    from web import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    client = app.test_client()
    slug, n = busiest_pundit(path)
    log(f"busiest pundit: {slug} ({n:,} predictions)")
    routes = {"healthz": "/healthz", "leaderboard": "/leaderboard", "pundit": f"/pundits/{slug}"}
    medians, firsts = {}, {}
    for name, route in routes.items():
        log(f"GET {route}: first request")
        started = time.perf_counter()
        response = client.get(route)
        firsts[name] = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {route} answered {response.status_code}")
        times = []
        for i in range(requests):
            started = time.perf_counter()
            response = client.get(route)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
            log(f"GET {route}: request {i + 1}/{requests} {times[-1] * 1000:.1f} ms")
        medians[name] = statistics.median(times)
    app.extensions["forecasts.engine"].dispose()
    return medians, firsts


def blas(limit: int | None):
    """What the BLAS runs with, and a context limiting its threads (if asked)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        if limit is not None:
            raise SystemExit("--blas-threads needs threadpoolctl") from None
        return "unknown (threadpoolctl not installed)", contextlib.nullcontext()
    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    described = (
        ", ".join(f"{pool['internal_api']} {pool['num_threads']} threads" for pool in pools)
        or "none found"
    )
    if limit is None:
        return described, contextlib.nullcontext()
    return f"{described}, limited to {limit}", threadpool_limits(limits=limit, user_api="blas")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pundits", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--predictions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="SQLite file to generate into (or reuse); default: a temporary one",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit the BLAS threads for the whole run (threadpoolctl)",
    )
    parser.add_argument(
        "--skip-pages", action="store_true", help="time only (a) and (b), not the pages (c)"
    )
    args = parser.parse_args()

    described, limit = blas(args.blas_threads)
    print(f"BLAS: {described}")
    with limit, tempfile.TemporaryDirectory() as directory:
        path = (args.database or Path(directory) / "demo.sqlite3").resolve()
        url = f"sqlite:///{path}"
        generate(url, args)
        print(f"registry: {path.stat().st_size / 1e6:.0f} MB SQLite file")

        engine = make_engine(url)
        sessions = make_session_factory(engine)
        log("warm-up: leaderboard and floor")
        run_leaderboard(sessions)
        run_floor(path)
        boards, floors = [], []
        for repeat in range(1, args.repeats + 1):
            boards.append(run_leaderboard(sessions))
            floors.append(run_floor(path))
            print(
                f"run {repeat}: leaderboard {boards[-1]:.3f} s, floor {floors[-1]:.3f} s, "
                f"ratio {boards[-1] / floors[-1]:.2f}",
                flush=True,
            )
        engine.dispose()
        board, floor = statistics.median(boards), statistics.median(floors)
        board_ratio = board / floor

        pages = None if args.skip_pages else time_pages(url, path, args.requests)

    print(f"(a) leaderboard, median: {board:.3f} s")
    print(f"(b) floor, median:       {floor:.3f} s")
    verdict = "meets" if board_ratio <= LEADERBOARD_TARGET else "misses"
    print(f"    ratio (a)/(b): {board_ratio:.2f} (target <= {LEADERBOARD_TARGET}: {verdict})")
    if pages is None:
        return
    pages, firsts = pages
    print(f"(c) GET /healthz, median:     {pages['healthz'] * 1000:.1f} ms")
    for name in ("leaderboard", "pundit"):
        ratio = pages[name] / pages["healthz"]
        verdict = "meets" if ratio <= PAGE_TARGET else "misses"
        route = "/leaderboard" if name == "leaderboard" else "/pundits/<busiest>"
        print(
            f"    GET {route}, median: {pages[name] * 1000:.1f} ms, "
            f"ratio to /healthz {ratio:.1f} (target <= {PAGE_TARGET}: {verdict}); "
            f"first request (rendered): {firsts[name] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
