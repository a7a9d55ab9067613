# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_05.py>>[init]
"""Exercise 5, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def embedding_backward(idx: np.ndarray, G: np.ndarray, V: int) -> np.ndarray:
    """dL/dW (V, D) for E = W[idx], given G = dL/dE of shape idx.shape + (D,)."""
    D = G.shape[-1]
    dW = np.zeros((V, D), dtype=G.dtype)
    np.add.at(dW, idx.reshape(-1), G.reshape(-1, D))   # one addition per occurrence
    return dW
# ~/~ end
