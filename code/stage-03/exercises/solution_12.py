# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_12.py>>[init]
"""Exercise 12, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax(logits) over the last axis, finite for any finite logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
# ~/~ end
