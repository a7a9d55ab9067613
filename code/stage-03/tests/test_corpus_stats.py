# ~/~ begin <<docs/stage-03/why-neural.md#code/stage-03/tests/test_corpus_stats.py>>[init]
"""Tests of corpus_stats (chapter 3.1): exact agreement with counting tuples in Python sets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpus_stats
from ngram import NgramError


def tuples(sequences, n):
    """Every (context, symbol) n-gram of the sequences as a tuple, padded with 0."""
    out = []
    for s in sequences:
        padded = [0] * (n - 1) + list(s)
        out += [tuple(padded[t : t + n]) for t in range(len(s))]
    return out


sequences = st.lists(st.lists(st.integers(0, 4), min_size=1, max_size=12), min_size=1, max_size=8)


@settings(deadline=None, max_examples=40)
@given(train=sequences, held=sequences, n=st.integers(1, 5))
def test_counts_and_unseen_shares_agree_with_python_sets(train, held, n):
    tr = [np.array(s, dtype=np.int64) for s in train]
    he = [np.array(s, dtype=np.int64) for s in held]
    row = corpus_stats.sparsity_table(tr, he, base=5, orders=range(1, n + 1))[-1]
    seen = set(tuples(train, n))
    held_grams = tuples(held, n)
    assert row.order == n and row.possible_contexts == 5 ** (n - 1)
    assert row.train_ngrams == len(seen)
    assert row.train_contexts == len({g[:-1] for g in seen})
    unseen = np.mean([g not in seen for g in held_grams])
    assert row.unseen_ngrams == pytest.approx(unseen, abs=1e-12)
    contexts = {g[:-1] for g in seen}
    assert row.unseen_contexts == pytest.approx(
        np.mean([g[:-1] not in contexts for g in held_grams]), abs=1e-12)
    mask = corpus_stats.seen_context_mask(tr, he, n - 1, base=5)
    assert mask.tolist() == [g[:-1] in contexts for g in held_grams]


def test_a_hand_counted_example():
    # training "ab" and "ab"; held-out "ba": bigrams (0,b) (b,a) -- (0,b) unseen, (b,a) unseen;
    # contexts 0 (seen: it precedes "a") and b (unseen).
    a, b = 2, 3
    rows = corpus_stats.sparsity_table([np.array([a, b])] * 2, [np.array([b, a])], base=4,
                                       orders=[1, 2])
    assert rows[0].unseen_ngrams == 0.0 and rows[0].train_ngrams == 2
    assert rows[1].unseen_ngrams == 1.0 and rows[1].unseen_contexts == 0.5
    assert rows[1].train_contexts == 2 and rows[1].train_ngrams == 2


def test_the_empty_context_is_always_seen():
    mask = corpus_stats.seen_context_mask([np.array([1])], [np.array([2, 3, 4])], 0, base=5)
    assert mask.tolist() == [True, True, True]


def test_codes_that_would_overflow_are_refused():
    with pytest.raises(NgramError, match="64-bit"):
        corpus_stats.sparsity_table([np.array([1])], [np.array([1])], base=30_000, orders=[5])
# ~/~ end
