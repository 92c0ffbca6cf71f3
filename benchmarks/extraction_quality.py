"""Quality of forecast extraction on the hand-labelled passages of tests/phrases/labelled/.

Runs ``extract_candidates`` on each passage and prints, per passage, per split (the
"dev" passages the rules were developed on, and the "held-out" ones kept out of
development), over the whole set and on the seed op-ed:

* precision and recall of candidate detection;
* the mean absolute error (MAE) of the mapped probability against the labels, over the
  forecasts found;
* how often negation, condition, origin (stated or mapped), deadline, speaker and voice
  (own or reported) agree with the labels that give them, and how many of the found
  forecasts' questions the rules did not flag "question to be reworded";
* the same figures per kind of text (the passages' ``style``).

``--labelled DIR`` scores another folder of labelled passages in the same format (for
example real commentary kept outside the repository).

Targets: every labelled forecast of the seed op-ed found; precision and recall at least
0.8 over the set. ``--check`` exits with status 1 when a target is missed; ``--verbose``
lists the misses and the false candidates; ``--json`` prints the figures as JSON.

Usage: python benchmarks/extraction_quality.py [--scale NAME] [--verbose] [--check] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from forecasts.phrases.evaluation import Result, Scores, evaluate, load_labelled, score

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "phrases" / "labelled"
SEED = "seed-op-ed-2020-01-01"
TARGET = 0.8


def _line(name: str, scores: Scores) -> str:
    mae = f"{scores.mae:.3f}" if scores.mae is not None else "  -  "
    return (
        f"{name:<34} {scores.labelled:>4} {scores.candidates:>5} {scores.found:>5} "
        f"{scores.precision:>9.2f} {scores.recall:>6.2f} {mae:>6}"
    )


def _agree(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{right}/{total}" if total else "-"


def report(results: list[Result], verbose: bool) -> dict[str, Scores]:
    print(
        f"{'passage':<34} {'lab.':>4} {'cand.':>5} {'found':>5} {'precision':>9} "
        f"{'recall':>6} {'MAE':>6}"
    )
    for result in results:
        print(_line(result.passage.name, score([result])))
    groups = {
        "dev": [r for r in results if r.passage.split == "dev"],
        "held-out": [r for r in results if r.passage.split == "held-out"],
        "all": results,
        "seed op-ed": [r for r in results if r.passage.name == SEED],
    }
    figures = {name: score(group) for name, group in groups.items() if group}
    print()
    for name, scores in figures.items():
        print(_line(name, scores))
    print()
    print("by kind of text:")
    for style in sorted({r.passage.style for r in results}):
        kind = score([r for r in results if r.passage.style == style])
        print(_line(f"  {style or '(none)'}"[:34], kind) + f"  deadline {_agree(kind.deadline)}")
    overall = figures["all"]
    print()
    print(
        f"agreement with the labels (all): negation {_agree(overall.negation)}, "
        f"condition {_agree(overall.conditional)}, stated/mapped {_agree(overall.origin)}, "
        f"deadline {_agree(overall.deadline)}, speaker {_agree(overall.speaker)}, "
        f"voice {_agree(overall.voice)}, questions not flagged {_agree(overall.questions)}"
    )
    if verbose:
        for result in results:
            for label in result.missed:
                print(f"MISSED  {result.passage.name}: {label.quote}")
            for candidate in result.false:
                print(
                    f"FALSE   {result.passage.name}: {candidate.sentence[:100]} "
                    f"[{candidate.match.text}]"
                )
            for label, candidate in result.found:
                expected = label.data.get("probability")
                if expected is not None and abs(candidate.match.probability - expected) > 0.15:
                    print(
                        f"OFF     {result.passage.name}: {candidate.match.text!r} "
                        f"{candidate.match.probability} vs {expected}: {label.quote[:60]}"
                    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=None, help="scale NAME or NAME@VERSION")
    parser.add_argument("--labelled", type=Path, default=LABELLED, help="labelled passages")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    passages = load_labelled(args.labelled)
    print(f"extracting from {len(passages)} labelled passages ...", file=sys.stderr)
    results = evaluate(passages, args.scale)
    if args.json:
        figures = {
            name: scores.to_dict()
            for name, scores in (
                ("all", score(results)),
                ("dev", score([r for r in results if r.passage.split == "dev"])),
                ("held-out", score([r for r in results if r.passage.split == "held-out"])),
                ("seed op-ed", score([r for r in results if r.passage.name == SEED])),
            )
        }
        print(json.dumps(figures, indent=2))
        overall, seed = figures["all"], figures["seed op-ed"]
        met = (
            overall["precision"] >= TARGET
            and overall["recall"] >= TARGET
            and (seed["recall"] == 1.0 or not seed["passages"])
        )
    else:
        figures = report(results, args.verbose)
        overall, seed = figures["all"], figures.get("seed op-ed")
        met = (
            overall.precision >= TARGET
            and overall.recall >= TARGET
            and (seed is None or seed.recall == 1.0)
        )
        print(
            f"targets (seed recall 1.0; precision and recall >= {TARGET}): "
            f"{'met' if met else 'MISSED'}"
        )
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
