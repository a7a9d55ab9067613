# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_16.py>>[init]
"""Exercise 16: context windows of one sequence (chapter 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=16` copies it to
exercises/ex16.py, the file you edit.
"""

import numpy as np


def context_windows(ids: np.ndarray, K: int, boundary: int):
    """X (N, K): the K ids before each position, left-padded with `boundary`; Y (N,): ids."""
    raise NotImplementedError("exercise 9: pad on the left, then slide a window of width K")
# ~/~ end
