# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_13.py>>[init]
"""Exercise 13: cross-entropy and its gradient (chapter 3.4).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=13` copies it to
exercises/ex13.py, the file you edit.
"""

import numpy as np


def cross_entropy(logits: np.ndarray, targets: np.ndarray):
    """(mean cross-entropy in nats, its gradient with respect to logits (B, V))."""
    raise NotImplementedError("exercise 8: loss from a stable log-softmax; grad (p - onehot)/B")
# ~/~ end
