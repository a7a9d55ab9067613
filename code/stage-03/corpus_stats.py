# ~/~ begin <<docs/stage-03/why-neural.md#code/stage-03/corpus_stats.py>>[init]
"""Corpus statistics for chapter 3.1 (Why neural?): how sparse n-gram counts are.

Counts n-grams of integer-coded sequences with numpy (one sort per order), on Foundation A's
padding (corpora.pad_ids) and n-gram codes (ngram.codes_of_order); measures the share of
held-out n-grams and contexts never seen in training, and says, position by position, whether a
held-out context was seen (chapter 3.7 splits its results by it).

Generated from docs/stage-03/why-neural.md by entangled: edit the chapter (or edit this file
and run `make stitch`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corpora import pad_ids
from ngram import codes_of_order, find

# ---- sets of n-gram codes --------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/why-neural.md#stats-sets>>[init]
def distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct values of codes, sorted."""
    s = np.sort(codes)
    keep = np.ones(len(s), dtype=bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


def member(queries: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """For each query, whether it occurs in sorted_keys (binary search)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(queries), dtype=bool)
    return find(sorted_keys, queries)[1]
# ~/~ end


# ---- the measurements ------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/why-neural.md#stats-sparsity-table>>[init]
@dataclass
class SparsityRow:
    order: int                 # n: n-1 symbols of context and the predicted one
    possible_contexts: int     # V ** (n-1)
    train_contexts: int        # distinct contexts followed by a symbol in training
    train_ngrams: int          # distinct n-grams in training
    unseen_ngrams: float       # share of held-out positions whose n-gram never occurred in training
    unseen_contexts: float     # share of held-out positions whose context never occurred


def sparsity_table(train, held_out, base: int, orders=range(1, 9)) -> list[SparsityRow]:
    """Seen and unseen n-grams of held_out (lists of id arrays) against train, for each order."""
    K = max(orders) - 1
    train_pad, train_t = pad_ids(train, K)
    held_pad, held_t = pad_ids(held_out, K)
    rows = []
    for n in orders:
        seen_ngrams = distinct(codes_of_order(train_pad, train_t, base, n))
        seen_contexts = distinct(seen_ngrams // base)
        held = codes_of_order(held_pad, held_t, base, n)
        rows.append(SparsityRow(
            n, base ** (n - 1), len(seen_contexts), len(seen_ngrams),
            1.0 - float(member(held, seen_ngrams).mean()),
            1.0 - float(member(held // base, seen_contexts).mean()),
        ))
    return rows
# ~/~ end


# ~/~ begin <<docs/stage-03/why-neural.md#stats-seen-context>>[init]
def seen_context_mask(train, held_out, context_length: int, base: int) -> np.ndarray:
    """For every held-out position (in the order of windows and token_log_probs): did its
    context of context_length symbols (padded with the boundary) occur in training?"""
    if context_length == 0:
        return np.ones(sum(len(s) for s in held_out), dtype=bool)   # the empty context
    n = context_length + 1
    train_pad, train_t = pad_ids(train, context_length)
    held_pad, held_t = pad_ids(held_out, context_length)
    seen_contexts = distinct(codes_of_order(train_pad, train_t, base, n) // base)
    return member(codes_of_order(held_pad, held_t, base, n) // base, seen_contexts)
# ~/~ end


# ---- formatting ------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/why-neural.md#stats-format>>[init]
def encode_all(sequences: list[str], vocab) -> list[np.ndarray]:
    """Each sequence as an array of token ids of the vocabulary (of characters or words)."""
    return [vocab.encode(s) for s in sequences]


def big(x: int) -> str:
    return f"{x:,}" if x < 10**9 else f"{float(x):.1e}"


def markdown_table(rows: list[SparsityRow], unit: str) -> str:
    """The sparsity table as Markdown, one line per order."""
    lines = [f"| order n | possible contexts V^(n-1) | contexts seen in training | "
             f"held-out {unit}: n-gram unseen | held-out {unit}: context unseen |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r.order} | {big(r.possible_contexts)} | {r.train_contexts:,} | "
                     f"{r.unseen_ngrams:.2%} | {r.unseen_contexts:.2%} |")
    return "\n".join(lines)


def sparsity_sentence(label: str, rows: list[SparsityRow], threshold: float) -> str:
    """One sentence: from which order on more than `threshold` of held-out n-grams are new."""
    over = [r for r in rows if r.unseen_ngrams > threshold]
    if not over:
        return (f"{label}: even at order {rows[-1].order} no more than {threshold:.0%} of the "
                f"held-out n-grams are new ({rows[-1].unseen_ngrams:.1%}).")
    r = over[0]
    return (f"{label}: from order {r.order} on, more than {threshold:.0%} of the held-out "
            f"n-grams never occurred in training ({r.unseen_ngrams:.1%} at order {r.order}).")
# ~/~ end
# ~/~ end
