# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_18.py>>[init]
"""Exercise 18: sampling with a temperature (chapter 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=18` copies it to
exercises/ex18.py, the file you edit.
"""

import numpy as np


def temperature_probs(logits: np.ndarray, T: float) -> np.ndarray:
    """softmax(logits / T); ValueError unless T > 0."""
    raise NotImplementedError("exercise 11: scale, then a stable softmax")


def sample(logits: np.ndarray, T: float, rng: np.random.Generator) -> int:
    """One index drawn from temperature_probs(logits, T) with `rng`."""
    raise NotImplementedError("exercise 11: draw with rng")
# ~/~ end
