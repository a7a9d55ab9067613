# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_07.py>>[init]
"""Checker for exercise 7 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "Two linear layers are one linear layer"
KIND, NEEDS, LEVEL = "derive", ("3.3",), 1


def layers(seed=0, n_in=5, n_hidden=7, n_out=3):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n_in, n_hidden)), rng.normal(size=n_hidden),
            rng.normal(size=(n_hidden, n_out)), rng.normal(size=n_out))


def check_shapes(ex):
    """returns W of shape (n_in, n_out) and b of shape (n_out,)"""
    W, b = ex.collapse(*layers())
    assert np.shape(W) == (5, 3), f"W should be (n_in, n_out) = (5, 3), got {np.shape(W)}"
    assert np.shape(b) == (3,), f"b should be (n_out,) = (3,), got {np.shape(b)}"


def check_same_function(ex):
    """x @ W + b equals (x @ W1 + b1) @ W2 + b2"""
    for seed in range(5):
        W1, b1, W2, b2 = layers(seed)
        x = np.random.default_rng(100 + seed).normal(size=(8, 5))
        W, b = ex.collapse(W1, b1, W2, b2)
        err = np.abs((x @ W + b) - ((x @ W1 + b1) @ W2 + b2)).max()
        assert err < 1e-10, f"largest difference {err:.3g} on a random batch"
# ~/~ end
