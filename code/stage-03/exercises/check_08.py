# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_08.py>>[init]
"""Checker for exercise 8 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "The gradient of a broadcast"
KIND, NEEDS, LEVEL = "implement", ("3.3",), 2

CASES = [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 3), (4, 1)), ((4, 3), ()),
         ((2, 3, 4), (3, 1)), ((2, 3, 4), (2, 1, 4)), ((2, 3), (2, 3))]


def oracle(grad, shape):
    """Element by element: d/da_j of sum(grad * broadcast(a)) = sum of grad over a_j's copies."""
    out = np.zeros(shape)
    for j in range(out.size):
        basis = np.zeros(shape)
        basis.flat[j] = 1.0
        out.flat[j] = (grad * np.broadcast_to(basis, grad.shape)).sum()
    return out


def check_shapes(ex):
    """returns an array of exactly the operand's shape"""
    for big, small in CASES:
        got = np.shape(ex.unbroadcast(np.ones(big), small))
        assert got == small, f"unbroadcast from {big} to {small} gave shape {got}"


def check_values(ex):
    """each entry is the sum of the gradient over that entry's copies"""
    rng = np.random.default_rng(0)
    for big, small in CASES:
        grad = rng.normal(size=big)
        got = np.asarray(ex.unbroadcast(grad, small))
        want = oracle(grad, small)
        err = np.abs(got - want).max()
        assert err < 1e-12, f"from {big} to {small}: off by {err:.3g}"


def check_bias_of_a_batch(ex):
    """a bias (H,) added to a (B, H) batch gets the column sums, not the mean"""
    grad = np.arange(12.0).reshape(4, 3)
    got = np.asarray(ex.unbroadcast(grad, (3,)))
    assert np.allclose(got, [18.0, 22.0, 26.0]), (
        f"expected the sum over the batch [18, 22, 26], got {got}")
# ~/~ end
