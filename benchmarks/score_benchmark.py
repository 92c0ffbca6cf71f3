"""Benchmark: ``forecasts score FILE --format json`` against the floor of reading the file.

Generates a CSV of forecasts (default 1,000,000 rows, 200 forecasters, 20,000
questions, fixed seed) in a temporary directory, then times, in this process:

* the command: the ``score`` click command run through ``click.testing.CliRunner``
  on the file with ``--format json`` (reading, validation, every overall and
  per-forecaster score, bootstrap intervals, peer scores, JSON);
* the floor: ``pandas.read_csv`` of the same file plus one vectorised Brier
  score, ``((p - o) ** 2).mean()``.

Each is run once untimed (to warm the page cache), then ``--repeats`` times,
alternating. Prints each run, the medians, the best (fastest) times and the
ratios command / floor; the target is a median ratio of at most 1.5. Timings
on a shared machine are noisy: run it a few times.

Usage: python benchmarks/score_benchmark.py [--rows N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from forecasts.cli.score import score

TARGET_RATIO = 1.5


def generate(path: Path, rows: int, forecasters: int, questions: int, seed: int) -> None:
    """Write a synthetic forecast file, showing progress on stderr."""
    rng = np.random.Generator(np.random.PCG64(seed))
    truth = rng.beta(0.7, 0.7, size=questions)  # how likely each question really was
    outcome = (rng.random(questions) < truth).astype(np.int8)
    noise = rng.uniform(0.03, 0.35, size=forecasters)  # each forecaster's sloppiness
    names = np.array([f"pundit-{i:03d}" for i in range(forecasters)], dtype=object)
    ids = np.array([f"Q{i:05d}" for i in range(questions)], dtype=object)
    chunk = 100_000
    written = 0
    with open(path, "w", newline="") as handle:
        handle.write("forecaster,question,probability,outcome\n")
        while written < rows:
            size = min(chunk, rows - written)
            who = rng.integers(0, forecasters, size=size)
            what = rng.integers(0, questions, size=size)
            stated = np.clip(truth[what] + rng.normal(0.0, noise[who]), 0.0, 1.0).round(3)
            part = pd.DataFrame(
                {
                    "forecaster": names[who],
                    "question": ids[what],
                    "probability": stated,
                    "outcome": outcome[what],
                }
            )
            part.to_csv(handle, header=False, index=False)
            written += size
            print(f"\rgenerating {written:,}/{rows:,} rows", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def run_command(path: Path) -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(score, [str(path), "--format", "json"])
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"the command failed: {result.stderr or result.output}")
    return elapsed


def run_floor(path: Path) -> float:
    started = time.perf_counter()
    frame = pd.read_csv(path)
    p = frame["probability"].to_numpy()
    o = frame["outcome"].to_numpy()
    brier = float(((p - o) ** 2).mean())
    elapsed = time.perf_counter() - started
    assert 0.0 <= brier <= 1.0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--forecasters", type=int, default=200)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "forecasts.csv"
        generate(path, args.rows, args.forecasters, args.questions, args.seed)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows, {size_mb:.1f} MB", file=sys.stderr)
        run_command(path)  # warm-up: page cache, first-call costs
        run_floor(path)
        commands, floors = [], []
        for repeat in range(1, args.repeats + 1):
            commands.append(run_command(path))
            floors.append(run_floor(path))
            print(
                f"run {repeat}: command {commands[-1]:.3f} s, floor {floors[-1]:.3f} s,"
                f" ratio {commands[-1] / floors[-1]:.2f}"
            )
    command = statistics.median(commands)
    floor = statistics.median(floors)
    ratio = command / floor
    print(f"median: command {command:.3f} s, floor {floor:.3f} s, ratio {ratio:.2f}")
    best = min(commands) / min(floors)
    print(f"best:   command {min(commands):.3f} s, floor {min(floors):.3f} s, ratio {best:.2f}")
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"target: median ratio <= {TARGET_RATIO}: {verdict}")


if __name__ == "__main__":
    main()
