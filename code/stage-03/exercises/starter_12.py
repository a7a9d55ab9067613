# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_12.py>>[init]
"""Exercise 12: a numerically stable log-softmax (chapter 3.4).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=12` copies it to
exercises/ex12.py, the file you edit.
"""

import numpy as np


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax(logits) over the last axis, finite for any finite logits."""
    raise NotImplementedError("exercise 7: subtract the row maximum first")
# ~/~ end
