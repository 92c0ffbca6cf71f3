"""Benchmark: ``forecasts import --from PLATFORM FILE`` against the floor of loading the
same file with pandas.

For each platform (PredictionBook API JSON, Fatebook CSV, Metaculus data download,
Manifold markets and bets JSON) it generates an export of ``--rows`` forecasts in that
platform's own format (default 1,000,000; fixed seed; the generator the tests use,
``tests/platform_files.py``), then times, each in a child process and into a new
database:

* the import: ``forecasts import --from PLATFORM FILE`` (the adapter, every row checked by
  the service layer's rules, pundits, questions, predictions, resolutions, reference
  points and audit events written in one transaction);
* the floor: pandas reading the same file (``read_csv``; for JSON, ``json.load`` and
  ``DataFrame`` / ``json_normalize`` of the forecasts) and ``DataFrame.to_sql`` of its
  forecasts into one table.

On SQLite (a new file) and on PostgreSQL (a new database made on the server of
``FORECASTS_BENCH_POSTGRES_URL``, else ``FORECASTS_TEST_POSTGRES_URL``, dropped
afterwards; skipped when neither is set). Prints one table: seconds for each, and the
ratio import / floor (the target is at most 1.5). Timings on a shared machine are
noisy: run it a few times.

Usage: python benchmarks/platform_import_benchmark.py [--rows N] [--platforms a,b]
       [--backends sqlite,postgresql] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET_RATIO = 1.5
ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("predictionbook", "fatebook", "metaculus", "manifold")
SUFFIX = {"predictionbook": ".json", "fatebook": ".csv", "metaculus": "", "manifold": ".json"}

IMPORT_SCRIPT = """
import sys
from forecasts import migrate
from forecasts.cli import cli
migrate.upgrade(sys.argv[1])
import time
started = time.perf_counter()
try:
    cli(["--database-url", sys.argv[1], "import", "--from", sys.argv[2], sys.argv[3]],
        prog_name="forecasts", standalone_mode=False)
finally:
    print("SECONDS", time.perf_counter() - started, file=sys.stderr)
"""

FLOOR_SCRIPT = """
import json, sys, time
import pandas as pd
from sqlalchemy import create_engine
platform, path, url = sys.argv[1:4]
started = time.perf_counter()
if platform == "fatebook":
    frame = pd.read_csv(path)
elif platform == "metaculus":
    frame = pd.read_csv(path + "/forecast_data.csv")
elif platform == "predictionbook":
    frame = pd.json_normalize(
        json.load(open(path)), record_path="responses", meta=["id"], meta_prefix="prediction_"
    )
else:
    frame = pd.DataFrame(json.load(open(path))["bets"])
engine = create_engine(url)
frame.to_sql("rows", engine, index=False, chunksize=50_000)
engine.dispose()
print("SECONDS", time.perf_counter() - started, file=sys.stderr)
"""


def _generator():
    spec = importlib.util.spec_from_file_location(
        "platform_files", ROOT / "tests" / "platform_files.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seconds(script: str, *args: str) -> float:
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("SECONDS")]
    if result.returncode or not lines:
        raise SystemExit(f"child failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return float(lines[-1].split()[1])


class Postgres:
    """New databases on the server of a PostgreSQL URL, each dropped after use."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.url = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")

    def new(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"forecasts_bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        for attempt in range(20):  # an autovacuum worker may still be on it for a moment
            try:
                with self.admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                return
            except Exception:
                if attempt == 19:
                    raise
                time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--platforms", default=",".join(PLATFORMS))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in DIR")
    args = parser.parse_args()
    platforms = [p for p in args.platforms.split(",") if p]
    backends = [b for b in args.backends.split(",") if b]
    pg_url = os.environ.get("FORECASTS_BENCH_POSTGRES_URL") or os.environ.get(
        "FORECASTS_TEST_POSTGRES_URL"
    )
    if "postgresql" in backends and not pg_url:
        print("no PostgreSQL URL (FORECASTS_BENCH_POSTGRES_URL): SQLite only", file=sys.stderr)
        backends.remove("postgresql")
    postgres = Postgres(pg_url) if "postgresql" in backends else None
    generator = _generator()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for platform in platforms:
            started = time.perf_counter()
            path = generator.write(platform, folder / f"{platform}{SUFFIX[platform]}", args.rows)
            print(
                f"generated {args.rows:,} {platform} forecasts in "
                f"{time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
            for backend in backends:
                urls = []
                for _ in range(2):
                    if backend == "sqlite":
                        urls.append(f"sqlite:///{folder / f'{platform}-{uuid.uuid4().hex[:6]}.db'}")
                    else:
                        urls.append(postgres.new())
                try:
                    imported = _seconds(IMPORT_SCRIPT, urls[0], platform, str(path))
                    floor = _seconds(FLOOR_SCRIPT, platform, str(path), urls[1])
                finally:
                    if backend == "postgresql":
                        for url in urls:
                            postgres.drop(url)
                results.append((platform, backend, imported, floor))
                print(
                    f"  {backend}: import {imported:.1f} s, pandas {floor:.1f} s",
                    file=sys.stderr,
                )
    print(f"\n{args.rows:,} forecasts per file; target: import within {TARGET_RATIO}x pandas")
    print(f"{'platform':<16}{'database':<12}{'import s':>10}{'pandas s':>10}{'ratio':>8}  verdict")
    for platform, backend, imported, floor in results:
        ratio = imported / floor
        verdict = "ok" if ratio <= TARGET_RATIO else "over target"
        print(f"{platform:<16}{backend:<12}{imported:>10.1f}{floor:>10.1f}{ratio:>8.2f}  {verdict}")


if __name__ == "__main__":
    main()
