# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_10.py>>[init]
"""Exercise 10, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math
from pathlib import Path

from checkpoint import load_checkpoint

SEED = 1


def valid_bits(name):
    meta = load_checkpoint(Path(__file__).parent / "runs" / f"ex10-{name}.ckpt.npz").meta
    return meta["metrics"]["valid_loss"] / math.log(2)


b8, b32, b128 = (valid_bits(f"h{h}") for h in (8, 32, 128))
SHARE = (b8 - b32) / (b8 - b128)
# ~/~ end
