# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_21.py>>[init]
"""Exercise 21, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def clip_grad_norm(grads: list[np.ndarray], max_norm: float):
    """(new gradients scaled by min(1, max_norm / norm), norm): norm over all arrays at once."""
    norm = float(np.sqrt(sum(float((g**2).sum()) for g in grads)))
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * factor for g in grads], norm
# ~/~ end
