# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_13.py>>[init]
"""Exercise 13, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np


def cross_entropy(logits: np.ndarray, targets: np.ndarray):
    """(mean cross-entropy in nats, its gradient with respect to logits (B, V))."""
    B = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (B, V)
    loss = -log_probs[np.arange(B), targets].mean()
    grad = np.exp(log_probs)                                                  # softmax
    grad[np.arange(B), targets] -= 1.0                                        # - onehot
    return loss, grad / B
# ~/~ end
