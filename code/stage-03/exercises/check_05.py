# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_05.py>>[init]
"""Checker for exercise 5 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "The gradient of a lookup"
KIND, NEEDS, LEVEL = "implement", ("3.2",), 2


def one_hot_gradient(idx, G, V):
    """The oracle: E = onehot(idx) @ W, so dL/dW = onehot(idx)^T @ G."""
    one_hot = np.eye(V)[idx.reshape(-1)]                 # (B*K, V)
    return one_hot.T @ G.reshape(-1, G.shape[-1])        # (V, D)


def case(seed, V, B, K, D, repeats):
    rng = np.random.default_rng(seed)
    # few symbols (many repeats), or every symbol at most once
    idx = rng.integers(0, 3, size=(B, K)) if repeats else rng.permutation(V)[: B * K].reshape(B, K)
    return idx, rng.normal(size=(B, K, D))


def check_shape(ex):
    """returns an array of shape (V, D)"""
    idx, G = case(0, 10, 2, 3, 4, repeats=False)
    got = np.asarray(ex.embedding_backward(idx, G, 10))
    assert got.shape == (10, 4), f"expected shape (10, 4), got {got.shape}"


def check_distinct(ex):
    """equals the one-hot product when no symbol repeats"""
    idx, G = case(1, 12, 2, 3, 5, repeats=False)
    got = ex.embedding_backward(idx, G, 12)
    np.testing.assert_allclose(got, one_hot_gradient(idx, G, 12), atol=1e-12)


def check_repeats(ex):
    """accumulates over repeated symbols (a symbol used twice gets both gradients)"""
    idx, G = case(2, 6, 4, 5, 3, repeats=True)
    got, want = ex.embedding_backward(idx, G, 6), one_hot_gradient(idx, G, 6)
    err = np.abs(got - want).max()
    assert err < 1e-12, (
        f"off by up to {err:.3g} when symbols repeat: `dW[idx] += G` keeps only one of "
        f"the repeated rows; np.add.at(dW, idx, G) adds them all")


def check_unused_rows(ex):
    """rows of symbols that were not looked up are exactly zero"""
    idx, G = case(3, 9, 2, 2, 3, repeats=True)
    got = ex.embedding_backward(idx, G, 9)
    unused = sorted(set(range(9)) - set(idx.reshape(-1).tolist()))
    assert np.all(got[unused] == 0), f"rows {unused} should be zero"
# ~/~ end
