# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_05.py>>[init]
"""Exercise 5: the gradient of an embedding lookup (chapter 3.2).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=5` copies it to
exercises/ex05.py, the file you edit.
"""

import numpy as np


def embedding_backward(idx: np.ndarray, G: np.ndarray, V: int) -> np.ndarray:
    """dL/dW (V, D) for E = W[idx], given G = dL/dE of shape idx.shape + (D,)."""
    raise NotImplementedError("exercise 2: scatter G back into the rows of a (V, D) array")
# ~/~ end
