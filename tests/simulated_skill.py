"""A simulated registry whose pundits' true skills are known, for the skill model's
tests and its benchmark.

Each question has a true probability (uniform on 0.02-0.98; near 0.5 is hard). A
pundit's forecast is the truth blurred on the log-odds scale by their own noise (the
pundits' noise runs evenly from 0.2, best, to 2.0, worst); the outcome is drawn from
the truth; the score is the Brier score. The better a pundit, the harder the questions
they pick: pundit i draws about ``per`` questions around position ``0.2 + 0.6 i / P`` of
the questions ordered hardest first. Their plain mean Brier then mixes skill with the
difficulty of what they chose."""

from __future__ import annotations

import numpy as np


def simulate(pundits=100, questions=2000, per=600, seed=0):
    """(true noise per pundit, pundit codes, question codes, Brier scores)."""
    rng = np.random.default_rng(seed)
    noise = np.linspace(0.2, 2.0, pundits)
    truth = rng.uniform(0.02, 0.98, questions)
    hardest_first = np.argsort(np.abs(truth - 0.5))
    who, what, score = [], [], []
    for i in range(pundits):
        centre = (i / pundits) * questions * 0.6 + questions * 0.2
        picks = (centre + rng.normal(0, questions * 0.25, per)).astype(int)
        chosen = np.unique(hardest_first[np.clip(picks, 0, questions - 1)])
        logit = np.log(truth[chosen] / (1 - truth[chosen]))
        forecast = 1 / (1 + np.exp(-(logit + rng.normal(0, noise[i], len(chosen)))))
        happened = (rng.random(len(chosen)) < truth[chosen]).astype(float)
        who.append(np.full(len(chosen), i))
        what.append(chosen)
        score.append((forecast - happened) ** 2)
    return noise, np.concatenate(who), np.concatenate(what), np.concatenate(score)
