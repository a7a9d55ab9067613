# ~/~ begin <<docs/stage-03/building-the-model.md#code/stage-03/neural_lm.py>>[init]
"""A character-level neural language model in the style of Bengio et al. (2003).

Chapter 3.5, "Building the model", in its order: the windows a model learns from, the model
(which answers the model contract of lm.py), its loss, the optimiser and one training loop
with callbacks. Sampling and evaluation are Foundation A's (lm.sample, lm.evaluate); the
checkpoint format and the command line are the appendix's (checkpoint.py, cli.py).

Generated from docs/stage-03/building-the-model.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from corpora import Data, Vocabulary, Windows, pad_history
from optim import OPTIMISERS, SGD, Adam, Optimiser  # noqa: F401 (the chapters' nlm.SGD, nlm.Adam)
from tensor import Embedding, Linear, Tensor, cross_entropy, no_grad

ACTIVATIONS = ("tanh", "relu")
OUTPUT_BIASES = ("zero", "unigram")
DECAYS = ("cosine", "step", "none")

# ---- errors ----------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-errors>>[init]
class NeuralLMError(Exception):
    """A run cannot go on (bad data, a bad checkpoint, a diverged run): the CLI exits with 1."""


class UsageError(NeuralLMError):
    """An option or argument has a value the model cannot use: the CLI exits with 2."""


class DataError(NeuralLMError):
    """The corpus is readable but too small for the requested model."""
# ~/~ end

# ---- data ------------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-training-windows>>[init]
def training_windows(data: Data, context: int) -> tuple[Windows, Windows]:
    """The windows of the training and validation splits; a clear error if either is empty."""
    sizes = {name: data.num_tokens(name) for name in ("train", "valid", "test")}
    if sum(sizes.values()) < context + 1:
        raise DataError(
            f"{data.source} has {sum(sizes.values())} tokens; a context of {context} "
            f"needs at least {context + 1} (use more text or a smaller --context)")
    for name in ("train", "valid"):
        if sizes[name] == 0:
            raise DataError(
                f"{data.source} is too small to split: its {name} split is empty "
                f"(split sizes in tokens: {sizes}); use more text"
                + ("" if data.lines else ", or --lines if it holds one item per line"))
    return (Windows.of(data.train, data.vocab, context),
            Windows.of(data.valid, data.vocab, context))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-unigram>>[init]
def target_counts(windows: Windows, V: int) -> np.ndarray:
    """How often each token id is the one to predict in these windows: (V,) integers."""
    return np.bincount(windows.ids[windows.targets], minlength=V)


def unigram_log_probs(counts: np.ndarray) -> np.ndarray:
    """ln (c_v + 1) / (N + V): the add-one unigram distribution of the counts, (V,)."""
    return np.log((counts + 1.0) / (counts.sum() + len(counts)))
# ~/~ end

# ---- the model -------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-config>>[init]
@dataclass(frozen=True)
class ModelConfig:
    """The shape of the network: V tokens, K of context, D-dim embeddings, hidden sizes."""

    vocab_size: int  # V
    context: int = 8  # K
    embedding: int = 24  # D
    hidden: tuple[int, ...] = (512, 512)  # H_1, ..., H_L
    activation: str = "relu"  # relu | tanh
    dropout: float = 0.0  # p of inverted dropout after each hidden layer in training (3.6)
    embedding_scale: float = 1.0  # the table C starts N(0, scale²)
    output_bias: str = "zero"  # b_out starts at zero, or at ln of the unigram frequencies
    seed: int = 0  # of the initial weights

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))  # JSON gives lists
        for name, least in (("vocab_size", 2), ("context", 1), ("embedding", 1)):
            if getattr(self, name) < least:
                raise UsageError(f"{name} must be at least {least}, got {getattr(self, name)}")
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise UsageError(f"give at least one hidden layer, each of >= 1 unit: {self.hidden}")
        if self.activation not in ACTIVATIONS:
            raise UsageError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise UsageError(f"the dropout probability must be in [0, 1), got {self.dropout}")
        if not (self.embedding_scale > 0 and math.isfinite(self.embedding_scale)):
            raise UsageError(f"the embedding scale must be > 0, got {self.embedding_scale}")
        if self.output_bias not in OUTPUT_BIASES:
            raise UsageError(f"output_bias must be one of {OUTPUT_BIASES}, "
                             f"got {self.output_bias!r}")
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-pairs>>[init]
def pairs(sizes: list[int]) -> list[tuple[int, int]]:
    """(n_in, n_out) of each layer of a stack of the given widths."""
    return list(zip(sizes[:-1], sizes[1:], strict=True))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-parameter-count>>[init]
def parameter_count(config: ModelConfig) -> int:
    """V·D + (K·D)·H_1 + H_1 + ... + H_L·V + V: the embedding table, then weights and biases."""
    V, K, D = config.vocab_size, config.context, config.embedding
    return V * D + sum(n_in * n_out + n_out for n_in, n_out in pairs([K * D, *config.hidden, V]))
# ~/~ end


class MLPLanguageModel:
    """P(. | c_1..c_K) = softmax(h_L W_out + b_out), h_l = act(h_(l-1) W_l + b_l),
    h_0 = [C_c1 ... C_cK]: embed, concatenate, hidden layers, logits."""

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-init>>[init]
    def __init__(self, config: ModelConfig, vocab: Vocabulary | None = None,
                 counts: np.ndarray | None = None):
        if vocab is not None and vocab.size != config.vocab_size:
            raise UsageError(f"a vocabulary of {vocab.size} tokens for a model of "
                             f"{config.vocab_size}")
        self.config, self.vocab = config, vocab
        rng = np.random.default_rng(config.seed)
        V, K, D = config.vocab_size, config.context, config.embedding
        self.embedding = Embedding(V, D, rng)
        self.embedding.weight.data *= config.embedding_scale  # N(0, 1) -> N(0, scale²)
        sizes = [K * D, *config.hidden]
        self.hidden = [Linear(n_in, n_out, rng) for n_in, n_out in pairs(sizes)]
        self.output = Linear(sizes[-1], V, rng, gain=0.1)  # small, nearly equal first logits
        if config.output_bias == "unigram" and counts is not None:
            self.output.bias.data[...] = unigram_log_probs(counts)  # first P = the unigram P
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-parameters>>[init]
    def named_parameters(self) -> list[tuple[str, Tensor]]:
        named = [("embedding.weight", self.embedding.parameters()[0])]
        layers = [(f"hidden{i}", layer) for i, layer in enumerate(self.hidden, start=1)]
        for prefix, layer in [*layers, ("output", self.output)]:
            weight, bias = layer.parameters()
            named += [(f"{prefix}.weight", weight), (f"{prefix}.bias", bias)]
        return named

    def parameters(self) -> list[Tensor]:
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        return sum(p.data.size for p in self.parameters())

    def parameter_values(self) -> list[np.ndarray]:
        """A copy of every parameter's values, in the order of named_parameters."""
        return [p.data.copy() for p in self.parameters()]

    def set_parameter_values(self, values: list[np.ndarray]) -> None:
        for p, value in zip(self.parameters(), values, strict=True):
            p.data[...] = value
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-forward>>[init]
    def forward(self, X: np.ndarray, rng: np.random.Generator | None = None,
                record: list | None = None) -> Tensor:
        """Logits (B, V) for contexts X (B, K). Given an rng (training), inverted dropout after
        every hidden activation if config.dropout > 0; each hidden output h_l (B, H_l), as a
        Tensor, goes to record."""
        B, K = X.shape
        h = self.embedding(X).reshape(B, K * self.config.embedding)  # (B, K*D)
        for layer in self.hidden:
            h = layer(h)  # (B, H_l)
            h = h.tanh() if self.config.activation == "tanh" else h.relu()
            if record is not None:
                record.append(h)  # the node: h.data now, h.grad after a backward pass
            if rng is not None and self.config.dropout > 0:
                h = dropout(h, self.config.dropout, rng)
        return self.output(h)  # (B, V)

    def loss(self, X: np.ndarray, Y: np.ndarray, rng: np.random.Generator | None = None) -> Tensor:
        """Mean cross-entropy in nats of the targets Y (B,) given the contexts X (B, K)."""
        return cross_entropy(self.forward(X, rng), Y)
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-log-probs>>[init]
    def log_probs(self, X: np.ndarray) -> np.ndarray:
        """ln P(· | context) for every row of X: (B, V), float64, no graph kept."""
        with no_grad():
            logits = self.forward(X).data.astype(np.float64)
        return log_softmax(logits)

    def windows_log_probs(self, windows: Windows, batch_size: int | None = None) -> np.ndarray:
        """ln P(Y_i | X_i) of every window, in order, gathered and computed batch by batch
        (batches of evaluation_batch windows unless told)."""
        batch_size = batch_size or evaluation_batch(self.config)
        out = np.empty(len(windows), dtype=np.float64)
        for start in range(0, len(windows), batch_size):
            X, Y = windows.batch(slice(start, start + batch_size))  # (B, K), (B,)
            out[start : start + len(Y)] = self.log_probs(X)[np.arange(len(Y)), Y]
        return out

    def mean_loss(self, windows: Windows) -> float:
        """Mean cross-entropy in nats over the windows (inf or nan for a model gone astray)."""
        with np.errstate(all="ignore"):
            return float(-self.windows_log_probs(windows).mean())
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-contract>>[init]
    def token_log_probs(self, sequences: list[str]) -> np.ndarray:
        """ln P of every token of sequences, in the order of the windows (the contract)."""
        if self.vocab is None:
            raise UsageError("this model has no vocabulary to read text with")
        return self.windows_log_probs(Windows.of(sequences, self.vocab, self.config.context))

    def next_log_probs(self, history: np.ndarray) -> np.ndarray:
        """ln P(next | the last K ids of history, BOUNDARY-padded) for every token: (V,)."""
        return self.log_probs(pad_history(history, self.config.context)[None, :])[0]
    # ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-dropout>>[init]
def dropout(h: Tensor, p: float, rng: np.random.Generator) -> Tensor:
    """h * m / (1 - p), m_i ~ Bernoulli(1 - p): each unit dropped with probability p, the
    others scaled so that E[output] = h (inverted dropout)."""
    keep = (rng.random(h.shape) >= p) / (1.0 - p)
    return h * Tensor(keep, dtype=h.data.dtype)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-log-softmax>>[init]
def log_softmax(logits: np.ndarray) -> np.ndarray:
    """z - log sum exp z along the last axis, shifted by the maximum so nothing overflows."""
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-evaluation-batch>>[init]
EVAL_ARRAY_BYTES = 32 * 2**20  # the largest array of one evaluation batch, at most


def evaluation_batch(config: ModelConfig, most: int = 4096) -> int:
    """B = min(most, EVAL_ARRAY_BYTES / w), at least 1, where w is a window's bytes in the
    widest array: 8V of float64 log-probabilities, or 4KD, 4H_l of float32 activations."""
    widest = max(8 * config.vocab_size, 4 * config.context * config.embedding,
                 *(4 * h for h in config.hidden))
    return max(1, min(most, EVAL_ARRAY_BYTES // widest))
# ~/~ end

# ---- training --------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-learning-rate>>[init]
def learning_rate(config: TrainConfig, progress: float) -> float:
    """eta(progress in [0, 1]): cosine from lr to 0, lr then lr/10 after 75 %, or constant lr."""
    progress = min(max(progress, 0.0), 1.0)
    if config.decay == "cosine":
        return config.lr * 0.5 * (1.0 + math.cos(math.pi * progress))
    if config.decay == "step":
        return config.lr if progress < 0.75 else config.lr * 0.1
    return config.lr
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-config>>[init]
@dataclass(frozen=True)
class TrainConfig:
    """Minibatch SGD with momentum, weight decay and a learning-rate schedule; a run length."""

    steps: int | None = 5000  # stop after this many updates ...
    time_budget: float | None = None  # ... or after this many seconds (exactly one of the two)
    batch_size: int = 128
    lr: float = 0.1
    momentum: float = 0.9  # mu of SGD
    weight_decay: float = 0.0
    optimiser: str = "sgd"  # a key of OPTIMISERS
    beta1: float = 0.9  # Adam's running mean of g ...
    beta2: float = 0.999  # ... and of g²
    eps: float = 1e-8  # Adam's epsilon: the smallest sqrt(v^) it divides by
    decay: str = "cosine"  # cosine | step | none
    eval_every: int = 500  # steps between two validation losses
    valid_windows: int = 20_000  # validation loss on at most this many windows (a fixed sample)
    patience: int | None = None  # stop after this many validations without a new best
    seed: int = 0  # of the minibatch order and the dropout masks

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-config-checks>>[init]
    def __post_init__(self):
        steps, budget, lr, patience = self.steps, self.time_budget, self.lr, self.patience
        rules = [
            ((steps is None) == (budget is None), "give exactly one of steps and time_budget"),
            (steps is not None and steps < 1, f"steps must be at least 1, got {steps}"),
            (budget is not None and not 0 < budget < math.inf,
             f"the time budget must be a finite number of seconds > 0, got {budget}"),
            (not (lr > 0 and math.isfinite(lr)), f"the learning rate must be positive, got {lr}"),
            (not 0 <= self.momentum < 1, f"momentum must be in [0, 1), got {self.momentum}"),
            (not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1),
             f"Adam's betas must be in [0, 1), got {self.beta1} and {self.beta2}"),
            (not (self.eps > 0 and math.isfinite(self.eps)), f"eps must be > 0, got {self.eps}"),
            (not 0 <= self.weight_decay < math.inf,
             f"weight decay must be finite and >= 0, got {self.weight_decay}"),
            (min(self.batch_size, self.eval_every, self.valid_windows) < 1,
             "batch size, eval_every and valid_windows must be at least 1"),
            (self.optimiser not in OPTIMISERS, f"optimiser must be one of {tuple(OPTIMISERS)}"),
            (self.decay not in DECAYS, f"decay must be one of {DECAYS}, got {self.decay!r}"),
            (patience is not None and patience < 1, f"patience must be >= 1, got {patience}"),
        ]
        for broken, message in rules:
            if broken:
                raise UsageError(message)
    # ~/~ end
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-result>>[init]
@dataclass
class TrainResult:
    """A run as it goes and as it ended: each step's loss and learning rate, the validation
    losses, the best of them, and what stopped the run."""

    losses: list[float] = field(default_factory=list)  # the minibatch loss of each step
    rates: list[float] = field(default_factory=list)  # the learning rate of each step
    valid: list[tuple[int, float]] = field(default_factory=list)  # (step, validation loss)
    best_step: int = 0
    best_valid: float = math.inf
    stopped: str = ""  # steps | time | patience | diverged | interrupted
    fraction: float = 0.0  # of the run done: of its steps, or of its time budget
    seconds: float = 0.0  # of training, from the first step to the last

    @property
    def steps(self) -> int:
        return len(self.losses)

    @property
    def diverged_at(self) -> int | None:
        """The step whose loss was inf or nan (its update was not made), if one was."""
        return self.steps if self.stopped == "diverged" else None

    def recent_loss(self) -> float:
        """The mean minibatch loss of the last 100 steps (nan before the first)."""
        return float(np.mean(self.losses[-100:])) if self.losses else math.nan
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-callback>>[init]
class Callback:
    """What `train` calls during a run, each with the TrainResult so far; all do nothing here."""

    def on_eval(self, run: TrainResult) -> None:
        """After a validation: run.valid[-1] is (step, loss)."""

    def on_best(self, run: TrainResult) -> None:
        """After a validation that was the best so far; the model holds those parameters."""

    def on_step(self, run: TrainResult) -> None:
        """After each step (and its validation, if one was due)."""

    def on_end(self, run: TrainResult) -> None:
        """Once, when the run has stopped and the best parameters are back in the model."""
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-validation-sample>>[init]
def validation_sample(windows: Windows, config: TrainConfig) -> Windows:
    """At most config.valid_windows of the windows, the same ones for every validation."""
    if len(windows) <= config.valid_windows:
        return windows
    rng = np.random.default_rng([config.seed, 1])
    return windows.take(np.sort(rng.choice(len(windows), config.valid_windows, replace=False)))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-stop-reason>>[init]
def fraction_done(run: TrainResult, config: TrainConfig, seconds: float) -> float:
    """The part of the run done after run.steps steps and `seconds` of training: of its steps,
    or of its time budget; at most 1."""
    if config.steps is not None:
        return min(run.steps / config.steps, 1.0)
    return min(seconds / config.time_budget, 1.0)


def stop_reason(run: TrainResult, config: TrainConfig, start: float) -> str:
    """Why the run stops before its next step ("steps", "time", "patience"), or "" to go on;
    sets run.fraction."""
    run.fraction = fraction_done(run, config, time.monotonic() - start)
    waited = sum(step > run.best_step for step, _ in run.valid)  # validations since the best
    if config.patience is not None and waited >= config.patience:
        return "patience"
    if run.fraction < 1.0:
        return ""
    return "steps" if config.steps is not None else "time"
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-minibatches>>[init]
def minibatches(n: int, size: int, seed) -> Iterator[np.ndarray]:
    """Indices into n windows, `size` at a time, for ever: every window once per epoch, each
    epoch in a new random order (the first drawn from `seed`)."""
    rng = np.random.default_rng(seed)
    order = np.arange(n, dtype=np.int32 if n < 2**31 else np.int64)  # (n,)
    rng.shuffle(order)
    pos = 0
    while True:
        parts, need = [], size
        while need:
            if pos == n:  # the epoch is over: a new order
                rng.shuffle(order)
                pos = 0
            take = min(need, n - pos)
            parts.append(order[pos : pos + take].copy())  # a copy: the next shuffle is in place
            pos, need = pos + take, need - take
        yield parts[0] if len(parts) == 1 else np.concatenate(parts)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train>>[init]
def train(model: MLPLanguageModel, train_windows: Windows, valid_windows: Windows,
          config: TrainConfig, callbacks=(), schedule=None) -> TrainResult:
    """Minibatch training as config says, validated on a fixed sample of valid_windows; the
    parameters of the best validation loss are back in the model when it returns. The rate
    of a step is schedule(p), p the fraction of the run done: learning_rate(config, p) unless
    another function is given."""
    schedule = schedule or (lambda p: learning_rate(config, p))
    batches = minibatches(len(train_windows), config.batch_size, config.seed)
    dropout_rng = np.random.default_rng([config.seed, 2])  # the dropout masks
    valid = validation_sample(valid_windows, config)
    optimiser = OPTIMISERS[config.optimiser](model.named_parameters(), config)
    run, best = TrainResult(), model.parameter_values()

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-helpers>>[init]
    def notify(moment: str) -> None:
        for callback in callbacks:
            getattr(callback, moment)(run)

    def validate() -> None:
        loss = model.mean_loss(valid)
        run.valid.append((run.steps, loss))
        notify("on_eval")
        if loss < run.best_valid:  # inf and nan never are
            run.best_step, run.best_valid = run.steps, loss
            best[:] = model.parameter_values()
            notify("on_best")
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-loop>>[init]
    validate()  # step 0: the loss before any training
    start = time.monotonic()  # the clock starts after it
    try:
        while not (stopped := stop_reason(run, config, start)):
            X, Y = train_windows.batch(next(batches))
            with np.errstate(all="ignore"):  # an overflow shows as a non-finite loss, checked below
                loss = model.loss(X, Y, dropout_rng)
                optimiser.zero_grad()
                loss.backward()
            run.losses.append(float(loss.data))
            run.rates.append(schedule(run.fraction))
            if not math.isfinite(run.losses[-1]):
                stopped = "diverged"  # and no update: the parameters stay finite
                break
            with np.errstate(all="ignore"):
                optimiser.step(run.rates[-1])
            if run.steps % config.eval_every == 0:
                validate()
            run.seconds = time.monotonic() - start
            run.fraction = fraction_done(run, config, run.seconds)  # as of now, for the callbacks
            notify("on_step")
    except KeyboardInterrupt:
        stopped = "interrupted"
    run.stopped, run.seconds = stopped, time.monotonic() - start
    if stopped != "diverged" and run.valid[-1][0] != run.steps:
        validate()  # the last step, unless it was just validated
    model.set_parameter_values(best)  # the best parameters seen, back in the model
    notify("on_end")
    # ~/~ end
    return run
# ~/~ end


if __name__ == "__main__":
    sys.modules["neural_lm"] = sys.modules["__main__"]  # so cli's `import neural_lm` is this module
    import cli

    sys.exit(cli.main())
# ~/~ end
