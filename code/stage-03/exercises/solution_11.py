# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_11.py>>[init]
"""Exercise 11, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math


def uniform_loss(V: int) -> tuple[float, float]:
    """(nats, bits): the cross-entropy of predicting 1/V for each of V symbols."""
    return math.log(V), math.log2(V)
# ~/~ end
