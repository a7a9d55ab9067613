# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_21.py>>[init]
"""Exercise 21: clipping gradients by their global norm (chapter 3.6).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=21` copies it to
exercises/ex21.py, the file you edit.
"""

import numpy as np


def clip_grad_norm(grads: list[np.ndarray], max_norm: float):
    """(new gradients scaled by min(1, max_norm / norm), norm): norm over all arrays at once."""
    raise NotImplementedError("exercise 12: one norm over every array, one common factor")
# ~/~ end
