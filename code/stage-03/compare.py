# ~/~ begin <<docs/stage-03/evaluation.md#code/stage-03/compare.py>>[init]
"""Compare the neural language model with the counting baselines on one split (chapter 3.7).

Tunes add-k and Kneser-Ney n-gram models on validation, trains the network of chapter 3.5
within a time budget, mixes the two, and scores everything once on the test text: bits per
character, perplexity, size, training time, block-bootstrap intervals of the differences, the
same split by seen and unseen contexts, samples, and a map of the learned embeddings.
Run as `neural-lm compare ...` (the command line, cli.py, declares its
options and checks them).

Generated from docs/stage-03/evaluation.md by entangled: edit the chapter (or edit this file
and run `make stitch`).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import corpora
import corpus_stats
import lm
import neural_lm
import ngram
from corpora import Data
from defaults import network_defaults
from options import NeuralLMError, UsageError, check_splits, json_text

# ---- the protocol: one split, one vocabulary -------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-prepare>>[init]
class CompareError(UsageError):
    """A comparison that cannot run as asked (the message says how to fix the request)."""


def say(message: str) -> None:
    """Progress goes to stderr, so that stdout holds only the table (or the JSON)."""
    print(f"[compare] {message}", file=sys.stderr, flush=True)
# ~/~ end


# ---- the counting baselines ------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-ngrams>>[init]
@dataclass
class Fitted:
    """A model chosen on validation, with what the report needs about it."""
    model: lm.LanguageModel   # any model of the contract
    settings: dict            # the chosen hyperparameters
    parameters: int           # stored counts, or the network's weights
    seconds: float            # wall time to fit (for n-grams: counting and tuning)
    curve: list = dataclasses.field(default_factory=list)  # the network's learning curve


def fit_ngram(kind: str, data: Data, counts: ngram.NgramCounts, orders,
              count_seconds: float) -> tuple[Fitted, list]:
    """Tune one kind of n-gram model ("add-k" or "kneser-ney") on validation."""
    start = time.perf_counter()
    model, table = ngram.tune(kind, data.train, data.valid, data.vocab, orders=orders,
                              counts=counts)
    seconds = count_seconds + time.perf_counter() - start
    settings = {"order": int(model.order)}
    if kind == "add-k":
        settings["k"] = float(model.k)
    else:
        settings["discount"] = ("estimated (modified Kneser–Ney)" if model.discount is None
                                else float(model.discount))
    stored = sum(len(counts.raw[m][0]) for m in range(1, model.order + 1))  # distinct m-grams
    return Fitted(model, settings, stored, seconds), table


def ngram_orders(orders, V: int) -> list[int]:
    """The orders whose n-gram codes fit in 64 bits for V tokens; says which it leaves out."""
    limit = ngram.highest_order(V)
    kept = [order for order in orders if order <= limit]
    if len(kept) < len(orders):
        say(f"orders above {limit} left out: {V:,} tokens to the power {limit + 1} "
                 "do not fit in a 64-bit n-gram code")
    return kept
# ~/~ end


# ---- the neural model ------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-neural-train>>[init]
NEURAL_SETTINGS = ("context", "embedding", "hidden", "activation", "dropout", "embedding_scale",
                   "output_bias")
TRAIN_SETTINGS = ("optimiser", "lr", "eps", "batch_size", "weight_decay", "decay")


def train_neural(data: Data, shape: neural_lm.ModelConfig, settings: neural_lm.TrainConfig,
                 seed: int, callbacks=(), progress=None, curve_points: int = 0,
                 freeze_table: bool = False) -> Fitted:
    """Train the network of chapter 3.5 as `settings` say (with the loop's `progress` and
    callbacks, if given); it returns with the parameters of its best validation loss (and its
    learning curve at about curve_points steps, if > 0). With freeze_table, its embedding
    table stays as it was drawn (the ablation below)."""
    config = dataclasses.replace(shape, vocab_size=data.vocab.size, seed=seed)
    settings = dataclasses.replace(settings, seed=seed)
    train_windows, valid_windows = neural_lm.training_windows(data, config.context)
    network = FrozenTableNetwork if freeze_table else neural_lm.MLPLanguageModel
    model = network(config, data.vocab, neural_lm.target_counts(train_windows, data.vocab.size))
    recorders = [] if not curve_points else [CurveRecorder(
        model, data, curve_steps(settings.steps, curve_points), settings.batch_size)]
    start = time.perf_counter()
    result = neural_lm.train(model, train_windows, valid_windows, settings,
                             [*callbacks, *recorders], progress)
    seconds = time.perf_counter() - start
    if result.stopped == "diverged":
        raise NeuralLMError(f"the network's training diverged at step {result.steps} with "
                            f"learning rate {settings.lr}; try a smaller --lr")
    chosen = {k: jsonable(getattr(config, k)) for k in NEURAL_SETTINGS}
    chosen.update({k: jsonable(getattr(settings, k)) for k in TRAIN_SETTINGS})
    chosen.update(steps=result.steps, best_step=result.best_step)
    curve = recorders[0].points if recorders else []
    return Fitted(model, chosen, model.num_parameters(), seconds, curve)
# ~/~ end


# ~/~ begin <<docs/stage-03/evaluation.md#compare-page>>[init]
PAGE = {  # unit: (changes to the default network, to its optimiser and run) for this page
    "chars": ({}, {"steps": 3000}),
    "words": ({}, {"steps": 1000}),
}


def page_settings(unit: str) -> tuple[neural_lm.ModelConfig, neural_lm.TrainConfig]:
    """The network and optimiser this page trains for a unit ("chars" or "words")."""
    (shape, train), (model_changes, train_changes) = network_defaults(unit), PAGE[unit]
    return (dataclasses.replace(shape, **model_changes),
            dataclasses.replace(train, **train_changes))
# ~/~ end


# ---- the mixture -----------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-mixture>>[init]
def mix_log_probs(lp_nn: np.ndarray, lp_kn: np.ndarray, weight: float) -> np.ndarray:
    """log(weight * p_nn + (1 - weight) * p_kn), position by position."""
    if weight == 1.0:
        return np.array(lp_nn, dtype=np.float64)
    if weight == 0.0:
        return np.array(lp_kn, dtype=np.float64)
    return np.logaddexp(math.log(weight) + lp_nn, math.log1p(-weight) + lp_kn)
# ~/~ end


# ~/~ begin <<docs/stage-03/evaluation.md#compare-mixture-model>>[init]
class Mixture:
    """P = w P_a + (1 - w) P_b, token by token: a model of the contract made of two others."""

    def __init__(self, a, b, weight: float):
        if a.vocab != b.vocab:
            raise CompareError("a mixture needs two models of the same vocabulary")
        self.a, self.b, self.weight, self.vocab = a, b, weight, a.vocab

    def mix(self, lp_a: np.ndarray, lp_b: np.ndarray) -> np.ndarray:
        """The mixture's ln P from its components' ln P, position by position."""
        return mix_log_probs(lp_a, lp_b, self.weight)

    def token_log_probs(self, sequences: list[str]) -> np.ndarray:
        return self.mix(self.a.token_log_probs(sequences), self.b.token_log_probs(sequences))

    def next_log_probs(self, history: np.ndarray) -> np.ndarray:
        return self.mix(self.a.next_log_probs(history), self.b.next_log_probs(history))
# ~/~ end


# ~/~ begin <<docs/stage-03/evaluation.md#compare-tune-weight>>[init]
def mixture_slope(lp_nn: np.ndarray, lp_kn: np.ndarray, weight: float) -> float:
    """dL/dλ of the mean log-likelihood of the mixture at λ = weight."""
    m = mix_log_probs(lp_nn, lp_kn, weight)
    return float(np.mean(np.exp(lp_nn - m) - np.exp(lp_kn - m)))


def tune_weight(lp_nn: np.ndarray, lp_kn: np.ndarray, tol: float = 1e-7) -> float:
    """The λ in [0, 1] that maximises the mean log-likelihood of the mixture (bisection)."""
    if mixture_slope(lp_nn, lp_kn, 0.0) <= 0:
        return 0.0
    if mixture_slope(lp_nn, lp_kn, 1.0) >= 0:
        return 1.0
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if mixture_slope(lp_nn, lp_kn, mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)
# ~/~ end


# ---- block bootstrap -------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-bootstrap>>[init]
@dataclass
class Interval:
    """A mean with its bootstrap interval."""
    mean: float
    lo: float
    hi: float

    def excludes_zero(self) -> bool:
        return self.lo > 0 or self.hi < 0

    def to_json(self) -> dict:
        return {"mean": self.mean, "ci95": [self.lo, self.hi]}


def contrast_bootstrap(values: np.ndarray, mask: np.ndarray, block: int = 1000,
                       resamples: int = 2000, seed: int = 0, level: float = 0.95) -> Interval:
    """mean(values[~mask]) - mean(values[mask]) (e.g. unseen minus seen), with a percentile
    interval from the same block resamples for both parts."""
    values, mask = np.asarray(values, dtype=np.float64), np.asarray(mask, dtype=bool)
    if mask.all() or not mask.any():
        raise CompareError("a contrast needs positions on both sides of the mask")
    inside, inside_means = resampled_means(values, mask, block, resamples, seed)
    outside, outside_means = resampled_means(values, ~mask, block, resamples, seed)
    contrasts = outside_means - inside_means
    return percentile_interval(outside - inside, contrasts[np.isfinite(contrasts)], level)


def bits_difference(lp_a: np.ndarray, lp_b: np.ndarray) -> np.ndarray:
    """bits_A - bits_B at each position (negative where A gives the higher probability)."""
    return lm.nats_to_bits(np.asarray(lp_b, dtype=np.float64) - np.asarray(lp_a, dtype=np.float64))


def block_bootstrap(values: np.ndarray, mask: np.ndarray | None = None, block: int = 1000,
                    resamples: int = 2000, seed: int = 0, level: float = 0.95) -> Interval:
    """Mean of values[mask] with a percentile interval from resampling contiguous blocks."""
    values = np.asarray(values, dtype=np.float64)
    mask = np.ones(len(values), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if not mask.any():
        raise CompareError("no positions to average over (the mask selects none)")
    mean, means = resampled_means(values, mask, block, resamples, seed)
    return percentile_interval(mean, means[np.isfinite(means)], level)


def resampled_means(values: np.ndarray, mask: np.ndarray, block: int, resamples: int,
                    seed: int) -> tuple[float, np.ndarray]:
    """The mean of values[mask], and its mean in each of `resamples` block resamples (R,):
    the same blocks for every mask of the same length and seed; nan where none was drawn."""
    block = max(1, min(block, len(values) // 20))  # at least 20 blocks, even on a short test text
    starts = np.arange(0, len(values), block)
    sums = np.add.reduceat(np.where(mask, values, 0.0), starts)       # (blocks,)
    counts = np.add.reduceat(mask.astype(np.int64), starts)           # (blocks,)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(starts), size=(resamples, len(starts)))  # (R, blocks)
    total, count = sums[pick].sum(axis=1), counts[pick].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(sums.sum() / counts.sum()), total / count


def percentile_interval(mean: float, means: np.ndarray, level: float) -> Interval:
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return Interval(mean, float(lo), float(hi))
# ~/~ end


# ---- seen and unseen contexts ----------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-seen>>[init]
def seen_split(data: Data, context_length: int) -> np.ndarray:
    """For each test position: was its context of context_length tokens seen in training?"""
    train = corpus_stats.encode_all(data.train, data.vocab)
    test = corpus_stats.encode_all(data.test, data.vocab)
    return corpus_stats.seen_context_mask(train, test, context_length, data.vocab.size)
# ~/~ end


# ~/~ begin <<docs/stage-03/evaluation.md#compare-ablation>>[init]
class FrozenTableNetwork(neural_lm.MLPLanguageModel):
    """The network of chapter 3.5 whose embedding table is not among its parameters: the
    optimiser never moves it, and it stays as it was drawn."""

    def named_parameters(self) -> list:
        return [(name, p) for name, p in super().named_parameters() if name != "embedding.weight"]


def embedding_ablation(data: Data, extras: dict, seeds: list[int]) -> dict:
    """For each seed of a comparison (extras from `compare`), the network trained again with a
    frozen table, against the same seed's network with a learned one: frozen minus learned in
    bits per token (the gain of learning the vectors; > 0: learning helps) on all test
    positions, on seen and on unseen contexts, and unseen minus seen, each with its interval."""
    seen, runs = extras["seen"], []
    for seed in seeds:
        say(f"ablation: the network with a frozen embedding table, seed {seed}")
        frozen = train_neural(data, extras["shape"], extras["settings"], seed,
                              freeze_table=True).model.token_log_probs(data.test)
        gain = bits_difference(frozen, extras["network_test"][seed])
        runs.append({"seed": seed, "frozen_test_bits_per_token": bits_per_token(frozen),
                     "frozen_vs_kneser_ney": block_bootstrap(
                         bits_difference(frozen, extras["kneser_ney_test"]), seed=seed).to_json(),
                     "gain": {"all": block_bootstrap(gain, seed=seed).to_json(),
                              "seen": block_bootstrap(gain, seen, seed=seed).to_json(),
                              "unseen": block_bootstrap(gain, ~seen, seed=seed).to_json(),
                              "unseen_minus_seen": contrast_bootstrap(gain, seen,
                                                                      seed=seed).to_json()}})
    return {"runs": runs, "unit": data.unit}
# ~/~ end


# ---- seeds and learning curves --------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-seeds>>[init]
def seed_entry(seed: int, test: dict) -> dict:
    """One network's run: its test bits per token, its mixture's, and the differences."""
    return {"seed": seed,
            "test_bits_per_token": {k: bits_per_token(test[k]) for k in ("neural", "mixture")},
            "differences_bits_per_token": differences(test, None, seed)}


def retrained(data: Data, shape, settings, seed: int, valid: dict, test: dict,
              callbacks=(), progress=None) -> tuple[dict, np.ndarray]:
    """seed_entry of the network trained again with `seed`, with its own mixture (the weight
    tuned again on validation), and the network's test log-probabilities; the n-gram models'
    scores are those already computed."""
    nn = train_neural(data, shape, settings, seed, callbacks, progress)
    valid = {**valid, "neural": nn.model.token_log_probs(data.valid)}
    test = {**test, "neural": nn.model.token_log_probs(data.test)}
    weight = tune_weight(valid["neural"], valid["best_kneser_ney"])
    test["mixture"] = mix_log_probs(test["neural"], test["best_kneser_ney"], weight)
    return seed_entry(seed, test), test["neural"]


def seed_spread(entries: list[dict]) -> dict:
    """For each difference, across the runs: the mean, smallest and largest of its means, their
    standard deviation (ddof 1; 0 for one run), and whether every run's interval excludes 0
    below (the first model better) or above (worse)."""
    spread = {}
    for name in DIFFERENCES:
        runs = [entry["differences_bits_per_token"][name] for entry in entries]
        means = np.array([run["mean"] for run in runs])
        spread[name] = {"mean": float(means.mean()), "min": float(means.min()),
                        "max": float(means.max()),
                        "sd": float(means.std(ddof=1)) if len(means) > 1 else 0.0,
                        "all_below_zero": all(run["ci95"][1] < 0 for run in runs),
                        "all_above_zero": all(run["ci95"][0] > 0 for run in runs)}
    return spread
# ~/~ end


# ~/~ begin <<docs/stage-03/comparison-report.md#compare-learning-curves>>[init]
class CurveRecorder:
    """A callback: validation bits per token of the whole validation text at the given steps
    of a run."""

    def __init__(self, model, data: Data, steps: set[int], batch_size: int):
        self.model, self.data, self.steps, self.batch_size = model, data, steps, batch_size
        self.points: list[tuple[int, float]] = []  # (tokens read, validation bits per token)

    def __call__(self, run: neural_lm.TrainResult) -> bool:
        if run.steps in self.steps:
            bits = bits_per_token(self.model.token_log_probs(self.data.valid))
            self.points.append((run.steps * self.batch_size, bits))
        return False


def curve_steps(total: int, points: int) -> set[int]:
    """About `points` steps from 1 to total, evenly spaced in log(step)."""
    return {int(s) for s in np.unique(np.geomspace(1, total, points).round())}


def kneser_ney_curve(data: Data, orders, fractions=(1 / 16, 1 / 8, 1 / 4, 1 / 2, 1)) -> list:
    """(training tokens counted, validation bits per token) of Kneser-Ney tuned on validation,
    counted on the first fraction of the training sequences."""
    points = []
    for fraction in fractions:
        part = data.train[: max(1, round(fraction * len(data.train)))]
        model, _ = ngram.tune("kneser-ney", part, data.valid, data.vocab, orders=orders)
        tokens = sum(len(data.vocab.encode(s)) for s in part)
        points.append((tokens, bits_per_token(model.token_log_probs(data.valid))))
    return points
# ~/~ end


# ---- the embedding map -----------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/comparison-report.md#compare-embedding-map>>[init]
def embedding_map(weight: np.ndarray) -> np.ndarray:
    """(V, 2): the rows of the embedding table on its first two principal components."""
    centred = weight - weight.mean(axis=0)                    # (V, D)
    U, S, _ = np.linalg.svd(centred, full_matrices=False)     # U (V, r), S (r,)
    coords = U[:, :2] * S[:2]                                  # (V, 2)
    flip = np.sign(coords[np.abs(coords).argmax(axis=0), [0, 1]])
    return coords * np.where(flip == 0, 1.0, flip)


def show_symbol(c: str) -> str:
    return {"\n": "⏎", " ": "␣", corpora.UNK: "⟨unk⟩"}.get(c, c)


def plot_embedding_map(coords: np.ndarray, symbols: list[str], ax) -> None:
    ax.scatter(coords[:, 0], coords[:, 1], s=8, alpha=0.3)
    for (x, y), c in zip(coords, symbols, strict=True):
        ax.annotate(show_symbol(c), (x, y), ha="center", va="center", fontsize=9)
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
# ~/~ end


# ---- the whole comparison --------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/evaluation.md#compare-run>>[init]
def compare(data: Data, settings: neural_lm.TrainConfig, seed: int = 0, orders=range(1, 65),
            shape: neural_lm.ModelConfig | None = None, temperature: float = 0.8,
            sample_length: int = 300, callbacks=(), seeds: int = 1, curve_points: int = 0,
            progress=None) -> tuple[dict, dict]:
    """Tune, train and score every model on one split; return (figures, objects for plots).
    The n-gram orders are those of `orders` that 64-bit codes allow. The network has the book's
    default shape unless `shape` is given (its V and seed are set here), and trains as
    `settings` say (for settings.steps, unless the loop is given another `progress`), `seeds`
    times (seeds seed, seed + 1, ...; the first is the one reported in full); the callbacks
    watch its training. With curve_points > 0 (in a run of settings.steps steps), the figures
    hold the learning curves of the network's first run and of Kneser-Ney."""
    if seeds < 1 or curve_points < 0:
        raise CompareError(f"seeds must be at least 1 and curve points at least 0, got seeds "
                           f"{seeds}, curve points {curve_points}")
    shape = shape or network_defaults(data.vocab.kind)[0]
    say(f"{data.name}: {data.num_tokens('train'):,} training {data.unit}s, "
             f"V = {data.vocab.size:,}")
    orders = ngram_orders(orders, data.vocab.size)
    start = time.perf_counter()
    counts = ngram.NgramCounts(data.train, data.vocab, max(orders))  # one count serves both kinds
    count_seconds = time.perf_counter() - start
    fitted, tables = {}, {}
    for key, kind in (("best_add_k", "add-k"), ("best_kneser_ney", "kneser-ney")):
        say(f"tuning {kind}, orders {min(orders)}..{max(orders)}, on validation")
        fitted[key], tables[key] = fit_ngram(kind, data, counts, orders, count_seconds)
    length = str(progress) if progress is not None else f"{settings.steps:,} steps"
    say(f"training the network for {length}")
    fitted["neural"] = train_neural(data, shape, settings, seed, callbacks, progress,
                                    curve_points)
    valid = scores(fitted, data.valid)
    nn, kn = fitted["neural"], fitted["best_kneser_ney"]
    mixture = Mixture(nn.model, kn.model, tune_weight(valid["neural"], valid["best_kneser_ney"]))
    # ---- test: used once, after every choice above was made on validation ----
    say("scoring on the test text")
    test = scores(fitted, data.test)
    if len({len(lp) for lp in test.values()}) != 1:
        raise CompareError("the models scored different numbers of test positions: "
                           f"{ {key: len(lp) for key, lp in test.items()} }")
    for part in (valid, test):  # the mixture's scores, mixed from its components' own
        part["mixture"] = mixture.mix(part["neural"], part["best_kneser_ney"])
    fitted["mixture"] = Fitted(mixture, {"weight": mixture.weight},
                               nn.parameters + kn.parameters + 1, nn.seconds + kn.seconds)
    context_length = kn.settings["order"] - 1
    seen = seen_split(data, context_length)
    figures = report_figures(data, fitted, tables, valid, test, seen, context_length, seed)
    figures["ngram_orders"] = {"tuned": [min(orders), max(orders)],
                               "code_limit": ngram.highest_order(data.vocab.size)}
    runs, network_test = [seed_entry(seed, test)], {seed: test["neural"]}
    for other in range(seed + 1, seed + seeds):
        say(f"training the network again with seed {other} ({other - seed + 1} of {seeds})")
        entry, network_test[other] = retrained(data, shape, settings, other, valid, test,
                                               callbacks, progress)
        runs.append(entry)
    figures["seeds"] = {"runs": runs, "spread": seed_spread(runs)}
    if curve_points:
        say("learning curves: Kneser-Ney counted on parts of the training text")
        figures["learning_curves"] = {"neural": nn.curve,
                                      "kneser_ney": kneser_ney_curve(data, orders),
                                      "train_tokens": data.num_tokens("train")}
    say("sampling")
    figures["samples"] = {key: lm.sample(f.model, sample_length, temperature=temperature,
                                         seed=[seed, i], lines=data.lines)
                          for i, (key, f) in enumerate(fitted.items())}
    figures["samples_temperature"] = temperature
    extras = {"embedding": nn.model.embedding.weight.data.astype(np.float64),
              "models": {key: f.model for key, f in fitted.items()},
              "network_test": network_test, "kneser_ney_test": test["best_kneser_ney"],
              "seen": seen, "shape": shape, "settings": settings,
              "symbols": list(data.vocab.symbols),
              "counts": np.bincount(np.concatenate(corpus_stats.encode_all(data.train, data.vocab)),
                                    minlength=data.vocab.size)}
    return figures, extras


def scores(fitted: dict, sequences: list[str]) -> dict:
    """ln P of every token of sequences, for every model: the contract's first question."""
    return {key: f.model.token_log_probs(sequences) for key, f in fitted.items()}
# ~/~ end


# ~/~ begin <<docs/stage-03/comparison-report.md#compare-figures>>[init]
DIFFERENCES = {"neural_vs_add_k": ("neural", "best_add_k"),
               "neural_vs_kneser_ney": ("neural", "best_kneser_ney"),
               "mixture_vs_kneser_ney": ("mixture", "best_kneser_ney")}
MODELS = ("best_add_k", "best_kneser_ney", "neural", "mixture")
PARTS = ("train", "valid", "test")


def bits_per_token(lp: np.ndarray, mask: np.ndarray | None = None) -> float:
    """lm.bits_per_token over the positions in mask (all if None)."""
    return lm.bits_per_token(lp if mask is None else lp[mask])


def differences(test: dict, mask: np.ndarray | None, seed: int) -> dict:
    """Each difference of DIFFERENCES, in bits per token, with its bootstrap interval."""
    return {name: block_bootstrap(bits_difference(test[a], test[b]), mask, seed=seed).to_json()
            for name, (a, b) in DIFFERENCES.items()}


def report_figures(data, fitted, tables, valid, test, seen, context_length, seed):
    figures = {"unit": data.unit,
               "corpus": {"name": data.name, "lines": data.lines, "seed": seed,
                          "tokens": data.tokens, "vocabulary": data.vocab.size,
                          "min_count": data.vocab.min_count,
                          **{f"{part}_tokens": data.num_tokens(part) for part in PARTS}},
               "validation_tables": {key: [validation_row(row) for row in t]
                                     for key, t in tables.items()}}
    for key in MODELS:
        bits = bits_per_token(test[key])
        figures[key] = {**fitted[key].settings, "valid_bits_per_token": bits_per_token(valid[key]),
                        "test_bits_per_token": bits, "test_perplexity": 2**bits,
                        "parameters": fitted[key].parameters,
                        "train_seconds": fitted[key].seconds}
    figures["differences_bits_per_token"] = differences(test, None, seed)
    figures["by_context"] = {"context_length": context_length, "seen_share": float(seen.mean())}
    for part, mask in (("seen", seen), ("unseen", ~seen)):
        figures["by_context"][part] = None if not mask.any() else {
            "positions": int(mask.sum()),
            "test_bits_per_token": {key: bits_per_token(test[key], mask) for key in MODELS},
            "differences_bits_per_token": differences(test, mask, seed)}
    if seen.any() and not seen.all():  # unseen minus seen, for each difference
        figures["by_context"]["unseen_minus_seen"] = {
            name: contrast_bootstrap(bits_difference(test[a], test[b]), seen, seed=seed).to_json()
            for name, (a, b) in DIFFERENCES.items()}
    return with_character_names(figures) if data.unit == "character" else figures


def validation_row(row: dict) -> dict:
    """A row of ngram.tune's table, its score named per token."""
    return {"kind": row["kind"], "order": row["order"], "param": jsonable(row["param"]),
            "valid_bits_per_token": row["valid_bpc"]}


def jsonable(x):
    """x with numpy scalars and arrays turned into plain Python (for json.dumps)."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return jsonable(dataclasses.asdict(x))
    return x if isinstance(x, (str, int, float, bool)) or x is None else str(x)
# ~/~ end


# ~/~ begin <<docs/stage-03/comparison-report.md#compare-character-names>>[init]
def with_character_names(figures: dict) -> dict:
    """The figures with their per-character names beside the per-token ones."""
    for part in PARTS:
        figures["corpus"][f"{part}_chars"] = figures["corpus"][f"{part}_tokens"]
    for rows in figures["validation_tables"].values():
        for row in rows:
            row["valid_bpc"] = row["valid_bits_per_token"]
    for key in MODELS:
        figures[key].update(valid_bpc=figures[key]["valid_bits_per_token"],
                            test_bpc=figures[key]["test_bits_per_token"])
    figures["differences_bpc"] = figures["differences_bits_per_token"]
    for part in ("seen", "unseen"):
        if figures["by_context"][part] is not None:
            entry = figures["by_context"][part]
            entry.update(test_bpc=entry["test_bits_per_token"],
                         differences_bpc=entry["differences_bits_per_token"])
    return figures
# ~/~ end


# ---- reporting -------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/comparison-report.md#compare-report>>[init]
LABELS = {"best_add_k": "add-k", "best_kneser_ney": "Kneser–Ney", "neural": "neural network",
          "mixture": "mixture (network + Kneser–Ney)"}
BITS = {"character": "bpc", "word": "bits/word"}  # the short name of bits per token


def settings_text(key: str, entry: dict) -> str:
    if key == "mixture":
        return f"λ = {entry['weight']:.3f}"
    if key == "neural":
        hidden = "×".join(str(h) for h in entry["hidden"])
        return (f"K {entry['context']}, D {entry['embedding']}, hidden {hidden} "
                f"{entry['activation']}, {entry['steps']:,} steps")
    if key == "best_add_k":
        return f"order {entry['order']}, k = {entry['k']:.3g}"
    return f"order {entry['order']}, discounts {entry['discount']}"


def models_table(figures: dict) -> str:
    bits = BITS[figures["unit"]]
    lines = [f"| model | chosen on validation | valid {bits} | **test {bits}** | test perplexity "
             "| parameters | training time |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for key in MODELS:
        e = figures[key]
        lines.append(f"| {LABELS[key]} | {settings_text(key, e)} | "
                     f"{e['valid_bits_per_token']:.3f} | **{e['test_bits_per_token']:.3f}** | "
                     f"{e['test_perplexity']:.2f} | {e['parameters']:,} | "
                     f"{e['train_seconds']:.1f} s |")
    return "\n".join(lines)


def verdict(a: str, b: str, d: dict, unit: str) -> str:
    """One sentence on the difference a - b (bits per token) and its interval."""
    lo, hi = d["ci95"]
    better = "better" if d["mean"] < 0 else "worse"
    zero = "excludes" if lo > 0 or hi < 0 else "includes"
    return (f"The {LABELS[a]} is {abs(d['mean']):.3f} {BITS[unit]} {better} than {LABELS[b]} "
            f"(95% interval of the difference [{lo:+.3f}, {hi:+.3f}], which {zero} zero).")


def differences_text(figures: dict) -> str:
    return "\n".join(
        f"- {verdict(a, b, figures['differences_bits_per_token'][name], figures['unit'])}"
        for name, (a, b) in DIFFERENCES.items())


def by_context_table(figures: dict) -> str:
    ctx, unit = figures["by_context"], figures["unit"]
    lines = [f"| test positions (context of {ctx['context_length']} {unit}s) | share | "
             + " | ".join(LABELS[k] for k in MODELS)
             + f" | network − Kneser–Ney, {BITS[unit]} (95% interval) |",
             "| --- | ---: |" + " ---: |" * (len(MODELS) + 1)]
    for part, share in (("seen", ctx["seen_share"]), ("unseen", 1 - ctx["seen_share"])):
        e = ctx[part]
        if e is None:
            continue
        d = e["differences_bits_per_token"]["neural_vs_kneser_ney"]
        lines.append(f"| context {part} in training | {share:.1%} | "
                     + " | ".join(f"{e['test_bits_per_token'][k]:.3f}" for k in MODELS)
                     + f" | {d['mean']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}] |")
    return "\n".join(lines)


def context_sentence(figures: dict) -> str:
    """Where the network wins and where counting holds, in words."""
    ctx, parts = figures["by_context"], []
    for part in ("seen", "unseen"):
        if ctx[part] is not None:
            d = ctx[part]["differences_bits_per_token"]["neural_vs_kneser_ney"]
            lo, hi = d["ci95"]
            side = "better" if d["mean"] < 0 else "worse"
            sure = "excludes" if lo > 0 or hi < 0 else "includes"
            parts.append(f"on test positions whose context was {part} in training, the network "
                         f"is {abs(d['mean']):.3f} {BITS[figures['unit']]} {side} than "
                         f"Kneser–Ney (interval [{lo:+.3f}, {hi:+.3f}], which {sure} zero)")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if parts else ""


def interval(d: dict) -> str:
    return f"{d['mean']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]"


def seeds_table(figures: dict) -> str:
    """One row per network seed: test bits per token, and the differences with Kneser-Ney."""
    bits = BITS[figures["unit"]]
    lines = [f"| network seed | network, test {bits} | mixture, test {bits} | network − "
             f"Kneser–Ney (95% interval) | mixture − Kneser–Ney (95% interval) |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for run in figures["seeds"]["runs"]:
        d, b = run["differences_bits_per_token"], run["test_bits_per_token"]
        lines.append(f"| {run['seed']} | {b['neural']:.3f} | {b['mixture']:.3f} | "
                     f"{interval(d['neural_vs_kneser_ney'])} | "
                     f"{interval(d['mixture_vs_kneser_ney'])} |")
    return "\n".join(lines)


def seeds_sentence(figures: dict, name: str = "neural_vs_kneser_ney") -> str:
    """The spread of one difference over the seeds, and whether the seeds agree, in words."""
    s, n = figures["seeds"]["spread"][name], len(figures["seeds"]["runs"])
    a, b = (LABELS[k] for k in DIFFERENCES[name])
    unit = BITS[figures["unit"]]
    if n == 1:
        return "One network was trained; the spread over seeds is not measured (`--seeds`)."
    agree = ("every run's interval lies below zero: all the seeds find the "
             f"{a} better" if s["all_below_zero"] else
             "every run's interval lies above zero: all the seeds find the "
             f"{a} worse" if s["all_above_zero"] else
             "the runs' intervals do not all exclude zero on the same side")
    return (f"Over {n} seeds, {a} − {b} is {s['mean']:+.3f} {unit} on average, between "
            f"{s['min']:+.3f} and {s['max']:+.3f} (standard deviation {s['sd']:.3f}); {agree}.")


def report(figures: dict) -> str:
    samples = "\n\n".join(f"**{LABELS[k]}**\n\n```text\n{figures['samples'][k].strip()}\n```"
                          for k in MODELS)
    return "\n\n".join([
        models_table(figures), differences_text(figures), seeds_table(figures),
        seeds_sentence(figures), by_context_table(figures), context_sentence(figures),
        f"Samples at temperature {figures['samples_temperature']}:", samples])
# ~/~ end
# ~/~ begin <<docs/stage-03/comparison-report.md#compare-report>>[1]
def corpus_sentence(figures: dict, shape, settings) -> str:
    """The split and the network, in one sentence (and a blank line)."""
    c, unit = figures["corpus"], figures["unit"]
    hidden = " and ".join(str(h) for h in shape.hidden)
    return (f"{c['train_tokens']:,} training, {c['valid_tokens']:,} validation and "
            f"{c['test_tokens']:,} test {unit}s; V = {c['vocabulary']:,}. The network: "
            f"{shape.context} {unit}s of context, embeddings of {shape.embedding}, hidden layers "
            f"of {hidden} units, dropout {shape.dropout:g}; {settings.optimiser} at rate "
            f"{settings.lr:g}, batches of {settings.batch_size}, {settings.steps:,} steps. "
            + edges_sentence(figures) + "\n")


def edges_sentence(figures: dict) -> str:
    """Which tuned setting of the counting models sits on the edge of its grid."""
    tried = {key: {(row["order"], row["param"]) for row in rows}
             for key, rows in figures["validation_tables"].items()}
    edges = []
    for key in ("best_add_k", "best_kneser_ney"):
        orders = sorted({order for order, _ in tried[key]})
        if figures[key]["order"] == orders[-1]:
            edges.append(f"{LABELS[key]} chose the highest order tried, {orders[-1]} (the most "
                         f"a 64-bit code allows for V = {figures['corpus']['vocabulary']:,})"
                         if orders[-1] == figures["ngram_orders"]["code_limit"] else
                         f"{LABELS[key]} chose the highest order tried, {orders[-1]}")
    ks = sorted({param for order, param in tried["best_add_k"]
                 if order == figures["best_add_k"]["order"]})
    if figures["best_add_k"]["k"] in (ks[0], ks[-1]):
        edges.append(f"add-k's k = {figures['best_add_k']['k']:.3g} is at an end of its grid")
    return ("On the edge of a grid: " + "; ".join(edges) + "." if edges else
            "Every tuned setting lies inside its grid.")


def contrast_sentence(figures: dict) -> str:
    """The network's difference with Kneser-Ney, unseen minus seen, with its interval."""
    d = figures["by_context"].get("unseen_minus_seen", {}).get("neural_vs_kneser_ney")
    if d is None:
        return ""
    unit, lo, hi = BITS[figures["unit"]], *d["ci95"]
    direction = ("better on unseen contexts than on seen ones, the direction chapter 3.1 "
                 "predicts" if d["mean"] < 0 else "worse on unseen contexts than on seen ones, "
                 "against chapter 3.1's prediction: there Kneser–Ney's back-off is the stronger "
                 "tool")
    sure = "which excludes zero" if lo > 0 or hi < 0 else "which includes zero: no clear contrast"
    return (f"Relative to Kneser–Ney, the network is {abs(d['mean']):.3f} {unit} {direction} "
            f"(contrast {interval(d)}, {sure}).")


def steps_table(runs: list[dict]) -> str:
    """One row per recorded run of a series: its steps and time, and its test scores."""
    bits = BITS[runs[0]["figures"]["unit"]]
    lines = [f"| steps | wall time | network, valid {bits} | network, test {bits} | Kneser–Ney, "
             f"test {bits} | network − Kneser–Ney (95% interval) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in runs:
        f = run["figures"]
        lines.append(f"| {f['neural']['steps']:,} | {run['seconds'] / 60:.0f} min | "
                     f"{f['neural']['valid_bits_per_token']:.3f} | "
                     f"{f['neural']['test_bits_per_token']:.3f} | "
                     f"{f['best_kneser_ney']['test_bits_per_token']:.3f} | "
                     f"{interval(f['differences_bits_per_token']['neural_vs_kneser_ney'])} |")
    return "\n".join(lines)


def convergence_sentence(runs: list[dict]) -> str:
    """Where the network's series meets Kneser-Ney on validation, or how far it stays."""
    unit = BITS[runs[0]["figures"]["unit"]]
    points = [(r["figures"]["neural"]["steps"],
               r["figures"]["neural"]["valid_bits_per_token"]
               - r["figures"]["best_kneser_ney"]["valid_bits_per_token"]) for r in runs]
    (first, gap0), (last, gap) = points[0], points[-1]
    below = [steps for steps, g in points if g < 0]
    falling = all(b[1] < a[1] for a, b in zip(points, points[1:], strict=False))
    text = (f"On validation the network is {gap0:+.3f} {unit} from Kneser–Ney after "
            f"{first:,} steps and {gap:+.3f} after {last:,}; ")
    if below:
        return text + f"it is below Kneser–Ney's level from {below[0]:,} steps on."
    return text + ("it was still closing the gap at every doubling, so longer runs would close "
                   "more of it." if falling else "its gap stopped shrinking within the series.")


def ablation_table(ablation: dict) -> str:
    """Per seed: the frozen network's test bits, and the gain of learned vectors."""
    bits = BITS[ablation["unit"]]
    lines = [f"| seed | frozen table, test {bits} | gain, all | gain, seen contexts | gain, "
             f"unseen contexts | unseen − seen |", "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in ablation["runs"]:
        g = run["gain"]
        lines.append(f"| {run['seed']} | {run['frozen_test_bits_per_token']:.3f} | "
                     + " | ".join(interval(g[part]) for part in
                                  ("all", "seen", "unseen", "unseen_minus_seen")) + " |")
    return "\n".join(lines)


def ablation_sentence(ablation: dict) -> str:
    """Where the gain of learned vectors sits, over the seeds, in words."""
    runs, unit = ablation["runs"], BITS[ablation["unit"]]
    gains = {part: np.mean([run["gain"][part]["mean"] for run in runs])
             for part in ("seen", "unseen")}
    contrast = [run["gain"]["unseen_minus_seen"] for run in runs]
    larger = ("larger on unseen contexts" if all(c["ci95"][0] > 0 for c in contrast) else
              "larger on seen contexts" if all(c["ci95"][1] < 0 for c in contrast) else
              "not clearly larger on either part")
    return (f"Learning the vectors saves {gains['seen']:.3f} {unit} on seen contexts and "
            f"{gains['unseen']:.3f} on unseen ones, on average over {len(runs)} seeds; the gain "
            f"is {larger} (every seed's contrast interval "
            + ("excludes zero)." if larger != "not clearly larger on either part" else
               "does not exclude zero on the same side).")
            + (" The learned table is where the network's advantage on new contexts comes from."
               if larger == "larger on unseen contexts" else ""))


def seeds_side(figures: dict, name: str) -> str:
    """Which side of zero a difference falls on over the seeds, in words."""
    d = figures["seeds"]["spread"][name]
    return ("better on every seed" if d["all_below_zero"] else "worse on every seed"
            if d["all_above_zero"] else "not on the same side on every seed")


def built_verdict(chars: dict) -> str:
    """The chapter's finding on characters as the page trained them, as a list item."""
    return (f"- **Characters, as built:** the network is {seeds_side(chars, 'neural_vs_add_k')} "
            f"than add-k and {seeds_side(chars, 'neural_vs_kneser_ney')} than Kneser–Ney; the "
            f"mixture is {seeds_side(chars, 'mixture_vs_kneser_ney')} than Kneser–Ney.")


def minutes(seconds: float) -> str:
    """A duration in whole minutes, in words: "1 minute", "5 minutes"."""
    m = round(seconds / 60)
    return f"{m} minute{'' if m == 1 else 's'}"


def recorded_verdict(steps: dict, budget: dict) -> str:
    """The finding on characters trained longer, from the recorded series of steps and the
    recorded run of a time budget, as a list item."""
    longest = steps["results"]["runs"][-1]["figures"]
    budget = budget["results"]["runs"][0]["figures"]
    d = budget["differences_bits_per_token"]["neural_vs_kneser_ney"]
    return (f"- **Characters, trained longer:** at {longest['neural']['steps']:,} steps the "
            f"network is {interval(longest['differences_bits_per_token']['neural_vs_kneser_ney'])}"
            f" bpc from Kneser–Ney on test; after {minutes(budget['neural']['train_seconds'])} "
            f"of training, {interval(d)} bpc, "
            + ("below Kneser–Ney." if d["ci95"][1] < 0 else "not below it."))


def word_verdicts(words: dict, ablation: dict) -> str:
    """The findings on words and on what the learned vectors are worth, as list items."""
    return (f"- **Words:** the network is {seeds_side(words, 'neural_vs_kneser_ney')} than "
            f"Kneser–Ney. {contrast_sentence(words)}\n"
            f"- **Why:** {ablation_sentence(ablation)}")
# ~/~ end


# ~/~ begin <<docs/stage-03/comparison-report.md#compare-findings>>[init]
def comparisons(recordings: dict[str, dict]) -> list[tuple[str, dict]]:
    """Every comparison in the recordings, as (recording name, figures), in their order."""
    found = []
    for name, recorded in recordings.items():
        results = recorded["results"]
        found += [(name, results["figures"])] if "figures" in results else []
        found += [(name, run["figures"]) for run in results.get("runs", [])]
    return found


def against_kneser_ney(d: dict, unit: str) -> str:
    """A difference network − Kneser-Ney in words: below it, above it, or level with it."""
    lo, hi = d["ci95"]
    if hi < 0:
        return f"{-d['mean']:.3f} {unit} below Kneser–Ney ({interval(d)})"
    if lo > 0:
        return f"{d['mean']:.3f} {unit} above Kneser–Ney ({interval(d)})"
    return f"level with Kneser–Ney (its interval {interval(d)} includes zero)"


def findings_table(runs: list[tuple[str, dict]]) -> str:
    """One row per comparison: the training text and steps, the network's and Kneser-Ney's test
    bits, and network − Kneser-Ney with its interval, overall, on seen and on unseen contexts."""
    bits = BITS[runs[0][1]["unit"]]
    lines = [f"| recording | training {runs[0][1]['unit']}s, network's steps | network, test "
             f"{bits} | Kneser–Ney, test {bits} | network − Kneser–Ney | on seen contexts | "
             "on unseen contexts |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, f in runs:
        parts = [interval(f["by_context"][part]["differences_bits_per_token"]
                          ["neural_vs_kneser_ney"]) if f["by_context"][part] else "—"
                 for part in ("seen", "unseen")]
        lines.append(f"| [{name}](recorded-runs.md) | {f['corpus']['train_tokens']:,}, "
                     f"{f['neural']['steps']:,} | {f['neural']['test_bits_per_token']:.3f} | "
                     f"{f['best_kneser_ney']['test_bits_per_token']:.3f} | "
                     f"{interval(f['differences_bits_per_token']['neural_vs_kneser_ney'])} | "
                     + " | ".join(parts) + " |")
    return "\n".join(lines)


def unseen_sentence(runs: list[tuple[str, dict]]) -> str:
    """Where the network stands against Kneser-Ney on unseen contexts, over comparisons."""
    unit = BITS[runs[0][1]["unit"]]
    ds = [f["by_context"]["unseen"]["differences_bits_per_token"]["neural_vs_kneser_ney"]
          for _, f in runs if f["by_context"]["unseen"]]
    below, above = sum(d["ci95"][1] < 0 for d in ds), sum(d["ci95"][0] > 0 for d in ds)
    means = [d["mean"] for d in ds]
    return (f"On unseen contexts the network is below Kneser–Ney in {below} of these "
            f"{len(ds)} comparisons and above it in {above} (intervals that exclude zero); its "
            f"difference there runs from {min(means):+.3f} to {max(means):+.3f} {unit}.")


def mixture_sentence(runs: list[tuple[str, dict]]) -> str:
    """How the mixture of network and Kneser-Ney does against Kneser-Ney, over comparisons."""
    ds = [f["differences_bits_per_token"]["mixture_vs_kneser_ney"] for _, f in runs]
    below = sum(d["ci95"][1] < 0 for d in ds)
    means = [0.0 - d["mean"] for d in ds]  # 0.0 -: no "-0.000"
    return (f"The mixture is below Kneser–Ney, its interval excluding zero, in {below} of the "
            f"{len(ds)} recorded comparisons; it saves between {min(means):.3f} and "
            f"{max(means):.3f} bits per token.")


def cost_sentence(runs: list[tuple[str, dict]]) -> str:
    """What the network costs against Kneser-Ney: training time and parameters, as ratios."""
    slower = [f["neural"]["train_seconds"] / f["best_kneser_ney"]["train_seconds"]
              for _, f in runs]
    size = [f["neural"]["parameters"] / f["best_kneser_ney"]["parameters"] for _, f in runs]
    return (f"Training the network took {min(slower):,.0f} to {max(slower):,.0f} times as long as "
            f"fitting Kneser–Ney of the chosen order, on the same machine; the network has "
            f"{min(size):.2f} to {max(size):.2f} times as many parameters as Kneser–Ney has "
            "counts.")


def sweep_table(recorded: dict) -> str:
    """A recorded search's candidates, their validation bits and their distance to Kneser-Ney."""
    kn = recorded["results"]["kneser_ney"]
    lines = [f"{recorded['settings']['steps']:,} steps each; Kneser–Ney (order {kn['order']}) "
             f"scores {kn['valid_bits_per_token']:.3f} on validation.\n",
             "| candidate | validation bits | − Kneser–Ney | on seen contexts | on unseen "
             "contexts |", "| --- | ---: | ---: | ---: | ---: |"]
    for row in recorded["results"]["candidates"]:
        d = row["minus_kneser_ney"]
        lines.append(f"| {row['label']} | {row['valid_bits_per_token']:.3f} | {d['all']:+.3f} | "
                     f"{d['seen']:+.3f} | {d['unseen']:+.3f} |")
    best = min(recorded["results"]["candidates"], key=lambda row: row["valid_bits_per_token"])
    return "\n".join(lines) + f"\n\nThe lowest validation loss: **{best['label']}**."


def sweep_sentence(recorded: dict, base: str, other: str) -> str:
    """Candidate `other` against candidate `base` of a search, on validation, overall and on
    seen and unseen contexts (bits per token, other minus base)."""
    rows = {row["label"]: row["minus_kneser_ney"] for row in recorded["results"]["candidates"]}
    d = {part: rows[other][part] - rows[base][part] for part in ("all", "seen", "unseen")}
    return (f"Against “{base}”, the candidate “{other}” changes the validation loss by "
            f"{d['all']:+.3f} bits per token: {d['seen']:+.3f} on seen contexts and "
            f"{d['unseen']:+.3f} on unseen ones.")


def plot_steps_series(series: dict[str, dict], axes) -> None:
    """Validation bits against steps, one panel per recorded series of separate runs, with
    Kneser-Ney's and add-k's levels dashed."""
    for ax, (title, recorded) in zip(axes, series.items(), strict=True):
        runs = [run["figures"] for run in recorded["results"]["runs"]]
        steps = [f["neural"]["steps"] for f in runs]
        ax.plot(steps, [f["neural"]["valid_bits_per_token"] for f in runs], "o-",
                label="network")
        for key, style in (("best_kneser_ney", "--"), ("best_add_k", ":")):
            ax.axhline(runs[-1][key]["valid_bits_per_token"], ls=style, color="grey",
                       label=LABELS[key])
        ax.set(xscale="log", xlabel=f"training steps (batches of "
               f"{runs[0]['neural']['batch_size']})", title=title)
        ax.set_xticks(steps, [f"{s:,}" for s in steps])
    axes[0].set_ylabel(f"validation {BITS[runs[0]['unit']]}")
    axes[0].legend(fontsize="small")
# ~/~ end


# ---- the command -----------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/comparison-report.md#compare-command>>[init]
def run(args: argparse.Namespace, shape: neural_lm.ModelConfig, settings: neural_lm.TrainConfig,
        callbacks=(), progress=None, prepare=lambda data: None) -> int:
    """The compare command, with every option already checked by the command line, which also
    brings the loop's callbacks and its `progress` (a time budget); prepare(data) once the data
    is read (the command line sets its thread count there, and may return the settings to
    train with instead: their validations fitted to the run)."""
    data = corpora.load_data(args.data, args.lines, args.seed, max_chars=args.max_chars,
                             tokens=args.tokens or "chars", min_count=args.min_count)
    check_splits(data, shape.context)
    settings = prepare(data) or settings
    figures, extras = compare(data, settings, args.seed, range(1, args.max_order + 1), shape,
                              args.temperature, callbacks=callbacks, seeds=args.seeds,
                              curve_points=args.curves, progress=progress)
    print(json_text(figures, indent=2) if args.json else report(figures), flush=True)
    if args.plot:  # after the report: a plot that cannot be written loses nothing else
        save_embedding_map(args.plot, extras)
    return 0


def save_embedding_map(path: str, extras: dict, labelled: int = 200) -> None:
    """The embedding map as a PNG, the `labelled` most frequent training tokens labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = np.argsort(-extras["counts"], kind="stable")[:labelled]
    fig, ax = plt.subplots(figsize=(6, 6))
    plot_embedding_map(embedding_map(extras["embedding"])[shown],
                       [extras["symbols"][i] for i in shown], ax)
    target = Path(os.path.realpath(path))  # through a link, to the file it names
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:  # written whole, then renamed over the old image: never half a PNG
        fig.savefig(temporary, dpi=110, bbox_inches="tight", format="png")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    say(f"embedding map written to {path}")
# ~/~ end
# ~/~ end
