# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_08.py>>[init]
"""Exercise 8, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum `grad` over the axes that broadcasting added or stretched, back to `shape`."""
    added = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(added)))                         # axes added in front
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    grad = grad.sum(axis=stretched, keepdims=True)                    # length-1 axes
    return grad.reshape(shape)
# ~/~ end
