# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_06.py>>[init]
"""Exercise 6, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter).

Made with `make exercise N=6` and the two commands it printed. The figures are the last lines
the two runs printed; here they are read from the checkpoints, as the checker reads them."""

import math
from pathlib import Path

from checkpoint import load_checkpoint

SEED = 1


def valid_bits(name):
    meta = load_checkpoint(Path(__file__).parent / "runs" / f"ex06-{name}.ckpt.npz").meta
    return meta["metrics"]["valid_loss"] / math.log(2)


COST = valid_bits("d1") - valid_bits("d16")
# ~/~ end
