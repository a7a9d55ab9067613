# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_25.py>>[init]
"""Exercise 25: a paired bootstrap interval for a difference in bits per character (3.7).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=25` copies it to
exercises/ex25.py, the file you edit.
"""

import numpy as np


def paired_bootstrap(lp_a: np.ndarray, lp_b: np.ndarray, n_boot: int, seed: int):
    """95% interval (low, high) of bpc_a - bpc_b, resampling positions jointly."""
    raise NotImplementedError("exercise 13: one index sample per round, used for both models")
# ~/~ end
