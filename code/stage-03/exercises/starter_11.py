# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_11.py>>[init]
"""Exercise 11: the cross-entropy of a uniform prediction (chapter 3.4).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=11` copies it to
exercises/ex11.py, the file you edit.
"""

import math


def uniform_loss(V: int) -> tuple[float, float]:
    """(nats, bits): the cross-entropy of predicting 1/V for each of V symbols."""
    raise NotImplementedError("exercise 6: one line of algebra, two units")
# ~/~ end
