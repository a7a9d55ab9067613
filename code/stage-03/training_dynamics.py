# ~/~ begin <<docs/stage-03/training-dynamics.md#code/stage-03/training_dynamics.py>>[init]
"""Training dynamics: the instruments of chapter 3.6.

The runs of the chapter are chapter 3.5's one training loop, neural_lm.train, with its options
(dropout in ModelConfig; momentum, weight decay, schedules and patience in TrainConfig). This
module adds what the chapter measures with: a callback recording the loss on a fixed sample of
training windows at every validation, the noise of minibatch gradients, and the hidden
activations with their saturated and dead fractions.

Generated from docs/stage-03/training-dynamics.md by entangled: edit the chapter and run
`make tangle`, or edit this file and run `make stitch`.
"""

from __future__ import annotations

import numpy as np

from corpora import Windows
from neural_lm import Callback, TrainResult
from tensor import no_grad

# ---------------------------------------------------------------------------- a training curve
# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-probe>>[init]
class ProbeLoss(Callback):
    """At every validation, the mean loss on a fixed sample of the training windows (the
    probe): the training curve to set beside the validation curve, at a fraction of the cost."""

    def __init__(self, model, windows: Windows, size: int = 4096, seed: int = 0):
        rows = np.random.default_rng(seed).integers(0, len(windows), min(len(windows), size))
        self.model, self.probe, self.losses = model, windows.take(rows), []

    def on_eval(self, run: TrainResult) -> None:
        self.losses.append(self.model.mean_loss(self.probe))
# ~/~ end


# ----------------------------------------------------------------------------- measurements
# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-activations>>[init]
def hidden_activations(model, X: np.ndarray) -> list[np.ndarray]:
    """The activations (B, H_l) of every hidden layer of the model for contexts X (B, K)."""
    layers = []
    with no_grad():
        model.forward(X, record=layers)  # the nodes h_l
    return [h.data for h in layers]
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-gradient-noise>>[init]
def flat_gradient(model, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The gradient of the mean loss on (X, Y) for all parameters, as one float64 vector."""
    params = model.parameters()
    for p in params:
        p.zero_grad()
    model.loss(X, Y).backward()
    return np.concatenate([p.grad.ravel() for p in params]).astype(np.float64)


def gradient_noise(model, X, Y, batch_sizes, repeats: int = 20, seed: int = 0):
    """The full gradient g on (X, Y), and for each batch size B the mean of ||g_B - g||^2
    over `repeats` minibatches of B pairs drawn with replacement."""
    rng = np.random.default_rng(seed)
    full = flat_gradient(model, X, Y)
    noise = {}
    for B in batch_sizes:
        draws = (rng.integers(0, len(X), B) for _ in range(repeats))
        noise[B] = float(np.mean([np.sum((flat_gradient(model, X[i], Y[i]) - full) ** 2)
                                  for i in draws]))
    return full, noise
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-units>>[init]
def saturated_fraction(h: np.ndarray, threshold: float = 0.99) -> float:
    """Share of the (example, unit) activations of a tanh layer with |h| > threshold."""
    return float(np.mean(np.abs(h) > threshold))


def dead_fraction(h: np.ndarray) -> float:
    """Share of the units of a ReLU layer that are zero on every example of the batch."""
    return float(np.mean(np.all(h <= 0, axis=0)))
# ~/~ end
# ~/~ end
