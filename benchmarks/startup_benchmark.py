"""Benchmark: how long ``forecasts --help`` takes to start, against ``import click``.

Times, each in a fresh subprocess on this machine and in this run:

* the command: the installed console script ``forecasts --help`` (the one beside
  this Python, else the first on ``PATH``): interpreter start-up, building the
  command line and printing its help;
* the floor: ``python -c "import click"`` with the same Python, the least any
  click command line costs to start.

Each is run once untimed (to warm the page cache), then ``--runs`` times,
alternating. Prints the median of each in milliseconds and the ratio command /
floor; the target is a ratio of at most 3, which holds only while building the
command line imports none of Flask, matplotlib, pandas, Alembic or SQLAlchemy.

Usage: python benchmarks/startup_benchmark.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 3.0


def console_script() -> str:
    """The ``forecasts`` script of the environment running this benchmark."""
    beside = Path(sys.executable).with_name("forecasts")
    if beside.is_file():
        return str(beside)
    found = shutil.which("forecasts")
    if found is None:
        sys.exit("startup_benchmark: no `forecasts` command; install the project first")
    return found


def elapsed_ms(command: list[str]) -> float:
    """Wall-clock milliseconds of one run of *command*, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each (default 20)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    command = [console_script(), "--help"]
    floor = [sys.executable, "-c", "import click"]
    elapsed_ms(command)  # warm-up: page cache, compiled bytecode
    elapsed_ms(floor)
    commands, floors = [], []
    for _ in range(args.runs):
        commands.append(elapsed_ms(command))
        floors.append(elapsed_ms(floor))
    command_ms = statistics.median(commands)
    floor_ms = statistics.median(floors)
    ratio = command_ms / floor_ms
    print(f"forecasts --help:        {command_ms:.1f} ms (median of {args.runs})")
    print(f'python -c "import click": {floor_ms:.1f} ms (median of {args.runs})')
    print(f"ratio: {ratio:.2f}")
    verdict = "within" if ratio <= TARGET_RATIO else "outside"
    print(f"target: ratio <= {TARGET_RATIO:g}: {verdict} the target")


if __name__ == "__main__":
    main()
