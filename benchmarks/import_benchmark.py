"""Benchmark: ``forecasts import FILE`` against the floor of loading the same rows.

Generates a CSV in the import format (default 1,000,000 predictions by 2,000 pundits
on 50,000 questions from 20,000 sources, a tenth of the questions multiple choice,
about 40% of the questions resolved; fixed seed) in a temporary directory, then, in
the same run, times:

* the import: ``forecasts import FILE`` into a new SQLite database migrated with
  ``forecasts.migrate.upgrade``, run in a child process (the command line as a user
  runs it: reading, validation with the service layer's rules, matching, writing
  pundits, sources, questions, predictions and resolutions with their audit events,
  one transaction). Its peak memory is the child's ``ru_maxrss``;
* the floor: in another child process, ``pandas.read_csv`` of the same file plus
  ``DataFrame.to_sql`` of its rows into an empty table of a new SQLite database.

Prints both times, the ratio import / floor (the target is at most 1.5) and the peak
memory of each. Timings on a shared machine are noisy: run it a few times.

Usage: python benchmarks/import_benchmark.py [--rows N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TARGET_RATIO = 1.5

IMPORT_SCRIPT = """
import sys
from forecasts.cli import cli
cli(["--database-url", sys.argv[1], "import", sys.argv[2]], prog_name="forecasts")
"""

FLOOR_SCRIPT = """
import sys
import pandas as pd
from sqlalchemy import create_engine
frame = pd.read_csv(sys.argv[1])
engine = create_engine("sqlite:///" + sys.argv[2])
frame.to_sql("rows", engine, index=False)
engine.dispose()
"""

HEADER = [
    "pundit",
    "pundit_slug",
    "pundit_affiliation",
    "source_title",
    "source_url",
    "source_published_on",
    "source_outlet",
    "statement",
    "question_slug",
    "resolution_criteria",
    "resolve_by",
    "kind",
    "options",
    "tags",
    "probability",
    "distribution",
    "quote",
    "hedge_phrase",
    "probability_origin",
    "scale",
    "made_at",
    "outcome",
    "known_at",
    "evidence_url",
    "resolution_note",
]
PHRASES = [
    ("almost no chance", 0.03),
    ("very unlikely", 0.12),
    ("unlikely", 0.3),
    ("roughly even chance", 0.5),
    ("likely", 0.67),
    ("very likely", 0.88),
    ("almost certain", 0.97),
]
OPTIONS = ["Red", "Blue", "Green"]
TAGS = ["economy", "politics", "war", "health", "climate", "elections", "trade", "energy"]


def generate(
    path: Path, rows: int, pundits: int, questions: int, sources: int, seed: int = 2020
) -> None:
    """Write a synthetic import file, showing progress on stderr."""
    rng = np.random.Generator(np.random.PCG64(seed))
    day0 = np.datetime64("2015-01-01")
    pundit_cells = [
        (f"Pundit {i:04d}", f"pundit-{i:04d}", f"Outlet {i % 50}") for i in range(pundits)
    ]
    source_day = day0 + rng.integers(0, 5 * 365, size=sources)  # 2015..2019
    source_cells = [
        (
            f"Column {i:05d}",
            f"https://example.org/columns/{i:05d}",
            str(source_day[i]),
            f"The Daily {i % 30}",
        )
        for i in range(sources)
    ]
    choice = rng.random(questions) < 0.1
    resolve_by = np.datetime64("2020-06-30") + rng.integers(0, 900, size=questions)
    resolved = rng.random(questions) < 0.4
    truth = rng.random(questions)
    known = np.datetime64("2020-01-01") + (
        (resolve_by - np.datetime64("2020-01-01")).astype(int) * rng.random(questions)
    ).astype(int)
    question_cells = []
    for i in range(questions):
        tags = "|".join(sorted({TAGS[i % 8], TAGS[(i * 7 + 3) % 8]}))
        base = (
            f"Will event {i:05d} happen by {resolve_by[i]}?",
            f"event-{i:05d}",
            f"Yes if a major wire service reports event {i:05d} by {resolve_by[i]}.",
            str(resolve_by[i]),
        )
        if choice[i]:
            kind = ("multiple_choice", " | ".join(OPTIONS), tags)
            outcome = OPTIONS[int(truth[i] * 3)]
        else:
            kind = ("binary", "", tags)
            outcome = "yes" if truth[i] < 0.5 else "no"
        if resolved[i]:
            resolution = (
                outcome,
                str(known[i]),
                f"https://example.org/evidence/{i:05d}",
                f"Reported on {known[i]}.",
            )
        else:
            resolution = ("", "", "", "")
        question_cells.append((base, kind, resolution))
    chunk = 50_000
    written = 0
    made_span = (np.datetime64("2020-05-31") - source_day).astype(int)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        while written < rows:
            size = min(chunk, rows - written)
            who = rng.integers(0, pundits, size=size)
            what = rng.integers(0, questions, size=size)
            where = rng.integers(0, sources, size=size)
            made_day = source_day[where] + (made_span[where] * rng.random(size)).astype(int)
            made_second = rng.integers(0, 86_400, size=size)
            phrase = rng.integers(0, len(PHRASES), size=size)
            style = rng.integers(0, 2, size=size)  # bare fractions and written percents
            weights = rng.dirichlet((1.0, 1.0, 1.0), size=size)
            for j in range(size):
                statement, kind, resolution = question_cells[what[j]]
                words, p = PHRASES[phrase[j]]
                if kind[0] == "binary":
                    probability = (f"{p:g}", f"{p * 100:g}%")[style[j]]
                    distribution = ""
                else:
                    probability = ""
                    a = int(weights[j, 0] * 100)
                    b = min(int(weights[j, 1] * 100), 100 - a)
                    distribution = f"Red: {a}% | Blue: {b}% | Green: {100 - a - b}%"
                mapped = style[j] == 2
                seconds = int(made_second[j])
                writer.writerow(
                    (
                        *pundit_cells[who[j]],
                        *source_cells[where[j]],
                        *statement,
                        *kind,
                        probability,
                        distribution,
                        f"I think event {what[j]:05d} is {words}.",
                        words,
                        "mapped" if mapped else "stated",
                        "icd-203@2015" if mapped else "",
                        f"{made_day[j]}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
                        f"{seconds % 60:02d}Z",
                        *resolution,
                    )
                )
            written += size
            print(f"\rgenerating {written:,}/{rows:,} rows", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def run_child(args: list[str], **kwargs) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a child process; its wall time and peak resident memory (bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{args[0]} failed with status {process.returncode}")
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return elapsed, peak, process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pundits", type=int, default=2_000)
    parser.add_argument("--questions", type=int, default=50_000)
    parser.add_argument("--sources", type=int, default=20_000)
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="Write the files here and keep them (default: a temp dir).",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="import-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / "predictions.csv"
        generate(data, args.rows, args.pundits, args.questions, args.sources)
        size = data.stat().st_size
        print(f"file: {args.rows:,} rows, {size / 1e6:.0f} MB", file=sys.stderr)

        from forecasts import migrate

        registry = folder / "registry.sqlite3"
        registry.unlink(missing_ok=True)
        url = f"sqlite:///{registry}"
        migrate.upgrade(url)
        floor_db = folder / "floor.sqlite3"
        floor_db.unlink(missing_ok=True)

        # Warm the page cache so neither run pays for the first read of the file.
        with open(data, "rb") as handle:
            while handle.read(1 << 24):
                pass
        import_time, import_peak, _ = run_child(
            [sys.executable, "-c", IMPORT_SCRIPT, url, str(data)]
        )
        floor_time, floor_peak, _ = run_child(
            [sys.executable, "-c", FLOOR_SCRIPT, str(data), str(floor_db)]
        )

    ratio = import_time / floor_time
    print(f"rows:   {args.rows:,} ({size / 1e6:.0f} MB of CSV)")
    print(f"import: {import_time:7.2f} s   peak memory {import_peak / 2**20:7.0f} MiB")
    print(
        f"floor:  {floor_time:7.2f} s   peak memory {floor_peak / 2**20:7.0f} MiB "
        "(pandas read_csv + to_sql)"
    )
    verdict = "within" if ratio <= TARGET_RATIO else "above"
    print(f"ratio:  {ratio:.2f} ({verdict} the target of {TARGET_RATIO})")


if __name__ == "__main__":
    main()
