# ~/~ begin <<docs/stage-03/training-dynamics.md#code/stage-03/training_dynamics.py>>[init]
"""Training dynamics: the training options and instruments of chapter 3.6.

Learning-rate schedules (constant, step, cosine), inverted dropout, weight decay, early stopping
on the validation loss with a best-validation checkpoint, and `fit`, an instrumented minibatch
SGD loop that records what the chapter plots; plus the measurements of gradient noise and of
saturated and dead hidden units.

Generated from docs/stage-03/training-dynamics.md by entangled: edit the chapter and run
`make tangle`, or edit this file and run `make stitch`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from tensor import Tensor, cross_entropy, no_grad

# ---------------------------------------------------------------------------------- options
# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-errors>>[init]
class TrainingOptionError(ValueError):
    """A training option outside its meaningful range; the message says which and why."""


def check_options(steps, batch_size, lr, weight_decay, dropout_p, eval_every, patience):
    """Raise TrainingOptionError for the first option that cannot be right."""
    problems = [
        (steps >= 1, f"steps must be at least 1, got {steps}"),
        (batch_size >= 1, f"batch_size must be at least 1, got {batch_size}"),
        (lr > 0, f"the learning rate must be positive, got {lr}"),
        (weight_decay >= 0, f"weight_decay must be >= 0, got {weight_decay}"),
        (0 <= dropout_p < 1, f"the dropout probability must be in [0, 1), got {dropout_p}"),
        (eval_every >= 1, f"eval_every must be at least 1, got {eval_every}"),
        (patience is None or patience >= 1, f"patience must be None or >= 1, got {patience}"),
    ]
    for ok, message in problems:
        if not ok:
            raise TrainingOptionError(message)
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-schedule>>[init]
SCHEDULES = ("constant", "step", "cosine")
FINAL_FRACTION = 0.01  # step and cosine end at this fraction of the initial rate


def learning_rate(step: int, steps: int, lr: float, schedule: str = "constant") -> float:
    """The rate at 0-based `step` of `steps`: lr throughout (constant); lr, lr/10, lr/100 on
    the halves and quarters (step); or lr down to lr/100 along half a cosine (cosine)."""
    if schedule not in SCHEDULES:
        raise TrainingOptionError(
            f"unknown schedule {schedule!r}: choose one of {', '.join(SCHEDULES)}")
    if not 0 <= step < steps:
        raise TrainingOptionError(f"step {step} is outside 0..{steps - 1}")
    t = step / max(steps - 1, 1)  # progress, 0 at the first step and 1 at the last
    if schedule == "constant":
        return lr
    if schedule == "step":
        return lr if t < 0.5 else lr * 0.1 if t < 0.75 else lr * FINAL_FRACTION
    low = lr * FINAL_FRACTION
    return low + (lr - low) * 0.5 * (1.0 + math.cos(math.pi * t))
# ~/~ end


# ------------------------------------------------------------------------------ regularisers
# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-dropout>>[init]
def dropout(x: Tensor, p: float, rng: np.random.Generator, training: bool) -> Tensor:
    """Training: x * m / (1 - p) with m_i ~ Bernoulli(1 - p), so E[output] = x.
    Evaluation (or p = 0): x itself."""
    if not 0.0 <= p < 1.0:
        raise TrainingOptionError(f"the dropout probability must be in [0, 1), got {p}")
    if not training or p == 0.0:
        return x
    keep = (rng.random(x.shape) >= p).astype(x.data.dtype) / (1.0 - p)
    return x * Tensor(keep)  # the gradient is masked and scaled the same way
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-forward>>[init]
def forward(model, X: np.ndarray, p: float = 0.0, rng=None, training: bool = False) -> Tensor:
    """The model's logits for contexts X, with dropout of probability p after every hidden
    activation when training."""
    h = model.embedding(X).reshape(X.shape[0], -1)                   # (B, K*D)
    for layer in model.hidden:
        h = dropout(activate(layer(h), model.config.activation), p, rng, training)  # (B, H)
    return model.output(h)                                           # (B, V)


def activate(a: Tensor, activation: str) -> Tensor:
    return a.tanh() if activation == "tanh" else a.relu()


def hidden_activations(model, X: np.ndarray) -> list[np.ndarray]:
    """The activations of every hidden layer for contexts X (evaluation mode)."""
    layers = []
    with no_grad():
        h = model.embedding(X).reshape(X.shape[0], -1)
        for layer in model.hidden:
            h = activate(layer(h), model.config.activation)
            layers.append(h.data)
    return layers
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-sgd-step>>[init]
def sgd_step(params, rate: float, weight_decay: float) -> None:
    """p <- p - rate * (dL/dp + weight_decay * p) for weight matrices and embeddings
    (ndim > 1); p <- p - rate * dL/dp for biases."""
    for p in params:
        grad = p.grad + weight_decay * p.data if p.data.ndim > 1 else p.grad
        p.data -= rate * grad
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-early-stopping>>[init]
class EarlyStopping:
    """Keep a copy of the parameters at the lowest validation loss seen; say when `patience`
    evaluations in a row brought no improvement (never, if patience is None)."""

    def __init__(self, patience: int | None = None):
        self.patience = patience
        self.best_loss, self.best_step, self.best_params = math.inf, None, None
        self.waited = 0

    def update(self, step: int, loss: float, params) -> bool:
        """Record the validation loss at `step`; return True when training should stop."""
        if loss < self.best_loss:
            self.best_loss, self.best_step, self.waited = loss, step, 0
            self.best_params = [p.data.copy() for p in params]
        else:
            self.waited += 1
        return self.patience is not None and self.waited >= self.patience

    def restore(self, params) -> None:
        for p, saved in zip(params, self.best_params):
            p.data[...] = saved
# ~/~ end


# ---------------------------------------------------------------------------- training loop
# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-run>>[init]
@dataclass
class Run:
    """What `fit` measured: per step, the learning rate and the minibatch loss; per
    evaluation, the mean loss on the training probe and on the validation set (nats/char)."""

    lr: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    valid_loss: list[float] = field(default_factory=list)
    best_step: int | None = None      # the evaluation with the lowest validation loss
    best_valid: float = math.inf
    diverged_at: int | None = None    # the step (counted from 1) whose loss was inf or nan
    stopped_at: int | None = None     # the step where early stopping ended the run, if any
    seconds: float = 0.0
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-evaluate>>[init]
def evaluate(model, X: np.ndarray, Y: np.ndarray, batch_size: int = 4096) -> float:
    """Mean cross-entropy, in nats per character, of the model on all pairs (X, Y)."""
    total = 0.0
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        for i in range(0, len(X), batch_size):
            loss = model.loss(X[i : i + batch_size], Y[i : i + batch_size])
            total += float(loss.data) * len(X[i : i + batch_size])
    return total / len(X)
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-fit>>[init]
def fit(model, train, valid=None, *, steps: int, batch_size: int = 64, lr: float = 0.1,
        schedule: str = "constant", weight_decay: float = 0.0, dropout_p: float = 0.0,
        eval_every: int = 100, patience: int | None = None, seed: int = 0) -> Run:
    """Minibatch SGD on train = (X, Y); evaluate on valid = (X, Y) every eval_every steps;
    keep (and finally restore) the parameters of the best validation loss."""
    check_options(steps, batch_size, lr, weight_decay, dropout_p, eval_every, patience)
    X, Y = train
    rng = np.random.default_rng(seed)
    params = model.parameters()
    probe = rng.integers(0, len(X), min(len(X), 4096))  # fixed sample of training pairs
    stopper, run = EarlyStopping(patience), Run()
    start = time.perf_counter()
    for step in range(steps):
        rate = learning_rate(step, steps, lr, schedule)
        batch = rng.integers(0, len(X), batch_size)
        with np.errstate(over="ignore", invalid="ignore"):
            loss = cross_entropy(forward(model, X[batch], dropout_p, rng, training=True), Y[batch])
            for p in params:
                p.zero_grad()
            loss.backward()
            sgd_step(params, rate, weight_decay)
        run.lr.append(rate)
        run.loss.append(float(loss.data))
        if not np.isfinite(loss.data):
            run.diverged_at = step + 1  # steps are counted from 1, as in eval_steps
            break
        if valid is not None and ((step + 1) % eval_every == 0 or step + 1 == steps):
            run.eval_steps.append(step + 1)
            run.train_loss.append(evaluate(model, X[probe], Y[probe]))
            run.valid_loss.append(evaluate(model, *valid))
            if stopper.update(step + 1, run.valid_loss[-1], params):
                run.stopped_at = step + 1
                break
    run.seconds = time.perf_counter() - start
    if stopper.best_params is not None:
        stopper.restore(params)
        run.best_step, run.best_valid = stopper.best_step, stopper.best_loss
    return run
# ~/~ end


# ----------------------------------------------------------------------------- measurements
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
