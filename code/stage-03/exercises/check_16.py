# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_16.py>>[init]
"""Checker for exercise 16 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "Context windows"
KIND, NEEDS, LEVEL = "implement", ("3.5",), 1


def check_example(ex):
    """the example from the statement: [5, 6, 0] with K = 2"""
    X, Y = ex.context_windows(np.array([5, 6, 0]), 2, 0)
    assert np.array_equal(X, [[0, 0], [0, 5], [5, 6]]), f"X is {np.asarray(X).tolist()}"
    assert np.array_equal(Y, [5, 6, 0]), f"Y is {np.asarray(Y).tolist()}"


def check_no_leak(ex):
    """no target appears in its own context (the window ends just before the target)"""
    ids = np.array([3, 4, 5, 6, 7, 8, 9, 0])           # distinct ids, boundary last
    for K in (1, 3, 8, 12):
        X, Y = ex.context_windows(ids, K, 0)
        for x, y in zip(np.asarray(X), np.asarray(Y), strict=True):
            assert y == 0 or y not in x, f"K={K}: target {y} inside its context {x.tolist()}"


def check_against_a_loop(ex):
    """matches a plain loop for random sequences and K = 1 to 6"""
    rng = np.random.default_rng(0)
    for _ in range(20):
        ids = np.append(rng.integers(1, 9, size=rng.integers(1, 12)), 0)
        for K in range(1, 7):
            padded = [0] * K + ids.tolist()
            want = [padded[i : i + K] for i in range(len(ids))]
            X, Y = ex.context_windows(ids, K, 0)
            assert np.array_equal(X, want) and np.array_equal(Y, ids), (
                f"ids={ids.tolist()} K={K}: X={np.asarray(X).tolist()}")


def check_shapes_and_dtype(ex):
    """X is (N, K) and Y is (N,), both integer arrays"""
    X, Y = ex.context_windows(np.array([1, 2, 3, 0]), 3, 0)
    X, Y = np.asarray(X), np.asarray(Y)
    assert X.shape == (4, 3) and Y.shape == (4,), f"shapes {X.shape} and {Y.shape}"
    assert np.issubdtype(X.dtype, np.integer) and np.issubdtype(Y.dtype, np.integer), (
        f"dtypes {X.dtype} and {Y.dtype}: ids index the embedding, so they must be integers")
# ~/~ end
