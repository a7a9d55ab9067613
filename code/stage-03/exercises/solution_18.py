# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_18.py>>[init]
"""Exercise 18, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def temperature_probs(logits: np.ndarray, T: float) -> np.ndarray:
    """softmax(logits / T); ValueError unless T > 0."""
    if not T > 0:
        raise ValueError(f"temperature must be positive, got {T}")
    z = np.asarray(logits, dtype=np.float64) / T
    p = np.exp(z - z.max())
    return p / p.sum()


def sample(logits: np.ndarray, T: float, rng: np.random.Generator) -> int:
    """One index drawn from temperature_probs(logits, T) with `rng`."""
    return int(rng.choice(len(logits), p=temperature_probs(logits, T)))
# ~/~ end
