# ~/~ begin <<docs/stage-03/building-the-model.md#code/stage-03/neural_lm.py>>[init]
"""A character-level neural language model in the style of Bengio et al. (2003).

Chapter 3.5, "Building the model": data, the model, training, sampling, checkpoints,
evaluation and the command line (`python code/stage-03/neural_lm.py --help`). It is built on
the data policies of corpora.py (Foundation A) and the array autograd of tensor.py (3.2-3.4).

Generated from docs/stage-03/building-the-model.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import runtime
from corpora import BOUNDARY, UNK, UNK_DISPLAY, CorpusError, Data, Vocabulary, load_data, windows
from tensor import Embedding, Linear, Tensor, cross_entropy, no_grad

ACTIVATIONS = ("tanh", "relu")
DECAYS = ("cosine", "step", "none")

# ---- errors -------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-errors>>[init]
class NeuralLMError(Exception):
    """A run cannot go on (bad data, bad checkpoint, divergence): the CLI exits with 1."""


class UsageError(NeuralLMError):
    """An option or argument has a value the model cannot use: the CLI exits with 2."""


class PromptError(UsageError):
    """The prompt holds characters the model has no symbol for."""


class DataError(NeuralLMError):
    """The corpus is readable but too small for the requested model."""


class CheckpointError(NeuralLMError):
    """A checkpoint is missing, corrupt, or does not match its own configuration."""


class TrainingDiverged(NeuralLMError):
    """The loss became NaN or infinite; the last good checkpoint is left as it was."""
# ~/~ end

# ---- data ---------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-training-windows>>[init]
def training_windows(data: Data, context: int) -> tuple[tuple, tuple]:
    """(X, Y) of the training and validation splits; a clear error if either is empty."""
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
    return windows(data.train, data.vocab, context), windows(data.valid, data.vocab, context)
# ~/~ end

# ---- the model ----------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-config>>[init]
@dataclass(frozen=True)
class ModelConfig:
    """The shape of the network: V symbols, K context characters, D-dim embeddings, hidden sizes."""

    vocab_size: int  # V
    context: int = 8  # K
    embedding: int = 24  # D
    hidden: tuple[int, ...] = (256, 256)  # H_1, ..., H_L
    activation: str = "relu"  # relu | tanh
    seed: int = 0  # of the initial weights

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))  # JSON gives lists
        for name, least in (("vocab_size", 2), ("context", 1), ("embedding", 1)):
            if getattr(self, name) < least:
                raise UsageError(f"{name} must be at least {least}, got {getattr(self, name)}")
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise UsageError(f"give at least one hidden layer, each of >= 1 unit; got {self.hidden}")
        if self.activation not in ACTIVATIONS:
            raise UsageError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}")
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-parameter-count>>[init]
def parameter_count(config: ModelConfig) -> int:
    """V·D + (K·D)·H_1 + H_1 + ... + H_L·V + V: the embedding table, then weights and biases."""
    V, K, D = config.vocab_size, config.context, config.embedding
    sizes = [K * D, *config.hidden, V]
    return V * D + sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
# ~/~ end


class MLPLanguageModel:
    """P(. | c_1..c_K) = softmax(h_L W_out + b_out); h_l = act(h_(l-1) W_l + b_l); h_0 = [C_c1..C_cK]."""

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-init>>[init]
    def __init__(self, config: ModelConfig):
        self.config = config
        rng = np.random.default_rng(config.seed)
        V, K, D = config.vocab_size, config.context, config.embedding
        self.embedding = Embedding(V, D, rng)
        sizes = [K * D, *config.hidden]
        self.hidden = [Linear(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.output = Linear(sizes[-1], V, rng, gain=0.1)  # small, nearly equal first logits
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-parameters>>[init]
    def named_parameters(self) -> list[tuple[str, Tensor]]:
        named = [("embedding.weight", self.embedding.parameters()[0])]
        layers = [(f"hidden{i}", layer) for i, layer in enumerate(self.hidden, start=1)]
        for prefix, layer in layers + [("output", self.output)]:
            weight, bias = layer.parameters()
            named += [(f"{prefix}.weight", weight), (f"{prefix}.bias", bias)]
        return named

    def parameters(self) -> list[Tensor]:
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        return sum(p.data.size for p in self.parameters())
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-forward>>[init]
    def forward(self, X: np.ndarray) -> Tensor:
        """Logits (B, V) for a batch of contexts X (B, K) of symbol ids."""
        B, K = X.shape
        h = self.embedding(X).reshape(B, K * self.config.embedding)  # (B, K*D)
        for layer in self.hidden:
            h = layer(h)  # (B, H_l)
            h = h.tanh() if self.config.activation == "tanh" else h.relu()
        return self.output(h)  # (B, V)

    def loss(self, X: np.ndarray, Y: np.ndarray) -> Tensor:
        """Mean cross-entropy in nats of the targets Y (B,) given the contexts X (B, K)."""
        return cross_entropy(self.forward(X), Y)
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-model-log-probs>>[init]
    def log_probs(self, X: np.ndarray) -> np.ndarray:
        """ln P(· | context) for every row of X: (B, V), float64, no graph kept."""
        with no_grad():
            logits = self.forward(X).data.astype(np.float64)
        return log_softmax(logits)

    def window_log_probs(self, X: np.ndarray, Y: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """ln P(Y_i | X_i) for every window, in order, computed batch by batch."""
        out = np.empty(len(Y), dtype=np.float64)
        for start in range(0, len(Y), batch_size):
            stop = min(start + batch_size, len(Y))
            out[start:stop] = self.log_probs(X[start:stop])[np.arange(stop - start), Y[start:stop]]
        return out

    def token_log_probs(self, sequences: list[str], vocab: Vocabulary) -> np.ndarray:
        """ln P of every predicted character of sequences, in the order of corpora.windows."""
        if vocab.size != self.config.vocab_size:
            raise UsageError(f"a vocabulary of {vocab.size} symbols for a model of {self.config.vocab_size}")
        return self.window_log_probs(*windows(sequences, vocab, self.config.context))
    # ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-log-softmax>>[init]
def log_softmax(logits: np.ndarray) -> np.ndarray:
    """z - log sum exp z along the last axis, shifted by the maximum so nothing overflows."""
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
# ~/~ end

# ---- training -----------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-sgd>>[init]
class SGD:
    """v <- mu v + g + lambda w;  w <- w - eta v   (lambda on matrices only, not on biases)."""

    def __init__(self, named_parameters, momentum: float = 0.0, weight_decay: float = 0.0):
        self.params = [p for _, p in named_parameters]
        self.decays = [weight_decay if p.data.ndim > 1 else 0.0 for p in self.params]
        self.momentum = momentum
        self.velocity = [np.zeros_like(p.data) for p in self.params]

    def zero_grad(self):
        for p in self.params:
            p.zero_grad()

    def step(self, lr: float):
        for p, v, decay in zip(self.params, self.velocity, self.decays):
            g = p.grad if decay == 0 else p.grad + decay * p.data
            if self.momentum:
                v *= self.momentum
                v += g
                g = v
            p.data -= lr * g
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-config>>[init]
@dataclass(frozen=True)
class TrainConfig:
    """Minibatch SGD with momentum, weight decay and a learning-rate schedule; a run length."""

    steps: int | None = 5000  # stop after this many updates ...
    time_budget: float | None = None  # ... or after this many seconds (exactly one of the two)
    batch_size: int = 256
    lr: float = 0.3
    momentum: float = 0.9
    weight_decay: float = 0.0
    decay: str = "cosine"  # cosine | step | none
    eval_every: int = 500  # steps between two validation losses
    valid_windows: int = 20_000  # validation loss on at most this many windows (a fixed sample)
    seed: int = 0  # of the minibatch order

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-config-checks>>[init]
    def __post_init__(self):
        if (self.steps is None) == (self.time_budget is None):
            raise UsageError("give exactly one of steps and time_budget")
        if self.steps is not None and self.steps < 1:
            raise UsageError(f"steps must be at least 1, got {self.steps}")
        if self.time_budget is not None and not self.time_budget > 0:
            raise UsageError(f"the time budget must be positive, got {self.time_budget}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise UsageError(f"the learning rate must be positive, got {self.lr}")
        if not 0 <= self.momentum < 1:
            raise UsageError(f"momentum must be in [0, 1), got {self.momentum}")
        if not self.weight_decay >= 0:
            raise UsageError(f"weight decay must be >= 0, got {self.weight_decay}")
        if min(self.batch_size, self.eval_every, self.valid_windows) < 1:
            raise UsageError("batch size, eval_every and valid_windows must be at least 1")
        if self.decay not in DECAYS:
            raise UsageError(f"decay must be one of {DECAYS}, got {self.decay!r}")
    # ~/~ end
# ~/~ end


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


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-progress>>[init]
class Progress:
    """One status line on stderr: step, losses, speed, time left; refreshed a few times a second."""

    def __init__(self, stream=None, interval: float | None = None):
        self.stream = sys.stderr if stream is None else stream
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.interval = interval if interval is not None else (0.25 if self.tty else 10.0)
        self.last, self.written = -math.inf, False

    def update(self, step, fraction, train_loss, valid_loss, examples_per_s, elapsed, force=False):
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else math.nan
        line = (f"step {step:>7,} | train {train_loss:6.4f} | valid {valid_loss:6.4f} | "
                f"{examples_per_s:9,.0f} ex/s | {format_seconds(left)} left")
        self.stream.write(("\r" + line + "  ") if self.tty else line + "\n")
        self.stream.flush()
        self.written = True

    def close(self):
        if self.tty and self.written:
            self.stream.write("\n")
            self.stream.flush()
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-format-seconds>>[init]
def format_seconds(seconds: float) -> str:
    """12:34 or 1:02:03; --:-- when unknown."""
    if not math.isfinite(seconds):
        return "--:--"
    seconds = max(int(round(seconds)), 0)
    hours, minutes, secs = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-result>>[init]
@dataclass
class TrainResult:
    """What happened in a run: the loss of every step, the validation losses, how it stopped."""

    losses: list[float] = field(default_factory=list)
    valid: list[tuple[int, float]] = field(default_factory=list)  # (step, validation loss)
    best_step: int = 0
    best_valid: float = math.inf
    stopped: str = ""  # "steps", "time" or "interrupted"
    seconds: float = 0.0

    @property
    def steps(self) -> int:
        return len(self.losses)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train>>[init]
def train(model: MLPLanguageModel, vocab: Vocabulary, train_xy, valid_xy, config: TrainConfig,
          out: str | Path | None = None, data_info: dict | None = None,
          progress: Progress | None = None) -> TrainResult:
    """Minibatch SGD on the windows train_xy; keeps the checkpoint with the best validation loss."""
    (X, Y), (Xv, Yv) = train_xy, valid_xy
    rng = np.random.default_rng(config.seed)
    if len(Yv) > config.valid_windows:  # a fixed sample, so validation losses are comparable
        keep = np.sort(np.random.default_rng([config.seed, 1]).choice(
            len(Yv), config.valid_windows, replace=False))
        Xv, Yv = Xv[keep], Yv[keep]
    optimiser = SGD(model.named_parameters(), config.momentum, config.weight_decay)
    result = TrainResult()

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-helpers>>[init]
    def validate(step):
        with np.errstate(all="ignore"):
            value = float(-model.window_log_probs(Xv, Yv).mean())
        if not math.isfinite(value):
            raise diverged(step, "validation loss", value)
        result.valid.append((step, value))
        if value < result.best_valid:
            result.best_step, result.best_valid = step, value
            if out is not None:
                save_checkpoint(out, model, vocab, step=step, train_config=config, data=data_info,
                                metrics={"valid_loss": value, "train_loss": recent_loss()})
        return value

    def recent_loss():
        return float(np.mean(result.losses[-100:])) if result.losses else math.nan

    def diverged(step, what, value):
        kept = (f"{out} still holds step {result.best_step} (validation loss {result.best_valid:.4f})"
                if out is not None else "nothing was saved")
        return TrainingDiverged(f"training diverged: the {what} became {value} at step {step} with "
                                f"learning rate {config.lr}; {kept}. Try a smaller --lr.")

    def fraction_done(step):
        if config.steps is not None:
            return step / config.steps
        return (time.monotonic() - start) / config.time_budget

    def report(force=False):
        if progress is not None and step > 0:
            elapsed = time.monotonic() - start
            progress.update(step, fraction_done(step), recent_loss(), valid_loss,
                            step * config.batch_size / elapsed, elapsed, force)
    # ~/~ end

    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-train-loop>>[init]
    valid_loss = validate(0)
    step, start = 0, time.monotonic()  # the clock starts after the first validation
    try:
        while (fraction := fraction_done(step)) < 1.0:
            idx = rng.integers(0, len(Y), size=config.batch_size)
            with np.errstate(all="ignore"):  # an overflow shows up as a non-finite loss, checked below
                loss = model.loss(X[idx], Y[idx])
                optimiser.zero_grad()
                loss.backward()
            if not math.isfinite(value := float(loss.data)):
                raise diverged(step + 1, "training loss", value)
            with np.errstate(all="ignore"):
                optimiser.step(learning_rate(config, fraction))
            step += 1
            result.losses.append(value)
            if step % config.eval_every == 0:
                valid_loss = validate(step)
            report()
        result.stopped = "steps" if config.steps is not None else "time"
    except KeyboardInterrupt:
        result.stopped = "interrupted"
    finally:
        report(force=True)
        if progress is not None:
            progress.close()
    if result.valid[-1][0] != step:
        validate(step)
    result.seconds = time.monotonic() - start
    # ~/~ end
    return result
# ~/~ end

# ---- sampling -----------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-check-prompt>>[init]
def check_prompt(prompt: str, vocab: Vocabulary) -> None:
    unknown = vocab.unknown_tokens(prompt)
    if unknown:
        raise PromptError(
            f"the prompt contains {len(unknown)} character(s) outside the model's vocabulary: "
            + ", ".join(repr(c) for c in unknown)
            + f" (its {vocab.size} symbols come from the training split)")
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-sample-next>>[init]
def sample_next(log_probs: np.ndarray, temperature: float, top_k: int | None,
                rng: np.random.Generator) -> int:
    """One id from softmax(log_probs / T) over the k most likely ids; T = 0 is the argmax."""
    if temperature == 0:
        return int(np.argmax(log_probs))
    z = log_probs / temperature
    if top_k is not None and top_k < len(z):
        kth = np.partition(z, -top_k)[-top_k]
        z = np.where(z >= kth, z, -np.inf)
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-generate>>[init]
def generate(model: MLPLanguageModel, vocab: Vocabulary, prompt: str = "", length: int = 200,
             temperature: float = 1.0, top_k: int | None = None, seed: int = 0,
             restart_at_boundary: bool = False) -> str:
    """`length` characters continuing prompt; the context starts as K boundary symbols."""
    check_prompt(prompt, vocab)
    if not (temperature >= 0 and math.isfinite(temperature)):
        raise UsageError(f"the temperature must be >= 0 (0 means greedy), got {temperature}")
    if top_k is not None and top_k < 1:
        raise UsageError(f"top-k must be at least 1, got {top_k}")
    if length < 0:
        raise UsageError(f"the length must be >= 0, got {length}")
    K, boundary = model.config.context, vocab.index[BOUNDARY]
    rng = np.random.default_rng(seed)
    context = ([boundary] * K + vocab.encode(prompt).tolist())[-K:]
    out = []
    for _ in range(length):
        i = sample_next(model.log_probs(np.array([context]))[0], temperature, top_k, rng)
        out.append(i)
        context = [boundary] * K if restart_at_boundary and i == boundary else context[1:] + [i]
    return vocab.decode(np.array(out, dtype=np.int64))
# ~/~ end

# ---- checkpoints --------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-checkpoint-save>>[init]
CHECKPOINT_FORMAT, CHECKPOINT_VERSION = "neural-lm-checkpoint", 1
META = "__meta__"  # the array holding the JSON metadata as UTF-8 bytes


def save_checkpoint(path: str | Path, model: MLPLanguageModel, vocab: Vocabulary, *, step: int = 0,
                    metrics: dict | None = None, train_config: TrainConfig | None = None,
                    data: dict | None = None) -> Path:
    """Write the parameters and a JSON description into one .npz file, atomically."""
    meta = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION,
            "model_config": dataclasses.asdict(model.config),
            "train_config": dataclasses.asdict(train_config) if train_config else None,
            "vocabulary": vocab.to_json(), "step": step, "metrics": metrics or {}, "data": data,
            "parameters": {name: list(p.data.shape) for name, p in model.named_parameters()}}
    arrays = {name: p.data for name, p in model.named_parameters()}
    arrays[META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-atomic-write>>[init]
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # ~/~ end
    return path
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-checkpoint-meta>>[init]
def model_from_meta(path: Path, meta: dict) -> tuple[MLPLanguageModel, Vocabulary]:
    """A freshly initialised model and the vocabulary that the metadata describe."""
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path}: its {META} array does not hold a JSON object")
    if meta.get("format") != CHECKPOINT_FORMAT or meta.get("version") != CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} has format {meta.get('format')!r} version "
                              f"{meta.get('version')!r}; this program reads "
                              f"{CHECKPOINT_FORMAT!r} version {CHECKPOINT_VERSION}")
    try:
        config = ModelConfig(**meta["model_config"])
        vocab = Vocabulary.from_json(meta["vocabulary"])
    except (KeyError, TypeError, ValueError, UsageError) as error:
        raise CheckpointError(f"{path} has an unusable configuration or vocabulary ({error})") from None
    if vocab.size != config.vocab_size:
        raise CheckpointError(f"{path}: the vocabulary has {vocab.size} symbols, the "
                              f"configuration says vocab_size={config.vocab_size}")
    return MLPLanguageModel(config), vocab
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-checkpoint-load>>[init]
@dataclass
class Checkpoint:
    model: MLPLanguageModel
    vocab: Vocabulary
    meta: dict


def load_checkpoint(path: str | Path) -> Checkpoint:
    """Read a checkpoint written by save_checkpoint; one CheckpointError says what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path} (train one: neural_lm.py train --out {path})")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        meta = json.loads(arrays.pop(META).tobytes().decode("utf-8"))
    except KeyError:
        raise CheckpointError(f"{path} is an .npz file but not a checkpoint (no {META})") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointError(f"{path} is truncated or corrupt ({error})") from None
    model, vocab = model_from_meta(path, meta)
    # ~/~ begin <<docs/stage-03/building-the-model.md#nlm-checkpoint-match>>[init]
    expected = dict(model.named_parameters())
    problems = [f"{name} is missing" for name in expected if name not in arrays]
    problems += [f"{name} is not part of this model" for name in arrays if name not in expected]
    problems += [f"{name} has shape {arrays[name].shape}, the configuration needs {p.data.shape}"
                 for name, p in expected.items()
                 if name in arrays and arrays[name].shape != p.data.shape]
    if problems:
        raise CheckpointError(f"{path} does not match its configuration {model.config}: "
                              + "; ".join(problems))
    for name, p in expected.items():
        p.data[...] = arrays[name]
    # ~/~ end
    return Checkpoint(model, vocab, meta)
# ~/~ end

# ---- evaluation ---------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-evaluate>>[init]
def evaluate(model: MLPLanguageModel, vocab: Vocabulary, sequences: list[str]) -> dict:
    """Mean negative log-likelihood of every character of sequences: nats, bits, perplexity."""
    log_probs = model.token_log_probs(sequences, vocab)
    if len(log_probs) == 0:
        raise DataError("there is nothing to evaluate: the split holds no characters")
    nats = float(-log_probs.mean())
    return {"loss_nats": nats, "bpc": nats / math.log(2), "perplexity": math.exp(nats),
            "characters": int(len(log_probs))}
# ~/~ end

# ---- command line -------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-cli-parser>>[init]
class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-cli-data>>[init]
def add_data_arguments(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--data", required=required, default=None, metavar="SOURCE",
                   help="a bundled corpus (names, shakespeare) or the path of a UTF-8 text file")
    p.add_argument("--lines", action=argparse.BooleanOptionalAction, default=None,
                   help="one item per line (default: yes for names, no for the others)")
    p.add_argument("--split-seed", type=int, default=None, metavar="SEED",
                   help="seed of the train/valid/test split (train: 0; evaluate: the checkpoint's)")
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-cli-train-arguments>>[init]
def add_train_arguments(p: argparse.ArgumentParser) -> None:
    add_data_arguments(p, required=True)
    m, d = p.add_argument_group("model"), ModelConfig(vocab_size=2)
    m.add_argument("--context", type=int, default=d.context, help="K (%(default)s)")
    m.add_argument("--embedding", type=int, default=d.embedding, help="D (%(default)s)")
    m.add_argument("--hidden", type=int, nargs="+", default=list(d.hidden), metavar="H",
                   help="hidden layer sizes (%(default)s)")
    m.add_argument("--activation", choices=ACTIVATIONS, default=d.activation, help="(%(default)s)")
    o, t = p.add_argument_group("optimiser"), TrainConfig()
    o.add_argument("--lr", type=float, default=t.lr, help="learning rate (%(default)s)")
    o.add_argument("--momentum", type=float, default=t.momentum, help="mu (%(default)s)")
    o.add_argument("--weight-decay", type=float, default=t.weight_decay,
                   help="lambda, pulls weights to 0 (%(default)s)")
    o.add_argument("--batch-size", type=int, default=t.batch_size, help="B (%(default)s)")
    o.add_argument("--decay", choices=DECAYS, default=t.decay,
                   help="learning-rate schedule: cosine to 0, step (/10 after 75%%) or none")
    r = p.add_argument_group("run").add_mutually_exclusive_group()
    r.add_argument("--steps", type=int, default=None, help=f"updates to make ({t.steps})")
    r.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                   help="train for this many seconds instead")
    p.add_argument("--eval-every", type=int, default=t.eval_every, metavar="STEPS",
                   help="steps between two validations (%(default)s)")
    p.add_argument("--seed", type=int, default=0, help="of the initial weights and the batches")
    p.add_argument("--out", default=None, metavar="PATH",
                   help="checkpoint to write (default runs/<data>.ckpt.npz)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-cli-train>>[init]
def run_train(args) -> int:
    steps = TrainConfig.steps if args.steps is None and args.time_budget is None else args.steps
    config = TrainConfig(steps=steps, time_budget=args.time_budget, batch_size=args.batch_size,
                         lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay,
                         decay=args.decay, eval_every=args.eval_every, seed=args.seed)
    model_config = ModelConfig(2, args.context, args.embedding, tuple(args.hidden),
                               args.activation, args.seed)  # checked now; V is set below
    if args.out and Path(args.out).is_dir():
        example = Path(args.out) / "model.ckpt.npz"
        raise UsageError(f"--out {args.out} is a folder; give a file path, e.g. {example}")
    data = load_data(args.data, args.lines, args.split_seed or 0)
    model_config = dataclasses.replace(model_config, vocab_size=data.vocab.size)
    train_xy, valid_xy = training_windows(data, model_config.context)
    out = Path(args.out) if args.out else Path("runs") / f"{Path(data.source).stem}.ckpt.npz"
    model = MLPLanguageModel(model_config)
    say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
    say(f"data: {data.source} ({'one item per line' if data.lines else 'continuous'}), "
        f"{len(train_xy[1]):,} training / {len(valid_xy[1]):,} validation characters, "
        f"V = {data.vocab.size}\nmodel: {model_config}, {model.num_parameters():,} parameters\n"
        f"training: {config}")
    result = train(model, data.vocab, train_xy, valid_xy, config, out=out,
                   data_info=data.info(), progress=None if args.quiet else Progress())
    print(f"{result.stopped}: {result.steps:,} steps in {result.seconds:.1f} s; best validation "
          f"loss {result.best_valid:.4f} nats ({result.best_valid / math.log(2):.4f} bits/char) "
          f"at step {result.best_step:,}, saved in {out}")
    return 130 if result.stopped == "interrupted" else 0
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-cli-generate>>[init]
def add_generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpoint", required=True, help="a checkpoint written by train")
    p.add_argument("--prompt", default="", help="text to continue (default: a fresh start)")
    p.add_argument("--length", type=int, default=300, help="characters to add (%(default)s)")
    p.add_argument("--temperature", type=float, default=1.0, help="0 = greedy (%(default)s)")
    p.add_argument("--top-k", type=int, default=None, help="draw among the k most likely only")
    p.add_argument("--seed", type=int, default=0, help="of the sampler (%(default)s)")


def run_generate(args) -> int:
    ckpt = load_checkpoint(args.checkpoint)
    lines = bool((ckpt.meta.get("data") or {}).get("lines", False))
    text = generate(ckpt.model, ckpt.vocab, args.prompt, args.length, args.temperature,
                    args.top_k, args.seed, restart_at_boundary=lines)
    print((args.prompt + text).replace(UNK, UNK_DISPLAY))  # the unknown symbol, made visible
    return 0
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-cli-evaluate>>[init]
def add_evaluate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpoint", required=True, help="a checkpoint written by train")
    add_data_arguments(p, required=False)
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run_evaluate(args) -> int:
    ckpt = load_checkpoint(args.checkpoint)
    trained = ckpt.meta.get("data") or {}
    source = args.data or trained.get("source")
    if source is None:
        raise UsageError("the checkpoint does not say which data it was trained on: give --data")
    same = source == trained.get("source")
    lines = args.lines if args.lines is not None else (trained.get("lines") if same else None)
    seed = args.split_seed if args.split_seed is not None else trained.get("split_seed", 0)
    data = load_data(source, lines, seed, vocab=ckpt.vocab)
    s = evaluate(ckpt.model, ckpt.vocab, data.test)
    result = {"test_loss_nats": s["loss_nats"], "test_bpc": s["bpc"],
              "test_perplexity": s["perplexity"], "test_characters": s["characters"],
              "data": source, "lines": data.lines, "split_seed": seed,
              "step": ckpt.meta.get("step")}
    print(json.dumps(result) if args.json else
          f"test split of {source} ({s['characters']:,} characters): {s['loss_nats']:.4f} nats, "
          f"{s['bpc']:.4f} bits/char, perplexity {s['perplexity']:.3f}")
    return 0
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-commands>>[init]
@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: object  # (argparse.ArgumentParser) -> None
    run: object  # (argparse.Namespace) -> exit status


COMMANDS: dict[str, Command] = {
    "train": Command("train a model on a corpus, keeping its best checkpoint",
                     add_train_arguments, run_train),
    "generate": Command("sample text from a checkpoint", add_generate_arguments, run_generate),
    "evaluate": Command("loss, bits per character and perplexity on the test split",
                        add_evaluate_arguments, run_evaluate),
    # "compare": chapter 3.7 (Evaluation and comparison) registers its command; see below.
}
# ~/~ end

# ---- comparison (chapter 3.7): its block goes on this line and sets COMMANDS["compare"] ----
# ~/~ begin <<docs/stage-03/evaluation.md#compare-register>>[init]
def _compare_arguments(parser):
    import compare
    compare.add_arguments(parser)


def _compare_run(args):
    import compare
    return compare.run(args)


COMMANDS["compare"] = Command("train the network and the n-gram baselines on one split and "
                              "compare them on the test text (chapter 3.7)",
                              _compare_arguments, _compare_run)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-main>>[init]
def build_parser() -> Parser:
    parser = Parser(prog="neural_lm.py", description="A character-level neural language model "
                    "(Bengio et al., 2003) on our own autograd.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        sub = commands.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; an error becomes one line on stderr and an exit status, no traceback."""
    args = build_parser().parse_args(argv)
    runtime.configure()  # an entry point: one BLAS thread, a malloc that keeps freed memory
    where = f"neural_lm.py {args.command}: error:"
    try:
        return args.run(args)
    except UsageError as error:
        print(f"{where} {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # whoever read our output has gone (`generate ... | head`): fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (NeuralLMError, CorpusError, OSError) as error:
        print(f"{where} {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"neural_lm.py {args.command}: interrupted", file=sys.stderr)
        return 130
# ~/~ end


if __name__ == "__main__":
    sys.exit(main())
# ~/~ end
