# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_22.py>>[init]
"""Exercise 22, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

from pathlib import Path

import corpora
import neural_lm
import training_dynamics
from checkpoint import load_checkpoint

SEED = 1
RATES = ("0.0003", "0.003", "0.03", "0.3")
runs = {rate: load_checkpoint(Path(__file__).parent / "runs" / f"ex22-lr{rate}.ckpt.npz")
        for rate in RATES}
BEST = min(RATES, key=lambda rate: runs[rate].meta["metrics"]["valid_loss"])


def dead(rate):
    """The share of hidden units that no validation window turns on."""
    model = runs[rate].model
    _, windows = neural_lm.training_windows(corpora.load_data("names"), model.config.context)
    X, _ = windows.batch(slice(0, len(windows)))
    (h,) = training_dynamics.hidden_activations(model, X)
    return training_dynamics.dead_fraction(h)


DEAD_FAST, DEAD_FASTEST = dead("0.03"), dead("0.3")
# ~/~ end
