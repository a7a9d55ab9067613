# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_12.py>>[init]
"""Checker for exercise 12 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "A log-softmax that does not overflow"
KIND, NEEDS, LEVEL = "implement", ("3.4",), 1


def check_small_logits(ex):
    """equals log(exp(z) / sum exp(z)) where that formula is safe"""
    z = np.random.default_rng(0).normal(size=(5, 7))
    want = np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(ex.log_softmax(z), want, atol=1e-12)


def check_normalised_over_last_axis(ex):
    """the probabilities sum to 1 along the last axis, for 1-D, 2-D and 3-D input"""
    rng = np.random.default_rng(1)
    for shape in [(6,), (4, 6), (2, 3, 6)]:
        sums = np.exp(ex.log_softmax(rng.normal(size=shape))).sum(axis=-1)
        assert np.allclose(sums, 1.0, atol=1e-12), (
            f"shape {shape}: sums along the last axis are {sums}, not 1")


def check_large_logits(ex):
    """[1000, 0, -1000] gives [0, -1000, -2000], with no overflow warning"""
    got = ex.log_softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.all(np.isfinite(got)), f"not finite: {got}"
    np.testing.assert_allclose(got, [[0.0, -1000.0, -2000.0]], atol=1e-9)


def check_shift_invariance(ex):
    """adding a constant to every logit of a row changes nothing"""
    z = np.random.default_rng(2).normal(size=(3, 5))
    np.testing.assert_allclose(ex.log_softmax(z + 500.0), ex.log_softmax(z), atol=1e-9)
# ~/~ end
