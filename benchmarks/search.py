"""Benchmark: full-text search (``forecasts.search``) on large registries, against a
LIKE scan of the same text in the same run.

For each size (default 10,000 and 100,000 predictions; ``--sizes 10000,100000,1000000``
for a million) and each database (SQLite, and PostgreSQL when ``--postgres-url`` or
``FORECASTS_TEST_POSTGRES_URL`` names a server where the role may create databases), it
generates a synthetic demo registry (``forecasts.demo``: predictions / 100 pundits,
predictions / 10 questions, fixed seed; the rows go through ``forecasts.bulk`` and the
search index is written by the migration's triggers as they land) and times, on one
warm session:

(a) search as the /search page calls it: ``forecasts.search.search(session, q,
    size=5)``, all four kinds, the best 5 of each (ranked, rows loaded, words marked);
(a') a page of one kind: ``search(session, q, kind="question", size=20)`` (questions
    load the most: their tags), as "All questions" of the results page asks;
(b) the baseline: the same words found with LIKE (ILIKE on PostgreSQL) over the same
    columns, per kind a count and the 20 newest matches: what a search without the
    index costs.

over a fixed set of queries (names, topics, hedge phrases, a word in every row, a word
in none), each run once untimed and then ``--repeats`` times. Prints the median and the
95th percentile of all runs of each, per database and size, and the medians per query
with ``--per-query``. Target: (a) and (a') under 50 ms median at a million predictions.

Usage: python benchmarks/search.py [--sizes N,M,...] [--backends sqlite,postgresql]
       [--postgres-url URL] [--repeats R] [--per-query] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from forecasts import migrate, search
from forecasts.db import make_engine, make_session_factory, resolve_database_url
from forecasts.demo import generate_demo

TARGET_MS = 50.0
QUERIES = (
    "Okafor",
    "Nadia Okafor",
    "central bank",
    "Freedonia inflation",
    "snap election Genovia",
    "tiny possibility",
    "almost certainly happen",
    "synthetic",
    "commentary 4711",
    "trade agreement Syldavia Latveria",
    "the",
    "zzyzx",
)
# The text each kind is searched in, for the LIKE baseline.
LIKE_COLUMNS = {
    "questions": "statement || ' ' || resolution_criteria",
    "pundits": "name",
    "sources": "title || ' ' || outlet || ' ' || full_text",
    "predictions": "quote",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def generate(url: str, predictions: int) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        reported = {"at": 0.0}

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if now - reported["at"] > 5 or done == total:
                reported["at"] = now
                log(f"  generating {stage}: {done:,} of {total:,}")

        started = time.perf_counter()
        counts = generate_demo(
            engine,
            max(10, predictions // 100),
            max(10, predictions // 10),
            seed=1,
            predictions=predictions,
            progress=progress,
        )
        log(
            f"  generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{key} {value:,}" for key, value in counts.items())
        )
    finally:
        engine.dispose()


def like_baseline(session, query: search.Query, postgres: bool) -> int:
    """The query's words found without the index: per kind, a count and the newest 20."""
    found = 0
    operator = "ILIKE" if postgres else "LIKE"
    for table, column in LIKE_COLUMNS.items():
        words = {f"w{i}": f"%{word}%" for i, word in enumerate(query.words)}
        where = " AND ".join(f"({column}) {operator} :{name}" for name in words)
        found += session.scalar(text(f"SELECT count(*) FROM {table} WHERE {where}"), words)
        session.execute(
            text(f"SELECT id FROM {table} WHERE {where} ORDER BY id DESC LIMIT 20"), words
        ).all()
    return found


OVERVIEW_SIZE = 5  # web.search.OVERVIEW_SIZE (the benchmark does not import the web app)


def _timed(series: dict, key: str, call):
    started = time.perf_counter()
    value = call()
    series.setdefault(key, []).append((time.perf_counter() - started) * 1000)
    return value


def time_queries(url: str, repeats: int) -> tuple[dict, dict, dict]:
    """Milliseconds per query: the overview search, a page of one kind, the LIKE scan."""
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    indexed: dict[str, list[float]] = {}
    one_kind: dict[str, list[float]] = {}
    scanned: dict[str, list[float]] = {}
    try:
        with make_session_factory(engine)() as session:
            if postgres:  # fresh statistics, as autovacuum would gather after a load
                for table in (*LIKE_COLUMNS, *search.INDEX_TABLES):
                    session.execute(text(f"ANALYZE {table}"))
                session.commit()
            for raw in QUERIES:
                query = search.parse_query(raw)

                def overview(query=query):
                    return search.search(session, query, size=OVERVIEW_SIZE)

                def questions(query=query):
                    return search.search(session, query, kind="question", size=20)

                def baseline(query=query):
                    return like_baseline(session, query, postgres)

                overview(), questions(), baseline()  # warm-up
                for _ in range(repeats):
                    results = _timed(indexed, raw, overview)
                    _timed(one_kind, raw, questions)
                    _timed(scanned, raw, baseline)
                    session.expunge_all()  # each run loads its rows afresh
                session.rollback()
                log(f"  {raw!r}: {results.total} matches counted")
    finally:
        engine.dispose()
    return indexed, one_kind, scanned


class Scratch:
    """A database for one run: a SQLite file, or a PostgreSQL database dropped after."""

    def __init__(self, backend: str, predictions: int, folder: Path, postgres_url: str | None):
        self.backend, self.admin, self.name = backend, None, None
        if backend == "sqlite":
            self.url = f"sqlite:///{folder / f'search-{predictions}.sqlite3'}"
            return
        server = make_url(resolve_database_url(postgres_url))
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        self.name = f"forecasts_bench_search_{predictions}_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = server.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="predictions, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("FORECASTS_TEST_POSTGRES_URL"))
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--per-query", action="store_true", help="print each query's medians")
    parser.add_argument("--keep", type=Path, help="keep the SQLite files in this folder")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    backends = args.backends.split(",")
    if "postgresql" in backends and not args.postgres_url:
        log("no PostgreSQL server named (--postgres-url): SQLite only")
        backends = [backend for backend in backends if backend != "postgresql"]

    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            for backend in backends:
                log(f"{backend}, {size:,} predictions")
                scratch = Scratch(backend, size, folder, args.postgres_url)
                try:
                    generate(scratch.url, size)
                    rows.append((backend, size, *time_queries(scratch.url, args.repeats)))
                finally:
                    scratch.drop()

    print(
        f"{len(QUERIES)} queries x {args.repeats} runs, milliseconds: median / p95 of the "
        f"search page (4 kinds, best {OVERVIEW_SIZE} each), of one kind's page (20 "
        f"questions), of the LIKE scan; target: search median < {TARGET_MS:.0f} ms"
    )
    print(
        f"{'database':<11} {'predictions':>11} {'search page':>15} {'one kind':>15} "
        f"{'LIKE scan':>17} {'LIKE/search':>11}"
    )

    def figures(series: dict) -> tuple[float, str]:
        every = [value for values in series.values() for value in values]
        median = statistics.median(every)
        return median, f"{median:.1f} / {percentile(every, 0.95):.1f}"

    for backend, size, indexed, one_kind, scanned in rows:
        (median, page), (kind_median, kind), (base, like) = map(
            figures, (indexed, one_kind, scanned)
        )
        late = max(median, kind_median) >= TARGET_MS
        print(
            f"{backend:<11} {size:>11,} {page:>15} {kind:>15} {like:>17} "
            f"{base / median:>10.1f}x" + ("  (over target)" if late else "")
        )
    if args.per_query:
        for backend, size, indexed, one_kind, scanned in rows:
            print(f"\n{backend}, {size:,} predictions: median ms (search page, one kind, LIKE)")
            for raw in QUERIES:
                print(
                    f"  {raw:<36} {statistics.median(indexed[raw]):>8.1f} "
                    f"{statistics.median(one_kind[raw]):>8.1f} "
                    f"{statistics.median(scanned[raw]):>10.1f}"
                )


if __name__ == "__main__":
    main()
