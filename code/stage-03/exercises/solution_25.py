# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_25.py>>[init]
"""Exercise 25, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def paired_bootstrap(lp_a: np.ndarray, lp_b: np.ndarray, n_boot: int, seed: int):
    """95% interval (low, high) of bpc_a - bpc_b, resampling positions jointly."""
    rng = np.random.default_rng(seed)
    d = (np.asarray(lp_b) - np.asarray(lp_a)) / np.log(2)   # bpc_a - bpc_b, per position
    idx = rng.integers(0, len(d), size=(n_boot, len(d)))    # the same rows for both
    means = d[idx].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)
# ~/~ end
