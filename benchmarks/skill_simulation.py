"""Simulation study of the difficulty-adjusted score (``forecasts.scoring.adjusted_scores``).

Generates registries whose pundits' true skills are known and in which the better
pundits answered the harder questions (``tests/simulated_skill.py`` describes the
model), then prints, per seed, how well each way of ranking recovers the true order
(Spearman correlation with the pundits' true noise; 1 is perfect): the plain mean
Brier score (the baseline), the difficulty-adjusted score, and the shrunk mean; and the
time the adjusted fit takes with and without its question bootstrap.

Usage: python benchmarks/skill_simulation.py [--pundits 100] [--questions 2000]
       [--per 600] [--seeds 5] [--resamples 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from forecasts.scoring import adjusted_scores, shrunk_means  # noqa: E402
from simulated_skill import simulate  # noqa: E402


def spearman(a, b) -> float:
    return float(pd.Series(a).corr(pd.Series(b), method="spearman"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pundits", type=int, default=100)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--per", type=int, default=600, help="questions drawn per pundit")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--resamples", type=int, default=200)
    args = parser.parse_args()
    print(
        f"{args.pundits} pundits, {args.questions} questions, about {args.per} drawn each;"
        " Spearman with the true skill (1 is perfect)"
    )
    print(f"{'seed':>4} {'forecasts':>9} {'plain mean':>10} {'adjusted':>9} {'shrunk':>7}")
    adjusted_all, plain_all = [], []
    for seed in range(args.seeds):
        noise, who, what, score = simulate(args.pundits, args.questions, args.per, seed)
        table = adjusted_scores(score, who, what, n_resamples=0)
        order = np.argsort(table["pundit"].to_numpy())
        shrunk = shrunk_means(score, who)
        shrunk_order = np.argsort(shrunk["pundit"].to_numpy())
        plain = spearman(table["mean"].to_numpy()[order], noise)
        adjusted = spearman(table["adjusted"].to_numpy()[order], noise)
        shrunk_rho = spearman(shrunk["shrunk"].to_numpy()[shrunk_order], noise)
        plain_all.append(plain)
        adjusted_all.append(adjusted)
        print(f"{seed:>4} {len(score):>9,} {plain:>10.3f} {adjusted:>9.3f} {shrunk_rho:>7.3f}")
    print(
        f"mean {'':>9} {np.mean(plain_all):>10.3f} {np.mean(adjusted_all):>9.3f}"
        f"   (target: adjusted >= 0.9)"
    )
    noise, who, what, score = simulate(args.pundits, args.questions, args.per, 0)
    started = time.perf_counter()
    adjusted_scores(score, who, what, n_resamples=0)
    fit = time.perf_counter() - started
    started = time.perf_counter()
    adjusted_scores(score, who, what, n_resamples=args.resamples)
    boot = time.perf_counter() - started
    print(f"time: fit {fit * 1000:.0f} ms; with {args.resamples} question resamples {boot:.1f} s")


if __name__ == "__main__":
    main()
