# ~/~ begin <<docs/stage-03/building-the-model.md#code/stage-03/neural_lm.py>>[init]
"""A character-level neural language model in the style of Bengio et al. (2003).

Chapter 3.5, "Building the model", in its order: the windows a model learns from, the model
(which answers the model contract of lm.py) and its loss, and one training loop that keeps
the best parameters and takes callbacks. Sampling and evaluation are Foundation A's
(lm.sample, lm.evaluate); the optimisers are optim.py's; checking a user's settings, the
checkpoint format and the command line are the appendix's (options.py, checkpoint.py, cli.py).

Generated from docs/stage-03/building-the-model.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from corpora import Data, Vocabulary, Windows, pad_history
from optim import OPTIMISERS
from tensor import Embedding, Linear, Tensor, cross_entropy, no_grad

# ---- data ------------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-training-windows>>[init]
def training_windows(data: Data, context: int) -> tuple[Windows, Windows]:
    """The windows of the training and validation splits, `context` tokens of context each."""
    return (Windows.of(data.train, data.vocab, context),
            Windows.of(data.valid, data.vocab, context))
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
    activation: str = "relu"  # a key of ACTIVATIONS: relu | tanh
    dropout: float = 0.0  # p of inverted dropout after each hidden layer in training (3.6)
    embedding_scale: float = 1.0  # the table C starts N(0, scale²)
    output_bias: str = "zero"  # zero | unigram: b_out starts at 0, or at ln of the frequencies
    seed: int = 0  # of the initial weights
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-unigram>>[init]
def target_counts(windows: Windows, V: int) -> np.ndarray:
    """How often each token id is the one to predict in these windows: (V,) integers."""
    return sum(np.bincount(windows.next_ids(rows), minlength=V) for rows in windows.blocks())


def unigram_log_probs(counts: np.ndarray) -> np.ndarray:
    """ln (c_v + 1) / (N + V): the add-one unigram distribution of the counts, (V,)."""
    return np.log((counts + 1.0) / (counts.sum() + len(counts)))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-layer-shapes>>[init]
def layer_shapes(config: ModelConfig) -> list[tuple[int, int]]:
    """(n_in, n_out) of each linear layer, in order: K·D -> H_1 -> ... -> H_L -> V."""
    sizes = [config.context * config.embedding, *config.hidden, config.vocab_size]
    return list(zip(sizes[:-1], sizes[1:], strict=True))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-parameter-count>>[init]
def parameter_count(config: ModelConfig) -> int:
    """V·D + (K·D)·H_1 + H_1 + ... + H_L·V + V: the embedding table, then weights and biases."""
    table = config.vocab_size * config.embedding
    return table + sum(n_in * n_out + n_out for n_in, n_out in layer_shapes(config))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-activations>>[init]
ACTIVATIONS = {"relu": Tensor.relu, "tanh": Tensor.tanh}  # phi, by the name in ModelConfig
# ~/~ end


class MLPLanguageModel:
    """P(. | c_1..c_K) = softmax(h_L W_out + b_out), h_l = phi(h_(l-1) W_l + b_l),
    h_0 = [C_c1 ... C_cK]: embed, concatenate, hidden layers, logits."""

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-init>>[init]
    def __init__(self, config: ModelConfig, vocab: Vocabulary | None = None,
                 counts: np.ndarray | None = None):
        assert vocab is None or vocab.size == config.vocab_size, "the vocabulary must fit the model"
        self.config, self.vocab = config, vocab
        rng = np.random.default_rng(config.seed)
        self.embedding = Embedding(config.vocab_size, config.embedding, rng)
        self.embedding.weight.data *= config.embedding_scale  # N(0, 1) -> N(0, scale²)
        *hidden, (n_last, V) = layer_shapes(config)
        self.hidden = [Linear(n_in, n_out, rng) for n_in, n_out in hidden]
        self.output = Linear(n_last, V, rng, gain=0.1)  # small, nearly equal first logits
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
    def forward(self, X: np.ndarray, rng: np.random.Generator | None = None) -> Tensor:
        """Logits (B, V) for contexts X (B, K); given an rng (training), inverted dropout after
        every hidden activation if config.dropout > 0."""
        B, K = X.shape
        h = self.embedding(X).reshape(B, K * self.config.embedding)  # (B, K*D)
        phi = ACTIVATIONS[self.config.activation]
        for layer in self.hidden:
            h = phi(layer(h))  # (B, H_l)
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
        assert self.vocab is not None, "a model without a vocabulary cannot read text"
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
def evaluation_batch(config: ModelConfig) -> int:
    """Windows per evaluation batch: at most 4096, and at most 2^22 numbers in its widest
    array (V log-probabilities, K·D or H_l activations per window)."""
    widest = max(config.vocab_size, config.context * config.embedding, *config.hidden)
    return max(1, min(4096, 2**22 // widest))
# ~/~ end

# ---- training --------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-config>>[init]
@dataclass(frozen=True)
class TrainConfig:
    """Minibatch training: its length, the optimiser and its settings, the schedule."""

    steps: int = 5000  # updates to make
    batch_size: int = 128  # B, windows per step
    lr: float = 0.1  # eta_0
    momentum: float = 0.9  # mu of SGD
    weight_decay: float = 0.0  # lambda, on the matrices
    optimiser: str = "sgd"  # a key of optim.OPTIMISERS: sgd | adam
    beta1: float = 0.9  # Adam's running mean of g ...
    beta2: float = 0.999  # ... and of g²
    eps: float = 1e-8  # Adam's epsilon: the smallest sqrt(v^) it divides by
    decay: str = "cosine"  # of the learning rate: cosine | step | none
    eval_every: int = 500  # steps between two validation losses
    valid_windows: int = 20_000  # validation loss on at most this many windows (a fixed sample)
    seed: int = 0  # of the minibatch order and the dropout masks
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-learning-rate>>[init]
def learning_rate(config: TrainConfig, progress: float) -> float:
    """eta(p), p in [0, 1] the fraction of the run done: cosine from lr to 0, lr then lr/10
    after 75 %, or constant lr."""
    p = min(max(progress, 0.0), 1.0)
    if config.decay == "cosine":
        return config.lr * 0.5 * (1.0 + math.cos(math.pi * p))
    if config.decay == "step":
        return config.lr if p < 0.75 else config.lr * 0.1
    return config.lr
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-result>>[init]
@dataclass
class TrainResult:
    """A run as it goes and as it ended: the minibatch loss of each step, the validation
    losses, the best of them, and why the run stopped."""

    losses: list[float] = field(default_factory=list)  # the minibatch loss of each step
    valid: list[tuple[int, float]] = field(default_factory=list)  # (step, validation loss)
    best_step: int = 0
    best_valid: float = math.inf
    stopped: str = ""  # "steps" (all made), "diverged", or "asked" (by a callback)

    @property
    def steps(self) -> int:
        return len(self.losses)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-validation-sample>>[init]
def validation_sample(windows: Windows, config: TrainConfig) -> Windows:
    """At most config.valid_windows of the windows, the same ones for every validation."""
    if len(windows) <= config.valid_windows:
        return windows
    rng = np.random.default_rng([config.seed, 1])
    return windows.take(np.sort(rng.choice(len(windows), config.valid_windows, replace=False)))
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
          config: TrainConfig, callbacks=(), progress=None) -> TrainResult:
    """Minibatch training as config says, validated every eval_every steps on a fixed sample
    of valid_windows; returns with the parameters of the best validation loss in the model.
    progress(run) is the fraction of the run done (run.steps / config.steps unless given):
    it sets the learning rate and ends the run at 1. Each callback(run) is called after the
    first validation and after every step; one that returns True stops the run."""
    progress = progress or (lambda run: run.steps / config.steps)
    batches = minibatches(len(train_windows), config.batch_size, config.seed)
    dropout_rng = np.random.default_rng([config.seed, 2])  # the dropout masks
    valid = validation_sample(valid_windows, config)
    optimiser = OPTIMISERS[config.optimiser](model.named_parameters(), config)
    run, best = TrainResult(), model.parameter_values()

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-helpers>>[init]
    def validate() -> None:
        nonlocal best
        run.valid.append((run.steps, model.mean_loss(valid)))
        if run.valid[-1][1] < run.best_valid:  # inf and nan never are
            run.best_step, run.best_valid = run.valid[-1]
            best = model.parameter_values()

    def asked_to_stop() -> bool:
        return any([callback(run) for callback in callbacks])  # a list: every callback is called
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-loop>>[init]
    validate()  # step 0: the loss before any training
    stop = asked_to_stop()
    while not stop and (p := progress(run)) < 1:
        X, Y = train_windows.batch(next(batches))  # (B, K), (B,)
        with np.errstate(all="ignore"):  # an overflow shows as a non-finite loss, checked below
            loss = model.loss(X, Y, dropout_rng)
            optimiser.zero_grad()
            loss.backward()
        run.losses.append(float(loss.data))
        if not math.isfinite(run.losses[-1]):
            run.stopped = "diverged"  # and no update: the parameters stay finite
            break
        with np.errstate(all="ignore"):
            optimiser.step(learning_rate(config, p))
        if run.steps % config.eval_every == 0:
            validate()
        stop = asked_to_stop()
    run.stopped = run.stopped or ("asked" if stop else "steps")
    if run.stopped != "diverged" and run.valid[-1][0] != run.steps:
        validate()  # the last step, unless it was just validated
    model.set_parameter_values(best)  # the best parameters seen, back in the model
    # ~/~ end
    return run
# ~/~ end


if __name__ == "__main__":  # the command line is cli.py's: this file is the model alone
    sys.exit("neural_lm.py is the model of chapter 3.5; the command line is "
             "`python code/stage-03/cli.py --help`")
# ~/~ end
