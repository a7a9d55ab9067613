# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#code/stage-03/training_dynamics.py>>[init]
"""Training dynamics: the instruments of chapter 3.6 (3.6a, rates and optimisers; 3.6b,
initialisation, batches and regularisation).

The runs of the chapter are chapter 3.5's one training loop, neural_lm.train, with its options
(dropout in ModelConfig; momentum, weight decay and schedules in TrainConfig). This module adds
what the chapter reads runs with, from outside the loop: the step at which a run diverged, a
running mean of a noisy curve, and a stopwatch callback; a callback recording the loss on a
fixed sample of training windows at every validation; the learning-rate range test (Smith,
2017), steps at geometrically rising rates; a callback recording the update-to-data ratio of
every weight matrix at every step; the noise of minibatch gradients; the hidden activations
with their saturated and dead fractions; a callback recording, every few steps, the
activations and gradients of every hidden layer; and early stopping, a callback that ends a
run.

Generated from docs/stage-03/rates-and-optimisers.md and initialisation-and-regularisation.md
by entangled: edit the chapters and run `make tangle`, or edit this file and run `make stitch`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from corpora import Windows
from neural_lm import ACTIVATIONS, TrainConfig, TrainResult, minibatches
from optim import OPTIMISERS
from tensor import Tensor, cross_entropy, no_grad

# ---------------------------------------------------------------------------- reading a run
# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-run-readings>>[init]
def diverged_at(run: TrainResult) -> int | None:
    """The step whose loss was inf or nan (its update not made), or None."""
    return run.steps if run.stopped == "diverged" else None


def running_mean(values, width: int = 25) -> np.ndarray:
    """At each point, the mean of the last `width` values (of fewer at the start): a noisy
    curve smoothed, (T,)."""
    values = np.asarray(values, dtype=np.float64)
    sums = np.cumsum(np.insert(values, 0, 0.0))
    end = np.arange(1, len(values) + 1)
    start = np.maximum(end - width, 0)
    return (sums[end] - sums[start]) / (end - start)
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-stopwatch>>[init]
class Stopwatch:
    """A callback: the time of each call (after the first validation, then after every step)."""

    def __init__(self):
        self.times = []

    def __call__(self, run: TrainResult) -> bool:
        self.times.append(time.perf_counter())
        return False

    def seconds(self) -> float:
        """From the first step's start to the last step's end."""
        return self.times[-1] - self.times[0]
# ~/~ end


# ---------------------------------------------------------------------------- a training curve
# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-probe>>[init]
def just_validated(run: TrainResult) -> bool:
    """Whether the loop validated the model at the step the run is at."""
    return run.valid[-1][0] == run.steps


class ProbeLoss:
    """A callback: at every validation, the mean loss on a fixed sample of the training
    windows (the probe): the training curve to set beside the validation curve, at a fraction
    of the cost."""

    def __init__(self, model, windows: Windows, size: int = 4096, seed: int = 0):
        rows = np.random.default_rng(seed).integers(0, len(windows), min(len(windows), size))
        self.model, self.probe, self.losses = model, windows.take(rows), []

    def __call__(self, run: TrainResult) -> bool:
        if just_validated(run):
            self.losses.append(self.model.mean_loss(self.probe))
        return False
# ~/~ end


# ------------------------------------------------------------ the learning rate in one run
# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-range-schedule>>[init]
def exponential_rates(low: float, high: float, steps: int) -> np.ndarray:
    """The T = steps rates eta_t = low r^t, r = (high/low)^(1/(T-1)): low at the first step,
    high at the last; (T,)."""
    return low * (high / low) ** (np.arange(steps) / (steps - 1))
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-range-smoothing>>[init]
def centred_median(values, half_width: int) -> np.ndarray:
    """S_t = the median of values[t-w .. t+w], w = half_width (fewer values near the ends)."""
    x = np.asarray(values, dtype=np.float64)
    return np.array([np.median(x[max(t - half_width, 0) : t + half_width + 1])
                     for t in range(len(x))])
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-range-test>>[init]
@dataclass
class RangeTest:
    """A learning-rate range test (Smith, 2017): the rate eta_t and the minibatch loss L_t of
    every step of one run whose rate rises geometrically, and the readings of its curve."""

    rates: np.ndarray  # (T,) eta_t
    losses: np.ndarray  # (T,) L_t, all finite: a step whose loss was not is left out
    diverged: bool = False  # the step after the last one had a loss of inf or nan
    half_width: int = 25  # w of the smoothing and of the slopes

    @property
    def smoothed(self) -> np.ndarray:
        return centred_median(self.losses, self.half_width)  # (T,)

    def slopes(self) -> np.ndarray:
        """dS/d ln eta as (S_(t+w) - S_(t-w)) / (ln eta_(t+w) - ln eta_(t-w)); nan near the ends."""
        S, x, w = self.smoothed, np.log(self.rates), self.half_width
        slopes = np.full(len(S), np.nan)
        if len(S) > 2 * w:
            slopes[w:-w] = (S[2 * w :] - S[: -2 * w]) / (x[2 * w :] - x[: -2 * w])
        return slopes

    def bottom(self) -> float:
        """The rate of the lowest smoothed loss."""
        return float(self.rates[np.argmin(self.smoothed)])

    def steepest(self) -> float:
        """The rate of the most negative slope before the bottom."""
        before = self.slopes()[: np.argmin(self.smoothed) + 1]
        return float(self.rates[np.nanargmin(before)])

    def blow_up(self) -> float:
        """The first rate past the bottom where the smoothed loss is back above its first
        value (all progress undone); else the last rate if the run diverged; else nan."""
        S, bottom = self.smoothed, int(np.argmin(self.smoothed))
        above = np.flatnonzero(S[bottom:] > S[0])
        if len(above):
            return float(self.rates[bottom + above[0]])
        return float(self.rates[-1]) if self.diverged else math.nan
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-range-run>>[init]
def range_test(model, train_windows: Windows, config: TrainConfig, low: float = 1e-4,
               high: float = 100.0, half_width: int = 25) -> RangeTest:
    """One run of config.steps steps at rates rising geometrically from low to high; the model
    is trained by it, so pass a fresh one."""
    rates = exponential_rates(low, high, config.steps)  # (T,)
    batches = minibatches(len(train_windows), config.batch_size, config.seed)
    optimiser = OPTIMISERS[config.optimiser](model.named_parameters(), config)
    losses = []
    for rate in rates:
        X, Y = train_windows.batch(next(batches))  # (B, K), (B,)
        with np.errstate(all="ignore"):  # an overflow shows as a non-finite loss
            loss = model.loss(X, Y)
            optimiser.zero_grad()
            loss.backward()
        if not math.isfinite(float(loss.data)):
            break  # diverged: this step's loss is not kept, its update not made
        losses.append(float(loss.data))
        optimiser.step(rate)
    return RangeTest(rates[: len(losses)], np.array(losses), len(losses) < len(rates),
                     half_width)
# ~/~ end


# ------------------------------------------------------------------- the size of an update
# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-update-ratio>>[init]
class UpdateRatio:
    """A callback: after every step, for each weight matrix W of the model (biases left out),
    the update relative to the weights it changed: log10 ||W_t - W_(t-1)|| / ||W_(t-1)||,
    Frobenius norms. Make it just before the run: it copies the weights it starts from."""

    def __init__(self, model):
        self.named = [(name, p) for name, p in model.named_parameters() if p.data.ndim == 2]
        self.start = [p.data.astype(np.float64) for _, p in self.named]  # W_0, copies
        self.before = [w.copy() for w in self.start]  # W_(t-1)
        self.log10 = []  # one row per step: log10 rho_t of each matrix

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.named]

    def __call__(self, run: TrainResult) -> bool:
        if run.steps == 0:
            return False  # the call before the first step: nothing has moved yet
        row = []
        for i, (_, p) in enumerate(self.named):
            now = p.data.astype(np.float64)
            with np.errstate(divide="ignore"):  # no change at all: log10 0 = -inf
                row.append(np.log10(np.linalg.norm(now - self.before[i])
                                    / np.linalg.norm(self.before[i])))
            self.before[i] = now
        self.log10.append(row)
        return False

    def ratios(self) -> np.ndarray:
        """log10 rho_t, (steps, matrices)."""
        return np.array(self.log10).reshape(-1, len(self.named))

    def travelled(self) -> list[float]:
        """||W_T - W_0|| / ||W_0|| of each matrix: how far the whole run moved it."""
        return [float(np.linalg.norm(w - w0) / np.linalg.norm(w0))
                for w, w0 in zip(self.before, self.start, strict=True)]
# ~/~ end


# ----------------------------------------------------------------------------- measurements
# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-activations>>[init]
def forward_with_hidden(model, X: np.ndarray) -> tuple[Tensor, list[Tensor]]:
    """Chapter 3.5's forward pass, keeping the hidden outputs: the logits (B, V) and the nodes
    h_l (B, H_l) of every hidden layer, whose .grad a backward pass fills."""
    B, K = X.shape
    h, hidden = model.embedding(X).reshape(B, K * model.config.embedding), []  # (B, K*D)
    phi = ACTIVATIONS[model.config.activation]
    for layer in model.hidden:
        h = phi(layer(h))  # (B, H_l)
        hidden.append(h)
    return model.output(h), hidden


def hidden_activations(model, X: np.ndarray) -> list[np.ndarray]:
    """The activations (B, H_l) of every hidden layer of the model for contexts X (B, K)."""
    with no_grad():
        return [h.data for h in forward_with_hidden(model, X)[1]]
# ~/~ end


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-gradient-noise>>[init]
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


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-units>>[init]
def saturated_fraction(h: np.ndarray, threshold: float = 0.99) -> float:
    """Share of the (example, unit) activations of a tanh layer with |h| > threshold."""
    return float(np.mean(np.abs(h) > threshold))


def dead_fraction(h: np.ndarray) -> float:
    """Share of the units of a ReLU layer that are zero on every example of the batch."""
    return float(np.mean(np.all(h <= 0, axis=0)))
# ~/~ end


# --------------------------------------------------------------- every layer, during training
# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-layer-stats>>[init]
class LayerStats:
    """A callback: before the first step and every `every` steps, on fixed contexts X (B, K)
    and targets Y (B,), for each hidden layer h_l = act(a_l): the mean and standard deviation
    of h_l, the share of its saturated (tanh) or dead (ReLU) units, and the standard deviations
    of dL/dh_l, the gradient reaching the layer's output, and of dL/da_l = dL/dh_l * act'(a_l),
    the part that passes back through the nonlinearity (L: the mean loss over the B examples)."""

    def __init__(self, model, X: np.ndarray, Y: np.ndarray, every: int = 10):
        self.model, self.X, self.Y, self.every = model, X, Y, every
        self.failure = "saturated" if model.config.activation == "tanh" else "dead"
        self.steps, self.records = [], []  # the steps measured; a dict of per-layer lists each

    def __call__(self, run: TrainResult) -> bool:
        if run.steps % self.every == 0:  # step 0 too: the call before the first step
            self.measure(run.steps)
        return False

    def series(self, name: str) -> np.ndarray:
        """One statistic over the run: (measurements, layers)."""
        return np.array([record[name] for record in self.records])

    # ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-layer-stats-measure>>[init]
    def measure(self, step: int) -> None:
        params = self.model.parameters()
        saved = [p.grad for p in params]
        logits, layers = forward_with_hidden(self.model, self.X)  # layers: h_1 .. h_L, nodes
        cross_entropy(logits, self.Y).backward()  # fills their .grad
        for p, grad in zip(params, saved, strict=True):
            p.grad = grad
        tanh = self.failure == "saturated"
        record = {name: [] for name in ("mean", "std", self.failure, "grad_h", "grad_a")}
        for node in layers:
            h, grad_h = node.data, node.grad  # (B, H_l) both
            slope = 1.0 - h**2 if tanh else (h > 0)  # act'(a_l), read from h_l
            record["mean"].append(float(h.mean()))
            record["std"].append(float(h.std()))
            record[self.failure].append(saturated_fraction(h) if tanh else dead_fraction(h))
            record["grad_h"].append(float(grad_h.std()))
            record["grad_a"].append(float((grad_h * slope).std()))  # dL/da_l (B, H_l)
        self.steps.append(step)
        self.records.append(record)
    # ~/~ end
# ~/~ end


# ------------------------------------------------------------------------- early stopping
# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-early-stopping>>[init]
def early_stopping(patience: int):
    """A callback that stops a run once `patience` validations in a row brought no new best."""

    def stop(run: TrainResult) -> bool:
        return sum(step > run.best_step for step, _ in run.valid) >= patience

    return stop
# ~/~ end
# ~/~ end
