# ~/~ begin <<docs/foundations/counting.md#code/stage-01/lm.py>>[init]
"""The model contract of the book, and what is written once on top of it.

Every language model of the book answers LanguageModel: the n-gram models (ngram.py), the
network of chapter 3.5 (neural_lm.py), the mixture of chapter 3.7 (compare.py). The measures
(nats, bits, perplexity), evaluation and sampling ask nothing else of a model, so each is
written once, here.

Tangled from docs/foundations/counting.md (Foundation A: the counting baseline). This file is
generated: edit the chapter and run `make tangle`, or edit here and run `make stitch`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Protocol

import numpy as np

from corpora import BOUNDARY_ID, UNK_ID, Vocabulary

# the contract

# ~/~ begin <<docs/foundations/counting.md#lm-contract>>[init]
class LanguageModel(Protocol):
    """What every language model of the book answers; evaluate and sample ask nothing else."""

    vocab: Vocabulary  # its tokens: BOUNDARY has id 0, UNK id 1

    def token_log_probs(self, sequences: list[str]) -> np.ndarray:
        """ln P of every predicted token of every sequence, in the order of the windows
        (sequence after sequence, left to right): float64, one per token."""

    def next_log_probs(self, history: np.ndarray) -> np.ndarray:
        """ln P(next token | history) for every token of the vocabulary: shape (V,).
        history holds the ids of the current sequence so far, maybe none; a model that reads
        K of them pads a shorter history with the BOUNDARY id, exactly as in training."""
# ~/~ end


# measures, and evaluation

# ~/~ begin <<docs/foundations/counting.md#lm-measures>>[init]
LN2 = math.log(2)


def nats_to_bits(nats):
    """x nats = x / ln 2 bits."""
    return nats / LN2


def bits_to_nats(bits):
    return bits * LN2


def nats_per_token(log_probs) -> float:
    """Mean negative natural-log probability per token, in nats."""
    return float(-np.mean(log_probs))


def bits_per_token(log_probs) -> float:
    """Bits per token, -mean(ln p) / ln 2 (bits per character when tokens are characters)."""
    return float(nats_to_bits(nats_per_token(log_probs)))


def perplexity(log_probs) -> float:
    """exp(cross-entropy in nats) = 2 ** (bits per token): the perplexity per token."""
    return float(np.exp(nats_per_token(log_probs)))
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#lm-evaluate>>[init]
def evaluate(model: LanguageModel, sequences: list[str]) -> dict:
    """Mean -ln P of every token of sequences: in nats, in bits, as a perplexity; and how many."""
    log_probs = model.token_log_probs(sequences)
    if len(log_probs) == 0:
        raise RequestError("there is nothing to evaluate: the text holds no tokens")
    return {"loss_nats": nats_per_token(log_probs), "bits": bits_per_token(log_probs),
            "perplexity": perplexity(log_probs), "tokens": len(log_probs)}
# ~/~ end


# sampling

# ~/~ begin <<docs/foundations/counting.md#lm-errors>>[init]
class RequestError(ValueError):
    """A request a language model cannot serve as asked; the message says what to change."""


class PromptError(RequestError):
    """A prompt holding symbols the model's vocabulary does not have."""


def check_request(vocab: Vocabulary, prompt: str, length: int, temperature: float,
                  top_k: int | None) -> None:
    """Raise one RequestError (a PromptError for the prompt) for the first bad setting."""
    unknown = vocab.unknown_tokens(prompt)
    if unknown:
        raise PromptError(
            f"the prompt contains {len(unknown)} {vocab.unit}(s) outside the model's "
            "vocabulary: " + ", ".join(repr(c) for c in unknown)
            + f" (its {vocab.size:,} tokens come from the training split)")
    if not (temperature >= 0 and math.isfinite(temperature)):
        raise RequestError(f"the temperature must be >= 0 (0 means greedy), got {temperature}")
    if top_k is not None and top_k < 1:
        raise RequestError(f"top-k must be at least 1, got {top_k}")
    if length < 0:
        raise RequestError(f"the length must be >= 0, got {length}")
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#lm-draw>>[init]
def draw(log_probs: np.ndarray, temperature: float, top_k: int | None,
         rng: np.random.Generator) -> int:
    """One id from softmax(log_probs / T) over the k most likely ids; T = 0 is the argmax,
    and so is a T so small that log_probs / T overflows (the limit T -> 0)."""
    if temperature == 0:
        return int(np.argmax(log_probs))
    with np.errstate(over="ignore"):
        z = log_probs / temperature
    if not np.isfinite(z.max()):
        return int(np.argmax(log_probs))
    if top_k is not None and top_k < len(z):
        kth = np.partition(z, -top_k)[-top_k]
        z = np.where(z >= kth, z, -np.inf)
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#lm-sample>>[init]
def sample(model: LanguageModel, length: int, prompt: str = "", temperature: float = 1.0,
           top_k: int | None = None, seed=0, lines: bool = False) -> str:
    """The text of `length` tokens continuing prompt (which is not returned), each drawn by
    `draw` from the model's next-token distribution; UNK never; in lines mode, items restart
    afresh."""
    drawn = list(sample_ids(model, length, prompt, temperature, top_k, seed, lines))
    prompt_ids = model.vocab.encode(prompt).tolist()
    prompt_text = model.vocab.decode(prompt_ids)
    return model.vocab.decode(prompt_ids + drawn)[len(prompt_text):]  # what the draws add


def sample_ids(model: LanguageModel, length: int, prompt: str = "", temperature: float = 1.0,
               top_k: int | None = None, seed=0, lines: bool = False) -> Iterator[int]:
    """The ids of `sample`, one by one as they are drawn; the request is checked at once."""
    check_request(model.vocab, prompt, length, temperature, top_k)
    rng = np.random.default_rng(seed)
    return drawn_ids(model, model.vocab.encode(prompt), length, temperature, top_k, rng, lines)


def drawn_ids(model, prompt_ids, length, temperature, top_k, rng, lines) -> Iterator[int]:
    """The draws of sample_ids after the prompt's ids, for a request already checked."""
    ids = np.empty(len(prompt_ids) + min(length, 4096), dtype=np.int64)  # doubled when full
    n = len(prompt_ids)                               # ids[:n]: the prompt, then the draws
    ids[:n] = prompt_ids
    start = restart_after(prompt_ids.tolist()) if lines else 0   # the history is ids[start:n]
    for _ in range(length):
        log_p = np.array(model.next_log_probs(ids[start:n]), dtype=np.float64)  # our own copy
        log_p[UNK_ID] = -np.inf                        # never drawn
        token = draw(log_p, temperature, top_k, rng)
        if n == len(ids):
            ids = np.concatenate([ids, np.empty_like(ids)])
        ids[n], n = token, n + 1
        if lines and token == BOUNDARY_ID:
            start = n                                  # the next item starts from nothing
        yield token


def restart_after(tokens: list[int]) -> int:
    """Where the current item of tokens starts: after its last BOUNDARY, or at 0."""
    return max((i + 1 for i, t in enumerate(tokens) if t == BOUNDARY_ID), default=0)
# ~/~ end
# ~/~ end
