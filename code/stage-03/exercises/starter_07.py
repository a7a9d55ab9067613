# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_07.py>>[init]
"""Exercise 7: two linear layers collapse into one (chapter 3.3).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=7` copies it to
exercises/ex07.py, the file you edit.
"""

import numpy as np


def collapse(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray):
    """(W, b) with x @ W + b == (x @ W1 + b1) @ W2 + b2 for every x."""
    raise NotImplementedError("exercise 3: expand the product and read off W and b")
# ~/~ end
