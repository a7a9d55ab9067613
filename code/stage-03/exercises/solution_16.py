# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_16.py>>[init]
"""Exercise 16, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def context_windows(ids: np.ndarray, K: int, boundary: int):
    """X (N, K): the K ids before each position, left-padded with `boundary`; Y (N,): ids."""
    ids = np.asarray(ids, dtype=np.int64)
    padded = np.concatenate([np.full(K, boundary, dtype=np.int64), ids])
    X = np.lib.stride_tricks.sliding_window_view(padded, K)[: len(ids)]   # (N, K)
    return X.copy(), ids.copy()
# ~/~ end
