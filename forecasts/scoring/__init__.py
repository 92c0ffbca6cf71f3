"""Scoring of probabilistic forecasts: numbers in, numbers out.

A pure package (numpy and pandas only; no database, no web framework) with one
function per score, each validating its inputs and then computing without a
Python loop over forecasts.

* Per-forecast scores: :func:`brier_score`, :func:`multi_brier_score`
  (Brier 1950), :func:`log_score`, :func:`multi_log_score` (Gneiting &
  Raftery 2007).
* Summaries of a set: :func:`brier_skill_score`, :func:`murphy_decomposition`
  (Murphy 1973; Stephenson, Coelho & Jolliffe 2008), :func:`calibration_table`
  with :func:`wilson_interval` (Wilson 1927), :func:`bootstrap_mean_interval`
  (Efron 1979), and :func:`calibration_verdict`: over- or under-forecasting and
  over- or under-confidence, said only where chance cannot explain the gap.
* Comparisons and revisions: :func:`peer_scores`, :func:`time_averaged_brier`,
  :func:`scores_against_reference` (what a forecast added to a market or crowd).
* Calibration without bins (CORP; Dimitriadis, Gneiting & Jordan 2021):
  :func:`isotonic_fit`, :func:`corp_decomposition`, :func:`corp_reliability`.
* What a pundit adds across questions: :func:`adjusted_scores` (skill plus
  difficulty, ridge-regularised, with question-bootstrap and rank intervals),
  :func:`honest_ranks`, :func:`shrunk_means` (Efron & Morris 1975; from kept totals,
  :func:`shrunk_from_statistics`),
  :func:`question_weights`.
* :func:`look_ahead`: which forecasts were made after the outcome was known
  (moments compared when both are moments, else days).
* :func:`score_table`: the full report printed by ``forecasts score``.

Bad input raises :class:`InvalidInput` (a ``ValueError``) whose message names
the argument, the rule and the first offending position.

Examples
--------
Three forecasts, scored one by one and as a set:

>>> from forecasts.scoring import brier_score, log_score
>>> round(float(brier_score([0.8, 0.3, 0.5], [1, 1, 0]).mean()), 4)
0.26
>>> log_score([0.5], [1]).round(4)
array([-0.6931])
"""

from .bootstrap import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    NORMAL_ABOVE,
    bootstrap_mean_interval,
    bootstrap_mean_intervals,
)
from .calibration import (
    CALIBRATION_COLUMNS,
    DEFAULT_BINS,
    Z95,
    MurphyDecomposition,
    bin_edges,
    bin_index,
    calibration_table,
    murphy_decomposition,
    wilson_interval,
)
from .corp import CorpDecomposition, corp_decomposition, corp_reliability, isotonic_fit
from .lookahead import look_ahead
from .metrics import (
    DEFAULT_EPS,
    brier_score,
    brier_skill_score,
    log_score,
    multi_brier_score,
    multi_log_score,
)
from .peer import peer_scores, peer_scores_by_question
from .reference import scores_against_reference
from .report import score_table
from .skill import (
    adjusted_scores,
    honest_ranks,
    question_weights,
    shrunk_from_statistics,
    shrunk_means,
)
from .timeavg import time_averaged_brier, time_averaged_brier_by_group
from .validate import InvalidInput
from .verdict import CalibrationVerdict, calibration_verdict

__all__ = [
    "CALIBRATION_COLUMNS",
    "CalibrationVerdict",
    "DEFAULT_BINS",
    "DEFAULT_EPS",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "NORMAL_ABOVE",
    "Z95",
    "InvalidInput",
    "MurphyDecomposition",
    "bin_edges",
    "bin_index",
    "bootstrap_mean_interval",
    "bootstrap_mean_intervals",
    "CorpDecomposition",
    "corp_decomposition",
    "corp_reliability",
    "isotonic_fit",
    "brier_score",
    "brier_skill_score",
    "calibration_table",
    "calibration_verdict",
    "log_score",
    "look_ahead",
    "multi_brier_score",
    "multi_log_score",
    "murphy_decomposition",
    "peer_scores",
    "peer_scores_by_question",
    "score_table",
    "time_averaged_brier",
    "time_averaged_brier_by_group",
    "wilson_interval",
    "adjusted_scores",
    "scores_against_reference",
    "honest_ranks",
    "question_weights",
    "shrunk_from_statistics",
    "shrunk_means",
]
