# ~/~ begin <<docs/stage-03/training-dynamics.md#code/stage-03/training_dynamics.py>>[init]
"""Training dynamics: the training options and instruments of chapter 3.6.

Inverted dropout, early stopping on the validation loss with a best-validation checkpoint, and
`fit`: chapter 3.5's minibatch SGD (its TrainConfig, SGD with momentum and weight decay, and
learning-rate schedules) in a loop that records what the chapter plots; plus the measurements of
gradient noise and of saturated and dead hidden units.

Generated from docs/stage-03/training-dynamics.md by entangled: edit the chapter and run
`make tangle`, or edit this file and run `make stitch`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from neural_lm import SGD, TrainConfig, UsageError, learning_rate
from tensor import Tensor, cross_entropy, no_grad

# ---------------------------------------------------------------------------------- options
# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-errors>>[init]
class TrainingOptionError(UsageError):
    """An option of `fit` outside its meaningful range; the message says which and why."""


def check_options(config: TrainConfig, dropout_p: float, patience: int | None) -> None:
    """Raise TrainingOptionError for the first option that cannot be right."""
    if config.steps is None:
        raise TrainingOptionError("fit runs a number of steps: give TrainConfig(steps=...)")
    if not 0.0 <= dropout_p < 1.0:
        raise TrainingOptionError(f"the dropout probability must be in [0, 1), got {dropout_p}")
    if patience is not None and patience < 1:
        raise TrainingOptionError(f"patience must be None or at least 1, got {patience}")
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
def forward(model, X: np.ndarray, p: float = 0.0, rng=None, record: list | None = None) -> Tensor:
    """MLPLanguageModel.forward of chapter 3.5 with dropout of probability p after every hidden
    activation (p = 0: no dropout); each hidden layer's activations appended to `record`."""
    B, K = X.shape
    h = model.embedding(X).reshape(B, K * model.config.embedding)  # (B, K*D)
    for layer in model.hidden:
        h = layer(h)  # (B, H_l)
        h = h.tanh() if model.config.activation == "tanh" else h.relu()
        if record is not None:
            record.append(h.data)
        h = dropout(h, p, rng, training=p > 0)
    return model.output(h)  # (B, V)


def hidden_activations(model, X: np.ndarray) -> list[np.ndarray]:
    """The activations (B, H_l) of every hidden layer for contexts X, without dropout."""
    layers = []
    with no_grad():
        forward(model, X, record=layers)
    return layers
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
def evaluate(model, X: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy, in nats per character, of the model on all pairs (X, Y)."""
    with np.errstate(all="ignore"):  # a diverged model gives inf or nan, not a warning
        return float(-model.log_probs(X)[np.arange(len(Y)), Y].mean())
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-fit>>[init]
def fit(model, train, valid=None, config: TrainConfig = TrainConfig(), *,
        dropout_p: float = 0.0, patience: int | None = None) -> Run:
    """Minibatch SGD on train = (X, Y) as `config` says; evaluate on valid = (X, Y) every
    config.eval_every steps; keep (and finally restore) the best-validation parameters."""
    check_options(config, dropout_p, patience)
    X, Y = train
    rng = np.random.default_rng(config.seed)               # the minibatches
    drop_rng = np.random.default_rng([config.seed, 2])     # the dropout masks
    optimiser = SGD(model.named_parameters(), config.momentum, config.weight_decay)
    probe = rng.integers(0, len(X), min(len(X), 4096))     # fixed sample of training pairs
    stopper, run = EarlyStopping(patience), Run()
    start = time.perf_counter()
    for step in range(1, config.steps + 1):
        rate = learning_rate(config, (step - 1) / config.steps)
        batch = rng.integers(0, len(X), config.batch_size)
        with np.errstate(all="ignore"):  # an overflow shows as a non-finite loss, checked below
            loss = cross_entropy(forward(model, X[batch], dropout_p, drop_rng), Y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step(rate)
        run.lr.append(rate)
        run.loss.append(float(loss.data))
        if not math.isfinite(run.loss[-1]):
            run.diverged_at = step
            break
        if valid is not None and (step % config.eval_every == 0 or step == config.steps):
            run.eval_steps.append(step)
            run.train_loss.append(evaluate(model, X[probe], Y[probe]))
            run.valid_loss.append(evaluate(model, *valid))
            if stopper.update(step, run.valid_loss[-1], optimiser.params):
                run.stopped_at = step
                break
    run.seconds = time.perf_counter() - start
    if stopper.best_params is not None:
        stopper.restore(optimiser.params)
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
