# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_23.py>>[init]
"""Exercise 23, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math
from pathlib import Path

import corpora
import neural_lm
from checkpoint import load_checkpoint

SEED = 1
names = corpora.load_data("names")


def bits(name):
    """(validation, training) bits per character of runs/ex23-NAME.ckpt.npz, dropout off."""
    model = load_checkpoint(Path(__file__).parent / "runs" / f"ex23-{name}.ckpt.npz").model
    windows = neural_lm.training_windows(names, model.config.context)  # (train, valid)
    return model.mean_loss(windows[1]) / math.log(2), model.mean_loss(windows[0]) / math.log(2)


(valid_none, train_none), (valid_dropout, train_dropout) = bits("dropout0"), bits("dropout0.3")
GAP_NONE, GAP_DROPOUT = valid_none - train_none, valid_dropout - train_dropout
LOWER = "none" if valid_none < valid_dropout else "dropout"
# ~/~ end
